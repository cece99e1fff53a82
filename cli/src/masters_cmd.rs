//! `santei masters info` and `santei masters show`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use santei_engine::masters::{
    Date, Encoding, LoadOptions, MasterCatalog, MasterKind, MasterRecord, MasterSet, Provenance,
    Revision, Table,
};
use serde::Serialize;

use crate::{CliError, EncodingArg, LoadArgs};

fn options(args: &LoadArgs) -> Result<LoadOptions, CliError> {
    let revision = match &args.revision {
        Some(r) => Some(
            Revision::parse(r)
                .ok_or_else(|| CliError(format!("unknown revision `{r}` (try r2024-06)")))?,
        ),
        None => None,
    };
    Ok(LoadOptions {
        encoding: args.encoding.into(),
        updates: args.updates.clone(),
        revision,
        kinds: None,
        parallel: true,
    })
}

/// Loads a folder (or the demo set), with progress and warnings on stderr.
pub fn load_set(dir: Option<&Path>, args: &LoadArgs) -> Result<MasterSet, CliError> {
    let set = match dir {
        None => {
            eprintln!(
                "santei: using the embedded demo data (not official; pass a folder of official masters)"
            );
            MasterSet::demo()?
        }
        Some(d) => {
            eprintln!("santei: loading masters from `{}`", d.display());
            MasterSet::load_with(d, &options(args)?)?
        }
    };
    for w in &set.report.warnings {
        eprintln!("santei: warning: {w}");
    }
    Ok(set)
}

#[derive(Serialize)]
struct InfoJson<'a> {
    revision: Revision,
    provenance: &'a Provenance,
    report: &'a santei_engine::masters::LoadReport,
}

pub fn info(dir: Option<PathBuf>, args: &LoadArgs, json: bool) -> Result<ExitCode, CliError> {
    let start = Instant::now();
    let set = load_set(dir.as_deref(), args)?;
    let wall = start.elapsed();
    let mut out = std::io::stdout().lock();
    if json {
        let j = InfoJson {
            revision: set.revision,
            provenance: &set.provenance,
            report: &set.report,
        };
        serde_json::to_writer_pretty(&mut out, &j)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let source = match &set.provenance {
        Provenance::Folder(p) => p.display().to_string(),
        Provenance::Demo => "embedded demo data (not official)".into(),
    };
    writeln!(out, "revision  {}", set.revision)?;
    writeln!(out, "source    {source}")?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<14} {:<38} {:>7} {:>7} {:>8} {:<23} {:>8}",
        "kind", "file", "rows", "codes", "versions", "valid (from – to)", "ms"
    )?;
    for k in &set.report.kinds {
        let (file, rows) = match &k.base {
            Some(b) => (b.file.as_str(), b.rows.to_string()),
            None => ("(missing)", "-".into()),
        };
        let range = match k.date_range {
            Some((a, b)) => format!("{} – {}", fmt_date(a), fmt_date(b)),
            None => "-".into(),
        };
        writeln!(
            out,
            "{} {:<38} {:>7} {:>7} {:>8} {:<23} {:>8.1}",
            crate::calc_cmd::pad(&format!("{} {}", k.kind.letter(), k.kind.japanese()), 14),
            file,
            rows,
            k.codes,
            k.versions,
            range,
            k.elapsed.as_secs_f64() * 1000.0
        )?;
        for u in &k.updates {
            writeln!(
                out,
                "  + {:<36} {:>7} rows: {} new, {} changed, {} abolished, {} erased, {} unchanged",
                u.file,
                u.rows,
                u.new,
                u.changed,
                u.abolished,
                u.erased.len(),
                u.unchanged
            )?;
        }
        if let Some(b) = &k.base {
            if !b.erased.is_empty() {
                writeln!(
                    out,
                    "  (変更区分 1 抹消 rows dropped: {})",
                    b.erased.join(", ")
                )?;
            }
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "loaded in {:.1} ms (wall, kinds on parallel threads; per-kind times above)",
        wall.as_secs_f64() * 1000.0
    )?;
    Ok(ExitCode::SUCCESS)
}

fn fmt_date(d: Date) -> String {
    if d == Date::MAX {
        "open".into()
    } else if d == Date::MIN {
        "(no date)".into()
    } else {
        d.to_string()
    }
}

fn today() -> Date {
    // Days since 1970-01-01 → civil date (Howard Hinnant's algorithm), so no time crate is needed.
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as u32;
    Date::from_ymd(y, m, d).unwrap_or(Date::MIN)
}

#[derive(Serialize)]
struct ShowJson<'a, R: Serialize> {
    kind: MasterKind,
    code: &'a str,
    revision: Revision,
    date: Date,
    valid: Option<&'a santei_engine::masters::Version<R>>,
    versions: &'a [santei_engine::masters::Version<R>],
}

pub fn show(
    code: &str,
    date: Option<&str>,
    dirs: &[PathBuf],
    args: &LoadArgs,
    all: bool,
    json: bool,
) -> Result<ExitCode, CliError> {
    let kind = MasterKind::for_code(code).ok_or_else(|| {
        CliError(format!(
            "`{code}` is not a master code (9 digits for 診療行為/医薬品/特定器材/コメント, 7 for 傷病名, 4 for 修飾語)"
        ))
    })?;
    let date = match date {
        Some(d) => Date::parse_iso(d)
            .ok_or_else(|| CliError(format!("`{d}` is not a date (YYYY-MM-DD)")))?,
        None => today(),
    };
    let mut catalog = MasterCatalog::new();
    if dirs.is_empty() {
        catalog.insert(load_set(None, args)?);
    }
    for d in dirs {
        catalog.insert(load_set(Some(d), args)?);
    }
    let set = match catalog.for_date(date) {
        Some(s) => s,
        None => {
            let have: Vec<String> = catalog
                .sets()
                .iter()
                .map(|s| s.revision.to_string())
                .collect();
            eprintln!(
                "santei: warning: no loaded revision covers {date} (loaded: {}); showing the newest",
                have.join(", ")
            );
            catalog
                .sets()
                .last()
                .ok_or_else(|| CliError("no masters loaded".into()))?
        }
    };
    let key: u32 = code
        .parse()
        .map_err(|_| CliError(format!("`{code}` is not a number")))?;
    macro_rules! show {
        ($table:expr) => {
            print_item($table, kind, code, key, date, set.revision, all, json)?
        };
    }
    let found = match kind {
        MasterKind::Procedure => show!(&set.procedures),
        MasterKind::Drug => show!(&set.drugs),
        MasterKind::Material => show!(&set.materials),
        MasterKind::Comment => show!(&set.comments),
        MasterKind::Disease => show!(&set.diseases),
        MasterKind::Modifier => show!(&set.modifiers),
    };
    Ok(if found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[allow(clippy::too_many_arguments)]
fn print_item<R: MasterRecord>(
    table: &Table<R>,
    kind: MasterKind,
    code: &str,
    key: u32,
    date: Date,
    revision: Revision,
    all: bool,
    json: bool,
) -> Result<bool, CliError> {
    let versions = table.versions(key);
    let valid = table.version(key, date);
    let mut out = std::io::stdout().lock();
    if json {
        let j = ShowJson {
            kind,
            code,
            revision,
            date,
            valid,
            versions,
        };
        serde_json::to_writer_pretty(&mut out, &j)?;
        writeln!(out)?;
        return Ok(valid.is_some());
    }
    if versions.is_empty() {
        eprintln!(
            "santei: {} `{code}` is not in the {} master of {revision}",
            kind.japanese(),
            kind.japanese()
        );
        return Ok(false);
    }
    let Some(v) = valid else {
        eprintln!(
            "santei: {} `{code}` is not valid on {date}; its versions:",
            kind.japanese()
        );
        for v in versions {
            eprintln!(
                "  {} – {}  {}",
                fmt_date(v.valid_from),
                fmt_date(v.valid_to),
                v.record.name()
            );
        }
        return Ok(false);
    };
    writeln!(out, "{} {}  {}", kind.japanese(), code, v.record.name())?;
    writeln!(
        out,
        "revision {revision}; valid on {date}: {} – {}",
        fmt_date(v.valid_from),
        fmt_date(v.valid_to)
    )?;
    if versions.len() > 1 {
        for (i, other) in versions.iter().enumerate() {
            writeln!(
                out,
                "  version {}: {} – {}",
                i + 1,
                fmt_date(other.valid_from),
                fmt_date(other.valid_to)
            )?;
        }
    }
    writeln!(out)?;
    for (col, value) in v.record.values() {
        if !all && (value.is_empty() || value == "0" || value == "0.00" || value == "00") {
            continue;
        }
        writeln!(out, "{:>4} {:<34} {}", col.no, col.label, value)?;
    }
    if !all {
        writeln!(
            out,
            "(empty and zero columns hidden; --all shows every column)"
        )?;
    }
    Ok(true)
}

pub fn etensu_info(dir: &Path, encoding: EncodingArg, json: bool) -> Result<ExitCode, CliError> {
    let enc: Encoding = encoding.into();
    eprintln!("santei: loading the 電子点数表 from `{}`", dir.display());
    let et = santei_engine::masters::etensu::Etensu::load_with(dir, enc)?;
    for w in &et.report.warnings {
        eprintln!("santei: warning: {w}");
    }
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &et.report)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", et.report)?;
    }
    Ok(ExitCode::SUCCESS)
}
