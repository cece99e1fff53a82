//! `Table::get` and `Table::version` (one probe of the table's code index) give, for every code
//! of the official r06 masters with the published change files applied, what the scan of the
//! code's versions gives: the newest version valid on the date.

mod common;

use common::{masters, shared};
use santei_masters::{Date, LoadOptions, MasterRecord, MasterSet, Table, Version};

/// The dates where an answer can change (every version's first and last day, the days around
/// them, a 経過措置 end) and the first day of every month the set covers.
fn dates<R: MasterRecord>(vs: &[Version<R>], months: &[Date]) -> Vec<Date> {
    let mut out = months.to_vec();
    for v in vs {
        out.extend([
            v.valid_from,
            v.valid_from.pred(),
            v.valid_to,
            v.valid_to.succ(),
        ]);
        if let Some(last) = v.record.transitional_until() {
            out.extend([last, last.succ()]);
        }
    }
    out
}

/// Checks every code of `t`; returns the number of lookups.
fn same_as_the_scan<R: MasterRecord>(t: &Table<R>, months: &[Date]) -> usize {
    let mut n = 0;
    for code in t.codes() {
        let vs = t.versions(code);
        for date in dates(vs, months) {
            let want = vs.iter().rev().find(|v| v.is_valid_on(date));
            let got = t.version(code, date);
            assert_eq!(
                got.map(|v| v as *const Version<R>),
                want.map(|v| v as *const Version<R>),
                "{} {code} on {date:?}",
                R::KIND.letter()
            );
            assert_eq!(
                t.get(code, date).map(|r| r as *const R),
                want.map(|v| &v.record as *const R)
            );
            n += 1;
        }
        // A code next to a known one is unknown unless the table has it.
        if t.versions(code.wrapping_add(1)).is_empty() {
            assert!(t.get(code.wrapping_add(1), months[0]).is_none());
        }
    }
    n
}

fn every_kind(set: &MasterSet) -> usize {
    let months: Vec<Date> = (0..36)
        .filter_map(|i| Date::from_ymd(2024 + (5 + i) / 12, (5 + i) % 12 + 1, 1))
        .collect();
    same_as_the_scan(&set.procedures, &months)
        + same_as_the_scan(&set.drugs, &months)
        + same_as_the_scan(&set.materials, &months)
        + same_as_the_scan(&set.comments, &months)
        + same_as_the_scan(&set.diseases, &months)
        + same_as_the_scan(&set.modifiers, &months)
}

#[test]
fn every_code_of_r06_as_the_scan_of_its_versions() {
    let set = MasterSet::load(masters("r06")).unwrap();
    assert!(every_kind(&set) > 100_000);
}

#[test]
fn every_code_of_r06_with_the_change_files_as_the_scan_of_its_versions() {
    let opts = LoadOptions {
        updates: Some(shared().join("masters/updates")),
        ..Default::default()
    };
    let set = MasterSet::load_with(masters("r06"), &opts).unwrap();
    // The change files give codes several versions: the lookups must pick among them.
    assert!(
        set.procedures
            .codes()
            .any(|c| set.procedures.versions(c).len() > 1)
    );
    assert!(set.drugs.codes().any(|c| set.drugs.versions(c).len() > 1));
    assert!(every_kind(&set) > 100_000);
}
