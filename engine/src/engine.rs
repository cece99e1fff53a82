//! The Engine: masters per revision, and the point calculation of a claim.

use std::sync::Arc;

use rust_decimal::Decimal;
use rustc_hash::FxHashSet;
use santei_masters::{Date, LoadError, MasterCatalog, MasterSet, PointKind, Procedure};

use crate::age;
use crate::claim::{
    CLAIM_FORMAT, Claim, FacilityKind, Item, RxForm, Scheme, Setting, TimeCategory, Visit,
};
use crate::error::ClaimError;
use crate::prepared::{Prepared, kubun_key};
use crate::price::drug_points;
use crate::result::{
    AggregationTotal, ClaimResult, DayTotal, Finding, Line, Origin, RESULT_FORMAT, RecordKind,
    SectionTotal, Severity,
};
use crate::rounding::Rounding;
use crate::rules;
use crate::tables;
use santei_rules_dsl::Diagnostic;

mod polypharmacy;
pub use polypharmacy::PolypharmacyRounding;
use polypharmacy::RxDone;

/// How to build an [`Engine`] beyond its masters.
#[derive(Debug, Default)]
pub struct EngineOptions {
    /// Skip santei's bundled rule files (`rules-dsl/rules/<revision>/`). Default: use them.
    pub without_bundled_rules: bool,
    /// Folders of `*.rules` files to add (each file declares its `revision`).
    pub rule_dirs: Vec<std::path::PathBuf>,
    /// 医科電子点数表 per revision id (`r2024-06`), compiled into rules.
    pub etensu: Vec<(&'static str, santei_masters::etensu::Etensu)>,
    /// The unit the F200 注3 多剤投与 90/100 is rounded over (通知 F200 (6)イ: not
    /// settled). Default: once over the 処方's sum, as 通知 F200 (6)イ defines the 所定点数.
    pub polypharmacy_rounding: PolypharmacyRounding,
}

fn unreachable_lenient() -> Engine {
    // `with_options` only fails on user rule files; `new` passes none.
    Engine {
        revisions: Vec::new(),
        polypharmacy_rounding: PolypharmacyRounding::default(),
    }
}

fn declared_revision(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("revision "))
        .map(str::trim)
}

fn read_rule_dirs(dirs: &[std::path::PathBuf]) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    for d in dirs {
        let rd = std::fs::read_dir(d).map_err(|e| vec![io_diag(d, &e)])?;
        let mut paths: Vec<_> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rules"))
            .collect();
        paths.sort();
        for p in paths {
            let t = std::fs::read_to_string(&p).map_err(|e| vec![io_diag(&p, &e)])?;
            out.push((p.display().to_string(), t));
        }
    }
    Ok(out)
}

/// Why a revision's engine runs without bundled hand rules, if it does.
fn bundled_rules_gap(id: &str, files: usize, compiled: usize) -> Option<String> {
    match crate::revisions::parts(id).map(|p| p.rules) {
        None => Some(format!(
            "{id}: santei declares no parts for this revision (engine/src/revisions.rs)"
        )),
        Some(crate::revisions::Part::Lacks(why)) => Some(format!("{id}: {why}")),
        Some(crate::revisions::Part::Have) if files == 0 => Some(format!(
            "{id}: the bundled rule files of this revision are missing from this build (rules-dsl/rules/{id}/)"
        )),
        Some(crate::revisions::Part::Have) if compiled == 0 => Some(format!(
            "{id}: none of the {files} bundled rule files compiled against these masters (see the diagnostics above)"
        )),
        Some(crate::revisions::Part::Have) => None,
    }
}

fn revision_diag(id: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: santei_rules_dsl::Severity::Warning,
        file: format!("rules-dsl/rules/{id}/"),
        line: 0,
        col: 0,
        len: 1,
        message,
        source_line: String::new(),
    }
}

fn io_diag(p: &std::path::Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic {
        severity: santei_rules_dsl::Severity::Error,
        file: p.display().to_string(),
        line: 0,
        col: 0,
        len: 1,
        message: format!("cannot read: {e}"),
        source_line: String::new(),
    }
}

/// The calculation engine: the masters of one or more revisions, each with its indexes.
/// Immutable and `Send + Sync`: share one engine across threads.
#[derive(Clone)]
pub struct Engine {
    revisions: Vec<Arc<Prepared>>,
    polypharmacy_rounding: PolypharmacyRounding,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("revisions", &self.revision_ids())
            .finish()
    }
}

impl Engine {
    /// An engine over every set of a catalog, with santei's bundled rule files for each revision
    /// (rules whose codes a set lacks, as in the demo subset, are left out; see
    /// [`Engine::rule_diagnostics`]). No 電子点数表: use [`Engine::with_options`] to add it.
    pub fn new(catalog: MasterCatalog) -> Engine {
        Engine::with_options(catalog, EngineOptions::default())
            .unwrap_or_else(|_| unreachable_lenient())
    }

    /// An engine over a catalog with rule options. Errors in `rule_dirs` files fail the build with
    /// their diagnostics; the bundled files never do.
    pub fn with_options(
        catalog: MasterCatalog,
        options: EngineOptions,
    ) -> Result<Engine, Vec<Diagnostic>> {
        let mut revisions: Vec<Arc<Prepared>> = Vec::new();
        let user = read_rule_dirs(&options.rule_dirs)?;
        // The catalog is ours: move its sets in rather than copying every master.
        for set in catalog.into_sets() {
            let mut p = Prepared::new(set);
            let id = p.set.revision.id;
            let mut compiled = Vec::new();
            if !options.without_bundled_rules {
                let texts: Vec<(String, String)> = santei_rules_dsl::bundled_rules(id)
                    .into_iter()
                    .map(|(f, t)| (f.to_string(), t.to_string()))
                    .collect();
                if let Ok((rules, diags)) = santei_rules_dsl::compile_texts(&texts, &p.set, false) {
                    compiled.extend(rules);
                    p.rule_diagnostics.extend(diags);
                }
                // A revision never runs without its hand rules unnoticed: the lack is declared
                // in `revisions.rs` and said here, and declared rules that compile to nothing
                // are a warning too.
                if let Some(why) = bundled_rules_gap(id, texts.len(), compiled.len()) {
                    p.rule_diagnostics.push(revision_diag(id, why.clone()));
                    p.rules_gap = Some(why);
                }
            }
            let mine: Vec<(String, String)> = user
                .iter()
                .filter(|(_, t)| declared_revision(t).is_none_or(|r| r == id))
                .cloned()
                .collect();
            if !mine.is_empty() {
                let (rules, diags) = santei_rules_dsl::compile_texts(&mine, &p.set, true)?;
                compiled.extend(rules);
                p.rule_diagnostics.extend(diags);
            }
            for (rev, et) in &options.etensu {
                if *rev == id {
                    let (rules, skipped) = santei_rules_dsl::compile_etensu(et);
                    compiled.extend(rules);
                    p.rules.report.skipped = skipped;
                }
            }
            p.rules.extend(compiled);
            revisions.push(Arc::new(p));
        }
        revisions.sort_by_key(|p| p.set.revision.effective_from);
        Ok(Engine {
            revisions,
            polypharmacy_rounding: options.polypharmacy_rounding,
        })
    }

    /// An engine over one set (with the bundled rules).
    pub fn from_set(set: MasterSet) -> Engine {
        let mut c = MasterCatalog::new();
        c.insert(set);
        Engine::new(c)
    }

    /// An engine over the embedded demo data (r2024-06 and r2026-06 subsets; not official data).
    pub fn demo() -> Result<Engine, LoadError> {
        Ok(Engine::new(MasterCatalog::demo()?))
    }

    /// The compiled rules of a revision.
    pub fn rules(&self, revision: &str) -> Option<&santei_rules_dsl::RuleSet> {
        self.revisions
            .iter()
            .find(|p| p.set.revision.id == revision)
            .map(|p| &p.rules)
    }

    /// Warnings from compiling the rules, and bundled rules left out (with why).
    pub fn rule_diagnostics(&self) -> Vec<&Diagnostic> {
        self.revisions
            .iter()
            .flat_map(|p| p.rule_diagnostics.iter())
            .collect()
    }

    /// The revisions loaded (`r2024-06` …).
    pub fn revision_ids(&self) -> Vec<&'static str> {
        self.revisions.iter().map(|p| p.set.revision.id).collect()
    }

    /// The masters of the revision in force on `date`.
    pub fn masters_for(&self, date: Date) -> Option<&MasterSet> {
        self.prepared_for(date).map(|p| &p.set)
    }

    /// The compiled rules of the revision in force on `date`.
    pub fn rules_for(&self, date: Date) -> Option<&santei_rules_dsl::RuleSet> {
        self.prepared_for(date).map(|p| &p.rules)
    }

    pub(crate) fn prepared_for(&self, date: Date) -> Option<&Prepared> {
        self.revisions
            .iter()
            .rev()
            .find(|p| p.set.covers(date))
            .map(|p| &**p)
    }

    /// Parses a claim from JSON; errors carry the JSON path.
    pub fn parse_claim(json: &[u8]) -> Result<Claim, ClaimError> {
        let de = &mut serde_json::Deserializer::from_slice(json);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let code = if inner.is_syntax() || inner.is_eof() {
                "claim.json"
            } else {
                "claim.value"
            };
            let msg = if inner.is_syntax() || inner.is_eof() {
                format!(
                    "malformed JSON at line {}, column {}: {inner}",
                    inner.line(),
                    inner.column()
                )
            } else {
                inner.to_string()
            };
            // A claim cut off inside an object ends its path with `?` (serde_path_to_error's
            // unknown key): keep the part that is known.
            let path = path.trim_end_matches(".?");
            ClaimError::new(
                code,
                if path.is_empty() || path == "." || path == "?" {
                    "$".to_string()
                } else {
                    path.to_string()
                },
                msg,
            )
        })
    }

    /// Parses and computes a JSON claim.
    pub fn calculate_json(&self, json: &[u8]) -> Result<ClaimResult, ClaimError> {
        self.calculate(&Engine::parse_claim(json)?)
    }

    /// Computes the points of a claim.
    pub fn calculate(&self, claim: &Claim) -> Result<ClaimResult, ClaimError> {
        if claim.format != CLAIM_FORMAT {
            return Err(ClaimError::new(
                "claim.format",
                "format",
                format!(
                    "unsupported format `{}`; expected `{CLAIM_FORMAT}`",
                    claim.format
                ),
            ));
        }
        let inpatient = claim.setting == Setting::Inpatient;
        match (inpatient, claim.admission_date) {
            (true, None) => {
                return Err(ClaimError::new(
                    "claim.value",
                    "admission_date",
                    "an 入院 claim (setting `inpatient`) needs admission_date (入院年月日, the 起算日 of the 入院期間)",
                ));
            }
            (false, Some(_)) => {
                return Err(ClaimError::new(
                    "claim.value",
                    "admission_date",
                    "admission_date is for 入院 claims only (setting `inpatient`)",
                ));
            }
            _ => {}
        }
        if claim
            .admission_date
            .is_some_and(|d| d < claim.patient.birth_date)
        {
            return Err(ClaimError::new(
                "claim.value",
                "admission_date",
                "admission before the patient's birth date",
            ));
        }
        let Some(first) = claim.visits.iter().map(|v| v.date).min() else {
            return Err(ClaimError::new(
                "claim.value",
                "visits",
                "a claim needs at least one visit",
            ));
        };
        for (i, v) in claim.visits.iter().enumerate() {
            if (v.date.year(), v.date.month()) != (first.year(), first.month()) {
                return Err(ClaimError::new(
                    "claim.month",
                    format!("visits[{i}].date"),
                    format!(
                        "{} is not in the claim's month {}-{:02}: a claim covers one month",
                        v.date,
                        first.year(),
                        first.month()
                    ),
                ));
            }
            if v.date < claim.patient.birth_date {
                return Err(ClaimError::new(
                    "claim.value",
                    format!("visits[{i}].date"),
                    "visit before the patient's birth date",
                ));
            }
            if let Some(adm) = claim.admission_date.filter(|&d| v.date < d) {
                return Err(ClaimError::new(
                    "claim.value",
                    format!("visits[{i}].date"),
                    format!("{} is before the admission_date {adm}", v.date),
                ));
            }
        }
        let prepared = self.prepared_for(first).ok_or_else(|| {
            ClaimError::new(
                "claim.revision",
                "visits[0].date",
                format!(
                    "no masters loaded for {first} (loaded: {})",
                    self.revision_ids().join(", ")
                ),
            )
        })?;
        let mut calc = Calc::new(prepared, claim);
        calc.polypharmacy_rounding = self.polypharmacy_rounding;
        if inpatient {
            calc.inpatient_notice();
        }
        calc.history();
        calc.revision_notices();
        calc.findings
            .extend(crate::claim_checks::diseases(claim, &prepared.set, first));
        calc.findings
            .extend(crate::claim_checks::holiday_visits(claim));
        let mut order: Vec<usize> = (0..claim.visits.len()).collect();
        order.sort_by_key(|&i| claim.visits[i].date);
        for i in order {
            calc.visit(i, &claim.visits[i]);
        }
        let mut result = calc.finish();
        let due = crate::price_response::check(claim, &prepared.set, &result);
        result.findings.extend(due);
        crate::copay::attach(claim, &mut result);
        Ok(result)
    }
}

/// A resolved procedure of a visit.
struct Proc<'a> {
    path: String,
    rec: &'a Procedure,
    quantity: Option<Decimal>,
    times: u32,
}

struct Calc<'a> {
    p: &'a Prepared,
    claim: &'a Claim,
    lines: Vec<Line>,
    findings: Vec<Finding>,
    next_unit: usize,
    /// 判断料 groups already billed this month.
    judged: FxHashSet<u8>,
    /// The claim's month (any day of it).
    month: Date,
    /// F200 注3 rounding unit (from [`EngineOptions`]).
    polypharmacy_rounding: PolypharmacyRounding,
    /// An 入院 claim: master gates reversed (入外適用区分), 点数集計先識別（入院）, no 外来-only
    /// derivations (外来管理加算, 時間外等加算 of 初再診, F200 注3).
    inpatient: bool,
}

fn same_month(a: Date, b: Date) -> bool {
    (a.year(), a.month()) == (b.year(), b.month())
}

fn code_of(s: &str) -> Option<u32> {
    (s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// 診療識別 of an outpatient 点数集計先識別: the master's 項番15 (MASTER_S_LAYOUT #15: 110 初診, 120–125
/// 再診 and its 外来管理加算/時間外 欄, 130 医学管理, 140 在宅, 210/230 調剤, 250 処方, 260 麻毒, 270 調基,
/// 3xx 注射, 400 処置, 500/502 手術・輸血, 540 麻酔, 600 検査, 700 画像, 800 その他) mapped onto the UKE
/// 診療識別 codes (記録条件仕様 別表, ../shared/docs/UKE_LAYOUT.md: 11, 12, 13, 14, 24, 25, 26, 27,
/// 31–33, 40, 50, 54, 60, 70, 80).
pub fn section_of(aggregation: u16) -> &'static str {
    match aggregation {
        110 => "11",
        120..=129 => "12",
        130 => "13",
        140 => "14",
        210 | 230 => "24",
        250 => "25",
        260 => "26",
        270 => "27",
        310..=319 => "31",
        320..=329 => "32",
        300..=399 => "33",
        400..=499 => "40",
        500..=539 => "50",
        540..=599 => "54",
        600..=699 => "60",
        700..=799 => "70",
        _ => "80",
    }
}

/// 診療識別 of an inpatient 点数集計先識別（入院） (項番66): as [`section_of`], plus 240 調剤（入院）
/// → 24, 903 入院基本料・入院基本料等加算 → 90, 920 特定入院料・その他 → 92, 970–975 食事・生活療養 → 97
/// (UKE 診療識別 別表, ../shared/docs/UKE_LAYOUT.md).
pub fn section_of_inpatient(aggregation: u16) -> &'static str {
    match aggregation {
        240 => "24",
        900..=909 => "90",
        910..=969 => "92",
        970..=979 => "97",
        a => section_of(a),
    }
}

pub fn section_name(section: &str) -> &'static str {
    match section {
        "11" => "初診",
        "12" => "再診",
        "13" => "医学管理等",
        "14" => "在宅",
        "21" => "投薬（内服）",
        "22" => "投薬（屯服）",
        "23" => "投薬（外用）",
        "24" => "投薬（調剤）",
        "25" => "投薬（処方）",
        "26" => "投薬（麻毒）",
        "27" => "投薬（調基）",
        "31" => "注射（皮下筋肉内）",
        "32" => "注射（静脈内）",
        "33" => "注射（その他）",
        "40" => "処置",
        "50" => "手術",
        "54" => "麻酔",
        "60" => "検査・病理",
        "70" => "画像診断",
        "90" => "入院基本料",
        "92" => "特定入院料・その他",
        "97" => "食事・生活療養",
        _ => "その他",
    }
}

impl<'a> Calc<'a> {
    fn new(p: &'a Prepared, claim: &'a Claim) -> Self {
        Calc {
            month: claim
                .visits
                .iter()
                .map(|v| v.date)
                .min()
                .unwrap_or(Date::MIN),
            p,
            claim,
            lines: Vec::new(),
            findings: Vec::new(),
            next_unit: 0,
            judged: FxHashSet::default(),
            polypharmacy_rounding: PolypharmacyRounding::default(),
            inpatient: claim.setting == Setting::Inpatient,
        }
    }

    /// The warning every 入院 claim carries: what santei computes for it and what it leaves out.
    fn inpatient_notice(&mut self) {
        self.finding(
            rules::INPATIENT_PARTIAL,
            Severity::Warning,
            "setting".into(),
            rules::CITE_INPATIENT_PARTIAL,
            vec![],
            "入院 claim computed in part: each claimed item is billed per day at its master points \
             (入院外のみ items refused, M011), with the rule files and the 電子点数表 (05 入院中 counts \
             from admission_date, 04 入院基本料 groups). NOT computed, check by hand: whether the \
             claimed 入院料 matches the day's 入院期間 (14日以内, 15日以上… are billed as claimed), \
             入院基本料・特定入院料 の注加算 and 入院基本料等加算 santei would have to add, 入院初日・退院時 \
             limits, 入院時初回加算 of 検体検査, F200 注1/注2, 食事療養・生活療養 lines (see `meals`), \
             DPC 包括評価, 病棟 types and 外泊・他医療機関受診の減算; 時間外等加算 are not derived"
                .into(),
        );
        for (i, v) in self.claim.visits.iter().enumerate() {
            if v.time != TimeCategory::Regular {
                self.finding(
                    rules::INPATIENT_PARTIAL,
                    Severity::Warning,
                    format!("visits[{i}].time"),
                    rules::CITE_INPATIENT_PARTIAL,
                    vec![],
                    format!(
                        "{}: 時間外等加算 are not derived on an 入院 claim; claim the 加算 as an item",
                        v.time.japanese()
                    ),
                );
            }
        }
    }

    fn unit(&mut self) -> usize {
        self.next_unit += 1;
        self.next_unit
    }

    fn finding(
        &mut self,
        rule: &'static str,
        severity: Severity,
        path: String,
        citation: &'static str,
        codes: Vec<String>,
        message: String,
    ) {
        self.findings
            .push(Finding::new(rule, severity, path, citation, codes, message));
    }

    /// What the claim's revision lacks, said on every claim it computes: a revision without
    /// hand rules (R500), masters that are an excerpt (M012).
    fn revision_notices(&mut self) {
        if let Some(why) = &self.p.rules_gap {
            self.finding(
                "R500.revision-without-rules",
                Severity::Info,
                "visits[0].date".into(),
                "engine/src/revisions.rs",
                vec![],
                format!("computed without santei's hand rules: {why}"),
            );
        }
        if self.p.set.coverage.is_partial() {
            self.finding(
                "M012.partial-masters",
                Severity::Info,
                "visits[0].date".into(),
                "基本マスター (支払基金): the complete s_ALL/y_ALL/t_ALL/c_ALL files of the revision",
                vec![],
                format!(
                    "computed with the {} masters, which are {}: a code they lack is refused (M001) although the complete files may hold it",
                    self.p.set.revision.id,
                    self.p.set.coverage.describe()
                ),
            );
        }
    }

    fn rev(&self) -> &'static str {
        self.p.set.revision.id
    }

    /// Items of earlier claims this month: 判断料 already billed.
    fn history(&mut self) {
        for (i, h) in self.claim.history.iter().enumerate() {
            let Some(code) = code_of(&h.code) else {
                self.finding(
                    rules::UNKNOWN_CODE,
                    Severity::Warning,
                    format!("history[{i}].code"),
                    rules::CITE_MASTER,
                    vec![h.code.clone()],
                    format!(
                        "`{}` is not a 9-digit 診療行為コード; history entry ignored",
                        h.code
                    ),
                );
                continue;
            };
            match self.p.set.procedures.get(code, h.date) {
                // 判断料 are 月1回 per calendar month (D026 注1): history of other months is kept
                // for longer windows but does not count here.
                Some(r)
                    if same_month(h.date, self.month)
                        && crate::derive::judgement_fee_group(r).is_some() =>
                {
                    self.judged.insert(r.test_judgement_group);
                }
                Some(_) => {}
                None => self.finding(
                    rules::UNKNOWN_CODE,
                    Severity::Warning,
                    format!("history[{i}].code"),
                    rules::CITE_MASTER,
                    vec![h.code.clone()],
                    format!(
                        "`{}` is not in the 医科診療行為マスター on {}; history entry ignored",
                        h.code, h.date
                    ),
                ),
            }
        }
    }

    fn visit(&mut self, vi: usize, visit: &'a Visit) {
        let date = visit.date;
        let set = &self.p.set;
        let birth = self.claim.patient.birth_date;
        let mut procs: Vec<Proc<'a>> = Vec::new();
        for (ii, item) in visit.items.iter().enumerate() {
            let path = format!("visits[{vi}].items[{ii}]");
            if let Item::Procedure {
                code,
                quantity,
                times,
            } = item
            {
                let Some(c) = code_of(code) else {
                    self.finding(
                        rules::UNKNOWN_CODE,
                        Severity::Error,
                        format!("{path}.code"),
                        rules::CITE_MASTER,
                        vec![code.clone()],
                        format!("`{code}` is not a 9-digit 診療行為コード; line not billed"),
                    );
                    continue;
                };
                let Some(rec) = set.procedures.get(c, date) else {
                    let msg = if set.procedures.latest(c).is_some() {
                        format!(
                            "{code} is not valid on {date} (outside its 変更年月日〜廃止年月日); line not billed"
                        )
                    } else {
                        format!(
                            "{code} is not in the 医科診療行為マスター of {}; line not billed",
                            self.rev()
                        )
                    };
                    self.finding(
                        rules::UNKNOWN_CODE,
                        Severity::Error,
                        format!("{path}.code"),
                        rules::CITE_MASTER,
                        vec![code.clone()],
                        msg,
                    );
                    continue;
                };
                if quantity.is_some_and(|q| q.is_sign_negative()) || *times == 0 {
                    self.finding(
                        rules::BAD_QUANTITY,
                        Severity::Error,
                        format!("{path}.quantity"),
                        rules::CITE_MASTER,
                        vec![code.clone()],
                        "数量 must be positive and 回数 at least 1; line not billed".into(),
                    );
                    continue;
                }
                if let Some(reason) = self.gate(rec, date, birth) {
                    self.finding(
                        reason.0,
                        Severity::Error,
                        path.clone(),
                        reason.1,
                        vec![code.clone()],
                        format!("{} {}: {}; line not billed", code, rec.abbr_name, reason.2),
                    );
                    continue;
                }
                procs.push(Proc {
                    path,
                    rec,
                    quantity: *quantity,
                    times: *times,
                });
            }
        }
        let blocker = crate::derive::outpatient_management_blocker(procs.iter().map(|p| p.rec))
            .map(|r| format!("{} {}", r.code, r.abbr_name));
        // A claimed 外来管理加算 on a day with a blocking item is not billed (A001 注8).
        if let Some(b) = &blocker {
            let mut kept = Vec::with_capacity(procs.len());
            for pr in procs {
                if crate::derive::is_outpatient_management(pr.rec) {
                    self.finding(
                        rules::OUTPATIENT_MANAGEMENT,
                        Severity::Error,
                        pr.path.clone(),
                        rules::CITE_OUTPATIENT_MANAGEMENT,
                        vec![pr.rec.code.to_string()],
                        format!("外来管理加算 cannot be billed on a day with {b} (外来管理加算区分 1); line not billed"),
                    );
                } else {
                    kept.push(pr);
                }
            }
            procs = kept;
        }
        let claimed: FxHashSet<u32> = procs.iter().map(|p| p.rec.code.0).collect();

        // まるめ groups of the day.
        let mut bundled: Vec<(u8, Vec<usize>)> = Vec::new();
        for (i, pr) in procs.iter().enumerate() {
            let g = pr.rec.bundled_test_group;
            if g == 0 {
                continue;
            }
            match bundled.iter_mut().find(|(gg, _)| *gg == g) {
                Some((_, v)) => v.push(i),
                None => bundled.push((g, vec![i])),
            }
        }
        let mut bundled_done: FxHashSet<usize> = FxHashSet::default();
        let mut bundle_checked: FxHashSet<u8> = FxHashSet::default();
        let mut management_added = false;

        for (i, pr) in procs.iter().enumerate() {
            if bundled_done.contains(&i) {
                continue;
            }
            let g = pr.rec.bundled_test_group;
            if g != 0 && bundle_checked.insert(g) {
                let members: &[usize] = bundled
                    .iter()
                    .find(|(gg, _)| *gg == g)
                    .map_or(&[], |(_, m)| m.as_slice());
                if self.bundle(g, members, &procs, date) {
                    bundled_done.extend(members.iter().copied());
                    for &m in members {
                        self.judgement_fee(&procs[m], date);
                    }
                    continue;
                }
            }
            self.procedure_line(pr, date);
            self.age_and_time_additions(pr, date, visit, &claimed);
            if !self.inpatient && !management_added && !visit_blocks(pr) && self.is_revisit(pr.rec)
            {
                management_added = true;
                self.outpatient_management(pr, date, visit, blocker.as_deref(), &claimed);
            }
            self.judgement_fee(pr, date);
        }

        // Drugs, materials, comments in claim order.
        let last_section = self
            .lines
            .iter()
            .rev()
            .find(|l| l.date == date && l.record == RecordKind::SI)
            .map(|l| l.section);
        let mut rx_done: Vec<RxDone> = Vec::new();
        for (ii, item) in visit.items.iter().enumerate() {
            let path = format!("visits[{vi}].items[{ii}]");
            match item {
                Item::Procedure { .. } => {}
                Item::Rx {
                    form,
                    days,
                    drugs,
                    temporary,
                    mixed,
                } => {
                    if let Some(mut done) = self.rx(&path, date, *form, *days, drugs) {
                        done.temporary = *temporary;
                        done.mixed = *mixed;
                        rx_done.push(done);
                    }
                }
                Item::Material {
                    code,
                    amount,
                    unit_price,
                } => self.material(&path, date, code, *amount, *unit_price, last_section, birth),
                Item::Comment { code, text } => self.comment(&path, date, code, text.as_deref()),
            }
        }
        // F200 注3 applies to 外来 only (通知 F200 (6)ア).
        if !self.inpatient {
            self.polypharmacy(vi, visit, &rx_done);
        }
    }

    /// Why a row cannot be billed for this patient, facility and day, if it cannot.
    fn gate(
        &self,
        rec: &Procedure,
        date: Date,
        birth: Date,
    ) -> Option<(&'static str, &'static str, String)> {
        gate(
            rec,
            date,
            birth,
            self.inpatient,
            &self.claim.facility,
            self.claim.insurance.scheme,
        )
    }

    fn is_revisit(&self, rec: &Procedure) -> bool {
        // A001 再診料 (and its variants) that does not itself block 外来管理加算.
        rec.code_table_alpha.as_str() == "A"
            && rec.code_table_section.as_str() == "001"
            && rec.addition_serial.as_char() == '0'
            && rec.notice_kind_2.as_char() != '7'
            && rec.outpatient_management == 0
    }

    /// Points of one procedure for one time, with its explanation: the pricing library
    /// ([`crate::price::procedure_points`], its きざみ policy; [`crate::price::percent_change`]
    /// for a %加算/%減算 on the preceding 所定点数). `None`: not computed here (金額, 減点, a % item
    /// without a preceding item, a 数量 the きざみ table refuses); the explanation says why.
    fn points_of(
        &self,
        rec: &Procedure,
        quantity: Option<Decimal>,
        prev_unit_points: Option<i64>,
    ) -> (Option<i64>, Vec<String>) {
        use crate::price::{Bound, PriceError, PricedHow, percent_change, procedure_points};
        let mut ex = vec![format!(
            "master {} {} ({}; 変更年月日 {}): 新又は現点数 {} (点数識別 {})",
            rec.code,
            rec.abbr_name,
            self.rev(),
            rec.changed_on,
            rec.points,
            rec.point_kind
        )];
        let kind = rec.point_kind();
        if matches!(kind, PointKind::PercentAdd | PointKind::PercentSubtract) {
            let Some(prev) = prev_unit_points else {
                return (None, ex);
            };
            let add = kind == PointKind::PercentAdd;
            let r = percent_change(prev, rec.points.to_decimal(), add);
            ex.push(format!(
                "{}% {} the preceding 所定点数 {prev}: {} → {r:+} ({} of the result)",
                rec.points,
                if add { "added to" } else { "taken from" },
                prev.saturating_add(r),
                Rounding::HalfUp.japanese()
            ));
            return (Some(r), ex);
        }
        match procedure_points(rec, quantity) {
            Ok(priced) => {
                if let PricedHow::Steps(s) = priced.how {
                    let q = s
                        .quantity
                        .map_or_else(|| "not given (基本点数)".to_string(), |q| q.to_string());
                    ex.push(format!(
                        "きざみ: 数量 {q}, 下限 {}, きざみ値 {}, きざみ点数 {} → {} + {} × {} = {} ({} of the steps, {} of the result; 項番30–35)",
                        s.lower, s.size, rec.step_points, rec.points, s.steps, rec.step_points, s.exact.normalize(),
                        Rounding::Up.japanese(), Rounding::HalfUp.japanese()
                    ));
                    match s.bound {
                        Bound::AboveUpperCapped { upper } => ex.push(format!(
                            "数量 exceeds the きざみ 上限値 {upper}: 上下限エラー処理 {} → 点数算定式２ (the 上限値 for the 数量)",
                            rec.step_bound_error
                        )),
                        Bound::AboveUpperWarned { upper } => ex.push(format!(
                            "数量 exceeds the きざみ 上限値 {upper}: 上下限エラー処理 {} → 点数算定式１ on the 数量 as given (警告)",
                            rec.step_bound_error
                        )),
                        Bound::Within | Bound::NoQuantity => {}
                    }
                }
                (Some(priced.points), ex)
            }
            Err(e @ PriceError::BelowLower { .. }) => {
                ex.push(e.to_string());
                (None, ex)
            }
            Err(_) => (None, ex),
        }
    }

    fn procedure_line(&mut self, pr: &Proc<'a>, date: Date) -> Option<i64> {
        // The preceding item of the day (a %加算 applies to it): a claimed one, not a line santei
        // derived such as a 判断料.
        let base = self.lines.iter().rposition(|l| {
            l.date == date
                && l.record == RecordKind::SI
                && matches!(l.origin, Origin::Claimed { .. })
        });
        let prev = base.and_then(|k| self.lines[k].points);
        let (pts, mut ex) = self.points_of(pr.rec, pr.quantity, prev);
        let Some(pts) = pts else {
            if let Err(
                e @ (crate::price::PriceError::BelowLower { .. }
                | crate::price::PriceError::Overflow(_)),
            ) = crate::price::procedure_points(pr.rec, pr.quantity)
            {
                self.finding(
                    rules::BAD_QUANTITY,
                    Severity::Error,
                    format!("{}.quantity", pr.path),
                    crate::price::procedure::CITE_STEPS,
                    vec![pr.rec.code.to_string()],
                    format!("{} {}: {e}; line not billed", pr.rec.code, pr.rec.abbr_name),
                );
                return None;
            }
            self.finding(rules::UNSUPPORTED_POINT_KIND, Severity::Error, pr.path.clone(), rules::CITE_MASTER, vec![pr.rec.code.to_string()],
                format!("{} {}: 点数識別 {} is not computed here (金額・減点・%加算 without a preceding item); line not billed", pr.rec.code, pr.rec.abbr_name, pr.rec.point_kind));
            return None;
        };
        let (unit, points) = self.unit_for(pr.rec, base, pts, pr.times, &mut ex);
        ex.push(format!("{points}点 × {}回", pr.times));
        self.lines.push(si_line(
            self.inpatient,
            pr.rec,
            date,
            unit,
            pr.quantity,
            Some(points),
            pr.times,
            Origin::Claimed {
                path: pr.path.clone(),
            },
            ex,
        ));
        Some(pts)
    }

    /// The 算定単位 of a new line and the 点数 it carries. A %加算/%減算 (点数識別 5/6) joins the
    /// unit of the line it applies to, as UKE records it (RECEIPTC_GAIRAI_SAMPLE: ＥＣＧ１２ 130 +
    /// 乳幼児加算（生体検査） 70% → one unit of 221): the base line's 点数 move to the new last
    /// line, base + addition. Any other line (or a base billed a different number of times) is a
    /// unit of its own.
    fn unit_for(
        &mut self,
        rec: &Procedure,
        base: Option<usize>,
        pts: i64,
        times: u32,
        ex: &mut Vec<String>,
    ) -> (usize, i64) {
        let percent = matches!(
            rec.point_kind(),
            PointKind::PercentAdd | PointKind::PercentSubtract
        );
        if let Some(b) = base.map(|k| &mut self.lines[k]) {
            if let (true, Some(prev), true) = (percent, b.points, b.times == times) {
                b.points = None;
                ex.push(format!(
                    "one 算定単位 with {} {}: {prev} {pts:+} = {}点",
                    b.code,
                    b.name,
                    prev + pts
                ));
                return (b.unit, prev + pts);
            }
        }
        (self.unit(), pts)
    }

    fn derived_line(
        &mut self,
        rec: &Procedure,
        date: Date,
        times: u32,
        rule: &'static str,
        base_path: &str,
        mut why: Vec<String>,
    ) {
        // A %加算 (an age addition such as 乳幼児加算（生体検査） 70%) is a share of the line of the
        // item it belongs to.
        let base = self.lines.iter().rposition(|l| {
            l.date == date
                && l.record == RecordKind::SI
                && matches!(&l.origin, Origin::Claimed { path } if path == base_path)
        });
        let prev = base.and_then(|k| self.lines[k].points);
        let (pts, ex) = self.points_of(rec, None, prev);
        let Some(pts) = pts else {
            self.finding(
                rules::UNSUPPORTED_POINT_KIND,
                Severity::Warning,
                base_path.to_string(),
                rules::CITE_MASTER,
                vec![rec.code.to_string()],
                format!(
                    "{} {} (点数識別 {}) would be added to the item but is not computed here; not billed — check by hand",
                    rec.code, rec.abbr_name, rec.point_kind
                ),
            );
            return;
        };
        why.extend(ex);
        let (unit, points) = self.unit_for(rec, base, pts, times, &mut why);
        why.push(format!("{points}点 × {times}回"));
        self.lines.push(si_line(
            self.inpatient,
            rec,
            date,
            unit,
            None,
            Some(points),
            times,
            Origin::Derived {
                rule,
                base_path: base_path.to_string(),
            },
            why,
        ));
    }

    /// 注加算 by age (項番100–111) and by time (時間加算区分) of a base item.
    fn age_and_time_additions(
        &mut self,
        pr: &Proc<'a>,
        date: Date,
        visit: &Visit,
        claimed: &FxHashSet<u32>,
    ) {
        let set = &self.p.set;
        let birth = self.claim.patient.birth_date;
        let time = if self.inpatient {
            None
        } else {
            self.time_addition(pr.rec, date, visit)
        };
        let time_replaces_infant = time
            .as_ref()
            .is_some_and(|(t, _)| crate::derive::time_addition_replaces_infant(t));
        if let Some((t, why)) = time {
            if !claimed.contains(&t.code.0) {
                self.derived_line(t, date, pr.times, rules::TIME_ADDITION, &pr.path, why);
            }
        }
        for (min, max, code) in crate::derive::due_age_additions(pr.rec, birth, date) {
            if claimed.contains(&code.0) {
                continue;
            }
            let Some(add) = set.procedures.get(code.0, date) else {
                self.finding(
                    rules::LINK_MISSING,
                    Severity::Warning,
                    pr.path.clone(),
                    rules::CITE_AGE_LINK,
                    vec![code.to_string()],
                    format!(
                        "年齢加算 {code} of {} is not in the master on {date}",
                        pr.rec.code
                    ),
                );
                continue;
            };
            if self.inpatient && (add.inout_applicability == 2 || add.aggregation_inpatient == 0) {
                self.finding(
                    rules::OUTPATIENT_ONLY,
                    Severity::Info,
                    pr.path.clone(),
                    rules::CITE_INPATIENT,
                    vec![code.to_string()],
                    format!(
                        "年齢加算 {} {} of {} not added: 入院外のみ (入外適用区分 2 / 点数集計先識別（入院） 0)",
                        add.code, add.abbr_name, pr.rec.code
                    ),
                );
                continue;
            }
            if time_replaces_infant {
                self.finding(
                    rules::AGE_ADDITION,
                    Severity::Info,
                    pr.path.clone(),
                    rules::CITE_INFANT_WITH_TIME,
                    vec![code.to_string()],
                    format!(
                        "{} {} not added: the 時間外等加算 for 6歳未満 already includes it",
                        add.code, add.abbr_name
                    ),
                );
                continue;
            }
            let why = vec![format!(
                "年齢加算 of {} {} (項番100–111: {} → {}); age on {date}: {}歳",
                pr.rec.code,
                pr.rec.abbr_name,
                age::describe(min, max),
                code,
                age::age_years(birth, date)
            )];
            self.derived_line(add, date, pr.times, rules::AGE_ADDITION, &pr.path, why);
        }
    }

    /// The 時間外等加算 of 初診料/再診料/外来診療料 for the visit's time category.
    fn time_addition(
        &self,
        base: &Procedure,
        date: Date,
        visit: &Visit,
    ) -> Option<(&'a Procedure, Vec<String>)> {
        let birth = self.claim.patient.birth_date;
        let p: &'a Prepared = self.p;
        let chosen = crate::derive::choose_time_addition(p, base, date, visit.time, |r| {
            self.gate(r, date, birth).is_none()
        })?;
        let key = kubun_key(base);
        let why = vec![format!(
            "時間外等加算 for {} {} on a {} visit: 時間加算区分 {} in {} (項番43), {}",
            base.code,
            base.abbr_name,
            visit.time.japanese(),
            chosen.time_addition,
            key,
            age::describe(chosen.min_age, chosen.max_age)
        )];
        Some((chosen, why))
    }

    /// 外来管理加算 (A001 注8) after a 再診料, unless an item of the day blocks it (外来管理加算区分 1).
    fn outpatient_management(
        &mut self,
        pr: &Proc<'a>,
        date: Date,
        visit: &Visit,
        blocker: Option<&str>,
        claimed: &FxHashSet<u32>,
    ) {
        let p: &'a Prepared = self.p;
        let Some(rec) = p
            .outpatient_management
            .iter()
            .find_map(|&c| p.set.procedures.get(c, date))
        else {
            return;
        };
        if claimed.contains(&rec.code.0) {
            return;
        }
        if !visit.outpatient_management {
            return;
        }
        if let Some(b) = blocker {
            self.finding(
                rules::OUTPATIENT_MANAGEMENT,
                Severity::Info,
                pr.path.clone(),
                rules::CITE_OUTPATIENT_MANAGEMENT,
                vec![rec.code.to_string()],
                format!(
                    "外来管理加算 not added: {b} on the same day blocks it (外来管理加算区分 1)"
                ),
            );
            return;
        }
        if self
            .gate(rec, date, self.claim.patient.birth_date)
            .is_some()
        {
            return;
        }
        let why = vec![format!(
            "外来管理加算 after {} {}: no item of the day has 外来管理加算区分 1 (A001 注8; visit.outpatient_management = true)",
            pr.rec.code, pr.rec.abbr_name
        )];
        self.derived_line(rec, date, 1, rules::OUTPATIENT_MANAGEMENT, &pr.path, why);
    }

    /// 検体検査判断料 (D026) once a month per group, after the first test of the group.
    fn judgement_fee(&mut self, pr: &Proc<'a>, date: Date) {
        let rec = pr.rec;
        if let Some(g) = crate::derive::judgement_fee_group(rec) {
            self.judged.insert(g);
            return;
        }
        let Some(group) = crate::derive::judged_test_group(rec) else {
            return;
        };
        if self.judged.contains(&group) {
            return;
        }
        let p: &'a Prepared = self.p;
        let birth = self.claim.patient.birth_date;
        let best = p.judgement_fees.get(&group).and_then(|codes| {
            codes
                .iter()
                .filter_map(|&c| p.set.procedures.get(c, date))
                .filter(|r| self.gate(r, date, birth).is_none())
                .max_by_key(|r| r.points)
        });
        let Some(fee) = best else {
            self.finding(
                rules::JUDGEMENT_FEE,
                Severity::Warning,
                pr.path.clone(),
                rules::CITE_JUDGEMENT,
                vec![rec.code.to_string()],
                format!(
                    "no 判断料 of 検査等実施判断グループ区分 {group} can be billed here for {}",
                    rec.code
                ),
            );
            self.judged.insert(group);
            return;
        };
        self.judged.insert(group);
        let why = vec![format!(
            "判断料 of group {group} (検査等実施判断グループ区分, 項番51) for {} {}: first test of the group this month (D026: 月1回)",
            rec.code, rec.abbr_name
        )];
        self.derived_line(fee, date, 1, rules::JUDGEMENT_FEE, &pr.path, why);
    }

    /// Applies the まるめ of a 包括対象検査 group if the day has enough items; returns true if the
    /// group was billed as one unit.
    fn bundle(&mut self, group: u8, members: &[usize], procs: &[Proc<'a>], date: Date) -> bool {
        let distinct: FxHashSet<u32> = members.iter().map(|&m| procs[m].rec.code.0).collect();
        let n = distinct.len() as u32;
        let Some(b) = tables::bundling(group, date) else {
            if n >= 2 {
                let codes = members
                    .iter()
                    .map(|&m| procs[m].rec.code.to_string())
                    .collect();
                self.finding(rules::BUNDLING_UNKNOWN, Severity::Warning, procs[members[0]].path.clone(), rules::CITE_BUNDLING, codes,
                    format!("{n} items of 包括対象検査 group {group} on {date}: santei has no まるめ table for this group in {}; billed item by item — check by hand", self.rev()));
            }
            return false;
        };
        let Some(points) = b.points(n) else {
            return false;
        };
        let unit = self.unit();
        let last = members.len() - 1;
        let individual: i64 = members
            .iter()
            .map(|&m| Rounding::HalfUp.to_int(procs[m].rec.points.to_decimal()))
            .sum();
        for (k, &m) in members.iter().enumerate() {
            let pr = &procs[m];
            let mut ex = vec![format!(
                "master {} {} ({}): 新又は現点数 {}, 包括対象検査 {group} (項番16)",
                pr.rec.code,
                pr.rec.abbr_name,
                self.rev(),
                pr.rec.points
            )];
            if k == last {
                ex.push(format!(
                    "まるめ {}: {n}項目 → {points}点 (instead of {individual}点 item by item); {}",
                    b.kubun, b.citation
                ));
            }
            self.lines.push(si_line(
                self.inpatient,
                pr.rec,
                date,
                unit,
                pr.quantity,
                (k == last).then_some(points),
                1,
                Origin::Claimed {
                    path: pr.path.clone(),
                },
                ex,
            ));
        }
        self.finding(
            rules::BUNDLING,
            Severity::Info,
            procs[members[0]].path.clone(),
            b.citation,
            distinct.iter().map(|c| format!("{c:09}")).collect(),
            format!("{} まるめ: {n}項目 → {points}点", b.kubun),
        );
        true
    }

    fn rx(
        &mut self,
        path: &str,
        date: Date,
        form: RxForm,
        days: Option<u32>,
        drugs: &[crate::claim::DrugUse],
    ) -> Option<RxDone> {
        let Some(days) = days.filter(|&d| d > 0) else {
            self.finding(rules::RX_DAYS, Severity::Error, format!("{path}.days"), rules::CITE_DRUG, vec![],
                "a 剤 needs 日数 (内服), 回数 (頓服・注射) or 調剤数 (外用) of at least 1; 剤 not billed".into());
            return None;
        };
        if drugs.is_empty() {
            self.finding(
                rules::RX_DAYS,
                Severity::Error,
                format!("{path}.drugs"),
                rules::CITE_DRUG,
                vec![],
                "a 剤 without drugs; not billed".into(),
            );
            return None;
        }
        let set = &self.p.set;
        let mut resolved = Vec::new();
        for (k, d) in drugs.iter().enumerate() {
            let dpath = format!("{path}.drugs[{k}]");
            let found = code_of(&d.code).and_then(|c| set.drugs.get(c, date));
            let Some(rec) = found else {
                self.finding(rules::UNKNOWN_CODE, Severity::Error, format!("{dpath}.code"), rules::CITE_MASTER, vec![d.code.clone()],
                    format!("医薬品 `{}` is not in the 医薬品マスター of {} on {date}; the 剤 is not billed", d.code, self.rev()));
                return None;
            };
            if d.amount <= Decimal::ZERO {
                self.finding(
                    rules::BAD_QUANTITY,
                    Severity::Error,
                    format!("{dpath}.amount"),
                    rules::CITE_DRUG,
                    vec![d.code.clone()],
                    "使用量 must be positive; the 剤 is not billed".into(),
                );
                return None;
            }
            if rec.price_kind != 1 {
                self.finding(
                    rules::UNSUPPORTED_POINT_KIND,
                    Severity::Error,
                    dpath.clone(),
                    rules::CITE_DRUG,
                    vec![d.code.clone()],
                    format!(
                        "医薬品 {} has 金額種別 {} (not 1 金額); the 剤 is not billed",
                        d.code, rec.price_kind
                    ),
                );
                return None;
            }
            resolved.push((dpath, rec, d.amount));
        }
        let (section, section_no, unit_word, cite) = match form {
            RxForm::Internal => ("21", 21, "1剤1日分", rules::CITE_DRUG),
            RxForm::AsNeeded => ("22", 22, "1回分", rules::CITE_DRUG),
            RxForm::External => ("23", 23, "1調剤", rules::CITE_DRUG),
            RxForm::InjectionIntramuscular => ("31", 31, "1回分", rules::CITE_INJECTION_DRUG),
            RxForm::InjectionIntravenous => ("32", 32, "1回分", rules::CITE_INJECTION_DRUG),
            RxForm::InjectionOther => ("33", 33, "1回分", rules::CITE_INJECTION_DRUG),
            RxForm::Treatment => ("40", 40, "1回分", rules::CITE_DRUG_ZERO),
            RxForm::Test => ("60", 60, "1回分", rules::CITE_DRUG_ZERO),
            RxForm::Imaging => ("70", 70, "1回分", rules::CITE_DRUG_ZERO),
        };
        let floor = crate::price::drug_floor(section_no);
        let mut yen = Decimal::ZERO;
        let unit = self.unit();
        let last = resolved.len() - 1;
        let mut explain_unit = Vec::new();
        for (dpath, rec, amount) in &resolved {
            let Some((sub, sum)) = crate::price::drug::drug_yen(rec, *amount, yen) else {
                self.finding(
                    rules::BAD_QUANTITY,
                    Severity::Error,
                    format!("{dpath}.amount"),
                    rules::CITE_DRUG,
                    vec![rec.code.to_string()],
                    format!("使用量 {amount}: the 薬価 × 使用量 overflows; the 剤 is not billed"),
                );
                return None;
            };
            yen = sum;
            explain_unit.push(format!(
                "{} {}: {}円/{} × {} = {}円",
                rec.code,
                rec.name,
                rec.price,
                rec.unit_name,
                amount,
                sub.normalize()
            ));
            let expected_form = match form {
                RxForm::Internal | RxForm::AsNeeded => Some(1),
                RxForm::External => Some(6),
                RxForm::InjectionIntramuscular
                | RxForm::InjectionIntravenous
                | RxForm::InjectionOther => Some(4),
                _ => None,
            };
            if let Some(f) = expected_form {
                if rec.dosage_form != f {
                    self.finding(
                        rules::DOSAGE_FORM,
                        Severity::Warning,
                        dpath.clone(),
                        rules::CITE_DRUG,
                        vec![rec.code.to_string()],
                        format!(
                            "{} {} has 剤形 {} but is in a {} 剤 (診療識別 {section})",
                            rec.code,
                            rec.name,
                            rec.dosage_form,
                            section_name(section)
                        ),
                    );
                }
            }
        }
        let points = drug_points(yen, floor);
        for (k, (dpath, rec, amount)) in resolved.iter().enumerate() {
            let mut ex = vec![explain_unit[k].clone()];
            if k == last {
                ex.push(format!(
                    "{unit_word} {}円 → {points}点 ({}; 15円以下は{floor}点; {}) × {days}",
                    yen.normalize(),
                    if yen <= Decimal::from(15) {
                        "15円以下".to_string()
                    } else {
                        format!(
                            "{} of {}/10",
                            Rounding::HalfDown.japanese(),
                            yen.normalize()
                        )
                    },
                    cite
                ));
            }
            self.lines.push(Line {
                record: RecordKind::IY,
                section,
                date,
                unit,
                code: rec.code.to_string(),
                name: rec.name.to_string(),
                quantity: Some(*amount),
                points: (k == last).then_some(points),
                times: days,
                aggregation: 0,
                origin: Origin::Claimed {
                    path: dpath.clone(),
                },
                explain: ex,
            });
        }
        Some(RxDone {
            path: path.to_string(),
            form,
            unit,
            points,
            days,
            yen,
            drugs: resolved
                .iter()
                .map(|(_, rec, _)| (rec.code.to_string(), rec.narcotic_kind))
                .collect(),
            temporary: false,
            mixed: false,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn material(
        &mut self,
        path: &str,
        date: Date,
        code: &str,
        amount: Decimal,
        unit_price: Option<Decimal>,
        section: Option<&'static str>,
        birth: Date,
    ) {
        let set = &self.p.set;
        let Some(rec) = code_of(code).and_then(|c| set.materials.get(c, date)) else {
            self.finding(rules::UNKNOWN_CODE, Severity::Error, format!("{path}.code"), rules::CITE_MASTER, vec![code.to_string()],
                format!("特定器材 `{code}` is not in the 特定器材マスター of {} on {date}; line not billed", self.rev()));
            return;
        };
        if amount <= Decimal::ZERO {
            self.finding(
                rules::BAD_QUANTITY,
                Severity::Error,
                format!("{path}.amount"),
                rules::CITE_MATERIAL,
                vec![code.to_string()],
                "使用量 must be positive; line not billed".into(),
            );
            return;
        }
        let age_code = |s: &str| santei_masters::AgeCode::from_field(s);
        if !age::in_range(birth, date, age_code(&rec.min_age), age_code(&rec.max_age)) {
            self.finding(
                rules::AGE_LIMIT,
                Severity::Error,
                path.to_string(),
                rules::CITE_AGE,
                vec![code.to_string()],
                format!(
                    "{} {}: 年齢制限 (項番15/16) に該当しない; line not billed",
                    rec.code, rec.name
                ),
            );
            return;
        }
        let price = match (rec.price_kind, unit_price) {
            (1, _) => rec.price.to_decimal(),
            (2, Some(p)) => p,
            (2, None) => {
                self.finding(rules::MATERIAL_PRICE, Severity::Error, format!("{path}.unit_price"), rules::CITE_MATERIAL, vec![code.to_string()],
                    format!("{} {} is priced at its 購入価格 (金額種別 2): give unit_price; line not billed", rec.code, rec.name));
                return;
            }
            (k, _) => {
                self.finding(
                    rules::UNSUPPORTED_POINT_KIND,
                    Severity::Error,
                    path.to_string(),
                    rules::CITE_MATERIAL,
                    vec![code.to_string()],
                    format!(
                        "{} {} has 金額種別 {k}, not computed yet; line not billed",
                        rec.code, rec.name
                    ),
                );
                return;
            }
        };
        let Some(mp) = crate::price::material_points(rec, price, amount) else {
            self.finding(
                rules::BAD_QUANTITY,
                Severity::Error,
                format!("{path}.amount"),
                rules::CITE_MATERIAL,
                vec![code.to_string()],
                format!("使用量 {amount}: the price × 使用量 overflows; line not billed"),
            );
            return;
        };
        let points = mp.points;
        let mut ex = vec![format!(
            "master {} {} ({}): {}円/{} × {} = {}円 ÷ {}円 (特定器材種別 {}, 項番22) → {} ({}; 材料価格基準 留意事項)",
            rec.code,
            rec.name,
            self.rev(),
            price.normalize(),
            rec.unit_name,
            amount,
            mp.yen.normalize(),
            mp.divisor,
            rec.material_kind,
            if mp.capped.is_some() {
                "over the cap".to_string()
            } else {
                format!("{points}点")
            },
            Rounding::HalfUp.japanese()
        )];
        if let Some(cap) = mp.capped {
            ex.push(format!("上限点数 {cap} (項番24) → {points}点"));
        }
        let unit = self.unit();
        self.lines.push(Line {
            record: RecordKind::TO,
            section: section.unwrap_or("80"),
            date,
            unit,
            code: rec.code.to_string(),
            name: rec.name.to_string(),
            quantity: Some(amount),
            points: Some(points),
            times: 1,
            aggregation: 0,
            origin: Origin::Claimed {
                path: path.to_string(),
            },
            explain: ex,
        });
    }

    fn comment(&mut self, path: &str, date: Date, code: &str, text: Option<&str>) {
        let set = &self.p.set;
        let Some(rec) = code_of(code).and_then(|c| set.comments.get(c, date)) else {
            self.finding(
                rules::UNKNOWN_CODE,
                Severity::Error,
                format!("{path}.code"),
                rules::CITE_MASTER,
                vec![code.to_string()],
                format!(
                    "コメント `{code}` is not in the コメントマスター of {} on {date}",
                    self.rev()
                ),
            );
            return;
        };
        let section = self
            .lines
            .iter()
            .rev()
            .find(|l| l.date == date)
            .map_or("80", |l| l.section);
        let unit = self.unit();
        let mut name = rec.text.to_string();
        if let Some(t) = text {
            name.push_str(t);
        }
        self.lines.push(Line {
            record: RecordKind::CO,
            section,
            date,
            unit,
            code: rec.code.to_string(),
            name,
            quantity: None,
            points: None,
            times: 0,
            aggregation: 0,
            origin: Origin::Claimed {
                path: path.to_string(),
            },
            explain: vec![format!(
                "コメント パターン {} (master {})",
                rec.pattern, rec.code
            )],
        });
    }

    fn finish(mut self) -> ClaimResult {
        self.apply_rules();
        self.reject_out_of_range_units();
        let total: i64 = self.lines.iter().map(line_points).sum();
        let mut sections: Vec<SectionTotal> = Vec::new();
        let mut days: Vec<DayTotal> = Vec::new();
        let mut aggregations: Vec<AggregationTotal> = Vec::new();
        for l in &self.lines {
            if l.aggregation != 0 {
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
            lines: self.lines,
            findings: self.findings,
            copay: None,
        }
    }
}

impl Calc<'_> {
    /// Evaluates the revision's rules (rule files and 電子点数表) on the computed lines and the
    /// history, and applies the outcomes: a dropped line leaves with the lines derived from it and
    /// a finding naming the rule; warnings become findings; additions become derived lines.
    fn apply_rules(&mut self) {
        use rust_decimal::prelude::ToPrimitive;
        use santei_rules_dsl::ast;
        let p: &Prepared = self.p;
        let rs = &p.rules;
        if rs.is_empty() {
            return;
        }
        let mut items = Vec::new();
        let mut map: Vec<Option<usize>> = Vec::new();
        for (k, l) in self.lines.iter().enumerate() {
            if l.record != RecordKind::SI {
                continue;
            }
            let Ok(code) = l.code.parse::<u32>() else {
                continue;
            };
            items.push(santei_rules_dsl::Item {
                code,
                date: l.date,
                times: l.times,
                quantity: l.quantity.and_then(|q| q.to_u32()),
                history: false,
            });
            map.push(Some(k));
        }
        for h in &self.claim.history {
            if let Some(code) = code_of(&h.code) {
                items.push(santei_rules_dsl::Item {
                    code,
                    date: h.date,
                    times: h.times,
                    quantity: None,
                    history: true,
                });
                map.push(None);
            }
        }
        let f = &self.claim.facility;
        let disease_specific: Vec<u8> = self
            .claim
            .diseases
            .iter()
            .filter_map(|d| d.code.parse::<u32>().ok())
            .filter_map(|c| p.set.diseases.latest(c))
            .filter_map(|d| d.specific_disease.parse::<u8>().ok())
            .filter(|&n| n != 0)
            .collect();
        let comments: Vec<(Date, u32)> = self
            .lines
            .iter()
            .filter(|l| l.record == RecordKind::CO)
            .filter_map(|l| l.code.parse().ok().map(|c| (l.date, c)))
            .collect();
        let subject = santei_rules_dsl::Subject {
            birth: self.claim.patient.birth_date,
            sex: match self.claim.patient.sex {
                crate::claim::Sex::Male => ast::Sex::Male,
                crate::claim::Sex::Female => ast::Sex::Female,
            },
            setting: if self.inpatient {
                ast::Setting::Inpatient
            } else {
                ast::Setting::Outpatient
            },
            facility: match f.kind {
                FacilityKind::Clinic => ast::FacilityKind::Clinic,
                FacilityKind::Hospital => ast::FacilityKind::Hospital,
            },
            beds: f.beds,
            standards: &f.standards,
            disease_specific: &disease_specific,
            comments: &comments,
        };
        let outcomes = rs.evaluate_admitted(
            &subject,
            &items,
            &santei_rules_dsl::RuleKind::ALL,
            self.claim.admission_date,
        );
        if outcomes.is_empty() {
            return;
        }
        let mut remove = vec![false; self.lines.len()];
        for o in outcomes {
            let rule = &rs.rules[o.rule];
            let line = map[o.items[0]];
            let path = line.map_or_else(|| "history".to_string(), |k| path_of(&self.lines[k]));
            let codes: Vec<String> = o
                .items
                .iter()
                .map(|&i| format!("{:09}", items[i].code))
                .collect();
            let category = match rule.kind {
                santei_rules_dsl::RuleKind::Exclusion => rules::RULE_EXCLUSION,
                santei_rules_dsl::RuleKind::Inclusion => rules::RULE_INCLUSION,
                santei_rules_dsl::RuleKind::Limit => rules::RULE_LIMIT,
                santei_rules_dsl::RuleKind::Requirement => rules::RULE_REQUIREMENT,
                santei_rules_dsl::RuleKind::Addition => rules::RULE_ADDITION,
            };
            let (severity, message) = match &o.action {
                santei_rules_dsl::Action::Drop => {
                    if let Some(k) = line {
                        remove[k] = true;
                        // Lines santei derived from the dropped line (its 注加算) go with it. A 判断料
                        // stays: it belongs to the month's group, not to one test (通知 A002 (10)
                        // keeps it billable when the test itself is included).
                        if let Origin::Claimed { path } = &self.lines[k].origin {
                            let date = self.lines[k].date;
                            for (j, l) in self.lines.iter().enumerate() {
                                if matches!(&l.origin, Origin::Derived { base_path, rule } if base_path == path && *rule != rules::JUDGEMENT_FEE)
                                    && l.date == date
                                {
                                    remove[j] = true;
                                }
                            }
                        }
                    }
                    let sev = if rule.kind == santei_rules_dsl::RuleKind::Inclusion {
                        Severity::Info
                    } else {
                        Severity::Error
                    };
                    (sev, format!("{}; line not billed", o.message))
                }
                santei_rules_dsl::Action::Warn => (Severity::Warning, o.message.clone()),
                santei_rules_dsl::Action::Add(code) => {
                    let birth = self.claim.patient.birth_date;
                    match p.set.procedures.get(*code, o.date) {
                        Some(rec) if self.gate(rec, o.date, birth).is_none() => {
                            let why =
                                vec![format!("added by rule {} ({})", rule.id, rule.citation)];
                            self.derived_line(rec, o.date, 1, rules::RULE_ADDITION, &path, why);
                            remove.push(false);
                            (Severity::Info, o.message.clone())
                        }
                        _ => (
                            Severity::Warning,
                            format!(
                                "{}: but {code:09} cannot be billed here on {}",
                                o.message, o.date
                            ),
                        ),
                    }
                }
            };
            // A 傷病名 requirement on a claim without 傷病名: say so (R504).
            let message = if category == rules::RULE_REQUIREMENT
                && self.claim.diseases.is_empty()
                && message.contains("傷病名")
            {
                format!("{message} — no 傷病名 given (the claim has no `diseases`)")
            } else {
                message
            };
            let mut finding = Finding::new(
                category,
                severity,
                path,
                rule.citation.clone(),
                codes,
                message,
            );
            finding.rule_id = Some(rule.id.clone());
            self.findings.push(finding);
        }
        // A まるめ unit that lost a test: the tier is for the tests billed.
        // (unit, dropped code, claim paths of the unit's lines)
        let mut retier: Vec<(usize, String, Vec<String>)> = Vec::new();
        for (k, l) in self.lines.iter().enumerate() {
            if remove.get(k).copied().unwrap_or(false)
                && self.lines.iter().filter(|o| o.unit == l.unit).count() > 1
                && l.record == RecordKind::SI
                && !retier.iter().any(|(u, _, _)| *u == l.unit)
            {
                let paths = self
                    .lines
                    .iter()
                    .filter(|o| o.unit == l.unit)
                    .map(path_of)
                    .collect();
                retier.push((l.unit, l.code.clone(), paths));
            }
        }
        let mut k = 0;
        self.lines.retain(|_| {
            let keep = !remove.get(k).copied().unwrap_or(false);
            k += 1;
            keep
        });
        for (unit, dropped, paths) in retier {
            self.retier_bundle(unit, &dropped, &paths);
        }
    }

    /// An item with its %加算 (one 算定単位, see `unit_for`) that lost a line to a rule, billed again
    /// from the master: each item its own 点数, a % line on the Σ before it. A % line left without
    /// an item is not billed (M009).
    fn reunit(&mut self, members: &[usize], recs: &[&Procedure], dropped: &str) {
        let mut sum: Option<i64> = None;
        let mut last = None;
        let mut orphans = Vec::new();
        for (&k, rec) in members.iter().zip(recs) {
            let percent = matches!(
                rec.point_kind(),
                PointKind::PercentAdd | PointKind::PercentSubtract
            );
            let (pts, _) = if percent {
                match sum {
                    Some(s) => self.points_of(rec, None, Some(s)),
                    None => {
                        orphans.push(k);
                        continue;
                    }
                }
            } else {
                self.points_of(rec, self.lines[k].quantity, None)
            };
            let Some(p) = pts else { return };
            sum = Some(sum.unwrap_or(0) + p);
            last = Some(k);
        }
        for &k in members {
            self.lines[k].points = None;
        }
        if let (Some(k), Some(s)) = (last, sum) {
            let l = &mut self.lines[k];
            l.points = Some(s);
            l.explain.push(format!(
                "算定単位 billed again without {dropped}, which a rule dropped: {s}点"
            ));
        }
        let mut gone = vec![false; self.lines.len()];
        for &k in &orphans {
            gone[k] = true;
            let l = &self.lines[k];
            let path = path_of(l);
            let (code, name) = (l.code.clone(), l.name.clone());
            self.finding(
                rules::UNSUPPORTED_POINT_KIND,
                Severity::Error,
                path,
                rules::CITE_MASTER,
                vec![code.clone()],
                format!("{code} {name}: %加算 without its item ({dropped} was dropped by a rule); line not billed"),
            );
        }
        let mut i = 0;
        self.lines.retain(|_| {
            let keep = !gone[i];
            i += 1;
            keep
        });
    }

    /// Tiers a まるめ unit again after a rule dropped one of its tests: the 告示 counts the
    /// 項目数 billed (告示 D007 注 …), so a test that may not be billed does not count. Below the
    /// first tier the tests are billed item by item, each its own 算定単位.
    fn retier_bundle(&mut self, unit: usize, dropped_code: &str, paths: &[String]) {
        let dropped = match dropped_code
            .parse::<u32>()
            .ok()
            .and_then(|c| self.p.set.procedures.latest(c))
        {
            Some(rec) => format!("{dropped_code} {}", rec.abbr_name),
            None => dropped_code.to_string(),
        };
        let dropped = dropped.as_str();
        let members: Vec<usize> = (0..self.lines.len())
            .filter(|&k| self.lines[k].unit == unit)
            .collect();
        let Some(&last) = members.last() else {
            return;
        };
        let date = self.lines[last].date;
        let set = &self.p.set;
        let recs: Vec<&Procedure> = members
            .iter()
            .filter_map(|&k| {
                let code = self.lines[k].code.parse::<u32>().ok()?;
                set.procedures.get(code, date)
            })
            .collect();
        if recs.len() != members.len() {
            return;
        }
        let group = recs.first().map_or(0, |r| r.bundled_test_group);
        if group == 0 || recs.iter().any(|r| r.bundled_test_group != group) {
            // Not a まるめ: an item with its %加算 (see `unit_for`).
            self.reunit(&members, &recs, dropped);
            return;
        }
        let Some(b) = tables::bundling(group, date) else {
            return;
        };
        // The first count (its finding is on the unit's first test), which included the dropped
        // test, is replaced by this one.
        self.findings
            .retain(|f| !(f.rule == rules::BUNDLING && paths.contains(&f.path)));
        let distinct: FxHashSet<u32> = recs.iter().map(|r| r.code.0).collect();
        let n = distinct.len() as u32;
        for &k in &members {
            let l = &mut self.lines[k];
            l.points = None;
            l.explain.retain(|e| !e.starts_with("まるめ "));
        }
        let message = match b.points(n) {
            Some(points) => {
                let l = &mut self.lines[last];
                l.points = Some(points);
                l.explain.push(format!(
                    "まるめ {}: {n}項目 → {points}点, counted without {dropped}, which a rule dropped; {}",
                    b.kubun, b.citation
                ));
                format!(
                    "{} まるめ recounted without {dropped}: {n}項目 → {points}点",
                    b.kubun
                )
            }
            None => {
                for (&k, rec) in members.iter().zip(&recs) {
                    let unit = self.unit();
                    let points = Rounding::HalfUp.to_int(rec.points.to_decimal());
                    let l = &mut self.lines[k];
                    l.unit = unit;
                    l.points = Some(points);
                    l.explain.push(format!(
                        "{n}項目 of {} without {dropped}, which a rule dropped: below the まるめ tiers, billed item by item: {points}点; {}",
                        b.kubun, b.citation
                    ));
                }
                format!(
                    "{} まるめ recounted without {dropped}: {n}項目, below the tiers; billed item by item",
                    b.kubun
                )
            }
        };
        let path = path_of(&self.lines[last]);
        self.finding(
            rules::BUNDLING,
            Severity::Info,
            path,
            b.citation,
            distinct.iter().map(|c| format!("{c:09}")).collect(),
            message,
        );
    }
}

/// The claim path a line comes from (its own, or the item santei derived it from).
fn path_of(l: &Line) -> String {
    match &l.origin {
        Origin::Claimed { path } => path.clone(),
        Origin::Derived { base_path, .. } => base_path.clone(),
    }
}

/// The largest points × 回数 one 算定単位 may have (10^10点 = 1,000億円, far above any real item:
/// the dearest drug in the r06 master is 167,077,222円). Above it the input is wrong, and keeping
/// every sum far below `i64::MAX` makes overflow impossible for any claim that fits in memory.
pub(crate) const MAX_UNIT_POINTS: i64 = 10_000_000_000;

/// Points × 回数 of a line (0 on lines without points); bounded by `reject_out_of_range_units`.
fn line_points(l: &Line) -> i64 {
    l.points.unwrap_or(0) * i64::from(l.times)
}

impl Calc<'_> {
    /// Drops every 算定単位 whose points × 回数 is out of range (absurd quantities), with a finding.
    fn reject_out_of_range_units(&mut self) {
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
            self.finding(
                rules::BAD_QUANTITY,
                Severity::Error,
                path,
                rules::CITE_MASTER,
                vec![code],
                format!("points × 回数 of this 算定単位 exceed {MAX_UNIT_POINTS}点: the quantity cannot be right; not billed"),
            );
        }
    }
}

/// A 診療行為 (SI) line of a master row: section and 点数欄 from its 点数集計先識別（入院外）, or
/// （入院） on an 入院 claim.
#[allow(clippy::too_many_arguments)]
fn si_line(
    inpatient: bool,
    rec: &Procedure,
    date: Date,
    unit: usize,
    quantity: Option<Decimal>,
    points: Option<i64>,
    times: u32,
    origin: Origin,
    explain: Vec<String>,
) -> Line {
    let (section, aggregation) = if inpatient {
        (
            section_of_inpatient(rec.aggregation_inpatient),
            rec.aggregation_inpatient,
        )
    } else {
        (
            section_of(rec.aggregation_outpatient),
            rec.aggregation_outpatient,
        )
    };
    Line {
        record: RecordKind::SI,
        section,
        date,
        unit,
        code: rec.code.to_string(),
        name: rec.abbr_name.to_string(),
        quantity,
        points,
        times,
        aggregation,
        origin,
        explain,
    }
}

/// Why a row of the 医科診療行為マスター cannot be billed for this patient, facility and day, if it
/// cannot (the master gates: 入外, 病院・診療所, 病床数, 施設基準, 年齢, 後期高齢者): the rule id,
/// its citation and the reason. Shared by the claim engine and the UKE recalculation.
pub(crate) fn gate(
    rec: &Procedure,
    date: Date,
    birth: Date,
    inpatient: bool,
    f: &crate::claim::Facility,
    scheme: Option<Scheme>,
) -> Option<(&'static str, &'static str, String)> {
    if inpatient {
        if rec.inout_applicability == 2 || rec.aggregation_inpatient == 0 {
            return Some((
                rules::OUTPATIENT_ONLY,
                rules::CITE_INPATIENT,
                "入院外のみ算定できる項目 (入外適用区分 2 / 点数集計先識別（入院） 0)".into(),
            ));
        }
    } else if rec.inout_applicability == 1 || rec.aggregation_outpatient == 0 {
        return Some((
            rules::INPATIENT_ONLY,
            rules::CITE_INOUT,
            "入院のみ算定できる項目 (入外適用区分 1 / 点数集計先識別（入院外） 0)".into(),
        ));
    }
    match (rec.hospital_clinic, f.kind) {
        (1, FacilityKind::Clinic) => {
            return Some((
                rules::FACILITY_KIND,
                rules::CITE_HOSPITAL_CLINIC,
                "病院のみ算定できる項目 (病院・診療所区分 1)".into(),
            ));
        }
        (2, FacilityKind::Hospital) => {
            return Some((
                rules::FACILITY_KIND,
                rules::CITE_HOSPITAL_CLINIC,
                "診療所のみ算定できる項目 (病院・診療所区分 2)".into(),
            ));
        }
        _ => {}
    }
    let large_hospital = f.kind == FacilityKind::Hospital && f.beds >= 200;
    match rec.bed_count_class {
        5 if large_hospital => {
            return Some((
                rules::BED_COUNT,
                rules::CITE_BED_COUNT,
                "一般病床200床以上の病院では算定できない (病床数区分 5; A002 外来診療料を算定)"
                    .into(),
            ));
        }
        6 if !large_hospital => {
            return Some((
                rules::BED_COUNT,
                rules::CITE_BED_COUNT,
                "一般病床200床以上の病院に限る (病床数区分 6)".into(),
            ));
        }
        _ => {}
    }
    let needed: Vec<u16> = rec.facility_standards().collect();
    if !needed.is_empty() && !needed.iter().any(|s| f.standards.contains(s)) {
        let list: Vec<String> = needed.iter().map(|s| s.to_string()).collect();
        return Some((
            rules::FACILITY_STANDARD,
            rules::CITE_FACILITY_STANDARD,
            format!(
                "施設基準の届出が必要 (施設基準コード {} のいずれか)",
                list.join("/")
            ),
        ));
    }
    if !age::in_range(birth, date, rec.min_age, rec.max_age) {
        return Some((
            rules::AGE_LIMIT,
            rules::CITE_AGE,
            format!(
                "年齢制限 {} に該当しない",
                age::describe(rec.min_age, rec.max_age)
            ),
        ));
    }
    match (rec.late_elderly_applicability, scheme) {
        (1, Some(Scheme::Kouki)) => {
            return Some((
                rules::SCHEME,
                rules::CITE_SCHEME,
                "後期高齢者には算定できない (後期高齢者医療適用区分 1)".into(),
            ));
        }
        (2, Some(s)) if s != Scheme::Kouki => {
            return Some((
                rules::SCHEME,
                rules::CITE_SCHEME,
                "後期高齢者に限る (後期高齢者医療適用区分 2)".into(),
            ));
        }
        _ => {}
    }
    None
}

fn visit_blocks(pr: &Proc<'_>) -> bool {
    crate::derive::blocks_outpatient_management(pr.rec)
}
