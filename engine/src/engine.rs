//! The Engine: masters per revision, and the point calculation of a claim.

use std::sync::Arc;

use rust_decimal::Decimal;
use rustc_hash::FxHashSet;
use santei_masters::{Date, LoadError, MasterCatalog, MasterSet};

use crate::claim::{Claim, Setting};
use crate::error::ClaimError;
use crate::prepared::Prepared;
use crate::result::{ClaimResult, Finding};
use crate::rules;
use santei_rules_dsl::Diagnostic;

mod additions;
mod context;
mod derive_stage;
mod finish;
pub(crate) mod kasan_stage;
mod meal_stage;
mod polypharmacy;
mod price_stage;
mod resolve;
mod rules_stage;
pub(crate) mod stay_stage;
mod units;
mod validate;

use context::{Context, Proc, code_of, item_path, push_index, same_month};
pub use polypharmacy::PolypharmacyRounding;
pub(crate) use resolve::blocked;

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

/// What [`Engine::calculate_with`] computes besides the points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CalcOptions {
    /// The explanation of every line and copay amount (master rows, roundings, rules), as
    /// [`crate::Explanation`] values, rendered to text only when the result is printed or
    /// serialized. Built only when asked: a claim computed without them builds none.
    pub explain: bool,
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
                    p.stay_additions.groups = Some(crate::stay::kasan::Groups::of(et));
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
    ///
    /// A claim is read once without tracking the path (serde_path_to_error keeps a copy of every
    /// key it passes, a third of the parse); only a claim that fails is read again with the path
    /// tracked, which fails the same way and says where.
    pub fn parse_claim(json: &[u8]) -> Result<Claim, ClaimError> {
        use serde::Deserialize as _;
        if let Ok(claim) = Claim::deserialize(&mut serde_json::Deserializer::from_slice(json)) {
            return Ok(claim);
        }
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

    /// [`Engine::calculate_json`] as `options` say ([`Engine::calculate_with`]).
    pub fn calculate_json_with(
        &self,
        json: &[u8],
        options: CalcOptions,
    ) -> Result<ClaimResult, ClaimError> {
        self.calculate_with(&Engine::parse_claim(json)?, options)
    }

    /// Computes the points of a claim, with the explanation of every line and amount.
    pub fn calculate(&self, claim: &Claim) -> Result<ClaimResult, ClaimError> {
        self.calculate_with(claim, CalcOptions { explain: true })
    }

    /// Computes the points of a claim as `options` say: without explanations no explanation is
    /// built (`explain` of every line and copay amount stays empty); with them, each is a
    /// [`crate::Explanation`] value, no text (that is written when the result is serialized).
    pub fn calculate_with(
        &self,
        claim: &Claim,
        options: CalcOptions,
    ) -> Result<ClaimResult, ClaimError> {
        // Stage 1, validate: the claim as a whole, before any master is read.
        let first = validate::claim(claim)?;
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
        calc.explain = options.explain;
        calc.polypharmacy_rounding = self.polypharmacy_rounding;
        if calc.cx.inpatient {
            calc.inpatient_notice();
        }
        calc.judged = resolve::history(calc.cx, &mut calc.findings);
        calc.revision_notices();
        calc.findings
            .extend(crate::claim_checks::diseases(claim, &prepared.set, first));
        calc.findings
            .extend(crate::claim_checks::holiday_visits(claim));
        let mut order: Vec<usize> = (0..claim.visits.len()).collect();
        order.sort_by_key(|&i| claim.visits[i].date);
        // Day by day: the stay's 入院料 first, then what the visits of the day bill.
        let stay_days = claim
            .stay
            .as_ref()
            .map(|s| crate::stay::days_in_month(s, claim.admission_date, first))
            .unwrap_or_default();
        let (mut vi, mut di) = (0, 0);
        while vi < order.len() || di < stay_days.len() {
            let next_visit = order.get(vi).map(|&i| claim.visits[i].date);
            match (stay_days.get(di), next_visit) {
                (Some(&d), v) if v.is_none_or(|v| d <= v) => {
                    if let Some(s) = &claim.stay {
                        calc.stay_day(s, d);
                    }
                    di += 1;
                }
                _ => {
                    let i = order[vi];
                    calc.visit(i, &claim.visits[i]);
                    vi += 1;
                }
            }
        }
        if let Some(s) = &claim.stay {
            calc.meals_served(s);
        }
        let mut result = calc.finish();
        if let Some(s) = claim.stay.as_ref().filter(|s| crate::meals::any_living(s)) {
            let set = &prepared.set;
            let yen = |code: u32, date| {
                set.procedures
                    .get(code, date)
                    .filter(|r| r.point_kind() == santei_masters::PointKind::Yen)
                    .and_then(|r| r.points.whole())
            };
            result.living = Some(crate::meals::living::totals(s, &yen));
        }
        let due = crate::price_response::check(claim, prepared, &result);
        result.findings.extend(due);
        if options.explain {
            crate::copay::attach(claim, &mut result);
        } else {
            let settings = crate::copay::CopaySettings {
                explain: false,
                ..crate::copay::CopaySettings::DEFAULT
            };
            let schemes = crate::copay::LocalSchemes::EMPTY;
            crate::copay::attach_with(claim, &mut result, &settings, &schemes);
        }
        Ok(result)
    }
}

/// The state of the stages that build the claim's lines day by day (derive, then the rules and
/// price stages at the end: `finish`).
struct Calc<'a> {
    cx: Context<'a>,
    lines: Vec<price_stage::Work>,
    findings: Vec<Finding>,
    next_unit: usize,
    /// 判断料 groups already billed this month.
    judged: FxHashSet<u8>,
    /// F200 注3 rounding unit (from [`EngineOptions`]).
    polypharmacy_rounding: PolypharmacyRounding,
    /// The 所定点数 and %加算 of each procedure 算定単位, by unit id ([`UnitAcc`]).
    accs: UnitAccs,
    /// Build the explanation lines ([`CalcOptions::explain`]); see [`why!`].
    explain: bool,
    /// Findings said once per claim although their cause repeats on every day of a stay
    /// ([`Calc::first_time`]): (rule, what, key).
    said: FxHashSet<(&'static str, &'static str, u64)>,
}

/// Appends an [`crate::Explanation`] to a `Vec` when the claim is computed with explanations;
/// otherwise the value is not built at all (its fields are not evaluated).
macro_rules! why {
    ($calc:expr, $v:expr, $e:expr) => {
        if $calc.explain {
            $v.push($e);
        }
    };
}
pub(crate) use why;

/// One procedure 算定単位 as the derive stage builds it: its 所定点数 so far (the base item and the
/// 注加算 joined to it; a まるめ's tier), the Σ of its %加算/%減算 and the points outside the 所定点数
/// (項番62 = 1) — what a derivation reads (the 所定点数 of a 通則 %, its 150点 threshold). The unit
/// is priced once, after the rules, from its lines' [`price_stage::Part`]s (price_stage.rs).
#[derive(Debug, Clone)]
struct UnitAcc {
    base: i64,
    percent: Decimal,
    outside: i64,
    times: u32,
    /// The base takes 通則 additions (処置・手術・麻酔・内視鏡検査): its 注加算 (same 注加算コード,
    /// 項番38, `note_code`) join its unit, so that the 所定点数 of a % holds them (通知 第10部 通則9,
    /// 第9部 通則10, 第11部 通則6).
    joins_notes: bool,
    note_code: u16,
}

/// The [`UnitAcc`] of each procedure 算定単位, indexed by its unit number: the numbers are given
/// in order from 1 ([`Calc::unit`]), so a `Vec` serves where a hash map cost a hash and a probe per
/// lookup; the units of drugs, materials and comments have none.
struct UnitAccs(Vec<Option<UnitAcc>>);

impl UnitAccs {
    fn get(&self, unit: usize) -> Option<&UnitAcc> {
        self.0.get(unit).and_then(Option::as_ref)
    }

    fn get_mut(&mut self, unit: usize) -> Option<&mut UnitAcc> {
        self.0.get_mut(unit).and_then(Option::as_mut)
    }

    fn insert(&mut self, unit: usize, acc: UnitAcc) {
        if unit >= self.0.len() {
            self.0.resize(unit + 1, None);
        }
        self.0[unit] = Some(acc);
    }
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
        // Sized for the claim: about two lines per item (its 注加算, 判断料 …) and one 算定単位 per
        // item, so the line list and the unit table do not grow item by item.
        let items: usize = claim.visits.iter().map(|v| v.items.len()).sum();
        Calc {
            cx: Context {
                p,
                claim,
                inpatient: claim.setting == Setting::Inpatient,
                month: claim
                    .visits
                    .iter()
                    .map(|v| v.date)
                    .min()
                    .unwrap_or(Date::MIN),
            },
            lines: Vec::with_capacity(2 * items + 4),
            findings: Vec::with_capacity(8),
            next_unit: 0,
            judged: FxHashSet::default(),
            polypharmacy_rounding: PolypharmacyRounding::default(),
            accs: UnitAccs(Vec::with_capacity(items + 1)),
            explain: true,
            said: FxHashSet::default(),
        }
    }

    /// True the first time `(rule, what, key)` comes up on this claim: a finding whose cause repeats
    /// on every day of a stay (a ward's 入院料 missing, a 加算 the 04 group does not list) is built
    /// and recorded once, its message formatted only then.
    fn first_time(&mut self, rule: &'static str, what: &'static str, key: u64) -> bool {
        self.said.insert((rule, what, key))
    }

    /// One explanation from `f`, or none (and `f` not called) without explanations.
    fn why(&self, f: impl FnOnce() -> crate::Explanation) -> Vec<crate::Explanation> {
        if self.explain { vec![f()] } else { Vec::new() }
    }

    /// The warning every 入院 claim carries: what santei computes for it and what it leaves out,
    /// each item once.
    fn inpatient_notice(&mut self) {
        let computed = if self.cx.claim.stay.is_some() {
            "santei computed from `stay` the 入院料 of each day in hospital with its 入院期間加算, the \
             外泊 減額 and the 入院基本料等加算 the facility's 届出 gives on the days the 告示 allows with \
             the day's 入院料 (04 group): A200, A204, A207, A207-2, A207-3 (注1–注3), A207-4, A219, A234 \
             (注1–注2), A234-2 (注1–注4), A234-3, A245 1・2 (INP-110; engine/src/stay/); claimed 診療行為 that \
             the 特定入院料 A308, A308-3, A311, A311-2, A311-3, A311-4, A312, A314, A315 or A318 of the \
             day includes are not billed (INP-120); the \
             食事・生活療養 of `stay.meals` (engine/src/meals.rs); the other items are billed per day at \
             their master points"
        } else {
            "each claimed item is billed per day at its master points; give `stay` (入院日, 退院日, the \
             wards' 入院料, 外泊) to have the 入院料, its 入院期間加算 and the 入院基本料等加算 of the 届出 \
             computed (docs/CLAIM_FORMAT.md)"
        };
        self.findings.push(
            Finding::warning(rules::INPATIENT_PARTIAL)
                .at("setting")
                .cite(rules::CITE_INPATIENT_PARTIAL)
                .message(format!(
                    "入院 claim computed in part: {computed}, 入院外のみ items refused (MST-011), a claimed \
                     入院基本料等加算 outside its 入院初日 / n日限度 / 90日ごと limit refused (INP-111), with the rule \
                     files and the 電子点数表 (05 入院中 counts from admission_date, 04 入院基本料 groups), and \
                     the 通則 休日・深夜加算 of 処置・手術・麻酔・内視鏡検査. NOT computed, check by hand: the \
                     入院基本料・特定入院料 注加算 other than the 入院期間加算, the 入院基本料等加算 that need a \
                     clinical fact (claim them), what the other 特定入院料 include (包括) and the drugs and 材料 a \
                     包括 leaves out (除外薬剤), 退院時 limits, 入院時初回加算 of 検体検査, F200 注1/注2, \
                     食事療養・生活療養 lines without `stay.meals`, DPC 包括評価, 療養病棟 入院料 by 医療区分, the 精神 治療外泊 \
                     30/100 and 他医療機関受診の減算"
                )),
        );
    }

    fn unit(&mut self) -> usize {
        self.next_unit += 1;
        self.next_unit
    }

    /// What the claim's revision lacks, said on every claim it computes: a revision without
    /// hand rules (RUL-500), masters that are an excerpt (MST-012).
    fn revision_notices(&mut self) {
        if let Some(why) = &self.cx.p.rules_gap {
            self.findings.push(
                Finding::info(rules::REVISION_WITHOUT_RULES)
                    .at("visits[0].date")
                    .cite("engine/src/revisions.rs")
                    .message(format!("computed without santei's hand rules: {why}")),
            );
        }
        if self.cx.p.set.coverage.is_partial() {
            self.findings.push(
                Finding::info(rules::PARTIAL_MASTERS)
                    .at("visits[0].date")
                    .cite("基本マスター (支払基金): the complete s_ALL/y_ALL/t_ALL/c_ALL files of the revision")
                    .message(format!(
                        "computed with the {} masters, which are {}: a code they lack is refused (MST-001) although the complete files may hold it",
                        self.cx.p.set.revision.id,
                        self.cx.p.set.coverage.describe()
                    )),
            );
        }
    }

    fn rev(&self) -> &'static str {
        self.cx.p.set.revision.id
    }
}

/// The largest points × 回数 one 算定単位 may have (10^10点 = 1,000億円, far above any real item:
/// the dearest drug in the r06 master is 167,077,222円). Above it the input is wrong, and keeping
/// every sum far below `i64::MAX` makes overflow impossible for any claim that fits in memory.
pub(crate) const MAX_UNIT_POINTS: i64 = 10_000_000_000;
