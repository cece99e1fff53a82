//! 入院: the 入院基本料 of each day of a stay, from the facts of the claim's `stay`.
//!
//! - The day's 入院料 is the one the patient's ward is 届出 for that day (`stay.wards`, the entry
//!   with the latest `from`), billed 1日につき for every day from the 入院日 to the 退院日 in the month
//!   (告示 第1章第2部 各区分 「１日につき」).
//! - Its 入院期間加算 (A100 注3, A102 注3, A103 注4, A104 注3, A105 注3, A106 注3 …) comes from the
//!   master: the rows sharing the 入院料's 注加算コード (項番38) with 入院基本料等減算対象識別 (項番48)
//!   2, the period each covers read from its name (（１４日以内）, （１５日以上３０日以内）…), the
//!   「特別入院基本料等」 variant for the 特別入院基本料等 (告示 第1章第2部 通則2: 特別入院基本料,
//!   月平均夜勤時間超過減算, 夜勤時間特別入院基本料, 重症患者割合特別入院基本料). The day of the 入院期間
//!   counts from the 起算日 (`admission_date`; 通知 第1章第2部 通則7), 外泊 days included.
//! - An 外泊 day: 15/100 of the 入院料's 基本点数 (通知 第1章第2部 通則6 (1), 四捨五入), written as the
//!   入院料 with 190107290 外泊（入院基本料の減額） (or 190107490 for a 特定入院料), 85/100 減算, and no
//!   入院期間加算 (the 基本点数 only).
//!
//! - The 入院基本料等加算 that follow from the facility's 届出 and the days of the stay, and the
//!   limits of the claimed ones: `kasan.rs`.
//!
//! Not computed (the claim bills them as items, and INP-701 says so): the 入院基本料等加算 that need a
//! clinical fact, the 入院料's other 注加算, the 包括 of the 特定入院料 houkatsu.rs has no 注 of,
//! 療養病棟 入院料 by 医療区分, the 精神 治療外泊 30/100, 入院時食事療養.

pub mod houkatsu;
pub mod kasan;

use santei_masters::{Date, Procedure};

use crate::claim::Stay;
use crate::error::ClaimError;

/// 190107290 外泊（入院基本料の減額）, 190107490 外泊（特定入院料の減額） (点数識別 6, 85%).
pub const OUTING_BASIC: u32 = 190_107_290;
pub const OUTING_SPECIFIC: u32 = 190_107_490;

pub const CITE_PERIOD: &str = "告示 第1章第2部 A100 注3 (r06 kokuji_ika.txt l.490–493: 14日以内 450点, 15日以上30日以内 192点, 特別入院基本料等 300点/155点), A102–A106 の入院期間の加算; 通則2 (l.424–427: 特別入院基本料等); 通知 第1章第2部 通則7 (r06 tsuchi_ika.txt l.960–985: 入院期間の計算, 起算日); 医科診療行為マスター 項番38 注加算コード, 項番48 入院基本料等減算対象識別 2";
pub const CITE_OUTING: &str = "通知 第1章第2部 通則6 (1) (r06 tsuchi_ika.txt l.948–957; r08 l.1006–): 外泊期間中は入院基本料の基本点数の15% (特定入院料の15%), 四捨五入; 外泊期間は入院期間に算入する; master 190107290 / 190107490 (85% 減算)";

/// A 入院料 of the 特別入院基本料等 (告示 第1章第2部 通則2), by its name.
pub fn is_special(fee: &Procedure) -> bool {
    let n = fee.abbr_name.as_str();
    [
        "特別入院基本料",
        "夜勤時間超過減算",
        "夜勤時間特別",
        "重症患者割合特別",
    ]
    .iter()
    .any(|k| n.contains(k))
}

/// A 特定入院料 (第3節, 区分 A300–) rather than an 入院基本料 (第1節).
pub fn is_specific(fee: &Procedure) -> bool {
    fee.code_table_alpha.as_str() == "A"
        && fee
            .code_table_section
            .as_str()
            .parse::<u16>()
            .is_ok_and(|s| (300..400).contains(&s))
}

/// The days of the 入院期間 an 入院期間加算 row covers, from its name: （１４日以内） → 1–14,
/// （１５日以上３０日以内） → 15–30, （１５日～３０日） → 15–30, （１８１日以上１年以内） → 181–365.
/// `None` when the name holds no period.
pub fn period(name: &str) -> Option<(i64, i64)> {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    // The numbers with their unit: 日 as is, 年 as 365 days.
    let mut nums: Vec<i64> = Vec::new();
    let mut cur = String::new();
    for c in ascii.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
            continue;
        }
        if !cur.is_empty() {
            let n: i64 = cur.parse().ok()?;
            match c {
                '日' => nums.push(n),
                '年' => nums.push(n * 365),
                _ => {}
            }
            cur.clear();
        }
    }
    match (
        nums.as_slice(),
        ascii.contains("以上") || ascii.contains('～'),
    ) {
        ([hi], false) if ascii.contains("以内") => Some((1, *hi)),
        ([lo, hi], true) => Some((*lo, *hi)),
        _ => None,
    }
}

/// An 入院期間加算 row with its period read once from its name (built with the masters, see
/// `Prepared::admission_period`), so a day's lookup parses nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodRow {
    pub code: u32,
    /// First and last day of the 入院期間 it covers.
    pub lo: i64,
    pub hi: i64,
    /// A 「特別入院基本料等」 row.
    pub special: bool,
}

impl PeriodRow {
    /// The row of an 入院期間加算 (項番48 = 2) whose name holds a period.
    pub fn of(r: &Procedure) -> Option<PeriodRow> {
        let (lo, hi) = period(r.abbr_name.as_str())?;
        Some(PeriodRow {
            code: r.code.0,
            lo,
            hi,
            special: is_special(r),
        })
    }
}

/// The 入院期間加算 of `fee` for day `day` of the 入院期間, among `rows` (the rows sharing its
/// 注加算コード, `valid` on the date): the row whose period holds the day, of the 特別入院基本料等
/// variant when `fee` is one and the 告示 gives that variant a separate amount (A100 注3, A102,
/// A103 …; A106 注3 gives none, so its 特別入院基本料等 take the ordinary rows).
pub fn period_addition(
    fee: &Procedure,
    rows: &[PeriodRow],
    day: i64,
    valid: impl Fn(u32) -> bool,
) -> Option<PeriodRow> {
    let special = is_special(fee) && rows.iter().any(|r| r.special && valid(r.code));
    rows.iter()
        .copied()
        .find(|r| r.special == special && (r.lo..=r.hi).contains(&day) && valid(r.code))
}

/// The days of the claim's month (the month of `any_day`) the patient is in hospital: from the
/// later of the 1st and the 入院日 to the earlier of the month's last day and the 退院日, both
/// included (入院料 is 1日につき, the 入院日 and the 退院日 each a day).
pub fn days_in_month(s: &Stay, admission: Option<Date>, any_day: Date) -> Vec<Date> {
    let Some(admitted) = s.admitted_on.or(admission) else {
        return Vec::new();
    };
    let first = Date::from_ymd(any_day.year(), any_day.month(), 1).unwrap_or(any_day);
    let last = {
        let (y, m) = if first.month() == 12 {
            (first.year() + 1, 1)
        } else {
            (first.year(), first.month() + 1)
        };
        Date::from_ymd(y, m, 1).map_or(first, Date::pred)
    };
    let from = admitted.max(first);
    let to = s.discharged_on.map_or(last, |d| d.min(last));
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        out.push(d);
        d = d.succ();
    }
    out
}

/// The stay's facts, checked: wards in date order with the first from the 入院日 at the latest,
/// the 入院日 not before the 起算日, the 退院日 not before the 入院日, 外泊 days inside the stay.
pub fn validate(s: &Stay, admission: Option<Date>, any_day: Date) -> Result<(), ClaimError> {
    let err = |path: &str, m: String| Err(ClaimError::new("claim.value", path, m));
    let Some(start) = admission else {
        return err(
            "admission_date",
            "a stay needs admission_date (the 起算日 of the 入院期間)".into(),
        );
    };
    let admitted = s.admitted_on.unwrap_or(start);
    if admitted < start {
        return err(
            "stay.admitted_on",
            format!("the 入院日 {admitted} is before the 起算日 admission_date {start}"),
        );
    }
    if let Some(d) = s.discharged_on.filter(|&d| d < admitted) {
        return err(
            "stay.discharged_on",
            format!("the 退院日 {d} is before the 入院日 {admitted}"),
        );
    }
    if s.wards.is_empty() {
        return err(
            "stay.wards",
            "a stay needs the ward's 入院料: at least one entry of `wards`".into(),
        );
    }
    for (i, w) in s.wards.iter().enumerate() {
        if i > 0 && w.from <= s.wards[i - 1].from {
            return err(
                &format!("stay.wards[{i}].from"),
                "wards are listed in date order, one entry per 転棟 date".into(),
            );
        }
    }
    let days = days_in_month(s, admission, any_day);
    if let (Some(&d), Some(w)) = (days.first(), s.wards.first()) {
        if w.from > d {
            return err(
                "stay.wards[0].from",
                format!(
                    "no ward is given for {d}, a day of the stay (the first ward is from {})",
                    w.from
                ),
            );
        }
    }
    for (i, o) in s.outings.iter().enumerate() {
        if !days.contains(o) {
            return err(
                &format!("stay.outings[{i}]"),
                format!("外泊 {o} is not a day of the stay in the claim's month"),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_from_the_names_of_r06() {
        assert_eq!(period("一般病棟入院期間加算（１４日以内）"), Some((1, 14)));
        assert_eq!(
            period("一般病棟入院期間加算（１５日以上３０日以内）"),
            Some((15, 30))
        );
        assert_eq!(
            period("障害者施設等入院期間加算（１５日～３０日）"),
            Some((15, 30))
        );
        assert_eq!(
            period("精神病棟入院期間加算（１８１日以上１年以内）"),
            Some((181, 365))
        );
        assert_eq!(
            period("特定機能病院結核病棟入院期間加算（３０日以内）"),
            Some((1, 30))
        );
        assert_eq!(
            period("一般病棟入院期間加算（１４日以内）（特別入院基本料等）"),
            Some((1, 14))
        );
        assert_eq!(period("急性期一般入院料１"), None);
    }
}
