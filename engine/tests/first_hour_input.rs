//! What a first user writes in a claim and what santei now says (the input half of "the first
//! hour"): JSON numbers where the format promises numbers, ISO dates only, 傷病名 codes checked
//! against the 傷病名 master, and a 休日 claim on a working day flagged. Runs on the demo data.

use santei_engine::claim::Item;
use santei_engine::{Engine, Severity};

fn engine() -> Engine {
    Engine::demo().unwrap()
}

fn claim_with(visit_date: &str, items: &str) -> String {
    format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1970-01-01","sex":"male"}},
        "visits":[{{"date":"{visit_date}","items":[{items}]}}]}}"#
    )
}

fn claim(items: &str) -> String {
    claim_with("2024-06-03", items)
}

#[test]
fn json_numbers_are_read_exactly() {
    for (written, expected) in [
        ("1", "1"),
        ("1.5", "1.5"),
        ("\"1.5\"", "1.5"),
        ("0.1", "0.1"),
        ("120", "120"),
        ("1e2", "100"),
    ] {
        let json = claim(&format!(
            r#"{{"type":"rx","form":"internal","days":5,"drugs":[{{"code":"620002023","amount":{written}}}]}},
               {{"type":"procedure","code":"140000610","quantity":{written}}},
               {{"type":"material","code":"700010000","amount":{written},"unit_price":{written}}}"#
        ));
        let c = Engine::parse_claim(json.as_bytes()).unwrap_or_else(|e| panic!("{written}: {e}"));
        let items = &c.visits[0].items;
        let Item::Rx { drugs, .. } = &items[0] else {
            panic!()
        };
        assert_eq!(drugs[0].amount.to_string(), expected, "{written}");
        let Item::Procedure { quantity, .. } = &items[1] else {
            panic!()
        };
        assert_eq!(quantity.unwrap().to_string(), expected, "{written}");
        let Item::Material {
            amount, unit_price, ..
        } = &items[2]
        else {
            panic!()
        };
        assert_eq!(amount.to_string(), expected, "{written}");
        assert_eq!(unit_price.unwrap().to_string(), expected, "{written}");
    }
    // A number a float cannot hold is kept digit for digit.
    let c = Engine::parse_claim(
        claim(r#"{"type":"rx","form":"internal","days":5,"drugs":[{"code":"620002023","amount":0.30000000000000001}]}"#)
            .as_bytes(),
    )
    .unwrap();
    let Item::Rx { drugs, .. } = &c.visits[0].items[0] else {
        panic!()
    };
    assert_eq!(drugs[0].amount.to_string(), "0.30000000000000001");
}

#[test]
fn a_number_claim_computes_like_a_string_claim() {
    let e = engine();
    let a = e
        .calculate_json(claim(r#"{"type":"rx","form":"internal","days":5,"drugs":[{"code":"620002023","amount":3}]}"#).as_bytes())
        .unwrap();
    let b = e
        .calculate_json(claim(r#"{"type":"rx","form":"internal","days":5,"drugs":[{"code":"620002023","amount":"3"}]}"#).as_bytes())
        .unwrap();
    assert_eq!(a.total_points, b.total_points);
}

#[test]
fn a_bad_number_names_the_field() {
    let e = Engine::parse_claim(
        claim(r#"{"type":"procedure","code":"112007410"},{"type":"procedure","code":"112007410"},
                 {"type":"rx","form":"internal","days":5,"drugs":[{"code":"620002023","amount":"three"}]}"#)
            .as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.code, "claim.value");
    assert_eq!(e.path, "visits[0].items[2].drugs[0].amount", "{e}");
    assert!(
        e.message.contains("three") && e.message.contains("decimal"),
        "{e}"
    );

    let e = Engine::parse_claim(
        claim(r#"{"type":"material","code":"700010000","amount":true}"#).as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.path, "visits[0].items[0].amount", "{e}");

    let e = Engine::parse_claim(claim(r#"{"type":"procedure","code":112007410}"#).as_bytes())
        .unwrap_err();
    assert_eq!(e.path, "visits[0].items[0].code", "{e}");
}

#[test]
fn item_fields_are_checked_against_the_type() {
    let e = Engine::parse_claim(
        claim(r#"{"type":"procedure","code":"112007410","form":"internal"}"#).as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.path, "visits[0].items[0]", "{e}");
    assert!(
        e.message.contains("`form`") && e.message.contains("procedure"),
        "{e}"
    );
    let e = Engine::parse_claim(claim(r#"{"type":"material","code":"700010000"}"#).as_bytes())
        .unwrap_err();
    assert!(e.message.contains("missing field `amount`"), "{e}");
    let e =
        Engine::parse_claim(claim(r#"{"type":"drug","code":"700010000"}"#).as_bytes()).unwrap_err();
    assert_eq!(e.path, "visits[0].items[0].type", "{e}");
    let e = Engine::parse_claim(claim(r#"{"code":"700010000"}"#).as_bytes()).unwrap_err();
    assert!(e.message.contains("missing field `type`"), "{e}");
}

#[test]
fn dates_must_be_iso() {
    let e = Engine::parse_claim(
        claim_with("20240710", r#"{"type":"procedure","code":"112007410"}"#).as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.code, "claim.value");
    assert_eq!(e.path, "visits[0].date", "{e}");
    assert!(
        e.message.contains("20240710") && e.message.contains("YYYY-MM-DD"),
        "{e}"
    );
    let bad_birth = r#"{"format":"santei.claim/1","patient":{"birth_date":"1970/01/01","sex":"male"},"visits":[]}"#;
    let e = Engine::parse_claim(bad_birth.as_bytes()).unwrap_err();
    assert_eq!(e.path, "patient.birth_date", "{e}");
    assert!(Engine::parse_claim(claim_with("2024-07-10", "").as_bytes()).is_ok());
}

fn findings(rule_prefix: &str, json: &str) -> Vec<(String, Severity, String)> {
    severity_of(rule_prefix, json)
}

fn with_diseases(diseases: &str, items: &str) -> String {
    format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1970-01-01","sex":"male"}},
        "diseases":[{diseases}],
        "visits":[{{"date":"2024-06-03","items":[{items}]}}]}}"#
    )
}

#[test]
fn disease_codes_are_checked_against_the_master() {
    let f = findings(
        "MST-013",
        &with_diseases(
            r#"{"code":"9999999"},{"code":"0000000"},{"code":"12345"},{"code":"8833421","main":true},{"code":"0000999"}"#,
            r#"{"type":"procedure","code":"112007410"}"#,
        ),
    );
    assert_eq!(f.len(), 3, "{f:?}");
    assert_eq!(f[0].0, "diseases[0].code");
    assert_eq!(f[0].1, Severity::Error);
    assert!(
        f[0].2.contains("9999999") && f[0].2.contains("not in the 傷病名マスター"),
        "{f:?}"
    );
    assert_eq!(f[1].0, "diseases[1].code");
    assert!(
        f[1].2.contains("0000000") && f[1].2.contains("not in the 傷病名マスター"),
        "{f:?}"
    );
    assert_eq!(f[2].0, "diseases[2].code");
    assert!(
        f[2].2.contains("12345") && f[2].2.contains("7 digits"),
        "{f:?}"
    );
}

#[test]
fn r504_says_what_is_missing() {
    let rx = r#"{"type":"procedure","code":"112007410"},{"type":"procedure","code":"120001210"},{"type":"procedure","code":"120005610"},
        {"type":"rx","form":"internal","days":28,"drugs":[{"code":"620002023","amount":3}]}"#;
    // No 傷病名 at all.
    let f = findings("RUL-504", &with_diseases("", rx));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].2.contains("no 傷病名 given") && f[0].2.contains("別表第一"),
        "{f:?}"
    );
    // A 傷病名 that is not a 特定疾患 (急性上気道炎): the 主病 is not in 別表第一.
    let f = findings(
        "RUL-504",
        &with_diseases(r#"{"code":"4659007","main":true}"#, rx),
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].2.contains("主病 not in 別表第一")
            && f[0].2.contains("05 or 08")
            && !f[0].2.contains("no 傷病名 given"),
        "{f:?}"
    );
    // 慢性胃炎 is 05: no finding.
    assert!(
        findings(
            "RUL-504",
            &with_diseases(r#"{"code":"5351003","main":true}"#, rx)
        )
        .is_empty()
    );
}

#[test]
fn holiday_on_a_working_day_is_flagged() {
    let visit = |date: &str, time: &str| {
        format!(
            r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1970-01-01","sex":"male"}},
            "visits":[{{"date":"{date}","time":"{time}","items":[{{"type":"procedure","code":"112007410"}}]}}]}}"#
        )
    };
    // Wednesday 2024-07-10: not a 休日.
    let f = findings("BAS-104", &visit("2024-07-10", "holiday"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "visits[0].time");
    assert_eq!(f[0].1, Severity::Warning);
    assert!(
        f[0].2.contains("2024-07-10") && f[0].2.contains("水曜日"),
        "{f:?}"
    );
    let r = engine()
        .calculate_json(visit("2024-07-10", "holiday").as_bytes())
        .unwrap();
    let a104 = r
        .findings
        .iter()
        .find(|f| f.rule.starts_with("BAS-104"))
        .unwrap();
    assert!(
        a104.citation.contains("通知 A000 (19)ア") && a104.citation.contains("12月29日"),
        "{a104:?}"
    );
    // 海の日, a Sunday, 12/30 and 1/2 (年末年始), a 振替休日: no finding.
    for d in [
        "2024-07-15",
        "2024-07-14",
        "2024-12-30",
        "2025-01-02",
        "2024-08-12",
        "2024-06-30",
    ] {
        assert!(findings("BAS-104", &visit(d, "holiday")).is_empty(), "{d}");
    }
    assert!(findings("BAS-104", &visit("2024-07-10", "regular")).is_empty());
    assert_eq!(
        findings("BAS-104", &visit("2024-07-10", "pediatric_holiday")).len(),
        1
    );
}

fn severity_of(rule_prefix: &str, json: &str) -> Vec<(String, Severity, String)> {
    engine()
        .calculate_json(json.as_bytes())
        .unwrap()
        .findings
        .iter()
        .filter(|f| f.rule.starts_with(rule_prefix))
        .map(|f| (f.path.clone(), f.severity, f.message.clone()))
        .collect()
}
