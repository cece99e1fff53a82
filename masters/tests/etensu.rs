//! The 医科電子点数表 R6 copy in ../shared/etensu/r06, checked against its known row counts and the
//! worked examples of the official 「医科電子点数表の活用手引き 令和６年度版」 (tensuhyo_01.txt).
//! These tests FAIL when ../shared is missing.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::date;
use santei_masters::etensu::{
    CountUnit, Etensu, EtensuTable, ExclusionKind, ExclusionWindow, GroupNo,
};
use santei_masters::{ChangeKind, Code};

fn r06_dir() -> PathBuf {
    let dir = common::shared().join("etensu").join("r06");
    assert!(
        dir.join("01補助マスターテーブル.csv").is_file(),
        "the 医科電子点数表 folder `{}` is missing",
        dir.display()
    );
    dir
}

fn r06() -> &'static Etensu {
    static ET: OnceLock<Etensu> = OnceLock::new();
    ET.get_or_init(|| Etensu::load(r06_dir()).unwrap_or_else(|e| panic!("{e}")))
}

const MONTH: ExclusionWindow = ExclusionWindow::SameMonth;
const SAME_TIME: ExclusionWindow = ExclusionWindow::Simultaneous;
const WEEK: ExclusionWindow = ExclusionWindow::SameWeek;

#[test]
fn row_counts_match_the_r6_copy() {
    let et = r06();
    let expected = [
        (EtensuTable::Aux, 10_172),
        (MONTH.table(), 21_920),
        (SAME_TIME.table(), 17_136),
        (WEEK.table(), 350),
        (EtensuTable::AdmissionAddition, 6_084),
        (EtensuTable::CountLimit, 5_341),
    ];
    assert_eq!(et.report.tables.len(), expected.len());
    for (table, rows) in expected {
        let rep = et.report.table(table).unwrap();
        assert_eq!((rep.rows, rep.kept, rep.erased), (rows, rows, 0), "{table}");
        assert_eq!(rep.file, table.file_name());
        assert!(et.has_table(table));
    }
    assert_eq!(et.aux_rows().len(), 10_172);
    assert_eq!(et.exclusions(MONTH).len(), 21_920);
    assert_eq!(et.exclusions(SAME_TIME).len(), 17_136);
    assert_eq!(et.exclusions(WEEK).len(), 350);
    assert_eq!(et.admission_additions_all().len(), 6_084);
    assert_eq!(et.count_limits_all().len(), 5_341);
    assert_eq!(et.admission_groups().len(), 95);
    // 3 rows are 新規 (2025-11-12, PSMA PET) in 01 and in 05; everything else 異動なし.
    let new: Vec<Code> = et
        .aux_rows()
        .iter()
        .filter(|r| r.change == ChangeKind::New)
        .map(|r| r.code)
        .collect();
    assert_eq!(
        new,
        [Code(170707250), Code(170707350), Code(170707450)].to_vec()
    );
    let psma = Code(170707250);
    assert!(et.aux_on(psma, date("2025-11-11")).is_none());
    assert!(et.aux_on(psma, date("2025-11-12")).is_some());
    assert_eq!(et.count_limits(psma)[0].unit(), CountUnit::PER_PATIENT);
}

#[test]
fn missing_tables_02_and_03_1_are_warnings() {
    let et = r06();
    let w = &et.report.warnings;
    assert_eq!(w.len(), 2, "{w:?}");
    for (t, warning) in [EtensuTable::Inclusion, ExclusionWindow::SameDay.table()]
        .into_iter()
        .zip(w)
    {
        assert!(!et.has_table(t));
        assert!(warning.message.contains(t.file_name()), "{warning}");
        assert!(
            warning
                .message
                .contains(santei_masters::ETENSU_DOWNLOAD_PAGE),
            "{warning}"
        );
    }
    assert!(et.inclusions().is_empty());
    assert!(et.exclusions(ExclusionWindow::SameDay).is_empty());
}

#[test]
fn guide_example_blood_vessel_endoscopy() {
    // 血管内視鏡検査: 包括単位 3 (同時), group D324001; 03-3 with 透視診断, 背反区分 1.
    let et = r06();
    let code = Code(160171310);
    let r = et.aux(code).unwrap();
    assert_eq!(r.name.as_str(), "血管内視鏡検査");
    let l = r.inclusion1.unwrap();
    assert_eq!((l.unit, l.group.as_str()), (3, "D324001"));
    assert!(r.exclusion_same_time);
    let d = date("2024-06-01");
    let row = et.exclusion(SAME_TIME, code, Code(170000310), d).unwrap();
    assert_eq!(row.name2.as_str(), "透視診断");
    assert_eq!(row.kind, ExclusionKind::KeepFirst);
    assert!(!row.special_condition);
    let back = et.exclusion(SAME_TIME, Code(170000310), code, d).unwrap();
    assert_eq!(back.kind, ExclusionKind::KeepSecond);
    assert!(
        et.exclusions_for(SAME_TIME, code)
            .iter()
            .all(|r| r.code1 == code)
    );
}

#[test]
fn guide_example_incubator() {
    let et = r06();
    let r = et.aux(Code(140028410)).unwrap();
    assert_eq!(r.name.as_str(), "インキュベーター");
    let links: Vec<_> = r.inclusions().collect();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].unit, 1);
    assert_eq!(links[0].group, GroupNo::new("J028001").unwrap());
    assert_eq!(links[0].unit_name(), Some("1日につき"));
    assert!(r.exclusion_day && r.count_related);
    assert_eq!(r.admission_group, 0);
}

#[test]
fn guide_example_catheter_exclusions_same_month() {
    // 付表3: 留置カテーテル設置 vs 在宅自己導尿指導管理料 (同一月内): 2/1 with 特例条件.
    let et = r06();
    let d = date("2024-06-01");
    let (cath, home) = (Code(140013810), Code(114004410));
    let a = et.exclusion(MONTH, cath, home, d).unwrap();
    let b = et.exclusion(MONTH, home, cath, d).unwrap();
    assert_eq!(
        (a.kind, b.kind),
        (ExclusionKind::KeepSecond, ExclusionKind::KeepFirst)
    );
    assert!(a.special_condition && b.special_condition);
    assert!(et.aux(cath).unwrap().exclusion_day);
}

#[test]
fn guide_example_psychiatric_ward_group_067() {
    let et = r06();
    let r = et.aux(Code(190055010)).unwrap();
    assert_eq!(r.name.as_str(), "精神療養病棟入院料");
    assert_eq!(r.admission_group, 67);
    assert_eq!(r.inclusion1.unwrap().group.as_str(), "A312001");
    let adds = et.admission_additions(67);
    let kind = |c: u32| {
        adds.iter()
            .find(|a| a.code == Code(c))
            .map(|a| a.addition_kind)
    };
    assert_eq!(kind(190117170), Some(1)); // 基幹型臨床研修病院入院診療加算
    assert_eq!(kind(190119910), Some(1)); // 協力型
    assert_eq!(kind(190172710), Some(2)); // ５０対１補助体制加算
    assert_eq!(kind(190077070), Some(3)); // １級地地域加算
    assert!(adds.iter().all(|a| a.group == 67));
    // 急性期一般入院料１ is group 001.
    assert_eq!(et.aux(Code(190117710)).unwrap().admission_group, 1);
}

#[test]
fn guide_example_count_limits() {
    let et = r06();
    let rows = et.count_limits(Code(190169610));
    assert_eq!(
        rows[0].name.as_str(),
        "有床診療所入院基本料１（１４日以内）"
    );
    let got: Vec<(u16, &str, u16)> = rows
        .iter()
        .map(|r| (r.unit_code, r.unit_name.as_str(), r.count))
        .collect();
    assert_eq!(got, vec![(121, "日", 1), (133, "入院中", 14)]);

    // リンパ浮腫複合的治療料（重症）: 日 1, and 月 1 with 特例条件 (開始月から2月以内は計11回).
    let lymph: Vec<(CountUnit, u16, bool)> = et
        .count_limits(Code(180046410))
        .iter()
        .map(|r| (r.unit(), r.count, r.special_condition))
        .collect();
    assert_eq!(
        lymph,
        vec![(CountUnit::DAY, 1, false), (CountUnit::MONTH, 1, true)]
    );
    assert_eq!(
        et.count_limits(Code(180046410))[1].name.as_str(),
        "リンパ浮腫複合的治療料（重症）"
    );
    let specials = et
        .count_limits_all()
        .iter()
        .filter(|r| r.special_condition)
        .count();
    assert_eq!(specials, 673);
}

#[test]
fn exclusion_kinds_and_mirrors() {
    let et = r06();
    let d = date("2025-11-12");
    let expected = [
        (MONTH, [5_649, 5_649, 10_622], 2_220),
        (SAME_TIME, [7_265, 7_265, 2_606], 1_104),
        (WEEK, [171, 171, 8], 304),
    ];
    for (w, kinds, specials) in expected {
        let rows = et.exclusions(w);
        let mut n = [0usize; 3];
        for r in rows {
            n[r.kind.digit() as usize - 1] += 1;
        }
        assert_eq!(n, kinds, "{w:?}");
        assert_eq!(
            rows.iter().filter(|r| r.special_condition).count(),
            specials
        );
        // Every pair is stored both ways, with the mirrored 背反区分 and the same 特例条件.
        for r in rows {
            let m = et
                .exclusion(w, r.code2, r.code1, d)
                .unwrap_or_else(|| panic!("{w:?}: no mirror of {} → {}", r.code1, r.code2));
            assert_eq!(m.kind, r.kind.mirrored(), "{w:?} {} {}", r.code1, r.code2);
            assert_ne!(r.code1, r.code2);
        }
        // The index is complete: every row is reachable by its code1.
        let indexed: usize = {
            let mut codes: Vec<Code> = rows.iter().map(|r| r.code1).collect();
            codes.dedup();
            codes.iter().map(|&c| et.exclusions_for(w, c).len()).sum()
        };
        assert_eq!(indexed, rows.len());
    }
}

#[test]
fn cross_table_links() {
    let et = r06();
    let findings = et.check_links();
    for f in &findings {
        println!("{f}");
    }
    // The only inconsistency of the R6 copy: 5 加算 flagged 算定回数関連 = 1 without 05 rows.
    let mut codes: Vec<&str> = findings
        .iter()
        .map(|w| {
            assert!(
                w.message.contains("算定回数関連 = 1 but no row in 05"),
                "{w}"
            );
            &w.message[3..12]
        })
        .collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "180047270",
            "180761070",
            "180761170",
            "180761370",
            "180761570"
        ]
    );
    // Every 05 unit is in 付表1 under the published name (checked by check_links too).
    for r in et.count_limits_all() {
        assert_eq!(r.unit().name(), Some(r.unit_name.as_str()), "{}", r.code);
    }
}

#[test]
fn rows_and_report_serialize() {
    let et = r06();
    let v = serde_json::to_value(et.aux(Code(160171310)).unwrap()).unwrap();
    assert_eq!(v["code"], "160171310");
    assert_eq!(v["inclusion1"]["group"], "D324001");
    assert_eq!(v["abolished_on"], serde_json::Value::Null);
    let v = serde_json::to_value(&et.exclusions_for(SAME_TIME, Code(160171310))[0]).unwrap();
    assert!(v["kind"].is_string());
    let v = serde_json::to_value(&et.report).unwrap();
    assert_eq!(v["tables"].as_array().unwrap().len(), 6);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 2);
}

#[test]
fn load_time_of_r06() {
    // Run with `cargo test --release -p santei-masters --test etensu -- --nocapture`.
    let dir = r06_dir();
    let mut best = None;
    let mut last = None;
    for _ in 0..5 {
        let et = Etensu::load(&dir).unwrap();
        let t = et.report.elapsed;
        best = Some(best.map_or(t, |b: std::time::Duration| b.min(t)));
        last = Some(et);
    }
    println!("{}", last.unwrap().report);
    println!(
        "best of 5 loads: {:.1} ms",
        best.unwrap().as_secs_f64() * 1000.0
    );
}
