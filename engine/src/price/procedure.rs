//! The points of one 診療行為 of the 医科診療行為マスター: 点数識別 (項番11), きざみ (項番30–35)
//! and %加算/%減算.
//!
//! # The きざみ policy (one for the claim engine and the UKE recalculation)
//!
//! santei follows the table of 項番35 「上下限エラー処理」 of the マスターファイル仕様説明書
//! (医科診療行為マスター, R06 版 p.31–32, ../shared/spec/R06rec1.txt l.1794–1831) to the letter,
//! column by column, where the two callers used to disagree (the engine always capped at the
//! 上限値; the recalculation refused any 数量 above it unless 処理 1):
//!
//! | データ (数量)                   | 処理 0           | 1        | 2                 | 3        |
//! |---------------------------------|------------------|----------|-------------------|----------|
//! | ≤ 下限値 − きざみ値             | 基本点数         | 基本点数 | 算定せず (返戻)   | 算定せず (返戻) |
//! | (下限値 − きざみ値, 下限値]     | 基本点数         | 基本点数 | 基本点数          | 基本点数 |
//! | (下限値, 上限値]                | 式1              | 式1      | 式1               | 式1      |
//! | > 上限値                        | 式1 (警告)       | 式2      | 式1 (警告)        | 式2      |
//!
//! 式1 = 基本点数 + ⌈(データ − 下限値) / きざみ値⌉ × きざみ点数; 式2 = the same with the 上限値 for
//! the データ; ⌈⌉ is 切上げ and the result is 四捨五入 (the きざみ点数 may have decimals, 項番34).
//! 上限値 99999999 means none (項番32). 「警告」 is kept: the points are 式1 and [`Bound`] says the
//! 数量 is above the 上限値, so each caller can say so. 「算定せず（返戻）」 is [`PriceError::BelowLower`].
//!
//! A きざみ item without a 数量 is priced at its 基本点数, the points the table gives for the
//! smallest データ it accepts in every column (the row (下限値 − きざみ値, 下限値]); [`Bound::NoQuantity`]
//! says so. (The golden case rules/h_tsusoku5_shochi bills 運動器リハビリテーション料 180755710
//! without 単位数 at its 185点 = 1単位.)

use rust_decimal::Decimal;

use crate::masters::{PointKind, Procedure};
use crate::rounding::Rounding;

/// The source of the きざみ policy, for findings and differences.
pub const CITE_STEPS: &str = "医科診療行為マスター 項番30–35 きざみ (マスターファイル仕様説明書 R06 項番35 上下限エラー処理の表, 点数算定式１・２)";

/// 上限値 meaning "no upper bound" (医科診療行為マスター 項番32).
pub const NO_UPPER: u32 = 99_999_999;

/// Where the 数量 fell in the table of 項番35.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Within the 下限値〜上限値 (or at or below the 下限値, priced at the 基本点数).
    Within,
    /// No 数量 given: the 基本点数.
    NoQuantity,
    /// Above the 上限値 with 上下限エラー処理 0 or 2: 式1 on the 数量 as given, with a warning.
    AboveUpperWarned { upper: u32 },
    /// Above the 上限値 with 上下限エラー処理 1 or 3: 式2, the 上限値 for the 数量.
    AboveUpperCapped { upper: u32 },
}

/// How the points of a きざみ item were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steps {
    pub quantity: Option<Decimal>,
    pub base: Decimal,
    pub lower: u32,
    pub size: u32,
    pub step_points: Decimal,
    /// ⌈(データ − 下限値) / きざみ値⌉ (0 at or below the 下限値).
    pub steps: Decimal,
    /// 基本点数 + steps × きざみ点数, before 四捨五入.
    pub exact: Decimal,
    pub bound: Bound,
}

/// How one item's points were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricedHow {
    /// The master's 新又は現点数 (点数識別 3, or 4 都道府県購入価格).
    Master,
    /// A 減算 of the master's points (点数識別 7: −点数).
    Minus,
    /// きざみ (項番30 = 1).
    Steps(Steps),
}

/// The points of one item for one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priced {
    pub points: i64,
    pub how: PricedHow,
}

/// Why an item has no points of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceError {
    /// A 点数識別 that is not a number of points: 金額 (1), %加算/%減算 (5/6: see
    /// [`percent_change`]), 減点 …
    NotPoints(PointKind),
    /// 数量 ≤ 下限値 − きざみ値 with 上下限エラー処理 2 or 3: 「点数算定せず（返戻）」.
    BelowLower {
        quantity: Decimal,
        limit: Decimal,
        handling: u8,
    },
    /// A negative 数量.
    NegativeQuantity(Decimal),
    /// The 数量 is so large that the points overflow.
    Overflow(Decimal),
}

impl std::fmt::Display for PriceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PriceError::NotPoints(k) => write!(f, "点数識別 {k:?} is not a number of points"),
            PriceError::BelowLower {
                quantity,
                limit,
                handling,
            } => write!(
                f,
                "数量 {quantity} ≤ 下限値 − きざみ値 = {limit} with 上下限エラー処理 {handling}: 点数算定せず（返戻） (医科診療行為マスター 項番35)"
            ),
            PriceError::NegativeQuantity(q) => write!(f, "negative 数量 {q}"),
            PriceError::Overflow(q) => write!(f, "数量 {q}: the きざみ points overflow"),
        }
    }
}

/// The master's 新又は現点数 as whole points: exact when whole (every 点数 item of r06 is), else
/// 四捨五入 (「１点未満の端数」, 通知 第1章). [`procedure_points`] of a 点数 item without きざみ.
pub fn whole_points(p: &Procedure) -> i64 {
    p.points
        .whole()
        .unwrap_or_else(|| Rounding::HalfUp.to_int(p.points.to_decimal()))
}

/// The points of one item of the 医科診療行為マスター for one time: its 点数 (四捨五入 when the
/// master gives decimals), minus its 点数 for a 減算 (点数識別 7), or by きざみ under the policy of
/// this module's documentation.
///
/// Always inlined, the きざみ part out of line: most items are a plain 点数 (the UKE recalculation
/// prices ~18 per receipt), and the call and the copy of a [`Priced`] sized for [`Steps`] cost
/// more than the pricing (48,768 → 48,058 instructions per receipt of `santei recalc` with
/// `#[inline]`, callgrind; it was still called from the recalculation's two callers).
#[inline(always)]
pub fn procedure_points(p: &Procedure, quantity: Option<Decimal>) -> Result<Priced, PriceError> {
    match p.point_kind() {
        PointKind::Points | PointKind::PrefecturalPurchasePrice => {}
        PointKind::MinusPoints => {
            return Ok(Priced {
                points: -whole_points(p),
                how: PricedHow::Minus,
            });
        }
        other => return Err(PriceError::NotPoints(other)),
    }
    if p.step_calc != 1 {
        return Ok(Priced {
            points: whole_points(p),
            how: PricedHow::Master,
        });
    }
    step_points(p, quantity)
}

/// [`procedure_points`] of a きざみ item (項番30 = 1).
#[inline(never)]
fn step_points(p: &Procedure, quantity: Option<Decimal>) -> Result<Priced, PriceError> {
    let base = p.points.to_decimal();
    let size = p.step_size.max(1);
    let (lower, size_d) = (Decimal::from(p.step_lower), Decimal::from(size));
    let step_points = p.step_points.to_decimal();
    let mut steps = Steps {
        quantity,
        base,
        lower: p.step_lower,
        size,
        step_points,
        steps: Decimal::ZERO,
        exact: base,
        bound: Bound::NoQuantity,
    };
    let Some(q) = quantity else {
        return Ok(Priced {
            points: Rounding::HalfUp.to_int(base),
            how: PricedHow::Steps(steps),
        });
    };
    if q.is_sign_negative() && !q.is_zero() {
        return Err(PriceError::NegativeQuantity(q));
    }
    let handling = p.step_bound_error;
    let limit = lower - size_d;
    if matches!(handling, 2 | 3) && q <= limit {
        return Err(PriceError::BelowLower {
            quantity: q,
            limit,
            handling,
        });
    }
    let has_upper = p.step_upper != 0 && p.step_upper != NO_UPPER;
    let (used, bound) = if has_upper && q > Decimal::from(p.step_upper) {
        if matches!(handling, 1 | 3) {
            (
                Decimal::from(p.step_upper),
                Bound::AboveUpperCapped {
                    upper: p.step_upper,
                },
            )
        } else {
            (
                q,
                Bound::AboveUpperWarned {
                    upper: p.step_upper,
                },
            )
        }
    } else {
        (q, Bound::Within)
    };
    steps.bound = bound;
    if used > lower {
        // 切上げ of (データ − 下限値) / きざみ値.
        steps.steps = used
            .checked_sub(lower)
            .and_then(|d| d.checked_div(size_d))
            .ok_or(PriceError::Overflow(q))?
            .ceil();
    }
    steps.exact = step_points
        .checked_mul(steps.steps)
        .and_then(|v| v.checked_add(base))
        .ok_or(PriceError::Overflow(q))?;
    Ok(Priced {
        points: Rounding::HalfUp.to_int(steps.exact),
        how: PricedHow::Steps(steps),
    })
}

/// The change a %加算/%減算 (点数識別 5/6) of `percent` makes to `base` points: the result
/// (所定点数の100分の(100 ± percent)に相当する点数) is rounded half up once the rate is applied
/// (通知 第1章 「１点未満の端数があるときは、小数点以下第一位を四捨五入」; 疑義解釈 その4 問24:
/// 85点 × 90/100 = 76.5 → 77点). A 30% 減算 of 225 gives 157.5 → 158, a change of −67.
pub fn percent_change(base: i64, percent: Decimal, add: bool) -> i64 {
    let hundred = Decimal::ONE_HUNDRED;
    let factor = if add {
        hundred + percent
    } else {
        hundred - percent
    };
    let result = Decimal::from(base)
        .checked_mul(factor)
        .map(|v| v / hundred)
        .map_or(i64::MAX, |v| Rounding::HalfUp.to_int(v));
    result.saturating_sub(base)
}

/// The points of one 算定単位 whose 所定点数 is `base` and whose %加算/%減算 (点数識別 5/6) sum to
/// `percent` (a 減算 negative): every % is taken on the same 所定点数 — the item's points and its own
/// 注加算, never another 通則 addition (告示 第10部 通則7・8・12 and 通知 同 通則9; 第9部 通則5 and
/// 通知 同 10; 第11部 通則 and 通知 同 6) — and the result is rounded half up once, at the end (通知
/// 第3部 通則: 「所定点数にそれぞれの割合を乗じた上で、端数が生じた場合には、これを四捨五入」; 通知 E001
/// (9) 「端数処理は、点数計算の最後に行う」). `outside` adds the unit's points that are not part of the
/// 所定点数 (医科診療行為マスター 項番62 通則加算所定点数対象識別 1). 1歳 小児創傷処理 500点 with
/// 乳幼児加算 100% and 休日加算２ 80%: 500 × 280/100 = 1,400.
pub fn unit_total(base: i64, percent: Decimal, outside: i64) -> i64 {
    if percent.is_zero() {
        // × 100/100: nothing to round.
        return base.saturating_add(outside);
    }
    let hundred = Decimal::ONE_HUNDRED;
    Decimal::from(base)
        .checked_mul(hundred + percent)
        .map(|v| v / hundred)
        .map_or(i64::MAX, |v| Rounding::HalfUp.to_int(v))
        .saturating_add(outside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::masters::MasterSet;

    fn row(code: u32) -> Procedure {
        let set = MasterSet::demo().unwrap();
        set.procedures.latest(code).unwrap().clone()
    }

    fn kizami(lower: u32, upper: u32, size: u32, step: i64, handling: u8) -> Procedure {
        // 人工呼吸 (J045 2): 242点, 30分を超えて5時間まで 30分又はその端数を増すごとに 50点.
        let mut p = row(112007410);
        p.points = crate::masters::Fixed2::from_hundredths(24200);
        p.step_calc = 1;
        p.step_lower = lower;
        p.step_upper = upper;
        p.step_size = size;
        p.step_points = crate::masters::Fixed2::from_hundredths(step * 100);
        p.step_bound_error = handling;
        p
    }

    fn pts(p: &Procedure, q: Option<i64>) -> Result<(i64, Option<Bound>), PriceError> {
        procedure_points(p, q.map(Decimal::from)).map(|r| {
            (
                r.points,
                match r.how {
                    PricedHow::Steps(s) => Some(s.bound),
                    _ => None,
                },
            )
        })
    }

    #[test]
    fn the_table_of_item_35_column_by_column() {
        use Bound::*;
        for handling in 0..=3u8 {
            let p = kizami(30, 300, 30, 50, handling);
            // Within: 式1, 切上げ of the steps.
            assert_eq!(pts(&p, Some(31)), Ok((292, Some(Within))));
            assert_eq!(pts(&p, Some(60)), Ok((292, Some(Within))));
            assert_eq!(pts(&p, Some(61)), Ok((342, Some(Within))));
            assert_eq!(pts(&p, Some(300)), Ok((242 + 9 * 50, Some(Within))));
            // (下限値 − きざみ値, 下限値]: 基本点数 in every column.
            assert_eq!(pts(&p, Some(30)), Ok((242, Some(Within))));
            assert_eq!(pts(&p, Some(1)), Ok((242, Some(Within))));
            // No 数量: 基本点数.
            assert_eq!(pts(&p, None), Ok((242, Some(NoQuantity))));
            // ≤ 下限値 − きざみ値: 基本点数 (0, 1) or 返戻 (2, 3).
            match handling {
                0 | 1 => assert_eq!(pts(&p, Some(0)), Ok((242, Some(Within)))),
                _ => assert!(matches!(
                    pts(&p, Some(0)),
                    Err(PriceError::BelowLower { .. })
                )),
            }
            // Above the 上限値: 式1 (警告) for 0 and 2, 式2 for 1 and 3.
            let above = pts(&p, Some(330));
            match handling {
                0 | 2 => assert_eq!(
                    above,
                    Ok((242 + 10 * 50, Some(AboveUpperWarned { upper: 300 })))
                ),
                _ => assert_eq!(
                    above,
                    Ok((242 + 9 * 50, Some(AboveUpperCapped { upper: 300 })))
                ),
            }
        }
        // No upper bound (99999999).
        let p = kizami(30, NO_UPPER, 30, 50, 1);
        assert_eq!(
            pts(&p, Some(3000)),
            Ok((242 + 99 * 50, Some(Bound::Within)))
        );
        // Absurd 数量: no panic.
        assert!(procedure_points(&p, Some(Decimal::MAX)).is_err());
        assert!(matches!(
            pts(&p, Some(-1)),
            Err(PriceError::NegativeQuantity(_))
        ));
    }

    #[test]
    fn fractional_step_points_round_half_up() {
        let mut p = kizami(0, NO_UPPER, 1, 0, 0);
        p.step_points = crate::masters::Fixed2::from_hundredths(250); // 2.50点
        // 242 + 3 × 2.50 = 249.5 → 250 (四捨五入).
        assert_eq!(pts(&p, Some(3)).unwrap().0, 250);
    }

    #[test]
    fn unit_totals_take_every_percent_on_the_same_base_and_round_once() {
        // 500 × (100 + 100 + 80)/100 = 1,400 (not (500 + 500) × 1.8).
        assert_eq!(unit_total(500, Decimal::from(180), 0), 1400);
        // 1,270 × 1.7 = 2,159 (RECEIPTC_GAIRAI_SAMPLE: ＥＣＧ１２ 130 + ＥＦ 1,140, 乳幼児加算 70%).
        assert_eq!(unit_total(1270, Decimal::from(70), 0), 2159);
        // 85 × 90/100 = 76.5 → 77 (疑義解釈 その4 問24), once.
        assert_eq!(unit_total(85, Decimal::from(-10), 0), 77);
        // 315 × 1.4 = 441; 315 × 1.7 = 535.5 → 536: one rounding of the sum, not two.
        assert_eq!(unit_total(315, Decimal::from(110), 0), 662); // 661.5 → 662
        assert_eq!(unit_total(315, Decimal::from(110), 20), 682);
        assert_eq!(unit_total(i64::MAX, Decimal::from(70), 0), i64::MAX);
    }

    #[test]
    fn percent_changes() {
        assert_eq!(percent_change(85, Decimal::from(10), false), -8); // 76.5 → 77
        assert_eq!(percent_change(225, Decimal::from(30), false), -67);
        assert_eq!(percent_change(1270, Decimal::from(70), true), 889);
        assert_eq!(percent_change(i64::MAX, Decimal::from(70), true), 0);
    }
}
