//! Derive: the items santei adds to a claimed one (年齢加算, 時間外等加算, 外来管理加算, D026 判断料).

use rustc_hash::FxHashSet;
use santei_masters::{Date, Procedure};

use super::{Calc, Proc};
use crate::age;
use crate::claim::Visit;
use crate::prepared::{Prepared, kubun_key};
use crate::result::Severity;
use crate::rules;

impl<'a> Calc<'a> {
    /// 注加算 by age (項番100–111) and by time (時間加算区分) of a base item.
    pub(super) fn age_and_time_additions(
        &mut self,
        pr: &Proc<'a>,
        date: Date,
        visit: &Visit,
        claimed: &FxHashSet<u32>,
    ) {
        let set = &self.p.set;
        let birth = self.claim.patient.birth_date;
        let time = if self.inpatient {
            None
        } else {
            self.time_addition(pr.rec, date, visit)
        };
        let time_replaces_infant = time
            .as_ref()
            .is_some_and(|(t, _)| crate::derive::time_addition_replaces_infant(t));
        if let Some((t, why)) = time {
            if !claimed.contains(&t.code.0) {
                self.derived_line(t, date, pr.times, rules::TIME_ADDITION, &pr.path, why);
            }
        }
        for (min, max, code) in crate::derive::due_age_additions(pr.rec, birth, date) {
            if claimed.contains(&code.0) {
                continue;
            }
            let Some(add) = set.procedures.get(code.0, date) else {
                self.finding(
                    rules::LINK_MISSING,
                    Severity::Warning,
                    pr.path.clone(),
                    rules::CITE_AGE_LINK,
                    vec![code.to_string()],
                    format!(
                        "年齢加算 {code} of {} is not in the master on {date}",
                        pr.rec.code
                    ),
                );
                continue;
            };
            if self.inpatient && (add.inout_applicability == 2 || add.aggregation_inpatient == 0) {
                self.finding(
                    rules::OUTPATIENT_ONLY,
                    Severity::Info,
                    pr.path.clone(),
                    rules::CITE_INPATIENT,
                    vec![code.to_string()],
                    format!(
                        "年齢加算 {} {} of {} not added: 入院外のみ (入外適用区分 2 / 点数集計先識別（入院） 0)",
                        add.code, add.abbr_name, pr.rec.code
                    ),
                );
                continue;
            }
            if time_replaces_infant {
                self.finding(
                    rules::AGE_ADDITION,
                    Severity::Info,
                    pr.path.clone(),
                    rules::CITE_INFANT_WITH_TIME,
                    vec![code.to_string()],
                    format!(
                        "{} {} not added: the 時間外等加算 for 6歳未満 already includes it",
                        add.code, add.abbr_name
                    ),
                );
                continue;
            }
            let why = vec![format!(
                "年齢加算 of {} {} (項番100–111: {} → {}); age on {date}: {}歳",
                pr.rec.code,
                pr.rec.abbr_name,
                age::describe(min, max),
                code,
                age::age_years(birth, date)
            )];
            self.derived_line(add, date, pr.times, rules::AGE_ADDITION, &pr.path, why);
        }
    }

    /// The 時間外等加算 of 初診料/再診料/外来診療料 for the visit's time category.
    pub(super) fn time_addition(
        &self,
        base: &Procedure,
        date: Date,
        visit: &Visit,
    ) -> Option<(&'a Procedure, Vec<String>)> {
        let birth = self.claim.patient.birth_date;
        let p: &'a Prepared = self.p;
        let chosen = crate::derive::choose_time_addition(p, base, date, visit.time, |r| {
            self.gate(r, date, birth).is_none()
        })?;
        let key = kubun_key(base);
        let why = vec![format!(
            "時間外等加算 for {} {} on a {} visit: 時間加算区分 {} in {} (項番43), {}",
            base.code,
            base.abbr_name,
            visit.time.japanese(),
            chosen.time_addition,
            key,
            age::describe(chosen.min_age, chosen.max_age)
        )];
        Some((chosen, why))
    }

    /// 外来管理加算 (A001 注8) after a 再診料, unless an item of the day blocks it (外来管理加算区分 1).
    pub(super) fn outpatient_management(
        &mut self,
        pr: &Proc<'a>,
        date: Date,
        visit: &Visit,
        blocker: Option<&str>,
        claimed: &FxHashSet<u32>,
    ) {
        let p: &'a Prepared = self.p;
        let Some(rec) = p
            .outpatient_management
            .iter()
            .find_map(|&c| p.set.procedures.get(c, date))
        else {
            return;
        };
        if claimed.contains(&rec.code.0) {
            return;
        }
        if !visit.outpatient_management {
            return;
        }
        if let Some(b) = blocker {
            self.finding(
                rules::OUTPATIENT_MANAGEMENT,
                Severity::Info,
                pr.path.clone(),
                rules::CITE_OUTPATIENT_MANAGEMENT,
                vec![rec.code.to_string()],
                format!(
                    "外来管理加算 not added: {b} on the same day blocks it (外来管理加算区分 1)"
                ),
            );
            return;
        }
        if self
            .gate(rec, date, self.claim.patient.birth_date)
            .is_some()
        {
            return;
        }
        let why = vec![format!(
            "外来管理加算 after {} {}: no item of the day has 外来管理加算区分 1 (A001 注8; visit.outpatient_management = true)",
            pr.rec.code, pr.rec.abbr_name
        )];
        self.derived_line(rec, date, 1, rules::OUTPATIENT_MANAGEMENT, &pr.path, why);
    }

    /// 検体検査判断料 (D026) once a month per group, after the first test of the group.
    pub(super) fn judgement_fee(&mut self, pr: &Proc<'a>, date: Date) {
        let rec = pr.rec;
        if let Some(g) = crate::derive::judgement_fee_group(rec) {
            self.judged.insert(g);
            return;
        }
        let Some(group) = crate::derive::judged_test_group(rec) else {
            return;
        };
        if self.judged.contains(&group) {
            return;
        }
        let p: &'a Prepared = self.p;
        let birth = self.claim.patient.birth_date;
        let best = p.judgement_fees.get(&group).and_then(|codes| {
            codes
                .iter()
                .filter_map(|&c| p.set.procedures.get(c, date))
                .filter(|r| self.gate(r, date, birth).is_none())
                .max_by_key(|r| r.points)
        });
        let Some(fee) = best else {
            self.finding(
                rules::JUDGEMENT_FEE,
                Severity::Warning,
                pr.path.clone(),
                rules::CITE_JUDGEMENT,
                vec![rec.code.to_string()],
                format!(
                    "no 判断料 of 検査等実施判断グループ区分 {group} can be billed here for {}",
                    rec.code
                ),
            );
            self.judged.insert(group);
            return;
        };
        self.judged.insert(group);
        let why = vec![format!(
            "判断料 of group {group} (検査等実施判断グループ区分, 項番51) for {} {}: first test of the group this month (D026: 月1回)",
            rec.code, rec.abbr_name
        )];
        self.derived_line(fee, date, 1, rules::JUDGEMENT_FEE, &pr.path, why);
    }
}
