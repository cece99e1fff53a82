//! 第3部 検査: 内視鏡検査 通則5 (休日・時間外・深夜加算) and 第1節第1款 通則1 (時間外緊急院内検査加算).

use santei_masters::Procedure;

use super::{Derived, Env, Facts, time_code, when};
use crate::claim::TimeCategory;

pub const CITE_ENDOSCOPY: &str = "告示 第3部第3節 内視鏡検査 通則5 (r06 kokuji_ika.txt l.10117–10127; r08 l.10752–10762); 通知 同 (4)–(7) (r06 tsuchi_ika.txt l.16804–16835: 緊急内視鏡検査, 8時間以内, 入院中は休日・深夜のみ, 夜間・早朝等加算の日は算定しない, 所定点数は各区分の点数及び注加算の合計); 医科診療行為マスター 項番43 時間加算区分";
pub const CITE_URGENT: &str = "告示 第3部第1節第1款 検体検査実施料 通則1 (r06 kokuji_ika.txt l.8366–8369; r08 l.8967–8970): 時間外緊急院内検査加算 1日につき200点; 通知 同 (1)–(6) (r06 tsuchi_ika.txt l.12513–12540: 入院中の患者以外, 検査の開始時間, 1日1回, 夜間・早朝等加算の日は算定しない)";

/// 時間外, 休日, 深夜, 時間外特例医療機関 (内視鏡検査).
pub(super) const TIME: [u32; 4] = [160_204_070, 160_203_970, 160_204_170, 160_204_270];
/// 160000210 時間外緊急院内検査加算 (200点).
pub const URGENT_TEST: u32 = 160_000_210;

pub(super) fn endoscopy_time(base: &Procedure, facts: &Facts, env: &Env, d: &mut Derived) {
    if base.time_addition != 1 {
        return;
    }
    let what = format!("内視鏡検査 {} {}", base.code, base.abbr_name);
    if let Some(w) = when(facts, &what, CITE_ENDOSCOPY, d) {
        if let Some(r) = env.addition(time_code(w, TIME), CITE_ENDOSCOPY, d) {
            d.due.push(super::time_due(
                r,
                w,
                facts,
                (&what, "緊急内視鏡検査", "通則5", ""),
                CITE_ENDOSCOPY,
            ));
        }
    }
}

/// A 検体検査実施料 item (第3部第1節第1款, D000–D025).
pub fn is_specimen_test(rec: &Procedure) -> bool {
    rec.code_table_chapter.as_str() == "2"
        && rec.code_table_part.as_str() == "03"
        && rec
            .code_table_section
            .as_str()
            .parse::<u16>()
            .is_ok_and(|s| s <= 25)
        && rec.point_kind == 3
}

/// 時間外緊急院内検査加算, once a day: due when an 入院外 検体検査 of the day is `emergency` and started
/// 時間外・休日・深夜 (not 夜間・早朝等). Returns the reason; the caller bills 160000210 once.
pub fn urgent_specimen_test(
    rec: &Procedure,
    time: TimeCategory,
    emergency: bool,
    inpatient: bool,
) -> Option<String> {
    urgent(time, emergency, inpatient)
        .filter(|_| is_specimen_test(rec))
        .map(|t| {
            format!(
                "検体検査 {} {}: 緊急, started {t} (入院外) → 時間外緊急院内検査加算 1日につき",
                rec.code, rec.abbr_name
            )
        })
}

/// The time of an urgent 入院外 test or imaging, when it is one of 時間外・休日・深夜.
pub(super) fn urgent(time: TimeCategory, emergency: bool, inpatient: bool) -> Option<&'static str> {
    if !emergency || inpatient {
        return None;
    }
    match time {
        TimeCategory::Regular | TimeCategory::NightEarlyMorning => None,
        t => Some(t.japanese()),
    }
}
