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
use crate::source::read_text;
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
    pub path: PathBuf,
}

/// Recognises an official master file name.
pub fn parse_file_name(name: &str) -> Option<(MasterKind, bool, Date)> {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".zip")
        .or_else(|| lower.strip_suffix(".csv"))
        .or_else(|| lower.strip_suffix(".txt"))?;
    let (letter, rest) = stem.split_once('_')?;
    let kind = MasterKind::from_letter(letter)?;
    let (all, digits) = match rest.strip_prefix("all") {
        Some(d) => (true, d),
        None => (false, rest),
    };
    Some((kind, all, Date::parse_yyyymmdd(digits)?))
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
        if let Some((kind, all, date)) = parse_file_name(&name) {
            out.push(FoundFile {
                kind,
                date,
                all,
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
    let (name, text) = read_text(&base.path, encoding)?;
    let (mut table, base_report) = load_base::<R>(&name, &text)?;
    drop(text);
    let mut update_reports = Vec::new();
    for u in &plan.updates {
        let (name, text) = read_text(&u.path, encoding)?;
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
        Ok(MasterSet {
            revision,
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

    /// santei's embedded demo subset (hand-picked rows of the r06 masters, UTF-8; not official
    /// data). Lets santei run on a fresh clone without the official files.
    pub fn demo() -> Result<MasterSet, LoadError> {
        let start = Instant::now();
        let d = &crate::demo::R2024_06;
        let (procedures, rs, _) = from_text::<Procedure>(d.s.0, d.s.1)?;
        let (drugs, ry, _) = from_text::<Drug>(d.y.0, d.y.1)?;
        let (materials, rt, _) = from_text::<Material>(d.t.0, d.t.1)?;
        let (comments, rc, _) = from_text::<Comment>(d.c.0, d.c.1)?;
        let (diseases, rb, _) = from_text::<Disease>(d.b.0, d.b.1)?;
        let (modifiers, rz, _) = from_text::<Modifier>(d.z.0, d.z.1)?;
        Ok(MasterSet {
            revision: Revision::parse("r2024-06").expect("known revision"),
            provenance: Provenance::Demo,
            procedures,
            drugs,
            materials,
            comments,
            diseases,
            modifiers,
            report: LoadReport {
                kinds: vec![rs, ry, rt, rc, rb, rz],
                warnings: vec![Warning {
                    message:
                        "demo data: a hand-picked subset of the r06 masters, not the official files"
                            .into(),
                }],
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

    /// The sets, oldest revision first, by value (no copy of the masters).
    pub fn into_sets(self) -> Vec<MasterSet> {
        self.sets
    }
}
