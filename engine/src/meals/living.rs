//! 入院時生活療養 標準負担額 (健康保険法 第85条の2 第2項: 生活療養標準負担額, the patient's share of
//! the 生活療養): 食費 (食事の提供たる療養, 1食につき) × the meals served + 居住費 (温度、照明及び給水
//! に関する適切な療養環境の形成たる療養, 1日につき) on each day `stay.meals` lists with a 生活療養
//! kind. The 告示 of the amounts (生活療養標準負担額, 平成18年厚生労働省告示) is not in ../shared:
//! each amount is the 医科診療行為マスター row of the day (r06 s_ALL20240531, 点数識別 1 金額, 円), so
//! the change files apply by date and masters without the row refuse the month.
//!
//! Decided here, for 医療区分1 (`stay.iryo_kubun` 1): 一般 (生活療養(Ⅰ) 197002010, (Ⅱ) 197002110),
//! 低所得Ⅱ・住民税非課税 (197002210) and 低所得Ⅰ (197002310), each with 居住費 197001910. Not
//! decided (the copayment refuses them with CPY-529): 医療区分2・3 (rows 197002810–197003010,
//! 197003810), 指定難病 (居住費 0), the 90日超 reduction, and a month that mixes 食事療養 and 生活療養
//! meals. Simplified (said in docs/CLAIM_FORMAT.md): 低所得Ⅰ is taken without 老齢福祉年金 (its
//! row 197002510 110円 and 居住費 0 need a fact the claim does not carry).

use santei_masters::Date;

use super::{MealClass, MealKind};
use crate::claim::Stay;

/// 居住費: 生活療養環境療養標準負担額 (1日につき).
pub const ENV_CODE: u32 = 197_001_910;
const ENV_NAME: &str = "生活療養環境療養標準負担額";

pub const CITE: &str = "健康保険法 第85条の2 第2項 (生活療養標準負担額: 食費 + 居住費; 告示 not in ../shared: the amounts are the 医科診療行為マスター rows 1970xxxxx of each day, 項番12 新又は現点数, 点数識別 1 金額)";

/// The 食費 row (1食につき) of a 生活療養 kind and 区分, for 医療区分1 (r06 s_ALL20240531 names);
/// `None`: a 区分 santei does not decide.
pub fn food_row(kind: MealKind, class: MealClass) -> Option<(u32, &'static str)> {
    Some(match (class, kind) {
        (MealClass::General, MealKind::LivingI) => {
            (197_002_010, "生活療養（１）食事療養標準負担額（一般）")
        }
        (MealClass::General, MealKind::LivingII) => {
            (197_002_110, "生活療養（２）食事療養標準負担額（一般）")
        }
        (MealClass::LowIncome, _) => (197_002_210, "生活療養食事療養標準負担額（低２）"),
        (MealClass::LowIncome1, _) => (197_002_310, "生活療養食事療養標準負担額（低１）"),
        _ => return None,
    })
}

/// The 生活療養標準負担額 of the month for one 区分.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivingStandard {
    /// 食数.
    pub count: u32,
    /// Σ 食費 (円).
    pub food_yen: i64,
    /// Days with a 居住費.
    pub env_days: u32,
    /// Σ 居住費 (円).
    pub env_yen: i64,
    /// One explanation per row and amount: code, name, 円 × n = total.
    pub explain: Vec<crate::Explanation>,
}

impl LivingStandard {
    pub fn total(&self) -> i64 {
        self.food_yen + self.env_yen
    }
}

/// Per 区分 santei decides: the month's 生活療養標準負担額, or why it is not known.
pub type LivingTotals = Vec<(MealClass, Result<LivingStandard, String>)>;

/// The 区分 [`food_row`] decides.
pub const CLASSES: [MealClass; 3] = [
    MealClass::General,
    MealClass::LowIncome,
    MealClass::LowIncome1,
];

/// [`standard`] for every 区分 of [`CLASSES`].
pub fn totals(s: &Stay, yen: &dyn Fn(u32, Date) -> Option<i64>) -> LivingTotals {
    CLASSES.iter().map(|&c| (c, standard(s, c, yen))).collect()
}

/// The 生活療養標準負担額 of the 生活療養 entries of `s` for `class`: per day, the 食費 row of the
/// day × the meals + the 居住費 row of the day once per day listed. `yen(code, date)`: the
/// master's 金額 of the code on the date. `Err`: a 区分 not decided, or a row the masters lack.
pub fn standard(
    s: &Stay,
    class: MealClass,
    yen: &dyn Fn(u32, Date) -> Option<i64>,
) -> Result<LivingStandard, String> {
    let mut out = LivingStandard {
        count: 0,
        food_yen: 0,
        env_days: 0,
        env_yen: 0,
        explain: Vec::new(),
    };
    // (code, name, 円) → n, in first-seen order.
    let mut rows: Vec<(u32, &'static str, i64, u32)> = Vec::new();
    let mut add = |code: u32, name: &'static str, y: i64, n: u32| match rows
        .iter_mut()
        .find(|r| r.0 == code && r.2 == y)
    {
        Some(r) => r.3 += n,
        None => rows.push((code, name, y, n)),
    };
    let mut env_days: Vec<Date> = Vec::new();
    for m in s.meals.iter().filter(|m| m.kind.living()) {
        let (code, name) = food_row(m.kind, class).ok_or_else(|| {
            format!(
                "no 生活療養標準負担額 row for {} in santei (decided: 一般, 低所得Ⅱ, 低所得Ⅰ, 医療区分1)",
                super::MealKind::name(m.kind)
            )
        })?;
        for date in m.days() {
            let food = yen(code, date)
                .ok_or_else(|| format!("{code:09} {name}: no row in the masters of {date}"))?;
            out.count += m.count;
            out.food_yen += food * i64::from(m.count);
            add(code, name, food, m.count);
            if !env_days.contains(&date) {
                env_days.push(date);
                let env = yen(ENV_CODE, date).ok_or_else(|| {
                    format!("{ENV_CODE:09} {ENV_NAME}: no row in the masters of {date}")
                })?;
                out.env_days += 1;
                out.env_yen += env;
                add(ENV_CODE, ENV_NAME, env, 1);
            }
        }
    }
    out.explain = rows
        .iter()
        .map(|&(code, name, yen, count)| crate::Explanation::LivingRow {
            code,
            name,
            yen,
            count,
            per_day: code == ENV_CODE,
        })
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meals::MealDay;

    fn d(n: u32) -> Date {
        Date::from_ymd(n / 10000, (n / 100) % 100, n % 100).unwrap()
    }

    fn stay(meals: Vec<MealDay>) -> Stay {
        serde_json::from_value(serde_json::json!({
            "wards": [{"from": "2024-07-01", "fee": "190000000"}]
        }))
        .map(|mut s: Stay| {
            s.meals = meals;
            s
        })
        .unwrap()
    }

    fn day(on: u32, until: u32, count: u32, kind: MealKind) -> MealDay {
        MealDay {
            on: d(on),
            until: Some(d(until)),
            count,
            kind,
            liquid: false,
            special: 0,
            dining: false,
        }
    }

    /// The r06 amounts (s_ALL20240531: 197002010 490, 197002110 450, 197002210 230,
    /// 197002310 140, 197001910 370).
    fn r06(code: u32, _: Date) -> Option<i64> {
        match code {
            197_002_010 => Some(490),
            197_002_110 => Some(450),
            197_002_210 => Some(230),
            197_002_310 => Some(140),
            ENV_CODE => Some(370),
            _ => None,
        }
    }

    #[test]
    fn food_per_meal_and_env_per_day() {
        let s = stay(vec![day(20240701, 20240710, 3, MealKind::LivingI)]);
        let g = standard(&s, MealClass::General, &r06).unwrap();
        // 30食 × 490 + 10日 × 370 = 14,700 + 3,700.
        assert_eq!(
            (g.count, g.food_yen, g.env_days, g.env_yen),
            (30, 14_700, 10, 3_700)
        );
        assert_eq!(g.total(), 18_400);
        let l1 = standard(&s, MealClass::LowIncome1, &r06).unwrap();
        assert_eq!(l1.total(), 30 * 140 + 10 * 370);
        let s2 = stay(vec![day(20240701, 20240702, 2, MealKind::LivingII)]);
        assert_eq!(
            standard(&s2, MealClass::General, &r06).unwrap().total(),
            4 * 450 + 2 * 370
        );
    }

    #[test]
    fn undecided_class_and_missing_row_are_errors() {
        let s = stay(vec![day(20240701, 20240701, 3, MealKind::LivingI)]);
        assert!(standard(&s, MealClass::Nanbyo, &r06).is_err());
        let none = |_: u32, _: Date| None;
        let e = standard(&s, MealClass::General, &none).unwrap_err();
        assert!(e.contains("197002010"), "{e}");
    }
}
