//! The 入院料 of each day of a stay (engine/src/stay/mod.rs decides; this stage bills).

use santei_masters::{Date, Procedure};

use super::price_stage::{Part, Work};
use super::units::si_line;
use super::{Context, Deriver, code_of, why};
use crate::claim::Stay;
use crate::result::{Finding, Origin};
use crate::rules;
use crate::stay;

/// Rule id of the 入院期間加算 and 外泊 lines santei adds.
pub const STAY: &str = "INP-100.inpatient-stay";

impl Context<'_> {
    /// A claimed item the stay already bills: one of its wards' 入院料, or an 入院期間加算 / 外泊 減額.
    pub(super) fn stay_bills(&self, rec: &Procedure) -> bool {
        let Some(s) = &self.claim.stay else {
            return false;
        };
        rec.admission_fee_reduction == 2
            || matches!(rec.code.0, stay::OUTING_BASIC | stay::OUTING_SPECIFIC)
            || s.wards.iter().any(|w| code_of(&w.fee) == Some(rec.code.0))
    }
}

impl<'a> Deriver<'a> {
    /// The 入院料 of one day of the stay, with its 入院期間加算 or the 外泊 減額, in one 算定単位.
    pub(super) fn stay_day(&mut self, s: &'a Stay, date: Date) {
        let Some(wi) = s.wards.iter().rposition(|w| w.from <= date) else {
            return;
        };
        let ward = &s.wards[wi];
        let path = format!("stay.wards[{wi}].fee");
        let p = self.cx.p;
        let rec: &'a Procedure = match code_of(&ward.fee)
            .and_then(|c| p.set.procedures.get(c, date))
        {
            Some(r) => r,
            None => {
                if self.first_time(STAY, "ward", wi as u64) {
                    self.findings.push(
                        Finding::error(rules::UNKNOWN_CODE)
                            .at(path)
                            .cite(rules::CITE_MASTER)
                            .codes(vec![ward.fee.clone()])
                            .message(format!("`{}` is not an 入院料 of the 医科診療行為マスター of {} on {date}; the ward's days are not billed", ward.fee, self.rev())),
                    );
                }
                return;
            }
        };
        // The ward's entry is its 届出 (the 施設基準 of its 入院料): the 施設基準 gate is not asked
        // again; the others (病院・診療所, 年齢 …) are.
        if let Some(why) = self
            .cx
            .gate(rec, date)
            .filter(|w| w.0 != rules::FACILITY_STANDARD)
        {
            if self.first_time(STAY, "ward", wi as u64) {
                self.findings.push(
                    Finding::error(why.0)
                        .at(path)
                        .cite(why.1)
                        .codes(vec![ward.fee.clone()])
                        .message(format!(
                            "{} {}: {}; the ward's days are not billed",
                            rec.code, rec.abbr_name, why.2
                        )),
                );
            }
            return;
        }
        self.inclusion_notice(rec, &path);
        let origin = Origin::Claimed {
            path: path.as_str().into(),
        };
        let start = self.cx.claim.admission_date.unwrap_or(date);
        let day = date.day_number() - start.day_number() + 1;
        let (pts, ex) = self.points_of(rec, None, None);
        let Some(pts) = pts else { return };
        let mut ex = ex;
        why!(
            self,
            ex,
            crate::Explanation::WardFee {
                ward: wi,
                from: ward.from,
                day,
                start,
            }
        );
        let unit = self.unit();
        self.accs.insert(
            unit,
            super::UnitAcc {
                base: pts,
                percent: rust_decimal::Decimal::ZERO,
                outside: 0,
                times: 1,
                joins_notes: true,
                note_code: rec.addition_code,
            },
        );
        self.lines.push(Work::new(
            si_line(true, rec, date, unit, None, None, 1, origin, ex),
            Part::Base(pts),
        ));
        if s.outings.contains(&date) {
            let code = if stay::is_specific(rec) {
                stay::OUTING_SPECIFIC
            } else {
                stay::OUTING_BASIC
            };
            let Some(out) = p.set.procedures.get(code, date) else {
                self.findings.push(
                    Finding::warning(rules::LINK_MISSING)
                        .at(path)
                        .cite(stay::CITE_OUTING)
                        .codes(vec![format!("{code:09}")])
                        .message(format!("外泊 on {date}: {code:09} is not in the master; the 入院料 is billed in full — check by hand")),
                );
                return;
            };
            let why = self.why(|| crate::Explanation::Outing {
                date,
                citation: stay::CITE_OUTING,
            });
            self.derived_line(out, date, 1, STAY, &path, why);
            return;
        }
        let rows = p
            .admission_period
            .get(&rec.addition_code)
            .map_or(&[][..], |v| v.as_slice());
        let due =
            stay::period_addition(rec, rows, day, |c| p.set.procedures.get(c, date).is_some());
        if let Some((add, row)) = due.and_then(|r| Some((p.set.procedures.get(r.code, date)?, r))) {
            let (lo, hi) = (row.lo, row.hi);
            let why = self.why(|| crate::Explanation::AdmissionPeriod {
                code: rec.code,
                name: rec.abbr_name.clone(),
                day,
                start,
                lo,
                hi,
                special: row.special,
                citation: stay::CITE_PERIOD,
            });
            self.derived_line(add, date, 1, STAY, &path, why);
        }
        self.stay_additions(date, day, rec, &path);
    }
}
