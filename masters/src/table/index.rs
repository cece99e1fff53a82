//! [`CodeIndex`]: a table's codes in an open-addressing array, each with the position of its
//! versions and the usable dates of its newest version, so "code X on date D" is one probe and
//! two comparisons in the common case (one version valid the whole month).

use crate::field::Date;

/// One code of the index (`pos == EMPTY`: no code here).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub(crate) code: u32,
    /// Position of the code's versions in the table.
    pub(crate) pos: u32,
    /// The newest version's usable dates (empty when `from > to`: never matches).
    pub(crate) from: Date,
    pub(crate) to: Date,
}

const EMPTY: u32 = u32::MAX;

/// Fibonacci hashing: the high bits of `code × 2⁶⁴/φ` spread the 9-digit master codes (which
/// run in dense blocks such as 111000110, 111000570 …) over the array.
const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// The codes of a table, at most half the array full so every probe ends at an empty slot.
#[derive(Debug, Clone)]
pub(crate) struct CodeIndex {
    slots: Box<[Slot]>,
    /// 64 − log₂(slots).
    shift: u32,
}

impl CodeIndex {
    /// The index of `codes` (code, position); `dates` gives the usable dates of the newest
    /// version at a position (`None`: no version, the code never matches a date).
    pub(crate) fn build(
        codes: impl ExactSizeIterator<Item = (u32, u32)>,
        dates: impl Fn(u32) -> Option<(Date, Date)>,
    ) -> CodeIndex {
        let n = codes.len().max(1);
        let len = (n * 2).next_power_of_two();
        let empty = Slot {
            code: 0,
            pos: EMPTY,
            from: Date::MAX,
            to: Date::MIN,
        };
        let mut index = CodeIndex {
            slots: vec![empty; len].into_boxed_slice(),
            shift: 64 - len.trailing_zeros(),
        };
        let mask = len - 1;
        for (code, pos) in codes {
            let (from, to) = dates(pos).unwrap_or((Date::MAX, Date::MIN));
            let mut i = index.home(code);
            while index.slots[i].pos != EMPTY {
                i = (i + 1) & mask;
            }
            index.slots[i] = Slot {
                code,
                pos,
                from,
                to,
            };
        }
        index
    }

    #[inline]
    fn home(&self, code: u32) -> usize {
        (u64::from(code).wrapping_mul(MUL) >> self.shift) as usize
    }

    /// The slot of `code`, `None` when the table lacks it.
    #[inline]
    pub(crate) fn find(&self, code: u32) -> Option<&Slot> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(code);
        loop {
            let s = self.slots.get(i)?;
            if s.pos == EMPTY {
                return None;
            }
            if s.code == code {
                return Some(s);
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_code_and_no_other() {
        let codes: Vec<u32> = (0..5000u32)
            .map(|i| 111_000_110 + i * 10)
            .chain([0, 1, u32::MAX - 1])
            .collect();
        let index = CodeIndex::build(
            codes.iter().enumerate().map(|(p, &c)| (c, p as u32)),
            |_| None,
        );
        for (p, &c) in codes.iter().enumerate() {
            assert_eq!(index.find(c).map(|s| s.pos), Some(p as u32), "{c}");
        }
        for c in [2, 111_000_111, 999_999_999, u32::MAX] {
            assert!(index.find(c).is_none(), "{c}");
        }
        let none = CodeIndex::build(std::iter::empty(), |_| None);
        assert!(none.find(0).is_none());
        assert!(none.find(u32::MAX).is_none());
    }
}
