//! `santei masters diff OLD_DIR NEW_DIR`: what changed between two revisions' masters (改定差分).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::masters::diff::{Change, DiffOptions, ItemChange, ItemState, KindDiff, Scope};
use santei_engine::masters::{DiffError, Fixed2, LoadOptions, MasterDiff, MasterKind, MasterSet};
use serde::Serialize;

use crate::calc_cmd::{pad, rpad};
use crate::{CliError, EncodingArg};

#[derive(clap::Args)]
pub struct DiffArgs {
    /// Folder of the older revision's master files (e.g. ../shared/masters/r04).
    old_dir: PathBuf,
    /// Folder of the newer revision's master files (e.g. ../shared/masters/r06).
    new_dir: PathBuf,
    /// Compare only these kinds (s 医科診療行為, y 医薬品, t 特定器材, c コメント); default all four.
    #[arg(long = "kind", value_enum, value_delimiter = ',')]
    kinds: Vec<KindArg>,
    /// Output: a report to read (counts, then the lists), one CSV row per changed code, or JSON.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Compare only codes starting with these prefixes. Needed when a folder holds an excerpt
    /// (`s_excerpt_ALL….csv`): the prefixes it holds completely, e.g. `111,112,113,120,130`, so
    /// that a code the excerpt lacks is not reported as abolished or new.
    #[arg(long, value_delimiter = ',', value_name = "PREFIX,...")]
    complete_prefixes: Vec<String>,
    /// Change files (s_20240621.csv …) to apply to the older revision's masters.
    #[arg(long, value_name = "DIR")]
    old_updates: Option<PathBuf>,
    /// Change files to apply to the newer revision's masters.
    #[arg(long, value_name = "DIR")]
    new_updates: Option<PathBuf>,
    /// Text encoding of the files (UTF-8 copies of the CP932 files are recognised anyway).
    #[arg(long, value_enum, default_value = "cp932")]
    encoding: EncodingArg,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum KindArg {
    S,
    Y,
    T,
    C,
}

impl From<KindArg> for MasterKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::S => MasterKind::Procedure,
            KindArg::Y => MasterKind::Drug,
            KindArg::T => MasterKind::Material,
            KindArg::C => MasterKind::Comment,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Csv,
    Json,
}

fn load(
    dir: &Path,
    updates: Option<&Path>,
    args: &DiffArgs,
    kinds: &[MasterKind],
) -> Result<MasterSet, CliError> {
    eprintln!("santei: loading masters from `{}`", dir.display());
    let options = LoadOptions {
        encoding: args.encoding.into(),
        updates: updates.map(Path::to_path_buf),
        revision: None,
        kinds: Some(kinds.to_vec()),
        parallel: true,
        complete_prefixes: args.complete_prefixes.clone(),
    };
    let set = MasterSet::load_with(dir, &options)?;
    for w in &set.report.warnings {
        eprintln!("santei: warning: {w}");
    }
    Ok(set)
}

pub fn run(args: &DiffArgs) -> Result<ExitCode, CliError> {
    let mut kinds: Vec<MasterKind> = args.kinds.iter().map(|&k| k.into()).collect();
    if kinds.is_empty() {
        kinds = santei_engine::masters::diff::DIFF_KINDS.to_vec();
    }
    kinds.sort();
    kinds.dedup();
    let old = load(&args.old_dir, args.old_updates.as_deref(), args, &kinds)?;
    let new = load(&args.new_dir, args.new_updates.as_deref(), args, &kinds)?;
    let options = DiffOptions {
        kinds,
        prefixes: args.complete_prefixes.clone(),
    };
    let diff = santei_engine::masters::diff::diff(&old, &new, &options).map_err(|e| {
        let hint = match e {
            DiffError::PartialWithoutPrefixes { .. } => " with --complete-prefixes",
            _ => "",
        };
        CliError(format!(
            "cannot compare `{}` with `{}`: {e}{hint}",
            args.old_dir.display(),
            args.new_dir.display()
        ))
    })?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Json<'a> {
                format: &'static str,
                old_dir: &'a Path,
                new_dir: &'a Path,
                #[serde(flatten)]
                diff: &'a MasterDiff,
            }
            serde_json::to_writer_pretty(
                &mut out,
                &Json {
                    format: "santei.masters-diff/1",
                    old_dir: &args.old_dir,
                    new_dir: &args.new_dir,
                    diff: &diff,
                },
            )?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&mut out, &diff)?,
        Format::Table => write_table(&mut out, &diff, args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `291.00` → `291`, `1600.00` → `1,600`, `24.10` stays.
fn amount(a: Fixed2) -> String {
    match a.whole() {
        Some(w) if w < 0 => format!("-{}", n(w.unsigned_abs() as usize)),
        Some(w) => n(w as usize),
        None => a.to_string(),
    }
}

fn amount_of(s: Option<&ItemState>) -> String {
    s.and_then(|s| s.amount).map(amount).unwrap_or_default()
}

fn name_of(s: Option<&ItemState>) -> &str {
    s.map_or("", |s| s.name.as_str())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn write_csv(out: &mut impl Write, diff: &MasterDiff) -> Result<(), CliError> {
    writeln!(
        out,
        "kind,code,change,old_name,new_name,old_points,new_points,old_valid_from,new_valid_from,renamed,columns"
    )?;
    for k in &diff.kinds {
        for c in k.changes() {
            let from =
                |s: Option<&ItemState>| s.map(|s| s.valid_from.to_string()).unwrap_or_default();
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{}",
                c.kind.letter(),
                c.code,
                c.change.id(),
                csv_field(name_of(c.old.as_ref())),
                csv_field(name_of(c.new.as_ref())),
                amount_of(c.old.as_ref()),
                amount_of(c.new.as_ref()),
                from(c.old.as_ref()),
                from(c.new.as_ref()),
                u8::from(c.renamed || c.change == Change::Renamed),
                csv_field(&c.columns.join("; ")),
            )?;
        }
    }
    Ok(())
}

fn n(v: usize) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn unit(kind: MasterKind) -> &'static str {
    match kind {
        MasterKind::Procedure => "点",
        MasterKind::Drug | MasterKind::Material => "円",
        _ => "",
    }
}

fn write_table(out: &mut impl Write, d: &MasterDiff, args: &DiffArgs) -> Result<(), CliError> {
    writeln!(out, "改定差分 (santei masters diff)")?;
    let until = d.old.revision.until().map_or_else(
        || "the day before the newer revision".to_owned(),
        |_| format!("the last day of {}", d.old.revision.id),
    );
    writeln!(
        out,
        "  old  {}  `{}`  {}: versions in force on {} ({until}), as the loaded files give them",
        d.old.revision,
        args.old_dir.display(),
        d.old.coverage,
        d.old.as_of
    )?;
    writeln!(
        out,
        "  new  {}  `{}`  {}: versions in force on {} (its first day; a code that starts later: its first version)",
        d.new.revision,
        args.new_dir.display(),
        d.new.coverage,
        d.new.as_of
    )?;
    match &d.scope {
        Scope::All => writeln!(out, "  compared: every code")?,
        Scope::Prefixes { prefixes, reason } => writeln!(
            out,
            "  compared: ONLY codes starting with {} ({reason})",
            prefixes.join(", ")
        )?,
    }
    writeln!(out)?;
    let partial = matches!(d.scope, Scope::Prefixes { .. });
    write!(
        out,
        "{} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        pad("kind", 16),
        "old rows",
        "new rows",
        "unchanged",
        rpad("点数/金額", 9),
        rpad("名称", 9),
        rpad("その他", 9),
        rpad("新設", 9),
        rpad("廃止", 9),
    )?;
    if partial {
        write!(out, "  not compared (old/new)")?;
    }
    writeln!(out)?;
    for k in &d.kinds {
        write!(
            out,
            "{} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            pad(&format!("{} {}", k.kind.letter(), k.kind.japanese()), 16),
            n(k.old_rows),
            n(k.new_rows),
            n(k.unchanged),
            n(k.points.len()),
            n(k.renamed.len()),
            n(k.other.len()),
            n(k.added.len()),
            n(k.abolished.len()),
        )?;
        if partial {
            write!(out, "  {}/{}", n(k.old_outside), n(k.new_outside))?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "old rows = unchanged + 点数/金額 + 名称 + その他 + 廃止; new rows = unchanged + 点数/金額 + 名称 + その他 + 新設"
    )?;
    for k in &d.kinds {
        let extra = k.abolished_listed_in_new + k.new_already_ended;
        if extra > 0 {
            writeln!(
                out,
                "  {}: + {} rows of the new files that only carry a 廃止",
                k.kind.japanese(),
                n(extra)
            )?;
        }
        if !k.adds_up() {
            // Never expected: the library counts every code once.
            writeln!(out, "  {}: the counts do not add up", k.kind.japanese())?;
        }
    }
    for k in &d.kinds {
        if !k.new_columns.is_empty() {
            let cols: Vec<String> = k
                .new_columns
                .iter()
                .map(|c| format!("項番{} {} ({} rows)", c.no, c.label, n(c.rows)))
                .collect();
            writeln!(
                out,
                "  {}: columns the old files never fill, not compared: {}",
                k.kind.japanese(),
                cols.join(", ")
            )?;
        }
    }
    for k in &d.kinds {
        section(out, k, Change::Points, &k.points)?;
        section(out, k, Change::Renamed, &k.renamed)?;
        section(out, k, Change::Added, &k.added)?;
        section(out, k, Change::Abolished, &k.abolished)?;
        section(out, k, Change::Other, &k.other)?;
    }
    Ok(())
}

fn section(
    out: &mut impl Write,
    k: &KindDiff,
    change: Change,
    items: &[ItemChange],
) -> Result<(), CliError> {
    if items.is_empty() {
        return Ok(());
    }
    let u = unit(k.kind);
    writeln!(out)?;
    writeln!(
        out,
        "── {} {}: {} ({})",
        k.kind.letter(),
        k.kind.japanese(),
        change.japanese(),
        n(items.len())
    )?;
    for c in items {
        let (o, nw) = (c.old.as_ref(), c.new.as_ref());
        let line = match change {
            Change::Points => {
                let kinds = match (
                    o.and_then(|s| s.amount_kind),
                    nw.and_then(|s| s.amount_kind),
                ) {
                    (Some(a), Some(b)) if a != b => format!(" (識別 {a} → {b})"),
                    _ => String::new(),
                };
                let renamed = if c.renamed {
                    format!("  (旧名称: {})", name_of(o))
                } else {
                    String::new()
                };
                format!(
                    "{}  {}{u} → {}{u}{kinds}{renamed}",
                    name_of(nw),
                    amount_of(o),
                    amount_of(nw)
                )
            }
            Change::Renamed => format!("{} → {}", name_of(o), name_of(nw)),
            Change::Added => {
                let p = amount_of(nw);
                let from = nw.map(|s| s.valid_from.to_string()).unwrap_or_default();
                if p.is_empty() {
                    format!("{}  (from {from})", name_of(nw))
                } else {
                    format!("{}  {p}{u}  (from {from})", name_of(nw))
                }
            }
            Change::Abolished => {
                let p = amount_of(o);
                let p = if p.is_empty() { p } else { format!("  {p}{u}") };
                let why = match nw {
                    None => "not in the new files".to_owned(),
                    Some(s) => format!("new files: valid until {}", s.valid_to),
                };
                format!("{}{p}  ({why})", name_of(o))
            }
            Change::Other => format!("{}: {}", name_of(nw), c.columns.join(", ")),
        };
        writeln!(out, "{}  {line}", c.code)?;
    }
    Ok(())
}

impl DiffArgs {
    /// Whether the output is JSON (errors are then JSON too).
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }
}
