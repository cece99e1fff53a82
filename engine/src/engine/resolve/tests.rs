//! The resolve stage on the official r06 masters (../shared): what it keeps, what it
//! refuses and why, with nothing but the claim and the earlier lines as input.

use super::*;
use rust_decimal::Decimal;

use crate::claim::Claim;
use crate::result::{Line, Origin};
use crate::test_masters::r06;

/// An 外来 claim of one visit on 2024-07-01 with these 診療行為 (JSON without their `type`) and
/// history, for a patient born on `birth`.
fn claim(birth: &str, items: &str, history: &str) -> Claim {
    let items = items.replace(r#"{"code""#, r#"{"type":"procedure","code""#);
    let json = format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"{birth}","sex":"female"}},
            "visits":[{{"date":"2024-07-01","items":[{items}]}}],"history":[{history}]}}"#
    );
    crate::Engine::parse_claim(json.as_bytes()).unwrap()
}

fn cx<'a>(claim: &'a Claim) -> Context<'a> {
    Context {
        p: r06(),
        claim,
        inpatient: false,
        month: claim.visits[0].date,
    }
}

fn codes(r: &Procedures<'_>) -> Vec<u32> {
    r.procs.iter().map(|p| p.rec.code.0).collect()
}

fn rules_at(findings: &[Finding]) -> Vec<(&'static str, Severity, &str)> {
    findings
        .iter()
        .map(|f| (f.rule, f.severity, f.path.as_str()))
        .collect()
}

#[test]
fn unknown_codes_impossible_counts_and_gated_rows_are_refused() {
    // 再診料 112007410 is kept; a code that is not nine digits, a code not in the master, a
    // 回数 of 0 and an 入院のみ row (救命救急入院料２, 入外適用区分 1, 項番13) on an 外来 claim are not.
    let c = claim(
        "1980-01-01",
        r#"{"code":"112007410"},{"code":"11200741"},{"code":"999999999"},
           {"code":"160000310","times":0},{"code":"190024310"}"#,
        "",
    );
    let mut findings = Vec::new();
    let r = procedures(cx(&c), &[], 0, &c.visits[0], &mut findings);
    assert_eq!(codes(&r), [112007410]);
    assert_eq!(r.procs[0].path, "visits[0].items[0]");
    assert!(r.blocker.is_none());
    assert_eq!(
        rules_at(&findings),
        [
            (
                rules::UNKNOWN_CODE,
                Severity::Error,
                "visits[0].items[1].code"
            ),
            (
                rules::UNKNOWN_CODE,
                Severity::Error,
                "visits[0].items[2].code"
            ),
            (
                rules::BAD_QUANTITY,
                Severity::Error,
                "visits[0].items[3].quantity"
            ),
            (rules::INPATIENT_ONLY, Severity::Error, "visits[0].items[4]"),
        ]
    );
    assert!(
        findings[1]
            .message
            .contains("not in the 医科診療行為マスター of r2024-06")
    );
    assert!(findings[3].message.ends_with("; line not billed"));
}

#[test]
fn outpatient_management_on_a_day_with_a_procedure_is_refused() {
    // 再診料 + 外来管理加算 + 創傷処置 (外来管理加算区分 1, 項番56): 告示 A001 注8.
    let c = claim(
        "1980-01-01",
        r#"{"code":"112007410"},{"code":"112011010"},{"code":"140000610"}"#,
        "",
    );
    let mut findings = Vec::new();
    let r = procedures(cx(&c), &[], 0, &c.visits[0], &mut findings);
    assert_eq!(codes(&r), [112007410, 140000610]);
    assert_eq!(r.blocker.map(|b| b.code.0), Some(140000610));
    assert_eq!(
        rules_at(&findings),
        [(
            rules::OUTPATIENT_MANAGEMENT,
            Severity::Error,
            "visits[0].items[1]"
        )]
    );
    assert_eq!(findings[0].citation, rules::CITE_OUTPATIENT_MANAGEMENT);
    assert!(findings[0].message.contains("140000610"));
    // Without the 処置 it is kept and nothing blocks it.
    let c = claim(
        "1980-01-01",
        r#"{"code":"112007410"},{"code":"112011010"}"#,
        "",
    );
    let mut findings = Vec::new();
    let r = procedures(cx(&c), &[], 0, &c.visits[0], &mut findings);
    assert_eq!(codes(&r), [112007410, 112011010]);
    assert!(r.blocker.is_none() && findings.is_empty());
}

#[test]
fn an_addition_needs_its_base_billed_that_day() {
    // 乳幼児加算（再診） 112000970 (注加算コード 1201, 通番 1) goes with 再診料 112007410
    // (1201, 通番 0); the patient is two years old.
    let infant = "2022-01-01";
    let run = |items: &str, earlier: &[Work]| {
        let c = claim(infant, items, "");
        let mut findings = Vec::new();
        let kept = codes(&procedures(cx(&c), earlier, 0, &c.visits[0], &mut findings));
        (
            kept,
            rules_at(&findings)
                .iter()
                .map(|f| (f.0, f.1))
                .collect::<Vec<_>>(),
        )
    };
    // With its base: kept, no finding.
    let (kept, f) = run(r#"{"code":"112007410"},{"code":"112000970"}"#, &[]);
    assert_eq!((kept, f), (vec![112007410, 112000970], vec![]));
    // Alone: billed as claimed with a warning (the master's grouping does not list every base).
    let (kept, f) = run(r#"{"code":"112000970"}"#, &[]);
    assert_eq!(kept, [112000970]);
    assert_eq!(f, [(rules::ADDITION_WITHOUT_BASE, Severity::Warning)]);
    // Its base claimed and refused (回数 0): not billed either.
    let (kept, f) = run(
        r#"{"code":"112007410","times":0},{"code":"112000970"}"#,
        &[],
    );
    assert!(kept.is_empty());
    assert_eq!(
        f,
        [
            (rules::BAD_QUANTITY, Severity::Error),
            (rules::ADDITION_WITHOUT_BASE, Severity::Error)
        ]
    );
    // Its base billed that day by an earlier line: kept, no finding.
    let earlier = [Work::priced(Line {
        record: RecordKind::SI,
        section: "12",
        date: Date::parse_iso("2024-07-01").unwrap(),
        unit: 1,
        code: "112007410".into(),
        name: Default::default(),
        quantity: None,
        points: Some(75),
        times: 1,
        aggregation: 120,
        origin: Origin::Claimed {
            path: "visits[0].items[0]".into(),
        },
        explain: Vec::new(),
    })];
    let (kept, f) = run(r#"{"code":"112000970"}"#, &earlier);
    assert_eq!((kept, f), (vec![112000970], vec![]));
}

#[test]
fn history_gives_the_months_judgement_groups() {
    // 尿・糞便等検査判断料 160061710 (検査等実施判断区分 2, グループ 1) this month counts; another
    // 判断料 (血液学的検査判断料 160061810, グループ 2) in June does not (月1回 per calendar month, D026 注1); unreadable entries are warned.
    let c = claim(
        "1980-01-01",
        "",
        r#"{"date":"2024-07-01","code":"160061710"},{"date":"2024-06-28","code":"160061810"},
           {"date":"2024-07-01","code":"1600617"},{"date":"2024-07-01","code":"999999999"}"#,
    );
    let mut findings = Vec::new();
    let judged = history(cx(&c), &mut findings);
    assert_eq!(judged.into_iter().collect::<Vec<_>>(), [1]);
    assert_eq!(
        rules_at(&findings),
        [
            (rules::UNKNOWN_CODE, Severity::Warning, "history[2].code"),
            (rules::UNKNOWN_CODE, Severity::Warning, "history[3].code"),
        ]
    );
}

/// A visit's items of any kind, as JSON with their `type`.
fn visit_of(items: &str) -> Claim {
    let json = format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1980-01-01","sex":"female"}},
            "visits":[{{"date":"2024-07-01","items":[{items}]}}]}}"#
    );
    crate::Engine::parse_claim(json.as_bytes()).unwrap()
}

fn drugs_of(c: &Claim) -> (Option<u32>, &[crate::claim::DrugUse]) {
    match &c.visits[0].items[0] {
        Item::Rx { days, drugs, .. } => (*days, drugs),
        _ => unreachable!("the test's first item is a 剤"),
    }
}

#[test]
fn a_rx_is_resolved_whole_or_refused_whole() {
    let on = Date::parse_iso("2024-07-01").unwrap();
    let path = "visits[0].items[0]";
    // Two drugs of the 医薬品マスター: both kept with their paths and 使用量.
    let c = visit_of(
        r#"{"type":"rx","form":"internal","days":14,"drugs":[
            {"code":"620002430","amount":"3"},{"code":"622404501","amount":"1.5"}]}"#,
    );
    let (days, drugs) = drugs_of(&c);
    let mut findings = Vec::new();
    let r = rx(cx(&c), path, on, days, drugs, &mut findings).unwrap();
    assert!(findings.is_empty());
    assert_eq!(r.days, 14);
    let got: Vec<(&str, u32, String)> = r
        .drugs
        .iter()
        .map(|d| (d.path.as_str(), d.rec.code.0, d.amount.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("visits[0].items[0].drugs[0]", 620002430, "3".to_string()),
            ("visits[0].items[0].drugs[1]", 622404501, "1.5".to_string())
        ]
    );
    // One drug unknown, or a 使用量 of 0, or no 日数: the 剤 is refused whole, said at the item.
    for (items, rule, at) in [
        (
            r#"{"type":"rx","form":"internal","days":14,"drugs":[
                {"code":"620002430","amount":"3"},{"code":"699999999","amount":"1"}]}"#,
            rules::UNKNOWN_CODE,
            "visits[0].items[0].drugs[1].code",
        ),
        (
            r#"{"type":"rx","form":"internal","days":14,"drugs":[{"code":"620002430","amount":"0"}]}"#,
            rules::BAD_QUANTITY,
            "visits[0].items[0].drugs[0].amount",
        ),
        (
            r#"{"type":"rx","form":"internal","days":0,"drugs":[{"code":"620002430","amount":"1"}]}"#,
            rules::RX_DAYS,
            "visits[0].items[0].days",
        ),
    ] {
        let c = visit_of(items);
        let (days, drugs) = drugs_of(&c);
        let mut findings = Vec::new();
        assert!(
            rx(cx(&c), path, on, days, drugs, &mut findings).is_none(),
            "{at}"
        );
        assert_eq!(rules_at(&findings), [(rule, Severity::Error, at)]);
        assert!(findings[0].message.contains("not billed"), "{at}");
    }
}

#[test]
fn materials_need_a_known_code_a_positive_amount_and_a_price() {
    let c = claim("1980-01-01", "", "");
    let on = c.visits[0].date;
    let p = "visits[0].items[1]";
    let run = |code: &str, amount: &str, unit_price: Option<&str>| {
        let mut findings = Vec::new();
        let amount: Decimal = amount.parse().unwrap();
        let price = unit_price.map(|u| u.parse().unwrap());
        let got = material(cx(&c), p, on, code, amount, price, &mut findings)
            .map(|m| (m.rec.code.0, m.price.to_string(), m.amount.to_string()));
        (
            got,
            rules_at(&findings)
                .iter()
                .map(|f| (f.0, f.2.to_string()))
                .collect::<Vec<_>>(),
        )
    };
    // 皮膚欠損用創傷被覆材 736740000: 金額種別 1, 10円 per cm² in the master (項番12).
    assert_eq!(
        run("736740000", "5873", None),
        (Some((736740000, "10.00".into(), "5873".into())), vec![])
    );
    assert_eq!(
        run("799999999", "1", None),
        (None, vec![(rules::UNKNOWN_CODE, format!("{p}.code"))])
    );
    assert_eq!(
        run("736740000", "0", None),
        (None, vec![(rules::BAD_QUANTITY, format!("{p}.amount"))])
    );
    // 内視鏡検査用フィルム 700590000: 金額種別 2, billed at the claimed 購入価格 only.
    assert_eq!(
        run("700590000", "2", None),
        (
            None,
            vec![(rules::MATERIAL_PRICE, format!("{p}.unit_price"))]
        )
    );
    assert_eq!(
        run("700590000", "2", Some("120")),
        (Some((700590000, "120".into(), "2".into())), vec![])
    );
}

#[test]
fn comments_are_their_master_row() {
    let c = claim("1980-01-01", "", "");
    let on = c.visits[0].date;
    let mut findings = Vec::new();
    // 810000001: the コメントマスター's free-text comment (区分 8, パターン 10).
    let rec = comment(cx(&c), "visits[0].items[2]", on, "810000001", &mut findings).unwrap();
    assert_eq!((rec.code.0, rec.pattern), (810000001, 10));
    assert!(findings.is_empty());
    assert!(comment(cx(&c), "visits[0].items[2]", on, "899999999", &mut findings).is_none());
    assert_eq!(
        rules_at(&findings),
        [(
            rules::UNKNOWN_CODE,
            Severity::Error,
            "visits[0].items[2].code"
        )]
    );
}

#[test]
fn a_claimed_addition_the_stay_derived_that_day_is_refused() {
    // 療養環境加算 190105570 (A219, 入院のみ) claimed on an 入院 day: refused as derived (INP-110)
    // when the stay's lines of that day, earlier than the visit, hold it; without them it goes on
    // to the master gates (療養環境加算 is 病院のみ, 病院・診療所区分 1, and the claim's facility is
    // a 診療所 by default: MST-004).
    let c = crate::Engine::parse_claim(
        br#"{"format":"santei.claim/1","setting":"inpatient","admission_date":"2024-07-01",
            "patient":{"birth_date":"1980-01-01","sex":"female"},
            "visits":[{"date":"2024-07-03","items":[{"type":"procedure","code":"190105570"}]}]}"#,
    )
    .unwrap();
    let cx = Context {
        inpatient: true,
        ..cx(&c)
    };
    let derived = Work::priced(Line {
        record: RecordKind::SI,
        section: "90",
        date: Date::parse_iso("2024-07-03").unwrap(),
        unit: 1,
        code: "190105570".into(),
        name: Default::default(),
        quantity: None,
        points: Some(25),
        times: 1,
        aggregation: 900,
        origin: Origin::Derived {
            rule: crate::engine::kasan_stage::KASAN,
            base_path: "stay.wards[0].fee".into(),
        },
        explain: Vec::new(),
    });
    let mut findings = Vec::new();
    let r = procedures(
        cx,
        std::slice::from_ref(&derived),
        0,
        &c.visits[0],
        &mut findings,
    );
    assert!(r.procs.is_empty());
    assert_eq!(
        rules_at(&findings),
        [(
            crate::engine::kasan_stage::KASAN,
            Severity::Error,
            "visits[0].items[0]"
        )]
    );
    assert!(
        findings[0]
            .message
            .contains("derived from the facility's 届出")
    );
    let mut findings = Vec::new();
    let r = procedures(cx, &[], 0, &c.visits[0], &mut findings);
    assert!(r.procs.is_empty());
    assert_eq!(
        rules_at(&findings),
        [(rules::FACILITY_KIND, Severity::Error, "visits[0].items[0]")]
    );
}
