//! The Engine: masters per revision, and the point calculation of a claim.

use std::sync::Arc;

use santei_masters::{Date, LoadError, MasterCatalog, MasterSet};

use crate::claim::Claim;
use crate::copay::{CopaySettings, LocalSchemes};
use crate::error::ClaimError;
use crate::prepared::Prepared;
use crate::result::ClaimResult;
use santei_rules_dsl::Diagnostic;

mod additions;
mod assemble;
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
use derive_stage::{Deriver, UnitAcc};
pub use polypharmacy::PolypharmacyRounding;
pub(crate) use resolve::blocked;

/// How [`EngineBuilder`](crate::EngineBuilder) builds an [`Engine`] beyond its masters (the one
/// assembly path: every constructor goes through the builder).
#[derive(Debug, Default)]
pub(crate) struct EngineOptions {
    /// Skip santei's bundled rule files (`rules-dsl/rules/<revision>/`). Default: use them.
    pub without_bundled_rules: bool,
    /// Folders of `*.rules` files to add (each file declares its `revision`).
    pub rule_dirs: Vec<std::path::PathBuf>,
    /// 医科電子点数表 per revision id (`r2024-06`), compiled into rules.
    pub etensu: Vec<(&'static str, santei_masters::etensu::Etensu)>,
    /// The unit the F200 注3 多剤投与 90/100 is rounded over (通知 F200 (6)イ: not
    /// settled). Default: once over the 処方's sum, as 通知 F200 (6)イ defines the 所定点数.
    pub polypharmacy_rounding: PolypharmacyRounding,
    /// The copayment's choices where no primary text settles a rule (its `explain` is taken from
    /// [`CalcOptions`] at each calculation).
    pub copay: CopaySettings,
    /// 地方単独 公費 schemes given as data.
    pub local_schemes: LocalSchemes,
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
    // A build fails only on user rule files or folders; `new` and `from_set` pass none.
    Engine {
        revisions: Vec::new(),
        polypharmacy_rounding: PolypharmacyRounding::default(),
        copay: CopaySettings::DEFAULT,
        local_schemes: Arc::new(LocalSchemes::EMPTY),
    }
}

/// The calculation engine: the masters of one or more revisions, each with its indexes.
/// Immutable and `Send + Sync`: share one engine across threads.
#[derive(Clone)]
pub struct Engine {
    revisions: Vec<Arc<Prepared>>,
    polypharmacy_rounding: PolypharmacyRounding,
    /// [`crate::EngineBuilder::copay_settings`].
    copay: CopaySettings,
    /// [`crate::EngineBuilder::local_schemes`] (shared by the clones of an engine).
    local_schemes: Arc<LocalSchemes>,
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
    /// [`Engine::rule_diagnostics`]) and the default settings. The same as
    /// `EngineBuilder::new().catalog(catalog).build()`: use [`crate::EngineBuilder`] for a
    /// 電子点数表, rule folders or settings.
    pub fn new(catalog: MasterCatalog) -> Engine {
        crate::EngineBuilder::new()
            .catalog(catalog)
            .build()
            .unwrap_or_else(|_| unreachable_lenient())
    }

    /// Assembles the engine: the one place an [`Engine`] value is made, called by
    /// [`crate::EngineBuilder::build`]. Errors in `rule_dirs` files fail the build with their
    /// diagnostics; the bundled files never do.
    pub(crate) fn assemble(
        catalog: MasterCatalog,
        options: EngineOptions,
    ) -> Result<Engine, Vec<Diagnostic>> {
        let mut revisions: Vec<Arc<Prepared>> = Vec::new();
        let user = assemble::read_rule_dirs(&options.rule_dirs)?;
        // The catalog is ours: move its sets in rather than copying every master.
        for set in catalog.into_sets() {
            revisions.push(Arc::new(assemble::revision(set, &options, &user)?));
        }
        revisions.sort_by_key(|p| p.set.revision.effective_from);
        Ok(Engine {
            revisions,
            polypharmacy_rounding: options.polypharmacy_rounding,
            copay: options.copay,
            local_schemes: Arc::new(options.local_schemes),
        })
    }

    /// An engine over one set, with the bundled rules and the default settings
    /// (`EngineBuilder::new().set(set).build()`).
    pub fn from_set(set: MasterSet) -> Engine {
        crate::EngineBuilder::new()
            .set(set)
            .build()
            .unwrap_or_else(|_| unreachable_lenient())
    }

    /// An engine over the embedded demo data (r2024-06 and r2026-06 subsets; not official data),
    /// with the default settings (`EngineBuilder::new().demo().build()`).
    pub fn demo() -> Result<Engine, LoadError> {
        Ok(Engine::new(MasterCatalog::demo()?))
    }

    /// The copayment settings the engine computes with ([`crate::EngineBuilder::copay_settings`];
    /// `explain` is [`CalcOptions::explain`] of each calculation).
    pub fn copay_settings(&self) -> CopaySettings {
        self.copay
    }

    /// The 地方単独 公費 schemes given to the engine ([`crate::EngineBuilder::local_schemes`]).
    pub fn local_schemes(&self) -> &LocalSchemes {
        &self.local_schemes
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
        // Stages 2–3, resolve and derive, day by day: the lines the claim bills, each in its
        // 算定単位 (derive_stage.rs, resolve/).
        let derive_options = derive_stage::DeriveOptions {
            explain: options.explain,
            polypharmacy_rounding: self.polypharmacy_rounding,
        };
        let derived = derive_stage::derive(prepared, claim, first, derive_options);
        // Stage 4, rules: the revision's rules on the derived lines, before any price.
        let (ruled, mut findings) = rules_stage::apply(derived);
        // Stage 5, price: every 算定単位 once, then the range check of each.
        let mut priced = price_stage::price(ruled, &mut findings);
        finish::reject_out_of_range_units(&mut priced, &mut findings);
        // Stage 6, totals; then 生活療養, the 請求 check and stage 7, copay.
        let mut result = finish::totals(prepared.set.revision.id, priced, findings);
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
        // The engine's copayment settings and schemes (EngineBuilder), explained as asked.
        let settings = CopaySettings {
            explain: options.explain,
            ..self.copay
        };
        crate::copay::attach_with(claim, &mut result, &settings, &self.local_schemes);
        Ok(result)
    }
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

/// The largest points × 回数 one 算定単位 may have (10^10点 = 1,000億円, far above any real item:
/// the dearest drug in the r06 master is 167,077,222円). Above it the input is wrong, and keeping
/// every sum far below `i64::MAX` makes overflow impossible for any claim that fits in memory.
pub(crate) const MAX_UNIT_POINTS: i64 = 10_000_000_000;

/// Whether points (of a line, or × 回数 of a 算定単位) are within ±[`MAX_UNIT_POINTS`]; total on
/// every i64 (`i64::MIN` included, where `abs` would overflow).
#[inline]
pub(crate) fn within_unit_bound(points: i64) -> bool {
    points.unsigned_abs() <= MAX_UNIT_POINTS.unsigned_abs()
}
