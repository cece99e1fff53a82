//! The fast path: SI/IY/TO lines parsed straight from their bytes ([`Builder::feed_fast`]), or
//! straight from the reader's buffer, finding their own end ([`Builder::feed_fast_buffered`]).

use rust_decimal::Decimal;
use santei_masters::field::eight_digits;

use super::model::{Burden, DayCounts, Line, LineKind};
use super::parse::Builder;

/// Walks the comma-separated fields of a raw line for [`Builder::feed_fast`]. Every method
/// returns `None` when the field is not of the plain shape the fast path reads; a field past the
/// end of the line is empty (as [`RecordRef::get`]).
struct FastFields<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> FastFields<'a> {
    /// A field that is only read past: any ASCII but a quote (or a line feed: read from a
    /// buffer, the line ends there, and a line that ends in such a field goes the general way).
    #[inline(always)]
    fn field(&mut self) -> Option<&'a [u8]> {
        let start = self.pos.min(self.b.len());
        let mut i = start;
        while let Some(&c) = self.b.get(i) {
            if c == b',' {
                break;
            }
            if c >= 0x80 || c == b'"' || c == b'\n' {
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

/// Where the line ends, at byte `i` of `rest`: `Some(Some(t))` when it ends there, before a
/// terminator of `t` bytes; `Some(None)` when it goes on. `terminated`: `rest` is the reader's
/// buffer, and the line ends at `\n` or `\r\n` (the reader strips both); `None` when the
/// buffer ends first (the line is not whole in it). Otherwise `rest` is the line itself.
#[inline(always)]
fn line_end(rest: &[u8], i: usize, terminated: bool) -> Option<Option<usize>> {
    if !terminated {
        return Some((i >= rest.len()).then_some(0));
    }
    Some(match *rest.get(i..)? {
        [b'\n', ..] => Some(1),
        [b'\r', b'\n', ..] => Some(2),
        // A lone `\r` at the end of the buffer: its `\n` is not read yet.
        [b'\r'] => return None,
        [] => return None,
        _ => None,
    })
}

/// The 31 算定日 fields (the rest of a line from the first of them), as [`FastFields::int`] with at
/// most 4 digits reads each: `None` when a field is not plain digits, has more than 4 of them, or
/// a field follows the 31st (more fields than the layout has). Runs of empty fields (most of
/// them) are skipped up to eight commas at a time, and a count is read to its comma in one go.
/// Also gives where the line ends in `rest` and its terminator's length ([`line_end`]).
#[inline(always)]
fn days_fast(rest: &[u8], terminated: bool) -> Option<(DayCounts, usize, usize)> {
    const COMMAS: u64 = u64::from_le_bytes([b','; 8]);
    // The counts, the days with a count and Σ, as `DayCounts::set` keeps them (each day is set
    // at most once, in order).
    let mut counts = [0u16; 31];
    let (mut mask, mut total) = (0u32, 0u32);
    // 0-based day of the field at `i`: the commas before it. A 31st comma opens a 32nd field.
    let mut d = 0usize;
    let mut i = 0;
    let term = loop {
        // Empty fields: the commas before the next other byte, up to eight from one load.
        while let Some(w) = rest.get(i..).and_then(<[u8]>::first_chunk::<8>) {
            let k = ((u64::from_le_bytes(*w) ^ COMMAS).trailing_zeros() / 8) as usize;
            d += k;
            i += k;
            if k < 8 {
                break;
            }
        }
        while rest.get(i) == Some(&b',') {
            d += 1;
            i += 1;
        }
        if d >= 31 {
            return None;
        }
        if let Some(t) = line_end(rest, i, terminated)? {
            break t;
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
        if let Some(t) = line_end(rest, i, terminated)? {
            break t;
        }
        // Its comma (any other byte: not a count).
        if rest[i] != b',' {
            return None;
        }
        d += 1;
        i += 1;
    };
    Some((DayCounts::from_parts(counts, mask, total), i, term))
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
        let (kind, day0) = match raw.get(..3) {
            Some(b"SI,") => (LineKind::Procedure, 13),
            Some(b"IY,") => (LineKind::Drug, 13),
            Some(b"TO,") => (LineKind::Material, 17),
            _ => return None,
        };
        let mut f = FastFields { b: raw, pos: 3 };
        let section = match f.int(3) {
            Some(None) => None,
            Some(Some(v)) if v <= u64::from(u8::MAX) => Some(v as u8),
            _ => return None,
        };
        let sec = section.or(self.section)?;
        let burden = match f.field() {
            Some([]) => Burden(' '),
            Some([c]) if c.is_ascii_graphic() && *c != b'"' => Burden(char::from(*c)),
            _ => return None,
        };
        let (Some(Some(code)), Some(quantity), Some(points), Some(Some(count))) =
            (f.int(9), f.dec(), f.int(18), f.int(9))
        else {
            return None;
        };
        // Fields 7 up to the first 算定日: コメント (SI, IY); 単価 and the rest (TO).
        let mut unit_price = None;
        let mut i = 7;
        // SI and IY: the six fields are empty (six commas) on most lines.
        if kind != LineKind::Material && raw.get(f.pos..f.pos + 6).is_some_and(|w| w == b",,,,,,") {
            f.pos += 6;
            i = day0;
        }
        while i < day0 {
            if i > 8 && i + 8 <= day0 && f.commas8() {
                i += 8;
                continue;
            }
            if i == 8 && kind == LineKind::Material {
                unit_price = f.dec()?;
            } else {
                f.field()?;
            }
            i += 1;
        }
        // The 31 算定日 and nothing after them, in one pass over the rest of the line.
        let start = f.pos.min(raw.len());
        let (days, end, term) = days_fast(&raw[start..], terminated)?;
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
