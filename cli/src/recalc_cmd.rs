//! `santei recalc`: read UKE files receipt by receipt, recompute, report every difference.
//!
//! Every receipt appears in the output (its 合計点数 check at least), with every line that
//! differs or cannot be checked; malformed receipts are reported and reading goes on. Exit 0 when
//! everything checked matches, 1 when differences were found, 2 on an error (unreadable file,
//! malformed receipt). Input santei cannot judge is never a clean run: an empty file, a gzip or
//! zip file, a file without any RE record (another CSV, a master), a 歯科 file (IR 点数表 ≠ 1, or
//! SS/HS/UK records), receipts without the closing GO record, or receipts of a 診療年月 that no
//! loaded master covers are errors (exit 2) with a message; records of unknown types are counted
//! and the first one named.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::claim::FacilityKind;
use santei_engine::masters::Encoding;
use santei_engine::uke::batch::{self, BatchOptions, Event, Progress};
use santei_engine::uke::reader::{DENTAL_RECORDS, sniff_encoding};
use santei_engine::uke::{
    Check, FacilityFacts, Recalculator, ReceiptReport, Status, Summary, Tally, UkeError, YearMonth,
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

    /// An error about a whole file (or the run): with `--format json` a JSON line on stdout, like
    /// every other error of `--json` output; otherwise `santei: error: …` on stderr.
    fn file_error(&mut self, file: Option<&str>, message: &str) -> std::io::Result<()> {
        if self.format == Format::Json {
            let v = serde_json::json!({"type": "error", "error": {
                "code": "error", "file": file, "path": null, "message": message,
            }});
            writeln!(self.w, "{v}")
        } else {
            eprintln!("santei: error: {message}");
            Ok(())
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
    // 診療年月 of the receipts read: (receipts, covered by the loaded masters).
    let mut months: BTreeMap<YearMonth, (u64, bool)> = BTreeMap::new();
    for path in a.files {
        bar.start_file(path);
        let mut facts = FileFacts::default();
        let res = one_file(
            path,
            a.encoding,
            &calc,
            &mut tally,
            options,
            &mut out,
            &mut bar,
            &mut errors,
            &mut facts,
        );
        bar.clear();
        for (m, n) in &facts.months {
            let covered = engine.masters_for(m.first_day()).is_some();
            let e = months.entry(*m).or_insert((0, covered));
            e.0 += n;
        }
        let name = path.display().to_string();
        let res = res.and_then(|()| facts.judge(&name));
        for w in facts.warnings(&name) {
            eprintln!("santei: warning: {w}");
        }
        if let Err(e) = res {
            out.file_error(Some(&name), &e.0)?;
            errors += 1;
        }
    }
    // Receipts of a 診療年月 no loaded master covers were not checked against any master: the
    // run cannot end like a clean one.
    let uncovered: Vec<String> = months
        .iter()
        .filter(|(_, (_, covered))| !covered)
        .map(|(m, (n, _))| format!("{m} ({n} receipt(s))"))
        .collect();
    if !uncovered.is_empty() {
        bar.clear();
        out.file_error(
            None,
            &format!(
                "no masters loaded for 診療年月 {}: those receipts were not checked against any master; the loaded masters cover {} (give the masters of those months with --masters)",
                uncovered.join(", "),
                coverage(&engine)
            ),
        )?;
        errors += 1;
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

/// The periods the loaded masters cover: `r2024-06 (2024-06-01 – 2026-05-31)`, ….
fn coverage(engine: &santei_engine::Engine) -> String {
    let ids = engine.revision_ids();
    if ids.is_empty() {
        return "nothing (no masters loaded)".into();
    }
    ids.iter()
        .map(|id| {
            match santei_engine::masters::REVISIONS
                .iter()
                .find(|r| r.id == *id)
            {
                Some(r) => match r.until() {
                    Some(u) => format!("{id} ({} – {u})", r.effective_from),
                    None => format!("{id} (from {})", r.effective_from),
                },
                None => (*id).to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What one file held besides its receipts' checks: enough to refuse a file santei cannot judge
/// (no receipt, no GO) and to report the records it did not read.
#[derive(Default)]
struct FileFacts {
    receipts: u64,
    malformed: u64,
    go: bool,
    /// IR records: more than one is the payer-side format (one IR per receipt, no GO).
    facilities: u64,
    /// Records outside any receipt other than IR/GO: count, first (line, ID).
    other: u64,
    first_other: Option<(usize, String)>,
    /// Records inside receipts of a type the 医科 layout does not have.
    unknown: u64,
    first_unknown: Option<(usize, String)>,
    /// Receipts per 診療年月.
    months: BTreeMap<YearMonth, u64>,
}

impl FileFacts {
    /// A file with no receipt, or whose receipts end without the GO record, is an error.
    fn judge(&self, name: &str) -> Result<(), CliError> {
        if self.receipts + self.malformed == 0 {
            let what = match &self.first_other {
                Some((line, id)) => format!(
                    "{} record(s) santei does not read, the first at line {line}: `{}`",
                    self.other,
                    id.chars().take(40).collect::<String>()
                ),
                None => "no record but IR/GO".to_string(),
            };
            return Err(CliError(format!(
                "`{name}` holds no receipt (no RE record): {what}. Not a UKE file of 医科 receipts? (a master or another CSV cannot be recalculated)"
            )));
        }
        // The payer-side variant (one IR per receipt, EX/RC/MN/JY records) has no GO record.
        if !self.go && self.facilities <= 1 {
            return Err(CliError(format!(
                "`{name}`: no GO record (診療報酬請求書レコード) after the receipts: the file is incomplete (cut after its last record?); the GO totals were not checked"
            )));
        }
        Ok(())
    }

    fn warnings(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.unknown > 0 {
            if let Some((line, id)) = &self.first_unknown {
                out.push(format!(
                    "`{name}`: {} record(s) in receipts of a type the 記録条件仕様（医科用） does not define were not read; the first at line {line}: `{id}`",
                    self.unknown
                ));
            }
        }
        if self.other > 0 && self.receipts + self.malformed > 0 {
            if let Some((line, id)) = &self.first_other {
                out.push(format!(
                    "`{name}`: {} record(s) outside any receipt were not read; the first at line {line}: `{}`",
                    self.other,
                    id.chars().take(40).collect::<String>()
                ));
            }
        }
        out
    }
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
    facts: &mut FileFacts,
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
    // What the first bytes say the file is, before any of it is decoded.
    let head = input.fill_buf()?;
    if head.is_empty() {
        return Err(CliError(format!(
            "`{name}` is empty: there is nothing to recalculate"
        )));
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        let shown = if name == "-" { "FILE" } else { name.as_str() };
        return Err(CliError(format!(
            "`{name}` is gzip: decompress it first (zcat {shown} | santei recalc -)"
        )));
    }
    if head.starts_with(b"PK\x03\x04") {
        return Err(CliError(format!(
            "`{name}` is a zip archive: extract the UKE file first (unzip {name})"
        )));
    }
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
            Event::Receipt(rep) => {
                facts.receipts += 1;
                *facts.months.entry(rep.month).or_default() += 1;
                if rep.unknown_records > 0 {
                    facts.unknown += u64::from(rep.unknown_records);
                    if facts.first_unknown.is_none() {
                        facts.first_unknown = rep.first_unknown.clone();
                    }
                }
                out.receipt(&name, &rep)
            }
            Event::Totals(checks) => {
                facts.go = true;
                out.totals(&name, &checks)
            }
            // IR 点数表 (別表3): 1 医科. Any other is refused before its receipts are read as 医科.
            Event::Facility(ir) => match ir.get(3).trim() {
                "1" => {
                    facts.facilities += 1;
                    Ok(())
                }
                t => Err(std::io::Error::other(format!(
                    "`{name}` line {}: IR 点数表 is `{t}`{}: santei recalculates 医科 files (点数表 1) only",
                    ir.line,
                    if t == "3" { " (歯科)" } else { "" }
                ))),
            },
            Event::Other(rec) if DENTAL_RECORDS.contains(&rec.id()) => {
                Err(std::io::Error::other(format!(
                    "`{name}` line {}: `{}` is a 歯科 record: santei recalculates 医科 files only",
                    rec.line,
                    rec.id()
                )))
            }
            Event::Other(rec) => {
                facts.other += 1;
                if facts.first_other.is_none() {
                    facts.first_other = Some((rec.line, rec.id().to_owned()));
                }
                Ok(())
            }
            Event::Error(e) => {
                if !e.fatal {
                    facts.malformed += 1;
                }
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
