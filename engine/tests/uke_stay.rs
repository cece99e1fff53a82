//! 入院 receipts computed from a `stay` (engine/src/stay/mod.rs), written with `UkeWriter` and
//! recalculated with the engine: as computed they recalculate without a difference; a receipt that
//! omits a due 入院期間加算, or bills the 14日以内 one on day 15, differs with rule INP-100.

use std::sync::OnceLock;

use santei_engine::Engine;
use santei_engine::masters::MasterSet;
use santei_engine::uke::{Check, ReceiptReport};

#[path = "common/uke.rs"]
mod uke;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::from_set(MasterSet::load(santei_test_data::masters("r06")).unwrap()))
}

/// 急性期一般入院料１ from 2024-07-01 (起算日), discharged on 2024-07-30.
const STAY: &str = r#"{"format":"santei.claim/1","setting":"inpatient","month":"2024-07",
  "admission_date":"2024-07-01","patient":{"birth_date":"1950-04-01","sex":"male"},
  "insurance":{"scheme":"shaho","relation":"insured","burden_percent":30},
  "facility":{"kind":"hospital","beds":300},
  "stay":{"discharged_on":"2024-07-30","wards":[{"from":"2024-07-01","fee":"190117710"}]}}"#;

fn receipt(json: &str) -> String {
    let claim = Engine::parse_claim(json.as_bytes()).unwrap();
    let result = engine().calculate(&claim).unwrap();
    // The issue's case: (1,688 + 450) × 14 + (1,688 + 192) × 16.
    assert_eq!(result.total_points, 2138 * 14 + 1880 * 16);
    uke::write(&uke::facility("算定病院", 2024, 8), &claim, &result)
}

fn recalc(text: &str) -> ReceiptReport {
    uke::recalc(engine(), text)
}

fn rule_differences(rep: &ReceiptReport) -> Vec<&Check> {
    uke::differences(rep, Some("INP-100.inpatient-stay"))
}

#[test]
fn a_computed_stay_recalculates_without_a_difference() {
    let text = receipt(STAY);
    let rep = recalc(&text);
    let d = uke::differences(&rep, None);
    assert!(d.is_empty(), "{d:#?}\n{text}");
}

#[test]
fn a_missing_or_misplaced_admission_period_addition_differs() {
    let text = receipt(STAY);
    // The 15〜30日 加算 written as the 14日以内 one: wrong on days 15–30, and the due one missing.
    let wrong = text.replace(",190079670,", ",190079470,");
    assert_ne!(wrong, text, "{text}");
    let rep = recalc(&wrong);
    let d = rule_differences(&rep);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(
        d.iter().any(|c| c.code == Some(190079470)
            && c.reason.contains("outside its period")
            && c.reason.contains("15, 16")),
        "{d:#?}"
    );
    assert!(
        d.iter()
            .any(|c| c.code == Some(190079670) && c.reason.contains("not billed")),
        "{d:#?}"
    );
    assert!(d[0].rule.as_ref().unwrap().citation.contains("A100 注3"));
    // The 15〜30日 加算 dropped, its unit billing the 入院料 alone (1,688点 a day).
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    let at = lines
        .iter()
        .position(|l| l.contains(",190079670,"))
        .unwrap();
    lines.remove(at);
    let mut base: Vec<String> = lines[at - 1].split(',').map(str::to_string).collect();
    assert_eq!(base[3], "190117710", "{}", lines[at - 1]);
    base[5] = "1688".into();
    lines[at - 1] = base.join(",");
    let rep = recalc(&lines.join("\r\n"));
    let d = rule_differences(&rep);
    assert_eq!(
        d.iter().map(|c| c.code).collect::<Vec<_>>(),
        [Some(190079670)],
        "{d:#?}"
    );
    assert!(
        d[0].reason.contains("15, 16") && d[0].reason.contains("30 of the month"),
        "{d:#?}"
    );
}
