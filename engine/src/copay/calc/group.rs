//! The claim's lines grouped by day of the month and by 負担区分 part (the set of 公費 covering
//! them), with what each 公費 covers.

use smallvec::SmallVec;

use super::*;

/// The claim's lines by day and by 負担区分 part.
#[derive(Debug, PartialEq)]
pub(super) struct Grouped {
    /// The days of care (bit = day index, the day of the month − 1).
    pub days: u32,
    /// The date of each day of care, by day index.
    pub dates: [Date; DAYS],
    /// Points per day index.
    pub day_points: [i64; DAYS],
    /// The parts, by mask (one on nearly every claim: kept inline).
    pub parts: SmallVec<[Part; 1]>,
    /// 負担区分コード of each line.
    pub burden: Vec<&'static str>,
    /// Points and days (bit = day index) of the lines each 公費 covers.
    pub fund_points: [i64; MAX_FUNDS],
    pub fund_days: [u32; MAX_FUNDS],
    /// Σ of the days' points (saturating): the claim's 合計点数.
    pub total_points: i64,
    /// Σ |points| of the lines (saturating): no sum of the lines' points is larger.
    pub abs_points: i64,
}

impl Grouped {
    /// The days of care in date order: (day index, date).
    pub fn days(&self) -> impl Iterator<Item = (usize, Date)> + '_ {
        day_indexes(self.days).map(|i| (i, self.dates[i]))
    }

    /// How many days of care.
    pub fn day_count(&self) -> usize {
        self.days.count_ones() as usize
    }

    /// Adds a line to its day; returns the day index.
    fn add_day(&mut self, l: &LinePoints<'_>, day: &mut DayOf) -> usize {
        let di = day.index(l.date);
        self.dates[di] = l.date;
        self.days |= 1 << di;
        self.day_points[di] = self.day_points[di].saturating_add(l.points);
        self.abs_points = self.abs_points.saturating_add(l.points.saturating_abs());
        di
    }
}

/// The day index of the lines' dates, computed once for each run of lines on one date (a visit's
/// lines come together).
struct DayOf {
    date: Date,
    index: usize,
}

impl DayOf {
    fn new() -> DayOf {
        DayOf {
            date: Date::MAX,
            index: day_index(Date::MAX),
        }
    }

    fn index(&mut self, d: Date) -> usize {
        if d != self.date {
            (self.date, self.index) = (d, day_index(d));
        }
        self.index
    }
}

/// The bits of the 公費 (in priority order) whose `covers` include a claim path.
fn fund_mask(funds: &[Fund], path: &str) -> u8 {
    let mut mask = 0u8;
    for (k, f) in funds.iter().enumerate() {
        if f.covers
            .as_ref()
            .is_none_or(|c| c.iter().any(|p| covers_path(p, path)))
        {
            mask |= 1 << k;
        }
    }
    mask
}

impl Grouped {
    /// No line yet.
    pub fn new() -> Grouped {
        Grouped {
            days: 0,
            dates: [Date::MAX; DAYS],
            day_points: [0; DAYS],
            parts: SmallVec::new(),
            burden: Vec::new(),
            fund_points: [0; MAX_FUNDS],
            fund_days: [0; MAX_FUNDS],
            total_points: 0,
            abs_points: 0,
        }
    }

    /// Groups the lines of one calendar month (compute_lines refuses others, CPY-516) by day (indexed
    /// by the day of the month, so no search and no day beyond 31) and by the set of 公費 covering
    /// them (at most four: resolve_funds refuses more, so a mask fits a u8). On a new [`Grouped`].
    pub fn group(&mut self, lines: &[LinePoints<'_>], funds: &[Fund], insured: bool) {
        let g = self;
        if funds.iter().all(|f| f.covers.is_none()) {
            // Every 公費 covers every line (nearly every claim): one part whose points per day are
            // the day's, and each 公費's points the lines' — the sums of the general loop below, in
            // the same order, without a mask per line. A test holds the two equal
            // (funds_without_covers_group_as_funds_covering_every_line). Kept for its cost: one
            // loop over runs of one part for both cases measured 3,653 → 4,042 instructions a
            // copay::compute of the typical visit (callgrind, profile_copay).
            let mask = ((1u32 << funds.len()) - 1) as u8;
            let mut day = DayOf::new();
            for l in lines {
                g.add_day(l, &mut day);
            }
            g.burden = vec![burden_code(insured, mask); lines.len()];
            if !lines.is_empty() {
                g.parts.push(Part {
                    mask,
                    day_points: g.day_points,
                    days: g.days,
                });
            }
            if !funds.is_empty() {
                let total = lines.iter().fold(0i64, |a, l| a.saturating_add(l.points));
                for k in 0..funds.len() {
                    g.fund_points[k] = total;
                    g.fund_days[k] = g.days;
                }
            }
            g.total_points = g.sum_of_days();
            return;
        }
        g.burden.reserve_exact(lines.len());
        let mut day = DayOf::new();
        for l in lines {
            let mask = fund_mask(funds, l.path);
            g.burden.push(burden_code(insured, mask));
            let di = g.add_day(l, &mut day);
            for (k, fp) in g.fund_points.iter_mut().enumerate().take(funds.len()) {
                if mask & (1 << k) != 0 {
                    *fp = fp.saturating_add(l.points);
                    g.fund_days[k] |= 1 << di;
                }
            }
            let i = match g.parts.iter().position(|p| p.mask == mask) {
                Some(i) => i,
                None => {
                    g.parts.push(Part {
                        mask,
                        day_points: [0; DAYS],
                        days: 0,
                    });
                    g.parts.len() - 1
                }
            };
            let p = &mut g.parts[i];
            p.day_points[di] = p.day_points[di].saturating_add(l.points);
            p.days |= 1 << di;
        }
        g.parts.sort_by_key(|p| p.mask);
        g.total_points = g.sum_of_days();
    }

    /// Σ of the days' points (saturating), the claim's 合計点数.
    fn sum_of_days(&self) -> i64 {
        day_indexes(self.days).fold(0i64, |a, di| a.saturating_add(self.day_points[di]))
    }
}

/// The index of a day of the month (0–30).
fn day_index(d: Date) -> usize {
    (d.day().clamp(1, DAYS as u32) - 1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn line(date: &str, points: i64, path: &'static str) -> LinePoints<'static> {
        LinePoints {
            date: d(date),
            points,
            path,
        }
    }

    const LINES: [(&str, i64, &str); 4] = [
        ("2024-07-31", 100, "visits[1].items[0]"),
        ("2024-07-01", 73, "visits[0].items[0]"),
        ("2024-07-31", 20, "visits[1].items[1]"),
        ("2024-07-01", 0, "visits[0].items[1]"),
    ];

    fn group_lines(lines: &[LinePoints<'_>], funds: &[Fund], insured: bool) -> Grouped {
        let mut g = Grouped::new();
        g.group(lines, funds, insured);
        g
    }

    fn lines() -> Vec<LinePoints<'static>> {
        LINES.iter().map(|(d, p, path)| line(d, *p, path)).collect()
    }

    fn fund(covers: Option<&[&str]>) -> Fund {
        Fund {
            law: "54".into(),
            name: "".into(),
            payer: None,
            recipient: None,
            permille: None,
            per_visit: None,
            max_visits: None,
            cap: None,
            under70: tables::Under70PartLimit::UFormula,
            elder_part_class: None,
            meals: tables::MealCover::None,
            covers: covers.map(|c| c.iter().map(|p| p.to_string()).collect()),
            citation: "",
        }
    }

    #[test]
    fn day_index_of_each_date() {
        let mut day = DayOf::new();
        for (s, i) in [
            ("2024-07-31", 30),
            ("2024-07-31", 30),
            ("2024-07-01", 0),
            ("9999-12-31", 30),
        ] {
            assert_eq!(day.index(d(s)), i, "{s}");
        }
        assert_eq!(DayOf::new().index(Date::MAX), day_index(Date::MAX));
    }

    #[test]
    fn lines_grouped_by_day_of_month_in_date_order() {
        let g = group_lines(&lines(), &[], true);
        assert_eq!(
            g.days().collect::<Vec<_>>(),
            vec![(0, d("2024-07-01")), (30, d("2024-07-31"))]
        );
        assert_eq!(g.day_count(), 2);
        assert_eq!(g.day_points[0], 73);
        assert_eq!(g.day_points[30], 120);
        assert_eq!(g.day_points.iter().sum::<i64>(), 193);
        assert_eq!(g.parts.len(), 1);
        assert_eq!(g.parts[0].mask, 0);
        assert_eq!(g.parts[0].day_points, g.day_points);
        assert_eq!(g.burden, vec!["1"; 4]);
        assert_eq!(g.fund_points, [0; MAX_FUNDS]);
        assert_eq!((g.total_points, g.abs_points), (193, 193));
    }

    /// 公費 without `covers` group as 公費 whose `covers` name every line; sums saturate.
    #[test]
    fn funds_without_covers_group_as_funds_covering_every_line() {
        let all = Some(&["visits[0]", "visits[1]"][..]);
        let mut lines = lines();
        lines.push(line("2024-07-15", i64::MAX, "visits[1].items[2]"));
        lines.push(line("2024-07-15", 5, "visits[1].items[3]"));
        let without = group_lines(&lines, &[fund(None), fund(None)], true);
        let covering = group_lines(&lines, &[fund(all), fund(all)], true);
        assert_eq!(without, covering);
        assert_eq!(without.burden, vec!["4"; 6]);
        assert_eq!(without.fund_points[1], i64::MAX);
        assert_eq!(without.total_points, i64::MAX);
        assert_eq!(without.day_points[14], i64::MAX);
        assert_eq!(group_lines(&[], &[fund(None)], false).parts.len(), 0);
    }

    #[test]
    fn parts_by_the_funds_covering_them() {
        let g = group_lines(&lines(), &[fund(None), fund(Some(&["visits[1]"]))], true);
        assert_eq!(g.parts.iter().map(|p| p.mask).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(g.burden, ["4", "2", "4", "2"]);
        assert_eq!(g.fund_points[..2], [193, 120]);
        assert_eq!(g.fund_days[..2], [1 | 1 << 30, 1 << 30]);
        assert_eq!(g.parts[0].days, 1);
        assert_eq!(g.parts[1].day_points[30], 120);
        assert_eq!(
            (g.day_points[0], g.day_points[30], g.total_points),
            (73, 120, 193)
        );
    }
}
