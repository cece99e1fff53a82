//! Derive: the items santei adds to a claimed one (年齢加算, 時間外等加算, 外来管理加算, D026 判断料).

use santei_masters::{Date, Procedure};

use super::derive_stage::ClaimedCodes;
use super::price_stage::Part;
use super::{Deriver, Proc};
use crate::age;
use crate::claim::Visit;
use crate::explain::Explanation;
use crate::prepared::Prepared;
use crate::result::{Finding, Origin, Severity};
use crate::rules;

/// A fixed-point (点数識別 3) row of the master on the date.
fn p_fixed(p: &Prepared, code: &str, date: Date) -> bool {
    code.parse::<u32>()
        .ok()
        .and_then(|c| p.set.procedures.get(c, date))
        .is_some_and(|r| r.point_kind == 3)
}

/// Whether an item makes a once-a-day 通則 addition due (its reason), from the item's row, 開始時間,
/// `emergency` and 入院.
type UrgentRule = fn(&Procedure, crate::claim::TimeCategory, bool, bool) -> Option<String>;

impl<'a> Deriver<'a> {
    /// The 通則 % additions of a base item of 処置・手術・麻酔・内視鏡検査 (engine/src/tsusoku/), each
    /// in the base's 算定単位 on its 所定点数. A code the claim bills itself is left to the claim.
    pub(super) fn tsusoku_additions(
        &mut self,
        pr: &Proc<'a>,
        date: Date,
        claimed: ClaimedCodes<'_>,
    ) {
        if !crate::tsusoku::takes_additions(pr.rec) {
            return;
        }
        let Some(k) = self.lines.iter().rposition(|l| {
            l.date == date && matches!(&l.origin, Origin::Claimed { path } if *path == pr.path)
        }) else {
            return;
        };
        // The 年齢加算 santei derived for the base by its master link (処置 乳幼児加算 of a 注, such as
        // J007 注 110点) are 注による加算, inside the 所定点数 of the 通則 % (通知 第9部 通則10, 第10部
        // 通則9): fixed-point lines of their own unit so far.
        let base_unit = self.lines[k].unit;
        let age_lines: Vec<usize> = (k + 1..self.lines.len())
            .filter(|&j| {
                let l = &self.lines[j];
                l.unit != base_unit
                    && matches!(l.part, Part::Base(_))
                    && l.times == self.lines[k].times
                    && matches!(&l.origin, Origin::Derived { rule, base_path }
                        if *rule == rules::AGE_ADDITION && *base_path == pr.path)
                    && p_fixed(self.cx.p, &l.code, date)
            })
            .collect();
        let age_points: i64 = age_lines
            .iter()
            .map(|&j| match self.lines[j].part {
                Part::Base(v) => v,
                _ => 0,
            })
            .sum();
        let base_points = self.base_points(k).unwrap_or(0) + age_points;
        let p: &'a Prepared = self.cx.p;
        let birth = self.cx.claim.patient.birth_date;
        let facts = crate::tsusoku::Facts {
            birth,
            date,
            birth_weight_g: self.cx.claim.patient.birth_weight_g,
            weight_g: pr.weight_g,
            time: pr.time,
            emergency: pr.emergency,
            inpatient: self.cx.inpatient,
        };
        let derived = {
            let row = |c: u32| p.set.procedures.get(c, date);
            let billable = |r: &Procedure| self.cx.billable(r, date);
            let env = crate::tsusoku::Env {
                row: &row,
                billable: &billable,
            };
            crate::tsusoku::percent_additions(pr.rec, base_points, &facts, &env)
        };
        for n in derived.notes {
            let severity = if n.warn {
                Severity::Warning
            } else {
                Severity::Info
            };
            self.findings.push(
                Finding::of(n.rule, severity)
                    .at(pr.path.clone())
                    .cite(n.cite)
                    .codes(vec![pr.rec.code.to_string()])
                    .message(n.message),
            );
        }
        if !derived.due.is_empty() {
            self.join_age_lines(base_unit, &age_lines);
        }
        for due in derived.due {
            if claimed.contains(due.code) {
                continue;
            }
            let Some(rec) = p.set.procedures.get(due.code, date) else {
                continue;
            };
            let why = self.why(|| Explanation::Derivation {
                reason: due.why,
                citation: due.cite,
            });
            self.derived_line(rec, date, pr.times, crate::tsusoku::DERIVED, &pr.path, why);
        }
    }

    /// 手術当日の処置・注射: a warning on each 処置 (not ギプス) and 注射 手技料 claimed on the day
    /// of a 手術 — billed as claimed, since whether it is related to the 手術 is the doctor's to say.
    pub(super) fn surgery_day(&mut self, procs: &[Proc<'a>]) {
        let Some(op) = procs.iter().find(|p| crate::tsusoku::is_surgery(p.rec)) else {
            return;
        };
        let op = format!("{} {}", op.rec.code, op.rec.abbr_name);
        for pr in procs {
            if crate::tsusoku::related_on_surgery_day(pr.rec) {
                self.findings.push(
                    Finding::warning(crate::tsusoku::SURGERY_DAY)
                        .at(pr.path.clone())
                        .cite(crate::tsusoku::CITE_SAME_DAY)
                        .codes(vec![pr.rec.code.to_string()])
                        .message(format!(
                            "{} {} on the day of the 手術 {op}: not billable when it is related to the 手術 (術前・術後を問わない); billed as claimed — remove it if related",
                            pr.rec.code, pr.rec.abbr_name
                        )),
                );
            }
        }
    }

    /// Moves fixed-point 年齢加算 lines into the base's 算定単位 (their points into its 所定点数).
    fn join_age_lines(&mut self, unit: usize, age_lines: &[usize]) {
        for &j in age_lines {
            let Part::Base(pts) = self.lines[j].part else {
                continue;
            };
            let Some(a) = self.accs.get_mut(unit) else {
                return;
            };
            a.base += pts;
            let explain = self.explain;
            let l = &mut self.lines[j];
            l.unit = unit;
            if explain {
                l.explain.push(Explanation::JoinedAgeAddition);
            }
        }
    }

    /// 時間外緊急院内検査加算 (検査 第1節第1款 通則1) and 時間外緊急院内画像診断加算 (画像診断 通則3): once
    /// a day each, after the day's procedures, when an 入院外 item of the day is `emergency` at a
    /// 時間外・休日・深夜 開始時間.
    pub(super) fn urgent_additions(
        &mut self,
        procs: &[Proc<'a>],
        date: Date,
        claimed: ClaimedCodes<'_>,
    ) {
        use crate::tsusoku::{gazou, kensa};
        let families: [(u32, &'static str, UrgentRule); 2] = [
            (
                kensa::URGENT_TEST,
                kensa::CITE_URGENT,
                crate::tsusoku::urgent_specimen_test,
            ),
            (
                gazou::URGENT_IMAGING,
                gazou::CITE_URGENT,
                crate::tsusoku::urgent_imaging,
            ),
        ];
        let p: &'a Prepared = self.cx.p;
        for (code, cite, due) in families {
            if claimed.contains(code) {
                continue;
            }
            let Some((pr, why)) = procs.iter().find_map(|pr| {
                due(pr.rec, pr.time, pr.emergency, self.cx.inpatient).map(|w| (pr, w))
            }) else {
                continue;
            };
            let Some(rec) = p.set.procedures.get(code, date) else {
                self.findings.push(
                    Finding::warning(crate::tsusoku::FACT_MISSING)
                        .at(pr.path.clone())
                        .cite(cite)
                        .codes(vec![format!("{code:09}")])
                        .message(format!("{code:09} is due ({why}) but not in the 医科診療行為マスター on {date}; not added — check by hand")),
                );
                continue;
            };
            if !self.cx.billable(rec, date) {
                continue;
            }
            let why = self.why(|| Explanation::UrgentAddition {
                reason: why,
                code: rec.code,
                name: rec.abbr_name.clone(),
                points: rec.points,
                citation: cite,
            });
            self.derived_line(rec, date, 1, crate::tsusoku::DERIVED, &pr.path, why);
        }
    }

    /// 注加算 by age (項番100–111) and by time (時間加算区分) of a base item.
    pub(super) fn age_and_time_additions(
        &mut self,
        pr: &Proc<'a>,
        date: Date,
        visit: &Visit,
        claimed: ClaimedCodes<'_>,
    ) {
        let set = &self.cx.p.set;
        let birth = self.cx.claim.patient.birth_date;
        let time = if self.cx.inpatient {
            None
        } else {
            self.time_addition(pr.rec, date, visit)
        };
        let time_replaces_infant = time
            .as_ref()
            .is_some_and(|(t, _)| crate::derive::time_addition_replaces_infant(t));
        if let Some((t, why)) = time {
            if !claimed.contains(t.code.0) {
                self.derived_line(t, date, pr.times, rules::TIME_ADDITION, &pr.path, why);
            }
        }
        for (min, max, code) in crate::derive::due_age_additions(pr.rec, birth, date) {
            if claimed.contains(code.0) {
                continue;
            }
            let Some(add) = set.procedures.get(code.0, date) else {
                self.findings.push(
                    Finding::warning(rules::LINK_MISSING)
                        .at(pr.path.clone())
                        .cite(rules::CITE_AGE_LINK)
                        .codes(vec![code.to_string()])
                        .message(format!(
                            "年齢加算 {code} of {} is not in the master on {date}",
                            pr.rec.code
                        )),
                );
                continue;
            };
            if self.cx.inpatient && (add.inout_applicability == 2 || add.aggregation_inpatient == 0)
            {
                self.findings.push(
                    Finding::info(rules::OUTPATIENT_ONLY)
                        .at(pr.path.clone())
                        .cite(rules::CITE_INPATIENT)
                        .codes(vec![code.to_string()])
                        .message(format!(
                            "年齢加算 {} {} of {} not added: 入院外のみ (入外適用区分 2 / 点数集計先識別（入院） 0)",
                            add.code, add.abbr_name, pr.rec.code
                        )),
                );
                continue;
            }
            if time_replaces_infant {
                self.findings.push(
                    Finding::info(rules::AGE_ADDITION)
                        .at(pr.path.clone())
                        .cite(rules::CITE_INFANT_WITH_TIME)
                        .codes(vec![code.to_string()])
                        .message(format!(
                            "{} {} not added: the 時間外等加算 for 6歳未満 already includes it",
                            add.code, add.abbr_name
                        )),
                );
                continue;
            }
            let why = self.why(|| Explanation::AgeAddition {
                base_code: pr.rec.code,
                base_name: pr.rec.abbr_name.clone(),
                min_age: min,
                max_age: max,
                code,
                date,
                age: age::age_years(birth, date),
            });
            self.derived_line(add, date, pr.times, rules::AGE_ADDITION, &pr.path, why);
        }
    }

    /// The 時間外等加算 of 初診料/再診料/外来診療料 for the visit's time category.
    pub(super) fn time_addition(
        &self,
        base: &Procedure,
        date: Date,
        visit: &Visit,
    ) -> Option<(&'a Procedure, Vec<Explanation>)> {
        let p: &'a Prepared = self.cx.p;
        let chosen = crate::derive::choose_time_addition(p, base, date, visit.time, |r| {
            self.cx.billable(r, date)
        })?;
        let why = self.why(|| Explanation::TimeAddition {
            code: base.code,
            name: base.abbr_name.clone(),
            time: visit.time.japanese(),
            time_addition: chosen.time_addition,
            kubun_alpha: base.code_table_alpha.clone(),
            kubun_section: base.code_table_section.clone(),
            min_age: chosen.min_age,
            max_age: chosen.max_age,
        });
        Some((chosen, why))
    }

    /// 外来管理加算 (A001 注8) after a 再診料, unless an item of the day blocks it (外来管理加算区分 1).
    pub(super) fn outpatient_management(
        &mut self,
        pr: &Proc<'a>,
        date: Date,
        visit: &Visit,
        blocker: Option<&Procedure>,
        claimed: ClaimedCodes<'_>,
    ) {
        let p: &'a Prepared = self.cx.p;
        let Some(rec) = p
            .outpatient_management
            .iter()
            .find_map(|&c| p.set.procedures.get(c, date))
        else {
            return;
        };
        if claimed.contains(rec.code.0) {
            return;
        }
        if !visit.outpatient_management {
            return;
        }
        if let Some(b) = blocker {
            self.findings.push(
                Finding::info(rules::OUTPATIENT_MANAGEMENT)
                    .at(pr.path.clone())
                    .cite(rules::CITE_OUTPATIENT_MANAGEMENT)
                    .codes(vec![rec.code.to_string()])
                    .message(format!(
                        "外来管理加算 not added: {} {} on the same day blocks it (外来管理加算区分 1)",
                        b.code, b.abbr_name
                    )),
            );
            return;
        }
        if !self.cx.billable(rec, date) {
            return;
        }
        let why = self.why(|| Explanation::OutpatientManagement {
            code: pr.rec.code,
            name: pr.rec.abbr_name.clone(),
        });
        self.derived_line(rec, date, 1, rules::OUTPATIENT_MANAGEMENT, &pr.path, why);
    }

    /// 検体検査判断料 (D026) once a month per group, after the first test of the group.
    pub(super) fn judgement_fee(&mut self, pr: &Proc<'a>, date: Date) {
        let rec = pr.rec;
        if let Some(g) = crate::derive::judgement_fee_group(rec) {
            self.month.judged.insert(g);
            return;
        }
        let Some(group) = crate::derive::judged_test_group(rec) else {
            return;
        };
        if self.month.judged.contains(&group) {
            return;
        }
        let p: &'a Prepared = self.cx.p;
        let best = p.judgement_fees.get(&group).and_then(|codes| {
            codes
                .iter()
                .filter_map(|&c| p.set.procedures.get(c, date))
                .filter(|r| self.cx.billable(r, date))
                .max_by_key(|r| r.points)
        });
        let Some(fee) = best else {
            self.findings.push(
                Finding::warning(rules::JUDGEMENT_FEE)
                    .at(pr.path.clone())
                    .cite(rules::CITE_JUDGEMENT)
                    .codes(vec![rec.code.to_string()])
                    .message(format!(
                        "no 判断料 of 検査等実施判断グループ区分 {group} can be billed here for {}",
                        rec.code
                    )),
            );
            self.month.judged.insert(group);
            return;
        };
        self.month.judged.insert(group);
        let why = self.why(|| Explanation::JudgementFee {
            group,
            code: rec.code,
            name: rec.abbr_name.clone(),
        });
        self.derived_line(fee, date, 1, rules::JUDGEMENT_FEE, &pr.path, why);
    }
}
