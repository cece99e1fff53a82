//! The embedded demo data is a faithful subset of the official r06 masters: every demo row equals
//! the official row of the same code, so results on the demo data are real results.

mod common;

use common::{date, masters};
use santei_masters::{MasterRecord, MasterSet, Provenance, Table};

fn same_rows<R: MasterRecord + std::fmt::Debug>(demo: &Table<R>, real: &Table<R>) -> usize {
    let mut n = 0;
    for (code, v) in demo.iter() {
        let official = real
            .latest(code)
            .unwrap_or_else(|| panic!("demo code {code} is not in the official r06 file"));
        assert_eq!(
            &v.record, official,
            "demo row {code} differs from the official row"
        );
        n += 1;
    }
    n
}

#[test]
fn demo_rows_equal_the_official_rows() {
    let demo = MasterSet::demo().unwrap();
    assert_eq!(demo.provenance, Provenance::Demo);
    assert_eq!(demo.revision.id, "r2024-06");
    let real = MasterSet::load(masters("r06")).unwrap();
    assert!(same_rows(&demo.procedures, &real.procedures) >= 40);
    assert!(same_rows(&demo.drugs, &real.drugs) >= 5);
    assert!(same_rows(&demo.materials, &real.materials) >= 1);
    assert!(same_rows(&demo.comments, &real.comments) >= 5);
    assert!(same_rows(&demo.diseases, &real.diseases) >= 5);
    assert!(same_rows(&demo.modifiers, &real.modifiers) >= 5);
}

#[test]
fn demo_has_the_outpatient_basics() {
    let demo = MasterSet::demo().unwrap();
    let d = date("2024-06-01");
    for (code, points) in [
        (111000110, 291),
        (112007410, 75),
        (112011010, 52),
        (111000370, 75),
    ] {
        assert_eq!(
            demo.procedures.get(code, d).unwrap().points.whole(),
            Some(points),
            "{code}"
        );
    }
}
