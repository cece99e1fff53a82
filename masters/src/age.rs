//! Age at the date of care, and the age codes of the masters (MASTER_S_LAYOUT #41/#42, #100–111):
//! `00` none; two digits = years (下限: age ≥ N; 上限: age < N, the master stores 上限+1); `AA`
//! 生後28日; `B3`/`B6`/`BF`/`BK` = 3/6/15/20歳に達した日の翌月1日; `MG` 未就学 (6歳に達する日以後の
//! 最初の3月31日まで). 年齢計算ニ関スル法律: one reaches age N on the day before the Nth birthday;
//! the completed age used for 「6歳未満」 counts from the birthday.

use crate::{AgeCode, Date};

/// Completed years on `on` (the age increases on the birthday).
pub fn age_years(birth: Date, on: Date) -> u32 {
    if on < birth {
        return 0;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The day one reaches `n` years (the day before the nth birthday; 29 Feb births reach it on 28 Feb).
pub fn reaches(birth: Date, n: u32) -> Date {
    let y = birth.year() + n;
    let birthday = Date::from_ymd(y, birth.month(), birth.day()).unwrap_or_else(|| {
        // 29 Feb in a common year: the birthday is taken as 1 Mar.
        Date::from_ymd(y, 3, 1).unwrap_or(Date::MAX)
    });
    birthday.pred()
}

fn first_of_next_month(d: Date) -> Date {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    Date::from_ymd(y, m, 1).unwrap_or(Date::MAX)
}

/// The first date on which the patient is at or above the age code, `None` for `00` (it does
/// not depend on the date of care: [`in_range`] compares the date with it).
pub fn threshold(birth: Date, code: AgeCode) -> Option<Date> {
    // The common cases read from the two bytes: no limit, and a number of years (as `str::parse`
    // reads two ASCII digits). The letter codes below.
    match code.0 {
        [b'0', b'0'] => return None,
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => {
            return years_after(birth, u32::from(a - b'0') * 10 + u32::from(b - b'0'));
        }
        _ => {}
    }
    let s = code.as_str();
    match s {
        // 生後28日: from the 28th day after birth (days 0–27 are 新生児).
        "AA" => Some(add_days(birth, 28)),
        // 生後90日 (マスターファイル仕様説明書 R06 上限年齢 「ＡＥ：生後９０日」; 麻酔 未熟児加算, 通知
        // 第11部 通則8 「出生後90日以内」): days 0–89, as AA counts days 0–27.
        "AE" => Some(add_days(birth, 90)),
        "B3" => Some(first_of_next_month(reaches(birth, 3))),
        "B6" => Some(first_of_next_month(reaches(birth, 6))),
        "BF" => Some(first_of_next_month(reaches(birth, 15))),
        "BK" => Some(first_of_next_month(reaches(birth, 20))),
        "MG" => {
            // 未就学: until the first 31 March on or after reaching 6; 就学 from the next day.
            let r = reaches(birth, 6);
            let year = if (r.month(), r.day()) <= (3, 31) {
                r.year()
            } else {
                r.year() + 1
            };
            Date::from_ymd(year, 4, 1)
        }
        _ => years_after(birth, s.parse().ok()?),
    }
}

/// The day a patient born on `birth` reaches `n` years: the birthday, or 1 March for a 29
/// February birth in a common year.
fn years_after(birth: Date, n: u32) -> Option<Date> {
    Date::from_ymd(birth.year() + n, birth.month(), birth.day())
        .or_else(|| Date::from_ymd(birth.year() + n, 3, 1))
}

fn add_days(mut d: Date, n: u32) -> Date {
    for _ in 0..n {
        d = d.succ();
    }
    d
}

/// True when a patient born on `birth` is within `[min, max)` on `on`. Most rows have no limit
/// (`00` both): answered inline, without the [`threshold`]s.
#[inline]
pub fn in_range(birth: Date, on: Date, min: AgeCode, max: AgeCode) -> bool {
    if min == AgeCode::NONE && max == AgeCode::NONE {
        return true;
    }
    within(on, threshold(birth, min), threshold(birth, max))
}

/// True when `on` is on or after `lower` and before `upper` (`None`: no limit): [`in_range`] with
/// the [`threshold`]s already known.
pub fn within(on: Date, lower: Option<Date>, upper: Option<Date>) -> bool {
    lower.is_none_or(|t| on >= t) && upper.is_none_or(|t| on < t)
}

/// A readable form of an age range for explanations.
pub fn describe(min: AgeCode, max: AgeCode) -> String {
    let one = |c: AgeCode| match c.as_str() {
        "AA" => "生後28日".to_string(),
        "AE" => "生後90日".to_string(),
        "B3" => "3歳に達した日の翌月1日".into(),
        "B6" => "6歳に達した日の翌月1日".into(),
        "BF" => "15歳に達した日の翌月1日".into(),
        "BK" => "20歳に達した日の翌月1日".into(),
        "MG" => "就学".into(),
        n => format!("{}歳", n.trim_start_matches('0')),
    };
    match (min.is_none(), max.is_none()) {
        (true, true) => "年齢制限なし".into(),
        (false, true) => format!("{}以上", one(min)),
        (true, false) => format!("{}未満", one(max)),
        (false, false) => format!("{}以上{}未満", one(min), one(max)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }
    fn code(s: &str) -> AgeCode {
        AgeCode([s.as_bytes()[0], s.as_bytes()[1]])
    }

    /// The two-digit codes read from their bytes give what `str::parse` of their text gives,
    /// for every pair of bytes the master could hold and a birth on 29 February.
    #[test]
    fn numeric_codes_read_from_bytes_as_parsed_from_text() {
        let births = [d("2020-02-29"), d("1950-07-15"), d("2024-12-31")];
        for a in 0u8..=255 {
            for b in [b'0', b'5', b'9', b'+', b'A'] {
                let c = AgeCode([a, b]);
                for &birth in &births {
                    let by_text = match c.as_str() {
                        "00" => None,
                        "AA" | "AE" | "B3" | "B6" | "BF" | "BK" | "MG" => continue,
                        s => s.parse::<u32>().ok().and_then(|n| {
                            Date::from_ymd(birth.year() + n, birth.month(), birth.day())
                                .or_else(|| Date::from_ymd(birth.year() + n, 3, 1))
                        }),
                    };
                    assert_eq!(threshold(birth, c), by_text, "{:?} {birth}", c.0);
                }
            }
        }
    }

    #[test]
    fn six_years_upper_bound() {
        let birth = d("2018-06-10");
        assert!(in_range(birth, d("2024-06-09"), AgeCode::NONE, code("06")));
        assert!(!in_range(birth, d("2024-06-10"), AgeCode::NONE, code("06")));
        assert_eq!(age_years(birth, d("2024-06-09")), 5);
    }

    #[test]
    fn mishugaku_until_the_31_march_after_reaching_6() {
        // Born 2018-04-01: reaches 6 on 2024-03-31 → 未就学 until 2024-03-31.
        assert!(in_range(
            d("2018-04-01"),
            d("2024-03-31"),
            AgeCode::NONE,
            code("MG")
        ));
        assert!(!in_range(
            d("2018-04-01"),
            d("2024-04-01"),
            AgeCode::NONE,
            code("MG")
        ));
        // Born 2018-04-02: reaches 6 on 2024-04-01 → 未就学 until 2025-03-31.
        assert!(in_range(
            d("2018-04-02"),
            d("2025-03-31"),
            AgeCode::NONE,
            code("MG")
        ));
        assert!(!in_range(
            d("2018-04-02"),
            d("2025-04-01"),
            AgeCode::NONE,
            code("MG")
        ));
    }

    #[test]
    fn b_codes_start_the_first_of_the_next_month() {
        // Born 2021-06-02 reaches 3 on 2024-06-01 → B3 from 2024-07-01.
        assert!(!in_range(
            d("2021-06-02"),
            d("2024-06-30"),
            code("B3"),
            AgeCode::NONE
        ));
        assert!(in_range(
            d("2021-06-02"),
            d("2024-07-01"),
            code("B3"),
            AgeCode::NONE
        ));
        // Born 2021-06-01 reaches 3 on 2024-05-31 → from 2024-06-01.
        assert!(in_range(
            d("2021-06-01"),
            d("2024-06-01"),
            code("B3"),
            AgeCode::NONE
        ));
    }

    #[test]
    fn newborn() {
        assert!(in_range(
            d("2024-06-01"),
            d("2024-06-28"),
            AgeCode::NONE,
            code("AA")
        ));
        assert!(!in_range(
            d("2024-06-01"),
            d("2024-06-29"),
            AgeCode::NONE,
            code("AA")
        ));
    }

    #[test]
    fn leap_day_birth() {
        assert_eq!(age_years(d("2020-02-29"), d("2026-02-28")), 5);
        assert_eq!(age_years(d("2020-02-29"), d("2026-03-01")), 6);
    }
}
