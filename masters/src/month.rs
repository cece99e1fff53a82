//! The dates of one month's days ([`MonthDays`]).

use crate::field::{Date, days_in_month};

/// The days of one month as dates, for many days of it (a receipt's 算定日): `day(d)` is
/// `Date::from_ymd(y, m, d)` without checking the calendar for each day.
#[derive(Clone, Copy, Debug)]
pub struct MonthDays {
    /// The date number of day 0 (`YYYYMM00`), and the number of days (0: not a month).
    base: u32,
    len: u32,
}

impl MonthDays {
    pub fn new(y: u32, m: u32) -> MonthDays {
        match Date::from_ymd(y, m, 1) {
            Some(_) => MonthDays {
                base: y * 10000 + m * 100,
                len: days_in_month(y, m),
            },
            None => MonthDays { base: 0, len: 0 },
        }
    }
    /// Day `d` of the month, `None` when the month has no such day.
    #[inline]
    pub fn day(self, d: u32) -> Option<Date> {
        (d >= 1 && d <= self.len).then(|| Date::raw(self.base + d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_those_of_from_ymd() {
        for (y, m) in [
            (2024, 2),
            (2023, 2),
            (2100, 2),
            (2000, 2),
            (2024, 4),
            (2024, 12),
            (2024, 13),
            (2024, 0),
            (999, 5),
            (10000, 1),
        ] {
            let days = MonthDays::new(y, m);
            for d in 0..=40 {
                assert_eq!(days.day(d), Date::from_ymd(y, m, d), "{y}-{m}-{d}");
            }
        }
    }
}
