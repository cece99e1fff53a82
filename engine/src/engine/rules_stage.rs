//! Rules: the revision's rules evaluated on the resolved and derived lines, before pricing.

use santei_masters::Date;

use super::finish::path_of;
use super::price_stage::Work;
use super::{Calc, code_of};
use crate::prepared::Prepared;
use crate::result::{Finding, Origin, RecordKind, Severity};
use crate::rules;

impl Calc<'_> {
    /// Evaluates the revision's rules (rule files and 電子点数表) on the computed lines and the
    /// history, and applies the outcomes: a dropped line leaves with the lines derived from it and
    /// a finding naming the rule; warnings become findings; additions become derived lines.
    pub(super) fn apply_rules(&mut self) {
        let p: &Prepared = self.p;
        let rs = &p.rules;
        if rs.is_empty() {
            return;
        }
        let (items, map) = rule_items(&self.lines, &self.claim.history);
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
        let subject = rules::subject(
            self.claim.patient.birth_date,
            self.claim.patient.sex == crate::claim::Sex::Female,
            self.inpatient,
            (f.kind, f.beds, &f.standards),
            &disease_specific,
            &comments,
        );
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
                        for j in dropped_with(&self.lines, k) {
                            remove[j] = true;
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
                        Some(rec) if self.billable(rec, o.date, birth) => {
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

/// The rules stage's input: one rule item per SI line (its code, 算定日, 回数, 数量) and per history
/// item of the claim, and the line each item came from (`None`: history).
fn rule_items(
    lines: &[Work],
    history: &[crate::claim::HistoryItem],
) -> (Vec<santei_rules_dsl::Item>, Vec<Option<usize>>) {
    use rust_decimal::prelude::ToPrimitive;
    let mut items = Vec::with_capacity(lines.len() + history.len());
    let mut map: Vec<Option<usize>> = Vec::with_capacity(lines.len() + history.len());
    for (k, l) in lines.iter().enumerate() {
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
    for h in history {
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
    (items, map)
}

/// The lines that leave with line `k` when a rule drops it: itself and the lines santei derived
/// from it on its day (its 注加算, 年齢・時間加算). A 判断料 stays: it belongs to the month's group,
/// not to one test (通知 A002 (10) keeps it billable when the test itself is included).
fn dropped_with(lines: &[Work], k: usize) -> impl Iterator<Item = usize> + '_ {
    let own = match &lines[k].origin {
        Origin::Claimed { path } => Some((path.as_str(), lines[k].date)),
        Origin::Derived { .. } => None,
    };
    let derived = lines.iter().enumerate().filter_map(move |(j, l)| {
        let (path, date) = own?;
        let from_it = matches!(&l.origin, Origin::Derived { base_path, rule } if base_path == path && *rule != rules::JUDGEMENT_FEE);
        (from_it && l.date == date).then_some(j)
    });
    std::iter::once(k).chain(derived)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::Line;
    use rust_decimal::Decimal;

    fn line(record: RecordKind, code: &str, day: &str, origin: Origin) -> Work {
        Work::priced(Line {
            record,
            section: "60",
            date: Date::parse_iso(day).unwrap(),
            unit: 1,
            code: code.into(),
            name: String::new(),
            quantity: Some(Decimal::from(2)),
            points: None,
            times: 1,
            aggregation: 600,
            origin,
            explain: Vec::new(),
        })
    }

    fn claimed(i: usize) -> Origin {
        Origin::Claimed {
            path: format!("visits[0].items[{i}]"),
        }
    }

    fn derived(i: usize, rule: &'static str) -> Origin {
        Origin::Derived {
            rule,
            base_path: format!("visits[0].items[{i}]"),
        }
    }

    #[test]
    fn rule_items_are_the_si_lines_and_the_history() {
        let lines = [
            line(RecordKind::SI, "160000410", "2024-07-01", claimed(0)),
            line(RecordKind::IY, "620000001", "2024-07-01", claimed(1)),
            line(
                RecordKind::SI,
                "160061710",
                "2024-07-01",
                derived(0, rules::JUDGEMENT_FEE),
            ),
        ];
        let history = [crate::claim::HistoryItem {
            date: Date::parse_iso("2024-07-01").unwrap(),
            code: "112007410".into(),
            times: 1,
        }];
        let (items, map) = rule_items(&lines, &history);
        let codes: Vec<(u32, bool)> = items.iter().map(|i| (i.code, i.history)).collect();
        assert_eq!(
            codes,
            [(160000410, false), (160061710, false), (112007410, true)]
        );
        assert_eq!(map, [Some(0), Some(2), None]);
        assert_eq!(items[0].quantity, Some(2));
    }

    #[test]
    fn a_dropped_line_takes_its_additions_but_not_the_judgement_fee() {
        let lines = [
            line(RecordKind::SI, "140000610", "2024-07-01", claimed(0)),
            line(
                RecordKind::SI,
                "140000850",
                "2024-07-01",
                derived(0, crate::tsusoku::DERIVED),
            ),
            line(
                RecordKind::SI,
                "160061710",
                "2024-07-01",
                derived(0, rules::JUDGEMENT_FEE),
            ),
            // The same item path on another day, and another item's addition: they stay.
            line(
                RecordKind::SI,
                "140000850",
                "2024-07-02",
                derived(0, crate::tsusoku::DERIVED),
            ),
            line(
                RecordKind::SI,
                "140000850",
                "2024-07-01",
                derived(1, crate::tsusoku::DERIVED),
            ),
        ];
        assert_eq!(dropped_with(&lines, 0).collect::<Vec<_>>(), [0, 1]);
        // A derived line dropped by a rule goes alone.
        assert_eq!(dropped_with(&lines, 1).collect::<Vec<_>>(), [1]);
    }
}
