//! A dated table of one master kind: every code with the versions of its record, each valid over
//! a closed date range. "Item X as valid on date D" is a hash lookup plus a scan of a few versions.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::field::Date;
use crate::record::MasterRecord;

use crate::code_map::CodeMap;

/// One version of a record and the dates it is valid for (both inclusive).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Version<R> {
    pub valid_from: Date,
    pub valid_to: Date,
    pub record: R,
}

impl<R: MasterRecord> Version<R> {
    /// True when the record may be used on `date`: inside its range and not past a 経過措置 end.
    pub fn is_valid_on(&self, date: Date) -> bool {
        self.valid_from <= date
            && date <= self.valid_to
            && self
                .record
                .transitional_until()
                .is_none_or(|last| date <= last)
    }
}

/// What the lookup index keeps of a code: the position of its versions and the usable dates of
/// its newest version (有効期間 cut at the 経過措置年月日; empty, `from > to`, when it has none).
#[derive(Debug, Clone, Copy)]
struct Newest {
    pos: u32,
    from: Date,
    to: Date,
}

/// All codes of one kind.
///
/// The versions of each code sit in `versions` at the position `map` gives; "code X on date D"
/// goes through a [`CodeMap`] of [`Newest`], built on the first lookup after the last change, which finds the
/// position and the newest version's valid dates with one probe (recalculation looks up every SI
/// line of every receipt: the hash map probe and the scan of the versions were about 2,000
/// instructions of a receipt's 40,000).
#[derive(Debug, Clone)]
pub struct Table<R> {
    /// Code → position in `versions`. Kept for changes and iteration (in the order it always had).
    map: FxHashMap<u32, u32>,
    /// The versions of every code, oldest first (a removed code leaves an empty list).
    versions: Vec<Vec<Version<R>>>,
    /// The lookup index of the current contents; reset by every change.
    index: OnceLock<CodeMap<Newest>>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table {
            map: FxHashMap::default(),
            versions: Vec::new(),
            index: OnceLock::new(),
        }
    }
}

impl<R: MasterRecord> Table<R> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Table {
            map: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            versions: Vec::with_capacity(n),
            index: OnceLock::new(),
        }
    }

    /// The versions of `code` (empty when the code is unknown).
    fn list(&self, code: u32) -> Option<&Vec<Version<R>>> {
        self.versions.get(*self.map.get(&code)? as usize)
    }

    /// The lookup index, built now if the table changed since the last lookup.
    #[inline]
    fn index(&self) -> &CodeMap<Newest> {
        self.index.get_or_init(|| {
            let entries = self.map.iter().map(|(&code, &pos)| {
                // A code without versions never matches a date (an empty range).
                let (from, to) = self
                    .versions
                    .get(pos as usize)
                    .and_then(|vs| vs.last())
                    .map_or((Date::MAX, Date::MIN), Version::usable_dates);
                (code, Newest { pos, from, to })
            });
            let filler = Newest {
                pos: u32::MAX,
                from: Date::MAX,
                to: Date::MIN,
            };
            CodeMap::build(entries, filler)
        })
    }

    /// The record for `code` valid on `date`.
    #[inline]
    pub fn get(&self, code: u32, date: Date) -> Option<&R> {
        self.version(code, date).map(|v| &v.record)
    }

    /// The version of `code` valid on `date`, with its date range: the newest version valid on
    /// that date. The index holds the newest version's usable dates, so most lookups end there;
    /// an older version (a change file's new version takes effect mid-month, or a 経過措置 has
    /// ended) is found by the scan of the versions, newest first.
    #[inline]
    pub fn version(&self, code: u32, date: Date) -> Option<&Version<R>> {
        let slot = self.index().get(code)?;
        let vs = self.versions.get(slot.pos as usize)?;
        if slot.from <= date && date <= slot.to {
            return vs.last();
        }
        vs.iter().rev().find(|v| v.is_valid_on(date))
    }

    /// Every version of `code`, oldest first.
    pub fn versions(&self, code: u32) -> &[Version<R>] {
        self.list(code).map_or(&[], |v| v.as_slice())
    }

    /// The newest version of `code`, whatever its dates.
    pub fn latest(&self, code: u32) -> Option<&R> {
        self.list(code)?.last().map(|v| &v.record)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The versions of every code, in the map's order.
    fn lists(&self) -> impl Iterator<Item = (u32, &Vec<Version<R>>)> + '_ {
        self.map
            .iter()
            .filter_map(|(&k, &p)| Some((k, self.versions.get(p as usize)?)))
    }

    /// Number of versions over all codes.
    pub fn version_count(&self) -> usize {
        self.lists().map(|(_, vs)| vs.len()).sum()
    }

    /// Every code (unordered).
    pub fn codes(&self) -> impl Iterator<Item = u32> + '_ {
        self.map.keys().copied()
    }

    /// Every version of every code (unordered).
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Version<R>)> + '_ {
        self.lists()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k, v)))
    }

    /// Earliest valid-from and latest valid-to over all versions.
    pub fn date_range(&self) -> Option<(Date, Date)> {
        let mut it = self.lists().flat_map(|(_, vs)| vs.iter());
        let first = it.next()?;
        Some(it.fold((first.valid_from, first.valid_to), |(a, b), v| {
            (a.min(v.valid_from), b.max(v.valid_to))
        }))
    }

    pub(crate) fn contains(&self, code: u32) -> bool {
        self.map.contains_key(&code)
    }

    /// Inserts a first version; returns false if the code is already present.
    pub(crate) fn insert_new(&mut self, code: u32, v: Version<R>) -> bool {
        // Positions are u32 below the index's empty mark (a master has some 10⁴–10⁵ codes).
        let Some(pos32) = u32::try_from(self.versions.len())
            .ok()
            .filter(|&p| p < u32::MAX)
        else {
            return false;
        };
        match self.map.entry(code) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(pos32);
                self.versions.push(vec![v]);
                self.index.take();
                true
            }
        }
    }

    pub(crate) fn versions_mut(&mut self, code: u32) -> Option<&mut Vec<Version<R>>> {
        self.index.take();
        let pos = *self.map.get(&code)?;
        self.versions.get_mut(pos as usize)
    }

    pub(crate) fn remove(&mut self, code: u32) -> bool {
        let Some(pos) = self.map.remove(&code) else {
            return false;
        };
        if let Some(vs) = self.versions.get_mut(pos as usize) {
            *vs = Vec::new();
        }
        self.index.take();
        true
    }
}

impl<R: MasterRecord> Version<R> {
    /// The dates on which [`Version::is_valid_on`] holds, as one closed range (empty when
    /// `from > to`): the version's range, cut at the 経過措置 end.
    fn usable_dates(&self) -> (Date, Date) {
        let to = match self.record.transitional_until() {
            Some(last) => self.valid_to.min(last),
            None => self.valid_to,
        };
        (self.valid_from, to)
    }
}

impl<R: MasterRecord> Table<R> {
    /// Parses a complete master file from its bytes (as read from disk or a zip member).
    pub fn from_bytes(
        file: &str,
        bytes: &[u8],
        encoding: crate::text::Encoding,
    ) -> Result<(Table<R>, crate::load::FileReport), crate::error::LoadError> {
        let text = crate::text::decode(bytes, encoding, file)?;
        crate::load::load_base::<R>(file, &text)
    }

    /// Applies a change file (or a newer complete file) given as bytes; see
    /// [`MasterSet`](crate::MasterSet) for the rules.
    pub fn apply_bytes(
        &mut self,
        file: &str,
        bytes: &[u8],
        encoding: crate::text::Encoding,
        warnings: &mut Vec<crate::error::Warning>,
    ) -> Result<crate::load::FileReport, crate::error::LoadError> {
        let text = crate::text::decode(bytes, encoding, file)?;
        crate::load::apply_changes(self, file, &text, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MasterSet;
    use crate::field::OptDate;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    /// The general rule the index must agree with: the newest version valid on the date.
    fn scan<R: MasterRecord>(t: &Table<R>, code: u32, date: Date) -> Option<*const Version<R>> {
        t.versions(code)
            .iter()
            .rev()
            .find(|v| v.is_valid_on(date))
            .map(|v| v as *const _)
    }

    /// Every day from `from` to `to` gives what the scan of the versions gives.
    fn same_every_day<R: MasterRecord>(t: &Table<R>, code: u32, from: Date, to: Date) {
        let mut date = from;
        while date <= to {
            let got = t.version(code, date).map(|v| v as *const _);
            assert_eq!(got, scan(t, code, date), "{code} on {date:?}");
            assert_eq!(t.get(code, date).is_some(), got.is_some());
            date = date.succ();
        }
    }

    #[test]
    fn a_version_from_mid_month_is_found_on_its_days_only() {
        let set = MasterSet::demo().unwrap();
        let (code, v) = set.procedures.iter().next().unwrap();
        let mut t = Table::default();
        // A change file's new version from the 15th (変更年月日 mid-month): two versions in July.
        let old = Version {
            valid_from: d("2024-06-01"),
            valid_to: d("2024-07-14"),
            record: v.record.clone(),
        };
        assert!(t.insert_new(code, old));
        assert_eq!(t.get(code, d("2024-07-20")).map(|_| ()), None);
        let new = Version {
            valid_from: d("2024-07-15"),
            valid_to: Date::MAX,
            record: v.record.clone(),
        };
        t.versions_mut(code).unwrap().push(new);
        same_every_day(&t, code, d("2024-05-25"), d("2024-08-05"));
        let first = &t.versions(code)[0];
        let second = &t.versions(code)[1];
        assert!(std::ptr::eq(
            t.version(code, d("2024-07-14")).unwrap(),
            first
        ));
        assert!(std::ptr::eq(
            t.version(code, d("2024-07-15")).unwrap(),
            second
        ));
        assert!(t.get(code, d("2024-05-31")).is_none());
        assert!(t.get(code + 1, d("2024-07-15")).is_none());
        // Removed, then the code is unknown.
        assert!(t.remove(code));
        assert!(t.get(code, d("2024-07-15")).is_none());
        assert!(t.versions(code).is_empty());
    }

    #[test]
    fn a_transitional_end_cuts_the_newest_version() {
        let set = MasterSet::demo().unwrap();
        let (code, v) = set.drugs.iter().next().unwrap();
        let mut t = Table::default();
        let mut old = v.record.clone();
        old.transitional_until = OptDate(None);
        let mut newest = v.record.clone();
        // 経過措置年月日 (項番 34) on the 20th: the newest version is unusable from the 21st, and
        // an older version valid then is found instead.
        newest.transitional_until = OptDate(Some(d("2024-09-20")));
        t.insert_new(
            code,
            Version {
                valid_from: d("2024-06-01"),
                valid_to: Date::MAX,
                record: old,
            },
        );
        t.versions_mut(code).unwrap().push(Version {
            valid_from: d("2024-09-10"),
            valid_to: Date::MAX,
            record: newest,
        });
        same_every_day(&t, code, d("2024-05-30"), d("2024-10-03"));
        let first = &t.versions(code)[0];
        assert!(std::ptr::eq(
            t.version(code, d("2024-09-21")).unwrap(),
            first
        ));
        assert!(!std::ptr::eq(
            t.version(code, d("2024-09-20")).unwrap(),
            first
        ));
    }
}
