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

/// F200 注3 on tazai_7shurui_gen (golden case): the UKE shape (CO 820000047 （減） before the
/// 内服 lines, IY 630010002 after them) and the rounding option. 所定点数 23×28 + 24×28 = 1316:
/// 処方単位 1316 × 0.9 = 1184.4 → 1184 (−132); 剤単位 644 → 580, 672 → 605 (−131).
#[test]
fn polypharmacy_reduction_lines_and_rounding_option() {
    use santei_engine::masters::MasterCatalog;
    use santei_engine::{EngineOptions, PolypharmacyRounding, RecordKind};
    let json = r#"{"format":"santei.claim/1","patient":{"birth_date":"1950-05-10","sex":"male"},
        "visits":[{"date":"2024-07-08","items":[
          {"type":"procedure","code":"112007410"},{"type":"procedure","code":"120000710"},
          {"type":"procedure","code":"120002610"},
          {"type":"rx","form":"internal","days":28,"drugs":[{"code":"620005905","amount":"1"},
            {"code":"620002430","amount":"1"},{"code":"610443014","amount":"1"},
            {"code":"610443053","amount":"1"},{"code":"622404501","amount":"1"}]},
          {"type":"rx","form":"internal","days":28,"drugs":[{"code":"621980701","amount":"2"},
            {"code":"622538301","amount":"2"}]}]}]}"#;
    let r = engine().calculate_json(json.as_bytes()).unwrap();
    let codes: Vec<&str> = r
        .lines
        .iter()
        .filter(|l| l.section == "21")
        .map(|l| l.code.as_str())
        .collect();
    assert_eq!(codes.first(), Some(&"820000047"));
    assert_eq!(codes.last(), Some(&"630010002"));
    let cut = r.lines.last().unwrap();
    assert_eq!(
        (cut.record, cut.points, cut.times),
        (RecordKind::IY, Some(-132), 1)
    );
    assert!(cut.explain.iter().any(|e| e.contains("1184.4 → 1184")));
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "F303.seven-or-more-internal")
        .unwrap();
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("処方単位"), "{}", f.message);

    let dir = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let mut catalog = MasterCatalog::new();
    catalog.insert(MasterSet::load(dir.join("masters/r06")).unwrap());
    let per_rx = Engine::with_options(
        catalog,
        EngineOptions {
            polypharmacy_rounding: PolypharmacyRounding::PerRx,
            ..Default::default()
        },
    )
    .unwrap();
    let r = per_rx.calculate_json(json.as_bytes()).unwrap();
    assert_eq!(r.lines.last().unwrap().points, Some(-131));
    assert_eq!(r.total_points, 1351 + 1);
}

/// `temporary` with more than 14 days is a contradiction: the 剤 counts (F306).
#[test]
fn temporary_over_two_weeks_counts_as_regular() {
    let json = r#"{"format":"santei.claim/1","patient":{"birth_date":"1950-05-10","sex":"male"},
        "visits":[{"date":"2024-07-08","items":[
          {"type":"rx","form":"internal","days":28,"drugs":[{"code":"620005905","amount":"1"},
            {"code":"620002430","amount":"1"},{"code":"610443014","amount":"1"},
            {"code":"610443053","amount":"1"},{"code":"622404501","amount":"1"}]},
          {"type":"rx","form":"internal","days":21,"temporary":true,"drugs":[{"code":"621980701","amount":"2"},
            {"code":"622538301","amount":"2"}]}]}]}"#;
    let r = engine().calculate_json(json.as_bytes()).unwrap();
    let rules: Vec<(&str, Severity)> = r.findings.iter().map(|f| (f.rule, f.severity)).collect();
    assert!(
        rules.contains(&("F306.temporary-rx", Severity::Warning)),
        "{rules:?}"
    );
    // 23×28 + 24×21 = 644 + 504 = 1148 → 1033.2 → 1033: −115.
    assert_eq!(r.lines.last().unwrap().points, Some(-115));
}
