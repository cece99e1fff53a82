//! The batch: one UKE input recalculated on several threads, reported in file order.
//!
//! One thread cuts the input into blocks of whole receipts (it only looks for the last `\nRE,`
//! of each chunk read, so it does no decoding and no per-line work); worker threads read and recalculate the blocks; the
//! calling thread puts the reports back in file order, keeps the [`Tally`] (summary, GO totals)
//! and hands every event to the caller. At most `4 × jobs` blocks are in flight, so memory stays
//! flat however large the input is.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use super::reader::{Go, Item, Record, UkeError, UkeReader};
use super::recalc::{Check, Recalculator, ReceiptReport, Tally};
use crate::masters::Encoding;

/// What the batch hands to its caller, in file order.
#[derive(Debug)]
pub enum Event {
    /// IR 医療機関情報.
    Facility(Record),
    /// A receipt, recalculated (already counted in the tally).
    Receipt(ReceiptReport),
    /// The GO checks (already counted in the tally).
    Totals(Vec<Check>),
    /// A record outside any receipt.
    Other(Record),
    /// A malformed receipt (counted), or a fatal read error (the rest of the input is lost).
    Error(UkeError),
}

/// How the batch runs.
#[derive(Debug, Clone, Copy)]
pub struct BatchOptions {
    /// Worker threads; 1 reads and recalculates on the calling thread.
    pub jobs: usize,
    /// Bytes per block handed to a worker (at least 8 KiB; up to 64 KiB more, the cutter's last
    /// read; a block always holds whole receipts, so one longer than this makes its block
    /// longer).
    pub block_bytes: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            block_bytes: 256 << 10,
        }
    }
}

/// Smallest block (and the progress step of a one-thread run, in receipts).
const MIN_BLOCK_BYTES: usize = 8 << 10;
const PROGRESS_EVERY: usize = 256;

/// Progress after each block: bytes of the input consumed, receipts reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub bytes: u64,
    pub receipts: u64,
}

/// One input: its bytes, its name (for messages) and its text encoding.
pub struct Input<'a, R> {
    pub read: R,
    pub file: &'a str,
    pub encoding: Encoding,
}

/// An error of the caller's sink ends the batch and is returned.
pub type SinkResult = std::io::Result<()>;

struct Block {
    seq: u64,
    /// The block is `bytes[..len]`: the buffer keeps its length (zeroed once) so that it can be
    /// read into again without being cleared or zeroed.
    bytes: Vec<u8>,
    len: usize,
    first_line: usize,
    /// Input bytes consumed up to the end of this block.
    end: u64,
    /// A read error after the block's bytes: the input ends here.
    error: Option<UkeError>,
}

enum Raw {
    Facility(Record),
    Receipt(ReceiptReport),
    Go(Go),
    Other(Record),
    Error(UkeError),
}

/// Recalculates one input (one file) and hands each event, in file order, to `sink`.
/// `tally` takes every receipt and GO record (call [`Tally::start_file`] before each file, as
/// [`run`] does). `progress` is called after each block.
pub fn run<R: BufRead + Send>(
    input: Input<'_, R>,
    calc: &Recalculator<'_>,
    tally: &mut Tally,
    options: BatchOptions,
    mut progress: impl FnMut(Progress),
    mut sink: impl FnMut(Event) -> SinkResult,
) -> SinkResult {
    let Input {
        read: input,
        file,
        encoding,
    } = input;
    tally.start_file();
    let mut deliver = |raw: Raw, tally: &mut Tally| -> SinkResult {
        let event = match raw {
            Raw::Facility(r) => Event::Facility(r),
            Raw::Other(r) => Event::Other(r),
            Raw::Receipt(rep) => {
                tally.add(&rep);
                Event::Receipt(rep)
            }
            Raw::Go(go) => Event::Totals(tally.totals(&go)),
            Raw::Error(e) => {
                if !e.fatal {
                    tally.malformed(&e);
                }
                Event::Error(e)
            }
        };
        sink(event)
    };
    if options.jobs <= 1 {
        let count = Cell::new(0u64);
        let counted = CountingRead {
            inner: input,
            bytes: &count,
        };
        let mut since = 0usize;
        let mut reader = UkeReader::new(counted, file, encoding).keep_records(false);
        while let Some(item) = reader.next() {
            let raw = to_raw(calc, item, &mut reader);
            let is_receipt = matches!(raw, Raw::Receipt(_) | Raw::Error(_));
            deliver(raw, tally)?;
            if is_receipt {
                since += 1;
                if since == PROGRESS_EVERY {
                    since = 0;
                    progress(Progress {
                        bytes: count.get(),
                        receipts: done_receipts(tally),
                    });
                }
            }
        }
        progress(Progress {
            bytes: count.get(),
            receipts: done_receipts(tally),
        });
        return Ok(());
    }

    let jobs = options.jobs;
    let in_flight = 4 * jobs;
    let (block_tx, block_rx) = sync_channel::<Block>(jobs);
    let block_rx = Arc::new(Mutex::new(block_rx));
    let (result_tx, result_rx) = sync_channel::<(u64, u64, Vec<Raw>)>(in_flight);
    // Permits: the cutter takes one per block, the merger gives it back when the block is out.
    let (permit_tx, permit_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        permit_tx.send(()).ok();
    }
    std::thread::scope(|scope| {
        let block_bytes = options.block_bytes;
        // Block buffers go back to the cutter once read: fresh 512 KiB buffers cost page
        // faults and cross-thread frees.
        let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(in_flight + jobs);
        scope.spawn(move || cut(input, file, block_bytes, &block_tx, &permit_rx, &spare_rx));
        for _ in 0..jobs {
            let rx = Arc::clone(&block_rx);
            let tx = result_tx.clone();
            let spare = spare_tx.clone();
            scope.spawn(move || work(&rx, &tx, &spare, file, encoding, calc));
        }
        drop(spare_tx);
        // Only the workers hold the block receiver and the result sender: when the workers are
        // gone the cutter's sends fail, and when the merge is gone the workers' sends fail.
        drop(block_rx);
        drop(result_tx);
        // The channels are moved in: when the merge ends (also on a sink error) they close,
        // and the cutter and the workers stop instead of waiting on them.
        merge(result_rx, permit_tx, |raw, end| match raw {
            Some(raw) => deliver(raw, tally),
            None => {
                progress(Progress {
                    bytes: end,
                    receipts: done_receipts(tally),
                });
                Ok(())
            }
        })
    })
}

/// Puts the workers' blocks back in order; `f(Some(raw), _)` per event, `f(None, end)` after
/// each block.
fn merge(
    results: Receiver<(u64, u64, Vec<Raw>)>,
    permits: SyncSender<()>,
    mut f: impl FnMut(Option<Raw>, u64) -> SinkResult,
) -> SinkResult {
    let mut next = 0u64;
    let mut waiting: BTreeMap<u64, (u64, Vec<Raw>)> = BTreeMap::new();
    for (seq, end, raws) in results.iter() {
        waiting.insert(seq, (end, raws));
        while let Some((end, raws)) = waiting.remove(&next) {
            next += 1;
            for raw in raws {
                f(Some(raw), end)?;
            }
            f(None, end)?;
            // The cutter may have stopped (end of input): a lost permit is fine then.
            permits.send(()).ok();
        }
    }
    Ok(())
}

fn done_receipts(tally: &Tally) -> u64 {
    tally.summary.receipts + tally.summary.malformed
}

/// The event of one item; a receipt, once recalculated, goes back to the reader (which builds the
/// next one in it, [`UkeReader::recycle`]).
fn to_raw<R: BufRead>(
    calc: &Recalculator<'_>,
    item: Result<Item, UkeError>,
    reader: &mut UkeReader<R>,
) -> Raw {
    match item {
        Ok(Item::Receipt(r)) => {
            let report = calc.receipt(&r);
            reader.recycle(r);
            Raw::Receipt(report)
        }
        Ok(Item::Totals(go)) => Raw::Go(go),
        Ok(Item::Facility(r)) => Raw::Facility(r),
        Ok(Item::Other(r)) => Raw::Other(r),
        Err(e) => Raw::Error(e),
    }
}

fn work(
    rx: &Mutex<Receiver<Block>>,
    tx: &SyncSender<(u64, u64, Vec<Raw>)>,
    spare: &SyncSender<Vec<u8>>,
    file: &str,
    encoding: Encoding,
    calc: &Recalculator<'_>,
) {
    loop {
        let block = {
            let Ok(rx) = rx.lock() else { return };
            match rx.recv() {
                Ok(b) => b,
                Err(_) => return,
            }
        };
        let mut reader = UkeReader::new(&block.bytes[..block.len], file, encoding)
            .keep_records(false)
            .starting_at_line(block.first_line);
        let mut raws: Vec<Raw> = Vec::new();
        while let Some(item) = reader.next() {
            raws.push(to_raw(calc, item, &mut reader));
        }
        if let Some(e) = block.error {
            raws.push(Raw::Error(e));
        }
        // Full (the cutter has enough) or gone (end of input): the buffer is just dropped.
        spare.try_send(block.bytes).ok();
        if tx.send((block.seq, block.end, raws)).is_err() {
            return;
        }
    }
}

/// Cuts the input into blocks of about `block_bytes`, each ending just before a line that
/// starts with `RE,` (or at the end of the input). A receipt longer than a block makes the block
/// grow until the next RE. The input is read straight into the block's buffer: a read of at
/// least [`READ_BYTES`] bypasses the `BufReader` of a file (one copy less per byte).
fn cut<R: BufRead>(
    mut input: R,
    file: &str,
    block_bytes: usize,
    tx: &SyncSender<Block>,
    permits: &Receiver<()>,
    spare: &Receiver<Vec<u8>>,
) {
    let finder = memchr::memmem::FinderRev::new(b"\nRE,");
    let target = block_bytes.max(MIN_BLOCK_BYTES);
    // A fresh buffer holds a block and one read past it.
    let fresh = 2 * target + READ_BYTES;
    let mut seq = 0u64;
    // First line and byte offset of `block` in the input.
    let mut line = 1usize;
    let mut consumed = 0u64;
    // The block is `block[..len]`; the rest of the buffer is room to read into.
    let mut block: Vec<u8> = vec![0; fresh];
    let mut len = 0usize;
    let mut want = target;
    let send =
        |seq: &mut u64, bytes: Vec<u8>, len: usize, first_line: usize, end: u64, error| -> bool {
            if permits.recv().is_err() {
                return false;
            }
            let ok = tx
                .send(Block {
                    seq: *seq,
                    bytes,
                    len,
                    first_line,
                    end,
                    error,
                })
                .is_ok();
            *seq += 1;
            ok
        };
    loop {
        let mut eof = false;
        while len < want {
            // Room for a read that bypasses the input's buffer, up to what the block needs.
            let upto = want.max(len + READ_BYTES);
            if block.len() < upto {
                block.resize(upto, 0);
            }
            let n = match input.read(&mut block[len..upto]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let lines = memchr::memchr_iter(b'\n', &block[..len]).count();
                    let error = UkeError {
                        file: file.to_owned(),
                        line: line + lines,
                        field: None,
                        receipt: None,
                        message: format!("cannot read: {e}"),
                        fatal: true,
                    };
                    let end = consumed + len as u64;
                    send(&mut seq, block, len, line, end, Some(error));
                    return;
                }
            };
            if n == 0 {
                eof = true;
                break;
            }
            len += n;
        }
        if eof {
            if len > 0 {
                let end = consumed + len as u64;
                send(&mut seq, block, len, line, end, None);
            }
            return;
        }
        match finder.rfind(&block[..len]) {
            Some(p) => {
                let at = p + 1;
                let tail = len - at;
                // A buffer a worker gave back, unless a long receipt made it grow.
                let mut rest = spare
                    .try_recv()
                    .ok()
                    .filter(|b| b.len() <= 2 * fresh)
                    .unwrap_or_else(|| vec![0; fresh]);
                if rest.len() < tail + READ_BYTES {
                    rest.resize(tail + READ_BYTES, 0);
                }
                rest[..tail].copy_from_slice(&block[at..len]);
                let lines = memchr::memchr_iter(b'\n', &block[..at]).count();
                if !send(&mut seq, block, at, line, consumed + at as u64, None) {
                    return;
                }
                line += lines;
                consumed += at as u64;
                block = rest;
                len = tail;
                want = target;
            }
            // No receipt starts in the block after its first: read on.
            None => want = len + target,
        }
    }
}

/// The smallest read the cutter asks for: at least the capacity of the `BufReader` the CLI
/// reads a file through (64 KiB), so that `BufReader::read` hands the read to the file.
const READ_BYTES: usize = 64 << 10;

/// Counts the bytes consumed through `BufRead` (all `UkeReader` uses).
struct CountingRead<'c, R> {
    inner: R,
    bytes: &'c Cell<u64>,
}

impl<R: BufRead> std::io::Read for CountingRead<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingRead<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.bytes.set(self.bytes.get() + amt as u64);
        self.inner.consume(amt);
    }
}
