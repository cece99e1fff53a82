//! The loaders against the official 基本マスター in ../shared/masters.

mod common;

use common::{date, masters, shared};
use santei_masters::{LoadOptions, MasterKind, MasterSet, Revision};

fn rows(set: &MasterSet, kind: MasterKind) -> usize {
    set.kind_report(kind)
        .and_then(|r| r.base.as_ref())
        .map_or(0, |b| b.rows)
}

#[test]
fn r06_row_counts_match_the_files() {
    let set = MasterSet::load(masters("r06")).unwrap();
    assert_eq!(set.revision.id, "r2024-06");
    assert_eq!(rows(&set, MasterKind::Procedure), 10_133);
    assert_eq!(rows(&set, MasterKind::Drug), 19_748);
    assert_eq!(rows(&set, MasterKind::Material), 1_334);
    assert_eq!(rows(&set, MasterKind::Comment), 3_898);
    assert_eq!(rows(&set, MasterKind::Disease), 27_437);
    assert_eq!(rows(&set, MasterKind::Modifier), 2_349);
    // The six 抹消 rows of the コメント file are dropped and reported, not kept.
    let c = set
        .kind_report(MasterKind::Comment)
        .unwrap()
        .base
        .as_ref()
        .unwrap();
    assert_eq!(
        c.erased,
        [
            "850600196",
            "850600197",
            "850600198",
            "850600199",
            "850600200",
            "850600201"
        ]
    );
    assert_eq!(set.comments.len(), 3_898 - 6);
    assert!(set.report.warnings.is_empty(), "{:?}", set.report.warnings);
}

#[test]
fn r04_and_r02_load_what_their_files_hold() {
    let r04 = MasterSet::load(masters("r04")).unwrap();
    assert_eq!(r04.revision.id, "r2022-04");
    assert_eq!(rows(&r04, MasterKind::Procedure), 9_113);
    assert_eq!(rows(&r04, MasterKind::Drug), 20_596);
    assert_eq!(rows(&r04, MasterKind::Material), 1_327);
    assert_eq!(rows(&r04, MasterKind::Comment), 3_065);
    assert_eq!(rows(&r04, MasterKind::Disease), 27_384);
    assert_eq!(rows(&r04, MasterKind::Modifier), 2_334);

    let r02 = MasterSet::load(masters("r02")).unwrap();
    assert_eq!(r02.revision.id, "r2020-04");
    assert_eq!(rows(&r02, MasterKind::Procedure), 8_735);
    // Only the 医科診療行為 file is published here: the others are missing with a warning each.
    assert_eq!(r02.report.warnings.len(), 5, "{:?}", r02.report.warnings);
    assert!(r02.report.warnings[0].message.contains("ssk.or.jp"));
}

#[test]
fn shoshinryo_by_revision_and_date() {
    let r06 = MasterSet::load(masters("r06")).unwrap();
    let s = r06.procedures.get(111000110, date("2024-06-01")).unwrap();
    assert_eq!(s.points.whole(), Some(291));
    assert_eq!(&*s.abbr_name, "初診料");
    assert_eq!(s.addition_code, 1101);
    assert_eq!(s.addition_serial.as_char(), '0');
    let (min, max, link) = s.age_additions().next().unwrap();
    assert_eq!(
        (min.as_str(), max.as_str(), link.0),
        ("00", "06", 111000370)
    );
    // Valid from its 変更年月日: the r06 row does not answer for the day before the revision.
    assert!(r06.procedures.get(111000110, date("2024-05-31")).is_none());

    let r04 = MasterSet::load(masters("r04")).unwrap();
    assert_eq!(
        r04.procedures
            .get(111000110, date("2024-05-31"))
            .unwrap()
            .points
            .whole(),
        Some(288)
    );

    let mut catalog = santei_masters::MasterCatalog::new();
    catalog.insert(r04);
    catalog.insert(r06);
    let on = |d| {
        catalog
            .for_date(date(d))
            .unwrap()
            .procedures
            .get(111000110, date(d))
            .unwrap()
            .points
            .whole()
    };
    assert_eq!(on("2024-05-31"), Some(288));
    assert_eq!(on("2024-06-01"), Some(291));
}

#[test]
fn known_rows_of_every_kind() {
    let set = MasterSet::load(masters("r06")).unwrap();
    let d = date("2024-06-01");
    assert_eq!(
        set.procedures.get(112007410, d).unwrap().points.whole(),
        Some(75)
    );
    assert_eq!(
        set.procedures.get(112011310, d).unwrap().points.whole(),
        Some(76)
    );
    let nyu = set.procedures.get(111000370, d).unwrap();
    assert_eq!((nyu.points.whole(), nyu.max_age.as_str()), (Some(75), "06"));

    let loxonin = set.drugs.get(620098801, d).unwrap();
    assert_eq!(
        (&*loxonin.name, loxonin.price.to_string().as_str()),
        ("ロキソニン錠６０ｍｇ", "10.10")
    );
    assert_eq!(loxonin.dosage_form(), santei_masters::DosageForm::Internal);
    assert_eq!(&*loxonin.generic_name_code, "1149019F1ZZZ");

    let film = set.materials.get(700010000, d).unwrap();
    assert_eq!(
        (&*film.name, film.price.to_string().as_str()),
        ("半切", "120.00")
    );
    assert_eq!(film.reprocessed_sud, 0);

    let c = set.comments.get(840000013, d).unwrap();
    assert_eq!((c.pattern, c.edit_1_position, c.edit_1_width), (40, 7, 2));
    // Leading full-width spaces are kept.
    assert!(
        set.comments
            .get(820000096, d)
            .unwrap()
            .text
            .starts_with('\u{3000}')
    );

    let b = set.diseases.latest(8833421).unwrap();
    assert_eq!(
        (&*b.name, &*b.icd10_1, &*b.code),
        ("高血圧症", "I10", "8833421")
    );
    assert_eq!(&*set.diseases.latest(999).unwrap().code, "0000999");
    let z = set.modifiers.latest(8002).unwrap();
    assert_eq!((&*z.name, &*z.modifier_class), ("の疑い", "A8000000"));
}

#[test]
fn r04_drug_file_has_35_columns_and_loads() {
    let r04 = MasterSet::load(masters("r04")).unwrap();
    let loxonin = r04.drugs.get(620098801, date("2024-01-15")).unwrap();
    assert_eq!(loxonin.old_price.to_string(), "11.00");
    // Columns 36–42 did not exist in that edition: they take the spec's defaults.
    assert!(loxonin.generic_name_code.is_empty());
    assert_eq!(loxonin.selective_care, 0);
}

#[test]
fn parallel_and_sequential_loads_agree() {
    let a = MasterSet::load(masters("r06")).unwrap();
    let b = MasterSet::load_with(
        masters("r06"),
        &LoadOptions {
            parallel: true,
            ..Default::default()
        },
    )
    .unwrap();
    for code in [111000110, 160008010, 190117710] {
        assert_eq!(a.procedures.latest(code), b.procedures.latest(code));
    }
    assert_eq!(a.drugs.len(), b.drugs.len());
    assert_eq!(a.diseases.len(), b.diseases.len());
}

#[test]
fn revision_can_be_forced() {
    let opts = LoadOptions {
        revision: Revision::parse("r2024-06"),
        kinds: Some(vec![]),
        ..Default::default()
    };
    let set = MasterSet::load_with(masters("r04"), &opts).unwrap();
    assert_eq!(set.revision.id, "r2024-06");
    assert!(set.drugs.is_empty());
    let _ = shared();
}
