//! Recalculation of UKE receipts against the masters of their 診療年月. Every check ends as
//! [`Status::Match`], [`Status::Differs`] (claimed vs computed, with the reason) or
//! [`Status::CannotCheck`] (with the reason: unknown code, multi-code unit, percentage item …).

use std::borrow::Cow;
use std::cell::Cell;

use rust_decimal::Decimal;

use super::reader::{Go, LineKind, Receipt, UkeError, Unit, YearMonth};
use crate::claim::FacilityKind;
use crate::engine::{Engine, MAX_UNIT_POINTS, within_unit_bound};
use crate::masters::{
    AgeCode, Date, Drug, MasterCatalog, MasterSet, MonthDays, PointKind, Procedure,
};
use crate::prepared::Prepared;
use crate::price::{self, Bound, PriceError, PricedHow};
use crate::tables::{Bundling, bundling};
use crate::{age, rules};

mod derived;
mod report;
mod stay;
mod tsusoku;
mod unit;

pub use report::{
    Check, CheckKind, Outcome, ReceiptReport, RuleRef, SECTION_MEALS, Status, Summary,
};
use unit::*;

thread_local! {
    /// The rule items of a receipt and the (unit, line) of each, kept per thread between
    /// receipts (cleared on each; only the allocations are reused).
    #[allow(clippy::type_complexity)]
    static RULE_ITEMS: Cell<(Vec<(usize, usize)>, Vec<santei_rules_dsl::Item>)> =
        const { Cell::new((Vec::new(), Vec::new())) };
}

/// What is recalculated against: masters only, or an [`Engine`]'s masters, with or without its
/// rules.
#[derive(Clone, Copy)]
enum Source<'a> {
    Catalog(&'a MasterCatalog),
    Engine(&'a Engine, bool),
}

/// The facility facts a UKE file does not carry, for the rules that ask about them.
#[derive(Debug, Clone, Default)]
pub struct FacilityFacts {
    pub kind: FacilityKind,
    pub beds: u32,
    /// 施設基準 届出 codes.
    pub standards: Vec<u16>,
}

/// Recalculates receipts; immutable, so one value serves every thread of a batch.
#[derive(Clone)]
pub struct Recalculator<'a> {
    source: Source<'a>,
    facility: FacilityFacts,
}

/// The running totals of a run in file order: the summary and the GO counters of the current
/// file. Receipts may be recalculated in any order and on any thread; the tally takes their
/// reports in file order.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    go_cases: u64,
    go_points: i64,
    pub summary: Summary,
}

impl Tally {
    pub fn new() -> Self {
        Tally::default()
    }
    /// Call at the start of each file (GO totals are per file).
    pub fn start_file(&mut self) {
        self.go_cases = 0;
        self.go_points = 0;
    }
    /// A malformed receipt (counted; the receipt itself cannot be checked).
    pub fn malformed(&mut self, _e: &UkeError) {
        self.summary.malformed += 1;
    }
    /// Counts a receipt's report.
    pub fn add(&mut self, rep: &ReceiptReport) {
        // Claimed numbers come from the file: sums saturate instead of wrapping.
        self.go_cases = self.go_cases.saturating_add(rep.cases);
        self.go_points = self
            .go_points
            .saturating_add(rep.claimed_total.unwrap_or(0));
        let s = &mut self.summary;
        s.receipts += 1;
        s.out_of_scope += u64::from(rep.out_of_scope);
        s.lines += rep.lines as u64;
        s.unknown_records += u64::from(rep.unknown_records);
        s.claimed_points = s
            .claimed_points
            .saturating_add(rep.claimed_total.unwrap_or(0));
        s.computed_points = s.computed_points.saturating_add(rep.computed_total);
        s.by_kind[CheckKind::DayCounts as usize][Status::Match as usize] +=
            u64::from(rep.day_counts_matched);
        for c in &rep.checks {
            s.add(c);
        }
    }
    /// The GO record against the receipts counted since [`Tally::start_file`] (or the last GO).
    pub fn totals(&mut self, go: &Go) -> Vec<Check> {
        let checks = vec![
            compare(
                CheckKind::GoCases,
                go.line,
                go.total_cases.map(|c| c as i64),
                self.go_cases as i64,
                "count of HO + KO records",
                "GO 総件数",
            ),
            compare(
                CheckKind::GoPoints,
                go.line,
                go.total_points,
                self.go_points,
                "Σ main-payer 合計点数 of the receipts",
                "GO 総合計点数",
            ),
        ];
        for c in &checks {
            self.summary.add(c);
        }
        self.start_file();
        checks
    }
}

/// Why a DPC receipt (one with a BU/SB/KK/GA/HH/GT/CD/SK record, ../shared/docs/UKE_LAYOUT.md)
/// is not recalculated: its 包括 points come from the 診断群分類点数表, which santei does not have.
pub const DPC_OUT_OF_SCOPE: &str = "DPC (診断群分類) receipts are out of santei's scope";

/// The report of a receipt santei does not recalculate: one [`CheckKind::ReceiptTotal`] check
/// that cannot be checked, on `line` (the record that shows the kind), with `reason`; the
/// computed total is the claimed one (nothing was computed), and the receipt counts as
/// [`ReceiptReport::out_of_scope`].
fn out_of_scope(r: &Receipt, line: usize, reason: &'static str) -> ReceiptReport {
    let claimed_total = r.claimed_total();
    ReceiptReport {
        number: r.number,
        line: r.line,
        month: r.month,
        inpatient: r.is_inpatient(),
        claimed_total,
        computed_total: claimed_total.unwrap_or(0),
        lines: r.units.iter().map(|u| u.lines.len()).sum(),
        cases: r.cases(),
        day_counts_matched: 0,
        checks: vec![Check {
            kind: CheckKind::ReceiptTotal,
            status: Status::CannotCheck,
            line,
            code: None,
            section: None,
            claimed: claimed_total,
            computed: None,
            reason: Cow::Borrowed(reason),
            rule: None,
        }],
        unknown_records: r.unknown_records,
        first_unknown: r.first_unknown.clone(),
        out_of_scope: true,
    }
}

/// A [`Recalculator`] and a [`Tally`] together, for reading one file after another on one thread.
pub struct Recalc<'a> {
    pub calc: Recalculator<'a>,
    pub tally: Tally,
}

impl<'a> Recalc<'a> {
    /// Against the masters only (no rule checks).
    pub fn new(catalog: &'a MasterCatalog) -> Self {
        Recalc {
            calc: Recalculator::new(catalog),
            tally: Tally::new(),
        }
    }
    /// Against an engine's masters and rules.
    pub fn with_engine(engine: &'a Engine) -> Self {
        Recalc {
            calc: Recalculator::with_engine(engine),
            tally: Tally::new(),
        }
    }
    pub fn summary(&self) -> &Summary {
        &self.tally.summary
    }
    pub fn start_file(&mut self) {
        self.tally.start_file();
    }
    pub fn malformed(&mut self, e: &UkeError) {
        self.tally.malformed(e);
    }
    pub fn receipt(&mut self, r: &Receipt) -> ReceiptReport {
        let rep = self.calc.receipt(r);
        self.tally.add(&rep);
        rep
    }
    pub fn totals(&mut self, go: &Go) -> Vec<Check> {
        self.tally.totals(go)
    }
}

impl<'a> Recalculator<'a> {
    /// Against the masters only: no rule checks.
    pub fn new(catalog: &'a MasterCatalog) -> Self {
        Recalculator {
            source: Source::Catalog(catalog),
            facility: FacilityFacts::default(),
        }
    }

    /// Against an engine: its masters, and its rules (背反, 包括, 算定回数) on the SI lines.
    pub fn with_engine(engine: &'a Engine) -> Self {
        Recalculator {
            source: Source::Engine(engine, true),
            facility: FacilityFacts::default(),
        }
    }

    /// Against an engine's masters only: no rule checks.
    pub fn with_engine_masters(engine: &'a Engine) -> Self {
        Recalculator {
            source: Source::Engine(engine, false),
            facility: FacilityFacts::default(),
        }
    }

    /// The facility facts for the rules that ask about them (a UKE file does not carry them;
    /// the default is a 診療所 without beds or 施設基準).
    pub fn facility(mut self, facts: FacilityFacts) -> Self {
        self.facility = facts;
        self
    }

    /// Recalculates one receipt. The computed total is Σ of the computed points × 回数 of every
    /// 算定単位 (the claimed points where a unit cannot be checked, which that unit's check says).
    /// Rule and derivation outcomes are differences of their own, on the line concerned; they do
    /// not change the sums (a file that bills a refused line differs there, once).
    pub fn receipt(&self, r: &Receipt) -> ReceiptReport {
        if let Some((line, _)) = &r.dpc {
            return out_of_scope(r, *line, DPC_OUT_OF_SCOPE);
        }
        let date = r.month.first_day();
        // The engine's revision of the 診療年月, looked up once for the unit checks and every
        // rule and derivation check below (each looked it up again: a walk over the revisions
        // and their periods per lookup).
        let (prep, set) = match self.source {
            Source::Catalog(c) => (None, c.for_date(date)),
            Source::Engine(e, _) => {
                let prep = e.prepared_for(date);
                (prep, prep.map(|p| &p.set))
            }
        };
        // One check per unit, the totals, and a few rule outcomes: one allocation.
        let mut checks = Vec::with_capacity(r.units.len() + r.publics.len() + 4);
        let mut lines = 0;
        let mut day_counts_matched = 0u32;
        // Per unit: the points of one time that count in the computed total (None: left out).
        let mut per_time: smallvec::SmallVec<[Option<i64>; 32]> =
            smallvec::SmallVec::with_capacity(r.units.len());
        // The 診療行為マスター row of every line (None: not an SI line, or not in the master), looked
        // up once for the unit checks and the derivations; `start[ui]` is unit ui's first line.
        let mut rows: smallvec::SmallVec<[Option<&Procedure>; 32]> = smallvec::SmallVec::new();
        let mut start: smallvec::SmallVec<[usize; 32]> = smallvec::SmallVec::new();
        for u in &r.units {
            // The unit's lines as a slice once (each read of the SmallVec asks whether it spilled).
            let ulines = u.lines.as_slice();
            lines += ulines.len();
            start.push(rows.len());
            let first = rows.len();
            rows.extend(ulines.iter().map(|l| {
                (l.kind == LineKind::Procedure)
                    .then(|| set.and_then(|s| s.procedures.get(l.code, date)))
                    .flatten()
            }));
            // One master lookup for the sign of the total and for the unit's check.
            let drug = single_drug(set, date, u);
            let deduction = is_deduction(drug, u);
            let computed = check_unit(
                set,
                date,
                r.month,
                u,
                (deduction, drug),
                &rows[first..],
                &mut checks,
            );
            for l in ulines {
                let days = i64::from(l.days.total());
                // A matching line is counted, not listed: it is most of the checks, and the
                // reports stay small (the summary and `counts()` still include it).
                if !l.days.is_empty() && days == i64::from(l.count) {
                    day_counts_matched += 1;
                    continue;
                }
                let mut c = compare(
                    CheckKind::DayCounts,
                    l.line,
                    Some(i64::from(l.count)),
                    days,
                    "Σ 算定日 counts",
                    "回数",
                );
                c.code = Some(l.code);
                c.section = Some(l.section);
                if l.days.is_empty() {
                    c.status = Status::CannotCheck;
                    c.reason = Cow::Borrowed("no 算定日 on the line");
                }
                checks.push(c);
            }
            if u.section == SECTION_MEALS {
                per_time.push(None);
                continue;
            }
            let Some(p) = u.points else {
                per_time.push(None);
                continue;
            };
            // 点数 × 回数 of the file and of the computation, checked: an absurd line (a 点数 of
            // 15 digits) is refused as the claim engine refuses an oversized 算定単位 (finding
            // MST-002), not summed. The 点数 alone is bounded too: with a 回数 of 0 the product is
            // 0 whatever the 点数, and a 減点 line's 点数 is negated below.
            let count = i64::from(u.count);
            let fits = |x: i64| {
                within_unit_bound(x) && x.checked_mul(count).is_some_and(within_unit_bound)
            };
            // The computed points where the unit could be computed, else the claimed ones.
            let v = computed.unwrap_or(p);
            if !fits(p) || (v != p && !fits(v)) {
                let l = ulines.last().expect("a unit has lines");
                // The claimed line refused whole, or its computation out of range.
                let (whose, x, computed) = if fits(p) {
                    ("computed ", v, computed)
                } else {
                    ("", p, None)
                };
                checks.push(Check {
                    kind: match l.kind {
                        LineKind::Procedure => CheckKind::Procedure,
                        LineKind::Drug => CheckKind::Drug,
                        LineKind::Material => CheckKind::Material,
                    },
                    status: Status::Differs,
                    line: l.line,
                    code: Some(l.code),
                    section: Some(u.section),
                    claimed: Some(p),
                    computed,
                    reason: Cow::Owned(format!(
                        "{whose}点数 {x} × 回数 {count} exceeds {MAX_UNIT_POINTS}点 for one 算定単位: the line cannot be right and is left out of the computed total"
                    )),
                    rule: None,
                });
                per_time.push(None);
                continue;
            }
            per_time.push(Some(if deduction { v.saturating_neg() } else { v }));
        }
        // Rule and derivation outcomes, reported after the totals.
        let mut outcomes = Vec::new();
        if let (Source::Engine(_, true), Some(prep)) = (self.source, prep) {
            // The dates of the 診療年月's days, for the 算定日 of every line.
            let days = MonthDays::new(r.month.year, r.month.month);
            self.rule_checks(&prep.rules, r, days, &mut outcomes);
            if !r.is_inpatient() {
                self.derived_checks(prep, r, days, &mut outcomes, &rows, &start);
            }
            self.tsusoku_checks(prep, r, &mut outcomes, &rows, &start);
            if r.is_inpatient() {
                self.stay_checks(prep, r, &mut outcomes, &rows, &start);
            }
        }
        let mut computed_total = 0i64;
        let mut per_public = [0i64; 5];
        for (ui, u) in r.units.iter().enumerate() {
            let Some(pt) = per_time[ui] else { continue };
            // Within ±MAX_UNIT_POINTS: the units out of it were refused above.
            let amount = pt.saturating_mul(i64::from(u.count));
            computed_total = computed_total.saturating_add(amount);
            let burden = u.lines.last().map_or(' ', |l| l.burden.0);
            let mut payers = crate::burden::payers(burden).unwrap_or(0);
            while payers != 0 {
                let k = payers.trailing_zeros() as usize;
                payers &= payers - 1;
                per_public[k] = per_public[k].saturating_add(amount);
            }
        }
        let claimed_total = r.claimed_total();
        let line = r
            .insurance
            .as_ref()
            .map(|h| h.line)
            .or(r.publics.first().map(|k| k.line))
            .unwrap_or(r.line);
        checks.push(compare(
            CheckKind::ReceiptTotal,
            line,
            claimed_total,
            computed_total,
            "Σ computed 点数 × 回数 of the SI/IY/TO units (the claimed 点数 where a unit cannot be checked; 診療識別 97 excluded)",
            if r.insurance.is_some() {
                "HO 合計点数"
            } else {
                "first KO 合計点数 (公費単独)"
            },
        ));
        // Each KO: the lines whose 負担区分 names that 公費. Only when a 医保 is the main payer
        // (for 公費単独 the first KO is the receipt total, checked above).
        if r.insurance.is_some() {
            for (i, k) in r.publics.iter().enumerate().take(4) {
                checks.push(compare(
                    CheckKind::PublicTotal,
                    k.line,
                    k.points,
                    per_public[i + 1],
                    "Σ computed 点数 × 回数 of the units whose 負担区分 includes this 公費",
                    "KO 合計点数",
                ));
            }
        }
        checks.append(&mut outcomes);
        ReceiptReport {
            number: r.number,
            line: r.line,
            month: r.month,
            inpatient: r.is_inpatient(),
            claimed_total,
            computed_total,
            lines,
            cases: r.cases(),
            day_counts_matched,
            checks,
            unknown_records: r.unknown_records,
            first_unknown: r.first_unknown.clone(),
            out_of_scope: false,
        }
    }

    /// The rule engine on the receipt's SI lines, one item per line and 算定日. Exclusions,
    /// inclusions and count limits that drop a line billed with points are differences; rules
    /// that need a person's look (特例条件, 背反区分 3) cannot be checked. Requirements (施設基準,
    /// 傷病名, comments) and additions are not judged here: the file does not carry the facts
    /// they ask about.
    fn rule_checks(
        &self,
        rules: &santei_rules_dsl::RuleSet,
        r: &Receipt,
        days: MonthDays,
        checks: &mut Vec<Check>,
    ) {
        let first = r.month.first_day();
        if rules.is_empty() {
            return;
        }
        // One item per SI line and 算定日, in the vectors of the previous receipt on this thread
        // (cleared; they grow to the largest receipt once): two allocations and frees less per
        // receipt, and no pass to size them.
        let (mut at, mut items) = RULE_ITEMS.with(Cell::take);
        at.clear();
        items.clear();
        self.rule_items(r, rules, days, first, &mut at, &mut items, checks);
        // An outsized receipt frees its own (it does not hold its memory on the thread).
        if items.capacity() <= santei_rules_dsl::eval::SCRATCH_KEEP {
            RULE_ITEMS.with(|s| s.set((at, items)));
        }
    }

    /// [`Recalculator::rule_checks`] with the items' vectors given (empty).
    #[allow(clippy::too_many_arguments)]
    fn rule_items(
        &self,
        r: &Receipt,
        rules: &santei_rules_dsl::RuleSet,
        days: MonthDays,
        first: Date,
        at: &mut Vec<(usize, usize)>,
        items: &mut Vec<santei_rules_dsl::Item>,
        checks: &mut Vec<Check>,
    ) {
        use santei_rules_dsl::{Action, RuleKind};
        for (ui, u) in r.units.iter().enumerate() {
            for (li, l) in u.lines.iter().enumerate() {
                if l.kind != LineKind::Procedure {
                    continue;
                }
                let quantity = rules::item_quantity(l.quantity);
                for (day, n) in l.days.iter() {
                    let Some(date) = days.day(u32::from(day)) else {
                        continue;
                    };
                    items.push(santei_rules_dsl::Item {
                        code: l.code,
                        date,
                        times: u32::from(n),
                        quantity,
                        history: false,
                    });
                    at.push((ui, li));
                }
            }
        }
        if items.is_empty() {
            return;
        }
        let birth = r.birth.unwrap_or(first);
        // RE 男女区分 2 = 女 (UKE 記録条件仕様); no 傷病名 特定疾患 facts or comments are judged here.
        let f = &self.facility;
        let subject = rules::subject(
            birth,
            r.sex == 2,
            r.is_inpatient(),
            (f.kind, f.beds, &f.standards),
            &[],
            &[],
        );
        // Requirements and additions ask about facts the file does not carry; they are left out
        // (their drops would also no longer thin the items the limits count).
        let kinds = [RuleKind::Inclusion, RuleKind::Exclusion, RuleKind::Limit];
        // 入院: the RE 入院年月日 starts the stay the 入院中 limits count over.
        let admission = r.admission.filter(|_| r.is_inpatient());
        for o in rules.evaluate_admitted(&subject, items, &kinds, admission) {
            let rule = &rules.rules[o.rule];
            let Some(&first_item) = o.items.first() else {
                continue;
            };
            let (ui, li) = at[first_item];
            let unit = &r.units[ui];
            let line = &unit.lines[li];
            let status = match (&o.action, rule.kind) {
                (Action::Drop, RuleKind::Exclusion | RuleKind::Inclusion | RuleKind::Limit) => {
                    // A line inside a multi-code unit (まるめ, 包括) carries no points of its own.
                    if unit.lines.len() > 1 || unit.points.unwrap_or(0) == 0 {
                        continue;
                    }
                    Status::Differs
                }
                (Action::Warn, _) => Status::CannotCheck,
                _ => continue,
            };
            checks.push(Check {
                kind: CheckKind::Rule,
                status,
                line: line.line,
                code: Some(line.code),
                section: Some(unit.section),
                claimed: unit.points,
                computed: (status == Status::Differs).then_some(0),
                reason: if status == Status::Differs {
                    Cow::Owned(format!("{}: {}; billed all the same", rule.id, o.message))
                } else {
                    Cow::Owned(format!("{}: needs a person's look: {}", rule.id, o.message))
                },
                rule: Some(Box::new(RuleRef {
                    id: rule.id.clone(),
                    citation: rule.citation.clone(),
                })),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::masters::Encoding;
    use crate::uke::{Item, UkeReader};

    #[test]
    fn drugs_materials_and_procedures_on_the_demo_masters() {
        let text = "RE,1,1112,202407,a,1,19800101\n\
            HO,06132013,1,1,1,145,,,,,,,,,\n\
            IY,21,1,610412026,3,2,14\n\
            IY,,1,610412026,1,1,7\n\
            IY,40,1,610412026,1,1,1\n\
            TO,70,1,700010000,2,24,1\n\
            SI,12,1,112007410,,75,1\n\
            SI,12,1,999999999,,10,1\n";
        let mut catalog = MasterCatalog::new();
        catalog.insert(MasterSet::demo().unwrap());
        let mut recalc = Recalc::new(&catalog);
        let items: Vec<_> = UkeReader::new(text.as_bytes(), "t", Encoding::Utf8).collect();
        let Ok(Item::Receipt(r)) = &items[0] else {
            panic!("{items:?}")
        };
        let rep = recalc.receipt(r);
        let got: Vec<(CheckKind, Status, Option<i64>)> = rep
            .checks
            .iter()
            .filter(|c| c.kind != CheckKind::DayCounts)
            .map(|c| (c.kind, c.status, c.computed))
            .collect();
        use CheckKind::*;
        use Status::*;
        assert_eq!(
            got,
            vec![
                // エチゾラム 6.40円 × 3 = 19.2円 → 2点 (五捨五超入).
                (Drug, Match, Some(2)),
                // 6.40円 ≤ 15円 → 1点 in 投薬 (21, inherited).
                (Drug, Match, Some(1)),
                // The same in 処置 (40): 0点, so the claimed 1 differs.
                (Drug, Differs, Some(0)),
                // 半切 120円 × 2 / 10 = 24点.
                (Material, Match, Some(24)),
                (Procedure, Match, Some(75)),
                (Procedure, CannotCheck, None),
                // From the computed units (the 処置 drug 0, not the claimed 1; the unknown code
                // as claimed): 144, not the claimed 145.
                (ReceiptTotal, Differs, Some(144)),
            ]
        );
        let unknown = rep
            .checks
            .iter()
            .find(|c| c.code == Some(999999999))
            .unwrap();
        assert!(unknown.reason.contains("not in the"), "{unknown:?}");
        // No 算定日 on these lines.
        assert!(
            rep.checks
                .iter()
                .filter(|c| c.kind == CheckKind::DayCounts)
                .all(|c| c.status == Status::CannotCheck)
        );
    }
}
