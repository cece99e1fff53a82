//! Bad claims give an error or a finding that names the JSON path; nothing panics, and no line is
//! dropped without a finding. Runs on the embedded demo data.

use santei_engine::{Engine, Severity};

fn engine() -> Engine {
    Engine::demo().unwrap()
}

fn claim(items: &str) -> String {
    format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1970-01-01","sex":"male"}},
        "visits":[{{"date":"2024-06-03","items":[{items}]}}]}}"#
    )
}

fn finding_paths(json: &str) -> Vec<(String, String, Severity)> {
    let r = engine().calculate_json(json.as_bytes()).unwrap();
    r.findings
        .iter()
        .map(|f| (f.rule.to_string(), f.path.clone(), f.severity))
        .collect()
}

#[test]
fn malformed_json_names_line_and_column() {
    let e = engine()
        .calculate_json(b"{\"format\": \"santei.claim/1\",\n \"patient\": }")
        .unwrap_err();
    assert_eq!(e.code, "claim.json");
    assert!(e.message.contains("line 2"), "{e}");
}

#[test]
fn wrong_type_names_the_path() {
    let e = engine()
        .calculate_json(claim(r#"{"type":"procedure","code":112007410}"#).as_bytes())
        .unwrap_err();
    assert_eq!(e.code, "claim.value");
    // The path names the field, and the message names the bad value.
    assert_eq!(e.path, "visits[0].items[0].code", "{e}");
    assert!(
        e.message.contains("112007410") && e.message.contains("expected a string"),
        "{e}"
    );
}

#[test]
fn unknown_field_is_an_error_not_ignored() {
    let e = engine()
        .calculate_json(claim(r#"{"type":"procedure","code":"112007410","qty":2}"#).as_bytes())
        .unwrap_err();
    assert_eq!(e.path, "visits[0].items[0].qty", "{e}");
    assert!(e.message.contains("qty"), "{e}");
}

#[test]
fn unknown_code_is_a_finding_with_its_path() {
    let f = finding_paths(&claim(
        r#"{"type":"procedure","code":"112007410"},{"type":"procedure","code":"199999999"}"#,
    ));
    assert!(
        f.contains(&(
            "MST-001.unknown-code".into(),
            "visits[0].items[1].code".into(),
            Severity::Error
        )),
        "{f:?}"
    );
}

#[test]
fn code_not_valid_on_the_date() {
    // The demo rows start on 2024-06-01; a visit the day before is outside every version.
    let json =
        claim(r#"{"type":"procedure","code":"112007410"}"#).replace("2024-06-03", "2024-05-31");
    let e = engine().calculate_json(json.as_bytes()).unwrap_err();
    assert_eq!(e.code, "claim.revision", "{e}");
    // On a valid date but with a code that only exists later → finding.
    let f = finding_paths(&claim(r#"{"type":"procedure","code":"11200741"}"#));
    assert_eq!(f[0].1, "visits[0].items[0].code");
}

#[test]
fn negative_quantity_and_rx_without_days() {
    let f = finding_paths(&claim(
        r#"{"type":"procedure","code":"160008010","quantity":"-1"},
           {"type":"rx","form":"internal","drugs":[{"code":"620098801","amount":"3"}]},
           {"type":"rx","form":"internal","days":3,"drugs":[{"code":"620098801","amount":"-3"}]}"#,
    ));
    assert!(
        f.contains(&(
            "MST-002.bad-quantity".into(),
            "visits[0].items[0].quantity".into(),
            Severity::Error
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&(
            "DRG-301.rx-days".into(),
            "visits[0].items[1].days".into(),
            Severity::Error
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&(
            "MST-002.bad-quantity".into(),
            "visits[0].items[2].drugs[0].amount".into(),
            Severity::Error
        )),
        "{f:?}"
    );
}

#[test]
fn inpatient_only_item_in_outpatient_claim() {
    // 120001110 調剤料（入院） is 入院のみ (点数集計先識別（入院外） 0); not in the demo: use the
    // official masters in tests/real_claims.rs. Here: a hospital-only 外来診療料 at a clinic.
    let f = finding_paths(&claim(r#"{"type":"procedure","code":"112011310"}"#));
    assert_eq!(f[0].0, "MST-004.hospital-or-clinic", "{f:?}");
    assert_eq!(f[0].1, "visits[0].items[0]");
}

#[test]
fn visits_in_two_months_are_rejected() {
    let json = r#"{"format":"santei.claim/1","patient":{"birth_date":"1970-01-01","sex":"male"},
        "visits":[{"date":"2024-06-03","items":[]},{"date":"2024-07-01","items":[]}]}"#;
    let e = engine().calculate_json(json.as_bytes()).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), ("claim.month", "visits[1].date"));
}

#[test]
fn total_is_the_sum_of_lines_whatever_the_order() {
    let a = claim(
        r#"{"type":"procedure","code":"112007410"},{"type":"procedure","code":"160008010"},{"type":"procedure","code":"120002910"}"#,
    );
    let b = claim(
        r#"{"type":"procedure","code":"120002910"},{"type":"procedure","code":"160008010"},{"type":"procedure","code":"112007410"}"#,
    );
    let ra = engine().calculate_json(a.as_bytes()).unwrap();
    let rb = engine().calculate_json(b.as_bytes()).unwrap();
    assert_eq!(ra.total_points, rb.total_points);
    let sum: i64 = ra
        .lines
        .iter()
        .map(|l| l.points.unwrap_or(0) * l.times as i64)
        .sum();
    assert_eq!(ra.total_points, sum);
    // 再診 75 + 外来管理 52 + 末梢血液一般 21 + 血液学的検査判断料 125 + 処方箋料 60
    assert_eq!(ra.total_points, 75 + 52 + 21 + 125 + 60);
}

/// A claim cut off inside an object: the path names what is known (`patient`), never `patient.?`
/// (the C ABI and Python show this path as it is).
#[test]
fn a_truncated_claim_has_no_unknown_path_segment() {
    for (json, path) in [
        (
            r#"{"format":"santei.claim/1","patient":{"birth_date":"1970-"#,
            "patient.birth_date",
        ),
        (r#"{"format":"santei.claim/1","patient":{"#, "patient"),
        (r#"{"format":"santei.claim/1","#, "$"),
    ] {
        let e = Engine::parse_claim(json.as_bytes()).unwrap_err();
        assert_eq!(e.code, "claim.json", "{json}");
        assert!(!e.path.contains('?'), "{json}: {}", e.path);
        assert!(
            e.path == path || path.starts_with(&e.path),
            "{json}: {} vs {path}",
            e.path
        );
    }
}
