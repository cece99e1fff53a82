//! The numbers of the month. The month is written once over [`Amount`] and computed in [`Whole`]
//! (whole yen in an `i64`) when every value of it is provably whole yen within a bound
//! ([`Ctx::whole_yen`]), which is nearly every claim; else in `Decimal`, which keeps the half yen
//! of a 結核 5% share. Both give the same values, to the scale of the `Decimal`s the explanations
//! show (a whole `Decimal` of the month is scale 0: sums, differences, products and exact
//! quotients of scale-0 integers). Either way the points of the lines are summed in `i64`
//! (saturating, group.rs): a claim beyond about 9.2 × 10¹⁸ points is out of any real range,
//! and the claim engine refuses a line above 10¹⁰ points (MST-002) long before.

use std::ops::{Add, AddAssign, Sub, SubAssign};

use rust_decimal::Decimal;

use super::{Ctx, dec};
use crate::copay::tables::Formula;
use crate::copay::{round10, round10_whole};
use crate::rounding::Rounding;

/// An amount of yen of the month: what [`Ctx::month`] and the reports need of a number.
pub(super) trait Amount:
    Copy + Default + Ord + Add<Output = Self> + Sub<Output = Self> + AddAssign + SubAssign
{
    /// A whole number of yen.
    fn of_yen(v: i64) -> Self;
    /// 医療費 × 負担割合 (no rounding: the product is exact).
    fn rate_share(cost_yen: i64, rate_percent: i64) -> Self;
    /// `self × num / den`, unrounded.
    fn times_ratio(self, num: i64, den: i64) -> Self;
    /// 1円未満 四捨五入 ([`Rounding::HalfUp`]) of a 公費's monthly share (INFERRED, see
    /// `Ctx::month`).
    fn round_yen(self) -> Self;
    /// A 高額療養費 formula for this 医療費 ([`Formula::amount`]).
    fn limit(f: Formula, cost: Self) -> Self;
    /// The whole yen of an amount already whole (切り捨て, [`Rounding::Down`], drops nothing).
    fn yen(self) -> i64;
    /// 10円 四捨五入 of a payment (健保法75条).
    fn round10(self) -> i64;
    /// The amount as the explanations show it.
    fn decimal(self) -> Decimal;
}

impl Amount for Decimal {
    fn of_yen(v: i64) -> Self {
        dec(v)
    }

    /// The 医療費 is 点数 × 10円 and the 負担割合 10, 20 or 30%, so the product is whole yen and is
    /// computed in integers; any other product (not a multiple of 100 before the division) is left
    /// to Decimal, unrounded.
    fn rate_share(cost_yen: i64, rate_percent: i64) -> Self {
        match cost_yen.checked_mul(rate_percent) {
            Some(p) if p % 100 == 0 => dec(p / 100),
            _ => dec(cost_yen) * dec(rate_percent) / dec(100),
        }
    }

    fn times_ratio(self, num: i64, den: i64) -> Self {
        self * dec(num) / dec(den)
    }

    fn round_yen(self) -> Self {
        dec(Rounding::HalfUp.to_int(self))
    }

    fn limit(f: Formula, cost: Self) -> Self {
        f.amount(cost)
    }

    fn yen(self) -> i64 {
        // Integer division of the mantissa truncates toward zero, like Rounding::Down. A mantissa
        // within i64 (every amount of a claim) is divided in 64 bits, not with a 128-bit division.
        let (m, s) = (self.mantissa(), self.scale());
        if let (0, Ok(m)) = (s, i64::try_from(m)) {
            return m;
        }
        if let (Ok(m), true) = (i64::try_from(m), s <= 18) {
            return m / 10i64.pow(s);
        }
        let m = m / 10i128.pow(s);
        i64::try_from(m).unwrap_or(if m < 0 { i64::MIN } else { i64::MAX })
    }

    fn round10(self) -> i64 {
        round10(self)
    }

    fn decimal(self) -> Decimal {
        self
    }
}

/// Whole yen. Used only on a month that [`Ctx::whole_yen`] admitted: its points are bounded so
/// that no sum, difference or product of the month comes near `i64::MAX`, and its ratios
/// (負担割合, 配慮措置 10%, a 公費's ‰) divide exactly, so every value is the integer the `Decimal`
/// computation gives. The operations saturate as a last guard in a release build; a debug build
/// (the tests, the 5,760-claim comparison of whole_tests.rs) stops on an overflow or an inexact
/// division instead, so a gap in the admission cannot pass unseen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Whole(pub i64);

impl Add for Whole {
    type Output = Whole;
    fn add(self, o: Whole) -> Whole {
        debug_assert!(self.0.checked_add(o.0).is_some(), "{self:?} + {o:?}");
        Whole(self.0.saturating_add(o.0))
    }
}

impl Sub for Whole {
    type Output = Whole;
    fn sub(self, o: Whole) -> Whole {
        debug_assert!(self.0.checked_sub(o.0).is_some(), "{self:?} − {o:?}");
        Whole(self.0.saturating_sub(o.0))
    }
}

impl AddAssign for Whole {
    fn add_assign(&mut self, o: Whole) {
        *self = *self + o;
    }
}

impl SubAssign for Whole {
    fn sub_assign(&mut self, o: Whole) {
        *self = *self - o;
    }
}

/// `v × num / den` in whole yen, the division exact on an admitted month ([`Whole`]).
fn exact_ratio(v: i64, num: i64, den: i64) -> i64 {
    let p = v.checked_mul(num);
    debug_assert!(p.is_some_and(|p| p % den == 0), "{v} × {num} / {den}");
    p.unwrap_or(if (v < 0) != (num < 0) {
        i64::MIN
    } else {
        i64::MAX
    }) / den
}

impl Amount for Whole {
    fn of_yen(v: i64) -> Self {
        Whole(v)
    }

    /// Exact: [`Ctx::whole_yen`] admits only 負担割合 that are multiples of 10%, and the 医療費 is
    /// 点数 × 10円, so the product is a multiple of 100.
    fn rate_share(cost_yen: i64, rate_percent: i64) -> Self {
        Whole(exact_ratio(cost_yen, rate_percent, 100))
    }

    /// Exact on an admitted month (its ratios divide the 医療費 it multiplies, see [`Whole`]).
    fn times_ratio(self, num: i64, den: i64) -> Self {
        Whole(exact_ratio(self.0, num, den))
    }

    /// Whole yen already: the 四捨五入 keeps the value.
    fn round_yen(self) -> Self {
        self
    }

    fn limit(f: Formula, cost: Self) -> Self {
        Whole(f.amount_yen(cost.0))
    }

    fn yen(self) -> i64 {
        self.0
    }

    fn round10(self) -> i64 {
        round10_whole(self.0)
    }

    fn decimal(self) -> Decimal {
        dec(self.0)
    }
}

impl Ctx<'_> {
    /// Whether the month can be computed in [`Whole`] yen:
    /// - Σ |points| of the lines (`abs_points`) within 10¹², so is every sum of them: the 医療費
    ///   within 10¹³円, and the largest product of the month, 医療費 × a 公費's ‰, within 10¹⁶ —
    ///   far below `i64::MAX` (≈ 9.2 × 10¹⁸); 10¹² is a margin chosen here (about a million times
    ///   any real month), not a figure of the law;
    /// - a 負担割合 that is a multiple of 10% (医療費 × 割合 is then a multiple of 100);
    /// - 公費 shares in whole 10% (‰ a multiple of 100: 医療費 × ‰ / 1000 whole; a 結核 5% share
    ///   has half yen), caps and per-visit amounts within u32;
    /// - a 配慮措置 term whose threshold and % are multiples of 10 (its 10% of (医療費 −
    ///   threshold) whole).
    pub(super) fn whole_yen(&self, abs_points: i64) -> bool {
        const MAX_POINTS: i64 = 1_000_000_000_000;
        let bounded = abs_points <= MAX_POINTS;
        let rate = (0..=100).contains(&self.rate_percent) && self.rate_percent % 10 == 0;
        let funds = self.funds.iter().all(|f| {
            f.permille
                .is_none_or(|p| (0..=1000).contains(&p) && p % 100 == 0)
                && f.cap
                    .is_none_or(|c| c.unsigned_abs() <= u64::from(u32::MAX))
                && f.per_visit
                    .is_none_or(|v| v.unsigned_abs() <= u64::from(u32::MAX))
        });
        let hairyo = self.rates.hairyo.is_none_or(|h| {
            h.threshold % 10 == 0 && h.percent % 10 == 0 && (0..=100).contains(&h.percent)
        });
        let marucho = self
            .rates
            .marucho
            .is_none_or(|m| m.unsigned_abs() <= u64::from(u32::MAX));
        bounded && rate && funds && hairyo && marucho
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The integer operations give plain Decimal arithmetic on the values an admitted month has
    /// (the Decimal impl takes integer shortcuts of its own, so it is not the reference).
    #[test]
    fn whole_operations_match_decimal_arithmetic() {
        let hundred = Decimal::ONE_HUNDRED;
        for cost in [0i64, 10, 6_410, 36_410, 1_000_050, 12_345_670] {
            for rate in [10, 20, 30, 100] {
                let plain = dec(cost) * dec(rate) / hundred;
                assert_eq!(
                    Whole::rate_share(cost, rate).decimal(),
                    plain,
                    "{cost} × {rate}%"
                );
                let d = <Decimal as Amount>::rate_share(cost, rate);
                assert_eq!((d, d.scale()), (plain, 0), "{cost} × {rate}%");
            }
            for (num, den) in [(0, 1000), (100, 1000), (200, 1000), (1000, 1000), (10, 100)] {
                let plain = dec(cost) * dec(num) / dec(den);
                let w = Whole(cost).times_ratio(num, den);
                assert_eq!(w.decimal(), plain, "{cost} × {num}/{den}");
                assert_eq!(w.round_yen().decimal(), dec(Rounding::HalfUp.to_int(plain)));
            }
            // 80,100 + (医療費 − 267,000) × 1%, the 1% 四捨五入 to the yen (健保令42条1項).
            let f = Formula::plus1(80_100, 267_000);
            let over = (dec(cost) - dec(267_000)).max(Decimal::ZERO);
            let plain = dec(80_100 + Rounding::HalfUp.to_int(over / hundred));
            assert_eq!(Whole::limit(f, Whole(cost)).decimal(), plain, "{cost}");
            // 10円 四捨五入 (健保法75条): 5円未満 切り捨て, 5円以上 切り上げ.
            let n = cost + 5;
            let plain = Rounding::HalfUp.to_int(dec(n) / Decimal::TEN) * 10;
            assert_eq!(Whole(n).round10(), plain, "{n}");
            assert_eq!(Whole(-cost).yen(), -cost);
        }
    }

    /// An inexact division or an overflow in whole yen stops a debug build: the admission of
    /// [`Ctx::whole_yen`] must keep the month away from both.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic]
    fn an_inexact_share_stops_a_debug_build() {
        let _ = Whole(6_410).times_ratio(50, 1000);
    }

    #[test]
    fn decimal_yen_truncates() {
        assert_eq!(Decimal::new(19235, 1).yen(), 1923);
        assert_eq!(Decimal::new(-19235, 1).yen(), -1923);
        assert_eq!(Decimal::MAX.yen(), i64::MAX);
    }
}
