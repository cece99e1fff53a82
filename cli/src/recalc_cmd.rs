//! `santei recalc`: read UKE files receipt by receipt, recompute, report every difference.
//!
//! Every receipt appears in the output (its 合計点数 check at least), with every line that
//! differs or cannot be checked; malformed receipts are reported and reading goes on. Exit 0 when
//! everything checked matches, 1 when differences were found, 2 on an error (unreadable file,
//! malformed receipt). Input santei cannot judge is never a clean run: an empty file, a gzip or
//! zip file, a file without any RE record (another CSV, a master), a 歯科 file (IR 点数表 ≠ 1, or
//! SS/HS/UK records), receipts without the closing GO record, receipts of a 診療年月 that no
//! loaded master covers, or DPC (診断群分類) receipts (reported each as "cannot check", not
//! recalculated) are errors (exit 2) with a message; records of unknown types are counted
//! and the first one named.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::claim::FacilityKind;
use santei_engine::masters::{Encoding, MasterKind};
use santei_engine::uke::batch::{self, BatchOptions, Progress};
use santei_engine::uke::reader::sniff_encoding;
use santei_engine::uke::stream::{self, FileFacts, ReportFormat, ReportWriter};
use santei_engine::uke::{FacilityFacts, Recalculator, Status, Summary, Tally, YearMonth};

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

impl From<Format> for ReportFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => ReportFormat::Table,
            Format::Csv => ReportFormat::Csv,
            Format::Json => ReportFormat::Json,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum UkeEncoding {
    /// UTF-8 when the start of the file is valid UTF-8 with non-ASCII text, else CP932.
    Auto,
    Cp932,
    Utf8,
}

/// An error about a whole file (or the run): with `--format json` a JSON line on stdout, like
/// every other error of `--json` output; otherwise `santei: error: …` on stderr.
fn file_error<W: Write>(
    out: &mut ReportWriter<W>,
    file: Option<&str>,
    message: &str,
) -> std::io::Result<()> {
    if !out.file_error(file, message)? {
        eprintln!("santei: error: {message}");
    }
    Ok(())
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
    // The rule checks do not depend on the F200 注3 rounding unit. The recalculation reads the
    // 医科診療行為, 医薬品, 特定器材 and コメント masters (the rules name comment codes); the
    // 傷病名 and 修飾語 masters are not read (the 傷病名マスター alone is about 40% of the load:
    // callgrind of `santei recalc` on 10 receipts).
    let engine = build_engine(
        a.dirs,
        a.load,
        a.etensu,
        a.rule_dirs,
        None,
        &crate::settings::CalcSettings::default(),
        Some(&[
            MasterKind::Procedure,
            MasterKind::Drug,
            MasterKind::Material,
            MasterKind::Comment,
        ]),
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
    let mut out = ReportWriter::new(std::io::BufWriter::new(stdout.lock()), a.format.into());
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
        let res = res.and_then(|()| facts.judge(&name).map_err(CliError));
        for w in facts.warnings(&name) {
            eprintln!("santei: warning: {w}");
        }
        if let Err(e) = res {
            file_error(&mut out, Some(&name), &e.0)?;
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
        file_error(
            &mut out,
            None,
            &format!(
                "no masters loaded for 診療年月 {}: those receipts were not checked against any master; the loaded masters cover {} (give the masters of those months with --masters)",
                uncovered.join(", "),
                coverage(&engine)
            ),
        )?;
        errors += 1;
    }
    // DPC receipts were reported as "cannot check" and not recalculated: not a clean run.
    if tally.summary.out_of_scope > 0 {
        bar.clear();
        file_error(
            &mut out,
            None,
            &format!(
                "{} DPC (診断群分類) receipt(s) were not checked: DPC receipts are out of santei's scope",
                tally.summary.out_of_scope
            ),
        )?;
        errors += 1;
    }
    bar.finish(&tally.summary);
    out.summary(&tally.summary, a.files.len(), &mut std::io::stderr())?;
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

#[allow(clippy::too_many_arguments)]
fn one_file<W: Write>(
    path: &Path,
    encoding: UkeEncoding,
    calc: &Recalculator<'_>,
    tally: &mut Tally,
    options: BatchOptions,
    out: &mut ReportWriter<W>,
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
    stream::recalc_input(
        batch::Input {
            read: input,
            file: &name,
            encoding: enc,
        },
        calc,
        tally,
        options,
        out,
        |p| bar.update(p),
        errors,
        facts,
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
