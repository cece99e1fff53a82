//! Rules: the revision's rules evaluated on the computed lines, and the 算定単位 they change.

use rust_decimal::Decimal;
use rustc_hash::FxHashSet;
use santei_masters::{Date, PointKind, Procedure};

use super::finish::path_of;
use super::{Calc, code_of};
use crate::claim::FacilityKind;
use crate::prepared::Prepared;
use crate::result::{Finding, Origin, RecordKind, Severity};
use crate::rounding::Rounding;
use crate::rules;
use crate::tables;

impl Calc<'_> {
    /// Evaluates the revision's rules (rule files and 電子点数表) on the computed lines and the
    /// history, and applies the outcomes: a dropped line leaves with the lines derived from it and
    /// a finding naming the rule; warnings become findings; additions become derived lines.
    pub(super) fn apply_rules(&mut self) {
        use rust_decimal::prelude::ToPrimitive;
        use santei_rules_dsl::ast;
        let p: &Prepared = self.p;
        let rs = &p.rules;
        if rs.is_empty() {
            return;
        }
        let mut items = Vec::new();
        let mut map: Vec<Option<usize>> = Vec::new();
        for (k, l) in self.lines.iter().enumerate() {
            if l.record != RecordKind::SI {
                continue;
            }
            let Ok(code) = l.code.parse::<u32>() else {
                continue;
            };
            items.push(santei_rules_dsl::Item {
                code,
                date: l.date,
                times: l.times,
                quantity: l.quantity.and_then(|q| q.to_u32()),
                history: false,
            });
            map.push(Some(k));
        }
        for h in &self.claim.history {
            if let Some(code) = code_of(&h.code) {
                items.push(santei_rules_dsl::Item {
                    code,
                    date: h.date,
                    times: h.times,
                    quantity: None,
                    history: true,
                });
                map.push(None);
            }
        }
        let f = &self.claim.facility;
        let disease_specific: Vec<u8> = self
            .claim
            .diseases
            .iter()
            .filter_map(|d| d.code.parse::<u32>().ok())
            .filter_map(|c| p.set.diseases.latest(c))
            .filter_map(|d| d.specific_disease.parse::<u8>().ok())
            .filter(|&n| n != 0)
            .collect();
        let comments: Vec<(Date, u32)> = self
            .lines
            .iter()
            .filter(|l| l.record == RecordKind::CO)
            .filter_map(|l| l.code.parse().ok().map(|c| (l.date, c)))
            .collect();
        let subject = santei_rules_dsl::Subject {
            birth: self.claim.patient.birth_date,
            sex: match self.claim.patient.sex {
                crate::claim::Sex::Male => ast::Sex::Male,
                crate::claim::Sex::Female => ast::Sex::Female,
            },
            setting: if self.inpatient {
                ast::Setting::Inpatient
            } else {
                ast::Setting::Outpatient
            },
            facility: match f.kind {
                FacilityKind::Clinic => ast::FacilityKind::Clinic,
                FacilityKind::Hospital => ast::FacilityKind::Hospital,
            },
            beds: f.beds,
            standards: &f.standards,
            disease_specific: &disease_specific,
            comments: &comments,
        };
        let outcomes = rs.evaluate_admitted(
            &subject,
            &items,
            &santei_rules_dsl::RuleKind::ALL,
            self.claim.admission_date,
        );
        if outcomes.is_empty() {
            return;
        }
        let mut remove = vec![false; self.lines.len()];
        for o in outcomes {
            let rule = &rs.rules[o.rule];
            let line = map[o.items[0]];
            let path = line.map_or_else(|| "history".to_string(), |k| path_of(&self.lines[k]));
            let codes: Vec<String> = o
                .items
                .iter()
                .map(|&i| format!("{:09}", items[i].code))
                .collect();
            let category = match rule.kind {
                santei_rules_dsl::RuleKind::Exclusion => rules::RULE_EXCLUSION,
                santei_rules_dsl::RuleKind::Inclusion => rules::RULE_INCLUSION,
                santei_rules_dsl::RuleKind::Limit => rules::RULE_LIMIT,
                santei_rules_dsl::RuleKind::Requirement => rules::RULE_REQUIREMENT,
                santei_rules_dsl::RuleKind::Addition => rules::RULE_ADDITION,
            };
            let (severity, message) = match &o.action {
                santei_rules_dsl::Action::Drop => {
                    if let Some(k) = line {
                        remove[k] = true;
                        // Lines santei derived from the dropped line (its 注加算) go with it. A 判断料
                        // stays: it belongs to the month's group, not to one test (通知 A002 (10)
                        // keeps it billable when the test itself is included).
                        if let Origin::Claimed { path } = &self.lines[k].origin {
                            let date = self.lines[k].date;
                            for (j, l) in self.lines.iter().enumerate() {
                                if matches!(&l.origin, Origin::Derived { base_path, rule } if base_path == path && *rule != rules::JUDGEMENT_FEE)
                                    && l.date == date
                                {
                                    remove[j] = true;
                                }
                            }
                        }
                    }
                    let sev = if rule.kind == santei_rules_dsl::RuleKind::Inclusion {
                        Severity::Info
                    } else {
                        Severity::Error
                    };
                    (sev, format!("{}; line not billed", o.message))
                }
                santei_rules_dsl::Action::Warn => (Severity::Warning, o.message.clone()),
                santei_rules_dsl::Action::Add(code) => {
                    let birth = self.claim.patient.birth_date;
                    match p.set.procedures.get(*code, o.date) {
                        Some(rec) if self.gate(rec, o.date, birth).is_none() => {
                            let why = self
                                .why(|| format!("added by rule {} ({})", rule.id, rule.citation));
                            self.derived_line(rec, o.date, 1, rules::RULE_ADDITION, &path, why);
                            remove.push(false);
                            (Severity::Info, o.message.clone())
                        }
                        _ => (
                            Severity::Warning,
                            format!(
                                "{}: but {code:09} cannot be billed here on {}",
                                o.message, o.date
                            ),
                        ),
                    }
                }
            };
            // A 傷病名 requirement on a claim without 傷病名: say so (RUL-504).
            let message = if category == rules::RULE_REQUIREMENT
                && self.claim.diseases.is_empty()
                && message.contains("傷病名")
            {
                format!("{message} — no 傷病名 given (the claim has no `diseases`)")
            } else {
                message
            };
            self.findings.push(
                Finding::of(category, severity)
                    .rule_id(rule.id.clone())
                    .at(path)
                    .cite(rule.citation.clone())
                    .codes(codes)
                    .message(message),
            );
        }
        // A まるめ unit that lost a test: the tier is for the tests billed.
        // (unit, dropped code, claim paths of the unit's lines)
        let mut retier: Vec<(usize, String, Vec<String>)> = Vec::new();
        for (k, l) in self.lines.iter().enumerate() {
            if remove.get(k).copied().unwrap_or(false)
                && self.lines.iter().filter(|o| o.unit == l.unit).count() > 1
                && l.record == RecordKind::SI
                && !retier.iter().any(|(u, _, _)| *u == l.unit)
            {
                let paths = self
                    .lines
                    .iter()
                    .filter(|o| o.unit == l.unit)
                    .map(path_of)
                    .collect();
                retier.push((l.unit, l.code.clone(), paths));
            }
        }
        let mut k = 0;
        self.lines.retain(|_| {
            let keep = !remove.get(k).copied().unwrap_or(false);
            k += 1;
            keep
        });
        for (unit, dropped, paths) in retier {
            self.retier_bundle(unit, &dropped, &paths);
        }
    }

    /// An item with its %加算 (one 算定単位, see `unit_for`) that lost a line to a rule, billed again
    /// from the master: each item its own 点数, a % line on the Σ before it. A % line left without
    /// an item is not billed (MST-009).
    pub(super) fn reunit(&mut self, members: &[usize], recs: &[&Procedure], dropped: &str) {
        // As `unit_for` prices a unit: the 点数 lines before the first % are the 所定点数 (but
        // 項番62 = 1), every % on it, rounded once (`price::unit_total`).
        let (mut base, mut outside) = (None::<i64>, 0i64);
        let mut percent: Option<Decimal> = None;
        let mut last = None;
        let mut orphans = Vec::new();
        for (&k, rec) in members.iter().zip(recs) {
            match rec.point_kind() {
                kind @ (PointKind::PercentAdd | PointKind::PercentSubtract) => {
                    if base.is_none() {
                        orphans.push(k);
                        continue;
                    }
                    let v = rec.points.to_decimal();
                    let signed = if kind == PointKind::PercentAdd { v } else { -v };
                    percent = Some(percent.unwrap_or_default() + signed);
                }
                _ => {
                    let (pts, _) = self.points_of(rec, self.lines[k].quantity, None);
                    let Some(p) = pts else { return };
                    if percent.is_some() || rec.general_addition_base == 1 {
                        outside += p;
                    } else {
                        base = Some(base.unwrap_or(0) + p);
                    }
                }
            }
            last = Some(k);
        }
        let sum = base.map(|b| crate::price::unit_total(b, percent.unwrap_or_default(), outside));
        for &k in members {
            self.lines[k].points = None;
        }
        if let (Some(k), Some(s)) = (last, sum) {
            let l = &mut self.lines[k];
            l.points = Some(s);
            if self.explain {
                l.explain.push(format!(
                    "算定単位 billed again without {dropped}, which a rule dropped: {s}点"
                ));
            }
        }
        let mut gone = vec![false; self.lines.len()];
        for &k in &orphans {
            gone[k] = true;
            let l = &self.lines[k];
            let path = path_of(l);
            let (code, name) = (l.code.clone(), l.name.clone());
            self.findings.push(
                Finding::error(rules::UNSUPPORTED_POINT_KIND)
                    .at(path)
                    .cite(rules::CITE_MASTER)
                    .codes(vec![code.clone()])
                    .message(format!("{code} {name}: %加算 without its item ({dropped} was dropped by a rule); line not billed")),
            );
        }
        let mut i = 0;
        self.lines.retain(|_| {
            let keep = !gone[i];
            i += 1;
            keep
        });
    }

    /// Tiers a まるめ unit again after a rule dropped one of its tests: the 告示 counts the
    /// 項目数 billed (告示 D007 注 …), so a test that may not be billed does not count. Below the
    /// first tier the tests are billed item by item, each its own 算定単位.
    pub(super) fn retier_bundle(&mut self, unit: usize, dropped_code: &str, paths: &[String]) {
        let dropped = match dropped_code
            .parse::<u32>()
            .ok()
            .and_then(|c| self.p.set.procedures.latest(c))
        {
            Some(rec) => format!("{dropped_code} {}", rec.abbr_name),
            None => dropped_code.to_string(),
        };
        let dropped = dropped.as_str();
        let members: Vec<usize> = (0..self.lines.len())
            .filter(|&k| self.lines[k].unit == unit)
            .collect();
        let Some(&last) = members.last() else {
            return;
        };
        let date = self.lines[last].date;
        let set = &self.p.set;
        let recs: Vec<&Procedure> = members
            .iter()
            .filter_map(|&k| {
                let code = self.lines[k].code.parse::<u32>().ok()?;
                set.procedures.get(code, date)
            })
            .collect();
        if recs.len() != members.len() {
            return;
        }
        let group = recs.first().map_or(0, |r| r.bundled_test_group);
        if group == 0 || recs.iter().any(|r| r.bundled_test_group != group) {
            // Not a まるめ: an item with its %加算 (see `unit_for`).
            self.reunit(&members, &recs, dropped);
            return;
        }
        let Some(b) = tables::bundling(group, date) else {
            return;
        };
        // The first count (its finding is on the unit's first test), which included the dropped
        // test, is replaced by this one.
        self.findings
            .retain(|f| !(f.rule == rules::BUNDLING && paths.contains(&f.path)));
        let distinct: FxHashSet<u32> = recs.iter().map(|r| r.code.0).collect();
        let n = distinct.len() as u32;
        for &k in &members {
            let l = &mut self.lines[k];
            l.points = None;
            l.explain.retain(|e| !e.starts_with("まるめ "));
        }
        let message = match b.points(n) {
            Some(points) => {
                let l = &mut self.lines[last];
                l.points = Some(points);
                if self.explain {
                    l.explain.push(format!(
                    "まるめ {}: {n}項目 → {points}点, counted without {dropped}, which a rule dropped; {}",
                    b.kubun, b.citation
                ));
                }
                format!(
                    "{} まるめ recounted without {dropped}: {n}項目 → {points}点",
                    b.kubun
                )
            }
            None => {
                for (&k, rec) in members.iter().zip(&recs) {
                    let unit = self.unit();
                    let points = Rounding::HalfUp.to_int(rec.points.to_decimal());
                    let l = &mut self.lines[k];
                    l.unit = unit;
                    l.points = Some(points);
                    if self.explain {
                        l.explain.push(format!(
                        "{n}項目 of {} without {dropped}, which a rule dropped: below the まるめ tiers, billed item by item: {points}点; {}",
                        b.kubun, b.citation
                    ));
                    }
                }
                format!(
                    "{} まるめ recounted without {dropped}: {n}項目, below the tiers; billed item by item",
                    b.kubun
                )
            }
        };
        let path = path_of(&self.lines[last]);
        self.findings.push(
            Finding::info(rules::BUNDLING)
                .at(path)
                .cite(b.citation)
                .codes(distinct.iter().map(|c| format!("{c:09}")).collect())
                .message(message),
        );
    }
}
