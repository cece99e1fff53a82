//! `santei_masters::diff` (改定差分) on the official masters in ../shared/masters: r04 → r06
//! complete files, and r06 → the r08 excerpt (a partial set).

mod common;

use common::masters;
use santei_masters::diff::{Change, DiffOptions, ItemChange, KindDiff, Scope, diff};
use santei_masters::{DiffError, LoadOptions, MasterKind, MasterSet};

fn rows(set: &MasterSet, kind: MasterKind) -> usize {
    set.kind_report(kind)
        .and_then(|r| r.base.as_ref())
        .map_or(0, |b| b.rows)
}

fn find<'a>(k: &'a KindDiff, code: &str) -> Option<&'a ItemChange> {
    k.changes().find(|c| c.code == code)
}

fn points(c: &ItemChange) -> (Option<i64>, Option<i64>) {
    (
        c.old.as_ref().and_then(|s| s.amount?.whole()),
        c.new.as_ref().and_then(|s| s.amount?.whole()),
    )
}

fn r08_excerpt(prefixes: &[&str]) -> MasterSet {
    let options = LoadOptions {
        complete_prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
        ..Default::default()
    };
    MasterSet::load_with(masters("r08-excerpt"), &options).unwrap()
}

#[test]
fn r04_to_r06_complete_files() {
    let r04 = MasterSet::load(masters("r04")).unwrap();
    let r06 = MasterSet::load(masters("r06")).unwrap();
    let d = diff(&r04, &r06, &DiffOptions::default()).unwrap();
    assert_eq!(d.scope, Scope::All);
    assert_eq!(d.old.as_of.to_string(), "2024-05-31");
    assert_eq!(d.new.as_of.to_string(), "2024-06-01");
    assert_eq!(
        d.kinds.iter().map(|k| k.kind).collect::<Vec<_>>(),
        [
            MasterKind::Procedure,
            MasterKind::Drug,
            MasterKind::Material,
            MasterKind::Comment
        ]
    );

    // The counts add up to the master rows: every code of each file is counted once on each side.
    for k in &d.kinds {
        assert!(k.adds_up(), "{:?}", k.kind);
        assert_eq!((k.old_outside, k.new_outside), (0, 0));
        assert_eq!(
            k.old_rows,
            k.unchanged + k.changed() + k.abolished.len(),
            "{:?}",
            k.kind
        );
        assert_eq!(
            k.new_rows,
            k.unchanged + k.changed() + k.added.len(),
            "{:?}: no row of the r06 files only carries a 廃止",
            k.kind
        );
    }
    let [s, y, t, c] = &d.kinds[..] else {
        unreachable!()
    };
    // Rows of the complete files (one per code; the コメント file's 6 抹消 rows are dropped).
    assert_eq!(
        (s.old_rows, s.new_rows),
        (rows(&r04, MasterKind::Procedure), 10_133)
    );
    assert_eq!(s.old_rows, 9_113);
    assert_eq!(
        (y.old_rows, y.new_rows),
        (rows(&r04, MasterKind::Drug), 19_748)
    );
    assert_eq!(
        (t.old_rows, t.new_rows),
        (rows(&r04, MasterKind::Material), 1_334)
    );
    assert_eq!((c.old_rows, c.new_rows), (r04.comments.len(), 3_898 - 6));

    // 初診料 288 → 291, 再診料 73 → 75 (../shared/masters/README.md).
    let shoshin = find(s, "111000110").unwrap();
    assert_eq!(shoshin.change, Change::Points);
    assert_eq!(points(shoshin), (Some(288), Some(291)));
    assert_eq!(shoshin.new.as_ref().unwrap().name, "初診料");
    assert!(!shoshin.renamed);
    let saishin = find(s, "112007410").unwrap();
    assert_eq!(
        (saishin.change, points(saishin)),
        (Change::Points, (Some(73), Some(75)))
    );

    // The measured counts (README "What changed at a 改定").
    let counts = |k: &KindDiff| {
        [
            k.unchanged,
            k.points.len(),
            k.renamed.len(),
            k.other.len(),
            k.added.len(),
            k.abolished.len(),
        ]
    };
    assert_eq!(counts(s), [5_915, 1_590, 175, 678, 1_775, 755]);
    assert_eq!(counts(y), [7_487, 11_716, 6, 399, 140, 988]);
    assert_eq!(counts(t), [988, 316, 6, 1, 23, 16]);
    assert_eq!(counts(c), [2_796, 0, 268, 1, 827, 0]);

    // A 新設 of r06 and a 廃止 of r04 (医療情報・システム基盤整備体制充実加算 → 医療情報取得加算).
    let added = find(s, "111703170").unwrap();
    assert_eq!(
        (added.change, points(added)),
        (Change::Added, (None, Some(3)))
    );
    let gone = find(s, "111015970").unwrap();
    assert_eq!((gone.change, gone.new.as_ref()), (Change::Abolished, None));
    // Columns the r04 edition does not fill are listed, not compared (医薬品 一般名コード).
    assert!(y.new_columns.iter().any(|c| c.label == "一般名コード"));
    assert!(y.changes().all(|c| !c.columns.contains(&"一般名コード")));
    // The lists are sorted by code within each change.
    for k in &d.kinds {
        for list in [&k.points, &k.renamed, &k.other, &k.added, &k.abolished] {
            assert!(list.windows(2).all(|w| w[0].code < w[1].code));
        }
    }
}

#[test]
fn r06_to_r08_excerpt_compares_only_the_complete_ranges() {
    let r06 = MasterSet::load(masters("r06")).unwrap();

    // Without declared prefixes the excerpt cannot be compared: its missing codes would read
    // as abolished.
    let bare = r08_excerpt(&[]);
    assert!(bare.coverage.is_partial());
    let err = diff(&r06, &bare, &DiffOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            DiffError::PartialWithoutPrefixes {
                side: "new",
                revision: "r2026-06",
                ..
            }
        ),
        "{err}"
    );

    let prefixes = ["111", "112", "113", "120", "130"];
    // Prefixes declared when loading the excerpt, or given to the diff: the same result.
    let declared = diff(&r06, &r08_excerpt(&prefixes), &DiffOptions::default()).unwrap();
    let asked = diff(
        &r06,
        &bare,
        &DiffOptions {
            prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        },
    )
    .unwrap();
    for d in [&declared, &asked] {
        let Scope::Prefixes {
            prefixes: p,
            reason,
        } = &d.scope
        else {
            panic!("{:?}", d.scope)
        };
        assert_eq!(p, &prefixes);
        assert!(reason.contains("excerpt"), "{reason}");
        assert!(d.new.partial && !d.old.partial);
        assert_eq!(d.old.as_of.to_string(), "2026-05-31");
        assert_eq!(d.new.as_of.to_string(), "2026-06-01");
    }
    let s = &declared.kinds[0];
    let s2 = &asked.kinds[0];
    assert_eq!(s.changes().count(), s2.changes().count());
    assert!(s.adds_up());
    // 737 rows of the excerpt in the five ranges (157 + 456 + 47 + 77, its README); the 21 other
    // rows (160…, 180…) are not compared.
    assert_eq!((s.new_rows, s.new_outside), (737, 21));
    assert_eq!(s.old_rows + s.old_outside, 10_133);
    assert_eq!(
        [
            s.old_rows,
            s.unchanged,
            s.points.len(),
            s.renamed.len(),
            s.other.len(),
            s.added.len(),
            s.abolished.len()
        ],
        [672, 483, 84, 15, 54, 101, 36]
    );
    // Nothing outside the ranges is called abolished or new.
    for c in s.changes() {
        assert!(prefixes.iter().any(|p| c.code.starts_with(p)), "{}", c.code);
    }
    // The seven r06 codes the excerpt's README names as gone from 111/112 are abolished.
    for code in [
        "111703170",
        "111703270",
        "111703370",
        "112708870",
        "112708970",
        "112709170",
        "112709270",
    ] {
        assert_eq!(
            find(s, code).map(|c| c.change),
            Some(Change::Abolished),
            "{code}"
        );
    }
    // 再診料 75 → 76, 外来診療料 76 → 77; 初診料 stays 291.
    assert_eq!(points(find(s, "112007410").unwrap()), (Some(75), Some(76)));
    assert_eq!(points(find(s, "112011310").unwrap()), (Some(76), Some(77)));
    assert!(find(s, "111000110").is_none_or(|c| c.change != Change::Points));
    // The 医薬品 excerpt has no complete range: nothing of it is compared.
    let y = &declared.kinds[1];
    assert_eq!((y.old_rows, y.new_rows, y.new_outside), (0, 0, 8));
    assert_eq!(y.changes().count(), 0);
}

#[test]
fn bad_requests_are_errors() {
    let r04 = MasterSet::load_with(
        masters("r04"),
        &LoadOptions {
            kinds: Some(vec![MasterKind::Procedure]),
            ..Default::default()
        },
    )
    .unwrap();
    let r06 = MasterSet::load_with(
        masters("r06"),
        &LoadOptions {
            kinds: Some(vec![MasterKind::Procedure]),
            ..Default::default()
        },
    )
    .unwrap();
    // Older revision second.
    let e = diff(&r06, &r04, &DiffOptions::default()).unwrap_err();
    assert!(matches!(e, DiffError::NotLater { .. }), "{e}");
    assert!(e.to_string().contains("r2022-04"));
    // A prefix that is not digits.
    let e = diff(
        &r04,
        &r06,
        &DiffOptions {
            prefixes: vec!["11a".into()],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e, DiffError::Prefix("11a".into()));
    // 傷病名 is not compared.
    let e = diff(
        &r04,
        &r06,
        &DiffOptions {
            kinds: vec![MasterKind::Disease],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, DiffError::Kind { .. }));
    // Prefixes on complete sets: only those codes, "asked for".
    let d = diff(
        &r04,
        &r06,
        &DiffOptions {
            kinds: vec![MasterKind::Procedure],
            prefixes: vec!["111".into()],
        },
    )
    .unwrap();
    assert!(matches!(&d.scope, Scope::Prefixes { reason, .. } if reason == "asked for"));
    assert!(d.kinds[0].adds_up());
    assert!(d.kinds[0].changes().all(|c| c.code.starts_with("111")));
}
