//! Totals: sections, 点数欄, days, and the range check of every 算定単位.

use super::{MAX_UNIT_POINTS, within_unit_bound};
use crate::result::{
    AggregationTotal, ClaimResult, DayTotal, Finding, Line, Origin, RESULT_FORMAT, SectionTotal,
};
use crate::rules;
use crate::sections::section_name;

/// Totals: the 合計点数, the points per section (診療識別), per 点数欄 (点数集計先識別) and per day,
/// from the priced lines; the copayment is attached later (copay/).
pub(super) fn totals(
    revision: &'static str,
    lines: Vec<Line>,
    findings: Vec<Finding>,
) -> ClaimResult {
    // 診療識別 97 (食事・生活療養) lines carry yen, as in UKE: in their section, not in the
    // 合計点数, the 点数欄 or the points of the day.
    let total: i64 = lines.iter().map(points_only).sum();
    let mut sections: Vec<SectionTotal> = Vec::new();
    let mut days: Vec<DayTotal> = Vec::new();
    let mut aggregations: Vec<AggregationTotal> = Vec::new();
    for l in &lines {
        if l.aggregation != 0 && !is_yen(l) {
            let pts = line_points(l);
            match aggregations
                .iter_mut()
                .find(|a| a.aggregation == l.aggregation)
            {
                Some(a) => a.points += pts,
                None => aggregations.push(AggregationTotal {
                    aggregation: l.aggregation,
                    points: pts,
                }),
            }
        }
        let pts = line_points(l);
        match sections
            .iter_mut()
            .find(|s| same_section(s.section, l.section))
        {
            Some(s) => s.points += pts,
            None => sections.push(SectionTotal {
                section: l.section,
                name: section_name(l.section),
                points: pts,
            }),
        }
        let pts = points_only(l);
        match days.iter_mut().find(|d| d.date == l.date) {
            Some(d) => d.points += pts,
            None => days.push(DayTotal {
                date: l.date,
                points: pts,
            }),
        }
    }
    sections.sort_by(|a, b| section_order(a.section, b.section));
    days.sort_by_key(|d| d.date);
    aggregations.sort_by_key(|a| a.aggregation);
    ClaimResult {
        format: RESULT_FORMAT,
        revision,
        total_points: total,
        sections,
        aggregations,
        days,
        lines,
        findings,
        copay: None,
        living: None,
    }
}

/// Whether two 診療識別 are the same: two ASCII digits (UKE レセプト電算処理システム 記録条件仕様 診療識別)
/// compared as two bytes inline, any other text as text (the totals compare every line with the
/// sections so far, and a call to memcmp each time cost more than the sums).
fn same_section(a: &str, b: &str) -> bool {
    match (a.as_bytes(), b.as_bytes()) {
        (&[a0, a1], &[b0, b1]) => a0 == b0 && a1 == b1,
        (a, b) => a == b,
    }
}

/// The order of two 診療識別, as `str` orders them ([`same_section`]: two bytes inline).
fn section_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.as_bytes(), b.as_bytes()) {
        (&[a0, a1], &[b0, b1]) => (a0, a1).cmp(&(b0, b1)),
        (a, b) => a.cmp(b),
    }
}

/// The claim path a line comes from (its own, or the item santei derived it from).
pub(super) fn path_of(l: &Line) -> String {
    match &l.origin {
        Origin::Claimed { path } => path.to_string(),
        Origin::Derived { base_path, .. } => base_path.to_string(),
    }
}

/// A line of 診療識別 97 (食事・生活療養): its `points` are yen (UKE records them so).
pub(crate) fn is_yen(l: &Line) -> bool {
    l.section == "97"
}

/// Points × 回数 of a line, 0 on a yen line (診療識別 97).
fn points_only(l: &Line) -> i64 {
    if is_yen(l) { 0 } else { line_points(l) }
}

/// Points × 回数 of a line (0 on lines without points); bounded by `reject_out_of_range_units`.
pub(super) fn line_points(l: &Line) -> i64 {
    l.points.unwrap_or(0) * i64::from(l.times)
}

/// Drops every 算定単位 whose points × 回数 is out of range (absurd quantities), with a finding
/// (MST-002; [`MAX_UNIT_POINTS`] keeps every later sum far from overflow).
pub(super) fn reject_out_of_range_units(lines: &mut Vec<Line>, findings: &mut Vec<Finding>) {
    let bad: Vec<(usize, String, String)> = lines
        .iter()
        .filter(|l| {
            l.points.is_some_and(|p| {
                !p.checked_mul(i64::from(l.times))
                    .is_some_and(within_unit_bound)
            })
        })
        .map(|l| (l.unit, path_of(l), l.code.to_string()))
        .collect();
    for (unit, path, code) in bad {
        lines.retain(|l| l.unit != unit);
        findings.push(
            Finding::error(rules::BAD_QUANTITY)
                .at(path)
                .cite(rules::CITE_MASTER)
                .codes(vec![code])
                .message(format!("points × 回数 of this 算定単位 exceed {MAX_UNIT_POINTS}点: the quantity cannot be right; not billed")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::RecordKind;
    use santei_masters::Date;

    fn line(
        day: &str,
        section: &'static str,
        unit: usize,
        points: Option<i64>,
        times: u32,
    ) -> Line {
        Line {
            record: RecordKind::SI,
            section,
            date: Date::parse_iso(day).unwrap(),
            unit,
            code: format!("11100{unit:04}").into(),
            name: Default::default(),
            quantity: None,
            points,
            times,
            aggregation: if section == "97" { 0 } else { 120 },
            origin: Origin::Claimed {
                path: format!("visits[0].items[{unit}]").into(),
            },
            explain: Vec::new(),
        }
    }

    #[test]
    fn totals_by_section_day_and_points_column_without_the_yen_lines() {
        let lines = vec![
            line("2024-07-09", "12", 1, Some(75), 1),
            line("2024-07-01", "12", 2, None, 1),
            line("2024-07-01", "12", 2, Some(75), 2),
            // 食事 (診療識別 97): yen, in its section only (as UKE records it).
            line("2024-07-01", "97", 3, Some(1_380), 1),
        ];
        let r = totals("r2024-06", lines, Vec::new());
        assert_eq!(r.total_points, 225);
        let sections: Vec<(&str, i64)> = r.sections.iter().map(|s| (s.section, s.points)).collect();
        assert_eq!(sections, [("12", 225), ("97", 1_380)]);
        let days: Vec<(String, i64)> = r
            .days
            .iter()
            .map(|d| (d.date.to_string(), d.points))
            .collect();
        assert_eq!(
            days,
            [
                ("2024-07-01".to_string(), 150),
                ("2024-07-09".to_string(), 75)
            ]
        );
        assert_eq!(r.aggregations.len(), 1);
        assert_eq!(
            (r.aggregations[0].aggregation, r.aggregations[0].points),
            (120, 225)
        );
        assert_eq!(r.lines.len(), 4);
        assert!(r.copay.is_none());
    }

    #[test]
    fn an_out_of_range_unit_is_dropped_whole() {
        let mut lines = vec![
            line("2024-07-01", "40", 1, None, 1),
            line("2024-07-01", "40", 1, Some(MAX_UNIT_POINTS / 2), 3),
            line("2024-07-01", "40", 2, Some(i64::MAX), 2),
            line("2024-07-01", "12", 3, Some(75), 1),
        ];
        let mut findings = Vec::new();
        reject_out_of_range_units(&mut lines, &mut findings);
        assert_eq!(lines.iter().map(|l| l.unit).collect::<Vec<_>>(), [3]);
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(|f| f.rule == rules::BAD_QUANTITY));
        assert_eq!(findings[0].codes, ["111000001"]);
    }
}
