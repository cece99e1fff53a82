//! 入院基本料等加算 derived from the 届出 (engine/src/stay/kasan.rs), written with `UkeWriter` and
//! recalculated: as computed they recalculate without a difference; a receipt that bills the
//! 14日限度 総合入院体制加算 on day 15, or the 入院初日 診療録管理体制加算 on day 2, differs with
//! rule INP-111 citing the 告示 注.

use std::sync::OnceLock;

use santei_engine::uke::{Check, ReceiptReport};
use santei_engine::{Engine, EngineBuilder, MastersFolder};

#[path = "common/uke.rs"]
mod uke;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let shared = santei_test_data::shared();
        EngineBuilder::new()
            .masters(
                MastersFolder::new(shared.join("masters/r06"))
                    .updates(shared.join("masters/updates"))
                    .etensu(shared.join("etensu/r06")),
            )
            .build()
            .unwrap()
    })
}

/// 急性期一般入院料１ from 2024-07-01 (起算日) to 2024-07-16, 届出 総合入院体制加算１ (3268) and
/// 診療録管理体制加算１ (4490).
const STAY: &str = r#"{"format":"santei.claim/1","setting":"inpatient","month":"2024-07",
  "admission_date":"2024-07-01","patient":{"birth_date":"1950-04-01","sex":"male"},
  "insurance":{"scheme":"shaho","relation":"insured","burden_percent":30},
  "facility":{"kind":"hospital","beds":300,"standards":[3525,3268,4490]},
  "stay":{"discharged_on":"2024-07-16","wards":[{"from":"2024-07-01","fee":"190117710"}]}}"#;

fn receipt(json: &str) -> String {
    let claim = Engine::parse_claim(json.as_bytes()).unwrap();
    let result = engine().calculate(&claim).unwrap();
    // (1,688 + 450) × 14 + 1,688 + 192 … (1,688 + 192) × 2; 総合入院体制加算１ 260 × 14; 診療録管理体制
    // 加算１ 140 × 1 (告示 A100 注3, A200, A207).
    assert_eq!(
        result.total_points,
        2138 * 14 + 1880 * 2 + 260 * 14 + 140,
        "{:#?}",
        result.lines
    );
    uke::write(&uke::facility("算定病院", 2024, 8), &claim, &result)
}

fn recalc(text: &str) -> ReceiptReport {
    uke::recalc(engine(), text)
}

fn limit_differences(rep: &ReceiptReport) -> Vec<&Check> {
    uke::differences(rep, Some("INP-111.addition-limit"))
}

#[test]
fn derived_additions_recalculate_without_a_difference() {
    let text = receipt(STAY);
    let rep = recalc(&text);
    let d = uke::differences(&rep, None);
    assert!(d.is_empty(), "{d:#?}\n{text}");
}

/// `text` with the SI line of `code` billed on `days` instead (回数 = their number).
fn rebill(text: &str, code: &str, days: &[usize]) -> String {
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    let at = lines
        .iter()
        .position(|l| l.contains(&format!(",{code},")))
        .unwrap_or_else(|| panic!("{code} not in\n{text}"));
    let mut f: Vec<String> = lines[at].split(',').map(str::to_string).collect();
    // SI: 回数 is field 7 (index 6), the day counts of days 1–31 fields 14–44 (index 13–43).
    for d in 1..=31 {
        f[12 + d] = String::new();
    }
    for &d in days {
        f[12 + d] = "1".into();
    }
    f[6] = days.len().to_string();
    lines[at] = f.join(",");
    lines.join("\r\n")
}

#[test]
fn a_14_day_addition_on_day_15_differs() {
    let text = receipt(STAY);
    let days: Vec<usize> = (1..=15).collect();
    let rep = recalc(&rebill(&text, "190190410", &days));
    let d = limit_differences(&rep);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, Some(190190410));
    assert!(d[0].reason.contains("15 (入院期間 15日目)"), "{d:#?}");
    assert!(!d[0].reason.contains("14 (入院期間"), "{d:#?}");
    let rule = d[0].rule.as_ref().unwrap();
    assert!(rule.citation.contains("A200 注"), "{rule:?}");
    assert!(rule.citation.contains("14日を限度"), "{rule:?}");
}

#[test]
fn a_first_day_addition_on_day_2_differs() {
    let text = receipt(STAY);
    let rep = recalc(&rebill(&text, "190832010", &[2]));
    let d = limit_differences(&rep);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, Some(190832010));
    assert!(d[0].reason.contains("2 (入院期間 2日目)"), "{d:#?}");
    assert!(d[0].reason.contains("入院初日に限り"), "{d:#?}");
    assert!(
        d[0].rule.as_ref().unwrap().citation.contains("A207 注"),
        "{d:#?}"
    );
}

#[test]
fn a_readmission_counted_from_an_earlier_stay_has_no_first_day() {
    // RE 入院年月日 2024-06-25 (the 起算日 of a 通算 stay): 7/1 is day 7, so the 初日 加算 on 7/1
    // differs, and 総合入院体制加算 is allowed up to 7/8 (day 14) only.
    let text = receipt(STAY).replace(",19500401,,20240701,", ",19500401,,20240625,");
    let rep = recalc(&text);
    let d = limit_differences(&rep);
    let codes: Vec<_> = d.iter().map(|c| c.code).collect();
    assert!(codes.contains(&Some(190832010)), "{d:#?}");
    let sogo = d.iter().find(|c| c.code == Some(190190410)).unwrap();
    assert!(sogo.reason.contains("9 (入院期間 15日目)"), "{sogo:#?}");
    assert!(!sogo.reason.contains("8 (入院期間"), "{sogo:#?}");
}
