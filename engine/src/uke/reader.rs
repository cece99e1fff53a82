//! Streaming UKE reader. Reads one line at a time (memory flat in file size), decodes it strictly
//! with [`crate::masters::text::decode`] and splits it with [`crate::masters::csv::Rows`] (the UKE
//! dialect is the unquoted subset of the master CSV dialect). Records are grouped into receipts
//! (RE up to the next RE, IR or GO); every record of a receipt is kept, unknown ones included.
//! A malformed receipt is yielded as an `Err` naming file, line and field, and reading goes on
//! with the next RE.

use std::io::BufRead;

use rust_decimal::Decimal;

use crate::masters::csv::Rows;
use crate::masters::text::{Encoding, decode_append};
use crate::masters::{Date, LoadError};

/// An error in a UKE file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UkeError {
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// The field, e.g. `SI field 5 (点数)`.
    pub field: Option<String>,
    /// The レセプト番号 of the receipt the error is in, when known.
    pub receipt: Option<u32>,
    pub message: String,
    /// An I/O error: the rest of the file cannot be read.
    pub fatal: bool,
}

impl std::fmt::Display for UkeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(r) = self.receipt {
            write!(f, " (receipt {r})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for UkeError {}

/// One record outside a receipt (IR, or a record before the first RE), owned. Records inside a
/// receipt live in the receipt's [`Records`] and are read through [`RecordRef`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    text: String,
    /// Byte ranges of the fields in `text` (index 0 = the ID).
    spans: Vec<(u32, u32)>,
}

impl Record {
    pub fn as_ref(&self) -> RecordRef<'_> {
        RecordRef {
            line: self.line,
            text: &self.text,
            spans: &self.spans,
        }
    }
    pub fn id(&self) -> &str {
        self.as_ref().id()
    }
    /// Field `i` (index 0 = the ID); `""` when the record is shorter.
    pub fn get(&self, i: usize) -> &str {
        self.as_ref().get(i)
    }
    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
    }
}

/// A record as read: its ID (`SI`, `RE` …), 1-based line and its fields (index 0 = the ID).
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    pub line: usize,
    text: &'a str,
    spans: &'a [(u32, u32)],
}

impl<'a> RecordRef<'a> {
    pub fn id(&self) -> &'a str {
        self.get(0)
    }
    /// Field `i` (index 0 = the ID); `""` when the record is shorter.
    pub fn get(&self, i: usize) -> &'a str {
        self.spans
            .get(i)
            .map_or("", |&(a, b)| &self.text[a as usize..b as usize])
    }
    /// Number of fields, the ID included.
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    /// True when field `i` is empty or missing (no text is touched).
    pub fn is_blank(&self, i: usize) -> bool {
        self.spans.get(i).is_none_or(|&(a, b)| a == b)
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    pub fn fields(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let text = self.text;
        self.spans
            .iter()
            .map(move |&(a, b)| &text[a as usize..b as usize])
    }
}

impl serde::Serialize for RecordRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Record", 2)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("fields", &self.fields().collect::<Vec<_>>())?;
        st.end()
    }
}

impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_ref().serialize(s)
    }
}

/// The records of one receipt in file order, stored in one text buffer (three allocations per
/// receipt however many records and fields it has).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    text: String,
    spans: Vec<(u32, u32)>,
    /// Per record: line, text start, first span, end span (spans are relative to the record's
    /// text, so a record is copied in as it is).
    recs: Vec<(usize, u32, u32, u32)>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.recs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }
    pub fn get(&self, i: usize) -> Option<RecordRef<'_>> {
        let &(line, t, a, b) = self.recs.get(i)?;
        let end = match self.recs.get(i + 1) {
            Some(next) => next.1 as usize,
            None => self.text.len(),
        };
        Some(RecordRef {
            line,
            text: &self.text[t as usize..end],
            spans: &self.spans[a as usize..b as usize],
        })
    }
    pub fn iter(&self) -> impl Iterator<Item = RecordRef<'_>> {
        (0..self.recs.len()).filter_map(|i| self.get(i))
    }
    fn push(&mut self, r: &Record) {
        let start = self.text.len() as u32;
        self.text.push_str(&r.text);
        let first = self.spans.len() as u32;
        self.spans.extend_from_slice(&r.spans);
        self.recs
            .push((r.line, start, first, self.spans.len() as u32));
    }
}

impl serde::Serialize for Records {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// 診療年月 / 請求年月.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct YearMonth {
    pub year: u32,
    pub month: u32,
}

impl YearMonth {
    /// `YYYYMM` (西暦, R02 on) or `GYYMM` (和暦, G 1 明治 … 5 令和).
    pub fn parse(s: &str) -> Option<YearMonth> {
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (year, month) = match s.len() {
            6 => (s[..4].parse().ok()?, s[4..].parse().ok()?),
            5 => (
                era_year(s.as_bytes()[0] - b'0', s[1..3].parse().ok()?)?,
                s[3..].parse().ok()?,
            ),
            _ => return None,
        };
        // The year must make a calendar date (so `first_day` cannot fail): `000001` is not a month.
        ((1..=12).contains(&month) && Date::from_ymd(year, month, 1).is_some())
            .then_some(YearMonth { year, month })
    }
    pub fn first_day(self) -> Date {
        Date::from_ymd(self.year, self.month, 1).unwrap_or(Date::MIN)
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

fn era_year(era: u8, yy: u32) -> Option<u32> {
    let base = match era {
        1 => 1867,
        2 => 1911,
        3 => 1925,
        4 => 1988,
        5 => 2018,
        _ => return None,
    };
    (yy >= 1).then_some(base + yy)
}

/// A date, `YYYYMMDD` or 和暦 `GYYMMDD`.
pub fn parse_date(s: &str) -> Option<Date> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match s.len() {
        8 => Date::parse_yyyymmdd(s),
        7 => Date::from_ymd(
            era_year(s.as_bytes()[0] - b'0', s[1..3].parse().ok()?)?,
            s[3..5].parse().ok()?,
            s[5..].parse().ok()?,
        ),
        _ => None,
    }
}

/// HO 保険者レコード.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Insurance {
    pub line: usize,
    /// 保険者番号, leading/trailing spaces removed (6-digit 国保 numbers are space-padded).
    pub insurer: String,
    pub days: Option<u32>,
    pub points: Option<i64>,
    pub meal_count: Option<u32>,
    pub meal_yen: Option<i64>,
    pub burden_yen: Option<i64>,
}

/// KO 公費レコード.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublicExpense {
    pub line: usize,
    pub payer: String,
    pub recipient: String,
    pub days: Option<u32>,
    pub points: Option<i64>,
    pub burden_yen: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum LineKind {
    /// SI 診療行為
    Procedure,
    /// IY 医薬品
    Drug,
    /// TO 特定器材
    Material,
}

/// One SI, IY or TO record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    pub kind: LineKind,
    pub line: usize,
    /// 診療識別 (inherited when blank).
    pub section: u8,
    /// 負担区分.
    pub burden: Burden,
    pub code: u32,
    /// 数量データ (SI) / 使用量 (IY, TO).
    pub quantity: Option<Decimal>,
    /// 点数: only on the last record of an 算定単位.
    pub points: Option<i64>,
    pub count: u32,
    /// TO 単価 (円).
    pub unit_price: Option<Decimal>,
    /// 算定日: the count on each day of the month.
    pub days: DayCounts,
}

/// 負担区分 (one character: `1` 医保単独, `2` 医保+第1公費 … `9`, `E`, `G` …; see
/// [`crate::uke::recalc::burden_payers`]). `' '` when the field is blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Burden(pub char);

impl Burden {
    pub fn is_blank(self) -> bool {
        self.0 == ' '
    }
}

/// The 算定日 fields of a line: how many times it was done on each day of the month.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct DayCounts {
    counts: [u16; 31],
    /// Bit d−1 set when day d has a count.
    mask: u32,
    total: u32,
}

impl DayCounts {
    /// Sets the count of `day` (1–31).
    pub fn set(&mut self, day: u8, count: u16) {
        let Some(i) = usize::from(day).checked_sub(1).filter(|&i| i < 31) else {
            return;
        };
        self.total = self.total - u32::from(self.counts[i]) + u32::from(count);
        self.counts[i] = count;
        if count > 0 {
            self.mask |= 1 << i;
        } else {
            self.mask &= !(1 << i);
        }
    }
    /// The count on `day` (1–31).
    pub fn get(&self, day: u8) -> u16 {
        self.counts
            .get(usize::from(day).wrapping_sub(1))
            .copied()
            .unwrap_or(0)
    }
    /// (day, count) for the days with a count, in day order.
    pub fn iter(&self) -> impl Iterator<Item = (u8, u16)> + '_ {
        let mut mask = self.mask;
        std::iter::from_fn(move || {
            if mask == 0 {
                return None;
            }
            let i = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            Some((i as u8 + 1, self.counts[i]))
        })
    }
    /// Σ counts.
    pub fn total(&self) -> u32 {
        self.total
    }
    pub fn is_empty(&self) -> bool {
        self.mask == 0
    }
}

impl std::fmt::Debug for DayCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl serde::Serialize for DayCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// An 算定単位: the records up to and including the one carrying the 点数.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unit {
    pub section: u8,
    /// The records of the unit (most units are one record: kept inline, no allocation).
    pub lines: smallvec::SmallVec<[Line; 1]>,
    /// The claimed points of the unit; `None` when no record carried them (an incomplete unit).
    pub points: Option<i64>,
    /// 回数 of the unit (of its last record).
    pub count: u32,
}

impl Unit {
    pub fn line(&self) -> usize {
        self.lines.first().map(|l| l.line).unwrap_or(0)
    }
}

/// One receipt: RE and everything up to the next RE, IR or GO.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    pub line: usize,
    /// レセプト番号.
    pub number: u32,
    /// レセプト種別 (4 digits).
    pub kind: String,
    /// 診療年月.
    pub month: YearMonth,
    /// RE 男女区分 (1 男, 2 女; 0 when blank or not a number).
    pub sex: u8,
    /// RE 生年月日, when it is a date.
    pub birth: Option<Date>,
    /// RE 入院年月日 (入院 receipts), when it is a date.
    pub admission: Option<Date>,
    pub insurance: Option<Insurance>,
    /// Further HO records (the payer-side variant repeats HO at the end of some receipts).
    pub later_insurance: Vec<Insurance>,
    pub publics: Vec<PublicExpense>,
    pub units: Vec<Unit>,
    /// Every record of the receipt (RE, HO, KO, SI … and unknown ones), in file order; empty
    /// when the reader was told not to keep them ([`UkeReader::keep_records`]).
    pub records: Records,
    /// Records of a type the 医科 layout does not have (../shared/docs/UKE_LAYOUT.md): how many,
    /// and the line and ID of the first. They are not read; the caller reports them.
    pub unknown_records: u32,
    pub first_unknown: Option<(usize, String)>,
}

impl Receipt {
    /// 入院 (レセプト種別 4th digit odd).
    pub fn is_inpatient(&self) -> bool {
        self.kind
            .as_bytes()
            .get(3)
            .is_some_and(|d| d.is_ascii_digit() && (d - b'0') % 2 == 1)
    }
    /// The 合計点数 of the main payer: HO, else the first KO.
    pub fn claimed_total(&self) -> Option<i64> {
        match &self.insurance {
            Some(h) => h.points,
            None => self.publics.first().and_then(|k| k.points),
        }
    }
    /// Number of HO plus KO records (the GO 総件数 contribution).
    pub fn cases(&self) -> u64 {
        self.insurance.is_some() as u64 + self.publics.len() as u64
    }
}

/// GO 診療報酬請求書レコード.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Go {
    pub line: usize,
    pub total_cases: Option<u64>,
    pub total_points: Option<i64>,
    pub volume: String,
}

/// What the reader yields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Item {
    /// IR 医療機関情報.
    Facility(Record),
    Receipt(Box<Receipt>),
    Totals(Go),
    /// A record outside any receipt (kept, never dropped).
    Other(Record),
}

/// Guesses the encoding from the start of a file: UTF-8 when it is valid UTF-8 with some
/// non-ASCII text (or a BOM), CP932 otherwise.
pub fn sniff_encoding(head: &[u8]) -> Encoding {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Encoding::Utf8;
    }
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut at the end of the sample.
        Err(e) => e.error_len().is_none(),
    };
    if valid && head.iter().any(|b| *b >= 0x80) {
        Encoding::Utf8
    } else {
        Encoding::Cp932
    }
}

/// A record line longer than this is an error (no real record comes near it; it also keeps
/// byte offsets in 32 bits).
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// A receipt whose records add up to more than this is an error.
pub const MAX_RECEIPT_BYTES: usize = 256 << 20;

struct Pending {
    records: Records,
    /// Bytes of the receipt's records so far (kept or not: the cap holds either way).
    bytes: usize,
    builder: Option<Builder>,
    number: Option<u32>,
    error: Option<UkeError>,
}

/// Reads a UKE file one receipt at a time. Buffers are reused: reading a record allocates
/// nothing once the first receipts are read.
pub struct UkeReader<R> {
    input: R,
    file: String,
    encoding: Encoding,
    line: usize,
    buf: Vec<u8>,
    /// The record just read.
    rec: Record,
    /// `rec` holds a record read but not yet handled (an RE/IR/GO that ended a receipt).
    lookahead: bool,
    pending: Option<Pending>,
    /// Sizes of the last receipt's buffers: the next one starts with that capacity.
    sizes: (usize, usize, usize),
    /// Keep every record of each receipt in [`Receipt::records`] (default).
    keep_records: bool,
    done: bool,
}

impl<R: BufRead> UkeReader<R> {
    pub fn new(input: R, file: impl Into<String>, encoding: Encoding) -> Self {
        UkeReader {
            input,
            file: file.into(),
            encoding,
            line: 0,
            buf: Vec::new(),
            rec: Record::default(),
            lookahead: false,
            pending: None,
            sizes: (0, 0, 0),
            keep_records: true,
            done: false,
        }
    }

    /// Whether to keep every record of each receipt in [`Receipt::records`] (the default). The
    /// recalculation needs only the parsed receipt, so the batch turns it off.
    pub fn keep_records(mut self, keep: bool) -> Self {
        self.keep_records = keep;
        self
    }

    /// Numbers lines from `first_line` (1-based) instead of 1: for a part of a file read on its
    /// own (the parallel batch splits files into blocks of receipts).
    pub fn starting_at_line(mut self, first_line: usize) -> Self {
        self.line = first_line.saturating_sub(1);
        self
    }

    fn error(&self, line: usize, field: Option<String>, message: String) -> UkeError {
        UkeError {
            file: self.file.clone(),
            line,
            field,
            receipt: None,
            message,
            fatal: false,
        }
    }

    /// Reads the next non-empty record into `self.rec`; `None` at the end of the input. A line
    /// that is whole in the input's buffer is read where it is (no copy); SI/IY/TO lines of a
    /// receipt being built go straight to [`Builder::feed_fast`] when records are not kept.
    fn read_record(&mut self) -> Option<Result<(), UkeError>> {
        loop {
            let avail = match self.input.fill_buf() {
                Ok(a) => a,
                Err(e) => return Some(Err(self.read_failed(e))),
            };
            if avail.is_empty() {
                return None;
            }
            let (raw, consumed) = if let Some(nl) = memchr::memchr(b'\n', avail) {
                (&avail[..nl], nl + 1)
            } else {
                // The line runs past the input's buffer, or is the last one without a newline.
                self.buf.clear();
                if let Err(e) = self.input.read_until(b'\n', &mut self.buf) {
                    return Some(Err(self.read_failed(e)));
                }
                (&self.buf[..], 0)
            };
            self.line += 1;
            let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            // The receipt size counts text as the general way decodes it: without a final 0x1A.
            let text_len = raw.len() - usize::from(raw.last() == Some(&0x1A));
            let fast = !self.keep_records
                && raw.len() <= MAX_RECORD_BYTES
                && match &mut self.pending {
                    Some(Pending {
                        builder: Some(b),
                        error: None,
                        bytes,
                        ..
                    }) if *bytes + text_len <= MAX_RECEIPT_BYTES => {
                        let fed = b.feed_fast(raw, self.line);
                        if fed {
                            *bytes += text_len;
                        }
                        fed
                    }
                    _ => false,
                };
            let res = if fast {
                Ok(false)
            } else {
                load_record(&mut self.rec, raw, self.line, self.encoding, &self.file)
            };
            self.input.consume(consumed);
            match res {
                Ok(true) => return Some(Ok(())),
                Ok(false) => continue,
                Err(msg) => return Some(Err(self.error(self.line, None, msg))),
            }
        }
    }

    fn read_failed(&self, e: std::io::Error) -> UkeError {
        let mut err = self.error(self.line + 1, None, format!("cannot read: {e}"));
        err.fatal = true;
        err
    }

    fn finish(&mut self, p: Pending) -> Result<Item, UkeError> {
        if let Some(mut e) = p.error {
            e.receipt = p.number;
            return Err(e);
        }
        match p.builder {
            Some(b) => Ok(Item::Receipt(Box::new(b.finish(p.records)))),
            None => Err(self.error(0, None, "receipt without RE".into())),
        }
    }
}

/// Decodes and splits one raw line (end of line removed) into `rec`; false when it is empty.
fn load_record(
    rec: &mut Record,
    raw: &[u8],
    line: usize,
    encoding: Encoding,
    file: &str,
) -> Result<bool, String> {
    if raw.len() > MAX_RECORD_BYTES {
        return Err(format!(
            "record of {} bytes (at most {MAX_RECORD_BYTES})",
            raw.len()
        ));
    }
    rec.clear();
    rec.line = line;
    // `decode_append` drops a trailing 0x1A (the EOF mark some writers add).
    if let Err(e) = decode_append(raw, encoding, file, &mut rec.text) {
        return Err(match e {
            LoadError::Data { pos, error } => match pos.byte {
                Some(b) => format!("{error} (byte {b} of the line)"),
                None => error.to_string(),
            },
            other => other.to_string(),
        });
    }
    if rec.text.is_empty() {
        return Ok(false);
    }
    split_fields(&rec.text, &mut rec.spans, file)?;
    Ok(true)
}

/// Splits a record into field byte ranges. UKE records are unquoted; a quoted field (which the
/// master CSV dialect allows) is read the same way as in the masters.
fn split_fields(text: &str, spans: &mut Vec<(u32, u32)>, file: &str) -> Result<(), String> {
    spans.clear();
    let bytes = text.as_bytes();
    if memchr::memchr(b'"', bytes).is_none() {
        // Fields are short (often empty): count the commas (a vectorised pass), then fill the
        // spans in place; a search per field or a push per field costs more.
        let n = bytes.iter().filter(|&&b| b == b',').count();
        spans.resize(n + 1, (0, 0));
        let mut start = 0u32;
        let mut k = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b',' {
                spans[k] = (start, i as u32);
                k += 1;
                start = i as u32 + 1;
            }
        }
        spans[n] = (start, bytes.len() as u32);
        return Ok(());
    }
    let mut fields: Vec<&str> = Vec::new();
    let mut rows = Rows::new(text, file);
    if let Err(e) = rows.next_into(&mut fields) {
        return Err(match e {
            LoadError::Data { error, .. } => error.to_string(),
            other => other.to_string(),
        });
    }
    let base = text.as_ptr() as usize;
    spans.extend(fields.iter().map(|f| {
        let a = f.as_ptr() as usize - base;
        (a as u32, (a + f.len()) as u32)
    }));
    Ok(())
}

impl<R: BufRead> Iterator for UkeReader<R> {
    type Item = Result<Item, UkeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            if !self.lookahead {
                match self.read_record() {
                    None => {
                        self.done = true;
                        return self.pending.take().map(|p| self.finish(p));
                    }
                    Some(Ok(())) => {}
                    Some(Err(e)) if e.fatal => {
                        self.done = true;
                        return Some(Err(e));
                    }
                    Some(Err(e)) => match &mut self.pending {
                        Some(p) => {
                            p.error.get_or_insert(e);
                            continue;
                        }
                        None => return Some(Err(e)),
                    },
                }
            }
            self.lookahead = false;
            match self.rec.id() {
                "RE" | "IR" | "GO" if self.pending.is_some() => {
                    let p = self.pending.take().expect("pending");
                    let r = &p.records;
                    self.sizes = (r.text.len(), r.spans.len(), r.recs.len());
                    self.lookahead = true;
                    return Some(self.finish(p));
                }
                "RE" => {
                    let mut records = Records::default();
                    if self.keep_records {
                        let (t, f, n) = self.sizes;
                        records = Records {
                            text: String::with_capacity(t + t / 2),
                            spans: Vec::with_capacity(f + f / 2),
                            recs: Vec::with_capacity(n + n / 2),
                        };
                        records.push(&self.rec);
                    }
                    let re = self.rec.as_ref();
                    let (builder, error) = match Builder::start(&self.file, re) {
                        Ok(b) => (Some(b), None),
                        Err(e) => (None, Some(e)),
                    };
                    self.pending = Some(Pending {
                        bytes: self.rec.text.len(),
                        records,
                        builder,
                        number: re.get(1).trim().parse().ok(),
                        error,
                    });
                }
                "IR" => return Some(Ok(Item::Facility(self.rec.clone()))),
                "GO" => return Some(parse_go(&self.file, self.rec.as_ref()).map(Item::Totals)),
                _ => match &mut self.pending {
                    Some(p) if p.bytes + self.rec.text.len() > MAX_RECEIPT_BYTES => {
                        let msg = format!("receipt longer than {MAX_RECEIPT_BYTES} bytes");
                        let e = UkeError {
                            file: self.file.clone(),
                            line: self.rec.line,
                            field: None,
                            receipt: None,
                            message: msg,
                            fatal: false,
                        };
                        p.error.get_or_insert(e);
                    }
                    Some(p) => {
                        p.bytes += self.rec.text.len();
                        if p.error.is_none() {
                            if let Some(b) = &mut p.builder {
                                if let Err(e) = b.feed(&self.file, self.rec.as_ref()) {
                                    p.error = Some(e);
                                }
                            }
                        }
                        if self.keep_records {
                            p.records.push(&self.rec);
                        }
                    }
                    None => return Some(Ok(Item::Other(self.rec.clone()))),
                },
            }
        }
    }
}

const FIELD_NAMES_SI: [&str; 7] = ["", "診療識別", "負担区分", "コード", "数量", "点数", "回数"];

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn err(&self, rec: RecordRef<'_>, i: usize, name: &str, message: String) -> UkeError {
        UkeError {
            file: self.file.to_owned(),
            line: rec.line,
            field: Some(format!("{} field {i} ({name})", rec.id())),
            receipt: None,
            message,
            fatal: false,
        }
    }

    fn opt_int<T: std::str::FromStr + TryFrom<u64>>(
        &self,
        rec: RecordRef<'_>,
        i: usize,
        name: &str,
    ) -> Result<Option<T>, UkeError> {
        let raw = rec.get(i);
        // Fast path: plain digits (nearly every field); anything else goes through `FromStr`,
        // which also gives the error.
        if !raw.is_empty() && raw.len() <= 18 && raw.bytes().all(|b| b.is_ascii_digit()) {
            let v = raw.bytes().fold(0u64, |v, b| v * 10 + u64::from(b - b'0'));
            if let Ok(v) = T::try_from(v) {
                return Ok(Some(v));
            }
        }
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|_| self.err(rec, i, name, format!("`{s}` is not a number")))
    }

    fn opt_dec(
        &self,
        rec: RecordRef<'_>,
        i: usize,
        name: &str,
    ) -> Result<Option<Decimal>, UkeError> {
        let s = rec.get(i).trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<Decimal>()
            .map(Some)
            .map_err(|_| self.err(rec, i, name, format!("`{s}` is not a number")))
    }

    fn req_int<T: std::str::FromStr + TryFrom<u64>>(
        &self,
        rec: RecordRef<'_>,
        i: usize,
        name: &str,
    ) -> Result<T, UkeError> {
        self.opt_int(rec, i, name)?
            .ok_or_else(|| self.err(rec, i, name, "is empty".into()))
    }
}

/// Walks the comma-separated fields of a raw line for [`Builder::feed_fast`]. Every method
/// returns `None` when the field is not of the plain shape the fast path reads; a field past the
/// end of the line is empty (as [`RecordRef::get`]).
struct FastFields<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> FastFields<'a> {
    /// A field that is only read past: any ASCII but a quote.
    #[inline(always)]
    fn field(&mut self) -> Option<&'a [u8]> {
        let start = self.pos.min(self.b.len());
        let mut i = start;
        while let Some(&c) = self.b.get(i) {
            if c == b',' {
                break;
            }
            if c >= 0x80 || c == b'"' {
                return None;
            }
            i += 1;
        }
        self.pos = i + 1;
        Some(&self.b[start..i])
    }

    /// Digits only, at most `max_digits` of them (so the value fits the target type);
    /// `Some(None)` when empty.
    #[inline(always)]
    fn int(&mut self, max_digits: usize) -> Option<Option<u64>> {
        let start = self.pos.min(self.b.len());
        let mut i = start;
        let mut v = 0u64;
        while let Some(&c) = self.b.get(i) {
            if c == b',' {
                break;
            }
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            v = v * 10 + u64::from(d);
            i += 1;
            if i - start > max_digits {
                return None;
            }
        }
        self.pos = i + 1;
        Some((i > start).then_some(v))
    }

    /// Digits with at most one inner `.` (at most 18 digits); `Some(None)` when empty.
    #[inline(always)]
    fn dec(&mut self) -> Option<Option<Decimal>> {
        let start = self.pos.min(self.b.len());
        let mut i = start;
        let mut v = 0i64;
        let mut digits = 0;
        let mut dot = None;
        while let Some(&c) = self.b.get(i) {
            if c == b',' {
                break;
            }
            if c == b'.' && dot.is_none() && digits > 0 {
                dot = Some(digits);
            } else {
                let d = c.wrapping_sub(b'0');
                if d > 9 || digits == 18 {
                    return None;
                }
                v = v * 10 + i64::from(d);
                digits += 1;
            }
            i += 1;
        }
        self.pos = i + 1;
        match dot {
            None if digits == 0 => Some(None),
            None => Some(Some(Decimal::from(v))),
            Some(at) if at == digits => None,
            Some(at) => Some(Some(Decimal::new(v, (digits - at) as u32))),
        }
    }

    /// Eight empty fields follow (the next eight bytes are commas): skips them.
    #[inline(always)]
    fn commas8(&mut self) -> bool {
        let all = self.b.get(self.pos..self.pos + 8).is_some_and(|w| {
            u64::from_ne_bytes(w.try_into().unwrap_or([0; 8])) == u64::from_ne_bytes([b','; 8])
        });
        if all {
            self.pos += 8;
        }
        all
    }
}

/// Record IDs of a 医科 file (../shared/docs/UKE_LAYOUT.md, 記録条件仕様 医科; DPC and 臓器提供
/// records included): read, or knowingly passed over. Any other ID is reported as unknown.
pub const KNOWN_RECORDS: &[&str] = &[
    "IR", "RE", "HO", "KO", "SN", "JD", "MF", "GR", "SY", "SI", "IY", "TO", "CO", "SJ", "KH", "GO",
    "RC", "EX", "JY", "MN", "NI", "TR", "TS", "BU", "SB", "KK", "GA", "HH", "GT", "CD", "SK", "RO",
];

/// Record IDs only 歯科 files have (記録条件仕様（歯科用）: SS 歯科診療行為レコード, HS 傷病名部位レコード;
/// UK 受付情報 in the R08 歯科 schema, ../shared/docs/UKE_LAYOUT.md): a 歯科 file is refused, not
/// read as 医科.
pub const DENTAL_RECORDS: &[&str] = &["HS", "SS", "UK"];

/// Too few fields (a field the reader needs is missing) or more than the layout has: the record
/// is malformed (its receipt is reported with the line, and reading goes on). Trailing empty
/// fields may be left out, as some writers do.
fn check_field_count(c: &Ctx<'_>, rec: RecordRef<'_>) -> Result<(), UkeError> {
    let (min, max, needed) = match rec.id() {
        // 7 = up to 回数; 44 / 48 = up to 算定日 31 (SI/IY 13–43, TO 17–47).
        "SI" | "IY" => (7, 44, "回数"),
        "TO" => (7, 48, "回数"),
        "HO" | "KO" => (6, usize::MAX, "合計点数"),
        "GO" => (3, 4, "総合計点数"),
        _ => return Ok(()),
    };
    let n = rec.len();
    if n < min {
        return Err(c.err(
            rec,
            n,
            "missing",
            format!(
                "{} has {n} field(s); at least {min} are needed (up to field {} {needed})",
                rec.id(),
                min - 1
            ),
        ));
    }
    if n > max {
        return Err(c.err(
            rec,
            max,
            "beyond the layout",
            format!(
                "{} has {n} fields; the 記録条件仕様（医科用） defines {max}",
                rec.id()
            ),
        ));
    }
    Ok(())
}

fn parse_go(file: &str, rec: RecordRef<'_>) -> Result<Go, UkeError> {
    let c = Ctx { file };
    check_field_count(&c, rec)?;
    Ok(Go {
        line: rec.line,
        total_cases: c.opt_int(rec, 1, "総件数")?,
        total_points: c.opt_int(rec, 2, "総合計点数")?,
        volume: rec.get(3).to_owned(),
        // keep the record itself out: GO has no other content
    })
}

/// A receipt being read: each record is parsed as it arrives (while it is still in the cache),
/// the first error wins.
struct Builder {
    receipt: Receipt,
    /// Index in `receipt.units` of the unit still open (no record with 点数 yet).
    current: Option<usize>,
    section: Option<u8>,
}

impl Builder {
    /// From the RE record.
    fn start(file: &str, re: RecordRef<'_>) -> Result<Builder, UkeError> {
        let c = Ctx { file };
        let number = c.req_int(re, 1, "レセプト番号")?;
        let kind = re.get(2).trim().to_owned();
        if kind.len() != 4 || !kind.bytes().all(|b| b.is_ascii_digit()) {
            return Err(c.err(re, 2, "レセプト種別", format!("`{kind}` is not 4 digits")));
        }
        let month = YearMonth::parse(re.get(3).trim()).ok_or_else(|| {
            c.err(
                re,
                3,
                "診療年月",
                format!("`{}` is neither YYYYMM nor GYYMM", re.get(3)),
            )
        })?;
        Ok(Builder {
            receipt: Receipt {
                line: re.line,
                number,
                kind,
                month,
                sex: re.get(5).trim().parse().unwrap_or(0),
                birth: parse_date(re.get(6).trim()),
                admission: parse_date(re.get(8).trim()),
                insurance: None,
                later_insurance: Vec::new(),
                publics: Vec::new(),
                // A typical 外来 receipt has 10–20 units: start there instead of growing 4 times.
                units: Vec::with_capacity(16),
                records: Records::default(),
                unknown_records: 0,
                first_unknown: None,
            },
            current: None,
            section: None,
        })
    }

    fn feed(&mut self, file: &str, rec: RecordRef<'_>) -> Result<(), UkeError> {
        let c = Ctx { file };
        check_field_count(&c, rec)?;
        let r = &mut self.receipt;
        match rec.id() {
            "HO" => {
                let ho = Insurance {
                    line: rec.line,
                    insurer: rec.get(1).trim().to_owned(),
                    days: c.opt_int(rec, 4, "診療実日数")?,
                    points: c.opt_int(rec, 5, "合計点数")?,
                    meal_count: c.opt_int(rec, 7, "食事療養回数")?,
                    meal_yen: c.opt_int(rec, 8, "食事療養合計金額")?,
                    burden_yen: c.opt_int(rec, 11, "負担金額")?,
                };
                // The payer-side variant repeats HO at the end of some receipts; the first is
                // the claim, later ones are kept in `later_insurance`.
                if r.insurance.is_none() {
                    r.insurance = Some(ho);
                } else {
                    r.later_insurance.push(ho);
                }
            }
            "KO" => r.publics.push(PublicExpense {
                line: rec.line,
                payer: rec.get(1).trim().to_owned(),
                recipient: rec.get(2).trim().to_owned(),
                days: c.opt_int(rec, 4, "診療実日数")?,
                points: c.opt_int(rec, 5, "合計点数")?,
                burden_yen: c.opt_int(rec, 6, "負担金額")?,
            }),
            "CO" => {
                if let Some(s) = c.opt_int::<u8>(rec, 1, "診療識別")? {
                    self.section = Some(s);
                }
            }
            id @ ("SI" | "IY" | "TO") => {
                let (kind, day0) = match id {
                    "SI" => (LineKind::Procedure, 13),
                    "IY" => (LineKind::Drug, 13),
                    _ => (LineKind::Material, 17),
                };
                if let Some(s) = c.opt_int::<u8>(rec, 1, FIELD_NAMES_SI[1])? {
                    self.section = Some(s);
                }
                let Some(sec) = self.section else {
                    return Err(c.err(
                        rec,
                        1,
                        FIELD_NAMES_SI[1],
                        "blank on the first line of the receipt".into(),
                    ));
                };
                let mut days = DayCounts::default();
                for d in 0..31u8 {
                    let i = day0 + d as usize;
                    if rec.is_blank(i) {
                        continue;
                    }
                    if let Some(n) = c.opt_int::<u16>(rec, i, "算定日")? {
                        days.set(d + 1, n);
                    }
                }
                let burden = {
                    let b = rec.get(2).trim();
                    let mut chars = b.chars();
                    match (chars.next(), chars.next()) {
                        (None, _) => Burden(' '),
                        (Some(ch), None) => Burden(ch),
                        _ => {
                            return Err(c.err(
                                rec,
                                2,
                                FIELD_NAMES_SI[2],
                                format!("`{b}` is not one character"),
                            ));
                        }
                    }
                };
                let l = Line {
                    kind,
                    line: rec.line,
                    section: sec,
                    burden,
                    code: c.req_int(rec, 3, FIELD_NAMES_SI[3])?,
                    quantity: c.opt_dec(rec, 4, FIELD_NAMES_SI[4])?,
                    points: c.opt_int(rec, 5, FIELD_NAMES_SI[5])?,
                    count: c.req_int(rec, 6, FIELD_NAMES_SI[6])?,
                    unit_price: if kind == LineKind::Material {
                        c.opt_dec(rec, 8, "単価")?
                    } else {
                        None
                    },
                    days,
                };
                self.push_line(l);
            }
            id if DENTAL_RECORDS.contains(&id) => {
                return Err(c.err(
                    rec,
                    0,
                    "レコード識別情報",
                    format!(
                        "`{id}` is a 歯科 record: santei recalculates 医科 files (IR 点数表 1) only"
                    ),
                ));
            }
            id if KNOWN_RECORDS.contains(&id) => {}
            id => {
                r.unknown_records += 1;
                if r.first_unknown.is_none() {
                    r.first_unknown = Some((rec.line, id.to_owned()));
                }
            }
        }
        Ok(())
    }

    /// Adds a parsed SI/IY/TO line to the current 算定単位; the line carrying the 点数 closes it.
    /// A unit is placed in the receipt when it opens and its lines are added where it is (a line
    /// is copied once).
    #[inline]
    fn push_line(&mut self, l: Line) {
        let r = &mut self.receipt;
        let sec = l.section;
        self.section = Some(sec);
        // A change of 診療識別 closes an incomplete unit.
        if self.current.is_some_and(|i| r.units[i].section != sec) {
            self.current = None;
        }
        let i = *self.current.get_or_insert_with(|| {
            r.units.push(Unit {
                section: sec,
                lines: smallvec::SmallVec::new(),
                points: None,
                count: l.count,
            });
            r.units.len() - 1
        });
        let u = &mut r.units[i];
        let done = l.points.is_some();
        u.points = l.points;
        u.count = l.count;
        u.lines.push(l);
        if done {
            self.current = None;
        }
    }

    /// The fast path for the SI/IY/TO records that make up most of a file: parses the raw line
    /// in one pass, straight from the bytes (no decoding, no field table), when every field it
    /// reads is plain ASCII digits and nothing in the line needs the general reader (non-ASCII
    /// text, quotes, signs, spaces, a blank 診療識別 at the start of a receipt …). Returns false,
    /// having changed nothing, when the line must go the general way; that way gives the same
    /// result or the error (a test compares the two on every record shape).
    fn feed_fast(&mut self, raw: &[u8], line: usize) -> bool {
        let (kind, day0) = match raw.get(..3) {
            Some(b"SI,") => (LineKind::Procedure, 13),
            Some(b"IY,") => (LineKind::Drug, 13),
            Some(b"TO,") => (LineKind::Material, 17),
            _ => return false,
        };
        let mut f = FastFields { b: raw, pos: 3 };
        let section = match f.int(3) {
            Some(None) => None,
            Some(Some(v)) if v <= u64::from(u8::MAX) => Some(v as u8),
            _ => return false,
        };
        let Some(sec) = section.or(self.section) else {
            return false;
        };
        let burden = match f.field() {
            Some([]) => Burden(' '),
            Some([c]) if c.is_ascii_graphic() && *c != b'"' => Burden(char::from(*c)),
            _ => return false,
        };
        let (Some(Some(code)), Some(quantity), Some(points), Some(Some(count))) =
            (f.int(9), f.dec(), f.int(18), f.int(9))
        else {
            return false;
        };
        let mut unit_price = None;
        let mut days = DayCounts::default();
        let end = day0 + 31;
        let mut i = 7;
        while i < end {
            // Most 算定日 (and the fields before them) are empty: eight commas are eight empty
            // fields, skipped at once.
            if i > 8 && i + 8 <= end && f.commas8() {
                i += 8;
                continue;
            }
            if i == 8 && kind == LineKind::Material {
                match f.dec() {
                    Some(p) => unit_price = p,
                    None => return false,
                }
            } else if i >= day0 {
                match f.int(4) {
                    Some(Some(n)) if n <= u64::from(u16::MAX) => {
                        days.set((i - day0 + 1) as u8, n as u16)
                    }
                    Some(Some(_)) | None => return false,
                    Some(None) => {}
                }
            } else if f.field().is_none() {
                return false;
            }
            i += 1;
        }
        // A field after the last 算定日: more fields than the layout has (`feed` reports it).
        if f.pos <= raw.len() {
            return false;
        }
        self.push_line(Line {
            kind,
            line,
            section: sec,
            burden,
            code: code as u32,
            quantity,
            points: points.map(|p| p as i64),
            count: count as u32,
            unit_price,
            days,
        });
        true
    }

    fn finish(mut self, records: Records) -> Receipt {
        self.receipt.records = records;
        self.receipt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Vec<Result<Item, UkeError>> {
        UkeReader::new(bytes, "t.UKE", Encoding::Utf8).collect()
    }

    fn receipts(items: &[Result<Item, UkeError>]) -> Vec<&Receipt> {
        items
            .iter()
            .filter_map(|i| match i {
                Ok(Item::Receipt(r)) => Some(&**r),
                _ => None,
            })
            .collect()
    }

    const BODY: &str = "IR,1,13,1,1234567,,医院,202111,00,\n\
        RE,1,1112,202110,氏名,1,19800101,,,,,,,,\n\
        HO,  138057,記号,番号,1,161,,,,,,,,,\n\
        SI,60,1,160068410,,,1,,,,,,,1\n\
        SI,,1,160093810,,88,1,,,,,,,1\n\
        SI,12,1,112007410,,73,2,,,,,,,1,,1\n\
        GO,1,161,99\n";

    #[test]
    fn wareki_dates() {
        assert_eq!(
            YearMonth::parse("42805"),
            Some(YearMonth {
                year: 2016,
                month: 5
            })
        );
        assert_eq!(
            YearMonth::parse("50310"),
            Some(YearMonth {
                year: 2021,
                month: 10
            })
        );
        assert_eq!(
            YearMonth::parse("202110"),
            Some(YearMonth {
                year: 2021,
                month: 10
            })
        );
        assert_eq!(YearMonth::parse("62805"), None);
        assert_eq!(YearMonth::parse("42813"), None);
        assert_eq!(parse_date("3170801"), Date::from_ymd(1942, 8, 1));
        assert_eq!(parse_date("4010108"), Date::from_ymd(1989, 1, 8));
        assert_eq!(parse_date("19911121"), Date::from_ymd(1991, 11, 21));
        assert_eq!(parse_date("4280231"), None);
    }

    #[test]
    fn lf_crlf_and_eof_mark_read_the_same() {
        let lf = read(BODY.as_bytes());
        let crlf = read(BODY.replace('\n', "\r\n").as_bytes());
        let mut eof = BODY.replace('\n', "\r\n").into_bytes();
        eof.push(0x1A);
        let eof = read(&eof);
        assert_eq!(lf, crlf);
        assert_eq!(lf, eof);
        assert_eq!(lf.len(), 3, "{lf:?}");
        let r = receipts(&lf)[0];
        assert_eq!(
            r.month,
            YearMonth {
                year: 2021,
                month: 10
            }
        );
        // Space-padded 国保 保険者番号.
        assert_eq!(r.insurance.as_ref().unwrap().insurer, "138057");
        // Two units: a まるめ of two codes (点数 on the last), then 再診料 × 2 with per-day counts.
        assert_eq!(r.units.len(), 2);
        assert_eq!(r.units[0].lines.len(), 2);
        assert_eq!((r.units[0].section, r.units[0].points), (60, Some(88)));
        assert_eq!(r.units[1].count, 2);
        assert_eq!(
            r.units[1].lines[0].days.iter().collect::<Vec<_>>(),
            vec![(1, 1), (3, 1)]
        );
        assert!(matches!(
            &lf[2],
            Ok(Item::Totals(Go {
                total_cases: Some(1),
                total_points: Some(161),
                ..
            }))
        ));
    }

    #[test]
    fn malformed_receipt_is_reported_and_the_next_one_read() {
        let text = "RE,1,1112,202113,a,1,19800101\n\
            HO,06132013,1,1,1,73,,,,,,,,,\n\
            SI,12,1,112007410,,73,1\n\
            RE,2,1112,202110,b,1,19800101\n\
            HO,06132013,1,1,1,73,,,,,,,,,\n\
            SI,12,1,112007410,,x73,1\n\
            RE,3,1112,202110,c,1,19800101\n\
            HO,06132013,1,1,1,73,,,,,,,,,\n\
            XX,kept\n\
            SI,12,1,112007410,,73,1\n";
        let items = read(text.as_bytes());
        assert_eq!(items.len(), 3);
        let Err(e) = &items[0] else { panic!() };
        assert_eq!((e.line, e.receipt), (1, Some(1)));
        assert_eq!(e.field.as_deref(), Some("RE field 3 (診療年月)"));
        let Err(e) = &items[1] else { panic!() };
        assert_eq!((e.line, e.receipt), (6, Some(2)));
        assert_eq!(e.field.as_deref(), Some("SI field 5 (点数)"));
        assert_eq!(
            e.to_string(),
            "t.UKE:6 (receipt 2): SI field 5 (点数): `x73` is not a number"
        );
        let r = receipts(&items);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].number, 3);
        assert!(r[0].records.iter().any(|x| x.id() == "XX" && x.line == 9));
    }

    /// The fast SI/IY/TO path (records not kept) and the general one (records kept) read every
    /// record shape the same: same receipts, same errors, same line numbers.
    #[test]
    fn fast_path_reads_as_the_general_reader() {
        let sections = ["11", "", " 11", "011", "256", "99", "x"];
        let burdens = ["1", "", " ", "12", "E", "\"", "１"];
        let codes = ["112007410", "", "1234567890", "00000001", "-1", "11200741a"];
        let quantities = [
            "",
            "1",
            "1.50",
            "0.0",
            ".5",
            "5.",
            "1.2.3",
            " 2",
            "1234567890123456789",
        ];
        let points = ["", "73", "-5", "0", "999999999999999999", "1e3"];
        let counts = ["1", "", "4294967296", "2 "];
        let tails = [
            ",,,,,,,1",
            ",,,,,,,0,,2,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
            ",,,,,,,65536",
            ",,,,,,,1\x1a",
            ",820000001,コメント,,,,,1",
            ",,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,extra,\"q,\"",
            ",,\"a,b\",,,,,1",
            "",
        ];
        let mut text = String::from("RE,1,1112,202110,a,1,19800101\nHO,06132013,1,1,1,73\n");
        // A fixed mix of every variant with every other (SplitMix64-style hash of line and field).
        let pick = |k: usize, field: usize, len: usize| {
            let mut x = (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (field as u64) << 32;
            x ^= x >> 31;
            x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x ^= x >> 29;
            // The first variant (valid) most of the time, so that receipts get through.
            if x % 100 < 93 {
                0
            } else {
                (x / 100 % len as u64) as usize
            }
        };
        for k in 0..3000usize {
            if k % 4 == 0 {
                text.push_str(&format!("RE,{},1112,202110,b,1,19800101\n", k + 2));
            }
            let id = ["SI", "IY", "TO"][k % 3];
            let mut line = format!(
                "{id},{},{},{},{},{},{}",
                sections[pick(k, 0, sections.len())],
                burdens[pick(k, 1, burdens.len())],
                codes[pick(k, 2, codes.len())],
                quantities[pick(k, 3, quantities.len())],
                points[pick(k, 4, points.len())],
                counts[pick(k, 5, counts.len())],
            );
            if id == "TO" {
                line.push_str(&format!(
                    ",,{},,,,,,,,",
                    quantities[pick(k, 6, quantities.len())]
                ));
            }
            line.push_str(tails[pick(k, 7, tails.len())]);
            text.push_str(&line.replace("\\x1a", "\u{1a}"));
            text.push_str(if k % 5 == 0 { "\r\n" } else { "\n" });
        }
        text.push_str("GO,1,1,99\n");
        let general: Vec<_> = UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8)
            .map(|item| match item {
                Ok(Item::Receipt(mut r)) => {
                    r.records = Records::default();
                    Ok(Item::Receipt(r))
                }
                other => other,
            })
            .collect();
        // Small reads too, so lines cross the input's buffer.
        for cap in [usize::MAX, 64] {
            let input = std::io::BufReader::with_capacity(cap.min(1 << 16), text.as_bytes());
            let fast: Vec<_> = UkeReader::new(input, "t.UKE", Encoding::Utf8)
                .keep_records(false)
                .collect();
            assert_eq!(
                format!("{fast:#?}"),
                format!("{general:#?}"),
                "buffer {cap}"
            );
        }
        let ok = receipts(&general);
        let units: usize = ok.iter().map(|r| r.units.len()).sum();
        let errors = general.iter().filter(|i| i.is_err()).count();
        assert!(
            units > 20 && errors > 5,
            "{units} units, {errors} errors: both paths exercised"
        );
        // And the fast path does take the plain lines (the comparison above is not vacuous).
        let mut rec = Record::default();
        assert!(
            load_record(
                &mut rec,
                b"RE,1,1112,202110,a,1,19800101",
                1,
                Encoding::Utf8,
                "t"
            )
            .unwrap()
        );
        let mut b = Builder::start("t", rec.as_ref()).unwrap();
        assert!(b.feed_fast(b"SI,11,1,111000110,,288,1,,,,,,,1", 2));
        assert!(b.feed_fast(b"TO,40,1,700590000,1.5,12,1,,650,,,,,,,,,1", 3));
        assert!(!b.feed_fast(b"SI,11,1,111000110,,288,1,820100001,\xe3\x81\x82,,,,,1", 4));
        assert_eq!(b.receipt.units.len(), 2);
    }

    #[test]
    fn bad_bytes_are_an_error_with_the_line() {
        let mut bytes = b"RE,1,1112,202110,a,1,19800101\nHO,1,".to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFE]);
        bytes.extend_from_slice(b",1,1,73\nRE,2,1112,202110,b,1,19800101\n");
        let items = read(&bytes);
        assert_eq!(items.len(), 2);
        let Err(e) = &items[0] else { panic!() };
        assert_eq!((e.line, e.receipt), (2, Some(1)));
        assert!(matches!(&items[1], Ok(Item::Receipt(r)) if r.number == 2));
    }
}
