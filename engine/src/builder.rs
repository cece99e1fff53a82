//! [`EngineBuilder`]: the one way to assemble an [`Engine`] — masters folders (with change files,
//! a 医科電子点数表 and, for an excerpt, its complete code prefixes), the embedded demo data,
//! rule folders, the 多剤投与 rounding, the copayment settings and 地方単独 公費 schemes
//! ([`Engine::new`], [`Engine::from_set`] and [`Engine::demo`] are builds with the defaults). The CLI (`santei calc`, `santei recalc`), the C ABI
//! (`santei_builder_*`) and the Python binding (`santei.EngineBuilder`) all build through it, so
//! what one front end can set, every one can.
//!
//! ```
//! use santei_engine::{EngineBuilder, PolypharmacyRounding};
//! let engine = EngineBuilder::new()
//!     .demo()
//!     .polypharmacy_rounding(PolypharmacyRounding::PerRx)
//!     .build()
//!     .unwrap();
//! assert_eq!(engine.revision_ids(), ["r2024-06", "r2026-06"]);
//! ```
//!
//! Official masters: `EngineBuilder::new().masters(MastersFolder::new("../shared/masters/r06")
//! .updates("../shared/masters/updates").etensu("../shared/etensu/r06")).build()?`.

use std::path::{Path, PathBuf};

use santei_masters::etensu::Etensu;
use santei_masters::{
    Encoding, LoadError, LoadOptions, MasterCatalog, MasterKind, MasterSet, Revision,
};
use santei_rules_dsl::Diagnostic;

use crate::copay::{CopaySettings, LocalSchemes};
use crate::{Engine, EngineOptions, PolypharmacyRounding};

/// One folder of official masters (the `*_ALL*` files of one revision, zip or CSV, as
/// published) and what goes with it. `From<&str>`, `From<&Path>` and `From<PathBuf>` give a
/// folder with nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MastersFolder {
    /// The folder of the complete files.
    pub dir: PathBuf,
    /// A folder of change files (`s_20240621.csv` …) applied after the complete files; `None`:
    /// the builder's [`EngineBuilder::updates`], if any.
    pub updates: Option<PathBuf>,
    /// The 医科電子点数表 of the same revision (a folder or zip, CP932 as published): its
    /// 背反・包括・算定回数 tables become rules of the engine.
    pub etensu: Option<PathBuf>,
    /// For an excerpt (`s_excerpt_ALL….csv`): the 医科診療行為 code prefixes it holds completely
    /// (`111`, `120` …). Empty: the builder's [`EngineBuilder::complete_prefixes`].
    pub complete_prefixes: Vec<String>,
}

impl MastersFolder {
    /// A folder of masters with no change files, no 電子点数表.
    pub fn new(dir: impl Into<PathBuf>) -> MastersFolder {
        MastersFolder {
            dir: dir.into(),
            updates: None,
            etensu: None,
            complete_prefixes: Vec::new(),
        }
    }

    /// The folder of change files for this revision.
    pub fn updates(mut self, dir: impl Into<PathBuf>) -> MastersFolder {
        self.updates = Some(dir.into());
        self
    }

    /// The 医科電子点数表 folder (or zip) of this revision.
    pub fn etensu(mut self, dir: impl Into<PathBuf>) -> MastersFolder {
        self.etensu = Some(dir.into());
        self
    }

    /// The code prefixes an excerpt holds completely.
    pub fn complete_prefixes<S: Into<String>>(
        mut self,
        prefixes: impl IntoIterator<Item = S>,
    ) -> MastersFolder {
        self.complete_prefixes = prefixes.into_iter().map(Into::into).collect();
        self
    }
}

impl From<PathBuf> for MastersFolder {
    fn from(dir: PathBuf) -> Self {
        MastersFolder::new(dir)
    }
}

impl From<&Path> for MastersFolder {
    fn from(dir: &Path) -> Self {
        MastersFolder::new(dir)
    }
}

impl From<&str> for MastersFolder {
    fn from(dir: &str) -> Self {
        MastersFolder::new(dir)
    }
}

/// Where the masters of the engine come from, in the order given (a later set of the same
/// revision replaces an earlier one).
#[derive(Debug, Clone)]
enum Source {
    Folder(MastersFolder),
    Demo,
    Set(Box<MasterSet>),
    Sets(Vec<MasterSet>),
}

/// A 電子点数表 given apart from its masters folder: for a revision, or for the only revision
/// loaded.
#[derive(Debug, Clone)]
struct EtensuSpec {
    revision: Option<Revision>,
    dir: PathBuf,
}

/// Where the 地方単独 公費 schemes of the engine come from.
#[derive(Debug, Clone)]
enum SchemesSource {
    Given(LocalSchemes),
    File(PathBuf),
}

/// Why an engine could not be built. Every variant names the folder or setting at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Nothing to build from: no masters folder, no demo data, no set.
    #[error(
        "no masters: add a folder of official masters (EngineBuilder::masters) or the embedded demo data (EngineBuilder::demo)"
    )]
    NoMasters,
    /// A masters folder (or its change-files folder) does not exist.
    #[error("{what} `{}` does not exist", dir.display())]
    FolderMissing { what: &'static str, dir: PathBuf },
    /// A masters folder (or its change-files folder) is a file.
    #[error("{what} `{}` is a file, not a folder", dir.display())]
    NotAFolder { what: &'static str, dir: PathBuf },
    /// A masters folder could not be loaded (a malformed file: the error gives the file, line
    /// and column).
    #[error("masters folder `{}`: {source}{hint}", dir.display())]
    Masters {
        dir: PathBuf,
        #[source]
        source: LoadError,
        /// When the folder holds one folder per revision (like ../shared/masters) rather than
        /// master files: which ones, and how to give them (empty otherwise).
        hint: String,
    },
    /// The embedded demo data could not be loaded (a bug).
    #[error("the embedded demo data: {0}")]
    Demo(#[source] LoadError),
    /// A 電子点数表 folder could not be loaded.
    #[error("電子点数表 `{}`: {source}{hint}", dir.display())]
    Etensu {
        dir: PathBuf,
        #[source]
        source: LoadError,
        /// When the folder holds one 電子点数表 folder per revision: which ones (empty otherwise).
        hint: String,
    },
    /// A 電子点数表 given for a revision whose masters are not loaded.
    #[error(
        "電子点数表 `{}` is for {revision}, but no masters of {revision} are loaded (loaded: {})",
        dir.display(), loaded.join(", ")
    )]
    EtensuRevisionNotLoaded {
        dir: PathBuf,
        revision: &'static str,
        loaded: Vec<&'static str>,
    },
    /// A 電子点数表 given without its revision while several revisions are loaded.
    #[error(
        "電子点数表 `{}`: several revisions of masters are loaded ({}); say which one it is for",
        dir.display(), loaded.join(", ")
    )]
    EtensuAmbiguous {
        dir: PathBuf,
        loaded: Vec<&'static str>,
    },
    /// [`EngineBuilder::revision`] names a revision that is not loaded.
    #[error("revision {revision} is not loaded (loaded: {}); pass its masters", loaded.join(", "))]
    RevisionNotLoaded {
        revision: &'static str,
        loaded: Vec<&'static str>,
    },
    /// The 地方単独 公費 schemes file ([`EngineBuilder::local_schemes_file`]) cannot be read.
    #[error("地方単独 公費 schemes file `{}`: {source}", file.display())]
    LocalSchemesUnreadable {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The 地方単独 公費 schemes file is not a JSON array of schemes (the fields of
    /// `LocalSchemeEntry`, engine/src/copay/mod.rs): where, and why.
    #[error(
        "地方単独 公費 schemes file `{}`, line {line}, column {column}: {message} (expected a JSON array of schemes: law_number, payer_prefix, name, patient_percent, per_visit_yen, max_charged_visits, monthly_cap_yen, recipient_required; README \"Computing claims\")",
        file.display()
    )]
    LocalSchemes {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// Rule files that cannot be read or do not compile, with every diagnostic (file, line,
    /// column).
    #[error("{}", diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Rules { diagnostics: Vec<Diagnostic> },
}

/// What [`EngineBuilder::build_with_report`] says besides the engine: the warnings of loading
/// (a missing optional master file, a change for an unknown code, a missing 電子点数表 table).
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    pub warnings: Vec<String>,
}

/// Assembles an [`Engine`]. Every setting has a default; at least one source of masters
/// ([`masters`](Self::masters), [`demo`](Self::demo) or [`set`](Self::set)) is required.
#[derive(Debug, Clone)]
pub struct EngineBuilder {
    sources: Vec<Source>,
    updates: Option<PathBuf>,
    complete_prefixes: Vec<String>,
    etensu: Vec<EtensuSpec>,
    encoding: Encoding,
    revision: Option<Revision>,
    rule_dirs: Vec<PathBuf>,
    without_bundled_rules: bool,
    polypharmacy_rounding: PolypharmacyRounding,
    parallel: bool,
    /// The master kinds read from a folder (all when `None`; see [`EngineBuilder::kinds`]).
    kinds: Option<Vec<MasterKind>>,
    copay: CopaySettings,
    local_schemes: Option<SchemesSource>,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder::new()
    }
}

impl EngineBuilder {
    /// An empty builder: no masters yet, santei's bundled rules, CP932 files, the default
    /// 多剤投与 rounding (per 処方).
    pub fn new() -> EngineBuilder {
        EngineBuilder {
            sources: Vec::new(),
            updates: None,
            complete_prefixes: Vec::new(),
            etensu: Vec::new(),
            encoding: Encoding::Cp932,
            revision: None,
            rule_dirs: Vec::new(),
            without_bundled_rules: false,
            polypharmacy_rounding: PolypharmacyRounding::default(),
            parallel: true,
            kinds: None,
            copay: CopaySettings::DEFAULT,
            local_schemes: None,
        }
    }

    /// Adds a folder of official masters of one revision (a path, or a [`MastersFolder`] with
    /// its change files, 電子点数表 and complete prefixes). The revision is inferred from the
    /// 医科診療行為 file unless [`revision`](Self::revision) says it.
    pub fn masters(mut self, folder: impl Into<MastersFolder>) -> EngineBuilder {
        self.sources.push(Source::Folder(folder.into()));
        self
    }

    /// Adds every embedded demo revision (r2024-06, r2026-06: hand-picked subsets, not official).
    pub fn demo(mut self) -> EngineBuilder {
        self.sources.push(Source::Demo);
        self
    }

    /// Adds a set already loaded.
    pub fn set(mut self, set: MasterSet) -> EngineBuilder {
        self.sources.push(Source::Set(Box::new(set)));
        self
    }

    /// Adds every set of a catalog already loaded (an empty catalog still counts as a source:
    /// the engine then has no revision).
    pub fn catalog(mut self, catalog: MasterCatalog) -> EngineBuilder {
        self.sources.push(Source::Sets(catalog.into_sets()));
        self
    }

    /// A folder of change files for every masters folder that does not give its own.
    pub fn updates(mut self, dir: impl Into<PathBuf>) -> EngineBuilder {
        self.updates = Some(dir.into());
        self
    }

    /// The code prefixes held completely, for every masters folder that is an excerpt and does
    /// not give its own.
    pub fn complete_prefixes<S: Into<String>>(
        mut self,
        prefixes: impl IntoIterator<Item = S>,
    ) -> EngineBuilder {
        self.complete_prefixes = prefixes.into_iter().map(Into::into).collect();
        self
    }

    /// A 医科電子点数表 folder for a revision (its masters must be loaded).
    pub fn etensu_for(mut self, revision: Revision, dir: impl Into<PathBuf>) -> EngineBuilder {
        self.etensu.push(EtensuSpec {
            revision: Some(revision),
            dir: dir.into(),
        });
        self
    }

    /// A 医科電子点数表 folder for the only revision loaded (an error when several are).
    pub fn etensu(mut self, dir: impl Into<PathBuf>) -> EngineBuilder {
        self.etensu.push(EtensuSpec {
            revision: None,
            dir: dir.into(),
        });
        self
    }

    /// Text encoding of the master files (default CP932, as published). The 電子点数表 is read
    /// as published (CP932).
    pub fn encoding(mut self, encoding: Encoding) -> EngineBuilder {
        self.encoding = encoding;
        self
    }

    /// The revision of the masters folders' files, when it should not be inferred from them; it
    /// must be among the revisions loaded ([`BuildError::RevisionNotLoaded`]).
    pub fn revision(mut self, revision: Revision) -> EngineBuilder {
        self.revision = Some(revision);
        self
    }

    /// Adds a folder of `*.rules` files (each file declares its `revision`).
    pub fn rules_dir(mut self, dir: impl Into<PathBuf>) -> EngineBuilder {
        self.rule_dirs.push(dir.into());
        self
    }

    /// Leaves out santei's bundled rule files (`rules-dsl/rules/<revision>/`).
    pub fn without_bundled_rules(mut self) -> EngineBuilder {
        self.without_bundled_rules = true;
        self
    }

    /// The unit the F200 注3 多剤投与 90/100 is rounded over (default: once per 処方).
    pub fn polypharmacy_rounding(mut self, rounding: PolypharmacyRounding) -> EngineBuilder {
        self.polypharmacy_rounding = rounding;
        self
    }

    /// The copayment's choices where no primary text settles a rule (default
    /// [`CopaySettings::DEFAULT`]): [`crate::copay::Under70PublicLimit`],
    /// [`crate::copay::PublicReceiptRounding`], [`crate::copay::MissingOver70Class`],
    /// [`crate::copay::HoCopay`]. Their `explain` is ignored: each calculation's
    /// [`crate::CalcOptions::explain`] decides it.
    pub fn copay_settings(mut self, settings: CopaySettings) -> EngineBuilder {
        self.copay = settings;
        self
    }

    /// The copayment settings given so far (for a front end that sets them one at a time).
    pub fn copay(&self) -> CopaySettings {
        self.copay
    }

    /// 地方単独 公費 schemes (医療費助成) as data, looked up by 公費負担者番号 prefix or 法別番号
    /// for a 公費 the claim gives without its own `local` scheme. Replaces any schemes or file
    /// given before.
    pub fn local_schemes(mut self, schemes: LocalSchemes) -> EngineBuilder {
        self.local_schemes = Some(SchemesSource::Given(schemes));
        self
    }

    /// 地方単独 公費 schemes read from a JSON file (an array of [`crate::copay::LocalSchemeEntry`])
    /// when the engine is built; a file that cannot be read or parsed fails the build with its
    /// path, line and column ([`BuildError::LocalSchemes`]). Replaces any schemes given before.
    pub fn local_schemes_file(mut self, file: impl Into<PathBuf>) -> EngineBuilder {
        self.local_schemes = Some(SchemesSource::File(file.into()));
        self
    }

    /// Reads only these master kinds from a folder (医科診療行為 always; every kind by default).
    /// For a front end that needs no more: the UKE recalculation reads no 傷病名 or 修飾語, and
    /// the 傷病名マスター is the largest file to load. An engine built this way computes claims
    /// without the 傷病名 checks' facts, so it is for such front ends only.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = MasterKind>) -> EngineBuilder {
        self.kinds = Some(kinds.into_iter().collect());
        self
    }

    /// Load the kinds of a folder on parallel threads (default true).
    pub fn parallel(mut self, parallel: bool) -> EngineBuilder {
        self.parallel = parallel;
        self
    }

    /// The masters folders added so far (for a front end that says what it loads).
    pub fn masters_folders(&self) -> impl Iterator<Item = &MastersFolder> {
        self.sources.iter().filter_map(|s| match s {
            Source::Folder(f) => Some(f),
            _ => None,
        })
    }

    /// Builds the engine.
    pub fn build(self) -> Result<Engine, BuildError> {
        self.build_with_report().map(|(engine, _)| engine)
    }

    /// Builds the engine and reports the warnings of loading.
    pub fn build_with_report(mut self) -> Result<(Engine, BuildReport), BuildError> {
        if self.sources.is_empty() {
            return Err(BuildError::NoMasters);
        }
        // The schemes file first: a mistake in it is found before the masters are loaded.
        let local_schemes = match self.local_schemes.take() {
            None => LocalSchemes::EMPTY,
            Some(SchemesSource::Given(s)) => s,
            Some(SchemesSource::File(f)) => read_local_schemes(&f)?,
        };
        let mut report = BuildReport::default();
        let mut catalog = MasterCatalog::new();
        let mut folder_etensu: Vec<(Revision, PathBuf)> = Vec::new();
        for source in std::mem::take(&mut self.sources) {
            let set = match source {
                Source::Demo => {
                    for set in MasterCatalog::demo().map_err(BuildError::Demo)?.into_sets() {
                        catalog.insert(set);
                    }
                    continue;
                }
                Source::Set(set) => *set,
                Source::Sets(sets) => {
                    for set in sets {
                        report
                            .warnings
                            .extend(set.report.warnings.iter().map(|w| w.to_string()));
                        catalog.insert(set);
                    }
                    continue;
                }
                Source::Folder(f) => {
                    let set = self.load_folder(&f)?;
                    if let Some(e) = &f.etensu {
                        folder_etensu.push((set.revision, e.clone()));
                    }
                    set
                }
            };
            report
                .warnings
                .extend(set.report.warnings.iter().map(|w| w.to_string()));
            catalog.insert(set);
        }
        let loaded: Vec<Revision> = catalog.sets().iter().map(|s| s.revision).collect();
        let ids = || loaded.iter().map(|r| r.id).collect::<Vec<_>>();
        if let Some(rev) = self.revision {
            if !loaded.contains(&rev) {
                return Err(BuildError::RevisionNotLoaded {
                    revision: rev.id,
                    loaded: ids(),
                });
            }
        }
        let mut options = EngineOptions {
            without_bundled_rules: self.without_bundled_rules,
            rule_dirs: self.rule_dirs.clone(),
            etensu: Vec::new(),
            polypharmacy_rounding: self.polypharmacy_rounding,
            copay: self.copay,
            local_schemes,
        };
        let mut wanted = folder_etensu;
        for spec in &self.etensu {
            let rev = match (spec.revision, loaded.as_slice()) {
                (Some(r), _) => r,
                (None, [one]) => *one,
                (None, _) => {
                    return Err(BuildError::EtensuAmbiguous {
                        dir: spec.dir.clone(),
                        loaded: ids(),
                    });
                }
            };
            if !loaded.contains(&rev) {
                return Err(BuildError::EtensuRevisionNotLoaded {
                    dir: spec.dir.clone(),
                    revision: rev.id,
                    loaded: ids(),
                });
            }
            wanted.push((rev, spec.dir.clone()));
        }
        for (rev, dir) in wanted {
            let et = Etensu::load(&dir).map_err(|source| BuildError::Etensu {
                hint: etensu_folders_hint(&dir),
                dir: dir.clone(),
                source,
            })?;
            report
                .warnings
                .extend(et.report.warnings.iter().map(|w| w.to_string()));
            options.etensu.push((rev.id, et));
        }
        let engine = Engine::assemble(catalog, options)
            .map_err(|diagnostics| BuildError::Rules { diagnostics })?;
        Ok((engine, report))
    }

    fn load_folder(&self, f: &MastersFolder) -> Result<MasterSet, BuildError> {
        check_folder("masters folder", &f.dir)?;
        let updates = f.updates.clone().or_else(|| self.updates.clone());
        if let Some(u) = &updates {
            check_folder("change-files folder", u)?;
        }
        let complete_prefixes = if f.complete_prefixes.is_empty() {
            self.complete_prefixes.clone()
        } else {
            f.complete_prefixes.clone()
        };
        let options = LoadOptions {
            encoding: self.encoding,
            updates,
            revision: self.revision,
            kinds: self.kinds.clone(),
            parallel: self.parallel,
            complete_prefixes,
        };
        MasterSet::load_with(&f.dir, &options).map_err(|source| BuildError::Masters {
            hint: revision_folders_hint(&f.dir),
            dir: f.dir.clone(),
            source,
        })
    }
}

/// A 地方単独 公費 schemes file, read and parsed; its errors name the file, line and column.
fn read_local_schemes(file: &Path) -> Result<LocalSchemes, BuildError> {
    let bytes = std::fs::read(file).map_err(|source| BuildError::LocalSchemesUnreadable {
        file: file.to_path_buf(),
        source,
    })?;
    LocalSchemes::from_json(&bytes).map_err(|e| {
        // serde_json's text ends with " at line L column C": said once, in the error's own words.
        let text = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        BuildError::LocalSchemes {
            file: file.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: text.strip_suffix(&suffix).unwrap_or(&text).to_string(),
        }
    })
}

/// A folder that is not there, or is a file, said plainly before loading.
fn check_folder(what: &'static str, dir: &Path) -> Result<(), BuildError> {
    if !dir.exists() {
        return Err(BuildError::FolderMissing {
            what,
            dir: dir.to_path_buf(),
        });
    }
    if !dir.is_dir() {
        return Err(BuildError::NotAFolder {
            what,
            dir: dir.to_path_buf(),
        });
    }
    Ok(())
}

/// When `d` holds folders of masters (one per revision, like ../shared/masters) rather than master
/// files: which ones, and how to give them.
pub fn revision_folders_hint(d: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(d) else {
        return String::new();
    };
    let mut revisions = Vec::new();
    let mut complete = Vec::new();
    let mut updates = Vec::new();
    for e in entries.flatten() {
        let Ok(files) = std::fs::read_dir(e.path()) else {
            continue;
        };
        let names: Vec<String> = files
            .flatten()
            .map(|f| f.file_name().to_string_lossy().to_ascii_lowercase())
            .filter(|n| n.starts_with("s_"))
            .collect();
        let name = format!("{}/", e.file_name().to_string_lossy());
        if names.iter().any(|n| n.starts_with("s_all")) {
            complete.push(name.clone());
            revisions.push(name);
        } else if names.iter().any(|n| n.contains("all")) {
            revisions.push(name);
        } else if !names.is_empty() {
            updates.push(name);
        }
    }
    if revisions.is_empty() {
        return String::new();
    }
    updates.sort();
    revisions.sort();
    // The example: the last complete folder (an s_ALL* file), else the last one.
    let example = complete
        .iter()
        .max()
        .or(revisions.last())
        .map_or_else(|| d.to_path_buf(), |r| d.join(r.trim_end_matches('/')));
    let mut hint = format!(
        "\n  `{}` holds one folder per revision: {}; give one of them (e.g. `{}`), or several, one masters folder each",
        d.display(),
        revisions.join(", "),
        example.display()
    );
    if !updates.is_empty() {
        hint.push_str(&format!(
            "; {} holds change files: give it as the change-files folder (--updates)",
            updates.join(", ")
        ));
    }
    hint
}

/// When `dir` holds 医科電子点数表 folders (one per revision, like ../shared/etensu): which ones.
fn etensu_folders_hint(dir: &Path) -> String {
    let mut subs: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            std::fs::read_dir(e.path())
                .into_iter()
                .flatten()
                .flatten()
                .any(|f| {
                    let n = f.file_name().to_string_lossy().to_lowercase();
                    n.starts_with("01") || (n.starts_with("tensuhyo") && n.ends_with(".zip"))
                })
        })
        .map(|e| format!("{}/", e.file_name().to_string_lossy()))
        .collect();
    subs.sort();
    match subs.last() {
        Some(last) => format!(
            "\n  `{}` holds one 電子点数表 folder per revision: {}; pass one of them (e.g. `{}`)",
            dir.display(),
            subs.join(", "),
            dir.join(last.trim_end_matches('/')).display()
        ),
        None => String::new(),
    }
}
