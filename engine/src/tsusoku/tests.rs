//! The 通則 tables against the official r06 医科診療行為マスター (../shared): every code santei
//! derives exists with the 点数識別 and percentage the 告示 gives it, and the decisions of each 部.

use santei_masters::{Date, MasterSet, Procedure};

use super::*;
use crate::claim::TimeCategory;

fn r06() -> &'static MasterSet {
    &crate::test_masters::r06().set
}

fn day(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

const ON: &str = "2024-07-01";

#[test]
fn every_derived_code_has_the_points_of_its_tsusoku() {
    let set = r06();
    // (code, 点数識別, 点数) as the 告示 gives them (手術 通則7・8・12 r06 l.13236–13292, 処置 通則5
    // l.12374–12395, 麻酔 通則2・3 l.17071–17083, 内視鏡検査 通則5 l.10117–10127, 検体検査 通則1
    // l.8366–8369, 画像 通則3 l.10375–10378).
    let want: &[(u32, u8, i64)] = &[
        (150_306_890, 5, 400),
        (150_000_190, 5, 300),
        (150_000_290, 5, 100),
        (150_342_890, 5, 50),
        (150_371_390, 5, 80),
        (150_371_290, 5, 160),
        (150_371_490, 5, 160),
        (150_371_590, 5, 80),
        (150_000_490, 5, 40),
        (150_000_590, 5, 80),
        (150_000_690, 5, 80),
        (150_000_790, 5, 40),
        (140_055_390, 5, 80),
        (140_055_290, 5, 160),
        (140_055_490, 5, 160),
        (140_055_590, 5, 80),
        (140_000_190, 5, 40),
        (140_000_290, 5, 80),
        (140_000_390, 5, 80),
        (140_000_490, 5, 40),
        (150_286_690, 5, 200),
        (150_231_590, 5, 200),
        (150_231_690, 5, 50),
        (150_265_390, 5, 20),
        (150_231_790, 5, 40),
        (150_231_890, 5, 80),
        (150_231_990, 5, 80),
        (150_232_090, 5, 40),
        (160_204_070, 5, 40),
        (160_203_970, 5, 80),
        (160_204_170, 5, 80),
        (160_204_270, 5, 40),
        (160_000_210, 3, 200),
        (170_016_010, 3, 110),
    ];
    let derived = coverage::derived_codes();
    assert_eq!(derived.len(), want.len());
    for &(code, kind, points) in want {
        let r = set
            .procedures
            .get(code, day(ON))
            .unwrap_or_else(|| panic!("{code} not in r06"));
        assert_eq!(
            (r.point_kind, r.points.whole()),
            (kind, Some(points)),
            "{code}"
        );
        assert!(
            derived.iter().any(|(c, _)| *c == code),
            "{code} not in derived_codes"
        );
    }
}

fn facts(birth: &str, date: &str, time: TimeCategory, emergency: bool) -> Facts {
    Facts {
        birth: day(birth),
        date: day(date),
        birth_weight_g: None,
        weight_g: None,
        time,
        emergency,
        inpatient: false,
    }
}

fn run(code: u32, points: i64, f: &Facts, standards: &[u16]) -> Derived {
    let set = r06();
    let date = f.date;
    let base: &Procedure = set.procedures.get(code, date).unwrap();
    let row = |c: u32| set.procedures.get(c, date);
    let billable = |r: &Procedure| {
        let need: Vec<u16> = r.facility_standards().collect();
        need.is_empty() || need.iter().any(|s| standards.contains(s))
    };
    let env = Env {
        row: &row,
        billable: &billable,
    };
    percent_additions(base, points, f, &env)
}

fn codes(d: &Derived) -> Vec<u32> {
    d.due.iter().map(|d| d.code).collect()
}

#[test]
fn surgery_age_and_time() {
    // 1歳, Sunday, 緊急, no 届出: 乳幼児加算 100% + 休日加算２ 80% (the 小児創傷処理).
    let f = facts("2023-05-10", "2024-07-07", TimeCategory::Holiday, true);
    assert_eq!(
        codes(&run(150_307_310, 500, &f, &[])),
        [150_000_290, 150_000_590]
    );
    // With 3397 (休日加算１ の届出): 休日加算１ 160%.
    assert_eq!(
        codes(&run(150_307_310, 500, &f, &[3397])),
        [150_000_290, 150_371_290]
    );
    // Not 緊急: the age addition only, and TSU-102.
    let f = facts("2023-05-10", "2024-07-07", TimeCategory::Holiday, false);
    let d = run(150_307_310, 500, &f, &[]);
    assert_eq!(codes(&d), [150_000_290]);
    assert_eq!(d.notes[0].rule, NOT_EMERGENCY);
    // 4歳: 幼児加算 50%.
    let f = facts("2020-03-01", "2024-07-08", TimeCategory::Regular, false);
    assert_eq!(codes(&run(150_307_310, 500, &f, &[])), [150_342_890]);
    // 夜間・早朝等: nothing for the time (通知 通則14).
    let f = facts(
        "1980-01-01",
        "2024-07-08",
        TimeCategory::NightEarlyMorning,
        true,
    );
    let d = run(150_001_010, 530, &f, &[]);
    assert!(d.due.is_empty());
    assert_eq!(d.notes[0].rule, CONDITION);
}

#[test]
fn surgery_newborn_needs_the_weight() {
    // K002 デブリードマン (項番47 = 1) on day 10.
    let mut f = facts("2024-07-01", "2024-07-11", TimeCategory::Regular, false);
    let d = run(150_002_210, 1620, &f, &[]);
    assert!(d.due.is_empty());
    assert_eq!((d.notes[0].rule, d.notes[0].warn), (FACT_MISSING, true));
    f.weight_g = Some(2800);
    assert_eq!(codes(&run(150_002_210, 1620, &f, &[])), [150_000_190]);
    f.weight_g = Some(1200);
    assert_eq!(codes(&run(150_002_210, 1620, &f, &[])), [150_306_890]);
}

#[test]
fn treatment_thresholds() {
    // J 処置 of 項番43 = 1: 加算２ from 150点, nothing below, 加算１ from 1,000点 with 3363.
    let set = r06();
    let base = set
        .procedures
        .iter()
        .map(|(_, v)| &v.record)
        .find(|r| r.code_table_part.as_str() == "09" && r.time_addition == 1 && r.point_kind == 3)
        .unwrap()
        .code
        .0;
    let f = facts("1980-01-01", "2024-07-08", TimeCategory::Overtime, true);
    assert_eq!(codes(&run(base, 150, &f, &[])), [140_000_190]);
    let d = run(base, 149, &f, &[]);
    assert!(d.due.is_empty());
    assert_eq!(d.notes[0].rule, CONDITION);
    assert_eq!(codes(&run(base, 1000, &f, &[3363])), [140_055_390]);
    assert_eq!(codes(&run(base, 999, &f, &[3363])), [140_000_190]);
    // 入院: no 加算２ at all, 時間外 never.
    let mut f = facts("1980-01-01", "2024-07-07", TimeCategory::Holiday, true);
    f.inpatient = true;
    assert!(run(base, 500, &f, &[]).due.is_empty());
    assert_eq!(codes(&run(base, 1000, &f, &[3362])), [140_055_290]);
}

#[test]
fn anaesthesia_ages() {
    // L008 閉鎖循環式全身麻酔 family: any 部11 base with 通則年齢 1.
    let set = r06();
    let base = set
        .procedures
        .iter()
        .map(|(_, v)| &v.record)
        .find(|r| r.code_table_part.as_str() == "11" && r.general_age == 1 && r.point_kind == 3)
        .unwrap()
        .code
        .0;
    let at = |birth: &str, w: Option<u32>| {
        let mut f = facts(birth, "2024-07-31", TimeCategory::Regular, false);
        f.birth_weight_g = w;
        run(base, 100, &f, &[])
    };
    assert_eq!(codes(&at("2024-07-20", Some(3000))), [150_231_590]); // 新生児
    assert_eq!(codes(&at("2024-07-20", Some(2000))), [150_286_690]); // 未熟児
    assert_eq!(codes(&at("2024-06-01", Some(2000))), [150_286_690]); // 60日, 未熟児
    assert!(at("2024-06-01", None).due.is_empty()); // 60日, weight unknown
    assert_eq!(codes(&at("2024-06-01", Some(3000))), [150_231_690]); // 乳児
    assert_eq!(codes(&at("2023-01-01", None)), [150_265_390]); // 1歳: 幼児
    assert!(at("2020-01-01", None).due.is_empty()); // 4歳: none
}

#[test]
fn the_coverage_report_counts_the_r06_master() {
    let rows = coverage::report(r06(), day(ON));
    let s = coverage::summary(&rows);
    let of = |p: &str| s.iter().find(|x| x.0 == p).unwrap();
    // 手術: 12 derived (通則7・8・12); 麻酔: 8 of 9 (the 9th, 幼児加算（静脈麻酔）, by 年齢加算 link).
    assert_eq!(
        (of("10").2, of("11").2, of("11").3, of("09").2),
        (12, 8, 1, 8)
    );
    assert!(
        rows.iter().all(|r| r.code != 140_000_610),
        "J000 is an item, not a 通則 row"
    );
}
