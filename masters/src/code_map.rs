//! [`CodeMap`]: nine-digit codes to small values in an open-addressing array, one probe for a
//! code that is there and usually one for a code that is not. The masters' lookup index
//! (table.rs) and the rule set's trigger index (rules-dsl trigger.rs) are both one; a hash map's
//! probe and its miss were some 2,000 and 700 instructions of a recalculated receipt (callgrind,
//! `santei recalc` on 10,000 gen_uke receipts).

/// The code of an empty slot. It is no master code (those have nine digits), so it is never
/// stored; [`CodeMap::build`] skips it.
const EMPTY: u32 = u32::MAX;

/// Fibonacci hashing: the high bits of `code × 2⁶⁴/φ` spread codes that run in dense blocks
/// (111000110, 111000570 …) over the array.
const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// Codes and their values, at most half the array full so every probe ends at an empty slot.
#[derive(Debug, Clone)]
pub struct CodeMap<V> {
    slots: Box<[(u32, V)]>,
    /// 64 − log₂(slots); 0 for the empty map, whose probes find nothing.
    shift: u32,
}

impl<V> Default for CodeMap<V> {
    fn default() -> Self {
        CodeMap {
            slots: Box::new([]),
            shift: 0,
        }
    }
}

impl<V: Copy> CodeMap<V> {
    /// The map of `entries` (each code once; a later entry of the same code is not found).
    /// `filler` fills the empty slots and is never returned.
    pub fn build(entries: impl ExactSizeIterator<Item = (u32, V)>, filler: V) -> CodeMap<V> {
        let len = (entries.len().max(1) * 2).next_power_of_two();
        let mut map = CodeMap {
            slots: vec![(EMPTY, filler); len].into_boxed_slice(),
            shift: 64 - len.trailing_zeros(),
        };
        let mask = len - 1;
        for (code, value) in entries {
            if code == EMPTY {
                continue;
            }
            let mut i = map.home(code);
            while map.slots[i].0 != EMPTY {
                i = (i + 1) & mask;
            }
            map.slots[i] = (code, value);
        }
        map
    }

    #[inline]
    fn home(&self, code: u32) -> usize {
        (u64::from(code).wrapping_mul(MUL) >> self.shift) as usize
    }

    /// The value of `code`, `None` when the map lacks it.
    #[inline]
    pub fn get(&self, code: u32) -> Option<&V> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = self.home(code);
        loop {
            let (c, v) = self.slots.get(i)?;
            if *c == EMPTY {
                return None;
            }
            if *c == code {
                return Some(v);
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
        let map = CodeMap::build(codes.iter().enumerate().map(|(p, &c)| (c, p)), usize::MAX);
        for (p, &c) in codes.iter().enumerate() {
            assert_eq!(map.get(c), Some(&p), "{c}");
        }
        for c in [2, 111_000_111, 999_999_999, u32::MAX] {
            assert!(map.get(c).is_none(), "{c}");
        }
        // u32::MAX marks an empty slot: it is not stored, and not found.
        let with_max = CodeMap::build([(u32::MAX, 1u8), (5, 2)].into_iter(), 0);
        assert_eq!((with_max.get(u32::MAX), with_max.get(5)), (None, Some(&2)));
        for empty in [CodeMap::build(std::iter::empty(), 0u8), CodeMap::default()] {
            assert!(empty.get(0).is_none());
            assert!(empty.get(u32::MAX).is_none());
        }
    }
}
