//! 入院時食事療養 標準負担額 of the claim's meals.

use super::*;

/// The 標準負担額 区分 of a claim's meals when the claim gives none.
/// The low-income classes come first: the 指定難病・小児慢性 amount is the reduced amount of a
/// 課税世帯 (`MealClass::Nanbyo`); a 住民税非課税 patient with such a 公費 pays the 低所得 amount, which
/// is lower (健保法施行規則 / the 食事療養標準負担額 告示: 230円 (2024-06) against 280円 for 難病).
pub(super) fn meal_class(rates: &Rates, funds: &[Fund]) -> MealClass {
    match rates.class {
        Some(IncomeClass::Teishotoku1) => MealClass::LowIncome1,
        Some(IncomeClass::Teishotoku2 | IncomeClass::O) => MealClass::LowIncome,
        _ if funds.iter().any(|f| f.law == "54" || f.law == "52") => MealClass::Nanbyo,
        _ => MealClass::General,
    }
}

pub(super) fn meal_class_name(c: MealClass) -> &'static str {
    match c {
        MealClass::General => "一般",
        MealClass::Nanbyo => "指定難病・小児慢性",
        MealClass::LowIncome => "住民税非課税・低所得Ⅱ",
        MealClass::LowIncomeLongStay => "住民税非課税・低所得Ⅱ 90日超",
        MealClass::LowIncome1 => "低所得Ⅰ",
    }
}

/// 入院時食事療養 標準負担額 of the month, and the HO 食事 合計金額 when the cost is given.
pub(super) fn meals(
    claim: &Claim,
    rates: &Rates,
    funds: &[Fund],
    row: &tables::MealRow,
) -> (MealCopay, Option<i64>) {
    let derived = meal_class(rates, funds);
    // Every 区分 used was checked in `run` (C526), so a missing amount cannot reach here.
    let per = |c: MealClass| row.amount(c).unwrap_or(0);
    let mut count = 0u32;
    let mut standard_total = 0i64;
    let mut cost_total = Some(0i64);
    let mut class = derived;
    for m in &claim.meals {
        let c = m.class.unwrap_or(derived);
        class = c;
        count += m.count;
        standard_total += per(c) * i64::from(m.count);
        cost_total = cost_total.and_then(|t| m.cost_yen.map(|y| t + i64::from(y)));
    }
    let mut rest = standard_total;
    let mut public_yen = vec![0i64; funds.len()];
    for (k, f) in funds.iter().enumerate() {
        let pays = match f.meals {
            MealCover::None => 0,
            MealCover::Full => rest,
            MealCover::Half => rest / 2,
        };
        public_yen[k] = pays;
        rest -= pays;
    }
    let mut explain = vec![format!(
        "{count}食 × 標準負担額 {}円 ({}) = {standard_total}円; the patient pays {rest}円 (not part of the 一部負担金 nor of 高額療養費; {})",
        per(class),
        meal_class_name(class),
        row.citation
    )];
    let cost_total = cost_total.filter(|_| !claim.meals.is_empty());
    let ho_total = cost_total.map(|c| c - standard_total);
    if let (Some(c), Some(b)) = (cost_total, ho_total) {
        explain.push(format!(
            "入院時食事療養費 (保険者): 費用 {c}円 − 標準負担額 {standard_total}円 = {b}円 (健保法85条2項; UKE HO 食事・生活療養 合計金額)"
        ));
    }
    (
        MealCopay {
            count,
            class,
            standard_yen: per(class),
            standard_total_yen: standard_total,
            cost_yen: cost_total,
            benefit_yen: ho_total,
            patient_yen: rest,
            public_yen,
            explain,
        },
        ho_total,
    )
}
