//! The derive stage on its own, on the official r06 masters (../shared): a claim in, the lines
//! it bills out — each with its origin (claimed, or derived by which rule from which item) and
//! its [`Part`] of its 算定単位's price, nothing priced yet — and the findings that say why a
//! line was not derived. No rule file is evaluated (the rules stage comes after).

use super::*;
use crate::engine::price_stage::Part;
use crate::result::{Origin, Severity};
use crate::test_masters::r06;

const REVISIT: u32 = 112_007_410; // 再診料 (A001 1)
const MANAGEMENT: u32 = 112_011_010; // 外来管理加算 (A001 注8)
const INFANT_REVISIT: u32 = 112_000_970; // 乳幼児加算（再診） (A001 注4)
const WOUND: u32 = 140_000_610; // 創傷処置 (J000 1; 外来管理加算区分 1)
const BLOOD: u32 = 160_008_010; // 末梢血液一般検査 (D005 5; 検査等実施判断区分 1, グループ 2)

const OPTIONS: DeriveOptions = DeriveOptions {
    explain: false,
    polypharmacy_rounding: PolypharmacyRounding::PerPrescription,
};

/// An 外来 claim for a patient born on `birth`: `visits` as JSON, `history` as JSON items.
fn claim(birth: &str, visits: &str, history: &str) -> Claim {
    let visits = visits.replace(r#"{"code""#, r#"{"type":"procedure","code""#);
    let json = format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"{birth}","sex":"female"}},
            "visits":[{visits}],"history":[{history}]}}"#
    );
    crate::Engine::parse_claim(json.as_bytes()).unwrap()
}

fn derived(c: &Claim) -> Deriver<'_> {
    let first = crate::engine::validate::claim(c).unwrap();
    derive(r06(), c, first, OPTIONS)
}

/// (date, code, the rule that derived it or `None` for a claimed line, its part) of every line.
fn lines(d: &Deriver<'_>) -> Vec<(String, u32, Option<&'static str>, Part)> {
    d.lines
        .iter()
        .map(|w| {
            let rule = match &w.line.origin {
                Origin::Derived { rule, .. } => Some(*rule),
                _ => None,
            };
            (
                w.line.date.to_string(),
                w.line.code.parse().unwrap(),
                rule,
                w.part,
            )
        })
        .collect()
}

/// The master's points of a fixed-point row on 2024-07-01, as the derive stage reads them.
fn points(code: u32) -> i64 {
    let d = Date::parse_iso("2024-07-01").unwrap();
    r06()
        .set
        .procedures
        .get(code, d)
        .unwrap()
        .points
        .whole()
        .unwrap()
}

#[test]
fn a_revisit_takes_outpatient_management_unless_a_procedure_of_the_day_blocks_it() {
    // 告示 A001 注8: 外来管理加算 after a 再診料 「処置, リハビリテーション等 … を行わずに」; the
    // 創傷処置 (外来管理加算区分 1) of 7/2 blocks it that day only.
    let c = claim(
        "1980-01-01",
        &format!(
            r#"{{"date":"2024-07-01","items":[{{"code":"{REVISIT}"}}]}},
               {{"date":"2024-07-02","items":[{{"code":"{REVISIT}"}},{{"code":"{WOUND}"}}]}}"#
        ),
        "",
    );
    let d = derived(&c);
    assert_eq!(
        lines(&d),
        [
            (
                "2024-07-01".into(),
                REVISIT,
                None,
                Part::Base(points(REVISIT))
            ),
            (
                "2024-07-01".into(),
                MANAGEMENT,
                Some(rules::OUTPATIENT_MANAGEMENT),
                Part::Base(points(MANAGEMENT))
            ),
            (
                "2024-07-02".into(),
                REVISIT,
                None,
                Part::Base(points(REVISIT))
            ),
            ("2024-07-02".into(), WOUND, None, Part::Base(points(WOUND))),
        ]
    );
    // Nothing is priced by the stage: each procedure line carries its part, no points.
    assert!(d.lines.iter().all(|w| w.line.points.is_none()));
    let why: Vec<_> = d
        .findings
        .iter()
        .filter(|f| f.rule == rules::OUTPATIENT_MANAGEMENT)
        .map(|f| (f.severity, f.path.as_str()))
        .collect();
    assert_eq!(why, [(Severity::Info, "visits[1].items[0]")]);
}

#[test]
fn a_judgement_fee_once_a_month_and_none_after_the_history_billed_it() {
    // 告示 D026 注1: 各区分ごとに月1回. Two visits with 末梢血液一般: one 判断料, on the first day.
    let visits = format!(
        r#"{{"date":"2024-07-01","items":[{{"code":"{BLOOD}"}}]}},
           {{"date":"2024-07-08","items":[{{"code":"{BLOOD}"}}]}}"#
    );
    let c = claim("1980-01-01", &visits, "");
    let d = derived(&c);
    let fees: Vec<_> = lines(&d)
        .into_iter()
        .filter(|l| l.2 == Some(rules::JUDGEMENT_FEE))
        .collect();
    assert_eq!(fees.len(), 1, "{:?}", lines(&d));
    assert_eq!(fees[0].0, "2024-07-01");
    let fee = fees[0].1;
    // The same fee in the claim's history of the month: none derived (the month state starts
    // from the history, resolve::history).
    let c = claim(
        "1980-01-01",
        &visits,
        &format!(r#"{{"date":"2024-07-01","code":"{fee}"}}"#),
    );
    let d = derived(&c);
    assert!(
        lines(&d).iter().all(|l| l.2 != Some(rules::JUDGEMENT_FEE)),
        "{:?}",
        lines(&d)
    );
    assert!(
        d.month.judged.contains(
            &r06()
                .set
                .procedures
                .get(BLOOD, Date::parse_iso("2024-07-01").unwrap())
                .unwrap()
                .test_judgement_group
        )
    );
}

#[test]
fn an_infant_revisit_takes_its_age_addition_in_the_base_unit_part() {
    // 告示 A001 注4 乳幼児加算 for a patient under 6 (項番100–111 link of 再診料). Born 2023-01-01:
    // 1歳 on 2024-07-01.
    let c = claim(
        "2023-01-01",
        &format!(
            r#"{{"date":"2024-07-01","outpatient_management":false,"items":[{{"code":"{REVISIT}"}}]}}"#
        ),
        "",
    );
    let d = derived(&c);
    assert_eq!(
        lines(&d),
        [
            (
                "2024-07-01".into(),
                REVISIT,
                None,
                Part::Base(points(REVISIT))
            ),
            (
                "2024-07-01".into(),
                INFANT_REVISIT,
                Some(rules::AGE_ADDITION),
                Part::Base(points(INFANT_REVISIT))
            ),
        ]
    );
    // A line of its own, billed the 再診料's 回数: its own 算定単位.
    assert_ne!(d.lines[0].line.unit, d.lines[1].line.unit);
    // Explanations are built only when asked.
    assert!(d.lines.iter().all(|w| w.line.explain.is_empty()));
}

#[test]
fn with_explanations_each_derived_line_says_why() {
    let c = claim(
        "1980-01-01",
        &format!(r#"{{"date":"2024-07-01","items":[{{"code":"{REVISIT}"}}]}}"#),
        "",
    );
    let first = crate::engine::validate::claim(&c).unwrap();
    let d = derive(
        r06(),
        &c,
        first,
        DeriveOptions {
            explain: true,
            ..OPTIONS
        },
    );
    let management = d
        .lines
        .iter()
        .find(|w| w.line.code.as_str() == MANAGEMENT.to_string())
        .unwrap();
    assert!(
        management
            .line
            .explain
            .iter()
            .any(|e| matches!(e, crate::Explanation::OutpatientManagement { .. })),
        "{:?}",
        management.line.explain
    );
}
