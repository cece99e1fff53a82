//! The published change files (../shared/masters/updates) applied on top of the r06 base set.

mod common;

use common::{date, masters, shared};
use santei_masters::{LoadOptions, MasterKind, MasterSet};

fn r06_with_updates() -> MasterSet {
    let opts = LoadOptions {
        updates: Some(shared().join("masters/updates")),
        ..Default::default()
    };
    MasterSet::load_with(masters("r06"), &opts).unwrap()
}

#[test]
fn a_dated_point_change_takes_effect_on_its_date_and_not_before() {
    let set = r06_with_updates();
    // s_20250307.csv: 医療ＤＸ推進体制整備加算４（初診） 11点 → 10点 from 2025-04-01 (変更年月日).
    let code = 111703470;
    let before = set.procedures.get(code, date("2025-03-31")).unwrap();
    let after = set.procedures.get(code, date("2025-04-01")).unwrap();
    assert_eq!(before.points.whole(), Some(11));
    assert_eq!(after.points.whole(), Some(10));
    assert_eq!(after.old_points.whole(), Some(11));
    assert_eq!(after.changed_on, date("2025-04-01"));
    // Columns the change row left empty keep their values.
    assert_eq!(after.addition_code, before.addition_code);
    assert_eq!(&*after.abbr_name, "医療ＤＸ推進体制整備加算４（初診）");
    let versions = set.procedures.versions(code);
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].valid_to, date("2025-03-31"));

    // The code itself is new since the base file (s_20240906.csv, 変更区分 3, from 2024-10-01).
    assert_eq!(versions[0].valid_from, date("2024-10-01"));
    assert!(set.procedures.get(code, date("2024-09-30")).is_none());
    let base = MasterSet::load(masters("r06")).unwrap();
    assert!(base.procedures.latest(code).is_none());
}

#[test]
fn a_drug_price_change_and_a_new_drug() {
    let set = r06_with_updates();
    // y_20240613.csv: 622911101 薬価 147.90 → 143.90 from 2024-07-01.
    assert_eq!(
        set.drugs
            .get(622911101, date("2024-06-30"))
            .unwrap()
            .price
            .to_string(),
        "147.90"
    );
    assert_eq!(
        set.drugs
            .get(622911101, date("2024-07-01"))
            .unwrap()
            .price
            .to_string(),
        "143.90"
    );
    // y_20240906.csv has 42 columns (選定療養区分 appears); such rows load too.
    let report = set.kind_report(MasterKind::Drug).unwrap();
    assert_eq!(report.updates.len(), 20);
    assert!(
        report
            .updates
            .iter()
            .all(|u| u.applied + u.unchanged == u.rows),
        "{:#?}",
        report.updates
    );
    let new_in_0613 = &report.updates[0];
    assert_eq!((new_in_0613.new, new_in_0613.changed), (76, 4));
}

#[test]
fn abolition_ends_a_code_on_its_last_day() {
    let set = r06_with_updates();
    // s_20241108.csv: 変更区分 9, 廃止年月日 20241130.
    let code = 111703170;
    assert!(set.procedures.get(code, date("2024-11-30")).is_some());
    assert!(set.procedures.get(code, date("2024-12-01")).is_none());
    // コメント c_20250307.csv abolishes 98 codes on 2025-03-31.
    let c = set.kind_report(MasterKind::Comment).unwrap();
    assert_eq!(
        c.updates.iter().map(|u| u.abolished).sum::<usize>(),
        52 + 98 + 3
    );
}

#[test]
fn every_update_row_is_accounted_for() {
    let set = r06_with_updates();
    for k in &set.report.kinds {
        for u in &k.updates {
            assert_eq!(
                u.applied + u.unchanged + u.erased.len(),
                u.rows,
                "{}: {u:?}",
                u.file
            );
        }
    }
    // The 修飾語 complete file of 2025-06-01 is applied as a newer snapshot.
    let z = set.kind_report(MasterKind::Modifier).unwrap();
    assert_eq!(z.updates.len(), 1);
    assert!(set.report.warnings.is_empty(), "{:?}", set.report.warnings);
}
