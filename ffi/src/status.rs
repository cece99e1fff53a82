//! Status codes: every entry point returns one. Numbered in ranges per area: 0 success, 100–199
//! the caller's arguments, 200–299 loading masters, 300–399 a claim that cannot be computed,
//! 400–499 reading a result, 500–599 rules, 900–999 santei itself. A number keeps its meaning forever: a retired code is listed here as
//! retired and never given to anything else.

use std::ffi::c_char;

/// A status code returned by every santei function that can fail: `SANTEI_STATUS_OK` (0) or one
/// of the `SANTEI_STATUS_*` constants. Numbers are grouped by area (100–199 arguments, 200–299
/// masters, 300–399 claims, 400–499 results, 500–599 rules, 900–999 santei itself) and never reused; treat an unknown number by
/// its range. `santei_status_name` gives its stable text id.
pub type SanteiStatus = u32;

/// Success.
pub const SANTEI_STATUS_OK: SanteiStatus = 0;

/// A required pointer argument is NULL.
pub const SANTEI_STATUS_NULL_ARGUMENT: SanteiStatus = 100;
/// A text argument (path, claim JSON) is not valid UTF-8; the message gives the byte offset.
pub const SANTEI_STATUS_INVALID_UTF8: SanteiStatus = 101;
/// An index argument is not below the matching count (`santei_result_section_count` …).
pub const SANTEI_STATUS_INDEX_OUT_OF_RANGE: SanteiStatus = 102;
/// Another invalid argument: a length above `PTRDIFF_MAX`, an empty folder list, an unknown
/// severity, rounding, encoding or revision, a builder with no masters.
pub const SANTEI_STATUS_INVALID_ARGUMENT: SanteiStatus = 103;

/// The masters path is not a folder.
pub const SANTEI_STATUS_MASTERS_NOT_A_DIRECTORY: SanteiStatus = 200;
/// A masters file or folder cannot be read (the error's path names it).
pub const SANTEI_STATUS_MASTERS_IO: SanteiStatus = 201;
/// A masters zip file is damaged or cannot be read.
pub const SANTEI_STATUS_MASTERS_ZIP: SanteiStatus = 202;
/// A required master (医科診療行為 `s_ALL*`) is not in the folder.
pub const SANTEI_STATUS_MASTERS_MISSING_REQUIRED: SanteiStatus = 203;
/// A required 電子点数表 table is not in the folder.
pub const SANTEI_STATUS_MASTERS_MISSING_ETENSU: SanteiStatus = 204;
/// A malformed row or field in a masters file; the error gives file, line and column (項番).
pub const SANTEI_STATUS_MASTERS_DATA: SanteiStatus = 205;
/// No 改定 (revision) is known for the dates of the masters.
pub const SANTEI_STATUS_MASTERS_NO_REVISION: SanteiStatus = 206;
/// A revision asked for (`santei_builder_revision`, a 電子点数表 given for a revision) has no
/// masters loaded; the message lists the revisions that are.
pub const SANTEI_STATUS_MASTERS_REVISION_NOT_LOADED: SanteiStatus = 207;
/// A 医科電子点数表 was given without its revision while several revisions are loaded.
pub const SANTEI_STATUS_MASTERS_ETENSU_AMBIGUOUS: SanteiStatus = 208;

/// The claim is not well-formed JSON; the error gives line and column.
pub const SANTEI_STATUS_CLAIM_JSON: SanteiStatus = 300;
/// A value of the claim is wrong (unknown field, bad date, no visits …); the error's path is the
/// JSON path (`visits[0].items[1].days`).
pub const SANTEI_STATUS_CLAIM_VALUE: SanteiStatus = 301;
/// The claim's `format` is not `santei.claim/1`.
pub const SANTEI_STATUS_CLAIM_FORMAT: SanteiStatus = 302;
/// The visits of the claim fall in more than one month.
pub const SANTEI_STATUS_CLAIM_MONTH: SanteiStatus = 303;
/// No masters are loaded for the claim's dates.
pub const SANTEI_STATUS_CLAIM_REVISION: SanteiStatus = 304;
/// The claim asks for something santei does not compute yet. Kept for the ABI; no claim error
/// uses it since 入院 claims are computed (what they leave out is warning INP-701).
pub const SANTEI_STATUS_CLAIM_UNSUPPORTED: SanteiStatus = 305;
/// A claim error this version of the C API has no number for; the message names its code.
pub const SANTEI_STATUS_CLAIM_OTHER: SanteiStatus = 399;

/// The result has no copayment: the claim gave no insurance, or its insurance data cannot give an
/// amount (the findings say why). Totals in points are still there.
pub const SANTEI_STATUS_RESULT_NO_COPAY: SanteiStatus = 400;

/// Rule files (the 医科電子点数表 compiled into rules, or rule files) do not compile; the error
/// gives the file, line and column of the first problem.
pub const SANTEI_STATUS_RULES_INVALID: SanteiStatus = 500;

/// santei panicked (a bug): the call was abandoned, nothing was written, and the engine and every
/// other handle stay usable. Please report the message.
pub const SANTEI_STATUS_PANIC: SanteiStatus = 900;

/// The stable text id of a status (`"ok"`, `"argument.null"`, `"claim.json"` …).
pub(crate) fn name(status: SanteiStatus) -> Option<&'static std::ffi::CStr> {
    Some(match status {
        SANTEI_STATUS_OK => c"ok",
        SANTEI_STATUS_NULL_ARGUMENT => c"argument.null",
        SANTEI_STATUS_INVALID_UTF8 => c"argument.utf8",
        SANTEI_STATUS_INDEX_OUT_OF_RANGE => c"argument.index",
        SANTEI_STATUS_INVALID_ARGUMENT => c"argument.invalid",
        SANTEI_STATUS_MASTERS_NOT_A_DIRECTORY => c"masters.not_a_directory",
        SANTEI_STATUS_MASTERS_IO => c"masters.io",
        SANTEI_STATUS_MASTERS_ZIP => c"masters.zip",
        SANTEI_STATUS_MASTERS_MISSING_REQUIRED => c"masters.missing_required",
        SANTEI_STATUS_MASTERS_MISSING_ETENSU => c"masters.missing_etensu",
        SANTEI_STATUS_MASTERS_DATA => c"masters.data",
        SANTEI_STATUS_MASTERS_NO_REVISION => c"masters.no_revision",
        SANTEI_STATUS_MASTERS_REVISION_NOT_LOADED => c"masters.revision_not_loaded",
        SANTEI_STATUS_MASTERS_ETENSU_AMBIGUOUS => c"masters.etensu_ambiguous",
        SANTEI_STATUS_CLAIM_JSON => c"claim.json",
        SANTEI_STATUS_CLAIM_VALUE => c"claim.value",
        SANTEI_STATUS_CLAIM_FORMAT => c"claim.format",
        SANTEI_STATUS_CLAIM_MONTH => c"claim.month",
        SANTEI_STATUS_CLAIM_REVISION => c"claim.revision",
        SANTEI_STATUS_CLAIM_UNSUPPORTED => c"claim.unsupported",
        SANTEI_STATUS_CLAIM_OTHER => c"claim.other",
        SANTEI_STATUS_RESULT_NO_COPAY => c"result.no_copay",
        SANTEI_STATUS_RULES_INVALID => c"rules.invalid",
        SANTEI_STATUS_PANIC => c"panic",
        _ => return None,
    })
}

/// The number of a claim error code of the engine (`claim.json` …).
pub(crate) fn of_claim_code(code: &str) -> SanteiStatus {
    match code {
        "claim.json" => SANTEI_STATUS_CLAIM_JSON,
        "claim.value" => SANTEI_STATUS_CLAIM_VALUE,
        "claim.format" => SANTEI_STATUS_CLAIM_FORMAT,
        "claim.month" => SANTEI_STATUS_CLAIM_MONTH,
        "claim.revision" => SANTEI_STATUS_CLAIM_REVISION,
        "claim.unsupported" => SANTEI_STATUS_CLAIM_UNSUPPORTED,
        _ => SANTEI_STATUS_CLAIM_OTHER,
    }
}

/// The stable text id of a status code, as a static NUL-terminated string: `"ok"`,
/// `"argument.null"`, `"masters.data"`, `"claim.json"`, `"panic"` … (the ids of claim errors are
/// the `code` of the engine's claim errors). NULL for a number this version does not know.
///
/// Thread safety: may be called from any thread. The string is never freed.
#[unsafe(no_mangle)]
pub extern "C" fn santei_status_name(status: SanteiStatus) -> *const c_char {
    name(status).map_or(std::ptr::null(), |s| s.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_claim_code_of_the_engine_has_its_own_number() {
        for code in [
            "claim.json",
            "claim.value",
            "claim.format",
            "claim.month",
            "claim.revision",
            "claim.unsupported",
        ] {
            let n = of_claim_code(code);
            assert_ne!(n, SANTEI_STATUS_CLAIM_OTHER, "{code}");
            assert_eq!(name(n).unwrap().to_str().unwrap(), code);
        }
    }

    #[test]
    fn numbers_sit_in_their_area() {
        for n in 0..1000 {
            let Some(id) = name(n) else { continue };
            let id = id.to_str().unwrap();
            let area = match n {
                0 => "ok",
                100..=199 => "argument.",
                200..=299 => "masters.",
                300..=399 => "claim.",
                400..=499 => "result.",
                500..=599 => "rules.",
                900..=999 => "panic",
                _ => panic!("{n} is outside every area"),
            };
            assert!(id.starts_with(area), "{n} {id}");
        }
    }
}
