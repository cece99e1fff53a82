//! A dated table of one master kind: every code with the versions of its record, each valid over
//! a closed date range. "Item X as valid on date D" is a hash lookup plus a scan of a few versions.

use rustc_hash::FxHashMap;

use crate::field::Date;
use crate::record::MasterRecord;

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

/// All codes of one kind.
#[derive(Debug, Clone)]
pub struct Table<R> {
    map: FxHashMap<u32, Vec<Version<R>>>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table {
            map: FxHashMap::default(),
        }
    }
}

impl<R: MasterRecord> Table<R> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Table {
            map: FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    /// The record for `code` valid on `date`.
    pub fn get(&self, code: u32, date: Date) -> Option<&R> {
        self.map
            .get(&code)?
            .iter()
            .rev()
            .find(|v| v.is_valid_on(date))
            .map(|v| &v.record)
    }

    /// The version of `code` valid on `date`, with its date range.
    pub fn version(&self, code: u32, date: Date) -> Option<&Version<R>> {
        self.map
            .get(&code)?
            .iter()
            .rev()
            .find(|v| v.is_valid_on(date))
    }

    /// Every version of `code`, oldest first.
    pub fn versions(&self, code: u32) -> &[Version<R>] {
        self.map.get(&code).map_or(&[], |v| v.as_slice())
    }

    /// The newest version of `code`, whatever its dates.
    pub fn latest(&self, code: u32) -> Option<&R> {
        self.map.get(&code)?.last().map(|v| &v.record)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Number of versions over all codes.
    pub fn version_count(&self) -> usize {
        self.map.values().map(Vec::len).sum()
    }

    /// Every code (unordered).
    pub fn codes(&self) -> impl Iterator<Item = u32> + '_ {
        self.map.keys().copied()
    }

    /// Every version of every code (unordered).
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Version<R>)> + '_ {
        self.map
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (*k, v)))
    }

    /// Earliest valid-from and latest valid-to over all versions.
    pub fn date_range(&self) -> Option<(Date, Date)> {
        let mut it = self.map.values().flatten();
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
        match self.map.entry(code) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(vec![v]);
                true
            }
        }
    }

    pub(crate) fn versions_mut(&mut self, code: u32) -> Option<&mut Vec<Version<R>>> {
        self.map.get_mut(&code)
    }

    pub(crate) fn remove(&mut self, code: u32) -> bool {
        self.map.remove(&code).is_some()
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
