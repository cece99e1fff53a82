//! santei-golden: golden cases as data. One case per TOML file under
//! `golden-tests/cases/<revision>/<area>/<case>.toml` (or `cases/common/` for a case that applies
//! to several revisions). Each case holds the claim, the expected lines and totals written by hand
//! from its cited source, and never output blessed from santei. See golden-tests/README.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use santei_engine::{ClaimResult, Engine, Finding, Severity};
use serde::Deserialize;

/// A case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows, in one line.
    pub title: String,
    /// Where the expected values come from: 告示/通知 区分番号 and 注, 疑義解釈, a published example.
    pub source: String,
    /// Revisions the case runs under (default: the revision folder it sits in).
    #[serde(default)]
    pub revisions: Vec<String>,
    /// For `common/` cases: the month (`YYYY-MM`) each revision runs the claim in. The year and
    /// month of every `date` in the claim (visits, history; not the birth date) are replaced by it.
    #[serde(default)]
    pub months: BTreeMap<String, String>,
    /// The claim (santei.claim/1) as a TOML table.
    pub claim: toml::Value,
    /// Expected results, per revision id, or under `default`.
    pub expected: BTreeMap<String, Expected>,
    /// A rule santei does not implement yet, with the issue that will: the case must FAIL until
    /// then (so the expected values stay those of the law), and the runner says when it starts
    /// passing so the marker can be removed.
    #[serde(default)]
    pub known_gap: Option<String>,
}

/// Points of a line in a case: a number, or `"unit"` for a line that is part of an 算定単位
/// whose points sit on its last line (TOML has no null).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Points {
    Points(i64),
    Unit(String),
}

impl Points {
    fn value(&self) -> Result<Option<i64>, String> {
        match self {
            Points::Points(p) => Ok(Some(*p)),
            Points::Unit(s) if s == "unit" => Ok(None),
            Points::Unit(s) => Err(format!("`{s}`: a line's points are a number or \"unit\"")),
        }
    }
}

/// What a case expects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub total_points: i64,
    /// Billed lines in order: `[code, points, times]`; points only on the last line of an
    /// 算定単位, `"unit"` on the others.
    #[serde(default)]
    pub lines: Option<Vec<(String, Points, u32)>>,
    /// Points per 診療識別, when given.
    #[serde(default)]
    pub sections: BTreeMap<String, i64>,
    /// Ids of the error and warning findings (order ignored), each written as [`finding_key`]
    /// gives it: `RUL-503.count-limit@<rule id>` for an outcome of the rule files or the 電子点数表.
    #[serde(default)]
    pub findings: Vec<String>,
    /// Ids of info findings that must be present (others are not checked), written as in
    /// `findings`.
    #[serde(default)]
    pub info: Vec<String>,
    /// The claim must be rejected with this error code (then nothing else is checked).
    #[serde(default)]
    pub error: Option<String>,
    /// The copayment, when the case checks it.
    #[serde(default)]
    pub copay: Option<ExpectedCopay>,
}

/// Expected copayment values; only the fields given are compared. Amounts in 円.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedCopay {
    /// `false`: the copayment must be absent (input refused with a finding).
    #[serde(default = "yes")]
    pub computed: bool,
    pub burden_percent: Option<u8>,
    pub medical_cost_yen: Option<i64>,
    /// 一部負担金 before 高額療養費
    pub copay_before_limit_yen: Option<i64>,
    /// 一部負担金 after 高額療養費
    pub copay_yen: Option<i64>,
    pub high_cost_yen: Option<i64>,
    pub insurer_yen: Option<i64>,
    /// The patient's monthly amount (to the yen)
    pub patient_yen: Option<i64>,
    /// Σ of the 窓口 amounts
    pub window_yen: Option<i64>,
    /// Per 公費, in priority order: what it pays, the patient's share under it, the amount it
    /// applied to (公費給付対象 一部負担金).
    pub public_pays_yen: Option<Vec<i64>>,
    pub public_patient_yen: Option<Vec<i64>>,
    pub public_target_yen: Option<Vec<i64>>,
    /// Per visit day, in date order.
    pub visit_window_yen: Option<Vec<i64>>,
    pub visit_copay_yen: Option<Vec<i64>>,
    /// 負担区分 of each line (comments included), in result order.
    pub burden_kubun: Option<Vec<String>>,
    /// UKE HO 負担金額; `ho_copay_blank = true` when the field must be empty.
    pub ho_copay_yen: Option<i64>,
    pub ho_copay_blank: Option<bool>,
    /// UKE KO 負担金額 and 合計点数 per 公費.
    pub ko_copay_yen: Option<Vec<i64>>,
    pub ko_points: Option<Vec<i64>>,
    /// RE レセプト特記事項 codes
    pub special_notes: Option<Vec<String>>,
    /// 入院時食事療養: 食数, 標準負担額 per meal and of the month, 費用, 入院時食事療養費 (保険者),
    /// the patient's share; UKE HO 食事・生活療養 回数 and 合計金額.
    pub meal_count: Option<u32>,
    pub meal_standard_yen: Option<i64>,
    pub meal_standard_total_yen: Option<i64>,
    pub meal_cost_yen: Option<i64>,
    pub meal_benefit_yen: Option<i64>,
    pub meal_patient_yen: Option<i64>,
    pub ho_meal_count: Option<u32>,
    pub ho_meal_total_yen: Option<i64>,
}

fn yes() -> bool {
    true
}

/// A failed case with a readable explanation.
#[derive(Debug)]
pub struct Failure {
    pub case: PathBuf,
    pub revision: String,
    pub report: String,
}

/// Every `.toml` file under `dir`, sorted.
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Parses a case file.
pub fn load_case(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The revisions a case runs under: its `revisions`, else the name of its revision folder.
pub fn case_revisions(path: &Path, case: &Case) -> Vec<String> {
    if !case.revisions.is_empty() {
        return case.revisions.clone();
    }
    path.ancestors()
        .filter_map(|a| a.file_name()?.to_str())
        .find(|n| n.starts_with('r') && n.len() == 8 && n.as_bytes()[5] == b'-')
        .map(|n| vec![n.to_string()])
        .unwrap_or_default()
}

/// The claim JSON of a case for one revision (dates shifted for `common/` cases).
pub fn claim_json(case: &Case, revision: &str) -> Result<Vec<u8>, String> {
    let mut v = serde_json::to_value(&case.claim).map_err(|e| e.to_string())?;
    if let Some(month) = case.months.get(revision) {
        shift_dates(&mut v, month);
    }
    serde_json::to_vec(&v).map_err(|e| e.to_string())
}

/// Replaces the `YYYY-MM` of every visit/history `date` by `month` (birth dates stay).
fn shift_dates(v: &mut serde_json::Value, month: &str) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "date" {
                    if let serde_json::Value::String(s) = x {
                        if s.len() == 10 {
                            *s = format!("{month}{}", &s[7..]);
                        }
                    }
                } else {
                    shift_dates(x, month);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| shift_dates(x, month)),
        _ => {}
    }
}

/// Runs one case under one revision; `Ok(())` or a readable report of every difference.
pub fn check(case: &Case, revision: &str, engine: &Engine) -> Result<(), String> {
    let exp = case
        .expected
        .get(revision)
        .or_else(|| case.expected.get("default"))
        .ok_or_else(|| format!("no [expected.{revision}] or [expected.default] table"))?;
    let json = claim_json(case, revision)?;
    let result = engine.calculate_json(&json);
    let mut report = String::new();
    match (&exp.error, result) {
        (Some(code), Err(e)) => {
            if e.code != code {
                let _ = writeln!(report, "expected error `{code}`, got `{}`: {e}", e.code);
            }
        }
        (Some(code), Ok(r)) => {
            let _ = writeln!(
                report,
                "expected error `{code}`, but the claim computed to {} points",
                r.total_points
            );
        }
        (None, Err(e)) => {
            let _ = writeln!(report, "unexpected error `{}`: {e}", e.code);
        }
        (None, Ok(r)) => compare(exp, &r, &mut report),
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(report)
    }
}

fn compare(exp: &Expected, r: &ClaimResult, report: &mut String) {
    if r.total_points != exp.total_points {
        let _ = writeln!(
            report,
            "total_points: expected {}, got {}",
            exp.total_points, r.total_points
        );
    }
    if let Some(lines) = &exp.lines {
        let lines: Vec<(String, Option<i64>, u32)> = match lines
            .iter()
            .map(|(c, p, t)| p.value().map(|p| (c.clone(), p, *t)))
            .collect::<Result<_, _>>()
        {
            Ok(l) => l,
            Err(e) => {
                let _ = writeln!(report, "{e}");
                return;
            }
        };
        let lines = &lines;
        let got: Vec<(String, Option<i64>, u32)> = r
            .lines
            .iter()
            .filter(|l| l.record != santei_engine::RecordKind::CO)
            .map(|l| (l.code.to_string(), l.points, l.times))
            .collect();
        if &got != lines {
            let _ = writeln!(report, "lines differ (code, points, times):");
            let n = got.len().max(lines.len());
            for i in 0..n {
                let e = lines.get(i).map(fmt_line).unwrap_or_else(|| "—".into());
                let g = got.get(i).map(fmt_line).unwrap_or_else(|| "—".into());
                let mark = if e == g { " " } else { "≠" };
                let name = r
                    .lines
                    .iter()
                    .filter(|l| l.record != santei_engine::RecordKind::CO)
                    .nth(i)
                    .map_or("", |l| l.name.as_str());
                let _ = writeln!(report, "  {mark} expected {e:<28} got {g:<28} {name}");
            }
        }
    }
    for (section, pts) in &exp.sections {
        let got = r
            .sections
            .iter()
            .find(|s| s.section == section)
            .map_or(0, |s| s.points);
        if got != *pts {
            let _ = writeln!(report, "section {section}: expected {pts}, got {got}");
        }
    }
    compare_findings(&exp.findings, &exp.info, &r.findings, report);
    if let Some(c) = &exp.copay {
        compare_copay(c, r, report);
    }
}

/// How a case names a finding: its id, then `@` and the rule id for an outcome of the rule files
/// or the 電子点数表, which carries one (`RUL-501.exclusion@D026.tumor-marker-handan`): the
/// category alone would pass a case whose item was dropped by another rule.
pub fn finding_key(f: &Finding) -> String {
    match &f.rule_id {
        Some(id) => format!("{}@{id}", f.rule),
        None => f.rule.to_string(),
    }
}

/// The error and warning findings must be exactly `findings` (order ignored); each of `info`
/// must be among all findings. Both compare [`finding_key`]s, so the rule id is checked too.
fn compare_findings(findings: &[String], info: &[String], got: &[Finding], report: &mut String) {
    let mut want = findings.to_vec();
    want.sort();
    let mut have: Vec<String> = got
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(finding_key)
        .collect();
    have.sort();
    if want != have {
        let _ = writeln!(
            report,
            "findings (error/warning): expected {want:?}, got {have:?}"
        );
        for f in got.iter().filter(|f| f.severity != Severity::Info) {
            let _ = writeln!(report, "  {} at {}: {}", finding_key(f), f.path, f.message);
        }
    }
    for i in info {
        if got.iter().any(|f| finding_key(f) == *i) {
            continue;
        }
        let category = i.split('@').next().unwrap_or(i);
        let same: Vec<String> = got
            .iter()
            .filter(|f| f.rule == category)
            .map(finding_key)
            .collect();
        if same.is_empty() {
            let _ = writeln!(report, "missing info finding {i}");
        } else {
            let _ = writeln!(report, "missing info finding {i} (santei gives {same:?})");
        }
    }
}

fn compare_copay(exp: &ExpectedCopay, r: &ClaimResult, report: &mut String) {
    let Some(got) = &r.copay else {
        if exp.computed {
            let _ = writeln!(report, "copay: expected a copayment, got none");
        }
        return;
    };
    if !exp.computed {
        let _ = writeln!(
            report,
            "copay: expected none (input refused), got patient {}円",
            got.patient_yen
        );
        return;
    }
    let mut check = |name: &str, want: Option<String>, have: String| {
        if let Some(w) = want {
            if w != have {
                let _ = writeln!(report, "copay.{name}: expected {w}, got {have}");
            }
        }
    };
    let s = |v: &Option<i64>| v.map(|v| v.to_string());
    check(
        "burden_percent",
        exp.burden_percent.map(|v| v.to_string()),
        got.burden_percent.map_or("none".into(), |v| v.to_string()),
    );
    check(
        "medical_cost_yen",
        s(&exp.medical_cost_yen),
        got.medical_cost_yen.to_string(),
    );
    check(
        "copay_before_limit_yen",
        s(&exp.copay_before_limit_yen),
        got.copay_before_limit_yen.to_string(),
    );
    check("copay_yen", s(&exp.copay_yen), got.copay_yen.to_string());
    check(
        "high_cost_yen",
        s(&exp.high_cost_yen),
        got.high_cost_yen.to_string(),
    );
    check(
        "insurer_yen",
        s(&exp.insurer_yen),
        got.insurer_yen.to_string(),
    );
    check(
        "patient_yen",
        s(&exp.patient_yen),
        got.patient_yen.to_string(),
    );
    check("window_yen", s(&exp.window_yen), got.window_yen.to_string());
    let v = |v: &Option<Vec<i64>>| v.as_ref().map(|v| format!("{v:?}"));
    let f = &got.public_funds;
    check(
        "public_pays_yen",
        v(&exp.public_pays_yen),
        format!("{:?}", f.iter().map(|x| x.pays_yen).collect::<Vec<_>>()),
    );
    check(
        "public_patient_yen",
        v(&exp.public_patient_yen),
        format!("{:?}", f.iter().map(|x| x.patient_yen).collect::<Vec<_>>()),
    );
    check(
        "public_target_yen",
        v(&exp.public_target_yen),
        format!("{:?}", f.iter().map(|x| x.target_yen).collect::<Vec<_>>()),
    );
    check(
        "visit_window_yen",
        v(&exp.visit_window_yen),
        format!(
            "{:?}",
            got.visits.iter().map(|x| x.window_yen).collect::<Vec<_>>()
        ),
    );
    check(
        "visit_copay_yen",
        v(&exp.visit_copay_yen),
        format!(
            "{:?}",
            got.visits.iter().map(|x| x.copay_yen).collect::<Vec<_>>()
        ),
    );
    check(
        "burden_kubun",
        exp.burden_kubun.as_ref().map(|v| format!("{v:?}")),
        format!("{:?}", got.burden_kubun),
    );
    let ho = got.receipt.ho.as_ref().and_then(|h| h.copay_yen);
    check(
        "ho_copay_yen",
        s(&exp.ho_copay_yen),
        ho.map_or("blank".into(), |v| v.to_string()),
    );
    if exp.ho_copay_blank == Some(true) {
        check(
            "ho_copay_blank",
            Some("blank".into()),
            ho.map_or("blank".into(), |v| v.to_string()),
        );
    }
    check(
        "ko_copay_yen",
        v(&exp.ko_copay_yen),
        format!(
            "{:?}",
            got.receipt
                .ko
                .iter()
                .map(|k| k.copay_yen)
                .collect::<Vec<_>>()
        ),
    );
    check(
        "ko_points",
        v(&exp.ko_points),
        format!(
            "{:?}",
            got.receipt
                .ko
                .iter()
                .map(|k| k.total_points)
                .collect::<Vec<_>>()
        ),
    );
    check(
        "special_notes",
        exp.special_notes.as_ref().map(|v| format!("{v:?}")),
        format!("{:?}", got.receipt.special_notes),
    );
    compare_meals(exp, got, &mut check);
}

/// The 食事療養 fields of the copayment and of the HO record ("none" when absent).
fn compare_meals(
    exp: &ExpectedCopay,
    got: &santei_engine::Copay,
    check: &mut impl FnMut(&str, Option<String>, String),
) {
    let m = got.meals.as_ref();
    let opt = |v: Option<i64>| v.map_or("none".into(), |v| v.to_string());
    let s = |v: Option<i64>| v.map(|v| v.to_string());
    let ho = got.receipt.ho.as_ref();
    check(
        "meal_count",
        exp.meal_count.map(|v| v.to_string()),
        opt(m.map(|m| i64::from(m.count))),
    );
    check(
        "meal_standard_yen",
        s(exp.meal_standard_yen),
        opt(m.map(|m| m.standard_yen)),
    );
    check(
        "meal_standard_total_yen",
        s(exp.meal_standard_total_yen),
        opt(m.map(|m| m.standard_total_yen)),
    );
    check(
        "meal_cost_yen",
        s(exp.meal_cost_yen),
        opt(m.and_then(|m| m.cost_yen)),
    );
    check(
        "meal_benefit_yen",
        s(exp.meal_benefit_yen),
        opt(m.and_then(|m| m.benefit_yen)),
    );
    check(
        "meal_patient_yen",
        s(exp.meal_patient_yen),
        opt(m.map(|m| m.patient_yen)),
    );
    check(
        "ho_meal_count",
        exp.ho_meal_count.map(|v| v.to_string()),
        opt(ho.and_then(|h| h.meal_count).map(i64::from)),
    );
    check(
        "ho_meal_total_yen",
        s(exp.ho_meal_total_yen),
        opt(ho.and_then(|h| h.meal_total_yen)),
    );
}

fn fmt_line(l: &(String, Option<i64>, u32)) -> String {
    match l.1 {
        Some(p) => format!("{} {}点 ×{}", l.0, p, l.2),
        None => format!("{} (unit) ×{}", l.0, l.2),
    }
}

/// The engine every golden test runs on, as a real deployment builds it: r06 with its change
/// files and 電子点数表, r04, the r08 excerpt declared complete for the prefixes its README lists
/// (masters/r08-excerpt/README.md: every row of 111–113, 120 and 130), and the bundled rules. The
/// golden runner, the UKE round trip and the service's byte-equality test share it.
pub fn engine() -> santei_engine::Engine {
    use santei_engine::{EngineBuilder, MastersFolder, masters::Revision};
    let m = santei_test_data::shared().join("masters");
    let engine = EngineBuilder::new()
        .masters(
            MastersFolder::new(m.join("r06"))
                .updates(m.join("updates"))
                .etensu(santei_test_data::shared().join("etensu/r06")),
        )
        .masters(m.join("r04"))
        .masters(
            MastersFolder::new(m.join("r08-excerpt"))
                .complete_prefixes(["111", "112", "113", "120", "130"]),
        )
        .build()
        .expect("the golden engine builds");
    let r08 = engine
        .masters_for(Revision::parse("r2026-06").unwrap().effective_from)
        .expect("r2026-06 loaded");
    assert!(r08.coverage.is_partial(), "the r08 set is the excerpt");
    engine
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exclusion(rule_id: &str) -> Finding {
        Finding::error("RUL-501.exclusion")
            .rule_id(rule_id)
            .at("visits[0].items[1]")
            .message("not billed")
    }

    fn report(findings: &[&str], info: &[&str], got: &[Finding]) -> String {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let mut r = String::new();
        compare_findings(&s(findings), &s(info), got, &mut r);
        r
    }

    #[test]
    fn the_rule_id_of_an_expected_finding_is_checked() {
        let got = [exclusion("A002-6.gairai-hokatsu")];
        assert_eq!(
            report(&["RUL-501.exclusion@A002-6.gairai-hokatsu"], &[], &got),
            ""
        );
        // The right category with another rule's id fails the case.
        let r = report(&["RUL-501.exclusion@J116.kansetsu"], &[], &got);
        assert!(r.contains("RUL-501.exclusion@A002-6.gairai-hokatsu"), "{r}");
        // So does the category alone: a case names the rule.
        assert_ne!(report(&["RUL-501.exclusion"], &[], &got), "");
    }

    #[test]
    fn an_info_finding_with_another_rule_id_is_missing() {
        let got = [Finding::info("RUL-502.inclusion").rule_id("etensu.01.111000110.160000310")];
        assert_eq!(
            report(
                &[],
                &["RUL-502.inclusion@etensu.01.111000110.160000310"],
                &got
            ),
            ""
        );
        let r = report(
            &[],
            &["RUL-502.inclusion@etensu.01.111000110.160000410"],
            &got,
        );
        assert!(
            r.contains("missing info finding") && r.contains("160000310"),
            "{r}"
        );
        let r = report(&[], &["RUL-502.inclusion"], &got);
        assert!(r.contains("santei gives"), "{r}");
    }

    #[test]
    fn a_finding_without_rule_id_is_named_by_its_id() {
        let got = [Finding::error("MST-001.unknown-code").at("visits[0].items[0].code")];
        assert_eq!(report(&["MST-001.unknown-code"], &[], &got), "");
        assert_ne!(report(&["MST-001.unknown-code@x"], &[], &got), "");
    }
}
