//! The derived checks of a receipt ([`Recalculator::derived_checks`]).

use super::*;
use crate::uke::DayCounts;

/// (day, date, unit, line, row, 回数 that day): a [`DayLine`] with the row of any type.
type DayEntry<T> = (u8, Date, usize, usize, T, u32);

/// The entries (day, date, unit, line, row, 回数 that day) of `lines` (unit, line, row, 算定日),
/// appended to `all` by day: for each day of `any_day` (bit d−1 for day d, the union of the lines'
/// days) that the month has, ascending, the lines with a count that day, in the order given. That
/// is the order a stable sort by day gives the entries collected line by line (each line's days
/// ascending), which is how they were built before, without the sort of 40-byte entries (test
/// `by_day_is_the_stable_sort_by_day`).
#[inline]
fn by_day<T: Copy, const N: usize>(
    lines: &[(usize, usize, T, &DayCounts)],
    mut any_day: u32,
    days: MonthDays,
    all: &mut smallvec::SmallVec<[DayEntry<T>; N]>,
) {
    while any_day != 0 {
        let day = any_day.trailing_zeros() as u8 + 1;
        any_day &= any_day - 1;
        let Some(date) = days.day(u32::from(day)) else {
            continue;
        };
        for &(ui, li, row, counts) in lines {
            let n = counts.get(day);
            if n > 0 {
                all.push((day, date, ui, li, row, u32::from(n)));
            }
        }
    }
}

impl<'a> Recalculator<'a> {
    /// The engine's derivations (`derive.rs`) checked on a 外来 receipt's SI lines, day by day,
    /// each by one function below (the recalculation's side of engine/src/engine/additions.rs):
    /// - [`outpatient_management`]: 外来管理加算 billed on a day with an item that blocks it
    ///   (外来管理加算区分 1; 告示 A001 注8): a difference (BAS-103.outpatient-management), not
    ///   billable that day;
    /// - [`judgement_fee`]: a 判断料 billed a second time in the month (告示 D026 注1 月1回, per
    ///   検査等実施判断グループ区分): a difference (TST-201.judgement-fee) for the times after the first;
    /// - [`time_addition`]: a 時間外等加算 the visit's other lines contradict (BAS-102.time-addition):
    ///   without its 初診料/再診料/外来診療料 that day, a variant other than the one the engine would
    ///   bill for the patient's age (乳幼児 or not), a second one on the day;
    /// - [`age_addition`]: a 年齢加算 due for the patient's age on the day (RE 生年月日; 項番100–111)
    ///   and not billed: a difference (BAS-101.age-addition) whose computed points are the 加算's;
    ///   and a 乳幼児加算 billed with a 時間外等加算 that includes it (告示 A000 注6, A001 注4, A002
    ///   注7).
    ///
    /// Lines inside a まるめ unit take no 年齢加算 (the engine adds none to them either).
    pub(super) fn derived_checks(
        &self,
        prep: &Prepared,
        r: &Receipt,
        days: MonthDays,
        checks: &mut Vec<Check>,
        rows: &[Option<&Procedure>],
        start: &[usize],
    ) {
        // (day, date, unit, line, master row, times that day) of the SI lines a derivation is
        // about (外来管理加算 and what blocks it, 判断料, 時間外等加算 and their bases, items with
        // 年齢加算 links), by day; the rows are those of the unit checks (the 診療年月's).
        // The relevant lines (unit, line, row, 算定日) and the union of their days (bit d−1 for
        // day d), then their entries day by day ([`by_day`]).
        let mut relevant: smallvec::SmallVec<[(usize, usize, &Procedure, &DayCounts); 16]> =
            smallvec::SmallVec::new();
        let mut any_day = 0u32;
        for (ui, u) in r.units.iter().enumerate() {
            for (li, l) in u.lines.iter().enumerate() {
                let Some(rec) = start
                    .get(ui)
                    .and_then(|&k| rows.get(k + li))
                    .copied()
                    .flatten()
                else {
                    continue;
                };
                let relevant_line = rec.outpatient_management != 0
                    || rec.test_judgement == 2
                    || rec.time_addition != 0
                    || rec.age_additions().next().is_some();
                if !relevant_line || l.days.is_empty() {
                    continue;
                }
                any_day |= l.days.mask();
                relevant.push((ui, li, rec, &l.days));
            }
        }
        let mut all: smallvec::SmallVec<[DayLine<'_>; 32]> = smallvec::SmallVec::new();
        by_day(&relevant, any_day, days, &mut all);
        if all.is_empty() {
            return;
        }
        let facility = crate::claim::Facility {
            kind: self.facility.kind,
            beds: self.facility.beds,
            standards: self.facility.standards.clone(),
            ..Default::default()
        };
        let mut out = Differs { r, checks };
        // The first date at or above each 年齢 code for the patient (`age::threshold`), remembered
        // for the receipt: it does not depend on the day, and a receipt asks the same few codes of
        // many items on many days.
        let mut thresholds = smallvec::SmallVec::<[(AgeCode, Option<Date>); 8]>::new();
        // 判断料 billed so far this month, per group.
        let mut judged: smallvec::SmallVec<[(u8, u32); 8]> = smallvec::SmallVec::new();
        // The 時間外等加算 of the day that include the 乳幼児加算 of their base, by 区分.
        let mut replacing: smallvec::SmallVec<[(&'static str, &Procedure); 2]> =
            smallvec::SmallVec::new();
        let mut start = 0;
        while start < all.len() {
            let day = all[start].0;
            let end = start + all[start..].iter().take_while(|e| e.0 == day).count();
            let today = Day {
                day,
                date: all[start].1,
                lines: &all[start..end],
            };
            start = end;
            outpatient_management(&today, &mut out);
            judgement_fee(&today, &mut judged, &mut out);
            replacing.clear();
            time_addition(prep, &facility, &today, &mut replacing, &mut out);
            // 年齢加算: not judged without a 生年月日, or with one after the day (the RE cannot
            // be right).
            if let Some(birth) = r.birth.filter(|b| *b <= today.date) {
                let set = &prep.set;
                age_addition(set, birth, &mut thresholds, &today, &replacing, &mut out);
            }
        }
    }
}

/// One day of a receipt as the derived checks read it: its SI lines a derivation is about
/// ([`DayLine`]s, in the receipt's order).
struct Day<'e, 'p> {
    day: u8,
    date: Date,
    lines: &'e [DayLine<'p>],
}

impl Day<'_, '_> {
    /// The (unit, line) of an SI line of the receipt that bills `code` on this day, if any.
    fn billed(&self, r: &Receipt, code: u32) -> Option<(usize, usize)> {
        r.units.iter().enumerate().find_map(|(ui, u)| {
            u.lines.iter().enumerate().find_map(|(li, l)| {
                (l.kind == LineKind::Procedure
                    && l.code == code
                    && l.days.iter().any(|(d, _)| d == self.day))
                .then_some((ui, li))
            })
        })
    }
}

/// Where the derived checks write their differences: a [`Check`] of the receipt's line.
struct Differs<'r, 'c> {
    r: &'r Receipt,
    checks: &'c mut Vec<Check>,
}

impl Differs<'_, '_> {
    /// A difference on line `li` of unit `ui` (its code unless `code` names another, such as a
    /// 年齢加算 due and not billed), with the rule and its source.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        ui: usize,
        li: usize,
        code: Option<u32>,
        claimed: Option<i64>,
        computed: Option<i64>,
        reason: String,
        rule: (&str, &str),
    ) {
        let unit = &self.r.units[ui];
        self.checks.push(Check {
            kind: CheckKind::Rule,
            status: Status::Differs,
            line: unit.lines[li].line,
            code: code.or(Some(unit.lines[li].code)),
            section: Some(unit.section),
            claimed,
            computed,
            reason: Cow::Owned(reason),
            rule: Some(Box::new(RuleRef {
                id: rule.0.to_string(),
                citation: rule.1.to_string(),
            })),
        });
    }

    /// The points the receipt claims for unit `ui`.
    fn claimed(&self, ui: usize) -> Option<i64> {
        self.r.units[ui].points
    }

    /// A line billed that the rule does not allow: its unit's claimed points against 0.
    fn not_billable(&mut self, ui: usize, li: usize, reason: String, rule: (&str, &str)) {
        let claimed = self.claimed(ui);
        self.push(ui, li, None, claimed, Some(0), reason, rule);
    }
}

/// 外来管理加算 billed on a day with an item that blocks it (告示 A001 注8; 外来管理加算区分 1,
/// [`crate::derive::outpatient_management_blocker`]).
fn outpatient_management(today: &Day<'_, '_>, out: &mut Differs<'_, '_>) {
    use crate::derive;
    let day = today.day;
    let Some(b) = derive::outpatient_management_blocker(today.lines.iter().map(|e| e.4)) else {
        return;
    };
    for &(_, _, ui, li, rec, _) in today.lines {
        if derive::is_outpatient_management(rec) {
            out.not_billable(
                ui,
                li,
                format!(
                    "{}: {} {} billed on day {day} with {} {}, which blocks it (外来管理加算区分 1): not billable that day",
                    rules::OUTPATIENT_MANAGEMENT,
                    rec.code,
                    rec.abbr_name,
                    b.code,
                    b.abbr_name
                ),
                (
                    rules::OUTPATIENT_MANAGEMENT,
                    rules::CITE_OUTPATIENT_MANAGEMENT,
                ),
            );
        }
    }
}

/// A 判断料 billed more than once in the month per 検査等実施判断グループ区分 (告示 D026 注1
/// 「各区分ごとに月1回に限り算定する」; [`crate::derive::judgement_fee_group`]). `judged` counts
/// the times billed so far this month, per group.
fn judgement_fee(
    today: &Day<'_, '_>,
    judged: &mut smallvec::SmallVec<[(u8, u32); 8]>,
    out: &mut Differs<'_, '_>,
) {
    let day = today.day;
    for &(_, _, ui, li, rec, n) in today.lines {
        let Some(g) = crate::derive::judgement_fee_group(rec) else {
            continue;
        };
        let seen = match judged.iter_mut().find(|(gg, _)| *gg == g) {
            Some((_, c)) => c,
            None => {
                judged.push((g, 0));
                &mut judged.last_mut().expect("just pushed").1
            }
        };
        let allowed = 1u32.saturating_sub(*seen);
        *seen = seen.saturating_add(n);
        let excess = n.saturating_sub(allowed);
        if excess > 0 {
            out.not_billable(
                ui,
                li,
                format!(
                    "{}: {} {} (検査等実施判断グループ区分 {g}) billed {excess} more time(s) on day {day}: a 判断料 is billed once a month per group",
                    rules::JUDGEMENT_FEE,
                    rec.code,
                    rec.abbr_name
                ),
                (rules::JUDGEMENT_FEE, rules::CITE_JUDGEMENT),
            );
        }
    }
}

/// The 時間外等加算 of the day and the lines that contradict it (告示 A000 注7・注8, A001 注5・注6,
/// A002 注8・注9; [`crate::derive::choose_time_addition`], the engine's choice): a second one of a
/// 区分, one without its 初診料/再診料/外来診療料, a variant other than the engine's for the
/// patient's age. Adds to `replacing` the 時間外等加算 billed that include the 乳幼児加算 of their
/// base ([`crate::derive::time_addition_replaces_infant`]), by 区分.
fn time_addition<'p>(
    prep: &'p Prepared,
    facility: &crate::claim::Facility,
    today: &Day<'_, 'p>,
    replacing: &mut smallvec::SmallVec<[(&'static str, &'p Procedure); 2]>,
    out: &mut Differs<'_, '_>,
) {
    use crate::derive;
    let (day, date) = (today.day, today.date);
    let mut time_seen: smallvec::SmallVec<[&str; 2]> = smallvec::SmallVec::new();
    let cite = (rules::TIME_ADDITION, derive::CITE_TIME_ADDITION);
    for &(_, _, ui, li, rec, _) in today.lines {
        let Some(key) = derive::is_time_addition(prep, rec) else {
            continue;
        };
        if time_seen.contains(&key) {
            out.not_billable(
                ui,
                li,
                format!(
                    "{}: a second 時間外等加算 of {key} on day {day} ({} {}): one visit takes one",
                    rules::TIME_ADDITION,
                    rec.code,
                    rec.abbr_name
                ),
                cite,
            );
            continue;
        }
        time_seen.push(key);
        let base = today
            .lines
            .iter()
            .find(|e| derive::time_addition_base(e.4) == Some(key));
        let Some(base) = base.map(|e| e.4) else {
            out.not_billable(
                ui,
                li,
                format!(
                    "{}: {} {} billed on day {day} without its {key} (初診料・再診料・外来診療料) that day",
                    rules::TIME_ADDITION,
                    rec.code,
                    rec.abbr_name
                ),
                cite,
            );
            continue;
        };
        if derive::time_addition_replaces_infant(rec) {
            replacing.push((key, rec));
        }
        let Some(birth) = out.r.birth.filter(|b| *b <= date) else {
            continue;
        };
        let gate =
            |x: &Procedure| crate::engine::blocked(x, date, birth, false, facility, None).is_none();
        let mut expected = None;
        let mut ok = false;
        for &cat in derive::time_categories_of(rec.time_addition) {
            if let Some(c) = derive::choose_time_addition(prep, base, date, cat, gate) {
                ok |= c.code == rec.code;
                expected.get_or_insert(c);
            }
        }
        if ok {
            continue;
        }
        let computed = expected
            .and_then(|c| price::procedure_points(c, None).ok())
            .map(|p| p.points);
        out.push(
            ui,
            li,
            None,
            out.claimed(ui),
            computed,
            format!(
                "{}: {} {} ({}) contradicts the visit: for a patient of {}歳 on day {day} with {} {}, the 加算 of this 時間加算区分 is {}",
                rules::TIME_ADDITION,
                rec.code,
                rec.abbr_name,
                age::describe(rec.min_age, rec.max_age),
                age::age_years(birth, date),
                base.code,
                base.abbr_name,
                expected.map_or_else(
                    || "none that can be billed here".to_string(),
                    |c| format!("{} {}", c.code, c.abbr_name)
                )
            ),
            cite,
        );
    }
}

/// 年齢加算 (項番100–111 links; [`crate::derive::due_age_additions_by`]) of a patient born `birth`
/// (on or before the day): billed with a 時間外等加算 that includes it (`replacing`; 告示 A000 注6,
/// A001 注4, A002 注7), or due and not billed. `thresholds` remembers the first date at or above
/// each 年齢 code for the patient (`age::threshold`) for the receipt.
fn age_addition(
    set: &MasterSet,
    birth: Date,
    thresholds: &mut smallvec::SmallVec<[(AgeCode, Option<Date>); 8]>,
    today: &Day<'_, '_>,
    replacing: &[(&'static str, &Procedure)],
    out: &mut Differs<'_, '_>,
) {
    use crate::derive;
    let (day, date) = (today.day, today.date);
    // The patient's age test of the day, `age::in_range` from the thresholds remembered for the
    // receipt.
    let thresholds = std::cell::RefCell::new(thresholds);
    let threshold = |code: AgeCode| {
        // `00` (no limit) is one side of most ranges: answered before the search.
        if code.is_none() {
            return None;
        }
        if let Some(&(_, t)) = thresholds.borrow().iter().find(|e| e.0 == code) {
            return t;
        }
        let t = age::threshold(birth, code);
        thresholds.borrow_mut().push((code, t));
        t
    };
    let in_range = |min: AgeCode, max: AgeCode| age::within(date, threshold(min), threshold(max));
    for &(_, _, ui, li, rec, _) in today.lines {
        let unit = &out.r.units[ui];
        if unit.lines.len() > 1 && rec.bundled_test_group != 0 {
            continue;
        }
        let replaced_by = derive::time_addition_base(rec)
            .and_then(|k| replacing.iter().find(|(kk, _)| *kk == k).map(|(_, t)| *t));
        for (min, max, code) in derive::due_age_additions_by(rec, in_range) {
            let Some(add) = set.procedures.get(code.0, date) else {
                continue;
            };
            let billed = today.billed(out.r, code.0);
            if let Some(t) = replaced_by {
                if let Some((aui, ali)) = billed {
                    out.not_billable(
                        aui,
                        ali,
                        format!(
                            "{}: {} {} billed on day {day} with {} {}, the 時間外等加算 for 6歳未満 that includes it",
                            rules::AGE_ADDITION,
                            add.code,
                            add.abbr_name,
                            t.code,
                            t.abbr_name
                        ),
                        (rules::AGE_ADDITION, rules::CITE_INFANT_WITH_TIME),
                    );
                }
                continue;
            }
            if billed.is_some() {
                continue;
            }
            let unit = &out.r.units[ui];
            let computed = match add.point_kind() {
                PointKind::PercentAdd | PointKind::PercentSubtract => {
                    unit.points.filter(|_| unit.lines.len() == 1).map(|base| {
                        price::percent_change(
                            base,
                            add.points.to_decimal(),
                            add.point_kind() == PointKind::PercentAdd,
                        )
                    })
                }
                _ => price::procedure_points(add, None).ok().map(|p| p.points),
            };
            out.push(
                ui,
                li,
                Some(add.code.0),
                None,
                computed,
                format!(
                    "{}: {} {} is due with {} {} on day {day} (age {}; {}, 項番100–111) and not billed",
                    rules::AGE_ADDITION,
                    add.code,
                    add.abbr_name,
                    rec.code,
                    rec.abbr_name,
                    age::age_years(birth, date),
                    age::describe(min, max)
                ),
                (rules::AGE_ADDITION, derive::CITE_AGE_ADDITION),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`by_day`] against the general form it replaces: every (line, day) entry collected line
    /// by line, then a stable sort by day. Edge inputs: no line, a line without days, day 1 and
    /// day 31 (in months of 31, 30 and 29 days, where day 31 is no date), the same day on several
    /// lines, units in any order, counts above 1.
    #[test]
    fn by_day_is_the_stable_sort_by_day() {
        let counts = |days: &[(u8, u16)]| {
            let mut c = DayCounts::default();
            for &(d, n) in days {
                c.set(d, n);
            }
            c
        };
        let lines = [
            counts(&[(3, 1), (31, 2)]),
            counts(&[]),
            counts(&[(1, 1), (3, 4), (15, 1)]),
            counts(&[(3, 1)]),
            counts(&[(31, 1), (30, 1), (1, 2)]),
        ];
        for (year, month) in [(2024, 7), (2024, 6), (2024, 2)] {
            let days = MonthDays::new(year, month);
            for take in 0..=lines.len() {
                let given: Vec<(usize, usize, u32, &DayCounts)> = lines[..take]
                    .iter()
                    .enumerate()
                    .map(|(k, c)| (take - k, k % 2, 900 + k as u32, c))
                    .collect();
                let mut general = Vec::new();
                for &(ui, li, row, c) in &given {
                    for (day, n) in c.iter() {
                        if let Some(date) = days.day(u32::from(day)) {
                            general.push((day, date, ui, li, row, u32::from(n)));
                        }
                    }
                }
                general.sort_by_key(|e| e.0);
                let any_day = given.iter().fold(0, |m, l| m | l.3.mask());
                let mut fast = smallvec::SmallVec::<[_; 4]>::new();
                by_day(&given, any_day, days, &mut fast);
                assert_eq!(fast.to_vec(), general, "{year}-{month}, {take} lines");
            }
        }
    }
}
