//! Price: every procedure 算定単位 priced once, after the rules.
//!
//! The resolve and derive stages (resolve/, derive_stage.rs, additions.rs, stay_stage.rs, units.rs) decides which lines exist,
//! which 算定単位 each belongs to and how it takes part in the unit's price ([`Part`]); the rules
//! stage (rules_stage.rs) drops what the rules refuse; this stage then prices each unit from the
//! lines left in it — a まるめ counted on the tests still billed (告示 D007 注 …: the 項目数 billed),
//! an item with its %加算 on the 所定点数 still there — so no unit is ever priced a second time.

use crate::explain::Explanation;
use rust_decimal::Decimal;
use rustc_hash::FxHashSet;

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

/// The stage's input: the lines the rules left ([`Work`]: each with its [`Part`]), the last 算定単位
/// number used (a まるめ below its tiers splits into new units) and whether to explain.
pub(super) struct Ruled {
    pub(super) lines: Vec<Work>,
    pub(super) next_unit: usize,
    pub(super) explain: bool,
}

/// The stage's output: every line with its final `points` (the 算定単位's on its last line, `None`
/// on the others, as UKE records a 算定単位); no [`Part`] is left to decide.
pub(super) type Priced = Vec<Line>;

/// Prices every procedure 算定単位 from the lines the rules left in it: the unit's points on its
/// last line, the others `None`. A % line left without its item is not billed (MST-009, a finding
/// in `findings`); a まるめ below its first tier is billed test by test (TST-202). Reads nothing but
/// its input and santei's まるめ tables (`tables::bundling`).
pub(super) fn price(ruled: Ruled, findings: &mut Vec<Finding>) -> Priced {
    let mut p = Pricer {
        lines: ruled.lines,
        next_unit: ruled.next_unit,
        explain: ruled.explain,
        findings,
    };
    p.price_units();
    p.lines.into_iter().map(|w| w.line).collect()
}

/// The price stage at work: [`price`]'s input and the findings it adds.
struct Pricer<'f> {
    lines: Vec<Work>,
    next_unit: usize,
    explain: bool,
    findings: &'f mut Vec<Finding>,
}

impl Pricer<'_> {
    fn unit(&mut self) -> usize {
        self.next_unit += 1;
        self.next_unit
    }

    fn price_units(&mut self) {
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
        let (code, name) = (l.code.to_string(), l.name.clone());
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
    use crate::result::{Origin, RecordKind};
    use santei_masters::Date;

    /// A 検査 line of unit `unit` on 2024-07-01 (r06 まるめ tiers), claimed at items[`i`].
    fn work(i: usize, code: &str, unit: usize, part: Part) -> Work {
        Work::new(
            Line {
                record: RecordKind::SI,
                section: "60",
                date: Date::parse_iso("2024-07-01").unwrap(),
                unit,
                code: code.into(),
                name: format!("item {code}").into(),
                quantity: None,
                points: None,
                times: 1,
                aggregation: 600,
                origin: Origin::Claimed {
                    path: format!("visits[0].items[{i}]").into(),
                },
                explain: Vec::new(),
            },
            part,
        )
    }

    fn run(lines: Vec<Work>, explain: bool) -> (Priced, Vec<Finding>) {
        let mut findings = Vec::new();
        let ruled = Ruled {
            lines,
            next_unit: 10,
            explain,
        };
        (price(ruled, &mut findings), findings)
    }

    fn bundled(own: i64, of: u32) -> Part {
        Part::Bundled { group: 1, own, of }
    }

    #[test]
    fn a_unit_is_priced_once_on_its_last_line() {
        // 500点 with 注加算 100点 and two % on the same 所定点数 (通知 第10部 通則9): 600 × 280/100.
        let lines = vec![
            work(0, "150000110", 1, Part::Base(500)),
            work(0, "150000290", 1, Part::Base(100)),
            work(0, "150000390", 1, pct(100)),
            work(0, "150000490", 1, pct(80)),
            work(1, "620000001", 2, Part::Priced),
        ];
        let (priced, findings) = run(lines, true);
        assert!(findings.is_empty(), "{findings:?}");
        let points: Vec<Option<i64>> = priced.iter().map(|l| l.points).collect();
        assert_eq!(points, [None, None, None, Some(1_680), None]);
        assert_eq!(priced[3].explain.len(), 1, "{:?}", priced[3].explain);
        assert!(
            matches!(
                priced[3].explain[0],
                crate::Explanation::UnitPriced {
                    lines: 4,
                    base: 600,
                    total: 1_680,
                    times: 1,
                    ..
                }
            ),
            "{:?}",
            priced[3].explain[0]
        );
        // Without explanations no text is built.
        let (priced, _) = run(
            vec![work(0, "1", 1, Part::Base(5)), work(0, "2", 1, pct(50))],
            false,
        );
        assert!(priced.iter().all(|l| l.explain.is_empty()));
        assert_eq!(priced[1].points, Some(8));
    }

    #[test]
    fn a_percent_without_its_item_is_not_billed() {
        // A rule dropped the item: its % line goes, with MST-009 naming the code.
        let (priced, findings) = run(
            vec![
                work(0, "150000390", 1, pct(100)),
                work(1, "150000110", 2, Part::Base(500)),
            ],
            false,
        );
        assert_eq!(priced.len(), 1);
        assert_eq!(priced[0].code, "150000110");
        assert_eq!(priced[0].points, Some(500));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, rules::UNSUPPORTED_POINT_KIND);
        assert_eq!(findings[0].codes, ["150000390"]);
        assert_eq!(findings[0].path, "visits[0].items[0]");
    }

    #[test]
    fn a_bundle_is_priced_on_the_distinct_tests_billed() {
        // D007 まるめ (告示 D007 注, r06): 5〜7項目 93点. Six lines, five distinct codes (one test
        // twice counts once); the derive stage counted 6.
        let codes = [
            "160019410",
            "160019510",
            "160019610",
            "160019710",
            "160019810",
            "160019810",
        ];
        let lines = codes
            .iter()
            .enumerate()
            .map(|(i, c)| work(i, c, 3, bundled(11, 6)))
            .collect();
        let (priced, findings) = run(lines, true);
        assert_eq!(
            priced.iter().filter_map(|l| l.points).collect::<Vec<_>>(),
            [93]
        );
        assert_eq!(priced[5].points, Some(93));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, rules::BUNDLING);
        assert_eq!(findings[0].codes.len(), 5);
        assert!(
            findings[0].message.contains("5項目 (5 of 6 counted"),
            "{}",
            findings[0].message
        );
        assert!(
            matches!(
                priced[5].explain[0],
                crate::Explanation::Bundle {
                    counted: 5,
                    of: 6,
                    points: 93,
                    item_by_item: 66,
                    ..
                }
            ),
            "{:?}",
            priced[5].explain
        );
    }

    #[test]
    fn a_bundle_below_its_tiers_is_billed_test_by_test() {
        // Four tests of D007: below the first tier (5項目), each its own unit at its own points; a %
        // on the unit has no item left to carry it.
        let mut lines: Vec<Work> = ["160019410", "160019510", "160019610", "160019710"]
            .iter()
            .enumerate()
            .map(|(i, c)| work(i, c, 3, bundled(11 + i as i64, 4)))
            .collect();
        lines.push(work(4, "160000190", 3, pct(50)));
        let (priced, findings) = run(lines, false);
        assert_eq!(priced.len(), 4);
        assert_eq!(
            priced.iter().map(|l| l.points).collect::<Vec<_>>(),
            [Some(11), Some(12), Some(13), Some(14)]
        );
        let units: Vec<usize> = priced.iter().map(|l| l.unit).collect();
        assert_eq!(units, [11, 12, 13, 14], "new units after next_unit");
        let rules_seen: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules_seen, [rules::UNSUPPORTED_POINT_KIND, rules::BUNDLING]);
    }

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
