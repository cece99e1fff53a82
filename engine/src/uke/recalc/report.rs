//! The report types of the recalculation: checks, their kinds and statuses, per-receipt
//! reports and the [`Summary`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::uke::reader::YearMonth;

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

impl Check {
    /// A rule outcome that differs from the file, on the first record of `unit`: `code` is the
    /// item concerned, `rule` and `citation` the rule's id and source.
    pub fn rule_difference(
        unit: &crate::uke::Unit,
        code: u32,
        (claimed, computed): (Option<i64>, Option<i64>),
        reason: String,
        rule: &str,
        citation: &str,
    ) -> Check {
        Check {
            kind: CheckKind::Rule,
            status: Status::Differs,
            line: unit.line(),
            code: Some(code),
            section: Some(unit.section),
            claimed,
            computed,
            reason: Cow::Owned(reason),
            rule: Some(Box::new(RuleRef {
                id: rule.to_string(),
                citation: citation.to_string(),
            })),
        }
    }
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
    /// The receipt was not recalculated at all: it is of a kind santei does not handle (DPC),
    /// which its one [`Status::CannotCheck`] check says.
    pub out_of_scope: bool,
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
    /// Receipts not recalculated at all (DPC receipts): a run with any is not a clean run.
    pub out_of_scope: u64,
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
    /// Counts one check (called for every check of every receipt, from [`super::Tally::add`]:
    /// inlined there, most checks are one increment).
    #[inline]
    pub(super) fn add(&mut self, c: &Check) {
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
