//! `santei recalc`: read UKE files receipt by receipt, recompute, report every difference.
//!
//! Every receipt appears in the output (its 合計点数 check at least), with every line that
//! differs or cannot be checked; malformed receipts are reported and reading goes on. Exit 0 when
//! everything checked matches, 1 when differences were found, 2 on an error (unreadable file,
//! malformed receipt).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::masters::{Encoding, MasterCatalog};
use santei_engine::uke::reader::sniff_encoding;
use santei_engine::uke::{
    Check, Item, Recalc, ReceiptReport, Status, Summary, UkeError, UkeReader,
};

use crate::masters_cmd::load_set;
use crate::{CliError, LoadArgs};

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable.
    Table,
    /// One row per receipt total, differing or unchecked line, GO total and malformed receipt.
    Csv,
    /// JSON Lines: one object per receipt / GO / error, then a summary object.
    Json,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum UkeEncoding {
    /// UTF-8 when the start of the file is valid UTF-8 with non-ASCII text, else CP932.
    Auto,
    Cp932,
    Utf8,
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Match => "match",
        Status::Differs => "differs",
        Status::CannotCheck => "cannot_check",
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

struct Out<W: Write> {
    w: W,
    format: Format,
}

impl<W: Write> Out<W> {
    fn header(&mut self) -> std::io::Result<()> {
        if self.format == Format::Csv {
            writeln!(
                self.w,
                "file,receipt,line,kind,status,code,section,claimed,computed,reason"
            )?;
        }
        Ok(())
    }

    fn check_row(&mut self, file: &str, receipt: Option<u32>, c: &Check) -> std::io::Result<()> {
        writeln!(
            self.w,
            "{},{},{},{},{},{},{},{},{},{}",
            csv_field(file),
            opt(receipt),
            c.line,
            c.kind.name(),
            status_name(c.status),
            opt(c.code),
            opt(c.section),
            opt(c.claimed),
            opt(c.computed),
            csv_field(&c.reason)
        )
    }

    fn receipt(&mut self, file: &str, r: &ReceiptReport) -> std::io::Result<()> {
        let shown = r.checks.iter().filter(|c| {
            c.status != Status::Match || c.kind == santei_engine::uke::CheckKind::ReceiptTotal
        });
        match self.format {
            Format::Csv => {
                for c in shown {
                    self.check_row(file, Some(r.number), c)?;
                }
            }
            Format::Json => {
                let checks: Vec<&Check> = shown.collect();
                let v = serde_json::json!({
                    "type": "receipt", "file": file, "receipt": r.number, "line": r.line,
                    "month": r.month.to_string(), "inpatient": r.inpatient,
                    "claimed_total": r.claimed_total, "computed_total": r.computed_total,
                    "lines": r.lines, "differs": r.differs(),
                    "counts": counts(&r.checks), "checks": checks,
                });
                writeln!(self.w, "{v}")?;
            }
            Format::Table => {
                let [m, d, n] = counts(&r.checks);
                writeln!(
                    self.w,
                    "receipt {:>6}  line {:>7}  {}  {}  claimed {:>8}  computed {:>8}  {} lines  {m} match  {d} differ  {n} cannot check{}",
                    r.number,
                    r.line,
                    r.month,
                    if r.inpatient { "入院" } else { "外来" },
                    opt(r.claimed_total),
                    r.computed_total,
                    r.lines,
                    if r.differs() { "  DIFFERS" } else { "" }
                )?;
                for c in shown.filter(|c| c.status == Status::Differs) {
                    writeln!(
                        self.w,
                        "    line {:>7}  {:<13} {:>9}  claimed {:>8}  computed {:>8}  {}",
                        c.line,
                        c.kind.name(),
                        opt(c.code),
                        opt(c.claimed),
                        opt(c.computed),
                        c.reason
                    )?;
                }
            }
        }
        Ok(())
    }

    fn totals(&mut self, file: &str, checks: &[Check]) -> std::io::Result<()> {
        for c in checks {
            match self.format {
                Format::Csv => self.check_row(file, None, c)?,
                Format::Json => {
                    let v = serde_json::json!({"type": "go", "file": file, "check": c});
                    writeln!(self.w, "{v}")?;
                }
                Format::Table => writeln!(
                    self.w,
                    "GO line {:>7}  {:<9} {:<13} claimed {:>8}  computed {:>8}  {}",
                    c.line,
                    c.kind.name(),
                    status_name(c.status),
                    opt(c.claimed),
                    opt(c.computed),
                    c.reason
                )?,
            }
        }
        Ok(())
    }

    fn error(&mut self, e: &UkeError) -> std::io::Result<()> {
        match self.format {
            Format::Csv => writeln!(
                self.w,
                "{},{},{},receipt,malformed,,,,,{}",
                csv_field(&e.file),
                opt(e.receipt),
                e.line,
                csv_field(&format!(
                    "{}{}",
                    opt(e.field.as_ref().map(|f| format!("{f}: "))),
                    e.message
                ))
            ),
            Format::Json => {
                let v = serde_json::json!({"type": "error", "error": e, "text": e.to_string()});
                writeln!(self.w, "{v}")
            }
            Format::Table => writeln!(self.w, "receipt {:>6}  MALFORMED  {e}", opt(e.receipt)),
        }
    }

    fn summary(&mut self, s: &Summary, files: usize) -> std::io::Result<()> {
        match self.format {
            Format::Json => {
                let by_kind: serde_json::Map<String, serde_json::Value> = s
                    .by_kind
                    .iter()
                    .map(|(k, [m, d, n])| {
                        (
                            k.name().to_owned(),
                            serde_json::json!({"match": m, "differs": d, "cannot_check": n}),
                        )
                    })
                    .collect();
                let v = serde_json::json!({
                    "type": "summary", "files": files, "receipts": s.receipts,
                    "malformed": s.malformed, "lines": s.lines, "by_kind": by_kind,
                    "cannot_check_reasons": s.cannot_check_reasons,
                    "claimed_points": s.claimed_points, "computed_points": s.computed_points,
                });
                writeln!(self.w, "{v}")
            }
            // The CSV stays one table; its summary goes to stderr.
            Format::Csv => write_summary(&mut std::io::stderr(), s, files),
            Format::Table => write_summary(&mut self.w, s, files),
        }
    }
}

fn counts(checks: &[Check]) -> [u64; 3] {
    let mut c = [0; 3];
    for k in checks {
        c[k.status as usize] += 1;
    }
    c
}

fn write_summary(w: &mut dyn Write, s: &Summary, files: usize) -> std::io::Result<()> {
    writeln!(
        w,
        "\nsummary: {files} file(s), {} receipt(s) ({} malformed), {} line(s)",
        s.receipts + s.malformed,
        s.malformed,
        s.lines
    )?;
    writeln!(
        w,
        "  {:<14} {:>8} {:>8} {:>13}",
        "check", "match", "differs", "cannot check"
    )?;
    for (k, [m, d, n]) in &s.by_kind {
        writeln!(w, "  {:<14} {m:>8} {d:>8} {n:>13}", k.name())?;
    }
    if !s.cannot_check_reasons.is_empty() {
        writeln!(w, "  cannot check, by reason:")?;
        for (reason, n) in &s.cannot_check_reasons {
            writeln!(w, "    {n:>8}  {reason}")?;
        }
    }
    writeln!(
        w,
        "  points: claimed {} (HO, else first KO), computed {} (Σ lines, 97 excluded)",
        s.claimed_points, s.computed_points
    )
}

pub fn recalc(
    files: &[PathBuf],
    dirs: &[PathBuf],
    load: &LoadArgs,
    format: Format,
    encoding: UkeEncoding,
) -> Result<ExitCode, CliError> {
    if files.is_empty() {
        return Err(CliError("no UKE file given".into()));
    }
    let mut catalog = MasterCatalog::new();
    if dirs.is_empty() {
        catalog.insert(load_set(None, load)?);
    }
    for d in dirs {
        catalog.insert(load_set(Some(d), load)?);
    }
    let stdout = std::io::stdout();
    let mut out = Out {
        w: std::io::BufWriter::new(stdout.lock()),
        format,
    };
    out.header()?;
    let mut recalc = Recalc::new(&catalog);
    let mut errors = 0u64;
    for path in files {
        recalc.start_file();
        if let Err(e) = one_file(path, encoding, &mut recalc, &mut out, &mut errors) {
            eprintln!("santei: error: {}", e.0);
            errors += 1;
        }
    }
    out.summary(&recalc.summary, files.len())?;
    out.w.flush()?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if recalc.summary.total(Status::Differs) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn one_file<W: Write>(
    path: &Path,
    encoding: UkeEncoding,
    recalc: &mut Recalc,
    out: &mut Out<W>,
    errors: &mut u64,
) -> Result<(), CliError> {
    let name = path.display().to_string();
    let file =
        std::fs::File::open(path).map_err(|e| CliError(format!("cannot read `{name}`: {e}")))?;
    let mut input = BufReader::with_capacity(1 << 16, file);
    let enc = match encoding {
        UkeEncoding::Cp932 => Encoding::Cp932,
        UkeEncoding::Utf8 => Encoding::Utf8,
        UkeEncoding::Auto => sniff_encoding(input.fill_buf()?),
    };
    read_items(
        UkeReader::new(input, name.clone(), enc),
        &name,
        recalc,
        out,
        errors,
    )
}

fn read_items<R: Read, W: Write>(
    reader: UkeReader<BufReader<R>>,
    name: &str,
    recalc: &mut Recalc,
    out: &mut Out<W>,
    errors: &mut u64,
) -> Result<(), CliError> {
    for item in reader {
        match item {
            Ok(Item::Receipt(r)) => {
                let rep = recalc.receipt(&r);
                out.receipt(name, &rep)?;
            }
            Ok(Item::Totals(go)) => {
                let checks = recalc.totals(&go);
                out.totals(name, &checks)?;
            }
            Ok(Item::Facility(_) | Item::Other(_)) => {}
            Err(e) => {
                *errors += 1;
                recalc.malformed(&e);
                out.error(&e)?;
            }
        }
    }
    Ok(())
}
