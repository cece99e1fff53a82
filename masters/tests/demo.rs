//! The embedded demo data is a faithful subset of the official masters (r06; r08 excerpt): every demo row equals
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

#[test]
fn r2026_06_demo_rows_equal_the_r08_rows() {
    let demo = MasterSet::demo_of(santei_masters::demo::of("r2026-06").unwrap()).unwrap();
    assert_eq!(demo.provenance, Provenance::Demo);
    assert_eq!(demo.revision.id, "r2026-06");
    let real = MasterSet::load(masters("r08-excerpt")).unwrap();
    assert!(real.coverage.is_partial(), "the excerpt is flagged partial");
    assert_eq!(same_rows(&demo.procedures, &real.procedures), 63);
    assert_eq!(same_rows(&demo.drugs, &real.drugs), 8);
    // r08 changed values the demo shows (告示 A001 再診料 76点, A002 外来診療料 77点; the
    // ベースアップ評価料 of 第2章第14部 O 17点).
    let d = date("2026-12-01");
    for (code, points) in [
        (111000110, 291),
        (112007410, 76),
        (112011310, 77),
        (180725710, 17),
        (112016070, 7),
    ] {
        assert_eq!(
            demo.procedures.get(code, d).unwrap().points.whole(),
            Some(points),
            "{code}"
        );
    }
}

#[test]
fn the_demo_catalog_picks_by_date() {
    let c = santei_masters::MasterCatalog::demo().unwrap();
    assert_eq!(
        c.for_date(date("2026-05-29")).unwrap().revision.id,
        "r2024-06"
    );
    assert_eq!(
        c.for_date(date("2026-06-01")).unwrap().revision.id,
        "r2026-06"
    );
    assert!(c.for_date(date("2024-05-31")).is_none());
}
