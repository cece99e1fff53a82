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

/// 薬剤料 of one unit (1剤1日分, 1回分, 1調剤): `yen` ≤ 15円 → `floor_points` (1点 in 投薬・注射,
/// 0点 in 処置・検査・画像 …); above, 五捨五超入 of yen/10 (告示 F200, G100; RULEBOOK §1.3).
pub fn drug_points(yen: Decimal, floor_points: i64) -> i64 {
    if yen <= Decimal::from(15) {
        floor_points
    } else {
        Rounding::HalfDown.to_int(yen / Decimal::from(10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn gosha_gochonyu_examples_from_the_rulebook() {
        // RULEBOOK §1.3: 25円 → 2点, 25.01円 → 3点, 35円 → 3点, 85円 → 8点, 155.1円 → 16点; ≤15円 → 1点.
        for (yen, pts) in [
            ("25", 2),
            ("25.01", 3),
            ("35", 3),
            ("85", 8),
            ("155.1", 16),
            ("15", 1),
            ("15.01", 2),
            ("3.5", 1),
        ] {
            assert_eq!(drug_points(d(yen), 1), pts, "{yen}");
        }
        assert_eq!(drug_points(d("14.9"), 0), 0);
        assert_eq!(drug_points(d("16"), 0), 2);
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
