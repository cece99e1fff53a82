//! 第4部 画像診断 通則3 (時間外緊急院内画像診断加算).

use santei_masters::Procedure;

use crate::claim::TimeCategory;

pub const CITE_URGENT: &str = "告示 第4部 画像診断 通則3 (r06 kokuji_ika.txt l.10375–10378; r08 l.11014–11017): 時間外緊急院内画像診断加算 1日につき110点; 通知 同 3 (1)–(7) (r06 tsuchi_ika.txt l.17225–17250: 入院中の患者以外, 画像診断の開始時間, 1日1回, 夜間・早朝等加算の日は算定しない, 他医撮影のフィルムの診断は対象外)";

/// 170016010 時間外緊急院内画像診断加算 (110点).
pub const URGENT_IMAGING: u32 = 170_016_010;

/// An 画像診断 item of 第1節〜第3節 (エックス線診断料, 核医学診断料, コンピューター断層撮影診断料).
fn is_imaging(rec: &Procedure) -> bool {
    rec.code_table_chapter.as_str() == "2"
        && rec.code_table_part.as_str() == "04"
        && rec.point_kind == 3
        && rec.addition_serial.as_char() == '0'
        && rec.code.0 != URGENT_IMAGING
}

/// 時間外緊急院内画像診断加算, once a day: the reason when this item makes it due.
pub fn urgent_imaging(
    rec: &Procedure,
    time: TimeCategory,
    emergency: bool,
    inpatient: bool,
) -> Option<String> {
    super::kensa::urgent(time, emergency, inpatient)
        .filter(|_| is_imaging(rec))
        .map(|t| {
            format!(
                "画像診断 {} {}: 緊急, started {t} (入院外) → 時間外緊急院内画像診断加算 1日につき",
                rec.code, rec.abbr_name
            )
        })
}
