//! Claims on the official r06 masters that the demo subset cannot express.

use std::path::PathBuf;

use santei_engine::masters::MasterSet;
use santei_engine::{Engine, Severity};

fn engine() -> Engine {
    let dir = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    assert!(
        dir.join("masters").is_dir(),
        "../shared (official masters) is missing"
    );
    Engine::from_set(MasterSet::load(dir.join("masters/r06")).unwrap())
}

#[test]
fn inpatient_only_item_is_a_finding_with_path() {
    let json = r#"{"format":"santei.claim/1","patient":{"birth_date":"1970-01-01","sex":"male"},
        "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"112007410"},{"type":"procedure","code":"120001110"}]}]}"#;
    let r = engine().calculate_json(json.as_bytes()).unwrap();
    let f = r
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .unwrap();
    assert_eq!(
        (f.rule, f.path.as_str()),
        ("M003.inpatient-only", "visits[0].items[1]")
    );
    assert!(r.lines.iter().all(|l| l.code != "120001110"));
}

#[test]
fn parallel_equals_sequential() {
    let engine = engine();
    let claims: Vec<Vec<u8>> = (0..200u32)
        .map(|i| {
            format!(
                r#"{{"format":"santei.claim/1","patient":{{"birth_date":"{}-03-0{}","sex":"male"}},
                "visits":[{{"date":"2024-07-{:02}","time":"{}","items":[{{"type":"procedure","code":"112007410"}},{{"type":"procedure","code":"160008010"}}]}}]}}"#,
                1940 + i % 85,
                1 + i % 9,
                1 + i % 28,
                ["regular", "overtime", "holiday", "late_night"][i as usize % 4]
            )
            .into_bytes()
        })
        .collect();
    let seq: Vec<i64> = claims
        .iter()
        .map(|c| engine.calculate_json(c).unwrap().total_points)
        .collect();
    let par: Vec<i64> = std::thread::scope(|s| {
        let hs: Vec<_> = claims
            .chunks(50)
            .map(|ch| {
                s.spawn(|| {
                    ch.iter()
                        .map(|c| engine.calculate_json(c).unwrap().total_points)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(seq, par);
}
