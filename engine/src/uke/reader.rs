//! Streaming UKE reader. Reads one line at a time (memory flat in file size), decodes it strictly
//! with [`crate::masters::text::decode`] and splits it with [`crate::masters::csv::Rows`] (the UKE
//! dialect is the unquoted subset of the master CSV dialect). Records are grouped into receipts
//! (RE up to the next RE, IR or GO); every record of a receipt is kept, unknown ones included.
//! A malformed receipt is yielded as an `Err` naming file, line and field, and reading goes on
//! with the next RE.

mod fast;
mod model;
mod parse;
#[cfg(test)]
mod tests;

use std::io::BufRead;

use crate::masters::LoadError;
use crate::masters::csv::Rows;
use crate::masters::text::{Encoding, decode_append};

pub use model::{
    Burden, DayCounts, Go, Insurance, Item, Line, LineKind, PublicExpense, Receipt, Record,
    RecordRef, Records, Unit, YearMonth, parse_date,
};
use parse::{Builder, parse_go};
pub use parse::{DENTAL_RECORDS, DPC_RECORDS, KNOWN_RECORDS};

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

/// Eight commas, for the eight-byte comma searches ([`split_fields`], the fast path).
const COMMAS: u64 = u64::from_le_bytes([b','; 8]);
/// The low seven bits of each of eight bytes, for the comma searches' zero-byte test.
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

struct Pending {
    records: Records,
    /// Bytes of the receipt's records so far (kept or not: the cap holds either way).
    bytes: usize,
    builder: Option<Builder>,
    number: Option<u32>,
    error: Option<UkeError>,
}

impl Pending {
    /// The builder the fast path feeds (none once the receipt has an error) and the room left
    /// for a line under the caps: [`MAX_RECORD_BYTES`], and [`MAX_RECEIPT_BYTES`] less the
    /// receipt's bytes so far.
    #[inline(always)]
    fn fast(&mut self) -> Option<(&mut Builder, usize)> {
        let room = MAX_RECEIPT_BYTES
            .saturating_sub(self.bytes)
            .min(MAX_RECORD_BYTES);
        match self {
            Pending {
                builder: Some(b),
                error: None,
                ..
            } => Some((b, room)),
            _ => None,
        }
    }
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
    /// A receipt given back ([`UkeReader::recycle`]): the next one is built in it.
    spare: Option<Box<Receipt>>,
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
            spare: None,
        }
    }

    /// Gives back a receipt the caller is done with: the next receipt is built in its box and
    /// buffers (its units, its レセプト種別) instead of new ones. The batch gives back each
    /// receipt once recalculated: some 1,060 instructions less per receipt (an allocation and a
    /// free each of the box, the units and the text, and the copies of the receipt into its
    /// box; callgrind of `santei recalc` on 10,000 receipts of benches' `gen_uke`).
    pub fn recycle(&mut self, receipt: Box<Receipt>) {
        self.spare = Some(receipt);
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
    /// that is whole in the input's buffer is read where it is (no copy). When records are not
    /// kept, the SI/IY/TO lines of a receipt being built go to the fast path
    /// ([`Builder::feed_fast_buffered`] where they are in the buffer, else [`Builder::feed_fast`])
    /// and the [`passive`] records are only counted.
    fn read_record(&mut self) -> Option<Result<(), UkeError>> {
        loop {
            let avail = match self.input.fill_buf() {
                Ok(a) => a,
                Err(e) => return Some(Err(self.read_failed(e))),
            };
            if avail.is_empty() {
                return None;
            }
            // The SI/IY/TO lines whole in the buffer are read where they are, up to their end:
            // no search for the end of the line first (a `memchr` call per line, some 75
            // instructions of the 600 the line costs: callgrind of `santei recalc` on 10,000
            // receipts of benches' `gen_uke`, README "UKE recalculation"). A run of them is read
            // in one go and consumed once (a `fill_buf`/`consume` per line cost some
            // 40 instructions). Any other line, or one the fast path refuses, goes on below,
            // after the run.
            let mut used = 0;
            if let (
                false,
                Some(Pending {
                    builder: Some(b),
                    error: None,
                    bytes,
                    ..
                }),
            ) = (self.keep_records, &mut self.pending)
            {
                loop {
                    // The caps ([`Pending::fast`]).
                    let room = MAX_RECEIPT_BYTES
                        .saturating_sub(*bytes)
                        .min(MAX_RECORD_BYTES);
                    let rest = avail.get(used..).unwrap_or_default();
                    let Some((len, n)) = b.feed_fast_buffered(rest, self.line + 1, room) else {
                        break;
                    };
                    *bytes += len;
                    self.line += 1;
                    used += n;
                }
            }
            let avail = avail.get(used..).unwrap_or_default();
            if avail.is_empty() {
                // The run took the rest of the buffer.
                self.input.consume(used);
                continue;
            }
            let (raw, consumed) = if let Some(nl) = memchr::memchr(b'\n', avail) {
                (&avail[..nl], used + nl + 1)
            } else {
                // The line runs past the input's buffer, or is the last one without a newline.
                self.input.consume(used);
                self.buf.clear();
                if let Err(e) = self.input.read_until(b'\n', &mut self.buf) {
                    return Some(Err(self.read_failed(e)));
                }
                (&self.buf[..], 0)
            };
            self.line += 1;
            let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let fast = match (self.keep_records, &mut self.pending) {
                (false, Some(p)) => match p.fast() {
                    // A line whole in the buffer was offered to the fast path above: it reads
                    // the same lines there.
                    Some((b, room)) if raw.len() <= room => {
                        let fed = (consumed == 0 && b.feed_fast(raw, self.line))
                            || passive(raw)
                            || b.feed_insurance_fast(raw, self.line);
                        if fed {
                            // The receipt size counts text as the general way decodes it:
                            // without a final 0x1A (the EOF mark some writers add,
                            // ../shared/docs/UKE_LAYOUT.md).
                            p.bytes += raw.len() - usize::from(raw.last() == Some(&0x1A));
                        }
                        fed
                    }
                    _ => false,
                },
                _ => false,
            };
            let res = if fast {
                Ok(false)
            } else {
                // An RE whose records are not kept is only read by `Builder::start`: the fields
                // after the last it reads are not split (an RE of benches' `gen_uke` has 38
                // fields: `load_record` went from 920 to 579 instructions a receipt in
                // `santei recalc --jobs 1`, callgrind on 10,000 receipts).
                let fields = if !self.keep_records && raw.starts_with(b"RE,") {
                    parse::RE_FIELDS_READ
                } else {
                    usize::MAX
                };
                load_record(
                    &mut self.rec,
                    raw,
                    self.line,
                    self.encoding,
                    &self.file,
                    fields,
                )
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
            Some(b) => Ok(Item::Receipt(b.finish(p.records))),
            None => Err(self.error(0, None, "receipt without RE".into())),
        }
    }
}

/// A record of a receipt that [`Builder::feed`] reads past (a known 医科 record with nothing
/// to check, such as SY 傷病名; see [`parse::KNOWN_RECORDS`]) written in plain ASCII without
/// quotes: decoding and splitting it would give the same text and no error, so the fast path
/// only counts its bytes. Any other line goes the general way.
#[inline]
fn passive(raw: &[u8]) -> bool {
    let [a, b, b',', ..] = *raw else {
        return false;
    };
    parse::PASSIVE_RECORDS.contains(&[a, b])
        && raw.is_ascii()
        && memchr::memchr(b'"', raw).is_none()
}

/// Decodes and splits one raw line (end of line removed) into `rec`; false when it is empty.
/// Only its first `max_fields` fields are kept when it has no quote ([`split_fields`]).
fn load_record(
    rec: &mut Record,
    raw: &[u8],
    line: usize,
    encoding: Encoding,
    file: &str,
    max_fields: usize,
) -> Result<bool, String> {
    if raw.len() > MAX_RECORD_BYTES {
        return Err(format!(
            "record of {} bytes (at most {MAX_RECORD_BYTES})",
            raw.len()
        ));
    }
    rec.clear();
    rec.line = line;
    // `decode_append` drops a trailing 0x1A (the EOF mark some writers add,
    // ../shared/docs/UKE_LAYOUT.md).
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
    split_fields(&rec.text, &mut rec.spans, file, max_fields)?;
    Ok(true)
}

/// Splits a record into field byte ranges. UKE records are unquoted; a quoted field (which the
/// master CSV dialect allows) is read the same way as in the masters. An unquoted record keeps
/// only its first `max_fields` fields (at least one), each as a full split gives it; a quoted
/// one is split whole (a quote anywhere may be an error).
fn split_fields(
    text: &str,
    spans: &mut Vec<(u32, u32)>,
    file: &str,
    max_fields: usize,
) -> Result<(), String> {
    spans.clear();
    let bytes = text.as_bytes();
    if memchr::memchr(b'"', bytes).is_none() {
        // Fields are short (often empty): the commas of eight bytes are found from one load (a
        // search per field, or a test per byte, costs more); each ends a field.
        let mut start = 0u32;
        let mut end = |at: usize, spans: &mut Vec<(u32, u32)>| {
            spans.push((start, at as u32));
            start = at as u32 + 1;
        };
        let mut i = 0;
        while let Some(w) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8])) ^ COMMAS;
            // 0x80 in each byte that is a comma (zero in `x`), nothing elsewhere: no carry
            // crosses a byte, so a byte after a comma is never taken for one.
            let mut commas = !(((x & LOW7) + LOW7) | x | LOW7);
            while commas != 0 {
                end(i + (commas.trailing_zeros() / 8) as usize, spans);
                if spans.len() >= max_fields {
                    return Ok(());
                }
                commas &= commas - 1;
            }
            i += 8;
        }
        for (k, &b) in bytes.iter().enumerate().skip(i) {
            if b == b',' {
                end(k, spans);
                if spans.len() >= max_fields {
                    return Ok(());
                }
            }
        }
        spans.push((start, bytes.len() as u32));
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
                    // The builder (its receipt some 400 bytes) is moved once, into its place.
                    let p = self.pending.insert(Pending {
                        bytes: self.rec.text.len(),
                        records,
                        builder: None,
                        number: None,
                        error: None,
                    });
                    // The レセプト番号 as the builder read it (none when it is what it refused).
                    match Builder::start(&self.file, re, self.spare.take()) {
                        Ok(b) => {
                            p.number = Some(b.receipt.number);
                            p.builder = Some(b);
                        }
                        Err(e) => {
                            p.number = e.receipt;
                            p.error = Some(e);
                        }
                    }
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
