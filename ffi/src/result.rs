//! `SanteiResult`: a computed claim, read through accessors or as JSON.

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use santei_engine::copay::Copay;
use santei_engine::{ClaimResult, Severity};

use crate::error::{SanteiError, c_string};
use crate::guard::{self, non_null, out};
use crate::status::*;

/// Severity of a finding: `SANTEI_SEVERITY_ERROR`, `SANTEI_SEVERITY_WARNING` or
/// `SANTEI_SEVERITY_INFO`.
pub type SanteiSeverity = u32;
/// A line was not billed, or the claim is wrong as submitted.
pub const SANTEI_SEVERITY_ERROR: SanteiSeverity = 1;
/// Needs a person's look (a rule santei cannot decide).
pub const SANTEI_SEVERITY_WARNING: SanteiSeverity = 2;
/// Something santei did that a reader may want to know (a 注加算 added, a まるめ applied).
pub const SANTEI_SEVERITY_INFO: SanteiSeverity = 3;

fn severity(s: Severity) -> SanteiSeverity {
    match s {
        Severity::Error => SANTEI_SEVERITY_ERROR,
        Severity::Warning => SANTEI_SEVERITY_WARNING,
        Severity::Info => SANTEI_SEVERITY_INFO,
    }
}

/// The result of one claim (`santei.result/1`): 合計点数, totals per 診療識別, per 点数欄 and per
/// day, the billed lines, the findings (rule outcomes: lines not billed, warnings), and the
/// patient copayment when the claim gives the insurance.
///
/// Ownership: returned by `santei_engine_calculate`, owned by the caller, released with
/// `santei_result_free`. It does not borrow the engine (the engine may be freed first). Strings it
/// hands out (`santei_result_json`, rule ids, the revision) live until the result is freed.
///
/// Thread safety: immutable to the caller; may be read from several threads at once (the JSON and
/// the strings are built once, on first request, under a lock-free once-cell). Free it once, after
/// every reader is done, from any thread.
pub struct SanteiResult {
    result: ClaimResult,
    /// The JSON, with a NUL after it.
    json: OnceLock<Box<[u8]>>,
    strings: OnceLock<Strings>,
}

struct Strings {
    revision: CString,
    rules: Vec<CString>,
}

impl SanteiResult {
    pub(crate) fn new(result: ClaimResult) -> SanteiResult {
        SanteiResult {
            result,
            json: OnceLock::new(),
            strings: OnceLock::new(),
        }
    }

    fn strings(&self) -> &Strings {
        self.strings.get_or_init(|| Strings {
            revision: c_string(self.result.revision),
            rules: self
                .result
                .findings
                .iter()
                .map(|f| c_string(f.rule))
                .collect(),
        })
    }
}

/// Runs an accessor on a live result; `SANTEI_STATUS_NULL_ARGUMENT` for a NULL result.
fn read(
    result: *const SanteiResult,
    f: impl FnOnce(&SanteiResult) -> Result<(), SanteiError>,
) -> SanteiStatus {
    guard::run(std::ptr::null_mut(), || {
        non_null(result, "result")?;
        // SAFETY: a live result from santei (the contract of every accessor).
        f(unsafe { &*result })
    })
}

fn index(index: usize, count: usize, what: &str) -> Result<usize, SanteiError> {
    if index < count {
        Ok(index)
    } else {
        Err(SanteiError::new(
            SANTEI_STATUS_INDEX_OUT_OF_RANGE,
            format!("{what} index {index} is not below the count {count}"),
        ))
    }
}

/// Writes `value` to `*ptr`, which was checked non-NULL.
fn put<T>(ptr: *mut T, value: T) {
    // SAFETY: every caller checked `ptr` with `out` first; writable per the accessor's contract.
    unsafe { ptr.write(value) };
}

/// The whole result as JSON (`santei.result/1`, compact, UTF-8; see docs/CLAIM_FORMAT.md): writes
/// a pointer to it to `*json_out` and its length in bytes to `*len_out`. The text is also
/// NUL-terminated (the NUL is not counted in the length). Built on the first call, then the same
/// pointer is returned; valid until `santei_result_free(result)`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT` or `SANTEI_STATUS_PANIC`; on failure
/// nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `json_out` and `len_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_json(
    result: *const SanteiResult,
    json_out: *mut *const c_char,
    len_out: *mut usize,
) -> SanteiStatus {
    read(result, |r| {
        out(json_out, "json_out")?;
        out(len_out, "len_out")?;
        let json = r.json.get_or_init(|| {
            let mut v = serde_json::to_vec(&r.result).expect("a result always serializes");
            v.push(0);
            v.into_boxed_slice()
        });
        put(json_out, json.as_ptr().cast::<c_char>());
        put(len_out, json.len() - 1);
        Ok(())
    })
}

/// 合計点数: the points of the claim (the sum of every billed line's points × 回数).
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT` or `SANTEI_STATUS_PANIC`; on failure
/// nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `points_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_total_points(
    result: *const SanteiResult,
    points_out: *mut i64,
) -> SanteiStatus {
    read(result, |r| {
        out(points_out, "points_out")?;
        put(points_out, r.result.total_points);
        Ok(())
    })
}

/// The revision whose masters computed the claim (`"r2024-06"` …): NUL-terminated, valid until
/// `santei_result_free(result)`.
///
/// # Safety
/// `result` is NULL or a live result; `revision_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_revision(
    result: *const SanteiResult,
    revision_out: *mut *const c_char,
) -> SanteiStatus {
    read(result, |r| {
        out(revision_out, "revision_out")?;
        put(revision_out, r.strings().revision.as_ptr());
        Ok(())
    })
}

/// The number of billed lines (UKE SI/IY/TO/CO records) in the result.
///
/// # Safety
/// `result` is NULL or a live result; `count_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_line_count(
    result: *const SanteiResult,
    count_out: *mut usize,
) -> SanteiStatus {
    read(result, |r| {
        out(count_out, "count_out")?;
        put(count_out, r.result.lines.len());
        Ok(())
    })
}

/// The number of 診療識別 totals (read them with `santei_result_section`).
///
/// # Safety
/// `result` is NULL or a live result; `count_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_section_count(
    result: *const SanteiResult,
    count_out: *mut usize,
) -> SanteiStatus {
    read(result, |r| {
        out(count_out, "count_out")?;
        put(count_out, r.result.sections.len());
        Ok(())
    })
}

/// The total of one 診療識別, `index` from 0 below `santei_result_section_count`, in 診療識別
/// order: writes the 診療識別 (11 初診, 12 再診, 21 内服, 60 検査 …) to `*section_out` and its
/// points to `*points_out`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`,
/// `SANTEI_STATUS_INDEX_OUT_OF_RANGE` or `SANTEI_STATUS_PANIC`; on failure nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `section_out` and `points_out` are NULL or valid for
/// writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_section(
    result: *const SanteiResult,
    index: usize,
    section_out: *mut u16,
    points_out: *mut i64,
) -> SanteiStatus {
    read(result, |r| {
        out(section_out, "section_out")?;
        out(points_out, "points_out")?;
        let s = &r.result.sections[self::index(index, r.result.sections.len(), "section")?];
        put(section_out, s.section.parse().unwrap_or(0));
        put(points_out, s.points);
        Ok(())
    })
}

/// The number of 点数欄 totals (点数集計先識別; read them with `santei_result_aggregation`).
///
/// # Safety
/// `result` is NULL or a live result; `count_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_aggregation_count(
    result: *const SanteiResult,
    count_out: *mut usize,
) -> SanteiStatus {
    read(result, |r| {
        out(count_out, "count_out")?;
        put(count_out, r.result.aggregations.len());
        Ok(())
    })
}

/// The total of one 点数欄 of the receipt (点数集計先識別（入院外）: 110 初診, 120 再診, 122
/// 外来管理加算 …; 診療行為 lines only), `index` from 0 below `santei_result_aggregation_count`:
/// writes the 点数集計先識別 to `*aggregation_out` and its points to `*points_out`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`,
/// `SANTEI_STATUS_INDEX_OUT_OF_RANGE` or `SANTEI_STATUS_PANIC`; on failure nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `aggregation_out` and `points_out` are NULL or valid for
/// writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_aggregation(
    result: *const SanteiResult,
    index: usize,
    aggregation_out: *mut u16,
    points_out: *mut i64,
) -> SanteiStatus {
    read(result, |r| {
        out(aggregation_out, "aggregation_out")?;
        out(points_out, "points_out")?;
        let a =
            &r.result.aggregations[self::index(index, r.result.aggregations.len(), "aggregation")?];
        put(aggregation_out, a.aggregation);
        put(points_out, a.points);
        Ok(())
    })
}

/// The number of days of care with lines (read them with `santei_result_day`).
///
/// # Safety
/// `result` is NULL or a live result; `count_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_day_count(
    result: *const SanteiResult,
    count_out: *mut usize,
) -> SanteiStatus {
    read(result, |r| {
        out(count_out, "count_out")?;
        put(count_out, r.result.days.len());
        Ok(())
    })
}

/// The points of one day of care (for the 窓口 charge of each visit), `index` from 0 below
/// `santei_result_day_count`, in date order: writes the date as the number YYYYMMDD to
/// `*date_out` and the points to `*points_out`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`,
/// `SANTEI_STATUS_INDEX_OUT_OF_RANGE` or `SANTEI_STATUS_PANIC`; on failure nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `date_out` and `points_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_day(
    result: *const SanteiResult,
    index: usize,
    date_out: *mut u32,
    points_out: *mut i64,
) -> SanteiStatus {
    read(result, |r| {
        out(date_out, "date_out")?;
        out(points_out, "points_out")?;
        let d = &r.result.days[self::index(index, r.result.days.len(), "day")?];
        put(date_out, d.date.yyyymmdd());
        put(points_out, d.points);
        Ok(())
    })
}

/// The number of findings (rule outcomes) in the result, of every severity.
///
/// # Safety
/// `result` is NULL or a live result; `count_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_finding_count(
    result: *const SanteiResult,
    count_out: *mut usize,
) -> SanteiStatus {
    read(result, |r| {
        out(count_out, "count_out")?;
        put(count_out, r.result.findings.len());
        Ok(())
    })
}

/// The number of findings of one severity; with `SANTEI_SEVERITY_ERROR`, non-zero means some
/// line could not be billed.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (an unknown severity) or `SANTEI_STATUS_PANIC`; on failure nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `count_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_findings_with_severity(
    result: *const SanteiResult,
    severity: SanteiSeverity,
    count_out: *mut usize,
) -> SanteiStatus {
    read(result, |r| {
        out(count_out, "count_out")?;
        if !(SANTEI_SEVERITY_ERROR..=SANTEI_SEVERITY_INFO).contains(&severity) {
            return Err(SanteiError::new(
                SANTEI_STATUS_INVALID_ARGUMENT,
                format!("unknown severity {severity}"),
            ));
        }
        let n = r
            .result
            .findings
            .iter()
            .filter(|f| self::severity(f.severity) == severity)
            .count();
        put(count_out, n);
        Ok(())
    })
}

/// One finding, `index` from 0 below `santei_result_finding_count`: writes its severity to
/// `*severity_out` and its stable rule id (see docs/FINDINGS.md) to `*rule_out`, NUL-terminated
/// and valid until `santei_result_free(result)`. The message, path, citation and codes are in the
/// JSON.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`,
/// `SANTEI_STATUS_INDEX_OUT_OF_RANGE` or `SANTEI_STATUS_PANIC`; on failure nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `severity_out` and `rule_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_finding(
    result: *const SanteiResult,
    index: usize,
    severity_out: *mut SanteiSeverity,
    rule_out: *mut *const c_char,
) -> SanteiStatus {
    read(result, |r| {
        out(severity_out, "severity_out")?;
        out(rule_out, "rule_out")?;
        let i = self::index(index, r.result.findings.len(), "finding")?;
        put(severity_out, severity(r.result.findings[i].severity));
        put(rule_out, r.strings().rules[i].as_ptr());
        Ok(())
    })
}

/// Which amount of the copayment to read (`santei_result_copay`, `santei_result_copay_visit`).
/// All amounts are yen, integers.
pub type SanteiCopayAmount = u32;
/// 医療費 (10割) = 点数 × 10円.
pub const SANTEI_COPAY_MEDICAL_COST_YEN: SanteiCopayAmount = 1;
/// 一部負担金 before 高額療養費 (医療費 × 負担割合). Month only.
pub const SANTEI_COPAY_BEFORE_LIMIT_YEN: SanteiCopayAmount = 2;
/// 一部負担金 after 高額療養費 and マル長.
pub const SANTEI_COPAY_COPAY_YEN: SanteiCopayAmount = 3;
/// 高額療養費 paid in kind (現物給付).
pub const SANTEI_COPAY_HIGH_COST_YEN: SanteiCopayAmount = 4;
/// 保険者負担 = 医療費 − 一部負担金. Month only.
pub const SANTEI_COPAY_INSURER_YEN: SanteiCopayAmount = 5;
/// What the patient owes, after 公費 and every limit.
pub const SANTEI_COPAY_PATIENT_YEN: SanteiCopayAmount = 6;
/// What the 窓口 collects (for the month: the sum over the visits).
pub const SANTEI_COPAY_WINDOW_YEN: SanteiCopayAmount = 7;

fn copay(r: &SanteiResult) -> Result<&Copay, SanteiError> {
    r.result.copay.as_ref().ok_or_else(|| {
        SanteiError::new(
            SANTEI_STATUS_RESULT_NO_COPAY,
            "the result has no copayment (no insurance in the claim, or see the findings)",
        )
    })
}

fn unknown_amount(amount: SanteiCopayAmount, scope: &str) -> SanteiError {
    SanteiError::new(
        SANTEI_STATUS_INVALID_ARGUMENT,
        format!("copay amount {amount} does not exist {scope}"),
    )
}

/// One amount of the month's copayment (患者負担, 窓口, 高額療養費 …; see `SanteiCopayAmount`),
/// in yen, written to `*yen_out`. The details (公費, UKE HO/KO values, 負担区分) are in the JSON.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_RESULT_NO_COPAY` (the claim gave no insurance, or
/// its insurance data cannot give an amount), `SANTEI_STATUS_NULL_ARGUMENT`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` (an unknown amount) or `SANTEI_STATUS_PANIC`; on failure
/// nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `yen_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_copay(
    result: *const SanteiResult,
    amount: SanteiCopayAmount,
    yen_out: *mut i64,
) -> SanteiStatus {
    read(result, |r| {
        out(yen_out, "yen_out")?;
        let c = copay(r)?;
        let yen = match amount {
            SANTEI_COPAY_MEDICAL_COST_YEN => c.medical_cost_yen,
            SANTEI_COPAY_BEFORE_LIMIT_YEN => c.copay_before_limit_yen,
            SANTEI_COPAY_COPAY_YEN => c.copay_yen,
            SANTEI_COPAY_HIGH_COST_YEN => c.high_cost_yen,
            SANTEI_COPAY_INSURER_YEN => c.insurer_yen,
            SANTEI_COPAY_PATIENT_YEN => c.patient_yen,
            SANTEI_COPAY_WINDOW_YEN => c.window_yen,
            _ => return Err(unknown_amount(amount, "for the month")),
        };
        put(yen_out, yen);
        Ok(())
    })
}

/// The number of days of care in the copayment (read them with `santei_result_copay_visit`).
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_RESULT_NO_COPAY`, `SANTEI_STATUS_NULL_ARGUMENT` or
/// `SANTEI_STATUS_PANIC`; on failure nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `count_out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_copay_visit_count(
    result: *const SanteiResult,
    count_out: *mut usize,
) -> SanteiStatus {
    read(result, |r| {
        out(count_out, "count_out")?;
        put(count_out, copay(r)?.visits.len());
        Ok(())
    })
}

/// One amount of one day's copayment, `index` from 0 below `santei_result_copay_visit_count`, in
/// date order: writes the date as the number YYYYMMDD to `*date_out` and the amount in yen to
/// `*yen_out` (`SANTEI_COPAY_WINDOW_YEN` is what the 窓口 collects that day).
/// `SANTEI_COPAY_BEFORE_LIMIT_YEN` and `SANTEI_COPAY_INSURER_YEN` exist for the month only.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_RESULT_NO_COPAY`, `SANTEI_STATUS_NULL_ARGUMENT`,
/// `SANTEI_STATUS_INDEX_OUT_OF_RANGE`, `SANTEI_STATUS_INVALID_ARGUMENT` (an unknown amount) or
/// `SANTEI_STATUS_PANIC`; on failure nothing is written.
///
/// # Safety
/// `result` is NULL or a live result; `date_out` and `yen_out` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_copay_visit(
    result: *const SanteiResult,
    index: usize,
    amount: SanteiCopayAmount,
    date_out: *mut u32,
    yen_out: *mut i64,
) -> SanteiStatus {
    read(result, |r| {
        out(date_out, "date_out")?;
        out(yen_out, "yen_out")?;
        let c = copay(r)?;
        let v = &c.visits[self::index(index, c.visits.len(), "copay visit")?];
        let yen = match amount {
            SANTEI_COPAY_MEDICAL_COST_YEN => v.medical_cost_yen,
            SANTEI_COPAY_COPAY_YEN => v.copay_yen,
            SANTEI_COPAY_HIGH_COST_YEN => v.high_cost_yen,
            SANTEI_COPAY_PATIENT_YEN => v.patient_yen,
            SANTEI_COPAY_WINDOW_YEN => v.window_yen,
            _ => return Err(unknown_amount(amount, "for a day")),
        };
        put(date_out, v.date.yyyymmdd());
        put(yen_out, yen);
        Ok(())
    })
}

/// Releases a result and every string it handed out. NULL is allowed and does nothing.
///
/// # Safety
/// `result` is NULL or a result from santei not freed yet; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_result_free(result: *mut SanteiResult) {
    if result.is_null() {
        return;
    }
    let _ = guard::run(std::ptr::null_mut(), || {
        // SAFETY: created by `Box::into_raw` in `santei_engine_calculate`, freed once (contract).
        drop(unsafe { Box::from_raw(result) });
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_handles_are_shareable() {
        fn shareable<T: Send + Sync>() {}
        shareable::<SanteiResult>();
        shareable::<crate::SanteiError>();
    }

    #[test]
    fn a_nul_inside_user_data_does_not_cut_the_string() {
        assert_eq!(c_string("a\0b").to_str().unwrap(), "a\u{FFFD}b");
    }
}
