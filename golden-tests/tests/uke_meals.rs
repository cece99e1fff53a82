//! 食事療養 from `stay.meals` through UKE: the 97 lines are written as SI records with 診療識別 97
//! and the 金額 in the 点数 field, outside the HO 合計点数; HO 食事・生活療養 回数 and 合計金額 come
//! from the copayment; a recalculation checks each 97 unit against the master's 金額 of the month
//! (197000110: 670円 until 2025-03-31, 690円 from 2025-04-01, change file s_20250307.csv).

use std::path::Path;

use santei_engine::Engine;
use santei_engine::uke::{CheckKind, ReceiptReport, Status};
use santei_golden::{claim_json, load_case};

mod common;
#[path = "../../engine/tests/common/uke.rs"]
mod uke;
use common::engine;

fn case(name: &str) -> santei_engine::Claim {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("cases/r2024-06/nyuin_meal")
        .join(name);
    let c = load_case(&p).unwrap();
    Engine::parse_claim(&claim_json(&c, "r2024-06").unwrap()).unwrap()
}

fn write(engine: &Engine, claim: &santei_engine::Claim, billing: (u32, u32)) -> String {
    let result = engine.calculate(claim).unwrap();
    uke::write(
        &uke::facility("算定病院", billing.0, billing.1),
        claim,
        &result,
    )
}

fn recalc(engine: &Engine, text: &str) -> ReceiptReport {
    uke::recalc(engine, text)
}

fn meal_checks(rep: &ReceiptReport) -> Vec<&santei_engine::uke::Check> {
    rep.checks
        .iter()
        .filter(|c| c.kind == CheckKind::Procedure && c.section == Some(97))
        .collect()
}

#[test]
fn meals_are_97_records_and_ho_fields() {
    let engine = engine();
    let text = write(&engine, &case("copay_hyojun_futan_ippan.toml"), (2024, 8));
    // One 97 run: 197000110 670円 × 9 (3 on each of the 1st–3rd), written with 診療識別 97.
    assert!(
        text.contains("SI,97,1,197000110,,670,9,,,,,,,3,3,3,"),
        "{text}"
    );
    // HO: 合計点数 6,414 (no yen inside), 食事 回数 9, 合計金額 6,030 − 490 × 9 = 1,620.
    let ho = text.lines().find(|l| l.starts_with("HO,")).unwrap();
    let f: Vec<&str> = ho.split(',').collect();
    assert_eq!((f[5], f[7], f[8]), ("6414", "9", "1620"), "{ho}");
    let rep = recalc(&engine, &text);
    let m = meal_checks(&rep);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(m[0].status, Status::Match, "{m:#?}");
    assert_eq!(m[0].computed, Some(670));
}

#[test]
fn the_amount_of_the_month_is_checked() {
    let engine = engine();
    let text = write(&engine, &case("kaitei_2025_04_690.toml"), (2025, 5));
    assert!(text.contains(",197000110,,690,9,"), "{text}");
    let rep = recalc(&engine, &text);
    let m = meal_checks(&rep);
    assert_eq!(m.len(), 3, "{m:#?}");
    assert!(m.iter().all(|c| c.status == Status::Match), "{m:#?}");
    // The 2025-03 amount on a 2025-04 receipt differs, with the master's 690円.
    let old = text.replace(",197000110,,690,9,", ",197000110,,670,9,");
    let rep = recalc(&engine, &old);
    let d: Vec<_> = meal_checks(&rep)
        .into_iter()
        .filter(|c| c.status == Status::Differs)
        .collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!((d[0].claimed, d[0].computed), (Some(670), Some(690)));
    assert!(d[0].reason.contains("金額"), "{}", d[0].reason);
}
