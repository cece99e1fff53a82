//! `santei masters tsusoku` (the coverage report of the 通則 additions) on the official r06 masters,
//! and its refusal on masters that hold no 通則 rows (the embedded demo).

use std::process::{Command, Output};

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .expect("run santei")
}

fn r06() -> String {
    santei_test_data::masters("r06").display().to_string()
}

#[test]
fn r06_report_per_part_and_the_share() {
    let o = santei(&[
        "masters",
        "tsusoku",
        "--masters",
        &r06(),
        "--date",
        "2024-07-01",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let line = |p: &str| {
        out.lines()
            .find(|l| l.starts_with(p))
            .unwrap_or_default()
            .to_string()
    };
    // 手術: 30 rows, 12 derived (通則7・8・12); the share of the %加算 rows is in the summary.
    let shujutsu_line = line("10 手術");
    let shujutsu: Vec<&str> = shujutsu_line.split_whitespace().collect();
    assert_eq!(shujutsu[2..], ["30", "12", "0", "18"], "{out}");
    assert!(
        line("%加算 rows").contains("47 of 58 derived (81%)"),
        "{out}"
    );
    assert!(out.contains("150000290 100% 乳幼児加算（手術）（３歳未満）  — derived: 手術 通則8"));

    let o = santei(&[
        "masters",
        "tsusoku",
        "--masters",
        &r06(),
        "--date",
        "2024-07-01",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["revision"], "r2024-06");
    let masui = v["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["part"] == "11")
        .unwrap();
    assert_eq!(
        (masui["rows"].as_u64(), masui["derived"].as_u64()),
        (Some(9), Some(8))
    );
}

#[test]
fn masters_without_tsusoku_rows_are_not_reported_as_covered() {
    let o = santei(&["masters", "tsusoku"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("hold only part of the 医科診療行為マスター"),
        "{out}"
    );
}
