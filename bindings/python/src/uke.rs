//! UKE files from Python: receipt-aligned blocks (`santei_engine::uke::blocks`) and their
//! recalculation as Arrow columns. The columns are filled here, in plain buffers (values,
//! validity bitmaps, i64 offsets + bytes for strings), without the GIL and without a Python
//! object per row; `santei/uke.py` wraps each buffer with `pyarrow.Array.from_buffers`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use santei_engine::claim::FacilityKind;
use santei_engine::masters::Encoding;
use santei_engine::uke::blocks::{self, BlockFacts, BlockInput, BlockItem, Split};
use santei_engine::uke::{FacilityFacts, Recalculator, ReceiptReport, Status};

use crate::{PyEngine, guarded};

/// A validity bitmap (Arrow: bit i set = row i is not null).
#[derive(Default)]
struct Validity {
    bits: Vec<u8>,
    len: usize,
    nulls: usize,
}

impl Validity {
    fn push(&mut self, valid: bool) {
        if self.len % 8 == 0 {
            self.bits.push(0);
        }
        if valid {
            self.bits[self.len / 8] |= 1 << (self.len % 8);
        } else {
            self.nulls += 1;
        }
        self.len += 1;
    }
}

enum Values {
    Int(Vec<i64>),
    /// Bit-packed.
    Bool(Vec<u8>),
    /// `large_string`: offsets (len + 1) and UTF-8 bytes.
    Str(Vec<i64>, Vec<u8>),
}

/// One Arrow column being filled.
struct Column {
    name: &'static str,
    values: Values,
    valid: Validity,
}

impl Column {
    fn int(name: &'static str) -> Self {
        Column {
            name,
            values: Values::Int(Vec::new()),
            valid: Validity::default(),
        }
    }
    fn boolean(name: &'static str) -> Self {
        Column {
            name,
            values: Values::Bool(Vec::new()),
            valid: Validity::default(),
        }
    }
    fn string(name: &'static str) -> Self {
        Column {
            name,
            values: Values::Str(vec![0], Vec::new()),
            valid: Validity::default(),
        }
    }

    fn push_int(&mut self, v: Option<i64>) {
        let Values::Int(vals) = &mut self.values else {
            unreachable!("{} is not an int column", self.name)
        };
        vals.push(v.unwrap_or(0));
        self.valid.push(v.is_some());
    }

    fn push_bool(&mut self, v: Option<bool>) {
        let Values::Bool(bits) = &mut self.values else {
            unreachable!("{} is not a bool column", self.name)
        };
        let i = self.valid.len;
        if i % 8 == 0 {
            bits.push(0);
        }
        if v == Some(true) {
            bits[i / 8] |= 1 << (i % 8);
        }
        self.valid.push(v.is_some());
    }

    /// A string written by `f` (nothing written and `valid` false: a null).
    fn push_with(&mut self, valid: bool, f: impl FnOnce(&mut Vec<u8>)) {
        let Values::Str(offsets, data) = &mut self.values else {
            unreachable!("{} is not a string column", self.name)
        };
        if valid {
            f(data);
        }
        offsets.push(data.len() as i64);
        self.valid.push(valid);
    }

    fn push_str(&mut self, v: Option<&str>) {
        self.push_with(v.is_some(), |d| {
            d.extend_from_slice(v.unwrap_or("").as_bytes())
        });
    }

    /// `(name, type, length, null_count, validity or None, [buffers])` for `santei/uke.py`.
    fn into_python<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (kind, buffers): (&str, Vec<Bound<'py, PyBytes>>) = match &self.values {
            Values::Int(v) => {
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                ("int64", vec![PyBytes::new(py, &bytes)])
            }
            Values::Bool(b) => ("bool", vec![PyBytes::new(py, b)]),
            Values::Str(o, d) => {
                let offsets: Vec<u8> = o.iter().flat_map(|x| x.to_le_bytes()).collect();
                (
                    "large_string",
                    vec![PyBytes::new(py, &offsets), PyBytes::new(py, d)],
                )
            }
        };
        let validity = (self.valid.nulls > 0).then(|| PyBytes::new(py, &self.valid.bits));
        (
            self.name,
            kind,
            self.valid.len,
            self.valid.nulls,
            validity,
            PyList::new(py, buffers)?,
        )
            .into_pyobject(py)
            .map(Bound::into_any)
    }
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Match => "match",
        Status::Differs => "differs",
        Status::CannotCheck => "cannot_check",
    }
}

/// The report of a block as columns: one row per RE record, one per differing or uncheckable
/// unit.
struct Report {
    receipts: Vec<Column>,
    units: Vec<Column>,
    /// Receipts per status: match, differs, cannot_check, malformed, refused.
    statuses: [u64; 5],
    claimed: i64,
    computed: i64,
}

mod rc {
    pub const FILE: usize = 0;
    pub const OFFSET: usize = 1;
    pub const LINE: usize = 2;
    pub const RECEIPT: usize = 3;
    pub const MONTH: usize = 4;
    pub const INPATIENT: usize = 5;
    pub const CLAIMED: usize = 6;
    pub const COMPUTED: usize = 7;
    pub const LINES: usize = 8;
    pub const STATUS: usize = 9;
    pub const MATCHED: usize = 10;
    pub const DIFFERING: usize = 11;
    pub const CANNOT: usize = 12;
    pub const ERROR: usize = 13;
}

mod uc {
    pub const FILE: usize = 0;
    pub const RECEIPT: usize = 1;
    pub const RECEIPT_LINE: usize = 2;
    pub const LINE: usize = 3;
    pub const KIND: usize = 4;
    pub const STATUS: usize = 5;
    pub const CODE: usize = 6;
    pub const SECTION: usize = 7;
    pub const CLAIMED: usize = 8;
    pub const COMPUTED: usize = 9;
    pub const RULE: usize = 10;
    pub const CITATION: usize = 11;
    pub const REASON: usize = 12;
}

impl Report {
    fn new() -> Self {
        Report {
            receipts: vec![
                Column::string("file"),
                Column::int("offset"),
                Column::int("line"),
                Column::int("receipt"),
                Column::string("month"),
                Column::boolean("inpatient"),
                Column::int("claimed_total"),
                Column::int("computed_total"),
                Column::int("lines"),
                Column::string("status"),
                Column::int("matched"),
                Column::int("differing"),
                Column::int("cannot_check"),
                Column::string("error"),
            ],
            units: vec![
                Column::string("file"),
                Column::int("receipt"),
                Column::int("receipt_line"),
                Column::int("line"),
                Column::string("kind"),
                Column::string("status"),
                Column::int("code"),
                Column::int("section"),
                Column::int("claimed"),
                Column::int("computed"),
                Column::string("rule_id"),
                Column::string("citation"),
                Column::string("reason"),
            ],
            statuses: [0; 5],
            claimed: 0,
            computed: 0,
        }
    }

    fn add(&mut self, file: &str, item: BlockItem) {
        match item {
            BlockItem::Receipt { offset, report } => self.receipt(file, offset, &report),
            BlockItem::Malformed {
                offset,
                line,
                number,
                error,
                refused,
            } => {
                let r = &mut self.receipts;
                r[rc::FILE].push_str(Some(file));
                r[rc::OFFSET].push_int(Some(offset as i64));
                r[rc::LINE].push_int(Some(line as i64));
                r[rc::RECEIPT].push_int(number.map(i64::from));
                r[rc::MONTH].push_str(None);
                r[rc::INPATIENT].push_bool(None);
                for c in [rc::CLAIMED, rc::COMPUTED, rc::LINES] {
                    r[c].push_int(None);
                }
                r[rc::STATUS].push_str(Some(if refused { "refused" } else { "malformed" }));
                for c in [rc::MATCHED, rc::DIFFERING, rc::CANNOT] {
                    r[c].push_int(None);
                }
                r[rc::ERROR].push_with(true, |d| {
                    let _ = write!(d, "{error}");
                });
                self.statuses[if refused { 4 } else { 3 }] += 1;
            }
        }
    }

    fn receipt(&mut self, file: &str, offset: u64, rep: &ReceiptReport) {
        let [m, d, n] = rep.counts();
        let status = if d > 0 {
            Status::Differs
        } else if n > 0 {
            Status::CannotCheck
        } else {
            Status::Match
        };
        self.statuses[status as usize] += 1;
        self.claimed = self.claimed.saturating_add(rep.claimed_total.unwrap_or(0));
        self.computed = self.computed.saturating_add(rep.computed_total);
        let r = &mut self.receipts;
        r[rc::FILE].push_str(Some(file));
        r[rc::OFFSET].push_int(Some(offset as i64));
        r[rc::LINE].push_int(Some(rep.line as i64));
        r[rc::RECEIPT].push_int(Some(i64::from(rep.number)));
        r[rc::MONTH].push_with(true, |buf| {
            let _ = write!(buf, "{}", rep.month);
        });
        r[rc::INPATIENT].push_bool(Some(rep.inpatient));
        r[rc::CLAIMED].push_int(rep.claimed_total);
        r[rc::COMPUTED].push_int(Some(rep.computed_total));
        r[rc::LINES].push_int(Some(rep.lines as i64));
        r[rc::STATUS].push_str(Some(status_name(status)));
        r[rc::MATCHED].push_int(Some(m as i64));
        r[rc::DIFFERING].push_int(Some(d as i64));
        r[rc::CANNOT].push_int(Some(n as i64));
        r[rc::ERROR].push_str(None);
        for c in rep.checks.iter().filter(|c| c.status != Status::Match) {
            let u = &mut self.units;
            u[uc::FILE].push_str(Some(file));
            u[uc::RECEIPT].push_int(Some(i64::from(rep.number)));
            u[uc::RECEIPT_LINE].push_int(Some(rep.line as i64));
            u[uc::LINE].push_int(Some(c.line as i64));
            u[uc::KIND].push_str(Some(c.kind.name()));
            u[uc::STATUS].push_str(Some(status_name(c.status)));
            u[uc::CODE].push_int(c.code.map(i64::from));
            u[uc::SECTION].push_int(c.section.map(i64::from));
            u[uc::CLAIMED].push_int(c.claimed);
            u[uc::COMPUTED].push_int(c.computed);
            u[uc::RULE].push_str(c.rule.as_ref().map(|r| r.id.as_str()));
            u[uc::CITATION].push_str(c.rule.as_ref().map(|r| r.citation.as_str()));
            u[uc::REASON].push_str(Some(&c.reason));
        }
    }
}

fn parse_uke_encoding(text: &str) -> PyResult<Option<Encoding>> {
    match text {
        "auto" => Ok(None),
        "cp932" => Ok(Some(Encoding::Cp932)),
        "utf8" | "utf-8" => Ok(Some(Encoding::Utf8)),
        _ => Err(PyValueError::new_err(format!(
            "encoding `{text}`: write \"auto\" (the default, as `santei recalc`), \"cp932\" or \"utf8\""
        ))),
    }
}

/// The block's bytes: `bytes` given, or a file read here (without the GIL): whole, or the
/// header and body byte ranges of a block.
enum Source<'a> {
    Bytes(&'a [u8]),
    Path(PathBuf),
    Ranges(PathBuf, (u64, u64), (u64, u64)),
}

thread_local! {
    /// The header and body buffers of `Source::Ranges`, reused from block to block: a fresh
    /// 32 MiB buffer per block costs its page faults every time.
    static BUFFERS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> = Default::default();
}

fn read_range(
    f: &mut std::fs::File,
    (start, end): (u64, u64),
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    f.seek(SeekFrom::Start(start))?;
    buf.clear();
    let want = end.saturating_sub(start);
    (&mut *f).take(want).read_to_end(buf)?;
    if (buf.len() as u64) < want {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the file is shorter than when it was split",
        ));
    }
    Ok(())
}

fn source<'a>(data: &'a Bound<'_, PyAny>) -> PyResult<Source<'a>> {
    if let Ok(b) = data.cast::<PyBytes>() {
        // `bytes` is immutable: read without the GIL while `data` is held.
        return Ok(Source::Bytes(b.as_bytes()));
    }
    Ok(Source::Path(data.extract::<PathBuf>()?))
}

/// What `_uke_recalc` computes without the GIL: the report, the block's facts, and the
/// receipts per 診療年月 that no loaded masters cover.
type Done = (Report, BlockFacts, BTreeMap<String, u64>);

#[allow(clippy::too_many_arguments)]
fn recalc_source(
    engine: &santei_engine::Engine,
    src: &Source<'_>,
    header: &[u8],
    file: &str,
    offset: u64,
    first_line: u64,
    encoding: Option<Encoding>,
    rules: bool,
    facts: FacilityFacts,
) -> std::io::Result<Done> {
    let cannot = |p: &std::path::Path, e: std::io::Error| {
        std::io::Error::new(e.kind(), format!("cannot read `{}`: {e}", p.display()))
    };
    match src {
        Source::Bytes(b) => Ok(recalc_bytes(
            engine, header, b, file, offset, first_line, encoding, rules, facts,
        )),
        Source::Path(p) => {
            let body = std::fs::read(p).map_err(|e| cannot(p, e))?;
            Ok(recalc_bytes(
                engine, header, &body, file, offset, first_line, encoding, rules, facts,
            ))
        }
        Source::Ranges(p, h, b) => BUFFERS.with(|bufs| {
            let (hbuf, bbuf) = &mut *bufs.borrow_mut();
            let mut f = std::fs::File::open(p).map_err(|e| cannot(p, e))?;
            read_range(&mut f, *h, hbuf).map_err(|e| cannot(p, e))?;
            read_range(&mut f, *b, bbuf).map_err(|e| cannot(p, e))?;
            Ok(recalc_bytes(
                engine, hbuf, bbuf, file, b.0, first_line, encoding, rules, facts,
            ))
        }),
    }
}

#[allow(clippy::too_many_arguments)]
fn recalc_bytes(
    engine: &santei_engine::Engine,
    header: &[u8],
    body: &[u8],
    file: &str,
    offset: u64,
    first_line: u64,
    encoding: Option<Encoding>,
    rules: bool,
    facts: FacilityFacts,
) -> Done {
    let calc = if rules {
        Recalculator::with_engine(engine)
    } else {
        Recalculator::with_engine_masters(engine)
    }
    .facility(facts);
    let mut report = Report::new();
    // Receipts of a 診療年月 no loaded masters cover were checked against nothing: `santei
    // recalc` makes that an error, here the caller is told.
    let mut uncovered: BTreeMap<String, u64> = BTreeMap::new();
    let facts = blocks::recalc_block(
        &calc,
        BlockInput {
            header,
            body,
            offset,
            first_line,
            file,
            encoding,
        },
        |item| {
            if let BlockItem::Receipt { report: r, .. } = &item {
                if engine.masters_for(r.month.first_day()).is_none() {
                    *uncovered.entry(r.month.to_string()).or_default() += 1;
                }
            }
            report.add(file, item)
        },
    );
    (report, facts, uncovered)
}

/// Recalculates a UKE block or file: `(receipt columns, unit columns, facts)`. `data` is bytes
/// (a block, or a whole file) or a path (read whole, or the byte ranges `header_range` and
/// `body_range` of a block: then `offset` is the body's start). See `santei.uke.recalc`.
#[pyfunction]
#[pyo3(signature = (engine, data, *, header = None, file = "", offset = 0, first_line = 1,
                    encoding = "auto", rules = true, hospital = false, beds = 0,
                    standards = Vec::new(), header_range = None, body_range = None))]
#[allow(clippy::too_many_arguments)]
pub fn _uke_recalc<'py>(
    py: Python<'py>,
    engine: PyRef<'py, PyEngine>,
    data: &Bound<'py, PyAny>,
    header: Option<&[u8]>,
    file: &str,
    offset: u64,
    first_line: u64,
    encoding: &str,
    rules: bool,
    hospital: bool,
    beds: u32,
    standards: Vec<u16>,
    header_range: Option<(u64, u64)>,
    body_range: Option<(u64, u64)>,
) -> PyResult<Bound<'py, PyAny>> {
    let encoding = parse_uke_encoding(encoding)?;
    let src = match (source(data)?, header_range, body_range) {
        (Source::Path(p), h, Some(b)) => Source::Ranges(p, h.unwrap_or((0, 0)), b),
        (src, None, None) => src,
        _ => {
            return Err(PyValueError::new_err(
                "header_range and body_range read a block from a file: give its path, and body_range",
            ));
        }
    };
    let engine = &engine.engine;
    let facts = FacilityFacts {
        kind: if hospital {
            FacilityKind::Hospital
        } else {
            FacilityKind::Clinic
        },
        beds,
        standards,
    };
    let header = header.unwrap_or(b"");
    let out = py.detach(|| {
        guarded(|| {
            Ok(recalc_source(
                engine, &src, header, file, offset, first_line, encoding, rules, facts,
            ))
        })
    });
    let (report, facts, uncovered) = out
        .map_err(|f| f.into_exception(py, None))?
        .map_err(|e| PyOSError::new_err(e.to_string()))?;
    let d = PyDict::new(py);
    d.set_item("receipts", facts.receipts)?;
    for (k, name) in ["match", "differs", "cannot_check", "malformed", "refused"]
        .iter()
        .enumerate()
    {
        d.set_item(*name, report.statuses[k])?;
    }
    d.set_item("claimed_points", report.claimed)?;
    d.set_item("computed_points", report.computed)?;
    d.set_item("table", facts.table)?;
    d.set_item(
        "go",
        facts.go.map(|g| (g.line, g.total_cases, g.total_points)),
    )?;
    d.set_item("uncovered_months", uncovered)?;
    d.set_item("other_records", facts.other_records)?;
    d.set_item(
        "other_errors",
        facts
            .other_errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>(),
    )?;
    let cols = |cols: Vec<Column>| -> PyResult<Bound<'py, PyList>> {
        let items = cols
            .into_iter()
            .map(|c| c.into_python(py))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    };
    (cols(report.receipts)?, cols(report.units)?, d)
        .into_pyobject(py)
        .map(Bound::into_any)
}

fn split_to_python<'py>(py: Python<'py>, s: Split) -> PyResult<Bound<'py, PyAny>> {
    let blocks: Vec<(u64, u64, u64, u64)> = s
        .blocks
        .iter()
        .map(|b| (b.start, b.end, b.first_line, b.receipts))
        .collect();
    (
        (s.header.start, s.header.end),
        blocks,
        s.receipts,
        s.lines,
        s.bytes,
    )
        .into_pyobject(py)
        .map(Bound::into_any)
}

/// Cuts bytes or a file (read in 1 MiB chunks, without the GIL) into receipt-aligned blocks:
/// `((header_start, header_end), [(start, end, first_line, receipts)], receipts, lines, bytes)`.
#[pyfunction]
#[pyo3(signature = (data, block_bytes))]
pub fn _uke_split<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    block_bytes: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let src = source(data)?;
    let s = py.detach(|| match &src {
        Source::Bytes(b) => Ok(blocks::split_bytes(b, block_bytes)),
        Source::Path(p) | Source::Ranges(p, ..) => std::fs::File::open(p)
            .and_then(|f| blocks::split(f, block_bytes))
            .map_err(|e| format!("cannot read `{}`: {e}", p.display())),
    });
    split_to_python(py, s.map_err(PyOSError::new_err)?)
}

/// `"utf8"` or `"cp932"` for the start of a file, as `santei recalc` guesses.
#[pyfunction]
pub fn _uke_sniff(head: &[u8]) -> &'static str {
    match santei_engine::uke::reader::sniff_encoding(head) {
        Encoding::Utf8 => "utf8",
        _ => "cp932",
    }
}

/// The columns of an empty report (for the schemas).
#[pyfunction]
pub fn _uke_recalc_empty(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let r = Report::new();
    let cols = |cols: Vec<Column>| -> PyResult<Bound<'_, PyList>> {
        let items = cols
            .into_iter()
            .map(|c| c.into_python(py))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    };
    (cols(r.receipts)?, cols(r.units)?)
        .into_pyobject(py)
        .map(Bound::into_any)
}
