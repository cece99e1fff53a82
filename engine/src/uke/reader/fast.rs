//! The fast path: SI/IY/TO lines parsed straight from their bytes ([`Builder::feed_fast`]).

use rust_decimal::Decimal;

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

impl Builder {
    /// The fast path for the SI/IY/TO records that make up most of a file: parses the raw line
    /// in one pass, straight from the bytes (no decoding, no field table), when every field it
    /// reads is plain ASCII digits and nothing in the line needs the general reader (non-ASCII
    /// text, quotes, signs, spaces, a blank 診療識別 at the start of a receipt …). Returns false,
    /// having changed nothing, when the line must go the general way; that way gives the same
    /// result or the error (a test compares the two on every record shape).
    pub(super) fn feed_fast(&mut self, raw: &[u8], line: usize) -> bool {
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
}
