//! Checks of claim facts that are not items: the 傷病名 codes (against the 傷病名マスター of the
//! revision) and a `holiday` visit on a day that is not a 休日 (engine/src/calendar.rs).

use crate::calendar::{self, CITE_HOLIDAY};
use crate::claim::{Claim, TimeCategory};
use crate::result::Finding;
use crate::rules;
use santei_masters::{Date, MasterSet};

pub const CITE_DISEASE: &str = "傷病名マスター (支払基金 基本マスター B) 項番3 傷病名コード (7桁), 変更年月日/廃止年月日; 0000999 = 未コード化傷病名 (記録条件仕様 SY 傷病名コード)";

/// One finding per 傷病名 whose code is malformed or not in the loaded 傷病名マスター on `date`
/// (the claim's first day).
pub(crate) fn diseases(claim: &Claim, set: &MasterSet, date: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, d) in claim.diseases.iter().enumerate() {
        let path = format!("diseases[{i}].code");
        let code = d.code.as_str();
        let well_formed = code.len() == 7 && code.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            out.push(Finding::error(rules::UNKNOWN_DISEASE)
                .at(path)
                .cite(CITE_DISEASE)
                .codes(vec![code.to_string()])
                .message(format!(
                    "`{code}` is not a 傷病名コード: 7 digits expected (0000999 for a 未コード化傷病名)"
                )));
            continue;
        }
        if set.diseases.is_empty() {
            out.push(
                Finding::warning(rules::UNKNOWN_DISEASE)
                    .at(path)
                    .cite(CITE_DISEASE)
                    .codes(vec![code.to_string()])
                    .message(format!(
                        "{code} not checked: no 傷病名マスター (b_*.zip) is loaded for {}",
                        set.revision.id
                    )),
            );
            continue;
        }
        let n: u32 = code.parse().unwrap_or(0);
        if set.diseases.get(n, date).is_none() {
            let why = if set.diseases.latest(n).is_some() {
                format!("not valid on {date} in the 傷病名マスター")
            } else {
                format!("not in the 傷病名マスター ({})", set.revision.id)
            };
            out.push(
                Finding::error(rules::UNKNOWN_DISEASE)
                    .at(path)
                    .cite(CITE_DISEASE)
                    .codes(vec![code.to_string()])
                    .message(format!(
                        "傷病名コード {code} {why}: rules that need a 傷病名 cannot use it"
                    )),
            );
        }
    }
    out
}

/// A visit marked `holiday` / `pediatric_holiday` on a day that is not a 休日 of 休日加算: a warning
/// (the 休日加算 is still derived as claimed); outside the calendar's years, an info saying it was
/// not checked.
pub(crate) fn holiday_visits(claim: &Claim) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, v) in claim.visits.iter().enumerate() {
        if !matches!(
            v.time,
            TimeCategory::Holiday | TimeCategory::PediatricHoliday
        ) {
            continue;
        }
        let path = format!("visits[{i}].time");
        match calendar::holiday(v.date) {
            Some(Some(_)) => {}
            Some(None) => {
                const DAYS: [&str; 7] = ["日", "月", "火", "水", "木", "金", "土"];
                out.push(Finding::warning(rules::HOLIDAY_CALENDAR)
                    .at(path)
                    .cite(CITE_HOLIDAY)
                    .message(format!(
                        "{} ({}曜日) is not a 休日: not a Sunday, not a 国民の祝日に関する法律 第3条 休日, not 12/29–1/3; check `time` (休日加算 is derived as claimed)",
                        v.date,
                        DAYS[calendar::weekday(v.date) as usize]
                    )));
            }
            None => out.push(
                Finding::info(rules::HOLIDAY_CALENDAR)
                    .at(path)
                    .cite(CITE_HOLIDAY)
                    .message(format!(
                        "{} not checked as a 休日: santei's 国民の祝日 calendar covers {}–{}",
                        v.date,
                        calendar::FIRST_YEAR,
                        calendar::LAST_YEAR
                    )),
            ),
        }
    }
    out
}
