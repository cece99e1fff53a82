//! Totals: sections, 点数欄, days, and the range check of every 算定単位.

use super::{Calc, MAX_UNIT_POINTS, section_name};
use crate::result::{
    AggregationTotal, ClaimResult, DayTotal, Finding, Line, Origin, RESULT_FORMAT, SectionTotal,
};
use crate::rules;

impl<'a> Calc<'a> {
    pub(super) fn finish(mut self) -> ClaimResult {
        self.apply_rules();
        self.price_units();
        self.reject_out_of_range_units();
        // 診療識別 97 (食事・生活療養) lines carry yen, as in UKE: in their section, not in the
        // 合計点数, the 点数欄 or the points of the day.
        let total: i64 = self.lines.iter().map(|w| points_only(w)).sum();
        let mut sections: Vec<SectionTotal> = Vec::new();
        let mut days: Vec<DayTotal> = Vec::new();
        let mut aggregations: Vec<AggregationTotal> = Vec::new();
        for l in &self.lines {
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
            match sections.iter_mut().find(|s| s.section == l.section) {
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
        sections.sort_by_key(|s| s.section);
        days.sort_by_key(|d| d.date);
        aggregations.sort_by_key(|a| a.aggregation);
        ClaimResult {
            format: RESULT_FORMAT,
            revision: self.p.set.revision.id,
            total_points: total,
            sections,
            aggregations,
            days,
            lines: self.lines.into_iter().map(|w| w.line).collect(),
            findings: self.findings,
            copay: None,
            living: None,
        }
    }
}

/// The claim path a line comes from (its own, or the item santei derived it from).
pub(super) fn path_of(l: &Line) -> String {
    match &l.origin {
        Origin::Claimed { path } => path.clone(),
        Origin::Derived { base_path, .. } => base_path.clone(),
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

impl Calc<'_> {
    /// Drops every 算定単位 whose points × 回数 is out of range (absurd quantities), with a finding.
    pub(super) fn reject_out_of_range_units(&mut self) {
        let bad: Vec<(usize, String, String)> = self
            .lines
            .iter()
            .filter(|l| {
                l.points.is_some_and(|p| {
                    p.checked_mul(i64::from(l.times))
                        .is_none_or(|v| v.abs() > MAX_UNIT_POINTS)
                })
            })
            .map(|l| (l.unit, path_of(l), l.code.clone()))
            .collect();
        for (unit, path, code) in bad {
            self.lines.retain(|l| l.unit != unit);
            self.findings.push(
                Finding::error(rules::BAD_QUANTITY)
                    .at(path)
                    .cite(rules::CITE_MASTER)
                    .codes(vec![code])
                    .message(format!("points × 回数 of this 算定単位 exceed {MAX_UNIT_POINTS}点: the quantity cannot be right; not billed")),
            );
        }
    }
}
