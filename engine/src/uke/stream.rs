//! The report of a recalculation as people and programs read it: a table, CSV rows (one per
//! receipt total, differing or unchecked line, GO total and malformed receipt) or JSON lines
//! (one object per receipt, GO check and error, then a summary), and the facts of one input
//! that decide whether santei could judge it at all. Shared by `santei recalc` and the service,
//! so both write the same rows.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use super::batch::{self, BatchOptions, Event, Progress};
use super::reader::DENTAL_RECORDS;
use super::reader::{UkeError, YearMonth};
use super::recalc::{Check, CheckKind, Recalculator, ReceiptReport, Status, Summary, Tally};

/// The report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Human-readable.
    Table,
    /// One row per receipt total, differing or unchecked line, GO total and malformed receipt.
    Csv,
    /// JSON Lines: one object per receipt / GO / error, then a summary object.
    Json,
}

/// The status as the reports spell it.
pub fn status_name(s: Status) -> &'static str {
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

/// A CSV row being built: the fields of one row are gathered here and written with one
/// `write_all` (a `BufWriter::write_all` per field, thirteen a row, cost more than the row's
/// digits; callgrind of `santei recalc --format csv`). The writer keeps one and reuses it.
type Row = Vec<u8>;

/// [`csv_field`] appended to a row.
fn push_csv_field(row: &mut Row, s: &str) {
    // A byte search (vectorised): the three are ASCII, and no byte of a multi-byte UTF-8
    // character is ASCII, so it finds what a search by `char` finds.
    if memchr::memchr3(b',', b'"', b'\n', s.as_bytes()).is_none() {
        row.extend_from_slice(s.as_bytes());
        return;
    }
    row.push(b'"');
    for (i, part) in s.split('"').enumerate() {
        if i > 0 {
            row.extend_from_slice(b"\"\"");
        }
        row.extend_from_slice(part.as_bytes());
    }
    row.push(b'"');
}

/// An integer in decimal, as `Display` writes it (`itoa`, no `fmt` machinery), appended to a
/// row; nothing for `None` (as [`opt`] writes it).
fn push_opt_int(row: &mut Row, v: Option<i64>) {
    if let Some(v) = v {
        row.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
}

/// Writes the report of a recalculation in one [`ReportFormat`].
pub struct ReportWriter<W: Write> {
    pub w: W,
    pub format: ReportFormat,
    /// The CSV row being built ([`Row`]), kept between rows.
    row: Row,
}

impl<W: Write> ReportWriter<W> {
    pub fn new(w: W, format: ReportFormat) -> Self {
        ReportWriter {
            w,
            format,
            row: Row::new(),
        }
    }

    pub fn header(&mut self) -> std::io::Result<()> {
        if self.format == ReportFormat::Csv {
            writeln!(
                self.w,
                "file,receipt,line,kind,status,code,section,claimed,computed,reason"
            )?;
        }
        Ok(())
    }

    /// One CSV row, built field by field ([`Row`]: no formatting machinery and no String per
    /// field) and written at once.
    fn check_row(&mut self, file: &str, receipt: Option<u32>, c: &Check) -> std::io::Result<()> {
        let mut row = std::mem::take(&mut self.row);
        row.clear();
        push_csv_field(&mut row, file);
        row.push(b',');
        push_opt_int(&mut row, receipt.map(i64::from));
        row.push(b',');
        push_opt_int(&mut row, Some(c.line as i64));
        row.push(b',');
        row.extend_from_slice(c.kind.name().as_bytes());
        row.push(b',');
        row.extend_from_slice(status_name(c.status).as_bytes());
        row.push(b',');
        push_opt_int(&mut row, c.code.map(i64::from));
        row.push(b',');
        push_opt_int(&mut row, c.section.map(i64::from));
        row.push(b',');
        push_opt_int(&mut row, c.claimed);
        row.push(b',');
        push_opt_int(&mut row, c.computed);
        row.push(b',');
        push_csv_field(&mut row, &c.reason);
        row.push(b'\n');
        let written = self.w.write_all(&row);
        self.row = row;
        written
    }

    pub fn receipt(&mut self, file: &str, r: &ReceiptReport) -> std::io::Result<()> {
        let shown = r
            .checks
            .iter()
            .filter(|c| c.status != Status::Match || c.kind == CheckKind::ReceiptTotal);
        match self.format {
            ReportFormat::Csv => {
                for c in shown {
                    self.check_row(file, Some(r.number), c)?;
                }
            }
            ReportFormat::Json => {
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
            ReportFormat::Table => {
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

    pub fn totals(&mut self, file: &str, checks: &[Check]) -> std::io::Result<()> {
        for c in checks {
            match self.format {
                ReportFormat::Csv => self.check_row(file, None, c)?,
                ReportFormat::Json => {
                    let v = serde_json::json!({"type": "go", "file": file, "check": c});
                    writeln!(self.w, "{v}")?;
                }
                ReportFormat::Table => writeln!(
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

    pub fn error(&mut self, e: &UkeError) -> std::io::Result<()> {
        match self.format {
            ReportFormat::Csv => writeln!(
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
            ReportFormat::Json => {
                let v = serde_json::json!({"type": "error", "error": e, "text": e.to_string()});
                writeln!(self.w, "{v}")
            }
            ReportFormat::Table => {
                writeln!(self.w, "receipt {:>6}  MALFORMED  {e}", opt(e.receipt))
            }
        }
    }

    /// An error about a whole file (or the run), as a JSON line with `--format json` like every
    /// other error of JSON output. Returns false (writing nothing) in the other formats, where
    /// the caller says it its own way (`santei: error: …` on stderr).
    pub fn file_error(&mut self, file: Option<&str>, message: &str) -> std::io::Result<bool> {
        if self.format == ReportFormat::Json {
            let v = serde_json::json!({"type": "error", "error": {
                "code": "error", "file": file, "path": null, "message": message,
            }});
            writeln!(self.w, "{v}")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// The summary: a JSON line, the table's text, or for CSV (which stays one table) the text
    /// on `side` (the CLI's stderr).
    pub fn summary(
        &mut self,
        s: &Summary,
        files: usize,
        side: &mut dyn Write,
    ) -> std::io::Result<()> {
        match self.format {
            ReportFormat::Json => {
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
                    "out_of_scope": s.out_of_scope,
                });
                writeln!(self.w, "{v}")
            }
            // The CSV stays one table; its summary goes to stderr.
            ReportFormat::Csv => write_summary(side, s, files),
            ReportFormat::Table => write_summary(&mut self.w, s, files),
        }
    }
}

/// The summary as text.
pub fn write_summary(w: &mut dyn Write, s: &Summary, files: usize) -> std::io::Result<()> {
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

/// What one file held besides its receipts' checks: enough to refuse a file santei cannot judge
/// (no receipt, no GO) and to report the records it did not read.
#[derive(Default, Debug)]
pub struct FileFacts {
    pub receipts: u64,
    pub malformed: u64,
    pub go: bool,
    /// IR records: more than one is the payer-side format (one IR per receipt, no GO).
    pub facilities: u64,
    /// Records outside any receipt other than IR/GO: count, first (line, ID).
    pub other: u64,
    pub first_other: Option<(usize, String)>,
    /// Records inside receipts of a type the 医科 layout does not have.
    pub unknown: u64,
    pub first_unknown: Option<(usize, String)>,
    /// Receipts per 診療年月.
    pub months: BTreeMap<YearMonth, u64>,
}

impl FileFacts {
    /// A file with no receipt, or whose receipts end without the GO record, is an error.
    pub fn judge(&self, name: &str) -> Result<(), String> {
        if self.receipts + self.malformed == 0 {
            let what = match &self.first_other {
                Some((line, id)) => format!(
                    "{} record(s) santei does not read, the first at line {line}: `{}`",
                    self.other,
                    id.chars().take(40).collect::<String>()
                ),
                None => "no record but IR/GO".to_string(),
            };
            return Err(format!(
                "`{name}` holds no receipt (no RE record): {what}. Not a UKE file of 医科 receipts? (a master or another CSV cannot be recalculated)"
            ));
        }
        // The payer-side variant (one IR per receipt, EX/RC/MN/JY records) has no GO record.
        if !self.go && self.facilities <= 1 {
            return Err(format!(
                "`{name}`: no GO record (診療報酬請求書レコード) after the receipts: the file is incomplete (cut after its last record?); the GO totals were not checked"
            ));
        }
        Ok(())
    }

    pub fn warnings(&self, name: &str) -> Vec<String> {
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

/// Recalculates one input through [`batch::run`], writing every event to `out` and counting
/// what decides whether the input could be judged into `facts` ([`FileFacts::judge`]). A 歯科
/// file or a non-医科 IR record ends the input with an error; `errors` counts malformed
/// receipts and read errors.
#[allow(clippy::too_many_arguments)]
pub fn recalc_input<R: BufRead + Send, W: Write>(
    input: batch::Input<'_, R>,
    calc: &Recalculator<'_>,
    tally: &mut Tally,
    options: BatchOptions,
    out: &mut ReportWriter<W>,
    progress: impl FnMut(Progress),
    errors: &mut u64,
    facts: &mut FileFacts,
) -> std::io::Result<()> {
    let name = input.file.to_owned();
    batch::run(input, calc, tally, options, progress, |event| match event {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_csv_writes_match_the_formatted_fields() {
        for v in [0, 7, -7, 10, 1168, -1_000_000, i64::MAX, i64::MIN] {
            let mut out = Row::new();
            push_opt_int(&mut out, Some(v));
            assert_eq!(String::from_utf8(out.to_vec()).unwrap(), v.to_string());
        }
        let mut out = Row::new();
        push_opt_int(&mut out, None);
        assert!(out.is_empty());
        for s in [
            "",
            "plain",
            "a,b",
            "say \"x\"",
            "\"",
            "line\nbreak",
            "Σ 点数, \"97\"",
        ] {
            let mut out = Row::new();
            push_csv_field(&mut out, s);
            assert_eq!(
                String::from_utf8(out.to_vec()).unwrap(),
                csv_field(s),
                "{s:?}"
            );
        }
    }
}
