//! [`TriggerIndex`]: per code, the rules it can trigger and whether it starts a single-code
//! exclusion pair, found with one probe (an evaluation asks both for every distinct code of a
//! claim, and most codes are in neither: two hash-map misses per code were some 700
//! instructions of a recalculated receipt).

/// One code of the index (`start == EMPTY`: no code here).
#[derive(Debug, Clone, Copy)]
struct Slot {
    code: u32,
    /// The code's rules are `rules[start..end]`.
    start: u32,
    end: u32,
    pair_first: bool,
}

const EMPTY: u32 = u32::MAX;

/// Fibonacci hashing: the high bits of `code × 2⁶⁴/φ`.
const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// The codes of a rule set, in an open-addressing array at most half full (every probe ends at
/// an empty slot), with their rule lists one after another in `rules`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TriggerIndex {
    slots: Box<[Slot]>,
    /// 64 − log₂(slots); 0 for the empty index (whose probes find nothing).
    shift: u32,
    rules: Vec<u32>,
}

impl TriggerIndex {
    /// The index of `codes`: (code, the rules it triggers, whether it starts a pair), each code
    /// once.
    pub(crate) fn build<'a>(
        codes: impl ExactSizeIterator<Item = (u32, &'a [u32], bool)>,
    ) -> TriggerIndex {
        let len = (codes.len().max(1) * 2).next_power_of_two();
        let empty = Slot {
            code: 0,
            start: EMPTY,
            end: EMPTY,
            pair_first: false,
        };
        let mut index = TriggerIndex {
            slots: vec![empty; len].into_boxed_slice(),
            shift: 64 - len.trailing_zeros(),
            rules: Vec::new(),
        };
        for (code, rules, pair_first) in codes {
            let start = index.rules.len() as u32;
            index.rules.extend_from_slice(rules);
            let mut i = index.home(code);
            while index.slots[i].start != EMPTY {
                i = (i + 1) & (len - 1);
            }
            index.slots[i] = Slot {
                code,
                start,
                end: index.rules.len() as u32,
                pair_first,
            };
        }
        index
    }

    #[inline]
    fn home(&self, code: u32) -> usize {
        (u64::from(code).wrapping_mul(MUL) >> self.shift) as usize
    }

    /// The rules `code` triggers and whether it is the first code of a single-code exclusion
    /// (`(&[], false)` for a code no rule names).
    #[inline]
    pub(crate) fn get(&self, code: u32) -> (&[u32], bool) {
        let mut i = self.home(code);
        loop {
            let Some(s) = self.slots.get(i) else {
                return (&[], false);
            };
            if s.start == EMPTY {
                return (&[], false);
            }
            if s.code == code {
                let rules = self
                    .rules
                    .get(s.start as usize..s.end as usize)
                    .unwrap_or(&[]);
                return (rules, s.pair_first);
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_gives_its_rules_and_no_other_code_any() {
        let lists: Vec<(u32, Vec<u32>, bool)> = (0..3000u32)
            .map(|i| (160_000_010 + i * 7, (0..i % 4).collect(), i % 5 == 0))
            .chain([(0, vec![9], true), (u32::MAX - 1, vec![], true)])
            .collect();
        let index = TriggerIndex::build(lists.iter().map(|(c, r, f)| (*c, r.as_slice(), *f)));
        for (c, r, f) in &lists {
            assert_eq!(index.get(*c), (r.as_slice(), *f), "{c}");
        }
        for c in [1, 160_000_011, u32::MAX] {
            assert_eq!(index.get(c), (&[][..], false), "{c}");
        }
        let none = TriggerIndex::default();
        assert_eq!(none.get(0), (&[][..], false));
        let built_empty = TriggerIndex::build(std::iter::empty());
        assert_eq!(built_empty.get(u32::MAX), (&[][..], false));
    }
}
