//! 薬剤料: 薬価 × 使用量 of a 剤 (1剤1日分, 1回分, 1調剤) to points.

use rust_decimal::Decimal;

use crate::masters::{Drug, Fixed2};
use crate::rounding::Rounding;

/// 薬価 × 使用量 of one drug of a 剤, and `sum` plus it: `None` when the input is so large that
/// it overflows (the 剤 cannot be right).
pub fn drug_yen(d: &Drug, amount: Decimal, sum: Decimal) -> Option<(Decimal, Decimal)> {
    let sub = d.price.to_decimal().checked_mul(amount)?;
    Some((sub, sum.checked_add(sub)?))
}

/// 15円: a 剤 of this 薬価 or less takes the floor points ([`drug_floor`]); above it, 1点 per 10円
/// or its fraction (告示 F200 薬剤, G100 薬剤: 「薬価が15円以下である場合は1点」「15円を超える場合は
/// 10円又はその端数を増すごとに1点」).
pub const FLOOR_YEN: i64 = 15;

/// 薬剤料 of one unit (1剤1日分, 1回分, 1調剤): `yen` ≤ 15円 → `floor_points` (see [`drug_floor`]);
/// above, 五捨五超入 of yen/10 (告示 F200 薬剤, G100 薬剤: 「15円を超える場合は10円又はその端数を
/// 増すごとに1点」, read as 五捨五超入 of yen/10 as the 支払基金 計算例 do: 25円 → 2点, 25.01円 → 3点).
pub fn drug_points(yen: Decimal, floor_points: i64) -> i64 {
    if yen <= Decimal::from(FLOOR_YEN) {
        floor_points
    } else {
        // yen/10 as the same mantissa with one decimal place more: the same value, without a
        // Decimal division. Above 15 the value has at most 27 places (a Decimal's mantissa is
        // below 7.93 × 10²⁸), so the shift cannot fail; the division stays for safety. UKE
        // recalculation: 845 → 730 instructions per receipt in drug_points (callgrind).
        let mut tenth = yen;
        if tenth.set_scale(yen.scale() + 1).is_err() {
            tenth = yen / Decimal::from(10);
        }
        Rounding::HalfDown.to_int(tenth)
    }
}

/// [`drug_points`] of 薬価 × 使用量 for a 剤 of one drug, computed in integers when the 薬価 (in
/// hundredths of a yen) and the 使用量 (mantissa and scale) are small; `None` otherwise (the caller
/// takes the Decimal path, [`drug_yen`] and [`drug_points`]). The same rule, the same result: the
/// UKE recalculation checks its one-drug lines with it (about 1,000 instructions per receipt less
/// than the Decimal path with the rest of its fast path, callgrind of `santei recalc`).
///
/// With |薬価| < 2⁴⁰ hundredths, |mantissa| < 2²⁰ and scale ≤ 8, 薬価 × mantissa = n is below 2⁶⁰,
/// so the Decimal product of [`drug_yen`] is exact (no rounding of its 96-bit mantissa) and
/// equals n / 10^(2 + scale) yen. ≤ 15円 is n ≤ 15 × 10^(2 + scale); above, yen/10 rounded
/// 五捨五超入 (positive: up only when the remainder is more than half) is the quotient of n by
/// 10^(3 + scale), plus one when twice the remainder exceeds the divisor (test
/// `one_drug_points_are_the_decimal_ones`).
pub fn one_drug_points(price: Fixed2, amount: Decimal, floor_points: i64) -> Option<i64> {
    let (m, scale) = (amount.mantissa(), amount.scale());
    let p = price.hundredths();
    if scale > 8 || m.unsigned_abs() >= 1 << 20 || p.unsigned_abs() >= 1 << 40 {
        return None;
    }
    let n = p * m as i64;
    let yen_unit = 10i64.pow(2 + scale);
    if n <= FLOOR_YEN * yen_unit {
        return Some(floor_points);
    }
    let tenth = 10 * yen_unit;
    Some(n / tenth + i64::from(2 * (n % tenth) > tenth))
}

/// The points of a 剤 of 15円以下 by 診療識別: 1点 in 投薬 (21–27: 告示 F200 「薬価が15円以下で
/// ある場合は1点」) and 注射 (30–39: 告示 G100 同); 0点 elsewhere (処置 40, 手術 50, 麻酔 54, 検査
/// 60, 画像 70 …: 告示 J300, K940, L200, D500, E300 「薬価が15円を超える場合は…」, so 15円以下は
/// 算定しない).
pub fn drug_floor(section: u8) -> i64 {
    if (20..40).contains(&section) { 1 } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn gosha_gochonyu_and_the_15_yen_floor() {
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
            assert_eq!(drug_points(d(yen), drug_floor(21)), pts, "{yen}");
        }
        assert_eq!(drug_points(d("14.9"), drug_floor(40)), 0);
        assert_eq!(drug_points(d("16"), drug_floor(60)), 2);
        assert_eq!(
            [21, 22, 23, 31, 32, 33, 40, 50, 60, 70].map(drug_floor),
            [1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
        );
    }

    /// yen/10 by one more decimal place is the division: on values of many scales, at and around
    /// the 五捨五超入 boundaries.
    #[test]
    fn the_scale_shift_is_the_division() {
        let divided = |yen: Decimal| Rounding::HalfDown.to_int(yen / Decimal::from(10));
        for yen in [
            "25",
            "25.01",
            "24.99",
            "35",
            "45.0000001",
            "99999.5",
            "123456789.123456789",
            "16.0000000000000000000000000001",
            "25.000000000000000000000000000",
            "7922816251426433759354395033.5",
        ] {
            let yen = d(yen);
            assert!(yen > Decimal::from(15));
            assert_eq!(drug_points(yen, 1), divided(yen), "{yen}");
        }
        // Above 15円 a Decimal has at most 27 places (its mantissa is below 7.93 × 10²⁸), so the
        // shift always has its place.
        let places_27 = d("16.000000000000000000000000001");
        assert_eq!(places_27.scale(), 27);
        assert_eq!(drug_points(places_27, 1), divided(places_27));
    }

    /// [`one_drug_points`] against the Decimal path ([`drug_points`] of
    /// [`drug_yen`]): prices and 使用量 around 15円 and the 五捨五超入 midpoints, of
    /// every scale up to 8, negative and zero ones, a blank 使用量, and the bounds where the integer
    /// path gives way.
    #[test]
    fn one_drug_points_are_the_decimal_ones() {
        let general = |hundredths: i64, q: Option<Decimal>, floor: i64| {
            let price = Fixed2::from_hundredths(hundredths);
            let yen = price
                .to_decimal()
                .checked_mul(q.unwrap_or(Decimal::ONE))
                .unwrap();
            drug_points(Decimal::ZERO + yen, floor)
        };
        let prices = [
            0,
            1,
            640,
            1500,
            1501,
            2500,
            2501,
            3500,
            12345,
            99999,
            -640,
            1 << 39,
            (1 << 40) - 1,
        ];
        let quantities = [
            "1",
            "0",
            "-1",
            "0.5",
            "2",
            "3",
            "7",
            "14",
            "1.5",
            "0.25",
            "0.001",
            "0.00000001",
            "12.5",
            "1048575",
            "0.1048575",
            "104857.5",
            "2.3333",
            "28",
            "100",
        ];
        let mut fast = 0;
        for p in prices {
            for q in quantities
                .iter()
                .map(|q| Some(Decimal::from_str(q).unwrap()))
                .chain([None])
            {
                for floor in [0, 1] {
                    let price = Fixed2::from_hundredths(p);
                    if let Some(points) = one_drug_points(price, q.unwrap_or(Decimal::ONE), floor) {
                        fast += 1;
                        assert_eq!(points, general(p, q, floor), "{p} × {q:?}");
                    }
                }
            }
        }
        assert!(fast > 400, "{fast}");
        // Every yen value of 0.01 steps from 14.90 to 35.10 (the floor and two midpoints).
        for h in 1490..=3510 {
            let price = Fixed2::from_hundredths(h);
            assert_eq!(
                one_drug_points(price, Decimal::ONE, 1),
                Some(general(h, Some(Decimal::ONE), 1)),
                "{h}"
            );
        }
        // The bounds: the Decimal path then.
        let price = Fixed2::from_hundredths(640);
        for q in ["1048576", "0.000000001", "79228162514264337593543950335"] {
            assert_eq!(
                one_drug_points(price, Decimal::from_str(q).unwrap(), 1),
                None,
                "{q}"
            );
        }
        let big = Fixed2::from_hundredths(1 << 40);
        assert_eq!(one_drug_points(big, Decimal::ONE, 1), None);
    }
}
