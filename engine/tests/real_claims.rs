//! Claims on the official r06 masters that the demo subset cannot express.

use santei_engine::masters::MasterSet;
use santei_engine::{Engine, Severity};

fn engine() -> Engine {
    Engine::from_set(MasterSet::load(santei_test_data::masters("r06")).unwrap())
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
        ("MST-003.inpatient-only", "visits[0].items[1]")
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
    use santei_engine::{EngineBuilder, PolypharmacyRounding, RecordKind};
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
    assert!(
        cut.explain
            .iter()
            .any(|e| e.to_string().contains("1184.4 → 1184"))
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "DRG-303.seven-or-more-internal")
        .unwrap();
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("処方単位"), "{}", f.message);

    let per_rx = EngineBuilder::new()
        .set(MasterSet::load(santei_test_data::masters("r06")).unwrap())
        .polypharmacy_rounding(PolypharmacyRounding::PerRx)
        .build()
        .unwrap();
    let r = per_rx.calculate_json(json.as_bytes()).unwrap();
    assert_eq!(r.lines.last().unwrap().points, Some(-131));
    assert_eq!(r.total_points, 1351 + 1);
}

/// `temporary` with more than 14 days is a contradiction: the 剤 counts (DRG-306).
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
        rules.contains(&("DRG-306.temporary-rx", Severity::Warning)),
        "{rules:?}"
    );
    // 23×28 + 24×21 = 644 + 504 = 1148 → 1033.2 → 1033: −115.
    assert_eq!(r.lines.last().unwrap().points, Some(-115));
}

/// %加算/%減算 units (found in review):
/// - 施設基準不適合減算 30% of 特定疾患療養管理料 225: 225 × 70/100 = 157.5 → 158 (the result is
///   rounded, not the deduction), one 算定単位.
/// - a claimed 乳幼児加算（生体検査） 70% applies to the claimed 肺気量分画測定 90 (+63 = 153), not to
///   the 呼吸機能検査等判断料 140 santei derives on that day: 293.
/// - when a rule drops the item (C103-4: SpO2 included in 在宅酸素療法指導管理料), its claimed % line
///   is not billed either (MST-009), and the total is the 指導管理料 alone: 2,400.
#[test]
fn percent_units_round_the_result_take_a_claimed_base_and_go_with_it() {
    let calc = |json: &str| engine().calculate_json(json.as_bytes()).unwrap();
    let r = calc(
        r#"{"format":"santei.claim/1","patient":{"birth_date":"1960-01-01","sex":"male"},"diseases":[{"code":"5319009"}],
        "visits":[{"date":"2024-07-03","items":[{"type":"procedure","code":"112007410"},
          {"type":"procedure","code":"113001810"},{"type":"procedure","code":"113023770"}]}]}"#,
    );
    let l: Vec<(&str, Option<i64>, usize)> = r
        .lines
        .iter()
        .filter(|l| l.section == "13")
        .map(|l| (l.code.as_str(), l.points, l.unit))
        .collect();
    assert_eq!((l[0].0, l[0].1), ("113001810", None));
    assert_eq!((l[1].0, l[1].1), ("113023770", Some(158)));
    assert_eq!(l[0].2, l[1].2, "one 算定単位");
    assert_eq!(r.total_points, 75 + 52 + 158);

    let r = calc(
        r#"{"format":"santei.claim/1","patient":{"birth_date":"2023-01-01","sex":"male"},
        "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"160062610"},
          {"type":"procedure","code":"160155390"}]}]}"#,
    );
    let add = r.lines.iter().find(|l| l.code == "160155390").unwrap();
    let base = r.lines.iter().find(|l| l.code == "160062610").unwrap();
    assert_eq!((add.points, add.unit), (Some(153), base.unit));
    assert_eq!(r.total_points, 293);

    let r = calc(
        r#"{"format":"santei.claim/1","patient":{"birth_date":"2023-01-01","sex":"male"},
        "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"114003710"},
          {"type":"procedure","code":"160155510"},{"type":"procedure","code":"160155390"}]}]}"#,
    );
    assert_eq!(r.total_points, 2400);
    assert!(
        r.lines.iter().all(|l| l.code == "114003710"),
        "{:?}",
        r.lines
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "MST-009.unsupported-price-kind" && f.severity == Severity::Error),
        "{:?}",
        r.findings
    );
}
