//! 入院時食事療養 標準負担額.

use santei_masters::Date;

use super::{d, in_force};

/// 入院時食事療養 標準負担額 (円/食) by 区分. `None`: the amount of that 区分 for the period is not
/// known to santei, and a meal of that 区分 is refused with a finding (CPY-526) naming what is missing.
#[derive(Debug, Clone, Copy)]
pub struct MealRow {
    pub from: Date,
    pub until: Option<Date>,
    pub general: Option<i64>,
    pub nanbyo: Option<i64>,
    pub low_income: Option<i64>,
    pub low_income_long_stay: Option<i64>,
    pub low_income1: Option<i64>,
    pub citation: &'static str,
}

/// 2026-06-01 (令和8年度改定): the 食事療養 基準額 rose by 40円/食 ((Ⅰ) 690 → 730円), and the patient's
/// 標準負担額 with it, but no 告示 or MHLW notice of the new 標準負担額 was found in the public corpora
/// searched (pages, docs, issues, code; 2026-12): only press reports of the 基準額 (e.g. 福島民友
/// 2025-12-03 https://www.minyu-net.com/newspack/detail/2025120301001251: "40円のうち患者負担分と
/// 公的医療保険給付分の内訳は、別の会議で決定する"). The 一般 amount reported elsewhere as 550円 has no
/// primary source either, so every 区分 is unknown from 2026-06-01 and the 2025 amounts are not reused.
const MEALS_2026_MISSING: &str = "食事療養標準負担額 from 2026-06-01 (令和8年度改定, 基準額 730円/食): the amending 告示 (入院時食事療養費に係る食事療養標準負担額 / 健保法施行規則) was not found; the 2025-04 amounts no longer apply";

pub static MEALS: &[MealRow] = &[
    MealRow {
        from: d(20180401),
        until: Some(d(20240531)),
        general: Some(460),
        nanbyo: Some(260),
        low_income: Some(210),
        low_income_long_stay: Some(160),
        low_income1: Some(100),
        citation: "入院時食事療養費に係る食事療養標準負担額 (平成30年4月〜令和6年5月)",
    },
    MealRow {
        from: d(20240601),
        until: Some(d(20250331)),
        general: Some(490),
        nanbyo: Some(280),
        low_income: Some(230),
        low_income_long_stay: Some(180),
        low_income1: Some(110),
        citation: "食事療養標準負担額 (令和6年6月1日〜; 令和6年厚生労働省告示)",
    },
    MealRow {
        from: d(20250401),
        until: Some(d(20260531)),
        general: Some(510),
        nanbyo: Some(300),
        low_income: Some(240),
        low_income_long_stay: Some(190),
        low_income1: Some(110),
        citation: "食事療養標準負担額 (令和7年4月1日〜; 健保法85条2項, 健保則58条, 令和7年厚生労働省告示第64号)",
    },
    MealRow {
        from: d(20260601),
        until: None,
        general: None,
        nanbyo: None,
        low_income: None,
        low_income_long_stay: None,
        low_income1: None,
        citation: MEALS_2026_MISSING,
    },
];

impl MealRow {
    /// The 標準負担額 of a 区分 (`None`: not known for this period).
    pub fn amount(&self, class: crate::claim::MealClass) -> Option<i64> {
        use crate::claim::MealClass as C;
        match class {
            C::General => self.general,
            C::Nanbyo => self.nanbyo,
            C::LowIncome => self.low_income,
            C::LowIncomeLongStay => self.low_income_long_stay,
            C::LowIncome1 => self.low_income1,
        }
    }
}

pub fn meals(date: Date) -> Option<&'static MealRow> {
    MEALS.iter().find(|m| in_force(m.from, m.until, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meals_from_2026_06_are_unknown() {
        let row = meals(d(20260601)).unwrap();
        use crate::claim::MealClass as C;
        for c in [
            C::General,
            C::Nanbyo,
            C::LowIncome,
            C::LowIncomeLongStay,
            C::LowIncome1,
        ] {
            assert_eq!(row.amount(c), None);
            assert_eq!(meals(d(20260531)).unwrap().amount(C::General), Some(510));
        }
    }
}
