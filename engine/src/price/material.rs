//! 特定保険医療材料: 材料価格 × 使用量 to points.

use rust_decimal::Decimal;

use crate::masters::Material;
use crate::rounding::Rounding;

/// The points of a material line, with what produced them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterialPoints {
    pub points: i64,
    /// 材料価格 × 使用量 in yen.
    pub yen: Decimal,
    /// The yen per point (10, or 50 / 1,000 by 特定器材種別).
    pub divisor: Decimal,
    /// The 上限点数 (項番24) when it replaced the computed points.
    pub capped: Option<u32>,
}

/// Points of `amount` of material `m` at `price` yen (the master's 金額, or the 購入価格 given for
/// 金額種別 2): price × amount ÷ the yen per point of its 特定器材種別 (項番22: 0–2 10円, 3 50円
/// 高線量率イリジウム, 4 1,000円 コバルト), 四捨五入 (告示 F300/G200/J400/K950 等 「材料価格を10円で
/// 除して得た点数」; 特定器材マスター 項番22 「：四捨五入」), then at most its 上限点数 (項番24, 0 = none).
/// `None` when price × amount overflows.
pub fn material_points(m: &Material, price: Decimal, amount: Decimal) -> Option<MaterialPoints> {
    let divisor = match m.material_kind {
        3 => Decimal::from(50),
        4 => Decimal::from(1000),
        _ => Decimal::from(10),
    };
    let yen = price.checked_mul(amount)?;
    let mut points = Rounding::HalfUp.to_int(yen.checked_div(divisor)?);
    let mut capped = None;
    if m.point_cap > 0 && points > i64::from(m.point_cap) {
        points = i64::from(m.point_cap);
        capped = Some(m.point_cap);
    }
    Some(MaterialPoints {
        points,
        yen,
        divisor,
        capped,
    })
}
