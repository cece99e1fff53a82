//! Recalculation of UKE receipts against the masters of their 診療年月. Every check ends as
//! [`Status::Match`], [`Status::Differs`] (claimed vs computed, with the reason) or
//! [`Status::CannotCheck`] (with the reason: unknown code, multi-code unit, percentage item …).

use std::borrow::Cow;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::reader::{Go, LineKind, Receipt, UkeError, Unit, YearMonth};
use crate::claim::FacilityKind;
use crate::engine::{Engine, MAX_UNIT_POINTS};
use crate::masters::{AgeCode, Date, MasterCatalog, MasterSet, PointKind, Procedure};
use crate::price::{self, Bound, PriceError, PricedHow};
use crate::tables::{Bundling, bundling};
use crate::{age, rules};

/// 診療識別 97: 食事・生活療養, amounts in yen, outside the point totals.
pub const SECTION_MEALS: u8 = 97;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// SI 算定単位 points vs the 医科診療行為マスター.
    Procedure,
    /// IY 剤 points (五捨五超入) vs the 医薬品マスター.
    Drug,
    /// TO points (price/10 四捨五入) vs the 特定器材マスター.
    Material,
    /// A line's 回数 vs the sum of its 算定日 counts.
    DayCounts,
    /// HO (else first KO) 合計点数 vs Σ 点数 × 回数 of the lines (97 excluded).
    ReceiptTotal,
    /// KO 合計点数 vs Σ 点数 × 回数 of the lines whose 負担区分 includes that 公費.
    PublicTotal,
    /// GO 総件数 vs the count of HO + KO records.
    GoCases,
    /// GO 総合計点数 vs Σ main-payer 合計点数.
    GoPoints,
    /// A rule of the rule engine (背反, 包括, 算定回数) that a billed line breaks, or that needs a
    /// person's look (特例条件). Only outcomes are reported: no check is counted for the rules
    /// that hold.
    Rule,
}

impl CheckKind {
    pub const COUNT: usize = 9;
    pub const ALL: [CheckKind; CheckKind::COUNT] = [
        CheckKind::Procedure,
        CheckKind::Drug,
        CheckKind::Material,
        CheckKind::DayCounts,
        CheckKind::ReceiptTotal,
        CheckKind::PublicTotal,
        CheckKind::GoCases,
        CheckKind::GoPoints,
        CheckKind::Rule,
    ];
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Procedure => "procedure",
            CheckKind::Drug => "drug",
            CheckKind::Material => "material",
            CheckKind::DayCounts => "day_counts",
            CheckKind::ReceiptTotal => "receipt_total",
            CheckKind::PublicTotal => "public_total",
            CheckKind::GoCases => "go_cases",
            CheckKind::GoPoints => "go_points",
            CheckKind::Rule => "rule",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Match,
    Differs,
    CannotCheck,
}

/// Kept for the public API: the outcome of a check.
pub type Outcome = Status;

/// One check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub kind: CheckKind,
    pub status: Status,
    /// Line of the first record concerned.
    pub line: usize,
    /// The code, for single-code units (for a code no master knows, that code).
    pub code: Option<u32>,
    pub section: Option<u8>,
    pub claimed: Option<i64>,
    pub computed: Option<i64>,
    /// Why it differs or cannot be checked (with the computation, for differences); what was
    /// compared, when it matches.
    pub reason: Cow<'static, str>,
    /// For [`CheckKind::Rule`]: the rule's id and citation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Box<RuleRef>>,
}

/// The rule behind a [`CheckKind::Rule`] check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleRef {
    pub id: String,
    pub citation: String,
}

/// The checks of one receipt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReceiptReport {
    pub number: u32,
    pub line: usize,
    pub month: YearMonth,
    pub inpatient: bool,
    pub claimed_total: Option<i64>,
    pub computed_total: i64,
    /// Number of SI/IY/TO records.
    pub lines: usize,
    /// HO + KO records (the receipt's share of GO 総件数).
    pub cases: u64,
    /// Lines whose 回数 equals the sum of their 算定日 counts: counted here, not listed in
    /// `checks` (which holds every other check, matching or not).
    pub day_counts_matched: u32,
    pub checks: Vec<Check>,
    /// Records of a type the 医科 layout does not have (not read): count, first line and ID.
    pub unknown_records: u32,
    pub first_unknown: Option<(usize, String)>,
}

impl ReceiptReport {
    pub fn differs(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Differs)
    }
    /// [match, differs, cannot check] over the receipt's checks.
    pub fn counts(&self) -> [u64; 3] {
        let mut c = [u64::from(self.day_counts_matched), 0, 0];
        for k in &self.checks {
            c[k.status as usize] += 1;
        }
        c
    }
}

/// Counts over a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub receipts: u64,
    pub malformed: u64,
    pub lines: u64,
    /// Per check kind (index `CheckKind as usize`): [match, differs, cannot check].
    #[serde(serialize_with = "ser_by_kind")]
    pub by_kind: [[u64; 3]; CheckKind::COUNT],
    /// Cannot-check reasons per kind, and their counts.
    #[serde(serialize_with = "ser_reasons")]
    pub cannot_check_reasons: BTreeMap<(CheckKind, Cow<'static, str>), u64>,
    pub claimed_points: i64,
    pub computed_points: i64,
    /// Records of a type the 医科 layout does not have, inside receipts (not read).
    pub unknown_records: u64,
}

impl Summary {
    pub fn count(&self, kind: CheckKind, status: Status) -> u64 {
        self.by_kind[kind as usize][status as usize]
    }
    pub fn total(&self, status: Status) -> u64 {
        self.by_kind.iter().map(|c| c[status as usize]).sum()
    }
    /// The kinds that have at least one check, with their [match, differs, cannot check].
    pub fn kinds(&self) -> impl Iterator<Item = (CheckKind, [u64; 3])> + '_ {
        CheckKind::ALL
            .iter()
            .map(|&k| (k, self.by_kind[k as usize]))
            .filter(|(_, c)| c.iter().any(|&n| n > 0))
    }
    fn add(&mut self, c: &Check) {
        self.by_kind[c.kind as usize][c.status as usize] += 1;
        if c.status == Status::CannotCheck {
            *self
                .cannot_check_reasons
                .entry((c.kind, c.reason.clone()))
                .or_default() += 1;
        }
    }
}

fn ser_by_kind<S: serde::Serializer>(
    by_kind: &[[u64; 3]; CheckKind::COUNT],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(
        CheckKind::ALL
            .iter()
            .filter(|k| by_kind[**k as usize].iter().any(|&n| n > 0))
            .map(|k| {
                let [m, d, n] = by_kind[*k as usize];
                let counts: BTreeMap<&str, u64> =
                    [("match", m), ("differs", d), ("cannot_check", n)].into();
                (k.name(), counts)
            }),
    )
}

fn ser_reasons<S: serde::Serializer>(
    reasons: &BTreeMap<(CheckKind, Cow<'static, str>), u64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Reason<'a> {
        kind: &'static str,
        reason: &'a str,
        count: u64,
    }
    s.collect_seq(reasons.iter().map(|((k, r), n)| Reason {
        kind: k.name(),
        reason: r,
        count: *n,
    }))
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

/// The payers (0 = 医保, 1–4 = 第1–4公費) of a 負担区分 code (UKE_LAYOUT.md).
pub fn burden_payers(code: char) -> Option<&'static [u8]> {
    Some(match code {
        '1' => &[0],
        '2' => &[0, 1],
        '3' => &[0, 2],
        '4' => &[0, 1, 2],
        '5' => &[1],
        '6' => &[2],
        '7' => &[1, 2],
        'E' => &[0, 3],
        'G' => &[0, 4],
        'B' => &[3],
        'C' => &[4],
        'H' => &[1, 3],
        'I' => &[1, 4],
        'J' => &[2, 3],
        'K' => &[2, 4],
        'L' => &[3, 4],
        'M' => &[0, 1, 3],
        'N' => &[0, 1, 4],
        'O' => &[0, 2, 3],
        'P' => &[0, 2, 4],
        'Q' => &[0, 3, 4],
        'R' => &[1, 2, 3],
        'S' => &[1, 2, 4],
        'T' => &[1, 3, 4],
        'U' => &[2, 3, 4],
        'V' => &[0, 1, 2, 3],
        'W' => &[0, 1, 2, 4],
        'X' => &[0, 1, 3, 4],
        'Y' => &[0, 2, 3, 4],
        'Z' => &[1, 2, 3, 4],
        '9' => &[0, 1, 2, 3, 4],
        _ => return None,
    })
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

    fn masters(&self, date: Date) -> Option<&'a MasterSet> {
        match self.source {
            Source::Catalog(c) => c.for_date(date),
            Source::Engine(e, _) => e.masters_for(date),
        }
    }

    /// Recalculates one receipt. The computed total is Σ of the computed points × 回数 of every
    /// 算定単位 (the claimed points where a unit cannot be checked, which that unit's check says).
    /// Rule and derivation outcomes are differences of their own, on the line concerned; they do
    /// not change the sums (a file that bills a refused line differs there, once).
    pub fn receipt(&self, r: &Receipt) -> ReceiptReport {
        let date = r.month.first_day();
        let set = self.masters(date);
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
            lines += u.lines.len();
            start.push(rows.len());
            let first = rows.len();
            rows.extend(u.lines.iter().map(|l| {
                (l.kind == LineKind::Procedure)
                    .then(|| set.and_then(|s| s.procedures.get(l.code, date)))
                    .flatten()
            }));
            // One master lookup for the sign of the total and for the unit's check.
            let deduction = is_deduction(set, date, u);
            let check = check_unit(set, date, r.month, u, deduction, &rows[first..]);
            let computed = check.computed;
            checks.push(check);
            for l in &u.lines {
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
            let sign = if deduction { -1 } else { 1 };
            // 点数 × 回数 of the file, checked: an absurd line (a 点数 of 15 digits) is refused as
            // the claim engine refuses an oversized 算定単位 (finding M002), not summed.
            if p.checked_mul(i64::from(u.count))
                .is_none_or(|v| v.abs() > MAX_UNIT_POINTS)
            {
                let l = u.lines.last().expect("a unit has lines");
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
                    computed: None,
                    reason: Cow::Owned(format!(
                        "点数 {p} × 回数 {} exceeds {MAX_UNIT_POINTS}点 for one 算定単位: the line cannot be right and is left out of the computed total",
                        u.count
                    )),
                    rule: None,
                });
                per_time.push(None);
                continue;
            }
            // The computed points where the unit could be computed, else the claimed ones.
            per_time.push(Some(sign * computed.unwrap_or(p)));
        }
        // Rule and derivation outcomes, reported after the totals.
        let mut outcomes = Vec::new();
        if let Source::Engine(engine, true) = self.source {
            self.rule_checks(engine, r, &mut outcomes);
            if !r.is_inpatient() {
                self.derived_checks(engine, r, &mut outcomes, &rows, &start);
            }
        }
        let mut computed_total = 0i64;
        let mut per_public = [0i64; 5];
        for (ui, u) in r.units.iter().enumerate() {
            let Some(pt) = per_time[ui] else { continue };
            let amount = pt
                .checked_mul(i64::from(u.count))
                .filter(|v| v.abs() <= MAX_UNIT_POINTS)
                .unwrap_or(0);
            computed_total = computed_total.saturating_add(amount);
            let burden = u.lines.last().map_or(' ', |l| l.burden.0);
            for &payer in burden_payers(burden).unwrap_or(&[]) {
                per_public[payer as usize] = per_public[payer as usize].saturating_add(amount);
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
        }
    }

    /// The rule engine on the receipt's SI lines, one item per line and 算定日. Exclusions,
    /// inclusions and count limits that drop a line billed with points are differences; rules
    /// that need a person's look (特例条件, 背反区分 3) cannot be checked. Requirements (施設基準,
    /// 傷病名, comments) and additions are not judged here: the file does not carry the facts
    /// they ask about.
    fn rule_checks(&self, engine: &Engine, r: &Receipt, checks: &mut Vec<Check>) {
        use santei_rules_dsl::{Action, RuleKind, ast};
        let first = r.month.first_day();
        let Some(rules) = engine.rules_for(first) else {
            return;
        };
        if rules.is_empty() {
            return;
        }
        // (unit index, line index) of each item.
        let mut at: Vec<(usize, usize)> = Vec::new();
        let mut items = Vec::new();
        for (ui, u) in r.units.iter().enumerate() {
            for (li, l) in u.lines.iter().enumerate() {
                if l.kind != LineKind::Procedure {
                    continue;
                }
                let quantity = l
                    .quantity
                    .filter(|q| q.fract().is_zero())
                    .and_then(|q| rust_decimal::prelude::ToPrimitive::to_u32(&q));
                for (day, n) in l.days.iter() {
                    let Some(date) = Date::from_ymd(r.month.year, r.month.month, u32::from(day))
                    else {
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
        let sex = if r.sex == 2 {
            ast::Sex::Female
        } else {
            ast::Sex::Male
        };
        let subject = santei_rules_dsl::Subject {
            birth,
            sex,
            setting: if r.is_inpatient() {
                ast::Setting::Inpatient
            } else {
                ast::Setting::Outpatient
            },
            facility: match self.facility.kind {
                FacilityKind::Clinic => ast::FacilityKind::Clinic,
                FacilityKind::Hospital => ast::FacilityKind::Hospital,
            },
            beds: self.facility.beds,
            standards: &self.facility.standards,
            disease_specific: &[],
            comments: &[],
        };
        // Requirements and additions ask about facts the file does not carry; they are left out
        // (their drops would also no longer thin the items the limits count).
        let kinds = [RuleKind::Inclusion, RuleKind::Exclusion, RuleKind::Limit];
        // 入院: the RE 入院年月日 starts the stay the 入院中 limits count over.
        let admission = r.admission.filter(|_| r.is_inpatient());
        for o in rules.evaluate_admitted(&subject, &items, &kinds, admission) {
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

    /// The engine's derivations (`derive.rs`) checked on a 外来 receipt's SI lines, day by day:
    /// - 外来管理加算 billed on a day with an item that blocks it (外来管理加算区分 1; 告示 A001 注8):
    ///   a difference (A103.outpatient-management), not billable that day;
    /// - a 判断料 billed a second time in the month (告示 D026 注1 月1回, per 検査等実施判断グループ
    ///   区分): a difference (D201.judgement-fee) for the times after the first;
    /// - a 年齢加算 due for the patient's age on the day (RE 生年月日; 項番100–111) and not billed:
    ///   a difference (A101.age-addition) whose computed points are the 加算's;
    /// - a 時間外等加算 the visit's other lines contradict (A102.time-addition): without its 初診料
    ///   /再診料/外来診療料 that day, a variant other than the one the engine would bill for the
    ///   patient's age (乳幼児 or not), a second one on the day; and a 乳幼児加算 billed with a
    ///   時間外等加算 that includes it (A101.age-addition; 告示 A000 注6, A001 注4, A002 注7).
    ///
    /// Lines inside a まるめ unit take no 年齢加算 (the engine adds none to them either).
    fn derived_checks(
        &self,
        engine: &Engine,
        r: &Receipt,
        checks: &mut Vec<Check>,
        rows: &[Option<&Procedure>],
        start: &[usize],
    ) {
        use crate::derive;
        let Some(prep) = engine.prepared_for(r.month.first_day()) else {
            return;
        };
        let set = &prep.set;
        // (day, date, unit, line, master row, times that day) of the SI lines a derivation is
        // about (外来管理加算 and what blocks it, 判断料, 時間外等加算 and their bases, items with
        // 年齢加算 links), by day; the rows are those of the unit checks (the 診療年月's).
        let mut all: smallvec::SmallVec<[DayLine<'_>; 32]> = smallvec::SmallVec::new();
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
                let relevant = rec.outpatient_management != 0
                    || rec.test_judgement == 2
                    || rec.time_addition != 0
                    || rec.age_additions().next().is_some();
                if !relevant {
                    continue;
                }
                for (day, n) in l.days.iter() {
                    let Some(date) = Date::from_ymd(r.month.year, r.month.month, u32::from(day))
                    else {
                        continue;
                    };
                    all.push((day, date, ui, li, rec, u32::from(n)));
                }
            }
        }
        if all.is_empty() {
            return;
        }
        all.sort_by_key(|e| e.0);
        let facility = crate::claim::Facility {
            kind: self.facility.kind,
            beds: self.facility.beds,
            standards: self.facility.standards.clone(),
            ..Default::default()
        };
        let rule_ref = |id: &str, citation: &str| {
            Some(Box::new(RuleRef {
                id: id.to_string(),
                citation: citation.to_string(),
            }))
        };
        let mut differs = |ui: usize,
                           li: usize,
                           code: Option<u32>,
                           claimed: Option<i64>,
                           computed: Option<i64>,
                           reason: String,
                           rule: Option<Box<RuleRef>>| {
            let unit = &r.units[ui];
            checks.push(Check {
                kind: CheckKind::Rule,
                status: Status::Differs,
                line: unit.lines[li].line,
                code: code.or(Some(unit.lines[li].code)),
                section: Some(unit.section),
                claimed,
                computed,
                reason: Cow::Owned(reason),
                rule,
            });
        };
        // 判断料 billed so far this month, per group.
        let mut judged: smallvec::SmallVec<[(u8, u32); 8]> = smallvec::SmallVec::new();
        let mut start = 0;
        while start < all.len() {
            let day = all[start].0;
            let end = start + all[start..].iter().take_while(|e| e.0 == day).count();
            let today = &all[start..end];
            start = end;
            let date = today[0].1;
            // Whether any SI line of the receipt bills `code` on this day.
            let billed_at = |code: u32| {
                r.units.iter().enumerate().find_map(|(ui, u)| {
                    u.lines.iter().enumerate().find_map(|(li, l)| {
                        (l.kind == LineKind::Procedure
                            && l.code == code
                            && l.days.iter().any(|(d, _)| d == day))
                        .then_some((ui, li))
                    })
                })
            };
            // 外来管理加算 on a day with a blocking item.
            if let Some(b) = derive::outpatient_management_blocker(today.iter().map(|e| e.4)) {
                for &(_, _, ui, li, rec, _) in today {
                    if derive::is_outpatient_management(rec) {
                        differs(
                            ui,
                            li,
                            None,
                            r.units[ui].points,
                            Some(0),
                            format!(
                                "{}: {} {} billed on day {day} with {} {}, which blocks it (外来管理加算区分 1): not billable that day",
                                rules::OUTPATIENT_MANAGEMENT,
                                rec.code,
                                rec.abbr_name,
                                b.code,
                                b.abbr_name
                            ),
                            rule_ref(
                                rules::OUTPATIENT_MANAGEMENT,
                                rules::CITE_OUTPATIENT_MANAGEMENT,
                            ),
                        );
                    }
                }
            }
            // 判断料 月1回.
            for &(_, _, ui, li, rec, n) in today {
                let Some(g) = derive::judgement_fee_group(rec) else {
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
                    differs(
                        ui,
                        li,
                        None,
                        r.units[ui].points,
                        Some(0),
                        format!(
                            "{}: {} {} (検査等実施判断グループ区分 {g}) billed {excess} more time(s) on day {day}: a 判断料 is billed once a month per group",
                            rules::JUDGEMENT_FEE,
                            rec.code,
                            rec.abbr_name
                        ),
                        rule_ref(rules::JUDGEMENT_FEE, rules::CITE_JUDGEMENT),
                    );
                }
            }
            // 時間外等加算 and the lines that contradict it.
            let birth = r.birth;
            let mut time_seen: smallvec::SmallVec<[&str; 2]> = smallvec::SmallVec::new();
            let mut replacing: smallvec::SmallVec<[(&str, &Procedure); 2]> =
                smallvec::SmallVec::new();
            for &(_, _, ui, li, rec, _) in today {
                let Some(key) = derive::is_time_addition(prep, rec) else {
                    continue;
                };
                let cite = rule_ref(rules::TIME_ADDITION, derive::CITE_TIME_ADDITION);
                if time_seen.contains(&key) {
                    differs(
                        ui,
                        li,
                        None,
                        r.units[ui].points,
                        Some(0),
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
                    .iter()
                    .find(|e| derive::time_addition_base(e.4) == Some(key));
                let Some(base) = base.map(|e| e.4) else {
                    differs(
                        ui,
                        li,
                        None,
                        r.units[ui].points,
                        Some(0),
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
                let Some(birth) = birth.filter(|b| *b <= date) else {
                    continue;
                };
                let gate = |x: &Procedure| {
                    crate::engine::gate(x, date, birth, false, &facility, None).is_none()
                };
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
                differs(
                    ui,
                    li,
                    None,
                    r.units[ui].points,
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
            // 年齢加算: billed with a 時間外等加算 that includes it, or due and missing. Not judged
            // without a 生年月日, or with one after the day (the RE cannot be right).
            let Some(birth) = birth.filter(|b| *b <= date) else {
                continue;
            };
            // The patient's age test of the day, remembered per (下限年齢, 上限年齢): a receipt asks
            // the same few ranges of many items.
            let ages: std::cell::RefCell<smallvec::SmallVec<[(AgeCode, AgeCode, bool); 8]>> =
                std::cell::RefCell::default();
            let in_range = |min: AgeCode, max: AgeCode| {
                if let Some(&(_, _, v)) = ages.borrow().iter().find(|e| e.0 == min && e.1 == max) {
                    return v;
                }
                let v = age::in_range(birth, date, min, max);
                ages.borrow_mut().push((min, max, v));
                v
            };
            for &(_, _, ui, li, rec, _) in today {
                let unit = &r.units[ui];
                if unit.lines.len() > 1 && rec.bundled_test_group != 0 {
                    continue;
                }
                let replaced_by = derive::time_addition_base(rec)
                    .and_then(|k| replacing.iter().find(|(kk, _)| *kk == k).map(|(_, t)| *t));
                for (min, max, code) in derive::due_age_additions_by(rec, in_range) {
                    let Some(add) = set.procedures.get(code.0, date) else {
                        continue;
                    };
                    let billed = billed_at(code.0);
                    if let Some(t) = replaced_by {
                        if let Some((aui, ali)) = billed {
                            differs(
                                aui,
                                ali,
                                None,
                                r.units[aui].points,
                                Some(0),
                                format!(
                                    "{}: {} {} billed on day {day} with {} {}, the 時間外等加算 for 6歳未満 that includes it",
                                    rules::AGE_ADDITION,
                                    add.code,
                                    add.abbr_name,
                                    t.code,
                                    t.abbr_name
                                ),
                                rule_ref(rules::AGE_ADDITION, rules::CITE_INFANT_WITH_TIME),
                            );
                        }
                        continue;
                    }
                    if billed.is_some() {
                        continue;
                    }
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
                    differs(
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
                        rule_ref(rules::AGE_ADDITION, derive::CITE_AGE_ADDITION),
                    );
                }
            }
        }
    }
}

/// The points of one 点数 (点数識別 3/4, or 7 減算) item of the 医科診療行為マスター, from the pricing
/// library ([`crate::price::procedure_points`] and its きざみ policy).
fn procedure_points(
    p: &Procedure,
    quantity: Option<Decimal>,
    revision: &'static str,
) -> Result<(i64, How), NotChecked> {
    match price::procedure_points(p, quantity) {
        Ok(priced) => Ok((
            priced.points,
            match priced.how {
                PricedHow::Steps(steps) => How::Steps { revision, steps },
                PricedHow::Master | PricedHow::Minus => How::Master { revision },
            },
        )),
        Err(PriceError::NotPoints(kind)) => {
            Err((Cow::Owned(format!("点数識別 {kind:?}")), Some(p.code.0)))
        }
        Err(e) => Err((Cow::Owned(e.to_string()), Some(p.code.0))),
    }
}

/// A 算定単位 of several SI codes, computed the way UKE groups them:
/// - every line in one 包括対象検査 group (項番16) that santei has まるめ tiers for on the date:
///   the tier for the number of distinct codes (Σ of their 点数 below the first tier);
/// - otherwise the 点数 lines (きざみ computed) add up, and one %加算/%減算 line (点数識別 5/6) applies to the Σ of
///   the lines before it, rounded half up (RECEIPTC_GAIRAI_SAMPLE: ＥＣＧ１２ 130 + ＥＦ 1,140,
///   乳幼児加算 70% → 2,159), the lines after it adding as they are.
///
/// Any other shape (金額, two % lines, a まるめ group mixed with other items, a group
/// without tiers in santei) cannot be checked and says why.
fn multi_procedure(
    set: &MasterSet,
    date: Date,
    u: &Unit,
    rows: &[Option<&Procedure>],
) -> Result<(i64, How), NotChecked> {
    let overflow = || (Cow::Borrowed("the Σ of the unit's points overflows"), None);
    let mut sum = 0i64;
    let mut percent = None;
    // The 包括対象検査 group shared by every line (Some(0): none), None when they differ.
    let mut group = None;
    let mut mixed = false;
    for (i, l) in u.lines.iter().enumerate() {
        let p = rows.get(i).copied().flatten().ok_or((
            Cow::Borrowed("code not in the 診療行為マスター of the 診療年月"),
            Some(l.code),
        ))?;
        if i == 0 {
            group = Some(p.bundled_test_group);
        } else if group != Some(p.bundled_test_group) {
            mixed = true;
        }
        let value = p.points.to_decimal();
        match p.point_kind() {
            PointKind::Points | PointKind::PrefecturalPurchasePrice | PointKind::MinusPoints => {
                sum = sum
                    .checked_add(procedure_points(p, l.quantity, set.revision.id)?.0)
                    .ok_or_else(overflow)?;
            }
            kind @ (PointKind::PercentAdd | PointKind::PercentSubtract) => {
                if percent.is_some() {
                    return Err((
                        Cow::Borrowed("multi-code unit with two %加算/%減算 items"),
                        None,
                    ));
                }
                let add = price::percent_change(sum, value, kind == PointKind::PercentAdd);
                percent = Some((value, sum, add));
                sum = sum.checked_add(add).ok_or_else(overflow)?;
            }
            _ => {
                return Err((
                    Cow::Owned(format!(
                        "multi-code unit with 点数識別 {} (master column 11)",
                        p.point_kind
                    )),
                    Some(l.code),
                ));
            }
        }
    }
    let revision = set.revision.id;
    let summed = How::Sum {
        revision,
        codes: u.lines.len(),
        percent,
    };
    if mixed {
        group = None;
    }
    match group {
        Some(0) => Ok((sum, summed)),
        Some(g) if percent.is_none() => {
            let Some(bundling) = bundling(g, date) else {
                return Err((
                    Cow::Owned(format!(
                        "multi-code unit: まるめ of 包括対象検査 group {g}, for which santei has no tiers on {date}"
                    )),
                    None,
                ));
            };
            let mut codes: smallvec::SmallVec<[u32; 16]> = u.lines.iter().map(|l| l.code).collect();
            codes.sort_unstable();
            codes.dedup();
            let items = codes.len() as u32;
            Ok(match bundling.points(items) {
                Some(points) => (points, How::Bundle { bundling, items }),
                None => (sum, summed),
            })
        }
        _ => Err((
            Cow::Borrowed(
                "multi-code unit: 包括対象検査 (まるめ) items with other items or a %加算",
            ),
            None,
        )),
    }
}

/// A 薬剤料減点 unit: one IY record of a drug whose 医薬品マスター 金額種別 is 7 (減点), such as
/// 630010002 薬剤料逓減（９０／１００）（内服薬）. Its 点数 is recorded positive and subtracted
/// from the receipt (ikasample.csv receipt 5: Σ lines 12,032 − 2 × 534 = HO 10,964). Without the
/// month's 医薬品マスター, the 6300100xx family is taken (all six 金額種別 7 codes of r06).
fn is_deduction(set: Option<&MasterSet>, date: Date, u: &Unit) -> bool {
    let [l] = u.lines.as_slice() else {
        return false;
    };
    if l.kind != LineKind::Drug {
        return false;
    }
    match set.and_then(|s| s.drugs.get(l.code, date)) {
        Some(d) => d.price_kind == 7,
        None => l.code / 1000 == 630_010,
    }
}

fn compare(
    kind: CheckKind,
    line: usize,
    claimed: Option<i64>,
    computed: i64,
    how: &'static str,
    what: &'static str,
) -> Check {
    let (status, reason) = match claimed {
        None => (Status::CannotCheck, Cow::Owned(format!("{what} is empty"))),
        Some(c) if c == computed => (Status::Match, Cow::Borrowed(how)),
        Some(c) => (
            Status::Differs,
            Cow::Owned(format!("{what} {c} ≠ {how} {computed}")),
        ),
    };
    Check {
        kind,
        status,
        line,
        code: None,
        section: None,
        claimed,
        computed: Some(computed),
        reason,
        rule: None,
    }
}

/// How a unit's points were computed, written out only when someone reads it (a difference).
enum How {
    Master {
        revision: &'static str,
    },
    Steps {
        revision: &'static str,
        steps: price::Steps,
    },
    /// Several SI codes: Σ of their 点数, one %加算/%減算 on the Σ before it.
    Sum {
        revision: &'static str,
        codes: usize,
        /// (%, the Σ it applies to, the points it adds (negative for %減算)).
        percent: Option<(Decimal, i64, i64)>,
    },
    /// A 検体検査 まるめ: the tier for the number of items.
    Bundle {
        bundling: &'static Bundling,
        items: u32,
    },
    Drug {
        yen: Decimal,
    },
    Material {
        price: Decimal,
        quantity: Decimal,
    },
}

impl How {
    /// For a match: what was compared, without numbers.
    fn matched(&self) -> &'static str {
        match self {
            How::Master { .. } => "the master's 点数",
            How::Steps { .. } => "the master's きざみ",
            How::Sum { percent: None, .. } => "Σ of the master's 点数",
            How::Sum { .. } => "Σ of the master's 点数 with the %加算 on the Σ before it",
            How::Bundle { .. } => "the 告示's まるめ tier",
            How::Drug { .. } => "Σ 薬価 × 使用量 五捨五超入",
            How::Material { .. } => "材料価格 × 使用量 ÷ 10円 (特定器材種別) 四捨五入",
        }
    }
    fn render(&self, points: i64) -> String {
        match self {
            How::Master { revision } => format!("{revision} master: {points}点"),
            How::Steps { revision, steps } => {
                let q = steps
                    .quantity
                    .map_or_else(|| "not given".to_string(), |q| q.to_string());
                let bound = match steps.bound {
                    Bound::Within => String::new(),
                    Bound::NoQuantity => " (no 数量: 基本点数)".to_string(),
                    Bound::AboveUpperWarned { upper } => {
                        format!(" (above the 上限値 {upper}: 点数算定式１, 警告)")
                    }
                    Bound::AboveUpperCapped { upper } => {
                        format!(" (above the 上限値 {upper}: 点数算定式２)")
                    }
                };
                format!(
                    "{revision} master きざみ: {} + {} × {} (数量 {q}){bound} = {} → {points}点 (項番30–35)",
                    steps.base,
                    steps.step_points,
                    steps.steps,
                    steps.exact.normalize()
                )
            }
            How::Sum {
                revision,
                codes,
                percent,
            } => match percent {
                None => format!("{revision} master: Σ 点数 of the {codes} codes = {points}点"),
                Some((pct, base, add)) => format!(
                    "{revision} master: Σ 点数 of the {codes} codes, the {pct}% item on the Σ {base} before it: {add:+} (四捨五入) → {points}点"
                ),
            },
            How::Bundle { bundling, items } => format!(
                "まるめ {} {items}項目 → {points}点 ({})",
                bundling.kubun, bundling.citation
            ),
            How::Drug { yen } => format!("Σ 薬価 × 使用量 = {yen}円 → {points}点 (五捨五超入)"),
            How::Material { price, quantity } => {
                format!("{price}円 × {quantity} / 10 → {points}点 (四捨五入)")
            }
        }
    }
}

/// An SI line on one 算定日: (day, date, unit index, line index, master row, 回数 that day).
type DayLine<'a> = (u8, Date, usize, usize, &'a Procedure, u32);

/// Why a unit cannot be checked, and the code concerned when it is one code.
type NotChecked = (Cow<'static, str>, Option<u32>);

/// `deduction`: the unit is a 減点 drug ([`is_deduction`], looked up once by the caller).
fn check_unit(
    set: Option<&MasterSet>,
    date: Date,
    month: YearMonth,
    u: &Unit,
    deduction: bool,
    rows: &[Option<&Procedure>],
) -> Check {
    let first = &u.lines[0];
    let kind = match first.kind {
        LineKind::Procedure => CheckKind::Procedure,
        LineKind::Drug => CheckKind::Drug,
        LineKind::Material => CheckKind::Material,
    };
    let mut check = Check {
        kind,
        status: Status::CannotCheck,
        line: first.line,
        code: (u.lines.len() == 1).then_some(first.code),
        section: Some(u.section),
        claimed: u.points,
        computed: None,
        reason: Cow::Borrowed(""),
        rule: None,
    };
    match compute_unit(set, date, month, u, deduction, rows) {
        Err((reason, code)) => {
            check.reason = reason;
            if code.is_some() {
                check.code = code;
            }
        }
        Ok((points, how)) => {
            check.computed = Some(points);
            match u.points {
                Some(c) if c == points => {
                    check.status = Status::Match;
                    check.reason = Cow::Borrowed(how.matched());
                }
                Some(c) => {
                    check.status = Status::Differs;
                    check.reason = Cow::Owned(format!(
                        "claimed {c}, computed {points}: {}",
                        how.render(points)
                    ));
                }
                None => check.reason = Cow::Borrowed("算定単位 without 点数"),
            }
        }
    }
    check
}

fn compute_unit(
    set: Option<&MasterSet>,
    date: Date,
    month: YearMonth,
    u: &Unit,
    deduction: bool,
    rows: &[Option<&Procedure>],
) -> Result<(i64, How), NotChecked> {
    let no = |r: &'static str| (Cow::Borrowed(r), None);
    if u.points.is_none() {
        return Err(no("算定単位 without 点数 (incomplete unit)"));
    }
    if u.section == SECTION_MEALS {
        return Err(no("食事・生活療養 (診療識別 97, yen)"));
    }
    let set = set.ok_or_else(|| {
        (
            Cow::Owned(format!("no masters loaded for 診療年月 {month}")),
            None,
        )
    })?;
    let first = &u.lines[0];
    if u.lines.iter().any(|l| l.kind != first.kind) {
        return Err(no("mixed unit (SI/IY/TO in one 算定単位)"));
    }
    let revision = set.revision.id;
    match first.kind {
        LineKind::Procedure => {
            if u.lines.len() > 1 {
                return multi_procedure(set, date, u, rows);
            }
            let p = rows.first().copied().flatten().ok_or((
                Cow::Borrowed("code not in the 診療行為マスター of the 診療年月"),
                Some(first.code),
            ))?;
            match p.point_kind() {
                PointKind::Points | PointKind::PrefecturalPurchasePrice => {}
                PointKind::PercentAdd | PointKind::PercentSubtract => {
                    return Err(no("percentage item (点数識別 5/6)"));
                }
                PointKind::Yen => return Err(no("amount in yen (点数識別 1)")),
                _ => {
                    return Err((
                        Cow::Owned(format!("点数識別 {} (master column 11)", p.point_kind)),
                        None,
                    ));
                }
            }
            procedure_points(p, first.quantity, revision)
        }
        LineKind::Drug => {
            if deduction {
                return Err(no(
                    "減点 (医薬品 金額種別 7): a share of the 処方's 薬剤料, subtracted from the total",
                ));
            }
            if set.drugs.is_empty() {
                return Err(no("no 医薬品マスター for the 診療年月"));
            }
            let mut yen = Decimal::ZERO;
            for l in &u.lines {
                let d = set.drugs.get(l.code, date).ok_or((
                    Cow::Borrowed("drug not in the 医薬品マスター of the 診療年月"),
                    Some(l.code),
                ))?;
                let qty = l.quantity.unwrap_or(Decimal::ONE);
                yen = price::drug::drug_yen(d, qty, yen)
                    .ok_or((
                        Cow::Owned(format!("使用量 {qty}: the 薬価 × 使用量 overflows")),
                        Some(l.code),
                    ))?
                    .1;
            }
            let points = price::drug_points(yen, price::drug_floor(u.section));
            Ok((points, How::Drug { yen }))
        }
        LineKind::Material => {
            if u.lines.len() > 1 {
                return Err(no("multi-code unit (several 特定器材 in one 算定単位)"));
            }
            if set.materials.is_empty() {
                return Err(no("no 特定器材マスター for the 診療年月"));
            }
            let m = set.materials.get(first.code, date).ok_or((
                Cow::Borrowed("code not in the 特定器材マスター of the 診療年月"),
                Some(first.code),
            ))?;
            let price = m.price.to_decimal();
            if price.is_zero() {
                return Err(no("no price in the master (price given on the record)"));
            }
            let quantity = first.quantity.unwrap_or(Decimal::ONE);
            let points = price::material_points(m, price, quantity)
                .ok_or((
                    Cow::Owned(format!("使用量 {quantity}: the price × 使用量 overflows")),
                    Some(first.code),
                ))?
                .points;
            Ok((points, How::Material { price, quantity }))
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
