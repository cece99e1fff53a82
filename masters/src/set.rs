//! [`MasterSet`]: the six masters of one revision, loaded from a folder of official files (zip or
//! CSV) with the published change files applied in date order, answering "item X on date D".

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::MasterKind;
use crate::error::{LoadError, Warning};
use crate::field::Date;
use crate::kinds::{
    comment::Comment, disease::Disease, drug::Drug, material::Material, modifier::Modifier,
    procedure::Procedure,
};
use crate::load::{FileReport, apply_changes, load_base};
use crate::record::MasterRecord;
use crate::revision::Revision;
use crate::source::read_text_sniffed;
use crate::table::Table;
use crate::text::Encoding;

/// How to load a folder of masters.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Text encoding of the files (CP932 for official files).
    pub encoding: Encoding,
    /// A folder of change files (`s_20240621.csv` …) to apply after the base files.
    pub updates: Option<PathBuf>,
    /// The revision, when it should not be inferred from the 医科診療行為 file.
    pub revision: Option<Revision>,
    /// Load only these kinds (all when `None`). 医科診療行為 is always loaded.
    pub kinds: Option<Vec<MasterKind>>,
    /// Load the kinds on parallel threads.
    pub parallel: bool,
    /// For a partial set (an excerpt): the 医科診療行為 code prefixes (e.g. `111`, `120`) whose
    /// rows the excerpt holds completely. A code of such a prefix that the set lacks is unknown;
    /// any other missing code is "not verifiable with this set". Ignored for complete sets.
    pub complete_prefixes: Vec<String>,
}

/// Whether a set holds a revision's whole masters or an excerpt of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Coverage {
    /// The complete files as published (`s_ALL20240531.zip` …).
    #[default]
    Complete,
    /// santei's embedded demo subset: a code it lacks is treated as unknown (bundled rules that
    /// name one are left out), as the demo only serves the examples it was picked for.
    Demo,
    /// An excerpt (`s_excerpt_ALL20261001.csv`: a qualifier between the kind letter and `ALL`):
    /// only some rows of the revision. Codes it lacks cannot be judged with it, except in the
    /// `complete_prefixes` the user declared complete.
    Partial {
        /// The qualifier of the file name (`excerpt`).
        label: String,
        /// 医科診療行為 code prefixes held completely (declared, never guessed).
        complete_prefixes: Vec<String>,
    },
}

impl Coverage {
    /// True for an excerpt.
    pub fn is_partial(&self) -> bool {
        matches!(self, Coverage::Partial { .. })
    }

    /// Whether a code missing from the set is known to be absent from the revision (`true`), or
    /// merely absent from an excerpt (`false`: not verifiable with this set).
    pub fn vouches_for(&self, code: &str) -> bool {
        match self {
            Coverage::Complete | Coverage::Demo => true,
            Coverage::Partial {
                complete_prefixes, ..
            } => complete_prefixes
                .iter()
                .any(|p| code.starts_with(p.as_str())),
        }
    }

    /// One line for people: `complete` or `partial (excerpt; complete for 111, 112 …)`.
    pub fn describe(&self) -> String {
        match self {
            Coverage::Complete => "complete".into(),
            Coverage::Demo => "embedded demo subset (not official)".into(),
            Coverage::Partial {
                label,
                complete_prefixes,
            } if complete_prefixes.is_empty() => format!(
                "PARTIAL ({label}): only some rows of the revision; a code it lacks is not verifiable with it"
            ),
            Coverage::Partial {
                label,
                complete_prefixes,
            } => format!(
                "PARTIAL ({label}): complete only for codes {}…; any other code it lacks is not verifiable with it",
                complete_prefixes.join("…, ")
            ),
        }
    }
}

/// Where a set came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Provenance {
    /// Official files in this folder.
    Folder(PathBuf),
    /// santei's embedded hand-written demo subset (not official data).
    Demo,
}

/// What loading one kind did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KindReport {
    pub kind: MasterKind,
    /// The complete file, `None` when the kind was absent.
    pub base: Option<FileReport>,
    pub updates: Vec<FileReport>,
    /// Codes after all updates.
    pub codes: usize,
    pub versions: usize,
    /// Earliest valid-from and latest valid-to over all versions.
    pub date_range: Option<(Date, Date)>,
    #[serde(serialize_with = "ser_ms")]
    pub elapsed: Duration,
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// What loading a set did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LoadReport {
    pub kinds: Vec<KindReport>,
    #[serde(serialize_with = "ser_warnings")]
    pub warnings: Vec<Warning>,
    #[serde(serialize_with = "ser_ms")]
    pub elapsed: Duration,
}

fn ser_warnings<S: serde::Serializer>(w: &[Warning], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(w.iter().map(|w| w.message.as_str()))
}

/// The 基本マスター of one revision. Immutable once loaded, `Send + Sync`.
#[derive(Debug, Clone)]
pub struct MasterSet {
    pub revision: Revision,
    pub provenance: Provenance,
    /// 医科診療行為 (S)
    pub procedures: Table<Procedure>,
    /// 医薬品 (Y)
    pub drugs: Table<Drug>,
    /// 特定器材 (T)
    pub materials: Table<Material>,
    /// コメント (C)
    pub comments: Table<Comment>,
    /// 傷病名 (B)
    pub diseases: Table<Disease>,
    /// 修飾語 (Z)
    pub modifiers: Table<Modifier>,
    /// Complete files, or an excerpt.
    pub coverage: Coverage,
    pub report: LoadReport,
}

/// A master file found in a folder by its official name: `s_ALL20240531.zip`, `b_20240601.txt`,
/// `s_20240621.csv` (a change file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    pub kind: MasterKind,
    pub date: Date,
    /// `_ALL` (a complete file of 医科診療行為/医薬品/特定器材/コメント).
    pub all: bool,
    /// The qualifier of an excerpt (`s_excerpt_ALL20261001.csv` → `excerpt`).
    pub qualifier: Option<String>,
    pub path: PathBuf,
}

/// Recognises an official master file name.
pub fn parse_file_name(name: &str) -> Option<(MasterKind, bool, Date)> {
    parse_file_name_qualified(name).map(|(k, all, d, _)| (k, all, d))
}

/// Recognises a master file name, with the qualifier of an excerpt of a complete file
/// (`s_excerpt_ALL20261001.csv`: kind `s`, `ALL`, 2026-10-01, `excerpt`).
pub fn parse_file_name_qualified(name: &str) -> Option<(MasterKind, bool, Date, Option<String>)> {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".zip")
        .or_else(|| lower.strip_suffix(".csv"))
        .or_else(|| lower.strip_suffix(".txt"))?;
    let (letter, rest) = stem.split_once('_')?;
    let kind = MasterKind::from_letter(letter)?;
    if let Some(d) = rest.strip_prefix("all") {
        return Some((kind, true, Date::parse_yyyymmdd(d)?, None));
    }
    if let Some((qualifier, d)) = rest.rsplit_once("_all") {
        let ok = !qualifier.is_empty()
            && qualifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let date = Date::parse_yyyymmdd(d)?;
        return ok.then(|| (kind, true, date, Some(qualifier.into())));
    }
    Some((kind, false, Date::parse_yyyymmdd(rest)?, None))
}

/// Lists the master files of a folder, sorted by date.
pub fn scan_folder(dir: &Path) -> Result<Vec<FoundFile>, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::NotADirectory {
            path: dir.to_owned(),
        });
    }
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((kind, all, date, qualifier)) = parse_file_name_qualified(&name) {
            out.push(FoundFile {
                kind,
                date,
                all,
                qualifier,
                path: entry.path(),
            });
        }
    }
    out.sort_by(|a, b| (a.date, a.kind, &a.path).cmp(&(b.date, b.kind, &b.path)));
    Ok(out)
}

struct KindPlan {
    base: Option<FoundFile>,
    updates: Vec<FoundFile>,
}

fn plan(
    kind: MasterKind,
    found: &[FoundFile],
    updates: &[FoundFile],
    warnings: &mut Vec<Warning>,
) -> KindPlan {
    let mine: Vec<&FoundFile> = found.iter().filter(|f| f.kind == kind).collect();
    // 医科診療行為/医薬品/特定器材/コメント: the newest `_ALL` file; 傷病名/修飾語 (published as dated
    // complete files): the oldest file, with newer ones applied as changes.
    let base = if kind.has_all_files() {
        mine.iter().rev().find(|f| f.all).copied().cloned()
    } else {
        mine.first().copied().cloned()
    };
    let mut ups: Vec<FoundFile> = Vec::new();
    for f in mine
        .iter()
        .copied()
        .chain(updates.iter().filter(|f| f.kind == kind))
    {
        if Some(f) == base.as_ref() {
            continue;
        }
        match &base {
            Some(b) if f.date <= b.date => {
                if f.all || f.date < b.date {
                    warnings.push(Warning {
                        message: format!(
                            "`{}` is not newer than the base file `{}`; not applied",
                            f.path.display(),
                            b.path.display()
                        ),
                    });
                } else {
                    warnings.push(Warning {
                        message: format!(
                            "`{}` has the base file's date; not applied",
                            f.path.display()
                        ),
                    });
                }
            }
            _ => ups.push(f.clone()),
        }
    }
    ups.sort_by(|a, b| (a.date, &a.path).cmp(&(b.date, &b.path)));
    ups.dedup_by(|a, b| a.path == b.path);
    KindPlan { base, updates: ups }
}

/// A loader thread only ends by returning; if one panicked (a bug in santei), the panic is passed
/// on to the caller unchanged rather than replaced by a made-up result.
fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

type Loaded<R> = (Table<R>, KindReport, Vec<Warning>);

fn load_kind<R: MasterRecord>(
    plan: &KindPlan,
    encoding: Encoding,
    dir: &Path,
) -> Result<Loaded<R>, LoadError> {
    let start = Instant::now();
    let mut warnings = Vec::new();
    let Some(base) = &plan.base else {
        if R::KIND == MasterKind::Procedure {
            return Err(LoadError::MissingRequired {
                kind: R::KIND,
                dir: dir.to_owned(),
            });
        }
        warnings.push(Warning {
            message: format!(
                "no {} master ({}_*) in `{}`: its codes are unknown to this set; download it from {}",
                R::KIND.japanese(),
                R::KIND.letter(),
                dir.display(),
                crate::OFFICIAL_DOWNLOAD_PAGE
            ),
        });
        let report = KindReport {
            kind: R::KIND,
            base: None,
            updates: vec![],
            codes: 0,
            versions: 0,
            date_range: None,
            elapsed: start.elapsed(),
        };
        return Ok((Table::default(), report, warnings));
    };
    let (name, text, enc) = read_text_sniffed(&base.path, encoding)?;
    if enc != encoding {
        warnings.push(Warning {
            message: format!(
                "`{name}` is {} text (a converted file; the official files are {}): read as {}",
                enc.name(),
                encoding.name(),
                enc.name()
            ),
        });
    }
    let (mut table, base_report) = load_base::<R>(&name, &text)?;
    drop(text);
    let mut update_reports = Vec::new();
    for u in &plan.updates {
        let (name, text, _) = read_text_sniffed(&u.path, encoding)?;
        update_reports.push(apply_changes(&mut table, &name, &text, &mut warnings)?);
    }
    let report = KindReport {
        kind: R::KIND,
        base: Some(base_report),
        updates: update_reports,
        codes: table.len(),
        versions: table.version_count(),
        date_range: table.date_range(),
        elapsed: start.elapsed(),
    };
    Ok((table, report, warnings))
}

fn from_text<R: MasterRecord>(name: &str, text: &str) -> Result<Loaded<R>, LoadError> {
    let start = Instant::now();
    let (table, base) = load_base::<R>(name, text)?;
    let report = KindReport {
        kind: R::KIND,
        base: Some(base),
        updates: vec![],
        codes: table.len(),
        versions: table.version_count(),
        date_range: table.date_range(),
        elapsed: start.elapsed(),
    };
    Ok((table, report, vec![]))
}

impl MasterSet {
    /// Loads a folder of official files (CP932), all kinds, no separate updates folder.
    pub fn load(dir: impl AsRef<Path>) -> Result<MasterSet, LoadError> {
        MasterSet::load_with(dir, &LoadOptions::default())
    }

    /// Loads a folder of master files.
    pub fn load_with(dir: impl AsRef<Path>, options: &LoadOptions) -> Result<MasterSet, LoadError> {
        let start = Instant::now();
        let dir = dir.as_ref();
        let found = scan_folder(dir)?;
        let updates = match &options.updates {
            Some(u) => scan_folder(u)?,
            None => Vec::new(),
        };
        let mut warnings = Vec::new();
        let wanted = |k: MasterKind| {
            k == MasterKind::Procedure || options.kinds.as_ref().is_none_or(|ks| ks.contains(&k))
        };
        let plans: Vec<(MasterKind, KindPlan)> = MasterKind::ALL
            .iter()
            .map(|&k| {
                if wanted(k) {
                    (k, plan(k, &found, &updates, &mut warnings))
                } else {
                    (
                        k,
                        KindPlan {
                            base: None,
                            updates: vec![],
                        },
                    )
                }
            })
            .collect();
        let enc = options.encoding;
        let p = |k: MasterKind| {
            &plans
                .iter()
                .find(|(kk, _)| *kk == k)
                .expect("all kinds planned")
                .1
        };
        let skipped = |k: MasterKind| !wanted(k);

        macro_rules! run {
            ($t:ty, $k:expr) => {
                || -> Result<Option<Loaded<$t>>, LoadError> {
                    if skipped($k) {
                        Ok(None)
                    } else {
                        load_kind::<$t>(p($k), enc, dir).map(Some)
                    }
                }
            };
        }
        let (s, y, t, c, b, z) = if options.parallel {
            std::thread::scope(|scope| {
                let hy = scope.spawn(run!(Drug, MasterKind::Drug));
                let ht = scope.spawn(run!(Material, MasterKind::Material));
                let hc = scope.spawn(run!(Comment, MasterKind::Comment));
                let hb = scope.spawn(run!(Disease, MasterKind::Disease));
                let hz = scope.spawn(run!(Modifier, MasterKind::Modifier));
                let s = run!(Procedure, MasterKind::Procedure)();
                (s, join(hy), join(ht), join(hc), join(hb), join(hz))
            })
        } else {
            (
                run!(Procedure, MasterKind::Procedure)(),
                run!(Drug, MasterKind::Drug)(),
                run!(Material, MasterKind::Material)(),
                run!(Comment, MasterKind::Comment)(),
                run!(Disease, MasterKind::Disease)(),
                run!(Modifier, MasterKind::Modifier)(),
            )
        };
        let mut reports = Vec::new();
        macro_rules! take {
            ($r:expr) => {
                match $r? {
                    Some((table, report, w)) => {
                        reports.push(report);
                        warnings.extend(w);
                        table
                    }
                    None => Table::default(),
                }
            };
        }
        let procedures = take!(s);
        let drugs = take!(y);
        let materials = take!(t);
        let comments = take!(c);
        let diseases = take!(b);
        let modifiers = take!(z);

        // The revision comes from the base 医科診療行為 file (before updates move dates on): the
        // one in force on its latest 変更年月日.
        let revision = match options.revision {
            Some(r) => r,
            None => reports
                .iter()
                .find(|r| r.kind == MasterKind::Procedure)
                .and_then(|r| r.base.as_ref())
                .and_then(|b| b.latest_change)
                .and_then(Revision::for_date)
                .ok_or_else(|| {
                    LoadError::NoRevision("the latest 変更年月日 of the 医科診療行為 file".into())
                })?,
        };
        let coverage = match plans
            .iter()
            .find(|(k, _)| *k == MasterKind::Procedure)
            .and_then(|(_, p)| p.base.as_ref())
            .and_then(|b| b.qualifier.clone())
        {
            None => Coverage::Complete,
            Some(label) => {
                warnings.push(Warning {
                    message: format!(
                        "`{}` holds an excerpt ({label}) of the {} masters, not the complete files: {}",
                        dir.display(),
                        revision.id,
                        Coverage::Partial {
                            label: label.clone(),
                            complete_prefixes: options.complete_prefixes.clone()
                        }
                        .describe()
                    ),
                });
                Coverage::Partial {
                    label,
                    complete_prefixes: options.complete_prefixes.clone(),
                }
            }
        };
        Ok(MasterSet {
            revision,
            coverage,
            provenance: Provenance::Folder(dir.to_owned()),
            procedures,
            drugs,
            materials,
            comments,
            diseases,
            modifiers,
            report: LoadReport {
                kinds: reports,
                warnings,
                elapsed: start.elapsed(),
            },
        })
    }

    /// santei's embedded demo subset of r2024-06 (hand-picked rows of the r06 masters, UTF-8; not
    /// official data). Lets santei run on a fresh clone without the official files.
    pub fn demo() -> Result<MasterSet, LoadError> {
        let d = crate::demo::of("r2024-06").ok_or_else(|| {
            LoadError::NoRevision("the embedded r2024-06 demo (masters/demo/r2024-06/)".into())
        })?;
        MasterSet::demo_of(d)
    }

    /// The embedded demo subset of one revision (see [`crate::demo::ALL`]).
    pub fn demo_of(d: &crate::demo::DemoFiles) -> Result<MasterSet, LoadError> {
        let start = Instant::now();
        fn opt<R: MasterRecord>(
            f: Option<(&str, &str)>,
        ) -> Result<(Table<R>, Option<KindReport>), LoadError> {
            match f {
                Some((name, text)) => {
                    let (t, r, _) = from_text::<R>(name, text)?;
                    Ok((t, Some(r)))
                }
                None => Ok((Table::default(), None)),
            }
        }
        let (procedures, rs, _) = from_text::<Procedure>(d.s.0, d.s.1)?;
        let (drugs, ry) = opt::<Drug>(d.y)?;
        let (materials, rt) = opt::<Material>(d.t)?;
        let (comments, rc) = opt::<Comment>(d.c)?;
        let (diseases, rb) = opt::<Disease>(d.b)?;
        let (modifiers, rz) = opt::<Modifier>(d.z)?;
        let mut warnings = vec![Warning {
            message: format!(
                "demo data {} ({}): a hand-picked subset, not the official files",
                d.revision, d.source
            ),
        }];
        let mut kinds = vec![rs];
        for (kind, r) in [
            (MasterKind::Drug, ry),
            (MasterKind::Material, rt),
            (MasterKind::Comment, rc),
            (MasterKind::Disease, rb),
            (MasterKind::Modifier, rz),
        ] {
            match r {
                Some(r) => kinds.push(r),
                None => warnings.push(Warning {
                    message: format!(
                        "demo data {} has no {} rows: its codes are unknown to the demo",
                        d.revision,
                        kind.japanese()
                    ),
                }),
            }
        }
        Ok(MasterSet {
            revision: Revision::parse(d.revision)
                .ok_or_else(|| LoadError::NoRevision(format!("demo revision {}", d.revision)))?,
            provenance: Provenance::Demo,
            coverage: Coverage::Demo,
            procedures,
            drugs,
            materials,
            comments,
            diseases,
            modifiers,
            report: LoadReport {
                kinds,
                warnings,
                elapsed: start.elapsed(),
            },
        })
    }

    /// The report of one kind.
    pub fn kind_report(&self, kind: MasterKind) -> Option<&KindReport> {
        self.report.kinds.iter().find(|r| r.kind == kind)
    }

    /// True when `date` is within this set's revision period.
    pub fn covers(&self, date: Date) -> bool {
        self.revision.covers(date)
    }
}

/// Several revisions side by side, each answering for the dates of its period.
#[derive(Debug, Default)]
pub struct MasterCatalog {
    sets: Vec<MasterSet>,
}

impl MasterCatalog {
    pub fn new() -> Self {
        MasterCatalog::default()
    }

    /// Adds a set; a set of the same revision replaces the earlier one.
    pub fn insert(&mut self, set: MasterSet) {
        self.sets.retain(|s| s.revision != set.revision);
        self.sets.push(set);
        self.sets.sort_by_key(|s| s.revision.effective_from);
    }

    /// The set whose revision is in force on `date`.
    pub fn for_date(&self, date: Date) -> Option<&MasterSet> {
        self.sets.iter().rev().find(|s| s.covers(date))
    }

    /// The set of a revision.
    pub fn revision(&self, rev: Revision) -> Option<&MasterSet> {
        self.sets.iter().find(|s| s.revision == rev)
    }

    pub fn sets(&self) -> &[MasterSet] {
        &self.sets
    }

    /// Every embedded demo revision (r2024-06, r2026-06), each answering for its period.
    pub fn demo() -> Result<MasterCatalog, LoadError> {
        let mut c = MasterCatalog::new();
        for d in crate::demo::ALL {
            c.insert(MasterSet::demo_of(d)?);
        }
        Ok(c)
    }

    /// The sets, oldest revision first, by value (no copy of the masters).
    pub fn into_sets(self) -> Vec<MasterSet> {
        self.sets
    }
}
