//! Recalculation of UKE receipts against the masters of their 診療年月. Every check ends as
//! [`Status::Match`], [`Status::Differs`] (claimed vs computed, with the reason) or
//! [`Status::CannotCheck`] (with the reason: unknown code, multi-code unit, percentage item …).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::reader::{Go, LineKind, Receipt, UkeError, Unit, YearMonth};
use crate::masters::{Date, MasterCatalog, MasterSet, PointKind};
use crate::rounding::{Rounding, drug_points};

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
}

impl CheckKind {
    pub const ALL: [CheckKind; 8] = [
        CheckKind::Procedure,
        CheckKind::Drug,
        CheckKind::Material,
        CheckKind::DayCounts,
        CheckKind::ReceiptTotal,
        CheckKind::PublicTotal,
        CheckKind::GoCases,
        CheckKind::GoPoints,
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
    /// The code, for single-code units.
    pub code: Option<u32>,
    pub section: Option<u8>,
    pub claimed: Option<i64>,
    pub computed: Option<i64>,
    /// Why it differs or cannot be checked; how it was computed when it matches.
    pub reason: String,
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
    pub checks: Vec<Check>,
}

impl ReceiptReport {
    pub fn differs(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Differs)
    }
}

/// Counts over a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub receipts: u64,
    pub malformed: u64,
    pub lines: u64,
    /// Per check kind: [match, differs, cannot check].
    pub by_kind: BTreeMap<CheckKind, [u64; 3]>,
    /// Cannot-check reasons (without the code) and their counts.
    pub cannot_check_reasons: BTreeMap<String, u64>,
    pub claimed_points: i64,
    pub computed_points: i64,
}

impl Summary {
    pub fn count(&self, kind: CheckKind, status: Status) -> u64 {
        self.by_kind.get(&kind).map_or(0, |c| c[status as usize])
    }
    pub fn total(&self, status: Status) -> u64 {
        self.by_kind.values().map(|c| c[status as usize]).sum()
    }
    fn add(&mut self, c: &Check) {
        self.by_kind.entry(c.kind).or_default()[c.status as usize] += 1;
        if c.status == Status::CannotCheck {
            *self
                .cannot_check_reasons
                .entry(format!("{}: {}", c.kind.name(), c.reason))
                .or_default() += 1;
        }
    }
}

/// The recalculation of a run of files: per receipt, plus the GO totals per file.
pub struct Recalc<'a> {
    catalog: &'a MasterCatalog,
    go_cases: u64,
    go_points: i64,
    pub summary: Summary,
}

/// The payers (0 = 医保, 1–4 = 第1–4公費) of a 負担区分 code (UKE_LAYOUT.md).
pub fn burden_payers(code: &str) -> Option<&'static [u8]> {
    Some(match code {
        "1" => &[0],
        "2" => &[0, 1],
        "3" => &[0, 2],
        "4" => &[0, 1, 2],
        "5" => &[1],
        "6" => &[2],
        "7" => &[1, 2],
        "E" => &[0, 3],
        "G" => &[0, 4],
        "B" => &[3],
        "C" => &[4],
        "H" => &[1, 3],
        "I" => &[1, 4],
        "J" => &[2, 3],
        "K" => &[2, 4],
        "L" => &[3, 4],
        "M" => &[0, 1, 3],
        "N" => &[0, 1, 4],
        "O" => &[0, 2, 3],
        "P" => &[0, 2, 4],
        "Q" => &[0, 3, 4],
        "R" => &[1, 2, 3],
        "S" => &[1, 2, 4],
        "T" => &[1, 3, 4],
        "U" => &[2, 3, 4],
        "V" => &[0, 1, 2, 3],
        "W" => &[0, 1, 2, 4],
        "X" => &[0, 1, 3, 4],
        "Y" => &[0, 2, 3, 4],
        "Z" => &[1, 2, 3, 4],
        "9" => &[0, 1, 2, 3, 4],
        _ => return None,
    })
}

impl<'a> Recalc<'a> {
    pub fn new(catalog: &'a MasterCatalog) -> Self {
        Recalc {
            catalog,
            go_cases: 0,
            go_points: 0,
            summary: Summary::default(),
        }
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

    pub fn receipt(&mut self, r: &Receipt) -> ReceiptReport {
        let date = r.month.first_day();
        let set = self.catalog.for_date(date);
        let mut checks = Vec::with_capacity(r.units.len() + 2);
        let mut lines = 0;
        let mut computed_total = 0i64;
        let mut per_public = [0i64; 5];
        for u in &r.units {
            lines += u.lines.len();
            checks.push(check_unit(set, date, r.month, u));
            for l in &u.lines {
                let days: i64 = l.days.iter().map(|&(_, n)| i64::from(n)).sum();
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
                    c.reason = "no 算定日 on the line".into();
                }
                checks.push(c);
            }
            if u.section == SECTION_MEALS {
                continue;
            }
            let Some(p) = u.points else { continue };
            let amount = p * i64::from(u.count);
            computed_total += amount;
            let burden = u.lines.last().map(|l| l.burden.as_str()).unwrap_or("");
            for &payer in burden_payers(burden).unwrap_or(&[]) {
                per_public[payer as usize] += amount;
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
            "Σ 点数 × 回数 of the SI/IY/TO lines (診療識別 97 excluded)",
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
                    "Σ 点数 × 回数 of the lines whose 負担区分 includes this 公費",
                    "KO 合計点数",
                ));
            }
        }
        self.go_cases += r.cases();
        self.go_points += claimed_total.unwrap_or(0);
        self.summary.receipts += 1;
        self.summary.lines += lines as u64;
        self.summary.claimed_points += claimed_total.unwrap_or(0);
        self.summary.computed_points += computed_total;
        for c in &checks {
            self.summary.add(c);
        }
        ReceiptReport {
            number: r.number,
            line: r.line,
            month: r.month,
            inpatient: r.is_inpatient(),
            claimed_total,
            computed_total,
            lines,
            checks,
        }
    }

    /// The GO record against the receipts read since [`Recalc::start_file`] (or the last GO).
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

fn compare(
    kind: CheckKind,
    line: usize,
    claimed: Option<i64>,
    computed: i64,
    how: &str,
    what: &str,
) -> Check {
    let (status, reason) = match claimed {
        None => (Status::CannotCheck, format!("{what} is empty")),
        Some(c) if c == computed => (Status::Match, how.to_owned()),
        Some(c) => (Status::Differs, format!("{what} {c} ≠ {how} {computed}")),
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
    }
}

fn check_unit(set: Option<&MasterSet>, date: Date, month: YearMonth, u: &Unit) -> Check {
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
        reason: String::new(),
    };
    let computed = compute_unit(set, date, month, u);
    match computed {
        Err(reason) => check.reason = reason,
        Ok((points, how)) => {
            check.computed = Some(points);
            match u.points {
                Some(c) if c == points => {
                    check.status = Status::Match;
                    check.reason = how;
                }
                Some(c) => {
                    check.status = Status::Differs;
                    check.reason = format!("claimed {c}, the master gives {points}: {how}");
                }
                None => check.reason = "算定単位 without 点数".into(),
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
) -> Result<(i64, String), String> {
    if u.points.is_none() {
        return Err("算定単位 without 点数 (incomplete unit)".into());
    }
    if u.section == SECTION_MEALS {
        return Err("食事・生活療養 (診療識別 97, yen)".into());
    }
    let set = set.ok_or_else(|| format!("no masters loaded for 診療年月 {month}"))?;
    let first = &u.lines[0];
    if u.lines.iter().any(|l| l.kind != first.kind) {
        return Err("mixed unit (SI/IY/TO in one 算定単位)".into());
    }
    match first.kind {
        LineKind::Procedure => {
            if u.lines.len() > 1 {
                return Err("multi-code unit (まるめ/包括/加算 in one 算定単位)".into());
            }
            let p = set
                .procedures
                .get(first.code, date)
                .ok_or_else(|| format!("code not in the {} 診療行為マスター", set.revision))?;
            match p.point_kind() {
                PointKind::Points => {}
                PointKind::PercentAdd | PointKind::PercentSubtract => {
                    return Err("percentage item (点数識別 5/6)".into());
                }
                PointKind::Yen => return Err("amount in yen (点数識別 1)".into()),
                other => return Err(format!("点数識別 {other:?}")),
            }
            let base = p.points.to_decimal();
            if p.step_calc == 0 {
                if !base.fract().is_zero() {
                    return Err(format!("fractional master points {base}"));
                }
                let points = i64::try_from(base).unwrap_or(i64::MAX);
                return Ok((points, format!("{} master: {points}点", set.revision)));
            }
            // きざみ: 点数 + きざみ点数 × ⌈(数量 − 下限値) / きざみ値⌉, the 数量 capped at the
            // 上限値 when the master says so (上下限エラー処理 1).
            let Some(q) = first.quantity else {
                return Err("きざみ item without 数量データ".into());
            };
            let (lo, hi, size) = (
                Decimal::from(p.step_lower),
                Decimal::from(p.step_upper),
                Decimal::from(p.step_size.max(1)),
            );
            let q_used = if p.step_upper > 0 && q > hi {
                if p.step_bound_error != 1 {
                    return Err(format!("数量 {q} above the きざみ 上限値 {hi}"));
                }
                hi
            } else {
                q
            };
            let steps = if q_used > lo {
                ((q_used - lo) / size).ceil()
            } else {
                Decimal::ZERO
            };
            let exact = base + p.step_points.to_decimal() * steps;
            let points = Rounding::HalfUp.to_int(exact);
            Ok((
                points,
                format!(
                    "{} master きざみ: {base} + {} × {steps} (数量 {q}) = {exact} → {points}点",
                    set.revision,
                    p.step_points.to_decimal()
                ),
            ))
        }
        LineKind::Drug => {
            if set.drugs.is_empty() {
                return Err(format!("no 医薬品マスター in the {} masters", set.revision));
            }
            let mut yen = Decimal::ZERO;
            for l in &u.lines {
                let d = set.drugs.get(l.code, date).ok_or_else(|| {
                    format!("drug {} not in the {} masters", l.code, set.revision)
                })?;
                let qty = l.quantity.unwrap_or(Decimal::ONE);
                yen += d.price.to_decimal() * qty;
            }
            // F200/G100: ≤15円 → 1点 in 投薬・注射; 0点 elsewhere (処置・検査・画像 …).
            let floor = if (20..40).contains(&u.section) { 1 } else { 0 };
            let points = drug_points(yen, floor);
            Ok((
                points,
                format!("Σ 薬価 × 使用量 = {yen}円 → {points}点 (五捨五超入)"),
            ))
        }
        LineKind::Material => {
            if u.lines.len() > 1 {
                return Err("multi-code unit (several 特定器材 in one 算定単位)".into());
            }
            if set.materials.is_empty() {
                return Err(format!(
                    "no 特定器材マスター in the {} masters",
                    set.revision
                ));
            }
            let m = set
                .materials
                .get(first.code, date)
                .ok_or_else(|| format!("code not in the {} 特定器材マスター", set.revision))?;
            let price = m.price.to_decimal();
            if price.is_zero() {
                return Err("no price in the master (price given on the record)".into());
            }
            let qty = first.quantity.unwrap_or(Decimal::ONE);
            let points = Rounding::HalfUp.to_int(price * qty / Decimal::from(10));
            Ok((
                points,
                format!("{price}円 × {qty} / 10 → {points}点 (四捨五入)"),
            ))
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
                (ReceiptTotal, Match, Some(145)),
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
