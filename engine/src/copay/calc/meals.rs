//! 入院時食事療養 標準負担額 of the claim's meals, and the 生活療養標準負担額 of 生活療養 meals
//! (computed by the engine from the masters, crate::meals::living).

use super::*;
use crate::meals::living::{LivingStandard, LivingTotals};

/// The 生活療養標準負担額 of a 区分, or why it is not known.
pub(super) fn living_of(t: &LivingTotals, c: MealClass) -> Result<&LivingStandard, String> {
    match t.iter().find(|(k, _)| *k == c) {
        Some((_, Ok(s))) => Ok(s),
        Some((_, Err(e))) => Err(e.clone()),
        None => Err(format!(
            "santei decides the 生活療養標準負担額 of 一般, 低所得Ⅱ and 低所得Ⅰ (医療区分1), not of {}",
            meal_class_name(c)
        )),
    }
}

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
    explain_on: bool,
) -> (MealCopay, Option<i64>) {
    let derived = meal_class(rates, funds);
    // Every 区分 used was checked in `run` (CPY-526), so a missing amount cannot reach here.
    let per = |c: MealClass| row.amount(c).unwrap_or(0);
    let mut count = 0u32;
    let mut standard_total = 0i64;
    let mut cost_total = Some(0i64);
    let mut class = derived;
    let mut living: Option<&LivingStandard> = None;
    for m in &claim.meals {
        let c = m.class.unwrap_or(derived);
        class = c;
        // A 生活療養 month: checked in `run` (CPY-529), so its 区分 has an amount.
        let l = m.living.as_ref().and_then(|t| living_of(t, c).ok());
        living = living.or(l);
        count += l.map_or(m.count, |l| l.count);
        standard_total += l.map_or(per(c) * i64::from(m.count), LivingStandard::total);
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
    let mut explain = match living {
        _ if !explain_on => Vec::new(),
        None => vec![Explanation::MealStandard {
            count,
            per_meal: per(class),
            class: meal_class_name(class),
            total: standard_total,
            patient: rest,
            citation: row.citation,
        }],
        Some(l) => {
            let mut e = l.explain.clone();
            e.push(Explanation::LivingStandard {
                class: meal_class_name(class),
                food: l.food_yen,
                env: l.env_yen,
                total: standard_total,
                patient: rest,
                citation: crate::meals::living::CITE,
            });
            e
        }
    };
    let cost_total = cost_total.filter(|_| !claim.meals.is_empty());
    let ho_total = cost_total.map(|c| c - standard_total);
    if let (true, Some(c), Some(b)) = (explain_on, cost_total, ho_total) {
        explain.push(Explanation::MealBenefit {
            living: living.is_some(),
            cost: c,
            standard: standard_total,
            benefit: b,
        });
    }
    (
        MealCopay {
            count,
            class,
            // 生活療養: the 食費 of one meal when every meal has the same (else 0; the explanation
            // lists the rows).
            standard_yen: match living {
                None => per(class),
                Some(l) if l.count > 0 && l.food_yen % i64::from(l.count) == 0 => {
                    l.food_yen / i64::from(l.count)
                }
                Some(_) => 0,
            },
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
