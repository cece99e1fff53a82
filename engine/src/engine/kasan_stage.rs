//! The 入院基本料等加算 of a day of the stay (engine/src/stay/kasan.rs decides; this stage bills), and
//! the refusal of a claimed 加算 the stay derives or whose 算定 limit the day breaks.

use santei_masters::{Date, Procedure};

use super::{Context, Deriver};
use crate::result::Finding;
use crate::stay::{self, houkatsu, kasan};

/// Rule id of the 入院基本料等加算 santei derives from the 届出 (and of a claimed one it refuses
/// because the stay derives it).
pub const KASAN: &str = "INP-110.stay-addition";
const A234_3_NOT_WITH_A232: &str = "通知 A234-3 (4) (tsuchi_ika.txt l.2934): 「Ａ２３２」がん拠点病院加算を算定している場合は算定できない";
/// A claimed 入院基本料等加算 on a day its limit (入院初日, 14日を限度 …) does not allow.
pub const KASAN_LIMIT: &str = "INP-111.addition-limit";
/// A 加算 the 届出 would give that santei does not derive (04 not loaded, two rows 届出).
pub const KASAN_NOT_DERIVED: &str = "INP-112.addition-not-derived";
/// A claimed item the day's 特定入院料 includes (its 告示 注 「…に含まれるものとする」).
pub const INCLUDED: &str = "INP-120.specific-fee-inclusion";

const CITE_04: &str = "医科電子点数表 04 入院基本料テーブル (01 入院基本料識別); 告示 第1章第2部 第2節 各区分の注 「…のうち、○○加算を算定できるものを現に算定している患者に限る」; 通知 第2節 別表1 (r06 tsuchi_ika.txt l.1935–1937)";

impl<'a> Deriver<'a> {
    /// A232 がん拠点病院加算 (区分番号 A232, 項番92) among the claimed procedures of `date`.
    fn claims_a232(&self, date: Date) -> bool {
        let set = &self.cx.p.set;
        self.cx
            .claim
            .visits
            .iter()
            .filter(|v| v.date == date)
            .flat_map(|v| &v.items)
            .filter_map(|i| match i {
                crate::claim::Item::Procedure { code, .. } => super::code_of(code),
                _ => None,
            })
            .filter_map(|c| set.procedures.get(c, date))
            .any(|r| {
                r.code_table_alpha.as_str() == "A"
                    && r.code_table_chapter.as_str() == "1"
                    && r.code_table_section.as_str() == "232"
            })
    }

    /// The 入院基本料等加算 due on `date`, day `day` of the 入院期間, with the ward's 入院料 `fee`
    /// (not on an 外泊 day: the caller bills none then).
    pub(super) fn stay_additions(&mut self, date: Date, day: i64, fee: &Procedure, path: &str) {
        let p = self.cx.p;
        let standards = &self.cx.claim.facility.standards;
        if standards.is_empty() {
            return;
        }
        let idx = &p.stay_additions;
        let valid = |c: u32| p.set.procedures.get(c, date).is_some();
        for (ei, held) in kasan::held_by_entry(idx, standards, valid) {
            let e = &kasan::ENTRIES[ei];
            if !e.limit.allows(day) {
                continue;
            }
            if stay::is_special(fee) && !e.with_special {
                continue;
            }
            // 通知 A234-3 (4) (tsuchi_ika.txt l.2934): 患者サポート体制充実加算 is not billed with A232
            // がん拠点病院加算 (claimed on the day: both are 入院初日 加算).
            if (e.section, e.branch) == ("234", "03") && self.claims_a232(date) {
                if self.first_time(KASAN, "a232", ei as u64) {
                    self.findings.push(
                        Finding::info(KASAN)
                            .at(path.to_string())
                            .cite(A234_3_NOT_WITH_A232)
                            .message(format!(
                                "{} is not derived: A232 がん拠点病院加算 is claimed on {date}",
                                e.name
                            )),
                    );
                }
                continue;
            }
            let Some(groups) = &idx.groups else {
                if self.first_time(KASAN_NOT_DERIVED, "no-04", ei as u64) {
                    self.findings.push(
                        Finding::warning(KASAN_NOT_DERIVED)
                            .at("facility.standards")
                            .cite(CITE_04)
                            .message(format!("{}: the facility's 届出 gives it, but the 04 入院基本料テーブル of the 電子点数表 is not loaded for {}, so which 入院料 may take it is unknown; not derived — claim it", e.name, self.rev())),
                    );
                }
                continue;
            };
            let due: Vec<&kasan::Candidate> = held
                .into_iter()
                .filter(|c| groups.allows(fee.code.0, c.code, date))
                .collect();
            let c = match due.as_slice() {
                [] => {
                    if self.first_time(
                        KASAN,
                        "not-in-04",
                        (ei as u64) << 32 | u64::from(fee.code.0),
                    ) {
                        self.findings.push(
                            Finding::info(KASAN)
                                .at(path.to_string())
                                .cite(CITE_04)
                                .codes(vec![fee.code.to_string()])
                                .message(format!("{} is not derived with {} {}: the 04 group of the 入院料 does not list it", e.name, fee.code, fee.abbr_name)),
                        );
                    }
                    continue;
                }
                [c] => *c,
                many => {
                    if self.first_time(KASAN_NOT_DERIVED, "two-todokede", ei as u64) {
                        let codes: Vec<String> =
                            many.iter().map(|c| format!("{:09}", c.code)).collect();
                        self.findings.push(
                            Finding::warning(KASAN_NOT_DERIVED)
                                .at("facility.standards")
                                .cite(e.cite)
                                .codes(codes.clone())
                                .message(format!("{}: the 届出 give {} rows ({}); which one applies is unknown, none derived — claim it", e.name, many.len(), codes.join(", "))),
                        );
                    }
                    continue;
                }
            };
            let Some(rec) = p.set.procedures.get(c.code, date) else {
                continue;
            };
            let start = self.cx.claim.admission_date.unwrap_or(date);
            let why = self.why(|| crate::Explanation::StayAddition {
                name: e.name,
                standards: held_standards(&c.standards, standards),
                day,
                start,
                limit: e.limit,
                fee_code: fee.code,
                fee_name: fee.abbr_name.clone(),
                citation: e.cite,
                group_citation: CITE_04,
            });
            self.derived_line(rec, date, 1, KASAN, path, why);
            let notes = idx
                .notes
                .get(&c.note_code)
                .map_or(&[][..], |v| v.as_slice());
            for n in kasan::notes_due(e, notes, standards, valid) {
                let Some(nrec) = p.set.procedures.get(n.code, date) else {
                    continue;
                };
                let why = self.why(|| crate::Explanation::StayAdditionNote {
                    code: rec.code,
                    name: rec.abbr_name.clone(),
                    note_code: n.note_code,
                    serial: n.serial,
                    standards: held_standards(&n.standards, standards),
                    limit: e.limit,
                    citation: e.cite,
                });
                self.derived_line(nrec, date, 1, KASAN, path, why);
            }
        }
    }
}

impl<'a> Context<'a> {
    /// The 特定入院料 the ward bills on `date`, with its 包括, when santei has its 注.
    fn specific_fee(&self, date: Date) -> Option<(&'a Procedure, &'static houkatsu::Inclusive)> {
        let s = self.claim.stay.as_ref()?;
        let admitted = s.admitted_on.or(self.claim.admission_date)?;
        if date < admitted || s.discharged_on.is_some_and(|d| date > d) {
            return None;
        }
        let w = s.wards.iter().rev().find(|w| w.from <= date)?;
        let fee = self.p.set.procedures.get(super::code_of(&w.fee)?, date)?;
        Some((fee, houkatsu::inclusive_of(fee)?))
    }

    /// A claimed 診療行為 the day's 特定入院料 includes: the rule, the 注 and the reason.
    fn included(
        &self,
        rec: &Procedure,
        date: Date,
    ) -> Option<(&'static str, &'static str, String)> {
        let (fee, inc) = self.specific_fee(date)?;
        houkatsu::includes(inc, fee, rec).then(|| {
            (
                INCLUDED,
                inc.cite,
                format!(
                    "included in the {} of the ward on {date} ({} {}): the 告示 注 does not except it",
                    inc.name, fee.code, fee.abbr_name
                ),
            )
        })
    }

    /// Why a claimed item is not billed because of the stay: the stay bills it (入院料, 入院期間加算,
    /// 外泊), derives it (a 入院基本料等加算 of the facility's 届出), or the day is outside the 加算's
    /// limit. The rule id, its citation and the reason.
    pub(super) fn stay_refusal(
        &self,
        earlier: &[super::price_stage::Work],
        rec: &Procedure,
        date: Date,
    ) -> Option<(&'static str, &'static str, String)> {
        if self.stay_bills(rec) {
            return Some((
                super::stay_stage::STAY,
                stay::CITE_PERIOD,
                "the claim's `stay` bills the 入院料 and its 入院期間加算 of each day".into(),
            ));
        }
        if !self.inpatient {
            return None;
        }
        if let Some(r) = self.included(rec, date) {
            return Some(r);
        }
        let e = kasan::entry_of(rec)?;
        // Refused as derived only when the stay did derive it that day (its lines come before the
        // day's claimed items): with two 届出 of one 加算, no 04 group, or an 外泊 day nothing is
        // derived, and the claimed line is judged by its limit instead.
        let derived_here = earlier.iter().any(|l| {
            l.date == date
                && matches!(&l.origin, crate::result::Origin::Derived { rule, .. } if *rule == KASAN)
                && super::code_of(&l.code) == Some(rec.code.0)
        });
        if derived_here {
            return Some((
                KASAN,
                e.cite,
                format!(
                    "{} is derived from the facility's 届出 on the days of the stay that take it ({})",
                    e.name,
                    e.limit.describe()
                ),
            ));
        }
        let start = self.claim.admission_date?;
        let day = date.day_number() - start.day_number() + 1;
        (!e.limit.allows(day)).then(|| {
            (
                KASAN_LIMIT,
                e.cite,
                format!(
                    "{}: {} — {date} is day {day} of the 入院期間 (起算日 {start}; a 再入院 counted with an earlier stay has no 入院初日, 通知 第1章第2部 通則8)",
                    e.name,
                    e.limit.describe()
                ),
            )
        })
    }
}

impl Deriver<'_> {
    /// Said once per 特定入院料 with a 包括: what santei does not decide about it.
    pub(super) fn inclusion_notice(&mut self, fee: &Procedure, path: &str) {
        let Some(inc) = houkatsu::inclusive_of(fee) else {
            return;
        };
        if !self.first_time(INCLUDED, "notice", u64::from(fee.code.0)) {
            return;
        }
        self.findings.push(
            Finding::info(INCLUDED)
                .at(path.to_string())
                .cite(inc.cite)
                .codes(vec![fee.code.to_string()])
                .message(format!("{}: claimed 診療行為 it includes are not billed (INP-120); drugs and 特定保険医療材料 are billed as claimed — santei does not decide which of them the 注 includes (除外薬剤・注射薬, the J400 材料 it excepts), so check them by hand{}",
                    inc.name,
                    if inc.note.is_empty() { String::new() } else { format!("; {}", inc.note) })),
        );
    }
}

/// The 施設基準コード of a row that the facility has 届出 (the explanation writes them joined).
fn held_standards(row: &[u16], held: &[u16]) -> Vec<u16> {
    row.iter().copied().filter(|s| held.contains(s)).collect()
}
