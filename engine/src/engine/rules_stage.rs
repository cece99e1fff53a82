//! Rules: the revision's rules evaluated on the resolved and derived lines, before pricing.

use santei_masters::Date;

use super::finish::path_of;
use super::{Calc, code_of};
use crate::claim::FacilityKind;
use crate::prepared::Prepared;
use crate::result::{Finding, Origin, RecordKind, Severity};
use crate::rules;

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
                            let why = self.why(|| crate::Explanation::RuleAddition {
                                rule: rule.id.clone(),
                                citation: rule.citation.clone(),
                            });
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
        // A unit that lost a line is priced on what is left (price_stage.rs).
        let mut k = 0;
        self.lines.retain(|_| {
            let keep = !remove.get(k).copied().unwrap_or(false);
            k += 1;
            keep
        });
    }
}
