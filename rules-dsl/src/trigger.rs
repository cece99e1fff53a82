//! [`TriggerIndex`]: per code, the rules it can trigger and whether it starts a single-code
//! exclusion pair, found with one probe (an evaluation asks both for every distinct code of a
//! claim, and most codes are in neither: two hash-map misses per code were some 700
//! instructions of a recalculated receipt).

use santei_masters::code_map::CodeMap;

/// A code's entry: its rules are `rules[start..end]`; `pair_first` when it starts a single-code
/// exclusion pair.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    end: u32,
    pair_first: bool,
}

/// The codes of a rule set ([`CodeMap`]), with their rule lists one after another in `rules`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TriggerIndex {
    codes: CodeMap<Entry>,
    rules: Vec<u32>,
}

impl TriggerIndex {
    /// The index of `codes`: (code, the rules it triggers, whether it starts a pair), each code
    /// once.
    pub(crate) fn build<'a>(
        codes: impl ExactSizeIterator<Item = (u32, &'a [u32], bool)>,
    ) -> TriggerIndex {
        let mut rules = Vec::new();
        let entries: Vec<(u32, Entry)> = codes
            .map(|(code, r, pair_first)| {
                let start = rules.len() as u32;
                rules.extend_from_slice(r);
                let end = rules.len() as u32;
                (
                    code,
                    Entry {
                        start,
                        end,
                        pair_first,
                    },
                )
            })
            .collect();
        let filler = Entry {
            start: 0,
            end: 0,
            pair_first: false,
        };
        TriggerIndex {
            codes: CodeMap::build(entries.into_iter(), filler),
            rules,
        }
    }

    /// The rules `code` triggers and whether it is the first code of a single-code exclusion
    /// (`(&[], false)` for a code no rule names).
    #[inline]
    pub(crate) fn get(&self, code: u32) -> (&[u32], bool) {
        match self.codes.get(code) {
            Some(e) => (
                self.rules
                    .get(e.start as usize..e.end as usize)
                    .unwrap_or(&[]),
                e.pair_first,
            ),
            None => (&[], false),
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
