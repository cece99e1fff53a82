//! Dated data of the copayment: 高額療養費 限度額, the 合算 floor, the 後期 2割 配慮措置, マル長,
//! 入院時食事療養 標準負担額 and the national 公費 by 法別番号. Every row carries its validity and its
//! source; a change of the law (the 2026-08 高額療養費 見直し, a new 標準負担額) is a row added here,
//! not code. A date outside every row is reported, never filled in with a neighbouring value.

use santei_masters::Date;

const fn d(yyyymmdd: u32) -> Date {
    Date::from_yyyymmdd_const(yyyymmdd)
}

/// True when `date` is within `[from, until]`.
pub fn in_force(from: Date, until: Option<Date>, date: Date) -> bool {
    date >= from && until.is_none_or(|u| date <= u)
}

/// A monthly limit: `base + (医療費 − threshold) × 1%`, the 1% part counted from 0 when the
/// 医療費 is below the threshold and rounded to the yen (健保令42条1項: 五十銭未満切り捨て、五十銭以上
/// 切り上げ). `threshold: None` is a flat amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formula {
    pub base: i64,
    pub threshold: Option<i64>,
}

impl Formula {
    pub const fn flat(base: i64) -> Formula {
        Formula {
            base,
            threshold: None,
        }
    }
    pub const fn plus1(base: i64, threshold: i64) -> Formula {
        Formula {
            base,
            threshold: Some(threshold),
        }
    }
    /// The amount for a 医療費 (10割, yen): `base + max(医療費 − threshold, 0) × 1%`, the 1% part
    /// rounded to the yen half up (健保令42条1項: 五十銭未満切り捨て、五十銭以上切り上げ).
    pub fn amount(self, cost: rust_decimal::Decimal) -> rust_decimal::Decimal {
        use rust_decimal::Decimal;
        let mut v = Decimal::from(self.base);
        if let Some(t) = self.threshold {
            // A whole 医療費 (点数 × 10円, every claim's): the same 四捨五入 in integers.
            if let Some(c) = crate::copay::whole(cost) {
                return Decimal::from(self.amount_yen(c));
            }
            let over = (cost - Decimal::from(t)).max(Decimal::ZERO);
            v += Decimal::from(
                crate::rounding::Rounding::HalfUp.to_int(over / Decimal::ONE_HUNDRED),
            );
        }
        v
    }

    /// [`Formula::amount`] of a whole 医療費, in integers: the same 四捨五入 of the 1% (健保令42条1項:
    /// 五十銭未満切り捨て、五十銭以上切り上げ), exact since `over` is an integer ≥ 0: `(over + 50) / 100`.
    pub fn amount_yen(self, cost: i64) -> i64 {
        match self.threshold {
            Some(t) => {
                let over = cost.saturating_sub(t).max(0);
                self.base.saturating_add(over.saturating_add(50) / 100)
            }
            None => self.base,
        }
    }

    /// The formula of the 75歳到達月 特例: every amount halved, the 1% kept (健保令42条; MHLW
    /// H30 事例4: 現役並みⅡ 83,700 + (医療費 − 279,000) × 1%).
    pub const fn halved(self) -> Formula {
        Formula {
            base: self.base / 2,
            threshold: match self.threshold {
                Some(t) => Some(t / 2),
                None => None,
            },
        }
    }
}

mod funds;
mod limits;
mod meals;

pub use funds::*;
pub use limits::*;
pub use meals::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halved_formula() {
        let f = Formula::plus1(167_400, 558_000).halved();
        assert_eq!(f, Formula::plus1(83_700, 279_000));
    }

    /// The integer path of the 1% (whole 医療費) gives what the Decimal path gives.
    #[test]
    fn one_percent_rounded_half_up() {
        use rust_decimal::Decimal;
        let f = Formula::plus1(80_100, 267_000);
        assert_eq!(f.amount(Decimal::from(100_000)), Decimal::from(80_100));
        assert_eq!(f.amount(Decimal::from(1_000_000)), Decimal::from(87_430));
        // 1% of 733,050 = 7,330.5 → 7,331 (五十銭以上切り上げ); 733,049 → 7,330.
        assert_eq!(f.amount(Decimal::from(1_000_050)), Decimal::from(87_431));
        assert_eq!(f.amount(Decimal::from(1_000_049)), Decimal::from(87_430));
        for c in [0i64, 266_999, 267_049, 267_050, 500_149, 500_150, 1_234_567] {
            let by_decimal = Decimal::from(80_100)
                + Decimal::from(crate::rounding::Rounding::HalfUp.to_int(
                    (Decimal::from(c) - Decimal::from(267_000)).max(Decimal::ZERO)
                        / Decimal::ONE_HUNDRED,
                ));
            assert_eq!(f.amount(Decimal::from(c)), by_decimal, "{c}");
            assert_eq!(f.amount(Decimal::new(c * 10, 1)), by_decimal, "{c}.0");
        }
        assert_eq!(f.amount(Decimal::new(10_000_495, 1)), Decimal::from(87_430));
    }
}
