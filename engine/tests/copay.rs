//! Copayment cases that the golden runner cannot express: 入院 claims (the point engine computes
//! 入院外 only, so their points are given as lines), 入院時食事療養, four 公費, the settings, the
//! 地方単独 scheme file, and dates outside the tables. Expected values are computed by hand from the
//! cited source (the law or MHLW 事例 named at each test).

use santei_engine::copay::{
    self, Copay, CopaySettings, LinePoints, LocalSchemes, MissingOver70Class, Under70PublicLimit,
};
use santei_engine::masters::Date;
use santei_engine::{Claim, Engine, Finding, Severity};

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn claim(json: &str) -> Claim {
    Engine::parse_claim(json.as_bytes()).unwrap()
}

/// A claim with `insurance` (JSON object) and extra top-level fields; visits on the given dates.
fn make(birth: &str, setting: &str, insurance: &str, extra: &str, dates: &[&str]) -> Claim {
    let visits: Vec<String> = dates
        .iter()
        .map(|d| format!(r#"{{"date":"{d}","items":[]}}"#))
        .collect();
    claim(&format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"{birth}","sex":"male"}},
        "setting":"{setting}","insurance":{insurance}{extra},"visits":[{}]}}"#,
        visits.join(",")
    ))
}

/// Lines: (date, points, path).
fn run_with(
    c: &Claim,
    lines: &[(&str, i64, &str)],
    settings: &CopaySettings,
    schemes: &LocalSchemes,
) -> (Option<Copay>, Vec<Finding>) {
    let lp: Vec<LinePoints<'_>> = lines
        .iter()
        .map(|(date, points, path)| LinePoints {
            date: d(date),
            points: *points,
            path,
        })
        .collect();
    let mut f = Vec::new();
    let r = copay::compute_lines(c, &lp, settings, schemes, &mut f);
    (r, f)
}

fn run(c: &Claim, lines: &[(&str, i64, &str)]) -> (Option<Copay>, Vec<Finding>) {
    run_with(c, lines, &CopaySettings::DEFAULT, &LocalSchemes::EMPTY)
}

fn ok(c: &Claim, lines: &[(&str, i64, &str)]) -> Copay {
    let (r, f) = run(c, lines);
    let errors: Vec<_> = f.iter().filter(|f| f.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    r.expect("a copayment")
}

fn errors(f: &[Finding]) -> Vec<&'static str> {
    f.iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.rule)
        .collect()
}

const P10: &str = r#""payer_number":"10130151","recipient_number":"1234566""#;
const P54: &str = r#""payer_number":"54130158","recipient_number":"1234566""#;

fn payer(law: &str) -> String {
    let first7 = format!("{law}13015");
    format!(
        "{first7}{}",
        copay::payer_check_digit(&first7).expect("7 digits")
    )
}

// ── MHLW H30 事例 (高齢受給者 入院), transcribed in hangilc/myclinic-ts
//    packages/rezept/futan/calc.kougaku.kourei.test.ts.

fn elder_inpatient(class: &str, many: bool, birth: &str, date: &str, pts: i64) -> Copay {
    let c = make(
        birth,
        "inpatient",
        &format!(r#"{{"scheme":"kokuho","income_class":"{class}","many_times":{many}}}"#),
        "",
        &[date],
    );
    ok(&c, &[(date, pts, "visits[0].items[0]")])
}

#[test]
fn h30_inpatient_genekinami() {
    // 事例1: 992,600 × 3割 = 297,780 > 252,600 + (992,600 − 842,000) × 1% = 254,106.
    let r = elder_inpatient("現役並みⅢ", false, "1952-03-10", "2024-07-01", 99_260);
    assert_eq!((r.copay_yen, r.patient_yen), (254_106, 254_106));
    // The HO 負担金額 is written on an 入院 claim.
    assert_eq!(r.receipt.ho.as_ref().unwrap().copay_yen, Some(254_106));
    // 事例2: 多数回 140,100.
    assert_eq!(
        elder_inpatient("現役並みⅢ", true, "1952-03-10", "2024-07-01", 47_600).patient_yen,
        140_100
    );
    // 事例3: 167,400 + (616,000 − 558,000) × 1% = 167,980.
    assert_eq!(
        elder_inpatient("現役並みⅡ", false, "1952-03-10", "2024-07-01", 61_600).patient_yen,
        167_980
    );
    // 事例4: 75歳到達月: 83,700 + (336,000 − 279,000) × 1% = 84,270.
    assert_eq!(
        elder_inpatient("現役並みⅡ", false, "1949-07-25", "2024-07-10", 33_600).patient_yen,
        84_270
    );
    // 事例5: 80,100 + (276,000 − 267,000) × 1% = 80,190.
    assert_eq!(
        elder_inpatient("現役並みⅠ", false, "1952-03-10", "2024-07-01", 27_600).patient_yen,
        80_190
    );
    // 事例6: 75歳到達月 多数回: 44,400 / 2 = 22,200.
    assert_eq!(
        elder_inpatient("現役並みⅠ", true, "1949-07-25", "2024-07-10", 15_200).patient_yen,
        22_200
    );
}

#[test]
fn h30_inpatient_ippan_and_low_income() {
    // 事例18: 一般 75歳到達月 多数回: 27,000 > 44,400 / 2 = 22,200.
    assert_eq!(
        elder_inpatient("一般", true, "1949-07-25", "2024-07-10", 13_500).patient_yen,
        22_200
    );
    // 事例19: 低所得Ⅱ 入院 世帯 24,600 (not the 外来 8,000).
    assert_eq!(
        elder_inpatient("低所得Ⅱ", false, "1952-03-10", "2024-07-01", 16_700).patient_yen,
        24_600
    );
}

fn elder_nanbyo(
    class: &str,
    many: bool,
    birth: &str,
    date: &str,
    cap: u32,
    p1: i64,
    p2: i64,
) -> Copay {
    let c = make(
        birth,
        "inpatient",
        &format!(
            r#"{{"scheme":"kokuho","income_class":"{class}","many_times":{many},
            "public_funds":[{{"law_number":"54",{P54},"monthly_cap_yen":{cap},"covers":["visits[0].items[0]"]}}]}}"#
        ),
        "",
        &[date],
    );
    ok(
        &c,
        &[
            (date, p1, "visits[0].items[0]"),
            (date, p2, "visits[0].items[1]"),
        ],
    )
}

#[test]
fn h30_inpatient_nanbyo() {
    // 事例7: 905,000 × 3割 capped at 252,600 + 630 = 253,230; patient 10,000.
    let r = elder_nanbyo(
        "現役並みⅢ",
        false,
        "1952-03-10",
        "2024-07-01",
        10_000,
        90_500,
        0,
    );
    assert_eq!(r.public_funds[0].target_yen, 253_230);
    assert_eq!(r.copay_yen, 253_230);
    assert_eq!(r.patient_yen, 10_000);
    assert_eq!(r.public_funds[0].pays_yen, 243_230);
    // 事例8: 多数回: 公費分 140,100 (patient 10,000) + 保険分 141,300 → 140,100 in all;
    // 一部負担金 140,100 + 130,100 = 270,200.
    let r = elder_nanbyo(
        "現役並みⅢ",
        true,
        "1952-03-10",
        "2024-07-01",
        10_000,
        48_200,
        47_100,
    );
    assert_eq!(r.patient_yen, 140_100);
    assert_eq!(r.public_funds[0].target_yen, 140_100);
    assert_eq!(r.copay_yen, 270_200);
    assert_eq!(r.public_funds[0].patient_yen, 10_000);
    // 事例9: 167,400 + (671,000 − 558,000) × 1% = 168,530.
    let r = elder_nanbyo(
        "現役並みⅡ",
        false,
        "1952-03-10",
        "2024-07-01",
        10_000,
        67_100,
        0,
    );
    assert_eq!(
        (r.public_funds[0].target_yen, r.patient_yen),
        (168_530, 10_000)
    );
    // 事例21: 一般 82,600 → 57,600; patient 10,000.
    let r = elder_nanbyo("一般", false, "1952-03-10", "2024-07-01", 10_000, 41_300, 0);
    assert_eq!((r.copay_yen, r.patient_yen), (57_600, 10_000));
    // 事例22: 公費分 11,000 (patient 10,000) + 保険分 60,000 → 57,600.
    let r = elder_nanbyo(
        "一般",
        false,
        "1952-03-10",
        "2024-07-01",
        10_000,
        5_500,
        30_000,
    );
    assert_eq!(r.patient_yen, 57_600);
    // 事例23: 75歳到達月: 28,800.
    let r = elder_nanbyo(
        "一般",
        false,
        "1949-07-25",
        "2024-07-10",
        10_000,
        16_500,
        15_500,
    );
    assert_eq!(r.patient_yen, 28_800);
    // 事例25: 75歳到達月 多数回: 22,200.
    let r = elder_nanbyo(
        "一般",
        true,
        "1949-07-25",
        "2024-07-10",
        10_000,
        14_500,
        15_100,
    );
    assert_eq!(r.patient_yen, 22_200);
    // 事例26: 低所得Ⅰ 入院 15,000; patient 5,000.
    let r = elder_nanbyo(
        "低所得Ⅰ",
        false,
        "1952-03-10",
        "2024-07-01",
        5_000,
        22_800,
        0,
    );
    assert_eq!((r.copay_yen, r.patient_yen), (15_000, 5_000));
}

// ── 入院時食事療養 標準負担額 (健保法85条2項)

fn meals(birth: &str, insurance: &str, meals: &str, date: &str) -> (Option<Copay>, Vec<Finding>) {
    let c = make(
        birth,
        "inpatient",
        insurance,
        &format!(r#","meals":{meals}"#),
        &[date],
    );
    run(&c, &[(date, 1_000, "visits[0].items[0]")])
}

#[test]
fn meal_standard_amounts_by_date() {
    let shaho = r#"{"scheme":"shaho","income_class":"ウ"}"#;
    // 2024-06-01〜2025-03-31: 一般 490円.
    let (r, _) = meals("1980-01-01", shaho, r#"[{"count":20}]"#, "2024-07-01");
    let m = r.unwrap().meals.unwrap();
    assert_eq!((m.standard_yen, m.patient_yen), (490, 9_800));
    // 2025-04-01〜: 510円.
    let (r, _) = meals("1980-01-01", shaho, r#"[{"count":20}]"#, "2025-04-01");
    assert_eq!(r.unwrap().meals.unwrap().patient_yen, 10_200);
    // 2024-05 (before the 2024-06 change): 460円.
    let (r, _) = meals("1980-01-01", shaho, r#"[{"count":3}]"#, "2024-05-31");
    assert_eq!(r.unwrap().meals.unwrap().patient_yen, 1_380);
}

#[test]
fn reduced_meal_amounts() {
    // 住民税非課税 (区分オ) 230円 (2024-06〜), 90日超 180円 (given), 低所得Ⅰ 110円.
    let (r, _) = meals(
        "1980-01-01",
        r#"{"scheme":"kokuho","income_class":"オ"}"#,
        r#"[{"count":10}]"#,
        "2024-07-01",
    );
    assert_eq!(r.unwrap().meals.unwrap().patient_yen, 2_300);
    let (r, _) = meals(
        "1980-01-01",
        r#"{"scheme":"kokuho","income_class":"オ"}"#,
        r#"[{"count":10,"class":"low_income_long_stay"}]"#,
        "2024-07-01",
    );
    assert_eq!(r.unwrap().meals.unwrap().patient_yen, 1_800);
    let (r, _) = meals(
        "1952-03-10",
        r#"{"scheme":"kokuho","income_class":"低所得Ⅰ"}"#,
        r#"[{"count":10}]"#,
        "2025-04-01",
    );
    assert_eq!(r.unwrap().meals.unwrap().patient_yen, 1_100);
    // 2025-04 低所得Ⅱ 240円.
    let (r, _) = meals(
        "1952-03-10",
        r#"{"scheme":"kokuho","income_class":"低所得Ⅱ"}"#,
        r#"[{"count":10}]"#,
        "2025-04-01",
    );
    assert_eq!(r.unwrap().meals.unwrap().patient_yen, 2_400);
}

#[test]
fn meals_under_nanbyo_shoman_and_seiho() {
    // 難病: 指定難病 300円 (2025-04〜), all paid by the patient.
    let ins = format!(
        r#"{{"scheme":"shaho","income_class":"ウ","public_funds":[{{"law_number":"54",{P54},"monthly_cap_yen":10000}}]}}"#
    );
    let (r, _) = meals("1980-01-01", &ins, r#"[{"count":10}]"#, "2025-04-01");
    let m = r.unwrap().meals.unwrap();
    assert_eq!(
        (m.standard_yen, m.patient_yen, m.public_yen[0]),
        (300, 3_000, 0)
    );
    // 小児慢性: half of the 300円 (小慢 食費 1/2 自己負担); the KO carries the 公費 part.
    let ins = format!(
        r#"{{"scheme":"kokuho","income_class":"ウ","public_funds":[{{"law_number":"52","payer_number":"{}","recipient_number":"1234566","monthly_cap_yen":5000}}]}}"#,
        payer("52")
    );
    let (r, _) = meals("2016-01-10", &ins, r#"[{"count":10}]"#, "2025-04-01");
    let r = r.unwrap();
    let m = r.meals.as_ref().unwrap();
    assert_eq!((m.patient_yen, m.public_yen[0]), (1_500, 1_500));
    assert_eq!(r.receipt.ko[0].meal_count, Some(10));
    assert_eq!(r.receipt.ko[0].meal_total_yen, Some(1_500));
    // 生活保護 単独: the 公費 pays the 標準負担額.
    let ins = format!(
        r#"{{"public_funds":[{{"law_number":"12","payer_number":"{}","recipient_number":"1234566"}}]}}"#,
        payer("12")
    );
    let (r, _) = meals("1980-01-01", &ins, r#"[{"count":9}]"#, "2024-07-01");
    let m = r.unwrap().meals.unwrap();
    assert_eq!((m.patient_yen, m.public_yen[0]), (0, 9 * 490));
}

#[test]
fn ho_meal_total_is_cost_minus_standard() {
    // UKE_LAYOUT: HO 食事 合計金額 = 食事療養の費用 − 標準負担額 (ikasample: 23,550 − 23 × 360).
    let (r, _) = meals(
        "1980-01-01",
        r#"{"scheme":"shaho","income_class":"ウ"}"#,
        r#"[{"count":20,"cost_yen":13400}]"#,
        "2024-07-01",
    );
    let ho = r.unwrap().receipt.ho.unwrap();
    assert_eq!(ho.meal_count, Some(20));
    assert_eq!(ho.meal_total_yen, Some(13_400 - 20 * 490));
}

#[test]
fn meals_refused_when_impossible() {
    // 外来 claim with meals.
    let c = make(
        "1980-01-01",
        "outpatient",
        r#"{"scheme":"shaho"}"#,
        r#","meals":[{"count":3}]"#,
        &["2024-07-01"],
    );
    let (r, f) = run(&c, &[("2024-07-01", 100, "visits[0].items[0]")]);
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::MEALS_INPUT]);
    // 2026-06-01: the new 標準負担額 (令和8年度改定) was not found: refused, the 2025 amount is
    // not reused, and the finding names the 区分 and what is missing.
    let (r, f) = meals(
        "1980-01-01",
        r#"{"scheme":"shaho","income_class":"ウ"}"#,
        r#"[{"count":3}]"#,
        "2026-06-01",
    );
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::MEAL_AMOUNT_UNKNOWN]);
    let e = f
        .iter()
        .find(|f| f.rule == copay::MEAL_AMOUNT_UNKNOWN)
        .unwrap();
    assert!(e.message.contains("区分 一般"), "{}", e.message);
    assert!(e.message.contains("2026-06-01"), "{}", e.message);
    assert!(!e.message.contains("RULEBOOK"));
    // Every reduced 区分 too (低所得Ⅰ, given explicitly or derived).
    for (class, meal) in [
        ("低所得Ⅰ", r#"[{"count":3}]"#),
        ("低所得Ⅱ", r#"[{"count":3,"class":"low_income_long_stay"}]"#),
    ] {
        let (r, f) = meals(
            "1950-01-01",
            &format!(r#"{{"scheme":"kouki","income_class":"{class}"}}"#),
            meal,
            "2026-07-01",
        );
        assert!(r.is_none(), "{class}");
        assert_eq!(errors(&f), vec![copay::MEAL_AMOUNT_UNKNOWN], "{class}");
    }
    // The last day of the 2025-04 amounts.
    let (r, _) = meals(
        "1980-01-01",
        r#"{"scheme":"shaho","income_class":"ウ"}"#,
        r#"[{"count":3}]"#,
        "2026-05-31",
    );
    assert_eq!(r.unwrap().meals.unwrap().patient_yen, 1_530);
}

// ── 公費

#[test]
fn kekkaku_inpatient_11_pays_everything() {
    // 感染症法37条 (入院勧告): the 公費 pays the 一部負担金 (所得による徴収 0).
    let c = make(
        "1980-01-01",
        "inpatient",
        &format!(
            r#"{{"scheme":"kokuho","income_class":"ウ","public_funds":[{{"law_number":"11","payer_number":"{}","recipient_number":"1234566"}}]}}"#,
            payer("11")
        ),
        "",
        &["2024-07-01"],
    );
    let r = ok(&c, &[("2024-07-01", 10_000, "visits[0].items[0]")]);
    // 100,000 × 3割 = 30,000, all paid by the 公費; KO 入院 公費給付対象 一部負担金 30,000.
    assert_eq!((r.patient_yen, r.public_funds[0].pays_yen), (0, 30_000));
    assert_eq!(r.receipt.ko[0].inpatient_target_yen, Some(30_000));
    assert_eq!(r.receipt.ko[0].outpatient_target_yen, None);
}

#[test]
fn four_public_funds_chain_and_burden_code_9() {
    // 第1 10 結核 (5%), 第2 21 精神通院 (1割, 上限 5,000), 第3 54 難病 (2割, 上限 10,000),
    // 第4 12 生活保護: on a line covered by all four (負担区分 9): 一部負担金 30,000 (100,000 × 3割);
    // 10 leaves 5,000 (5%), 21 leaves min(5,000, 10,000) = 5,000, 54 leaves min(5,000, 20,000,
    // 10,000) = 5,000, 12 pays it: patient 0.
    let funds = format!(
        r#"[{{"law_number":"10",{P10}}},
        {{"law_number":"21","payer_number":"{}","recipient_number":"1234566","monthly_cap_yen":5000}},
        {{"law_number":"54",{P54},"monthly_cap_yen":10000}},
        {{"law_number":"12","payer_number":"{}","recipient_number":"1234566"}}]"#,
        payer("21"),
        payer("12")
    );
    let c = make(
        "1980-01-01",
        "outpatient",
        &format!(r#"{{"scheme":"shaho","income_class":"オ","public_funds":{funds}}}"#),
        "",
        &["2024-07-01"],
    );
    let r = ok(&c, &[("2024-07-01", 10_000, "visits[0].items[0]")]);
    assert_eq!(r.burden_kubun, vec!["9"]);
    assert_eq!(
        r.public_funds
            .iter()
            .map(|f| f.pays_yen)
            .collect::<Vec<_>>(),
        vec![25_000, 0, 0, 5_000]
    );
    assert_eq!(r.patient_yen, 0);
    assert_eq!(r.receipt.ko.len(), 4);
}

#[test]
fn nanbyo_under70_own_class_and_the_u_formula_setting() {
    // W-C10 事例2: 難病, 区分ア, 医療費 1,540,000: the own-区分 formula
    // 252,600 + (1,540,000 − 842,000) × 1% = 259,580 (the default, by 法別番号).
    let c = make(
        "1980-01-01",
        "outpatient",
        &format!(
            r#"{{"scheme":"shaho","income_class":"ア","public_funds":[{{"law_number":"54",{P54},"monthly_cap_yen":30000}}]}}"#
        ),
        "",
        &["2024-07-01"],
    );
    let lines = [("2024-07-01", 154_000, "visits[0].items[0]")];
    let r = ok(&c, &lines);
    assert_eq!(r.public_funds[0].target_yen, 259_580);
    assert_eq!(r.patient_yen, 30_000);
    // Setting UFormula: 80,100 + (1,540,000 − 267,000) × 1% = 92,830.
    let s = CopaySettings {
        under70_public_limit: Under70PublicLimit::UFormula,
        ..CopaySettings::DEFAULT
    };
    let (r, _) = run_with(&c, &lines, &s, &LocalSchemes::EMPTY);
    assert_eq!(r.unwrap().public_funds[0].target_yen, 92_830);
}

#[test]
fn local_schemes_from_a_file() {
    // A 地方単独 scheme file: the longest 負担者番号 prefix wins.
    let schemes = LocalSchemes::from_json(
        r#"[
          {"law_number":"88","name":"全国どこか","patient_percent":10},
          {"law_number":"88","payer_prefix":"8813","name":"東京都 子ども","patient_percent":0}
        ]"#
        .as_bytes(),
    )
    .unwrap();
    let c = make(
        "2016-01-10",
        "outpatient",
        &format!(
            r#"{{"scheme":"kokuho","income_class":"ウ","public_funds":[{{"law_number":"88","payer_number":"{}","recipient_number":"1234566"}}]}}"#,
            payer("88")
        ),
        "",
        &["2024-07-01"],
    );
    let (r, f) = run_with(
        &c,
        &[("2024-07-01", 1_000, "visits[0].items[0]")],
        &CopaySettings::DEFAULT,
        &schemes,
    );
    assert!(errors(&f).is_empty(), "{f:?}");
    let r = r.unwrap();
    assert_eq!(r.public_funds[0].name, "東京都 子ども");
    assert_eq!((r.patient_yen, r.public_funds[0].pays_yen), (0, 3_000));
    // Without the file, the same claim is refused.
    let (r, f) = run(&c, &[("2024-07-01", 1_000, "visits[0].items[0]")]);
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::UNKNOWN_FUND]);
}

// ── Settings and impossible input

#[test]
fn over70_without_class_from_rate_setting() {
    let c = make(
        "1952-03-10",
        "outpatient",
        r#"{"scheme":"kokuho","burden_percent":20}"#,
        "",
        &["2024-07-01"],
    );
    let lines = [("2024-07-01", 11_000, "visits[0].items[0]")];
    // Default: refused.
    let (r, f) = run(&c, &lines);
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::INCOME_CLASS_MISSING]);
    // FromRate: 2割 → 一般 (外来 18,000).
    let s = CopaySettings {
        missing_over70_class: MissingOver70Class::FromRate,
        ..CopaySettings::DEFAULT
    };
    let (r, _) = run_with(&c, &lines, &s, &LocalSchemes::EMPTY);
    assert_eq!(r.unwrap().patient_yen, 18_000);
}

// ── 高額療養費 見直し 2026-08-01 / 2027-08-01: MHLW 「高額療養費制度の見直しについて（令和8年8月診療分
//    から）」 https://www.mhlw.go.jp/content/001726232.pdf (amending 政令 not found). Check values
//    published with it (3割, 医療費 1,000,000円): 2026-08 標報30万 (ウ) 92,940, イ 183,130, ア 271,290;
//    2027-08 標報40万 104,830, 65万 197,920, 110万 303,000 (医療費 2,000,000: 312,900).

fn under70(class: &str, date: &str, pts: i64) -> (Option<Copay>, Vec<Finding>) {
    let c = make(
        "1980-01-01",
        "outpatient",
        &format!(r#"{{"scheme":"shaho","income_class":"{class}"}}"#),
        "",
        &[date],
    );
    run(&c, &[(date, pts, "visits[0].items[0]")])
}

#[test]
fn limits_from_2026_08() {
    // ウ: 85,800 + (1,000,000 − 286,000) × 1% = 85,800 + 7,140 = 92,940.
    let (r, f) = under70("ウ", "2026-09-01", 100_000);
    let r = r.expect("a copayment");
    assert_eq!((r.copay_before_limit_yen, r.copay_yen), (300_000, 92_940));
    assert_eq!(r.window_yen, 92_940);
    let c520 = f
        .iter()
        .find(|f| f.rule == copay::HIGH_COST_APPLIED)
        .unwrap();
    assert!(c520.message.contains("001726232.pdf"), "{}", c520.message);
    assert!(c520.message.contains("政令"), "{}", c520.message);
    assert!(!c520.message.contains("RULEBOOK"));
    // イ: 179,100 + (1,000,000 − 597,000) × 1% = 183,130; ア: 270,300 + 990 = 271,290.
    assert_eq!(
        under70("イ", "2026-08-01", 100_000).0.unwrap().copay_yen,
        183_130
    );
    assert_eq!(
        under70("ア", "2027-07-31", 100_000).0.unwrap().copay_yen,
        271_290
    );
    // エ 61,500, オ 36,900 (flat).
    assert_eq!(
        under70("エ", "2026-08-03", 30_000).0.unwrap().copay_yen,
        61_500
    );
    assert_eq!(
        under70("オ", "2026-08-03", 30_000).0.unwrap().copay_yen,
        36_900
    );
    // 1% part rounded half up (健保令42条): 85,800 + (286,050 − 286,000) × 1% = 85,800.5 → 85,801.
    assert_eq!(
        under70("ウ", "2026-08-03", 28_605).0.unwrap().copay_yen,
        85_801
    );
    // The day before: the 2015 table (80,100 + (1,000,000 − 267,000) × 1% = 87,430).
    assert_eq!(
        under70("ウ", "2026-07-31", 100_000).0.unwrap().copay_yen,
        87_430
    );
}

#[test]
fn over70_limits_from_2026_08() {
    let elder = |class: &str, setting: &str, date: &str, pts: i64| {
        let c = make(
            "1954-01-10",
            setting,
            &format!(r#"{{"scheme":"kokuho","income_class":"{class}"}}"#),
            "",
            &[date],
        );
        ok(&c, &[(date, pts, "visits[0].items[0]")])
    };
    // 一般 外来 2割: 150,000 × 2割 = 30,000 > 外来特例 22,000 (was 18,000).
    let r = elder("一般", "outpatient", "2026-09-01", 15_000);
    assert_eq!((r.copay_before_limit_yen, r.copay_yen), (30_000, 22_000));
    assert_eq!(
        elder("一般", "outpatient", "2026-07-31", 15_000).copay_yen,
        18_000
    );
    // 一般 入院: 世帯 61,500.
    assert_eq!(
        elder("一般", "inpatient", "2026-09-01", 50_000).copay_yen,
        61_500
    );
    // 低所得Ⅱ 外来 11,000, 入院 25,700; 低所得Ⅰ 外来 8,000, 入院 15,700.
    assert_eq!(
        elder("低所得Ⅱ", "outpatient", "2026-09-01", 15_000).copay_yen,
        11_000
    );
    assert_eq!(
        elder("低所得Ⅱ", "inpatient", "2026-09-01", 50_000).copay_yen,
        25_700
    );
    assert_eq!(
        elder("低所得Ⅰ", "outpatient", "2026-09-01", 15_000).copay_yen,
        8_000
    );
    assert_eq!(
        elder("低所得Ⅰ", "inpatient", "2026-09-01", 50_000).copay_yen,
        15_700
    );
    // 現役並みⅠ〜Ⅲ = ウ/イ/ア formulas: 1,000,000 → 92,940 / 183,130 / 271,290.
    assert_eq!(
        elder("現役並みⅠ", "inpatient", "2026-09-01", 100_000).copay_yen,
        92_940
    );
    assert_eq!(
        elder("現役並みⅡ", "inpatient", "2026-09-01", 100_000).copay_yen,
        183_130
    );
    assert_eq!(
        elder("現役並みⅢ", "inpatient", "2026-09-01", 100_000).copay_yen,
        271_290
    );
}

#[test]
fn thirteen_classes_from_2027_08() {
    // 標報40万 (36〜41万): 98,100 + (1,000,000 − 327,000) × 1% = 104,830.
    assert_eq!(
        under70("標報36〜41万", "2027-08-02", 100_000)
            .0
            .unwrap()
            .copay_yen,
        104_830
    );
    // 65万 (62〜68万): 194,400 + (1,000,000 − 648,000) × 1% = 197,920.
    assert_eq!(
        under70("標報62〜68万", "2027-08-02", 100_000)
            .0
            .unwrap()
            .copay_yen,
        197_920
    );
    // 110万 (103〜121万): limit 303,000 (医療費 below 1,010,000: 1% part 0), above the 3割 300,000,
    // so nothing is cut; 2,000,000 → 303,000 + 9,900 = 312,900 < 600,000.
    let r = under70("標報103〜121万", "2027-08-02", 100_000).0.unwrap();
    assert_eq!((r.copay_yen, r.high_cost_yen), (300_000, 0));
    assert_eq!(
        under70("標報103〜121万", "2027-08-02", 200_000)
            .0
            .unwrap()
            .copay_yen,
        312_900
    );
    // Other spellings of the band.
    assert_eq!(
        under70("標準報酬月額36万～41万円", "2027-08-02", 100_000)
            .0
            .unwrap()
            .copay_yen,
        104_830
    );
    // 15万以下: 61,500 flat; 住民税非課税 stays オ: 36,900.
    assert_eq!(
        under70("標報15万以下", "2027-09-01", 30_000)
            .0
            .unwrap()
            .copay_yen,
        61_500
    );
    assert_eq!(
        under70("オ", "2027-09-01", 30_000).0.unwrap().copay_yen,
        36_900
    );
    // The 特記事項 code of a band is not known: info finding, nothing written.
    let (r, f) = under70("標報36〜41万", "2027-08-02", 100_000);
    assert!(r.unwrap().receipt.special_notes.is_empty());
    assert!(f.iter().any(|f| f.rule == copay::SPECIAL_NOTE_UNKNOWN));
}

#[test]
fn five_classes_refused_from_2027_08() {
    // ウ splits into three from 2027-08-01: refused, the finding names the bands.
    let (r, f) = under70("ウ", "2027-08-02", 100_000);
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::CLASS_NOT_IN_FORCE]);
    let e = &f
        .iter()
        .find(|f| f.rule == copay::CLASS_NOT_IN_FORCE)
        .unwrap()
        .message;
    for band in ["標報44〜50万", "標報36〜41万", "標報28〜34万"] {
        assert!(e.contains(band), "{e}");
    }
    for class in ["ア", "イ", "エ"] {
        let (r, f) = under70(class, "2027-08-02", 100_000);
        assert!(r.is_none(), "{class}");
        assert_eq!(errors(&f), vec![copay::CLASS_NOT_IN_FORCE], "{class}");
    }
    // 70歳以上 from 2027-08-01: only the 外来特例 amounts are published.
    let c = make(
        "1954-01-10",
        "outpatient",
        r#"{"scheme":"kokuho","income_class":"一般"}"#,
        "",
        &["2027-08-02"],
    );
    let (r, f) = run(&c, &[("2027-08-02", 15_000, "visits[0].items[0]")]);
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::CLASS_NOT_IN_FORCE]);
    // A 公費 part under 70 capped with the ウ formula (結核 10) has no limit from 2027-08-01.
    let c = make(
        "1980-01-01",
        "outpatient",
        &format!(
            r#"{{"scheme":"shaho","income_class":"標報36〜41万","public_funds":[{{"law_number":"10",{P10}}}]}}"#
        ),
        "",
        &["2027-08-02"],
    );
    let (r, f) = run(&c, &[("2027-08-02", 1_000, "visits[0].items[0]")]);
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::CLASS_NOT_IN_FORCE]);
}

#[test]
fn tokutei_kyufu_part_uses_the_2026_08_u_row() {
    // 結核 (10) part under 70, 区分ア, 2026-09, 医療費 1,000,000: the part is capped with the ウ
    // formula in force (85,800 + 7,140 = 92,940; MHLW H27 事例14–31 for the rule, the 2026-08 row
    // for the amounts), the patient keeps 5% = 50,000, the 公費 pays 42,940.
    let c = make(
        "1980-01-01",
        "outpatient",
        &format!(
            r#"{{"scheme":"shaho","income_class":"ア","public_funds":[{{"law_number":"10",{P10}}}]}}"#
        ),
        "",
        &["2026-09-01"],
    );
    let r = ok(&c, &[("2026-09-01", 100_000, "visits[0].items[0]")]);
    assert_eq!(r.copay_yen, 92_940);
    assert_eq!(r.public_funds[0].pays_yen, 42_940);
    assert_eq!(r.patient_yen, 50_000);
}

#[test]
fn a_band_before_2027_08_is_its_five_class() {
    // 標報40万 on 2026-09 lies within ウ (28万〜50万): 92,940, 特記事項 28 区ウ.
    let (r, _) = under70("標報36〜41万", "2026-09-01", 100_000);
    let r = r.unwrap();
    assert_eq!(r.copay_yen, 92_940);
    assert_eq!(r.receipt.special_notes, vec!["28"]);
    // 標報15万以下 on 2026-09 is エ: 61,500.
    assert_eq!(
        under70("標報15万以下", "2026-09-01", 30_000)
            .0
            .unwrap()
            .copay_yen,
        61_500
    );
}

#[test]
fn marucho_20000_for_upper_bands() {
    // 人工透析 20,000円 for 上位所得 (標準報酬月額 53万円以上) only.
    let c = |class: &str| {
        make(
            "1980-01-01",
            "outpatient",
            &format!(
                r#"{{"scheme":"shaho","income_class":"{class}","specified_disease_cap_yen":20000}}"#
            ),
            "",
            &["2027-08-02"],
        )
    };
    let r = ok(
        &c("標報53〜59万"),
        &[("2027-08-02", 10_000, "visits[0].items[0]")],
    );
    assert_eq!(r.copay_yen, 20_000);
    let (r, f) = run(
        &c("標報44〜50万"),
        &[("2027-08-02", 10_000, "visits[0].items[0]")],
    );
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::SPECIFIED_DISEASE]);
}

#[test]
fn seiho_part_over70_uses_teishotoku1() {
    // MHLW H30 事例29 (高齢受給者入院・難病医療・生活保護), 低所得Ⅱ 2割: 難病 part 15,500点 → 31,000 >
    // 24,600 (own 区分) → 24,600; 生活保護 part 9,000点 → 18,000 > 15,000 (低所得Ⅰ) → 15,000.
    let ins = format!(
        r#"{{"scheme":"kokuho","income_class":"低所得Ⅱ","public_funds":[
            {{"law_number":"54",{P54},"monthly_cap_yen":0,"covers":["visits[0].items[0]"]}},
            {{"law_number":"12","payer_number":"{}","recipient_number":"1234566","covers":["visits[0].items[1]"]}}]}}"#,
        payer("12")
    );
    let c = claim(&format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1952-03-10","sex":"male"}},
        "setting":"inpatient","insurance":{ins},"visits":[{{"date":"2024-07-01","items":[]}}]}}"#
    ));
    let (r, f) = run(
        &c,
        &[
            ("2024-07-01", 15_500, "visits[0].items[0]"),
            ("2024-07-01", 9_000, "visits[0].items[1]"),
        ],
    );
    assert!(errors(&f).is_empty(), "{f:?}");
    let r = r.unwrap();
    assert_eq!(r.patient_yen, 0);
    assert_eq!(r.public_funds[0].target_yen, 24_600);
    assert_eq!(r.public_funds[1].target_yen, 15_000);
    assert!(f.iter().any(|f| f.rule == copay::SEIHO_ELDER_PART));
    // 事例30: 低所得Ⅰ: 生活保護 part 7,800点 → 15,600 → 15,000.
    let ins30 = ins.replace("低所得Ⅱ", "低所得Ⅰ");
    let c = claim(&format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1952-03-10","sex":"male"}},
        "setting":"inpatient","insurance":{ins30},"visits":[{{"date":"2024-07-01","items":[]}}]}}"#
    ));
    let r = ok(
        &c,
        &[
            ("2024-07-01", 9_600, "visits[0].items[0]"),
            ("2024-07-01", 7_800, "visits[0].items[1]"),
        ],
    );
    assert_eq!(r.public_funds[0].target_yen, 15_000);
    assert_eq!(r.public_funds[1].target_yen, 15_000);
    // From 2026-08-01 the 低所得Ⅰ row in force is used: 世帯 15,700 (事例29 amounts, 2026-09): the
    // 生活保護 part 18,000 → 15,700; the 難病 part 31,000 → 低所得Ⅱ 25,700.
    let ins_r8 = ins.clone();
    let c = claim(&format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1954-03-10","sex":"male"}},
        "setting":"inpatient","insurance":{ins_r8},"visits":[{{"date":"2026-09-01","items":[]}}]}}"#
    ));
    let r = ok(
        &c,
        &[
            ("2026-09-01", 15_500, "visits[0].items[0]"),
            ("2026-09-01", 9_000, "visits[0].items[1]"),
        ],
    );
    assert_eq!(r.public_funds[0].target_yen, 25_700);
    assert_eq!(r.public_funds[1].target_yen, 15_700);
    assert_eq!(r.patient_yen, 0);
}

#[test]
fn visits_straddling_the_75th_birthday_are_refused() {
    let c = make(
        "1949-07-15",
        "outpatient",
        r#"{"scheme":"kokuho","income_class":"一般"}"#,
        "",
        &["2024-07-10", "2024-07-20"],
    );
    let (r, f) = run(
        &c,
        &[
            ("2024-07-10", 127, "visits[0].items[0]"),
            ("2024-07-20", 127, "visits[1].items[0]"),
        ],
    );
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::SCHEME_AGE]);
}

#[test]
fn no_insurance_means_no_copay() {
    let c = claim(
        r#"{"format":"santei.claim/1","patient":{"birth_date":"1980-01-01","sex":"male"},
        "visits":[{"date":"2024-07-01","items":[]}]}"#,
    );
    let (r, f) = run(&c, &[("2024-07-01", 127, "visits[0].items[0]")]);
    assert!(r.is_none());
    assert!(f.iter().all(|f| f.severity == Severity::Info));
}

// ── Through the engine (demo data)

#[test]
fn engine_attaches_the_copay_and_serializes_it() {
    let engine = Engine::demo().unwrap();
    let r = engine
        .calculate_json(
            r#"{"format":"santei.claim/1","patient":{"birth_date":"1980-01-01","sex":"female"},
            "insurance":{"scheme":"shaho","income_class":"ウ"},
            "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"112007410"}]}]}"#
                .as_bytes(),
        )
        .unwrap();
    assert_eq!(r.total_points, 127);
    let c = r.copay.as_ref().expect("copay");
    // 1,270 × 3割 = 381 → 380.
    assert_eq!((c.patient_yen, c.window_yen), (381, 380));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["copay"]["window_yen"], 380);
    assert_eq!(json["copay"]["income_class"], "区分ウ");
    // Without insurance the field is absent.
    let r = engine
        .calculate_json(
            br#"{"format":"santei.claim/1","patient":{"birth_date":"1980-01-01","sex":"female"},
            "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"112007410"}]}]}"#,
        )
        .unwrap();
    assert!(serde_json::to_value(&r).unwrap().get("copay").is_none());
}

#[test]
fn unknown_insurance_field_is_still_an_error() {
    let e = Engine::parse_claim(
        br#"{"format":"santei.claim/1","patient":{"birth_date":"1980-01-01","sex":"female"},
        "insurance":{"scheme":"shaho","many_time":true},"visits":[]}"#,
    )
    .unwrap_err();
    assert!(e.message.contains("many_time"), "{e}");
}

#[test]
fn odd_input_is_refused_or_survived_without_panic() {
    // Lines of two months.
    let c = make(
        "1980-01-01",
        "outpatient",
        r#"{"scheme":"shaho"}"#,
        "",
        &["2024-07-31"],
    );
    let (r, f) = run(
        &c,
        &[
            ("2024-07-31", 127, "visits[0].items[0]"),
            ("2024-08-01", 127, "visits[0].items[1]"),
        ],
    );
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::LINES_MONTH]);
    // Absurd points saturate instead of overflowing.
    let (r, _) = run(&c, &[("2024-07-31", i64::MAX, "visits[0].items[0]")]);
    assert!(r.is_some());
    // A local scheme share above 100%.
    let c = make(
        "1980-01-01",
        "outpatient",
        &format!(
            r#"{{"scheme":"shaho","public_funds":[{{"law_number":"88","payer_number":"{}","recipient_number":"1234566","local":{{"patient_percent":150}}}}]}}"#,
            payer("88")
        ),
        "",
        &["2024-07-01"],
    );
    let (r, f) = run(&c, &[("2024-07-01", 127, "visits[0].items[0]")]);
    assert!(r.is_none());
    assert_eq!(errors(&f), vec![copay::UNKNOWN_FUND]);
}

/// 公費単独 (生活保護 法別12, no insurance): there is no 一部負担金, so each day's `copay_yen` is 0
/// like the month's; the 公費 pays the whole 医療費 (生活保護法15条, 52条).
#[test]
fn public_fund_only_days_have_no_insurance_copay() {
    let c = make(
        "1970-01-01",
        "outpatient",
        r#"{"public_funds":[{"law_number":"12","payer_number":"12136016","recipient_number":"1234567"}]}"#,
        "",
        &["2026-12-01", "2026-12-08"],
    );
    let cp = ok(
        &c,
        &[
            ("2026-12-01", 291, "visits[0].items[0]"),
            ("2026-12-08", 76, "visits[1].items[0]"),
        ],
    );
    assert_eq!(cp.copay_yen, 0);
    assert!(
        cp.visits.iter().all(|v| v.copay_yen == 0),
        "{:?}",
        cp.visits
    );
    assert_eq!(
        cp.visits
            .iter()
            .map(|v| v.public_yen[0])
            .collect::<Vec<_>>(),
        [2910, 760]
    );
    assert_eq!(cp.window_yen, 0);
}
