//! `santei masters info`, `santei masters show` and `santei masters search`.

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
        complete_prefixes: args.complete_prefixes.clone(),
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
            check_folder(d)?;
            eprintln!("santei: loading masters from `{}`", d.display());
            MasterSet::load_with(d, &options(args)?)
                .map_err(|e| CliError(format!("{e}{}", santei_engine::revision_folders_hint(d))))?
        }
    };
    for w in &set.report.warnings {
        eprintln!("santei: warning: {w}");
    }
    Ok(set)
}

/// A `--masters` folder that is not there, or is a file, said plainly before loading.
fn check_folder(d: &Path) -> Result<(), CliError> {
    if !d.exists() {
        return Err(CliError(format!(
            "`{}` does not exist (expected a folder of 基本マスター files of one revision, e.g. ../shared/masters/r06)",
            d.display()
        )));
    }
    if !d.is_dir() {
        return Err(CliError(format!(
            "`{}` is a file; pass the folder that holds the master files (s_ALL*.zip …) of one revision",
            d.display()
        )));
    }
    Ok(())
}

/// Loads each folder as one revision, or, with no folder, every embedded demo revision
/// (r2024-06 and r2026-06), so that a claim of any supported date computes on a fresh clone.
pub fn load_sets(dirs: &[PathBuf], args: &LoadArgs) -> Result<MasterCatalog, CliError> {
    let mut catalog = MasterCatalog::new();
    if dirs.is_empty() {
        eprintln!(
            "santei: using the embedded demo data (not official; pass a folder of official masters)"
        );
        for set in MasterCatalog::demo()?.into_sets() {
            catalog.insert(set);
        }
        return Ok(catalog);
    }
    for d in dirs {
        catalog.insert(load_set(Some(d), args)?);
    }
    Ok(catalog)
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
            "{} {} {:>7} {:>7} {:>8} {:<23} {:>8.1}",
            crate::calc_cmd::pad(&format!("{} {}", k.kind.letter(), k.kind.japanese()), 14),
            crate::calc_cmd::pad(file, 38),
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
    if dir.is_none() {
        // calc, show and search load every demo revision; say so, or a first user wonders why
        // `calc examples/claim.json` reports another revision than this.
        let others: Vec<&str> = MasterCatalog::demo()
            .map(|c| {
                c.sets()
                    .iter()
                    .map(|s| s.revision.id)
                    .filter(|id| *id != set.revision.id)
                    .collect()
            })
            .unwrap_or_default();
        if !others.is_empty() {
            writeln!(
                out,
                "the embedded demo data also holds {} (`santei masters info` shows the first): calc, show and search pick the revision in force on the date",
                others.join(", ")
            )?;
        }
    }
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
    let catalog = load_sets(dirs, args)?;
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
    if !found && !json {
        // Another loaded revision may have it (the demo's r2026-06 has no 傷病名, for one).
        for other in catalog.sets().iter().filter(|s| s.revision != set.revision) {
            let versions: Vec<(Date, Date)> = match kind {
                MasterKind::Procedure => ranges(&other.procedures, key),
                MasterKind::Drug => ranges(&other.drugs, key),
                MasterKind::Material => ranges(&other.materials, key),
                MasterKind::Comment => ranges(&other.comments, key),
                MasterKind::Disease => ranges(&other.diseases, key),
                MasterKind::Modifier => ranges(&other.modifiers, key),
            };
            if let Some(&(from, to)) = versions.last() {
                eprintln!(
                    "santei: the masters of {} have it, valid {} – {}: add --date {}",
                    other.revision.id,
                    fmt_date(from),
                    fmt_date(to),
                    from.max(other.revision.effective_from)
                );
            }
        }
    }
    Ok(if found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The date ranges of every version of a code.
fn ranges<R: MasterRecord>(table: &Table<R>, key: u32) -> Vec<(Date, Date)> {
    table
        .versions(key)
        .iter()
        .map(|v| (v.valid_from, v.valid_to))
        .collect()
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
    let shown: Vec<_> = v
        .record
        .values()
        .into_iter()
        .filter(|(_, value)| {
            all || !(value.is_empty() || value == "0" || value == "0.00" || value == "00")
        })
        .collect();
    // Labels padded by display width (a 全角 character takes two columns) so the values line up.
    let label_w = shown
        .iter()
        .map(|(col, _)| crate::calc_cmd::width(col.label))
        .max()
        .unwrap_or(0);
    for (col, value) in &shown {
        writeln!(
            out,
            "{:>4} {}  {}",
            col.no,
            crate::calc_cmd::pad(col.label, label_w),
            value
        )?;
    }
    if !all {
        writeln!(
            out,
            "(empty and zero columns hidden; --all shows every column)"
        )?;
    }
    Ok(true)
}

/// `santei masters search` arguments.
pub struct SearchArgs<'a> {
    pub text: &'a str,
    pub date: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub dirs: &'a [PathBuf],
    pub load: &'a LoadArgs,
    pub limit: usize,
    pub json: bool,
}

/// One item found by `masters search`.
#[derive(Serialize)]
struct Hit {
    kind: &'static str,
    code: String,
    name: String,
    /// 点数 / 金額 with its unit (`291点`, `6.70円/錠`, `70%`); empty for コメント, 傷病名, 修飾語.
    price: String,
    valid_from: String,
    valid_to: String,
    /// The revision whose masters the item comes from.
    revision: &'static str,
}

/// Text folded for matching: full-width letters and digits to ASCII, lower case, half-width
/// katakana to full-width (with their ﾞ/ﾟ), ひらがな to カタカナ, 全角 space to space.
pub fn fold(s: &str) -> String {
    const HALF: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        let folded = match u {
            0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            0x3041..=0x3096 => char::from_u32(u + 0x60).unwrap_or(c),
            0xFF61 => '。',
            0xFF62 => '「',
            0xFF63 => '」',
            0xFF64 => '、',
            0xFF65 => '・',
            0xFF66..=0xFF9D => HALF.chars().nth((u - 0xFF66) as usize).unwrap_or(c),
            0xFF9E | 0xFF9F | 0x309B | 0x309C | 0x3099 | 0x309A => {
                let voiced = matches!(u, 0xFF9E | 0x309B | 0x3099);
                if let Some(prev) = out.pop() {
                    let base = "カキクケコサシスセソタチツテトハヒフヘホ";
                    let p = prev as u32;
                    let combined = if voiced && prev == 'ウ' {
                        Some('ヴ')
                    } else if voiced && base.contains(prev) {
                        char::from_u32(p + 1)
                    } else if !voiced && "ハヒフヘホ".contains(prev) {
                        char::from_u32(p + 2)
                    } else {
                        None
                    };
                    match combined {
                        Some(x) => out.push(x),
                        None => {
                            out.push(prev);
                            out.push(if voiced { '゛' } else { '゜' });
                        }
                    }
                }
                continue;
            }
            _ => c,
        };
        out.push(folded.to_ascii_lowercase());
    }
    out
}

/// `291.00` → `291`, `6.70` stays.
fn trim_zero(s: String) -> String {
    match s.strip_suffix(".00") {
        Some(t) => t.to_string(),
        None => s,
    }
}

/// The columns searched: every 名称 (漢字, カナ, 省略, 基本) and 一般名 column, not units or flags.
fn searched(label: &str) -> bool {
    (label.contains("名称") || label.contains("一般名処方の標準"))
        && !label.contains("桁数")
        && !label.contains("変更")
        && !label.contains("単位")
        && !label.contains("データ規格")
}

fn search_table<R: MasterRecord>(
    table: &Table<R>,
    kind: MasterKind,
    needle: &str,
    date: Option<Date>,
    price: impl Fn(&R) -> String,
    hits: &mut Vec<Hit>,
) {
    for code in table.codes() {
        let version = match date {
            Some(d) => table.version(code, d),
            None => table.versions(code).last(),
        };
        let Some(v) = version else { continue };
        let found = v
            .record
            .values()
            .iter()
            .any(|(col, value)| searched(col.label) && fold(value).contains(needle));
        if found {
            let width = match kind {
                MasterKind::Disease => 7,
                MasterKind::Modifier => 4,
                _ => 9,
            };
            hits.push(Hit {
                kind: kind.letter(),
                code: format!("{code:0width$}"),
                name: v.record.name().to_string(),
                price: price(&v.record),
                valid_from: fmt_date(v.valid_from),
                valid_to: fmt_date(v.valid_to),
                revision: "",
            });
        }
    }
}

/// `santei masters search TEXT`: codes whose 名称 or カナ名称 contain TEXT; exit 1 when none.
pub fn search(a: SearchArgs<'_>) -> Result<ExitCode, CliError> {
    let needle = fold(a.text.trim());
    if needle.is_empty() {
        return Err(CliError("search for what? give part of a name".into()));
    }
    let date = match a.date {
        Some(d) => Some(
            Date::parse_iso(d)
                .ok_or_else(|| CliError(format!("`{d}` is not a date (YYYY-MM-DD)")))?,
        ),
        None => None,
    };
    let catalog = load_sets(a.dirs, a.load)?;
    let newest = catalog
        .sets()
        .iter()
        .max_by_key(|s| s.revision.effective_from)
        .ok_or_else(|| CliError("no masters loaded".into()))?;
    // With --date: the revision in force that day. Without: every loaded revision, newest first,
    // each code once (as in the newest revision that has it; the demo's r2026-06 has no 傷病名).
    let mut sets: Vec<&MasterSet> = match date {
        Some(d) => vec![catalog.for_date(d).unwrap_or_else(|| {
            eprintln!(
                "santei: warning: no loaded revision covers {d}; searching {}",
                newest.revision
            );
            newest
        })],
        None => catalog.sets().iter().collect(),
    };
    sets.sort_by_key(|s| std::cmp::Reverse(s.revision.effective_from));
    let wants = |k: MasterKind| a.kind.is_none_or(|x| x == k.letter());
    let mut hits: Vec<Hit> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for set in &sets {
        let mut found = Vec::new();
        use santei_engine::masters::{Drug, Material, Procedure};
        if wants(MasterKind::Procedure) {
            let price = |p: &Procedure| {
                let v = trim_zero(p.points.to_string());
                match p.point_kind {
                    1 => format!("{v}円"),
                    5 => format!("+{v}%"),
                    6 => format!("-{v}%"),
                    _ => format!("{v}点"),
                }
            };
            search_table(
                &set.procedures,
                MasterKind::Procedure,
                &needle,
                date,
                price,
                &mut found,
            );
        }
        if wants(MasterKind::Drug) {
            let price = |d: &Drug| format!("{}円/{}", d.price, d.unit_name);
            search_table(
                &set.drugs,
                MasterKind::Drug,
                &needle,
                date,
                price,
                &mut found,
            );
        }
        if wants(MasterKind::Material) {
            let price = |m: &Material| format!("{}円/{}", m.price, m.unit_name);
            search_table(
                &set.materials,
                MasterKind::Material,
                &needle,
                date,
                price,
                &mut found,
            );
        }
        if wants(MasterKind::Comment) {
            search_table(
                &set.comments,
                MasterKind::Comment,
                &needle,
                date,
                |_| String::new(),
                &mut found,
            );
        }
        if wants(MasterKind::Disease) {
            search_table(
                &set.diseases,
                MasterKind::Disease,
                &needle,
                date,
                |_| String::new(),
                &mut found,
            );
        }
        if wants(MasterKind::Modifier) {
            search_table(
                &set.modifiers,
                MasterKind::Modifier,
                &needle,
                date,
                |_| String::new(),
                &mut found,
            );
        }
        for mut h in found {
            if seen.insert((h.kind, h.code.clone())) {
                h.revision = set.revision.id;
                hits.push(h);
            }
        }
    }
    let order = |k: &str| "sytcbz".find(k).unwrap_or(9);
    hits.sort_by(|x, y| order(x.kind).cmp(&order(y.kind)).then(x.code.cmp(&y.code)));
    let total = hits.len();
    if a.limit > 0 {
        hits.truncate(a.limit);
    }
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &hits)?;
        writeln!(out)?;
    } else if !hits.is_empty() {
        let (name_h, price_h) = ("名称", "点数・金額");
        let name_w = hits
            .iter()
            .map(|h| crate::calc_cmd::width(&h.name))
            .chain([crate::calc_cmd::width(name_h)])
            .max()
            .unwrap_or(0);
        let price_w = hits
            .iter()
            .map(|h| crate::calc_cmd::width(&h.price))
            .chain([crate::calc_cmd::width(price_h)])
            .max()
            .unwrap_or(0);
        writeln!(
            out,
            "{} {} {} {}  有効期間                 改定",
            crate::calc_cmd::pad("種", 1),
            crate::calc_cmd::pad("コード", 9),
            crate::calc_cmd::pad(name_h, name_w),
            crate::calc_cmd::rpad(price_h, price_w)
        )?;
        for h in &hits {
            writeln!(
                out,
                "{} {:<9} {} {}  {}  {}",
                h.kind,
                h.code,
                crate::calc_cmd::pad(&h.name, name_w),
                crate::calc_cmd::rpad(&h.price, price_w),
                crate::calc_cmd::pad(&format!("{} – {}", h.valid_from, h.valid_to), 23),
                h.revision
            )?;
        }
    }
    let kinds = a
        .kind
        .and_then(|k| {
            [
                MasterKind::Procedure,
                MasterKind::Drug,
                MasterKind::Material,
                MasterKind::Comment,
                MasterKind::Disease,
                MasterKind::Modifier,
            ]
            .into_iter()
            .find(|m| m.letter() == k)
        })
        .map_or("every master".to_string(), |k| {
            format!("the {} master", k.japanese())
        });
    let when = date.map_or("the newest version of each code".to_string(), |d| {
        format!("valid on {d}")
    });
    let revisions: Vec<&str> = sets.iter().map(|s| s.revision.id).collect();
    let revisions = revisions.join(", ");
    if total == 0 {
        eprintln!(
            "santei: no 名称 or カナ名称 contains `{}` ({kinds} of {}, {when})",
            a.text, revisions
        );
        return Ok(ExitCode::from(1));
    }
    let shown = if hits.len() < total {
        format!("; the first {} shown (--limit N, 0 for all)", hits.len())
    } else {
        String::new()
    };
    eprintln!(
        "santei: {total} item(s) match `{}` ({kinds} of {}, {when}){shown}",
        a.text, revisions
    );
    Ok(ExitCode::SUCCESS)
}

/// Loads a 医科電子点数表 folder; when it fails on a folder of such folders (like ../shared/etensu),
/// the error names them.
pub fn load_etensu(
    dir: &Path,
    enc: Encoding,
) -> Result<santei_engine::masters::etensu::Etensu, CliError> {
    santei_engine::masters::etensu::Etensu::load_with(dir, enc).map_err(|e| {
        let mut subs: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                std::fs::read_dir(e.path()).into_iter().flatten().flatten().any(|f| {
                    let n = f.file_name().to_string_lossy().to_lowercase();
                    n.starts_with("01") || (n.starts_with("tensuhyo") && n.ends_with(".zip"))
                })
            })
            .map(|e| format!("{}/", e.file_name().to_string_lossy()))
            .collect();
        subs.sort();
        let hint = match subs.last() {
            Some(last) => format!(
                "\n  `{}` holds one 電子点数表 folder per revision: {}; pass one of them (e.g. `{}`)",
                dir.display(),
                subs.join(", "),
                dir.join(last.trim_end_matches('/')).display()
            ),
            None => String::new(),
        };
        CliError(format!("{e}{hint}"))
    })
}

pub fn etensu_info(dir: &Path, encoding: EncodingArg, json: bool) -> Result<ExitCode, CliError> {
    let enc: Encoding = encoding.into();
    eprintln!("santei: loading the 電子点数表 from `{}`", dir.display());
    let et = load_etensu(dir, enc)?;
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
