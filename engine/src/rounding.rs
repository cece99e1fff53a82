//! The named roundings of the 点数表. Every rounding in santei goes through one of these, so each
//! number's explanation can say which one produced it.

use rust_decimal::{Decimal, RoundingStrategy};

/// A rounding rule with its Japanese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// 四捨五入: half away from zero (x.5 → up).
    HalfUp,
    /// 五捨五超入: exactly x.5 rounds down, anything above rounds up (薬剤料, F200/G100).
    HalfDown,
    /// 切り捨て
    Down,
    /// 切り上げ
    Up,
}

impl Rounding {
    pub fn japanese(self) -> &'static str {
        match self {
            Rounding::HalfUp => "四捨五入",
            Rounding::HalfDown => "五捨五超入",
            Rounding::Down => "切り捨て",
            Rounding::Up => "切り上げ",
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfDown => RoundingStrategy::MidpointTowardZero,
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
        }
    }

    /// Rounds to an integer. Values beyond i64 saturate (no claim comes near).
    pub fn to_int(self, v: Decimal) -> i64 {
        let r = v.round_dp_with_strategy(0, self.strategy());
        i64::try_from(r).unwrap_or(if r.is_sign_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
    }
}

/// 薬剤料 of one unit: kept here for the public API; the pricing library holds it.
pub use crate::price::drug_points;

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn half_up_and_others() {
        assert_eq!(Rounding::HalfUp.to_int(d("76.5")), 77);
        assert_eq!(Rounding::HalfUp.to_int(d("76.49")), 76);
        assert_eq!(Rounding::HalfDown.to_int(d("2.5")), 2);
        assert_eq!(Rounding::Down.to_int(d("2.99")), 2);
        assert_eq!(Rounding::Up.to_int(d("2.01")), 3);
    }
}
