//! 物価対応料 (r08 告示 O100 注1・注2): a 外来 初診/再診 makes 外来・在宅物価対応料 due. The r08
//! demo/excerpt holds no 物価対応料 row (項番132 = 1), so santei says so (info). With such a row
//! in the masters, santei names its code (warning) and stays quiet once it is billed.

use santei_engine::Engine;
use santei_engine::masters::{MasterCatalog, MasterSet, demo};

/// The r2026-06 demo with one extra row: the 初診料 row re-coded 199999999 and marked as the
/// 物価対応料 of group 1 (項番132 = 1, 項番133 = 001), as the complete r08 file marks its O100 rows.
fn engine_with_a_price_response_row() -> Engine {
    let d = demo::of("r2026-06").unwrap();
    let shoshin = d.s.1.lines().find(|l| l.contains("\"111000110\"")).unwrap();
    let mut fields: Vec<String> = shoshin.split(',').map(String::from).collect();
    fields[2] = "\"199999999\"".into();
    fields[131] = "\"1\"".into();
    fields[132] = "\"001\"".into();
    let s: &'static str = Box::leak(format!("{}{}\r\n", d.s.1, fields.join(",")).into_boxed_str());
    let files = demo::DemoFiles {
        revision: d.revision,
        source: d.source,
        s: (d.s.0, s),
        y: d.y,
        t: d.t,
        c: d.c,
        b: d.b,
        z: d.z,
    };
    let mut c = MasterCatalog::new();
    c.insert(MasterSet::demo_of(&files).unwrap());
    Engine::new(c)
}

fn claim(items: &str) -> String {
    format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1970-04-01","sex":"male"}},
        "facility":{{"kind":"clinic"}},"visits":[{{"date":"2026-12-01","items":[{items}]}}]}}"#
    )
}

fn o100(engine: &Engine, items: &str) -> Vec<(String, String)> {
    let r = engine.calculate_json(claim(items).as_bytes()).unwrap();
    r.findings
        .iter()
        .filter(|f| f.rule == "PRC-100.price-response")
        .map(|f| (format!("{:?}", f.severity), f.message.clone()))
        .collect()
}

#[test]
fn due_and_unbillable_on_the_demo_is_an_info() {
    let f = o100(
        &Engine::demo().unwrap(),
        r#"{"type":"procedure","code":"111000110"}"#,
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "Info");
    assert!(f[0].1.contains("イ 初診時"), "{f:?}");
}

#[test]
fn a_master_with_the_row_names_its_code_and_billing_it_ends_the_finding() {
    let e = engine_with_a_price_response_row();
    let f = o100(&e, r#"{"type":"procedure","code":"111000110"}"#);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "Warning");
    assert!(f[0].1.contains("claim 199999999"), "{f:?}");
    let billed = o100(
        &e,
        r#"{"type":"procedure","code":"111000110"},{"type":"procedure","code":"199999999"}"#,
    );
    assert!(billed.is_empty(), "{billed:?}");
}

#[test]
fn revisions_without_the_column_are_not_checked() {
    let r = Engine::demo()
        .unwrap()
        .calculate_json(
            claim(r#"{"type":"procedure","code":"111000110"}"#)
                .replace("2026-12-01", "2024-07-01")
                .as_bytes(),
        )
        .unwrap();
    assert!(
        r.findings
            .iter()
            .all(|f| f.rule != "PRC-100.price-response")
    );
}
