//! The 入院期間加算 checked on an 入院 receipt's SI units: for each day an 入院料 unit is billed, the
//! day of the 入院期間 from the RE 入院年月日 decides the 入院期間加算 (engine/src/stay.rs, as the
//! claim engine bills it); a unit that lacks the due one, or bills one whose period does not hold
//! the day (a 14日以内 加算 on day 15), differs with rule INP-100. 外泊 units (190107290 / 190107490)
//! take none. A 再入院 counted with an earlier stay is judged from the RE 入院年月日 as written.
//!
//! The 入院基本料等加算 with a limit in the 入院期間 (engine/src/stay/kasan.rs: 入院初日, 14日を限度,
//! 7日を限度, 90日を超えるごとに１回) are checked the same way: a line billing one on a day of the month
//! its limit does not allow (a 14日限度 加算 on day 15, an 初日 加算 on day 2) differs with rule INP-111.
//! Which 加算 the 届出 would give is not checked (the RE has no 届出).

use super::*;
use crate::stay;

impl<'a> Recalculator<'a> {
    pub(super) fn stay_checks(
        &self,
        prep: &Prepared,
        r: &Receipt,
        checks: &mut Vec<Check>,
        rows: &[Option<&Procedure>],
        start: &[usize],
    ) {
        let Some(admitted) = r.admission else { return };
        self.addition_limit_checks(r, admitted, checks, rows, start);
        let set = &prep.set;
        for (ui, u) in r.units.iter().enumerate() {
            let Some(fee) = start.get(ui).and_then(|&k| rows.get(k)).copied().flatten() else {
                continue;
            };
            if fee.addition_serial.as_char() != '0'
                || !prep.admission_period.contains_key(&fee.addition_code)
            {
                continue;
            }
            let codes: Vec<u32> = u.lines.iter().map(|l| l.code).collect();
            if codes
                .iter()
                .any(|c| matches!(*c, stay::OUTING_BASIC | stay::OUTING_SPECIFIC))
            {
                continue;
            }
            // (code, claimed or due, the days it is wrong on).
            let mut wrong: Vec<(u32, bool, Vec<u8>)> = Vec::new();
            for (day, _) in u.lines[0].days.iter() {
                let Some(date) = Date::from_ymd(r.month.year, r.month.month, u32::from(day)) else {
                    continue;
                };
                let n = date.day_number() - admitted.day_number() + 1;
                let rows = &prep.admission_period[&fee.addition_code];
                let valid = |c: u32| set.procedures.get(c, date).is_some();
                let due = stay::period_addition(fee, rows, n, valid).map(|a| a.code);
                let billed: Vec<u32> = codes
                    .iter()
                    .copied()
                    .filter(|&c| rows.iter().any(|a| a.code == c) && valid(c))
                    .collect();
                let mut note = |code: u32, missing: bool| match wrong
                    .iter_mut()
                    .find(|w| w.0 == code && w.1 == missing)
                {
                    Some(w) => w.2.push(day),
                    None => wrong.push((code, missing, vec![day])),
                };
                if let Some(d) = due.filter(|d| !billed.contains(d)) {
                    note(d, true);
                }
                for b in billed.into_iter().filter(|b| Some(*b) != due) {
                    note(b, false);
                }
            }
            for (code, missing, days) in wrong {
                let name = set
                    .procedures
                    .get(code, r.month.first_day())
                    .map_or(String::new(), |a| a.abbr_name.to_string());
                let days_text = days
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                let reason = if missing {
                    format!(
                        "{}: {code} {name} is due with {} {} on day(s) {days_text} of the month (入院期間 counted from the RE 入院年月日 {admitted}) and not billed",
                        crate::engine::stay_stage::STAY,
                        fee.code,
                        fee.abbr_name
                    )
                } else {
                    format!(
                        "{}: {code} {name} is billed with {} {} on day(s) {days_text} of the month, outside its period (入院期間 counted from the RE 入院年月日 {admitted})",
                        crate::engine::stay_stage::STAY,
                        fee.code,
                        fee.abbr_name
                    )
                };
                checks.push(Check::rule_difference(
                    u,
                    code,
                    (None, None),
                    reason,
                    crate::engine::stay_stage::STAY,
                    stay::CITE_PERIOD,
                ));
            }
        }
    }
}

impl<'a> Recalculator<'a> {
    /// Each 入院基本料等加算 line billed on a day its limit in the 入院期間 does not allow (counted
    /// from the RE 入院年月日, the 起算日): one difference per line, with the days.
    fn addition_limit_checks(
        &self,
        r: &Receipt,
        admitted: Date,
        checks: &mut Vec<Check>,
        rows: &[Option<&Procedure>],
        start: &[usize],
    ) {
        for (ui, u) in r.units.iter().enumerate() {
            let Some(&first) = start.get(ui) else {
                continue;
            };
            for (li, l) in u.lines.iter().enumerate() {
                let Some(rec) = rows.get(first + li).copied().flatten() else {
                    continue;
                };
                let Some(e) = stay::kasan::entry_of(rec) else {
                    continue;
                };
                let wrong: Vec<(u8, i64)> = l
                    .days
                    .iter()
                    .filter_map(|(day, _)| {
                        let date = Date::from_ymd(r.month.year, r.month.month, u32::from(day))?;
                        let n = date.day_number() - admitted.day_number() + 1;
                        (!e.limit.allows(n)).then_some((day, n))
                    })
                    .collect();
                if wrong.is_empty() {
                    continue;
                }
                let days_text = wrong
                    .iter()
                    .map(|(d, n)| format!("{d} (入院期間 {n}日目)"))
                    .collect::<Vec<_>>()
                    .join(", ");
                checks.push(Check::rule_difference(
                    u,
                    l.code,
                    (None, None),
                    format!(
                        "{}: {} {} is billed on day(s) {days_text} of the month; {}: {} (入院期間 counted from the RE 入院年月日 {admitted}; a 再入院 counted with an earlier stay has no 入院初日, 通知 第1章第2部 通則8)",
                        crate::engine::kasan_stage::KASAN_LIMIT,
                        l.code,
                        rec.abbr_name,
                        e.name,
                        e.limit.describe()
                    ),
                    crate::engine::kasan_stage::KASAN_LIMIT,
                    e.cite,
                ));
            }
        }
    }
}
