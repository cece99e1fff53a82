//! Receipt-aligned blocks of a UKE file, for spreading one file over workers (processes or
//! machines) that each recalculate their blocks on their own.
//!
//! [`split`] cuts a file into byte ranges that start on an RE record (a line beginning `RE,`)
//! and end just before the RE record that opens the next block (the last block runs to the end of
//! the file, GO included), and gives the header: the bytes before the first RE (the IR
//! 医療機関情報). [`recalc_block`] recalculates one block with that header: one [`BlockItem`] per
//! RE record of the block, whatever the record holds (a malformed receipt is an item too), so a
//! run over every block of a split reports every receipt of the file exactly once.
//!
//! Only bytes are looked at: `\n`, `R`, `E` and `,` are single bytes in CP932 (Shift_JIS trail
//! bytes are 0x40–0xFC, never 0x0A) and in UTF-8, and a CRLF line ends in `\n` like an LF one.

use std::io::{self, Read};
use std::ops::Range;

use memchr::memmem;

use super::reader::{Go, Item, UkeError, UkeReader, sniff_encoding};
use super::recalc::{Recalculator, ReceiptReport};
use crate::masters::Encoding;

/// A receipt-aligned byte range of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// Offset of the block's first RE record.
    pub start: u64,
    /// Offset just past the block: the next block's first RE, or the end of the file.
    pub end: u64,
    /// 1-based line number of `start`.
    pub first_line: u64,
    /// RE records in the block.
    pub receipts: u64,
}

/// A file cut into blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    /// The bytes before the first RE record (the IR), the whole file when it has no RE.
    pub header: Range<u64>,
    pub blocks: Vec<Block>,
    /// RE records in the file (Σ of the blocks').
    pub receipts: u64,
    /// Lines in the file (a last line without a line end counts).
    pub lines: u64,
    pub bytes: u64,
}

/// Smallest block target: a block smaller than this only adds per-block overhead.
const MIN_BLOCK_BYTES: usize = 8 << 10;
const CHUNK: usize = 1 << 20;

/// Cuts `input` into blocks of at least `block_bytes` (at least 8 KiB), each made of whole
/// receipts: a block ends at the first RE record at or after `start + block_bytes`. Reads the
/// input once, in 1 MiB chunks (memory flat in file size); decodes nothing.
pub fn split<R: Read>(input: R, block_bytes: usize) -> io::Result<Split> {
    cut(input, block_bytes.max(MIN_BLOCK_BYTES) as u64)
}

fn cut<R: Read>(mut input: R, target: u64) -> io::Result<Split> {
    let finder = memmem::Finder::new(b"\nRE,");
    let mut out = Split::default();
    let cur: std::cell::Cell<Option<Block>> = std::cell::Cell::new(None);
    // Whether an RE at `pos` opens a new block (the first, or `target` past the current one).
    let opens_block = |pos: u64| cur.get().is_none_or(|b| pos - b.start >= target);
    let on_re = |pos: u64, line: u64, out: &mut Split| {
        out.receipts += 1;
        if out.receipts == 1 {
            out.header = 0..pos;
        }
        match cur.get() {
            Some(mut b) if pos - b.start < target => {
                b.receipts += 1;
                cur.set(Some(b));
            }
            prev => {
                if let Some(mut b) = prev {
                    b.end = pos;
                    out.blocks.push(b);
                }
                cur.set(Some(Block {
                    start: pos,
                    end: pos,
                    first_line: line,
                    receipts: 1,
                }));
            }
        }
    };
    // `buf` holds the input from offset `base`; `newlines` counts the `\n` before it.
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4);
    let mut base = 0u64;
    let mut newlines = 0u64;
    let mut first = true;
    let mut last_byte = None;
    loop {
        let old = buf.len();
        buf.resize(old + CHUNK, 0);
        let n = loop {
            match input.read(&mut buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        buf.truncate(old + n);
        let eof = n == 0;
        if first && buf.len() >= 3 {
            first = false;
            if buf.starts_with(b"RE,") {
                on_re(0, 1, &mut out);
            }
        }
        if let Some(&b) = buf.last() {
            last_byte = Some(b);
        }
        // Every whole `\nRE,` in `buf` starts before `upto`; the last 3 bytes are kept for the
        // next read (a `\nRE,` may straddle it).
        let upto = if eof {
            buf.len()
        } else {
            buf.len().saturating_sub(3)
        };
        // Newlines are counted in long runs (a vectorised count), up to the RE records that
        // open a block (whose line number is needed) and to the end of what was read.
        let mut done = 0usize;
        for i in finder.find_iter(&buf) {
            let pos = base + i as u64 + 1;
            if opens_block(pos) {
                newlines += count_newlines(&buf[done..=i]);
                done = i + 1;
            }
            on_re(pos, newlines + 1, &mut out);
        }
        newlines += count_newlines(&buf[done.min(upto)..upto]);
        if eof {
            out.bytes = base + buf.len() as u64;
            break;
        }
        buf.drain(..upto);
        base += upto as u64;
    }
    if let Some(mut b) = cur.take() {
        b.end = out.bytes;
        out.blocks.push(b);
    }
    if out.receipts == 0 {
        out.header = 0..out.bytes;
    }
    out.lines = newlines + u64::from(last_byte.is_some_and(|b| b != b'\n'));
    Ok(out)
}

/// [`split`] over bytes in memory.
pub fn split_bytes(data: &[u8], block_bytes: usize) -> Split {
    split(data, block_bytes).expect("reading from memory does not fail")
}

/// `\n` bytes in `bytes`. Counted 64 bytes at a time into a byte-wide sum, a loop the compiler
/// turns into vector compares (`filter().count()` stayed a byte loop: 28% of a split's time).
fn count_newlines(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(64);
    let mut n = 0u64;
    for c in &mut chunks {
        let mut k = 0u8;
        for &b in c {
            k += u8::from(b == b'\n');
        }
        n += u64::from(k);
    }
    n + chunks.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

/// One RE record of a block, recalculated.
#[derive(Debug)]
pub enum BlockItem {
    Receipt {
        /// File offset of the RE record.
        offset: u64,
        report: ReceiptReport,
    },
    /// An RE record that does not make a receipt santei can read (the reader's error, with the
    /// line and field), or a receipt of a file santei does not recalculate (a 歯科 IR).
    Malformed {
        offset: u64,
        /// Line of the RE record.
        line: usize,
        /// レセプト番号, when it could be read.
        number: Option<u32>,
        error: UkeError,
        /// A receipt of a file santei refuses as a whole (not a 医科 IR), not a malformed one.
        refused: bool,
    },
}

/// A block to recalculate: the file's header (IR) and the block's bytes.
#[derive(Debug, Clone, Copy)]
pub struct BlockInput<'a> {
    /// The bytes before the file's first RE (may be empty). Lines of `body` before its first RE
    /// are header too (a whole file can be given as `body`).
    pub header: &'a [u8],
    pub body: &'a [u8],
    /// File offset and 1-based line number of `body[0]`.
    pub offset: u64,
    pub first_line: u64,
    /// The file's name, for messages.
    pub file: &'a str,
    /// None: guessed from the start of the header (else of the body), as `santei recalc` does.
    pub encoding: Option<Encoding>,
}

/// What a block says besides its receipts.
#[derive(Debug, Clone, Default)]
pub struct BlockFacts {
    /// RE records in the block (= the items handed out).
    pub receipts: u64,
    /// IR 点数表 (別表3) of the header, when it has an IR.
    pub table: Option<String>,
    /// The GO record, when the block holds it (the last block of a file).
    pub go: Option<Go>,
    /// Records outside any receipt (other than IR and GO), and errors there.
    pub other_records: u64,
    pub other_errors: Vec<UkeError>,
}

/// Recalculates every RE record of a block, in file order, handing one [`BlockItem`] per RE
/// record to `each`. A receipt runs from its RE to the next RE, IR or GO record, as in the
/// reader; each is read on its own, so a malformed receipt never takes a neighbour with it.
/// A header whose IR 点数表 is not 1 (医科) makes every receipt a refused item, as
/// `santei recalc` refuses such a file.
pub fn recalc_block(
    calc: &Recalculator<'_>,
    input: BlockInput<'_>,
    mut each: impl FnMut(BlockItem),
) -> BlockFacts {
    let BlockInput {
        header,
        body,
        offset,
        first_line,
        file,
        encoding,
    } = input;
    let encoding = encoding.unwrap_or_else(|| {
        let head = if header.is_empty() { body } else { header };
        sniff_encoding(&head[..head.len().min(64 << 10)])
    });
    let mut facts = BlockFacts::default();
    let re = memmem::Finder::new(b"\nRE,");
    let mut starts: Vec<usize> = Vec::new();
    if body.starts_with(b"RE,") {
        starts.push(0);
    }
    starts.extend(re.find_iter(body).map(|i| i + 1));
    // Header lines: the given header, then the body up to its first RE.
    let lead = starts.first().copied().unwrap_or(body.len());
    let outside = |bytes: &[u8], line: u64, facts: &mut BlockFacts| {
        for item in UkeReader::new(bytes, file, encoding)
            .keep_records(false)
            .starting_at_line(line as usize)
        {
            match item {
                Ok(Item::Facility(ir)) => {
                    facts
                        .table
                        .get_or_insert_with(|| ir.get(3).trim().to_owned());
                }
                Ok(Item::Totals(go)) => facts.go = Some(go),
                Ok(_) => facts.other_records += 1,
                Err(e) => facts.other_errors.push(e),
            }
        }
    };
    outside(header, 1, &mut facts);
    outside(&body[..lead], first_line, &mut facts);
    let refusal = facts.table.as_deref().filter(|t| *t != "1").map(|t| {
        format!(
            "IR 点数表 is `{t}`{}: santei recalculates 医科 files (点数表 1) only",
            if t == "3" { " (歯科)" } else { "" }
        )
    });
    let ends = memmem::Finder::new(b"\nGO,");
    let ir = memmem::Finder::new(b"\nIR,");
    let mut line = first_line + count_newlines(&body[..lead]);
    for (k, &s) in starts.iter().enumerate() {
        let next = starts.get(k + 1).copied().unwrap_or(body.len());
        let seg = &body[s..next];
        // The receipt ends at a GO or IR record inside the segment (then the rest is outside).
        let cut = [ends.find(seg), ir.find(seg)]
            .into_iter()
            .flatten()
            .min()
            .map_or(seg.len(), |i| i + 1);
        let (receipt, rest) = seg.split_at(cut);
        let at = offset + s as u64;
        facts.receipts += 1;
        let item = match &refusal {
            Some(msg) => BlockItem::Malformed {
                offset: at,
                line: line as usize,
                number: receipt_number(receipt),
                error: UkeError {
                    file: file.to_owned(),
                    line: line as usize,
                    field: None,
                    receipt: receipt_number(receipt),
                    message: msg.clone(),
                    fatal: false,
                },
                refused: true,
            },
            None => one_receipt(calc, receipt, at, line, file, encoding),
        };
        each(item);
        let rest_line = line + count_newlines(receipt);
        if !rest.is_empty() {
            outside(rest, rest_line, &mut facts);
        }
        line = rest_line + count_newlines(rest);
    }
    facts
}

fn one_receipt(
    calc: &Recalculator<'_>,
    bytes: &[u8],
    offset: u64,
    line: u64,
    file: &str,
    encoding: Encoding,
) -> BlockItem {
    let mut reader = UkeReader::new(bytes, file, encoding)
        .keep_records(false)
        .starting_at_line(line as usize);
    let malformed = |error: UkeError| BlockItem::Malformed {
        offset,
        line: line as usize,
        number: error.receipt.or_else(|| receipt_number(bytes)),
        error,
        refused: false,
    };
    match reader.next() {
        Some(Ok(Item::Receipt(r))) => BlockItem::Receipt {
            offset,
            report: calc.receipt(&r),
        },
        Some(Err(e)) => malformed(e),
        // An RE record always opens a receipt: nothing else can come first.
        _ => malformed(UkeError {
            file: file.to_owned(),
            line: line as usize,
            field: None,
            receipt: None,
            message: "RE record not read as a receipt".into(),
            fatal: false,
        }),
    }
}

/// The レセプト番号 (RE field 2) straight from the bytes, for a receipt that could not be read.
fn receipt_number(bytes: &[u8]) -> Option<u32> {
    let line = bytes.split(|&b| b == b'\n').next()?;
    let field = line.split(|&b| b == b',').nth(1)?;
    std::str::from_utf8(field).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &[u8] = b"IR,1,13,1,1234567,,CLINIC,202407,00,\r\nRE,1,1112,202406,A,1,19800101\r\nHO,x\r\nSI,1\r\nRE,2,1112,202406,B\r\nSI,2\r\nRE,3,1112,202406,C\r\nGO,3,100,99\r\n";

    #[test]
    fn blocks_cover_every_receipt_once_with_the_header() {
        for size in [1, 20, 40, 1000] {
            // Under the 8 KiB floor of `split`: blocks of one or two receipts.
            let s = cut(FILE, size).unwrap();
            assert_eq!(s.receipts, 3);
            assert_eq!(s.lines, 8);
            assert_eq!(
                &FILE[s.header.start as usize..s.header.end as usize],
                &FILE[..38]
            );
            let mut joined = Vec::new();
            let mut prev_end = s.header.end;
            for b in &s.blocks {
                assert_eq!(b.start, prev_end);
                assert!(FILE[b.start as usize..].starts_with(b"RE,"));
                let lines_before = count_newlines(&FILE[..b.start as usize]);
                assert_eq!(b.first_line, lines_before + 1);
                joined.extend_from_slice(&FILE[b.start as usize..b.end as usize]);
                prev_end = b.end;
            }
            assert_eq!(prev_end, FILE.len() as u64);
            assert_eq!(s.blocks.iter().map(|b| b.receipts).sum::<u64>(), 3);
            assert_eq!(joined, &FILE[38..]);
        }
    }

    #[test]
    fn chunk_borders_do_not_hide_an_re() {
        // A file longer than one chunk, with an RE right at the chunk border.
        let mut data = b"IR,1\n".to_vec();
        let mut expected = 0;
        while data.len() < 3 * CHUNK {
            data.extend_from_slice(b"RE,1,x\nSI,");
            data.extend(std::iter::repeat_n(b'9', 97 + expected % 5));
            data.push(b'\n');
            expected += 1;
        }
        let s = split(Chunked(&data[..], 4093), 64 << 10).unwrap();
        assert_eq!(s.receipts, expected as u64);
        assert_eq!(s.lines, 1 + 2 * expected as u64);
        assert_eq!(s.blocks.last().unwrap().end, data.len() as u64);
        for b in &s.blocks {
            assert!(data[b.start as usize..].starts_with(b"RE,"));
            assert_eq!(b.first_line, count_newlines(&data[..b.start as usize]) + 1);
        }
    }

    #[test]
    fn no_receipt_is_all_header() {
        let s = split_bytes(b"IR,1\nGO,0,0,99", 1);
        assert_eq!((s.receipts, s.blocks.len(), s.header), (0, 0, 0..14));
        assert_eq!(s.lines, 2);
        let s = split_bytes(b"RE,1\nSI,1", 1);
        assert_eq!((s.receipts, s.header.clone()), (1, 0..0));
        assert_eq!(s.blocks[0].first_line, 1);
    }

    /// A reader that hands out at most `n` bytes per read.
    struct Chunked<'a>(&'a [u8], usize);
    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
}
