//! `santei recalc`: read UKE files receipt by receipt, recompute, report every difference.
//!
//! Every receipt appears in the output (its 合計点数 check at least), with every line that
//! differs or cannot be checked; malformed receipts are reported and reading goes on. Exit 0 when
//! everything checked matches, 1 when differences were found, 2 on an error (unreadable file,
//! malformed receipt).

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::claim::FacilityKind;
use santei_engine::masters::Encoding;
use santei_engine::uke::batch::{self, BatchOptions, Event, Progress};
use santei_engine::uke::reader::sniff_encoding;
use santei_engine::uke::{
    Check, FacilityFacts, Recalculator, ReceiptReport, Status, Summary, Tally, UkeError,
};

use crate::calc_cmd::build_engine;
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
                    "counts": r.counts(), "checks": checks,
                });
                writeln!(self.w, "{v}")?;
            }
            Format::Table => {
                let [m, d, n] = r.counts();
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
                    .kinds()
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
                    "cannot_check_reasons": s.cannot_check_reasons.iter().map(|((k, r), n)| {
                        serde_json::json!({"kind": k.name(), "reason": r, "count": n})
                    }).collect::<Vec<_>>(),
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
    for (k, [m, d, n]) in s.kinds() {
        writeln!(w, "  {:<14} {m:>8} {d:>8} {n:>13}", k.name())?;
    }
    if !s.cannot_check_reasons.is_empty() {
        writeln!(w, "  cannot check, by reason:")?;
        for ((kind, reason), n) in &s.cannot_check_reasons {
            writeln!(w, "    {n:>8}  {}: {reason}", kind.name())?;
        }
    }
    writeln!(
        w,
        "  points: claimed {} (HO, else first KO), computed {} (Σ lines, 97 excluded)",
        s.claimed_points, s.computed_points
    )
}

/// The facility facts the rules may ask about (a UKE file does not carry them).
#[derive(clap::Args, Clone, Debug)]
pub struct FacilityArgs {
    /// The facility is a 病院 (default: 診療所), for rules that depend on it.
    #[arg(long)]
    hospital: bool,
    /// 病床数, for rules that depend on it.
    #[arg(long, default_value_t = 0)]
    beds: u32,
    /// 施設基準 届出 code (repeat for several), for rules that require one.
    #[arg(long = "standard")]
    standards: Vec<u16>,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ProgressArg {
    Auto,
    Always,
    Never,
}

pub struct Args<'a> {
    pub files: &'a [PathBuf],
    pub dirs: &'a [PathBuf],
    pub load: &'a LoadArgs,
    pub format: Format,
    pub encoding: UkeEncoding,
    pub etensu: &'a [String],
    pub rule_dirs: &'a [PathBuf],
    pub no_rules: bool,
    pub facility: FacilityArgs,
    pub jobs: Option<usize>,
    pub progress: ProgressArg,
}

pub fn recalc(a: Args<'_>) -> Result<ExitCode, CliError> {
    if a.files.is_empty() {
        return Err(CliError("no UKE file given".into()));
    }
    // The rule checks do not depend on the F200 注3 rounding unit.
    let engine = build_engine(
        a.dirs,
        a.load,
        a.etensu,
        a.rule_dirs,
        None,
        santei_engine::PolypharmacyRounding::default(),
    )?;
    let facts = FacilityFacts {
        kind: if a.facility.hospital {
            FacilityKind::Hospital
        } else {
            FacilityKind::Clinic
        },
        beds: a.facility.beds,
        standards: a.facility.standards.clone(),
    };
    let calc = if a.no_rules {
        // The engine's masters without its rules.
        Recalculator::with_engine_masters(&engine)
    } else {
        Recalculator::with_engine(&engine)
    }
    .facility(facts);
    let options = BatchOptions {
        jobs: a
            .jobs
            .unwrap_or_else(|| BatchOptions::default().jobs)
            .max(1),
        ..BatchOptions::default()
    };
    let stdout = std::io::stdout();
    let mut out = Out {
        w: std::io::BufWriter::new(stdout.lock()),
        format: a.format,
    };
    out.header()?;
    let show = match a.progress {
        ProgressArg::Always => true,
        ProgressArg::Never => false,
        ProgressArg::Auto => std::io::stderr().is_terminal(),
    };
    let mut bar = ProgressBar::new(show, a.files);
    let mut tally = Tally::new();
    let mut errors = 0u64;
    for path in a.files {
        bar.start_file(path);
        if let Err(e) = one_file(
            path,
            a.encoding,
            &calc,
            &mut tally,
            options,
            &mut out,
            &mut bar,
            &mut errors,
        ) {
            bar.clear();
            eprintln!("santei: error: {}", e.0);
            errors += 1;
        }
    }
    bar.finish(&tally.summary);
    out.summary(&tally.summary, a.files.len())?;
    out.w.flush()?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if tally.summary.total(Status::Differs) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[allow(clippy::too_many_arguments)]
fn one_file<W: Write>(
    path: &Path,
    encoding: UkeEncoding,
    calc: &Recalculator<'_>,
    tally: &mut Tally,
    options: BatchOptions,
    out: &mut Out<W>,
    bar: &mut ProgressBar,
    errors: &mut u64,
) -> Result<(), CliError> {
    let name = path.display().to_string();
    // `-` reads standard input (e.g. `zcat month.UKE.gz | santei recalc -`).
    let source: Box<dyn std::io::Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| CliError(format!("cannot read `{name}`: {e}")))?,
        )
    };
    let mut input = BufReader::with_capacity(1 << 16, source);
    let enc = match encoding {
        UkeEncoding::Cp932 => Encoding::Cp932,
        UkeEncoding::Utf8 => Encoding::Utf8,
        UkeEncoding::Auto => sniff_encoding(input.fill_buf()?),
    };
    batch::run(
        batch::Input {
            read: input,
            file: &name,
            encoding: enc,
        },
        calc,
        tally,
        options,
        |p| bar.update(p),
        |event| match event {
            Event::Receipt(rep) => out.receipt(&name, &rep),
            Event::Totals(checks) => out.totals(&name, &checks),
            Event::Facility(_) | Event::Other(_) => Ok(()),
            Event::Error(e) => {
                *errors += 1;
                out.error(&e)
            }
        },
    )?;
    Ok(())
}

/// A one-line progress bar on stderr: bytes read of the file, receipts, receipts per second.
struct ProgressBar {
    show: bool,
    size: u64,
    start: std::time::Instant,
    last: std::time::Instant,
    done_before: u64,
    shown: bool,
}

impl ProgressBar {
    fn new(show: bool, _files: &[PathBuf]) -> Self {
        let now = std::time::Instant::now();
        ProgressBar {
            show,
            size: 0,
            start: now,
            last: now,
            done_before: 0,
            shown: false,
        }
    }
    fn start_file(&mut self, path: &Path) {
        self.size = std::fs::metadata(path).map_or(0, |m| m.len());
    }
    fn update(&mut self, p: Progress) {
        if !self.show {
            return;
        }
        let now = std::time::Instant::now();
        if now.duration_since(self.last).as_millis() < 200 {
            return;
        }
        self.last = now;
        let secs = now.duration_since(self.start).as_secs_f64().max(1e-9);
        let pct = if self.size > 0 {
            (p.bytes as f64 / self.size as f64 * 100.0).min(100.0)
        } else {
            0.0
        };
        let width = 30;
        let filled = (pct / 100.0 * width as f64) as usize;
        eprint!(
            "\r[{}{}] {pct:5.1}%  {} receipts  {:.0}/s ",
            "#".repeat(filled),
            " ".repeat(width - filled),
            p.receipts,
            (p.receipts - self.done_before.min(p.receipts)) as f64 / secs
        );
        self.shown = true;
    }
    fn clear(&mut self) {
        if self.shown {
            eprint!("\r{}\r", " ".repeat(79));
            self.shown = false;
        }
    }
    fn finish(&mut self, s: &Summary) {
        if self.show {
            self.clear();
            let secs = self.start.elapsed().as_secs_f64();
            eprintln!(
                "santei: {} receipts in {secs:.2} s ({:.0} receipts/s)",
                s.receipts + s.malformed,
                (s.receipts + s.malformed) as f64 / secs.max(1e-9)
            );
        }
    }
}
