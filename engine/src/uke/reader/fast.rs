//! The fast path: SI/IY/TO lines parsed straight from their bytes ([`Builder::feed_fast`]), or
//! straight from the reader's buffer, finding their own end ([`Builder::feed_fast_buffered`]).

use rust_decimal::Decimal;
use santei_masters::field::eight_digits;

use super::model::{Burden, DayCounts, Insurance, Line, LineKind};
use super::parse::{Builder, line_layout};
use super::{COMMAS, LOW7};

/// Walks the comma-separated fields of a line for the fast path: a raw line (its end removed), or
/// the reader's buffer from the start of a line. Every method returns `None` when the field is
/// not of the plain shape the fast path reads. The line ends at the end of the bytes or at a `\n`
/// or `\r\n` (in a buffer): a field stops there without moving past it, and every field after
/// it is empty (as [`RecordRef::get`](super::RecordRef::get) reads a short record).
struct FastFields<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> FastFields<'a> {
    /// The line ends at byte `i`, before its `\n` or `\r\n` (a raw line has neither).
    #[inline(always)]
    fn ends_at(&self, i: usize) -> bool {
        matches!(self.b.get(i..), Some([b'\n', ..] | [b'\r', b'\n', ..]))
    }

    /// The field read ends at byte `i`: at its comma (the next field starts after it) or at the
    /// end of the line (it stays there, and every field after it is empty); `None` at any other
    /// byte (the field is not of the shape read).
    #[inline(always)]
    fn end_field(&mut self, i: usize) -> Option<()> {
        match self.b.get(i) {
            Some(b',') => self.pos = i + 1,
            Some(_) if !self.ends_at(i) => return None,
            _ => self.pos = i,
        }
        Some(())
    }

    /// The bytes from the current field on.
    #[inline(always)]
    fn rest(&self) -> &'a [u8] {
        self.b.get(self.pos..).unwrap_or_default()
    }

    /// A field that is only read past: any ASCII but a quote (a CR not before a LF included).
    #[inline(always)]
    fn field(&mut self) -> Option<&'a [u8]> {
        let start = self.pos;
        let mut i = start;
        loop {
            // Up to a comma, a quote, a control or non-ASCII byte (one test for the two).
            while let Some(&c) = self.b.get(i) {
                if c == b',' || c == b'"' || c.wrapping_sub(b' ') >= 0x60 {
                    break;
                }
                i += 1;
            }
            match self.b.get(i) {
                Some(&c) if c < b' ' && !self.ends_at(i) => i += 1,
                Some(&c) if c >= 0x80 || c == b'"' => return None,
                _ => break,
            }
        }
        self.end_field(i)?;
        self.b.get(start..i)
    }

    /// Digits only, at most `max_digits` of them (so the value fits the target type);
    /// `Some(None)` when empty.
    #[inline(always)]
    fn int(&mut self, max_digits: usize) -> Option<Option<u64>> {
        let start = self.pos;
        let mut i = start;
        let mut v = 0u64;
        // Eight digits in a row (the first eight of a 9-digit code) are read from one load.
        if max_digits >= 8 {
            if let Some(eight) = self
                .b
                .get(i..)
                .and_then(<[u8]>::first_chunk::<8>)
                .and_then(eight_digits)
            {
                v = u64::from(eight);
                i += 8;
            }
        }
        // Up to the first other byte ([`FastFields::end_field`]): a comma is no digit either.
        while let Some(&c) = self.b.get(i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v * 10 + u64::from(d);
            i += 1;
            if i - start > max_digits {
                return None;
            }
        }
        self.end_field(i)?;
        Some((i > start).then_some(v))
    }

    /// [`FastFields::int`] for a field of most often one or two digits (点数, 回数): those and
    /// their comma are taken as they are, without the digit loop (some 450 instructions a
    /// receipt less, callgrind of `santei recalc` on 10,000 receipts of benches' `gen_uke`); any
    /// other field as that loop reads it. `max_digits` is at least 2.
    #[inline(always)]
    fn short_int(&mut self, max_digits: usize) -> Option<Option<u64>> {
        match *self.rest() {
            [a, b',', ..] if a.is_ascii_digit() => {
                self.pos += 2;
                Some(Some(u64::from(a - b'0')))
            }
            [a, b, b',', ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.pos += 3;
                Some(Some(u64::from(a - b'0') * 10 + u64::from(b - b'0')))
            }
            _ => self.int(max_digits),
        }
    }

    /// Digits with at most one inner `.` (at most 18 digits); `Some(None)` when empty.
    #[inline(always)]
    fn dec(&mut self) -> Option<Option<Decimal>> {
        let start = self.pos;
        let mut i = start;
        let mut v = 0i64;
        let mut digits = 0;
        let mut dot = None;
        while let Some(&c) = self.b.get(i) {
            if c == b'.' && dot.is_none() && digits > 0 {
                dot = Some(digits);
            } else {
                let d = c.wrapping_sub(b'0');
                if d > 9 {
                    break;
                }
                if digits == 18 {
                    return None;
                }
                v = v * 10 + i64::from(d);
                digits += 1;
            }
            i += 1;
        }
        self.end_field(i)?;
        match dot {
            None if digits == 0 => Some(None),
            None => Some(Some(Decimal::from(v))),
            Some(at) if at == digits => None,
            Some(at) => Some(Some(Decimal::new(v, (digits - at) as u32))),
        }
    }

    /// [`FastFields::dec`] for a field most often empty or one digit (数量データ, 使用量): those
    /// and their comma are taken as they are, without the digit loop (callgrind of `santei
    /// recalc` on 10,000 receipts of benches' `gen_uke`: some 360 instructions a receipt
    /// less); any other field as that loop reads it.
    #[inline(always)]
    fn short_dec(&mut self) -> Option<Option<Decimal>> {
        match *self.rest() {
            [b',', ..] => {
                self.pos += 1;
                Some(None)
            }
            [a, b',', ..] if a.is_ascii_digit() => {
                self.pos += 2;
                Some(Some(Decimal::from(i64::from(a - b'0'))))
            }
            _ => self.dec(),
        }
    }

    /// Skips up to `max` empty fields (their commas, up to eight from one load); gives how many.
    #[inline(always)]
    fn empty_fields(&mut self, max: usize) -> usize {
        let k = leading_commas(self.rest()).min(max);
        self.pos += k;
        k
    }
}

/// The commas at the start of `b`, up to eight, counted from one load (fewer than eight bytes
/// one by one): fewer than eight when the byte after them is not a comma or `b` ends there.
#[inline(always)]
fn leading_commas(b: &[u8]) -> usize {
    match b.first_chunk::<8>() {
        Some(w) => ((u64::from_le_bytes(*w) ^ COMMAS).trailing_zeros() / 8) as usize,
        None => b.iter().take_while(|&&c| c == b',').count(),
    }
}

/// Whether a line ends at a byte of the bytes [`days_fast`] reads.
enum LineEnd {
    /// The line goes on.
    Not,
    /// The line ends there, before a terminator of this many bytes (0 at the end of a raw line;
    /// 1 or 2 before the `\n` or `\r\n` of a line in the reader's buffer).
    At(usize),
    /// The reader's buffer ends first: the line is not whole in it.
    Cut,
}

/// Where the line is at byte `i` of `rest`. `terminated`: `rest` is the reader's buffer, and the
/// line ends at `\n` or `\r\n` (the reader strips both). Otherwise `rest` is the line itself.
#[inline(always)]
fn line_end(rest: &[u8], i: usize, terminated: bool) -> LineEnd {
    if !terminated {
        return if i >= rest.len() {
            LineEnd::At(0)
        } else {
            LineEnd::Not
        };
    }
    match rest.get(i) {
        // A digit or a comma, most often.
        Some(&c) if c > b'\r' => LineEnd::Not,
        Some(b'\n') => LineEnd::At(1),
        Some(b'\r') => match rest.get(i + 1) {
            Some(b'\n') => LineEnd::At(2),
            Some(_) => LineEnd::Not,
            // A `\r` at the end of the buffer: its `\n` may not be read yet.
            None => LineEnd::Cut,
        },
        Some(_) => LineEnd::Not,
        None => LineEnd::Cut,
    }
}

/// The 31 算定日 fields (the rest of a line from the first of them), each plain digits, at most 4
/// of them: `None` when a field is not, or a field follows the 31st (more fields than the layout
/// has). The layout gives a count N3 (../shared/docs/UKE_LAYOUT.md, SI row); 4 digits still fit
/// a u16 without a check, and a longer count (the general reader takes up to u16::MAX) goes the
/// general way. Runs of empty fields (most of them) are skipped up to eight commas at a time
/// ([`leading_commas`]), and a count is read to its comma in one go. Also gives where the line
/// ends in `rest` and its terminator's length ([`line_end`]).
#[inline(always)]
fn days_fast(rest: &[u8], terminated: bool) -> Option<(DayCounts, usize, usize)> {
    // The counts, the days with a count and Σ, as `DayCounts::set` keeps them (each day is set
    // at most once, in order).
    let mut counts = [0u16; 31];
    let (mut mask, mut total) = (0u32, 0u32);
    // 0-based day of the field at `i`: the commas before it. A 31st comma opens a 32nd field.
    let mut d = 0usize;
    let mut i = 0;
    let term = loop {
        // Empty fields: the commas before the next other byte, up to eight from one load. Most
        // counts are one digit: when the byte after the commas is a digit and the next one a
        // comma, both in the same load, the count is taken from it (as below: a count ending at
        // its comma), without the loads and end-of-line tests of the way below (callgrind of
        // `santei recalc` on 10,000 receipts of benches' `gen_uke`: 15 instructions less per
        // SI/IY/TO line).
        if let Some(w) = rest.get(i..i + 8) {
            let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8])) ^ COMMAS;
            // Eight empty fields, tested before their count is taken (the runs of 10–30 empty
            // 算定日 of most lines: some 180 instructions a receipt less than taking the count
            // of each load first, callgrind as above).
            if x == 0 {
                d += 8;
                i += 8;
                continue;
            }
            let k = (x.trailing_zeros() / 8) as usize;
            d += k;
            i += k;
            if d >= 31 {
                return None;
            }
            if k < 7 {
                // The byte after the commas (a digit 0–9 once less b'0') and the one after it
                // (zero when a comma: `x` holds each byte xor b',').
                let v = ((x >> (8 * k)) as u8 ^ b',').wrapping_sub(b'0');
                if v <= 9 && (x >> (8 * (k + 1))) as u8 == 0 {
                    counts[d] = u16::from(v);
                    total += u32::from(v);
                    mask |= u32::from(v > 0) << d;
                    d += 1;
                    i += 2;
                    continue;
                }
            }
        } else {
            // Fewer than eight bytes left.
            while rest.get(i) == Some(&b',') {
                d += 1;
                i += 1;
            }
            if d >= 31 {
                return None;
            }
        }
        match line_end(rest, i, terminated) {
            LineEnd::Not => {}
            LineEnd::At(t) => break t,
            LineEnd::Cut => return None,
        }
        // A count: up to 4 digits, up to its comma or the end of the line.
        let (from, mut v) = (i, 0u16);
        while let Some(&c) = rest.get(i) {
            let x = c.wrapping_sub(b'0');
            if x > 9 {
                break;
            }
            if i - from == 4 {
                return None;
            }
            v = v * 10 + u16::from(x);
            i += 1;
        }
        if i == from {
            return None;
        }
        counts[d] = v;
        total += u32::from(v);
        if v > 0 {
            mask |= 1 << d;
        }
        match line_end(rest, i, terminated) {
            LineEnd::Not => {}
            LineEnd::At(t) => break t,
            LineEnd::Cut => return None,
        }
        // Its comma (any other byte: not a count).
        if rest.get(i) != Some(&b',') {
            return None;
        }
        d += 1;
        i += 1;
    };
    Some((DayCounts::from_parts(counts, mask, total), i, term))
}

#[cfg(test)]
thread_local! {
    /// SI/IY/TO lines offered to the fast path on this thread ([`Builder::feed_fast_in`]): the
    /// tests count that a line is offered once (twice only when it is not whole in the buffer).
    pub(super) static TRIES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Builder {
    /// The fast path for the SI/IY/TO records that make up most of a file: parses the raw line
    /// in one pass, straight from the bytes (no decoding, no field table), when every field it
    /// reads is plain ASCII digits and nothing in the line needs the general reader (non-ASCII
    /// text, quotes, signs, spaces, a blank 診療識別 at the start of a receipt …). Returns false,
    /// having changed nothing, when the line must go the general way; that way gives the same
    /// result or the error (a test compares the two on every record shape).
    pub(super) fn feed_fast(&mut self, raw: &[u8], line: usize) -> bool {
        self.feed_fast_in(raw, line, false, usize::MAX).is_some()
    }

    /// [`Builder::feed_fast`] on the line at the start of `buf`, the reader's buffer: the line
    /// ends at its `\n` (or `\r\n`), which spares the reader its search for the end of the
    /// line. A line not whole in `buf`, or longer than `max_len` bytes (the reader's caps), is
    /// refused like any other. Gives the line's length and the bytes it takes with its end.
    ///
    /// Inlined into the reader's loop over the lines in its buffer (its only caller): no call
    /// and no result through memory per line, and the line is written into its unit without
    /// the `memcpy` calls that copied it there (callgrind of `santei recalc --jobs 1` on 10,000
    /// receipts of benches' `gen_uke`: 43,530 → 41,892 instructions per receipt; `memcpy`
    /// 1,220 → 553 of them).
    #[inline(always)]
    pub(super) fn feed_fast_buffered(
        &mut self,
        buf: &[u8],
        line: usize,
        max_len: usize,
    ) -> Option<(usize, usize)> {
        self.feed_fast_in(buf, line, true, max_len)
    }

    #[inline(always)]
    fn feed_fast_in(
        &mut self,
        raw: &[u8],
        line: usize,
        terminated: bool,
        max_len: usize,
    ) -> Option<(usize, usize)> {
        let (kind, day0) = match *raw {
            [a, b, b',', ..] => line_layout(&[a, b])?,
            _ => return None,
        };
        #[cfg(test)]
        TRIES.with(|t| t.set(t.get() + 1));
        let mut f = FastFields { b: raw, pos: 3 };
        // 診療識別: most often two digits and their comma, or blank (inherited), taken as they
        // are (the digit loop of [`FastFields::int`] cost some 210 instructions a receipt more,
        // callgrind of `santei recalc` on 10,000 receipts of benches' `gen_uke`); any other
        // field as that loop reads it.
        let section = match *f.rest() {
            [b',', ..] => {
                f.pos += 1;
                None
            }
            [a, b, b',', ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
                f.pos += 3;
                Some((a - b'0') * 10 + (b - b'0'))
            }
            _ => match f.int(3) {
                Some(None) => None,
                Some(Some(v)) if v <= u64::from(u8::MAX) => Some(v as u8),
                _ => return None,
            },
        };
        let sec = section.or(self.section)?;
        // 負担区分: most often one character and its comma, taken as they are (the field loop
        // of [`FastFields::field`] cost some 360 instructions a receipt more, callgrind of
        // `santei recalc` on 10,000 receipts of benches' `gen_uke`); any other field as that
        // loop reads it.
        let burden = match *f.rest() {
            [c, b',', ..] if c.is_ascii_graphic() && c != b'"' && c != b',' => {
                f.pos += 2;
                Burden(char::from(c))
            }
            _ => match f.field() {
                Some([]) => Burden(' '),
                Some([c]) if c.is_ascii_graphic() && *c != b'"' => Burden(char::from(*c)),
                _ => return None,
            },
        };
        let (Some(Some(code)), Some(quantity), Some(points), Some(Some(count))) =
            (f.int(9), f.short_dec(), f.short_int(18), f.short_int(9))
        else {
            return None;
        };
        // Fields 7 up to the first 算定日: コメント (SI, IY); 単価 and the rest (TO). Most are
        // empty (on most SI/IY lines all six).
        let mut unit_price = None;
        let mut i = 7;
        while i < day0 {
            i += f.empty_fields(day0 - i);
            if i == day0 {
                break;
            }
            if i == 8 && kind == LineKind::Material {
                unit_price = f.dec()?;
            } else {
                f.field()?;
            }
            i += 1;
        }
        // The 31 算定日 and nothing after them, in one pass over the rest of the line.
        let start = f.pos;
        let (days, end, term) = days_fast(f.rest(), terminated)?;
        let len = start + end;
        if len > max_len {
            return None;
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
        Some((len, len + term))
    }
}

/// A field of plain digits, at most `max_digits` of them (so that the value fits the target type
/// as [`Ctx::opt_int`](super::parse::Ctx) reads it); `Some(None)` when empty, `None` for any
/// other field (the general way reads it, or gives its error).
#[inline]
fn plain_int(b: &[u8], max_digits: usize) -> Option<Option<u64>> {
    if b.is_empty() {
        return Some(None);
    }
    if b.len() > max_digits || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(Some(
        b.iter().fold(0u64, |v, &c| v * 10 + u64::from(c - b'0')),
    ))
}

impl Builder {
    /// The fast path for HO 保険者レコード (one a receipt): read from the raw line (its end
    /// removed) when it is printable ASCII without a quote (decoding gives the same text, and
    /// splitting the same fields) with at least the 6 fields the general way needs, and each
    /// number it reads is empty or plain digits that fit. Returns false, having changed
    /// nothing, for any other line: the general way gives the same result or the error (a test
    /// compares the two). The general way (decoding, splitting, the field checks) cost some 370
    /// instructions per receipt more (callgrind of `santei recalc` on 10,000 receipts of
    /// benches' `gen_uke`).
    pub(super) fn feed_insurance_fast(&mut self, raw: &[u8], line: usize) -> bool {
        self.insurance_fast(raw, line).is_some()
    }

    fn insurance_fast(&mut self, raw: &[u8], line: usize) -> Option<()> {
        if !raw.starts_with(b"HO,") {
            return None;
        }
        // Printable ASCII without a quote, tested in a pass without an early exit (which the
        // compiler may vectorize), then fields 0–11 (the last one read is 11 負担金額) in a pass
        // that only looks for commas (one pass testing each byte as well cost some 60
        // instructions a receipt more in `santei recalc --jobs 1`, callgrind on 10,000 receipts
        // of `gen_uke`; `split` twice as much).
        if raw.iter().fold(false, |bad, &c| {
            bad | !(b' '..=b'~').contains(&c) | (c == b'"')
        }) {
            return None;
        }
        // The commas of eight bytes are found from one load, as [`split_fields`] finds them
        // (a test per byte cost some 80 instructions a receipt more: callgrind as above), and
        // the pass stops at the comma that ends field 11: the fields after it are not read.
        // `n` counts the fields found, up to 12 (at least 6 are needed).
        let mut f: [&[u8]; 12] = [&[]; 12];
        let (mut n, mut start, mut i) = (0, 0, 0);
        let mut comma = |at: usize, n: &mut usize| {
            if let (Some(slot), Some(field)) = (f.get_mut(*n), raw.get(start..at)) {
                *slot = field;
            }
            *n += 1;
            start = at + 1;
            *n == f.len()
        };
        'split: {
            while let Some(w) = raw.get(i..).and_then(<[u8]>::first_chunk::<8>) {
                let x = u64::from_le_bytes(*w) ^ COMMAS;
                // 0x80 in each byte that is a comma (zero in `x`), as in [`split_fields`].
                let mut commas = !(((x & LOW7) + LOW7) | x | LOW7);
                while commas != 0 {
                    if comma(i + (commas.trailing_zeros() / 8) as usize, &mut n) {
                        break 'split;
                    }
                    commas &= commas - 1;
                }
                i += 8;
            }
            for (k, &c) in raw.iter().enumerate().skip(i) {
                if c == b',' && comma(k, &mut n) {
                    break 'split;
                }
            }
            comma(raw.len(), &mut n);
        }
        if n < 6 {
            return None;
        }
        // u32 fields take at most 9 digits, i64 ones 18 (as `Ctx::opt_int` without its slow
        // way): a longer number goes the general way.
        let u32_field = |b| plain_int(b, 9).map(|v| v.map(|v| v as u32));
        let i64_field = |b| plain_int(b, 18).map(|v| v.map(|v| v as i64));
        let (days, points) = (u32_field(f[4])?, i64_field(f[5])?);
        let (meal_count, meal_yen, burden_yen) =
            (u32_field(f[7])?, i64_field(f[8])?, i64_field(f[11])?);
        // The 保険者番号 as `str::trim` gives it: the bytes are printable ASCII, where space is
        // the only whitespace. It is written in the text buffer of the recycled receipt's HO,
        // byte by byte (each an ASCII char): no allocation and no UTF-8 check (`from_utf8`,
        // `trim` and the allocation cost some 220 instructions a receipt in `santei recalc
        // --jobs 1`, the bytes written here 34: callgrind on 10,000 receipts of `gen_uke`).
        let mut insurer = std::mem::take(&mut self.spare_insurer);
        insurer.clear();
        insurer.extend(f[1].trim_ascii().iter().map(|&c| char::from(c)));
        let ho = Insurance {
            line,
            insurer,
            days,
            points,
            meal_count,
            meal_yen,
            burden_yen,
        };
        self.add_insurance(ho);
        Some(())
    }
}
