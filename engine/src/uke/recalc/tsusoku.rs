//! The 通則 age additions checked on a receipt's SI units: a 手術 or 麻酔 unit (通則7・8, 通則2)
//! that lacks the 新生児・乳幼児・幼児 % the patient's age on the day gives it (RE 生年月日), or bills
//! one the age contradicts. The decision is the claim engine's (engine/src/tsusoku/); the 時間外等
//! additions are not checked here because a UKE file does not carry 緊急 or the 開始時間, and a 新生児
//! 手術 is not checked because it does not carry the 手術時体重.

use super::*;
use crate::tsusoku::{self, Facts};

impl<'a> Recalculator<'a> {
    pub(super) fn tsusoku_checks(
        &self,
        prep: &Prepared,
        r: &Receipt,
        checks: &mut Vec<Check>,
        rows: &[Option<&Procedure>],
        start: &[usize],
    ) {
        let Some(birth) = r.birth else { return };
        let set = &prep.set;
        for (ui, u) in r.units.iter().enumerate() {
            let Some(base) = start.get(ui).and_then(|&k| rows.get(k)).copied().flatten() else {
                continue;
            };
            if !tsusoku::takes_additions(base) || base.general_age != 1 {
                continue;
            }
            let Some(first) = u.lines.first().and_then(|l| l.days.iter().next()) else {
                continue;
            };
            let Some(date) = Date::from_ymd(r.month.year, r.month.month, u32::from(first.0)) else {
                continue;
            };
            let facts = Facts {
                birth,
                date,
                birth_weight_g: None,
                weight_g: None,
                time: crate::claim::TimeCategory::Regular,
                emergency: false,
                inpatient: r.is_inpatient(),
            };
            let row = |c: u32| set.procedures.get(c, date);
            let billable = |_: &Procedure| true;
            let env = tsusoku::Env {
                row: &row,
                billable: &billable,
            };
            let d = tsusoku::percent_additions(base, 0, &facts, &env);
            if d.notes.iter().any(|n| n.rule == tsusoku::FACT_MISSING) {
                // 新生児 手術 (手術時体重) or 麻酔 生後28〜89日 (出生時体重): not in a UKE file.
                continue;
            }
            let billed: Vec<u32> = u.lines.iter().map(|l| l.code).collect();
            // 通則7's 極低出生体重児加算 goes by the 手術時体重 at any age: a unit billing it on a
            // 手術 that takes it (項番47 = 1) cannot be judged without the weight.
            if base.low_birth_weight_addition == 1
                && billed.contains(&tsusoku::coverage::LOW_BIRTH_WEIGHT_SURGERY)
            {
                continue;
            }
            let mut push =
                |code: u32, computed: Option<i64>, reason: String, cite: &'static str| {
                    checks.push(Check::rule_difference(
                        u,
                        code,
                        (None, computed),
                        reason,
                        tsusoku::DERIVED,
                        cite,
                    ));
                };
            let age = crate::age::age_years(birth, date);
            // The 所定点数 of the base line (its 点数 or きざみ), for the points a missing % adds.
            let base_points = price::procedure_points(base, u.lines[0].quantity)
                .ok()
                .map(|p| p.points);
            for due in &d.due {
                if !billed.contains(&due.code) {
                    let add = set.procedures.get(due.code, date);
                    let name =
                        add.map_or(String::new(), |a| format!("{} {}%", a.abbr_name, a.points));
                    let points = add
                        .zip(base_points)
                        .map(|(a, b)| price::percent_change(b, a.points.to_decimal(), true));
                    push(
                        due.code,
                        points,
                        format!(
                            "{}: {} {name} is due on {} {} (patient {age}歳 on {date}, RE 生年月日) and not billed in its 算定単位",
                            tsusoku::DERIVED,
                            due.code,
                            base.code,
                            base.abbr_name
                        ),
                        due.cite,
                    );
                }
            }
            for &code in &billed {
                if tsusoku::AGE_CODES.contains(&code) && !d.due.iter().any(|x| x.code == code) {
                    push(
                        code,
                        None,
                        format!(
                            "{}: {code} is billed with {} {} but the patient's age on {date} ({age}歳, RE 生年月日) does not give it",
                            tsusoku::DERIVED,
                            base.code,
                            base.abbr_name
                        ),
                        "告示 第10部 手術 通則7・8, 第11部 麻酔 通則2; engine/src/tsusoku/",
                    );
                }
            }
        }
    }
}
