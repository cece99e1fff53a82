//! The 休日 of 休日加算 as dated data.
//!
//! 通知 A000 (19)ア 休日加算 (r06 law/r06/tsuchi_ika.txt l.288–290; the same text in r02 (18)ア, r04
//! and r08 (19)ア): 「休日加算の対象となる休日とは、日曜日及び国民の祝日に関する法律（昭和23年法律第178号）
//! 第３条に規定する休日をいう。なお、１月２日及び３日並びに12月29日、30日及び31日は、休日として取り扱う。」
//! A001 and A002 refer to the same 休日.
//!
//! 国民の祝日に関する法律 第3条 休日: 1項 「国民の祝日」 (第2条), 2項 振替休日 (a 祝日 on a Sunday moves to
//! the next day that is not a 祝日), 3項 国民の休日 (a day between two 祝日). The rows below are the
//! days of 1項–3項 by year as published by 内閣府 「国民の祝日について」
//! (<https://www8.cao.go.jp/chosei/shukujitsu/gaiyou.html>, list `syukujitsu.csv`); 春分の日・秋分の日
//! are fixed each year by the 国立天文台 暦要項 (官報, February of the year before); 2020 and 2021
//! moved 海の日・スポーツの日・山の日 for the Tokyo Olympics (平成32年東京オリンピック競技大会・
//! 東京パラリンピック競技大会特別措置法 第32条, as amended 2018 and 2020). A year not listed here is not
//! judged (the calendar says so instead of guessing).

use santei_masters::Date;

/// First and last year with 国民の祝日 rows.
pub const FIRST_YEAR: u32 = 2020;
pub const LAST_YEAR: u32 = 2027;

/// (YYYYMMDD, name): every 休日 of 国民の祝日に関する法律 第3条 from 2020 to 2027. `休日` is a 振替休日
/// (第3条2項) or a 国民の休日 (第3条3項), as 内閣府 lists them.
pub const NATIONAL_HOLIDAYS: &[(u32, &str)] = &[
    // 2020 (海の日 7/23, スポーツの日 7/24, 山の日 8/10: 東京オリンピック特別措置法)
    (20200101, "元日"),
    (20200113, "成人の日"),
    (20200211, "建国記念の日"),
    (20200223, "天皇誕生日"),
    (20200224, "休日"),
    (20200320, "春分の日"),
    (20200429, "昭和の日"),
    (20200503, "憲法記念日"),
    (20200504, "みどりの日"),
    (20200505, "こどもの日"),
    (20200506, "休日"),
    (20200723, "海の日"),
    (20200724, "スポーツの日"),
    (20200810, "山の日"),
    (20200921, "敬老の日"),
    (20200922, "秋分の日"),
    (20201103, "文化の日"),
    (20201123, "勤労感謝の日"),
    // 2021 (海の日 7/22, スポーツの日 7/23, 山の日 8/8: 同法, 2020 改正)
    (20210101, "元日"),
    (20210111, "成人の日"),
    (20210211, "建国記念の日"),
    (20210223, "天皇誕生日"),
    (20210320, "春分の日"),
    (20210429, "昭和の日"),
    (20210503, "憲法記念日"),
    (20210504, "みどりの日"),
    (20210505, "こどもの日"),
    (20210722, "海の日"),
    (20210723, "スポーツの日"),
    (20210808, "山の日"),
    (20210809, "休日"),
    (20210920, "敬老の日"),
    (20210923, "秋分の日"),
    (20211103, "文化の日"),
    (20211123, "勤労感謝の日"),
    // 2022
    (20220101, "元日"),
    (20220110, "成人の日"),
    (20220211, "建国記念の日"),
    (20220223, "天皇誕生日"),
    (20220321, "春分の日"),
    (20220429, "昭和の日"),
    (20220503, "憲法記念日"),
    (20220504, "みどりの日"),
    (20220505, "こどもの日"),
    (20220718, "海の日"),
    (20220811, "山の日"),
    (20220919, "敬老の日"),
    (20220923, "秋分の日"),
    (20221010, "スポーツの日"),
    (20221103, "文化の日"),
    (20221123, "勤労感謝の日"),
    // 2023
    (20230101, "元日"),
    (20230102, "休日"),
    (20230109, "成人の日"),
    (20230211, "建国記念の日"),
    (20230223, "天皇誕生日"),
    (20230321, "春分の日"),
    (20230429, "昭和の日"),
    (20230503, "憲法記念日"),
    (20230504, "みどりの日"),
    (20230505, "こどもの日"),
    (20230717, "海の日"),
    (20230811, "山の日"),
    (20230918, "敬老の日"),
    (20230923, "秋分の日"),
    (20231009, "スポーツの日"),
    (20231103, "文化の日"),
    (20231123, "勤労感謝の日"),
    // 2024
    (20240101, "元日"),
    (20240108, "成人の日"),
    (20240211, "建国記念の日"),
    (20240212, "休日"),
    (20240223, "天皇誕生日"),
    (20240320, "春分の日"),
    (20240429, "昭和の日"),
    (20240503, "憲法記念日"),
    (20240504, "みどりの日"),
    (20240505, "こどもの日"),
    (20240506, "休日"),
    (20240715, "海の日"),
    (20240811, "山の日"),
    (20240812, "休日"),
    (20240916, "敬老の日"),
    (20240922, "秋分の日"),
    (20240923, "休日"),
    (20241014, "スポーツの日"),
    (20241103, "文化の日"),
    (20241104, "休日"),
    (20241123, "勤労感謝の日"),
    // 2025
    (20250101, "元日"),
    (20250113, "成人の日"),
    (20250211, "建国記念の日"),
    (20250223, "天皇誕生日"),
    (20250224, "休日"),
    (20250320, "春分の日"),
    (20250429, "昭和の日"),
    (20250503, "憲法記念日"),
    (20250504, "みどりの日"),
    (20250505, "こどもの日"),
    (20250506, "休日"),
    (20250721, "海の日"),
    (20250811, "山の日"),
    (20250915, "敬老の日"),
    (20250923, "秋分の日"),
    (20251013, "スポーツの日"),
    (20251103, "文化の日"),
    (20251123, "勤労感謝の日"),
    (20251124, "休日"),
    // 2026
    (20260101, "元日"),
    (20260112, "成人の日"),
    (20260211, "建国記念の日"),
    (20260223, "天皇誕生日"),
    (20260320, "春分の日"),
    (20260429, "昭和の日"),
    (20260503, "憲法記念日"),
    (20260504, "みどりの日"),
    (20260505, "こどもの日"),
    (20260506, "休日"),
    (20260720, "海の日"),
    (20260811, "山の日"),
    (20260921, "敬老の日"),
    (20260922, "休日"),
    (20260923, "秋分の日"),
    (20261012, "スポーツの日"),
    (20261103, "文化の日"),
    (20261123, "勤労感謝の日"),
    // 2027 (内閣府, published 2026-02 after the 暦要項)
    (20270101, "元日"),
    (20270111, "成人の日"),
    (20270211, "建国記念の日"),
    (20270223, "天皇誕生日"),
    (20270321, "春分の日"),
    (20270322, "休日"),
    (20270429, "昭和の日"),
    (20270503, "憲法記念日"),
    (20270504, "みどりの日"),
    (20270505, "こどもの日"),
    (20270719, "海の日"),
    (20270811, "山の日"),
    (20270920, "敬老の日"),
    (20270923, "秋分の日"),
    (20271011, "スポーツの日"),
    (20271103, "文化の日"),
    (20271123, "勤労感謝の日"),
];

/// Citation of the 休日 definition for findings.
pub const CITE_HOLIDAY: &str = "通知 A000 (19)ア 休日加算 (law/r06/tsuchi_ika.txt l.288–290): 「休日」とは日曜日及び国民の祝日に関する法律第3条に規定する休日をいう。なお、1月2日及び3日並びに12月29日、30日及び31日は、休日として取り扱う; 国民の祝日: 内閣府「国民の祝日について」 (engine/src/calendar.rs)";

/// Why a day is a 休日 of 休日加算.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holiday {
    /// 日曜日
    Sunday,
    /// A 休日 of 国民の祝日に関する法律 第3条, with its name (`休日` = 振替休日 / 国民の休日).
    National(&'static str),
    /// 1月2日・3日, 12月29日〜31日 (通知 A000 (19)ア なお書き)
    YearEnd,
}

/// 0 = Sunday … 6 = Saturday.
pub fn weekday(d: Date) -> u32 {
    // 1970-01-01 was a Thursday.
    (d.day_number() + 4).rem_euclid(7) as u32
}

/// The 国民の祝日に関する法律 第3条 休日 on `d`, if the calendar has the year.
pub fn national_holiday(d: Date) -> Option<&'static str> {
    let v = d.yyyymmdd();
    NATIONAL_HOLIDAYS
        .binary_search_by_key(&v, |&(day, _)| day)
        .ok()
        .map(|i| NATIONAL_HOLIDAYS[i].1)
}

/// Whether `d` is a 休日 of 休日加算: `Some(Some(why))` a 休日, `Some(None)` not one, `None` when
/// the year is outside the calendar and the day is neither a Sunday nor 12/29–1/3 (not judged).
pub fn holiday(d: Date) -> Option<Option<Holiday>> {
    if weekday(d) == 0 {
        return Some(Some(Holiday::Sunday));
    }
    let (m, day) = (d.month(), d.day());
    if (m == 1 && day <= 3) || (m == 12 && day >= 29) {
        return Some(Some(Holiday::YearEnd));
    }
    if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        return None;
    }
    Some(national_holiday(d).map(Holiday::National))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(v: u32) -> Date {
        Date::from_yyyymmdd_const(v)
    }

    #[test]
    fn rows_are_sorted_dates() {
        for w in NATIONAL_HOLIDAYS.windows(2) {
            assert!(w[0].0 < w[1].0, "{:?}", w);
        }
        for &(v, _) in NATIONAL_HOLIDAYS {
            assert!(
                Date::from_ymd(v / 10000, v / 100 % 100, v % 100).is_some(),
                "{v}"
            );
        }
    }

    /// Count per year, as 内閣府 lists them (祝日 + 振替休日 + 国民の休日).
    #[test]
    fn count_per_year() {
        for (year, n) in [
            (2020, 18),
            (2021, 17),
            (2022, 16),
            (2023, 17),
            (2024, 21),
            (2025, 19),
            (2026, 18),
            (2027, 17),
        ] {
            let got = NATIONAL_HOLIDAYS
                .iter()
                .filter(|(v, _)| v / 10000 == year)
                .count();
            assert_eq!(got, n, "{year}");
        }
    }

    /// Each year has the 16 祝日 of 第2条 once (天皇誕生日 2/23 since 2020), and every `休日` row
    /// is a 振替休日 after a Sunday 祝日 or a day between two 祝日 (第3条2項・3項).
    #[test]
    fn rows_follow_the_law() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let rows: Vec<_> = NATIONAL_HOLIDAYS
                .iter()
                .filter(|(v, _)| v / 10000 == year)
                .collect();
            assert_eq!(
                rows.iter().filter(|(_, n)| *n != "休日").count(),
                16,
                "{year}"
            );
            for &&(v, name) in &rows {
                let d = date(v);
                if name != "休日" {
                    continue;
                }
                // 振替: walk back over 祝日 to a Sunday 祝日; 国民の休日: 祝日 on both sides.
                let mut p = d.pred();
                let mut substitute = false;
                while let Some(n) = national_holiday(p) {
                    if n != "休日" && weekday(p) == 0 {
                        substitute = true;
                        break;
                    }
                    p = p.pred();
                }
                let prev = national_holiday(d.pred()).is_some();
                let next = NATIONAL_HOLIDAYS.iter().any(|&(w, n)| {
                    n != "休日" && Date::from_yyyymmdd_const(w).day_number() == d.day_number() + 1
                });
                assert!(substitute || (prev && next), "{v}");
                assert_ne!(weekday(d), 0, "{v}");
            }
            // 成人の日, 海の日, 敬老の日, スポーツの日 are Mondays (Happy Monday), except the
            // Olympic years' moved days.
            for &&(v, name) in &rows {
                if matches!(name, "成人の日" | "敬老の日")
                    || (year >= 2022 && matches!(name, "海の日" | "スポーツの日"))
                {
                    assert_eq!(weekday(date(v)), 1, "{v} {name}");
                }
            }
        }
    }

    #[test]
    fn holidays_of_the_notice() {
        assert_eq!(holiday(date(20240714)), Some(Some(Holiday::Sunday)));
        assert_eq!(
            holiday(date(20240715)),
            Some(Some(Holiday::National("海の日")))
        );
        assert_eq!(holiday(date(20240710)), Some(None)); // a Wednesday
        assert_eq!(holiday(date(20241230)), Some(Some(Holiday::YearEnd)));
        assert_eq!(holiday(date(20250102)), Some(Some(Holiday::YearEnd)));
        assert_eq!(holiday(date(20241228)), Some(None)); // a Saturday: not a 休日
        assert_eq!(holiday(date(20190716)), None); // outside the calendar
        assert_eq!(holiday(date(20190714)), Some(Some(Holiday::Sunday)));
    }
}
