//! Price: every procedure 算定単位 priced once, after the rules.
//!
//! The derive stage (resolve.rs, additions.rs, stay_stage.rs, units.rs) decides which lines exist,
//! which 算定単位 each belongs to and how it takes part in the unit's price ([`Part`]); the rules
//! stage (rules_stage.rs) drops what the rules refuse; this stage then prices each unit from the
//! lines left in it — a まるめ counted on the tests still billed (告示 D007 注 …: the 項目数 billed),
//! an item with its %加算 on the 所定点数 still there — so no unit is ever priced a second time.

use crate::explain::Explanation;
use rust_decimal::Decimal;
use rustc_hash::FxHashSet;

use super::Calc;
use super::finish::path_of;
use crate::result::{Finding, Line};
use crate::rounding::Rounding;
use crate::rules;
use crate::tables;

/// How a line takes part in the price of its 算定単位.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Part {
    /// Its `points` are final: drugs, materials, comments, meals, a % line of its own.
    Priced,
    /// In the 所定点数 of the unit: the item, its 注加算 and 注による加算 (points for one time).
    Base(i64),
    /// Added outside the 所定点数 (医科診療行為マスター 項番62 通則加算所定点数対象識別 1).
    Outside(i64),
    /// A %加算 (positive) or %減算 (negative) on the 所定点数 (点数識別 5/6).
    Percent(Decimal),
    /// A test of a まるめ of 包括対象検査 `group` (項番16): `own` is its points item by item, for a
    /// unit that falls below the tiers; `of` the 項目数 the derive stage counted.
    Bundled { group: u8, own: i64, of: u32 },
}

/// A line while the claim is computed, with its [`Part`]; the result keeps the [`Line`].
#[derive(Debug, Clone)]
pub(super) struct Work {
    pub(super) line: Line,
    pub(super) part: Part,
}

impl Work {
    pub(super) fn new(line: Line, part: Part) -> Work {
        Work { line, part }
    }

    /// A line whose points are final.
    pub(super) fn priced(line: Line) -> Work {
        Work {
            line,
            part: Part::Priced,
        }
    }
}

impl std::ops::Deref for Work {
    type Target = Line;
    fn deref(&self) -> &Line {
        &self.line
    }
}

impl std::ops::DerefMut for Work {
    fn deref_mut(&mut self) -> &mut Line {
        &mut self.line
    }
}

/// The price of an item with its 注加算 and %: `None` when no item is left to carry a % (the
/// unit's % lines then cannot be billed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct UnitSum {
    pub(super) base: i64,
    pub(super) percent: Decimal,
    pub(super) outside: i64,
    pub(super) has_base: bool,
}

impl UnitSum {
    pub(super) fn of(parts: impl IntoIterator<Item = Part>) -> UnitSum {
        let mut s = UnitSum {
            base: 0,
            percent: Decimal::ZERO,
            outside: 0,
            has_base: false,
        };
        for p in parts {
            match p {
                Part::Base(v) => {
                    s.base = s.base.saturating_add(v);
                    s.has_base = true;
                }
                Part::Outside(v) => s.outside = s.outside.saturating_add(v),
                Part::Percent(v) => s.percent += v,
                Part::Priced | Part::Bundled { .. } => {}
            }
        }
        s
    }

    /// The unit's points ([`crate::price::unit_total`]: every % on the same 所定点数, rounded
    /// half up once).
    pub(super) fn total(&self) -> i64 {
        crate::price::unit_total(self.base, self.percent, self.outside)
    }
}

impl Calc<'_> {
    /// Prices every procedure 算定単位 from the lines the rules left in it: the unit's points on its
    /// last line, the others `None` (as UKE records a 算定単位). A % line left without its item is
    /// not billed (MST-009); a まるめ below its first tier is billed test by test.
    pub(super) fn price_units(&mut self) {
        let mut members: smallvec::SmallVec<[usize; 32]> = (0..self.lines.len())
            .filter(|&k| self.lines[k].part != Part::Priced)
            .collect();
        if members.is_empty() {
            return;
        }
        members.sort_by_key(|&k| (self.lines[k].unit, k));
        let mut gone: Vec<usize> = Vec::new();
        let mut start = 0;
        while start < members.len() {
            let unit = self.lines[members[start]].unit;
            let end = members[start..]
                .iter()
                .position(|&k| self.lines[k].unit != unit)
                .map_or(members.len(), |n| start + n);
            let group = &members[start..end];
            if let [k] = *group {
                if let Part::Base(p) = self.lines[k].part {
                    // An item alone: its own points.
                    self.lines[k].points = Some(p);
                    start = end;
                    continue;
                }
            }
            let bundle = group.iter().find_map(|&k| match self.lines[k].part {
                Part::Bundled { group, of, .. } => Some((group, of)),
                _ => None,
            });
            match bundle {
                Some((g, of)) => self.price_bundle(group, g, of, &mut gone),
                None => self.price_sum(group, &mut gone),
            }
            start = end;
        }
        if !gone.is_empty() {
            gone.sort_unstable();
            let mut k = 0;
            self.lines.retain(|_| {
                let keep = gone.binary_search(&k).is_err();
                k += 1;
                keep
            });
        }
    }

    /// An item with its 注加算 and %加算 (see `unit_for`).
    fn price_sum(&mut self, group: &[usize], gone: &mut Vec<usize>) {
        let sum = UnitSum::of(group.iter().map(|&k| self.lines[k].part));
        if !sum.has_base {
            for &k in group {
                if matches!(self.lines[k].part, Part::Percent(_)) {
                    self.orphan_percent(k);
                    gone.push(k);
                }
            }
        }
        // Without an item, the % lines are gone (MST-009 above).
        let billed = |k: usize| sum.has_base || !matches!(self.lines[k].part, Part::Percent(_));
        let n = group.iter().filter(|&&k| billed(k)).count();
        let Some(&last) = group.iter().rev().find(|&&k| billed(k)) else {
            return;
        };
        let total = sum.total();
        for &k in group {
            self.lines[k].points = None;
        }
        let explain = self.explain && n > 1;
        let l = &mut self.lines[last];
        l.points = Some(total);
        let times = l.times;
        if explain {
            l.explain.push(Explanation::UnitPriced {
                lines: n,
                base: sum.base,
                percent: sum.percent,
                outside: sum.outside,
                total,
                rounding: Rounding::HalfUp,
                times,
            });
        }
    }

    /// A まるめ of 包括対象検査: the tier of the distinct tests billed (a test a rule dropped does not
    /// count), a % of the unit on it; below the first tier every test is its own unit.
    fn price_bundle(&mut self, group: &[usize], g: u8, of: u32, gone: &mut Vec<usize>) {
        let tests: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&k| matches!(self.lines[k].part, Part::Bundled { .. }))
            .collect();
        let Some(&last) = group.last() else {
            return;
        };
        let date = self.lines[last].date;
        let distinct: FxHashSet<&str> =
            tests.iter().map(|&k| self.lines[k].code.as_str()).collect();
        let n = distinct.len() as u32;
        let mut codes: Vec<String> = distinct.iter().map(|c| c.to_string()).collect();
        codes.sort_unstable();
        // bundle() (units.rs) made the lines Bundled only when this table has the day: never None here.
        let Some(b) = tables::bundling(g, date) else {
            return;
        };
        let dropped = if n < of {
            format!(" ({} of {of} counted: a rule dropped the others)", n)
        } else {
            String::new()
        };
        let first_path = tests.first().map(|&k| path_of(&self.lines[k]));
        let message = match b.points(n) {
            Some(points) => {
                let sum = UnitSum::of(group.iter().map(|&k| self.lines[k].part));
                let total = crate::price::unit_total(points, sum.percent, sum.outside);
                for &k in group {
                    self.lines[k].points = None;
                }
                if self.explain {
                    let individual: i64 = tests
                        .iter()
                        .map(|&k| match self.lines[k].part {
                            Part::Bundled { own, .. } => own,
                            _ => 0,
                        })
                        .sum();
                    let l = &mut self.lines[last];
                    l.explain.push(Explanation::Bundle {
                        kubun: b.kubun,
                        counted: n,
                        of,
                        points,
                        item_by_item: individual,
                        citation: b.citation,
                    });
                    if total != points {
                        l.explain.push(Explanation::BundlePercent {
                            points,
                            percent: sum.percent,
                            total,
                            rounding: Rounding::HalfUp,
                        });
                    }
                }
                self.lines[last].points = Some(total);
                format!("{} まるめ: {n}項目{dropped} → {points}点", b.kubun)
            }
            None => {
                for &k in group {
                    match self.lines[k].part {
                        Part::Bundled { own, .. } => {
                            let unit = self.unit();
                            let explain = self.explain;
                            let l = &mut self.lines[k];
                            l.unit = unit;
                            l.points = Some(own);
                            if explain {
                                l.explain.push(Explanation::BelowBundle {
                                    kubun: b.kubun,
                                    counted: n,
                                    of,
                                    points: own,
                                    citation: b.citation,
                                });
                            }
                        }
                        Part::Percent(_) => {
                            self.orphan_percent(k);
                            gone.push(k);
                        }
                        _ => {}
                    }
                }
                format!(
                    "{} まるめ: {n}項目{dropped}, below the tiers; billed item by item",
                    b.kubun
                )
            }
        };
        if let Some(path) = first_path {
            self.findings.push(
                Finding::info(rules::BUNDLING)
                    .at(path)
                    .cite(b.citation)
                    .codes(codes)
                    .message(message),
            );
        }
    }

    fn orphan_percent(&mut self, k: usize) {
        let l = &self.lines[k];
        let path = path_of(l);
        let (code, name) = (l.code.clone(), l.name.clone());
        self.findings.push(
            Finding::error(rules::UNSUPPORTED_POINT_KIND)
                .at(path)
                .cite(rules::CITE_MASTER)
                .codes(vec![code.clone()])
                .message(format!(
                    "{code} {name}: %加算 without its item (a rule dropped the item it applies to); line not billed"
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(v: i64) -> Part {
        Part::Percent(Decimal::from(v))
    }

    #[test]
    fn item_alone_is_its_points() {
        let s = UnitSum::of([Part::Base(500)]);
        assert_eq!(s.total(), 500);
        assert!(s.has_base);
    }

    #[test]
    fn every_percent_on_the_same_base_rounded_once() {
        // 1歳 小児創傷処理 500点, 乳幼児加算 100%, 休日加算２ 80% (告示 第10部 通則7・12): 500 × 280/100.
        let s = UnitSum::of([Part::Base(500), pct(100), pct(80)]);
        assert_eq!(s.total(), 1_400);
        // A 注加算 joins the 所定点数 before the % (通知 第10部 通則9).
        let s = UnitSum::of([Part::Base(500), pct(80), Part::Base(100)]);
        assert_eq!(s.total(), 1_080);
    }

    #[test]
    fn outside_is_added_after_the_percent() {
        let s = UnitSum::of([Part::Base(155), pct(50), Part::Outside(30)]);
        // 155 × 150/100 = 232.5 → 233 (四捨五入), + 30.
        assert_eq!(s.total(), 263);
    }

    #[test]
    fn percent_subtract_and_no_base() {
        // 外泊 15/100: a %減算 of 85 on the 基本点数 1,688 → 253.2 → 253.
        let s = UnitSum::of([Part::Base(1_688), pct(-85)]);
        assert_eq!(s.total(), 253);
        let s = UnitSum::of([pct(70)]);
        assert!(!s.has_base);
    }
}
