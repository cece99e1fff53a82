//! Rules: the revision's rules evaluated on the resolved and derived lines, before pricing.

use santei_masters::{Date, Procedure};

use super::finish::path_of;
use super::price_stage::{Ruled, Work};
use super::resolve::blocked_for;
use super::{Deriver, code_of};
use crate::claim::Claim;
use crate::prepared::Prepared;
use crate::result::{Finding, Origin, RecordKind, Severity};
use crate::rules;

/// The rules stage: the revision's rules applied to the derived lines ([`Deriver::apply_rules`]),
/// and the lines left, with the last 算定単位 number given, handed on as the price stage's input
/// with the findings so far.
pub(super) fn apply(mut derived: Deriver<'_>) -> (Ruled, Vec<Finding>) {
    derived.apply_rules();
    let Deriver {
        lines,
        findings,
        next_unit,
        explain,
        ..
    } = derived;
    (
        Ruled {
            lines,
            next_unit,
            explain,
        },
        findings,
    )
}

impl Deriver<'_> {
    /// Evaluates the revision's rules on the computed lines and the history ([`decide`]) and
    /// applies the decisions in their order: a dropped line leaves with the lines derived from
    /// it, an addition becomes a derived line (priced like the derive stage's), every decision's
    /// finding is added.
    ///
    /// The drops are decided on the lines before any addition: an added line is never dropped
    /// by a later decision. The rule engine gives its additions after every drop
    /// (`RuleSet::evaluate_admitted`: inclusions, exclusions, limits, requirements, then
    /// additions), so this is the order the rules mean.
    fn apply_rules(&mut self) {
        let decisions = decide(self.cx.p, self.cx.claim, self.cx.inpatient, &self.lines);
        if decisions.is_empty() {
            return;
        }
        let mut remove = vec![false; self.lines.len()];
        for d in decisions {
            for j in d.drops {
                remove[j] = true;
            }
            if let Some(a) = d.add {
                let rule = &self.cx.p.rules.rules[a.rule];
                let why = self.why(|| crate::Explanation::RuleAddition {
                    rule: rule.id.clone(),
                    citation: rule.citation.clone(),
                });
                self.derived_line(a.rec, a.date, 1, rules::RULE_ADDITION, &a.path, why);
            }
            self.findings.push(d.finding);
        }
        // A unit that lost a line is priced on what is left (price_stage.rs); lines added above
        // are past the end of `remove` and stay.
        let mut k = 0;
        self.lines.retain(|_| {
            let keep = !remove.get(k).copied().unwrap_or(false);
            k += 1;
            keep
        });
    }
}

/// One outcome of the rules stage, in the order the rule engine gives them: the finding that
/// says it (rule id, citation, codes, claim path), the lines it drops (the line and what leaves
/// with it, [`dropped_with`]) and the line it adds (a rule addition that the master gates allow
/// for this patient, facility and day).
pub(super) struct Decision<'p> {
    pub(super) finding: Finding,
    pub(super) drops: Vec<usize>,
    pub(super) add: Option<Addition<'p>>,
}

/// A line a rule adds: its master row, its day, the claim path of the item it belongs to and
/// the rule (index in the revision's rule set).
pub(super) struct Addition<'p> {
    pub(super) rec: &'p Procedure,
    pub(super) date: Date,
    pub(super) path: String,
    pub(super) rule: usize,
}

/// The rules stage as a function of its input: the revision's rules (rule files and 電子点数表)
/// evaluated on the resolved and derived lines and the claim's history, before any price.
/// Exclusions, inclusions and count limits drop lines (an inclusion is info, the others
/// errors); warnings stay warnings; an addition the master gates allow is added (info), one
/// they refuse is a warning. Nothing is changed here: [`Deriver::apply_rules`] applies.
pub(super) fn decide<'p>(
    p: &'p Prepared,
    claim: &Claim,
    inpatient: bool,
    lines: &[Work],
) -> Vec<Decision<'p>> {
    let rs = &p.rules;
    if rs.is_empty() {
        return Vec::new();
    }
    let (items, map) = rule_items(lines, &claim.history);
    let f = &claim.facility;
    let disease_specific: Vec<u8> = claim
        .diseases
        .iter()
        .filter_map(|d| d.code.parse::<u32>().ok())
        .filter_map(|c| p.set.diseases.latest(c))
        .filter_map(|d| d.specific_disease.parse::<u8>().ok())
        .filter(|&n| n != 0)
        .collect();
    let comments: Vec<(Date, u32)> = lines
        .iter()
        .filter(|l| l.record == RecordKind::CO)
        .filter_map(|l| l.code.parse().ok().map(|c| (l.date, c)))
        .collect();
    let subject = rules::subject(
        claim.patient.birth_date,
        claim.patient.sex == crate::claim::Sex::Female,
        inpatient,
        (f.kind, f.beds, &f.standards),
        &disease_specific,
        &comments,
    );
    let outcomes = rs.evaluate_admitted(
        &subject,
        &items,
        &santei_rules_dsl::RuleKind::ALL,
        claim.admission_date,
    );
    let mut decisions = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        let rule = &rs.rules[o.rule];
        let line = map[o.items[0]];
        let path = line.map_or_else(|| "history".to_string(), |k| path_of(&lines[k]));
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
        let mut drops = Vec::new();
        let mut add = None;
        let (severity, message) = match &o.action {
            santei_rules_dsl::Action::Drop => {
                if let Some(k) = line {
                    drops.extend(dropped_with(lines, k));
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
                let gates_allow = |rec: &Procedure| {
                    blocked_for(claim, inpatient, rec, o.date, claim.patient.birth_date).is_none()
                };
                match p.set.procedures.get(*code, o.date) {
                    Some(rec) if gates_allow(rec) => {
                        add = Some(Addition {
                            rec,
                            date: o.date,
                            path: path.clone(),
                            rule: o.rule,
                        });
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
            && claim.diseases.is_empty()
            && message.contains("傷病名")
        {
            format!("{message} — no 傷病名 given (the claim has no `diseases`)")
        } else {
            message
        };
        decisions.push(Decision {
            finding: Finding::of(category, severity)
                .rule_id(rule.id.clone())
                .at(path)
                .cite(rule.citation.clone())
                .codes(codes)
                .message(message),
            drops,
            add,
        });
    }
    decisions
}

/// The rules stage's input: one rule item per SI line (its code, 算定日, 回数, 数量) and per history
/// item of the claim, and the line each item came from (`None`: history).
fn rule_items(
    lines: &[Work],
    history: &[crate::claim::HistoryItem],
) -> (Vec<santei_rules_dsl::Item>, Vec<Option<usize>>) {
    let mut items = Vec::with_capacity(lines.len() + history.len());
    let mut map: Vec<Option<usize>> = Vec::with_capacity(lines.len() + history.len());
    for (k, l) in lines.iter().enumerate() {
        if l.record != RecordKind::SI {
            continue;
        }
        let Some(code) = line_code(&l.code) else {
            continue;
        };
        items.push(santei_rules_dsl::Item {
            code,
            date: l.date,
            times: l.times,
            quantity: crate::rules::item_quantity(l.quantity),
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

/// The number of a line's code: nine ASCII digits ([`code_of`]; every SI line's code is nine
/// digits, [`santei_masters::Code::text`]); any other text as `str::parse` reads it.
fn line_code(s: &str) -> Option<u32> {
    code_of(s).or_else(|| s.parse().ok())
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
            name: Default::default(),
            quantity: Some(Decimal::from(2)),
            points: None,
            times: 1,
            aggregation: 600,
            origin,
            explain: Vec::new(),
        })
    }

    /// The month's 判断料 line (検体検査判断料 D026, 160061710) santei derived from item `i`.
    fn judgement_fee(i: usize) -> Work {
        line(
            RecordKind::SI,
            "160061710",
            "2024-07-01",
            derived(i, rules::JUDGEMENT_FEE),
        )
    }

    fn claimed(i: usize) -> Origin {
        Origin::Claimed {
            path: format!("visits[0].items[{i}]").into(),
        }
    }

    fn derived(i: usize, rule: &'static str) -> Origin {
        Origin::Derived {
            rule,
            base_path: format!("visits[0].items[{i}]").into(),
        }
    }

    #[test]
    fn line_codes_read_as_str_parse_reads_them() {
        for s in [
            "112007410",
            "000000001",
            "999999999",
            "12345",
            "4294967295",
            "+12345678",
        ] {
            assert_eq!(line_code(s), s.parse::<u32>().ok(), "{s}");
        }
        for s in [
            "",
            "11200741a",
            "1120074100000",
            "-12345678",
            "１２３４５６７８９",
        ] {
            assert_eq!(line_code(s), None, "{s}");
        }
    }

    #[test]
    fn rule_items_are_the_si_lines_and_the_history() {
        let lines = [
            line(RecordKind::SI, "160000410", "2024-07-01", claimed(0)),
            line(RecordKind::IY, "620000001", "2024-07-01", claimed(1)),
            judgement_fee(0),
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

    /// An 外来 claim of one visit on 2024-07-01 without 傷病名 (the tests pass the lines).
    fn claim() -> Claim {
        crate::Engine::parse_claim(
            br#"{"format":"santei.claim/1","patient":{"birth_date":"1980-01-01","sex":"female"},
                "visits":[{"date":"2024-07-01","items":[]}]}"#,
        )
        .unwrap()
    }

    /// The demo r06 masters with the given rule text as the only rules (written for these tests:
    /// the bundled files name codes the demo subset lacks, and are left out on it).
    fn prepared(rules_text: &str) -> Prepared {
        let set = santei_masters::MasterCatalog::demo()
            .unwrap()
            .into_sets()
            .into_iter()
            .find(|s| s.revision.id == "r2024-06")
            .unwrap();
        let texts = [("test.rules".to_string(), rules_text.to_string())];
        let (compiled, diags) = santei_rules_dsl::compile_texts(&texts, &set, true).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        let mut p = Prepared::new(set);
        p.rules.extend(compiled);
        p
    }

    /// 告示 A002 注6 (外来診療料 includes 尿一般, D000) restricted to the demo's codes: the
    /// inclusion drops the test of that day with its 注加算 but not the month's 判断料 (通知
    /// A002 (10)), as info; the same test on another day stays; nothing is changed.
    #[test]
    fn decide_drops_a_test_the_outpatient_fee_includes() {
        let p = prepared(
            r#"revision r2024-06
rule test.A002-6 "外来診療料に含まれる検査 (demo codes)" {
    kind     inclusion
    cite     "告示 A002 注6"
    parent   code 112011310
    children kubun D000
    within   day
}
"#,
        );
        let c = claim();
        let lines = [
            line(RecordKind::SI, "112011310", "2024-07-01", claimed(0)),
            line(RecordKind::SI, "160000310", "2024-07-01", claimed(1)),
            judgement_fee(1),
            line(
                RecordKind::SI,
                "160000310",
                "2024-07-02",
                Origin::Claimed {
                    path: "visits[1].items[0]".into(),
                },
            ),
        ];
        let decisions = decide(&p, &c, false, &lines);
        assert_eq!(decisions.len(), 1, "one inclusion");
        let d = &decisions[0];
        assert_eq!(d.drops, [1]);
        assert!(d.add.is_none());
        assert_eq!(d.finding.rule, rules::RULE_INCLUSION);
        assert_eq!(d.finding.severity, Severity::Info);
        assert_eq!(d.finding.rule_id.as_deref(), Some("test.A002-6"));
        assert_eq!(d.finding.path, "visits[0].items[1]");
        assert_eq!(d.finding.citation, "告示 A002 注6");
        assert_eq!(d.finding.codes, ["160000310", "112011310"]);
        assert!(d.finding.message.ends_with("; line not billed"));
        // Without the 外来診療料 nothing is decided.
        assert!(decide(&p, &c, false, &lines[1..]).is_empty());
    }

    /// An addition is decided when the master gates allow its row for the patient and day
    /// (外来管理加算 on a 再診 of an 外来 claim), and refused with a warning when they do not
    /// (入外適用区分: not on an 入院 claim); a requirement on a claim without 傷病名 says so.
    #[test]
    fn decide_adds_what_the_gates_allow_and_says_what_a_requirement_lacks() {
        let p = prepared(
            r#"revision r2024-06
rule test.add "再診に外来管理加算 (test)" {
    kind     addition
    cite     "告示 A001 注8"
    when     billed code 112007410 within day
    add      112011010
}
rule test.disease "特定疾患処方管理加算: 特定疾患 (test)" {
    kind     requirement
    cite     "告示 F100 注5"
    items    code 120005610
    require  disease specific 5 or disease specific 8
}
"#,
        );
        let c = claim();
        let lines = [line(RecordKind::SI, "112007410", "2024-07-01", claimed(0))];
        let d = decide(&p, &c, false, &lines);
        assert_eq!(d.len(), 1);
        let add = d[0].add.as_ref().expect("added");
        assert_eq!(add.rec.code, santei_masters::Code(112011010));
        assert_eq!(add.path, "visits[0].items[0]");
        assert_eq!(p.rules.rules[add.rule].id, "test.add");
        assert_eq!(d[0].finding.severity, Severity::Info);
        assert!(d[0].drops.is_empty());
        // 入院: the row is 入院外のみ, so nothing is added and the finding says why.
        let d = decide(&p, &c, true, &lines);
        assert!(d[0].add.is_none());
        assert_eq!(d[0].finding.severity, Severity::Warning);
        assert!(
            d[0].finding
                .message
                .ends_with("but 112011010 cannot be billed here on 2024-07-01"),
            "{}",
            d[0].finding.message
        );
        // The requirement, without any 傷病名 on the claim.
        let lines = [line(RecordKind::SI, "120005610", "2024-07-01", claimed(0))];
        let d = decide(&p, &c, false, &lines);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].finding.rule, rules::RULE_REQUIREMENT);
        assert!(
            d[0].finding
                .message
                .ends_with("— no 傷病名 given (the claim has no `diseases`)"),
            "{}",
            d[0].finding.message
        );
    }

    /// The stage as the pipeline runs it (`apply`): on the lines the derive stage built from a
    /// claim, an inclusion drops the included test (info, with the rule id), an addition becomes
    /// a derived line of its own 算定単位 with its part of the price, and what is left is the
    /// price stage's input, nothing priced.
    #[test]
    fn apply_drops_and_adds_on_the_derived_lines() {
        let p = prepared(
            r#"revision r2024-06
rule test.A002-6 "外来診療料に含まれる検査 (demo codes)" {
    kind     inclusion
    cite     "告示 A002 注6"
    parent   code 112011310
    children kubun D000
    within   day
}
rule test.add "再診に外来管理加算 (test)" {
    kind     addition
    cite     "告示 A001 注8"
    when     billed code 112007410 within day
    add      112011010
}
"#,
        );
        // Derive, then apply, on a claim of one visit (a hospital of 300 beds bills 外来診療料, a
        // clinic 再診料: 医科診療行為マスター 病院・診療所区分).
        let run = |facility: &str, items: &str| {
            let json = format!(
                r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1980-01-01","sex":"female"}},
                    "facility":{facility},"visits":[{{"date":"2024-07-01","outpatient_management":false,
                    "items":[{items}]}}]}}"#
            );
            let c = crate::Engine::parse_claim(json.as_bytes()).unwrap();
            let first = crate::engine::validate::claim(&c).unwrap();
            let options = super::super::derive_stage::DeriveOptions {
                explain: false,
                polypharmacy_rounding: Default::default(),
            };
            let derived = super::super::derive_stage::derive(&p, &c, first, options);
            let before: Vec<String> = derived.lines.iter().map(|w| w.code.to_string()).collect();
            let (ruled, findings) = apply(derived);
            let ids: Vec<(&'static str, String)> = findings
                .iter()
                .filter_map(|f| f.rule_id.clone().map(|id| (f.rule, id)))
                .collect();
            (before, ruled, ids)
        };
        let procedure = |code: &str| format!(r#"{{"type":"procedure","code":"{code}"}}"#);
        // The inclusion: 尿一般 derived, then dropped.
        let (before, ruled, ids) = run(
            r#"{"kind":"hospital","beds":300}"#,
            &[procedure("112011310"), procedure("160000310")].join(","),
        );
        assert!(before.contains(&"160000310".to_string()), "{before:?}");
        let left: Vec<String> = ruled.lines.iter().map(|w| w.code.to_string()).collect();
        assert!(!left.contains(&"160000310".to_string()), "{left:?}");
        assert_eq!(ids, [(rules::RULE_INCLUSION, "test.A002-6".to_string())]);
        // The addition: 外来管理加算 not derived (the visit says its requirements were not met),
        // added by the rule as a derived line of its own unit, not priced yet.
        let (before, ruled, ids) = run(r#"{"kind":"clinic"}"#, &procedure("112007410"));
        assert_eq!(before, ["112007410"]);
        let added = ruled
            .lines
            .iter()
            .find(|w| w.code.as_str() == "112011010")
            .expect("the rule's addition");
        assert!(
            matches!(&added.origin, Origin::Derived { rule, .. } if *rule == rules::RULE_ADDITION)
        );
        assert!(matches!(
            added.part,
            super::super::price_stage::Part::Base(_)
        ));
        assert_ne!(added.unit, ruled.lines[0].unit);
        assert!(ruled.lines.iter().all(|w| w.points.is_none()));
        assert_eq!(ids, [(rules::RULE_ADDITION, "test.add".to_string())]);
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
            judgement_fee(0),
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
