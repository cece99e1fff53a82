//! `santei masters diff` end to end on the official masters in ../shared/masters.

use std::process::{Command, Output};

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .expect("run santei")
}

/// The masters folder of a revision (which may not exist: the errors are tested too).
fn r(rev: &str) -> String {
    santei_test_data::shared()
        .join("masters")
        .join(rev)
        .display()
        .to_string()
}

fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn r04_to_r06_table_counts_first_then_the_lists() {
    let out = ok(&santei(&["masters", "diff", &r("r04"), &r("r06")]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("改定差分"));
    assert!(lines[1].contains("r2022-04") && lines[1].contains("2024-05-31"));
    assert!(lines[2].contains("r2024-06") && lines[2].contains("2024-06-01"));
    assert!(lines[3].contains("every code"));
    let row = |prefix: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` row in\n{out}"))
            .split_whitespace()
            .skip(2)
            .collect::<Vec<_>>()
    };
    // old rows, new rows, unchanged, 点数/金額, 名称, その他, 新設, 廃止
    assert_eq!(
        row("s 医科診療行為"),
        [
            "9,113", "10,133", "5,915", "1,590", "175", "678", "1,775", "755"
        ]
    );
    assert_eq!(
        row("y 医薬品"),
        [
            "20,596", "19,748", "7,487", "11,716", "6", "399", "140", "988"
        ]
    );
    let counts_at = out.find("s 医科診療行為").unwrap();
    let list_at = out
        .find("111000110  初診料  288点 → 291点")
        .expect("初診料 288 → 291");
    assert!(counts_at < list_at, "counts come first");
    assert!(out.contains("112007410  再診料  73点 → 75点"));
    assert!(out.contains("── s 医科診療行為: 新設 (1,775)"));
    assert!(out.contains("── s 医科診療行為: 廃止 (755)"));
}

#[test]
fn r04_to_r06_csv_and_json() {
    let csv = ok(&santei(&[
        "masters",
        "diff",
        &r("r04"),
        &r("r06"),
        "--kind",
        "s",
        "--format",
        "csv",
    ]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "kind,code,change,old_name,new_name,old_points,new_points,old_valid_from,new_valid_from,renamed,columns"
    );
    // One row per changed code: 1,590 + 175 + 678 + 1,775 + 755.
    assert_eq!(lines.clone().count(), 4_973);
    assert!(lines.clone().all(|l| l.starts_with("s,")));
    assert!(
        csv.contains("\ns,111000110,points,初診料,初診料,288,291,2022-04-01,2024-06-01,0,\n"),
        "{}",
        &csv[..600]
    );
    assert!(csv.contains("\ns,112007410,points,再診料,再診料,73,75,"));

    let json = ok(&santei(&[
        "masters",
        "diff",
        &r("r04"),
        &r("r06"),
        "--kind",
        "s,t",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["format"], "santei.masters-diff/1");
    assert_eq!(v["old"]["revision"]["id"], "r2022-04");
    assert_eq!(v["new"]["as_of"], "2024-06-01");
    assert_eq!(v["scope"]["kind"], "all");
    let kinds = v["kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), 2);
    let s = &kinds[0];
    assert_eq!(
        (s["old_rows"].as_u64(), s["new_rows"].as_u64()),
        (Some(9_113), Some(10_133))
    );
    let shoshin = s["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "111000110")
        .unwrap();
    assert_eq!(shoshin["old"]["amount"], "288.00");
    assert_eq!(shoshin["new"]["amount"], "291.00");
    assert_eq!(kinds[1]["kind"], "Material");
}

#[test]
fn r06_to_r08_excerpt_needs_and_uses_the_complete_prefixes() {
    // Without the prefixes: exit 2, naming both folders and the option.
    let o = santei(&[
        "masters",
        "diff",
        &r("r06"),
        &r("r08-excerpt"),
        "--kind",
        "s",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("r08-excerpt") && err.contains("--complete-prefixes"),
        "{err}"
    );
    assert!(o.stdout.is_empty());

    let out = ok(&santei(&[
        "masters",
        "diff",
        &r("r06"),
        &r("r08-excerpt"),
        "--complete-prefixes",
        "111,112,113,120,130",
    ]));
    assert!(
        out.contains("ONLY codes starting with 111, 112, 113, 120, 130"),
        "{out}"
    );
    assert!(out.contains("PARTIAL"));
    let s = out
        .lines()
        .find(|l| l.starts_with("s 医科診療行為"))
        .unwrap();
    assert_eq!(
        s.split_whitespace().skip(2).collect::<Vec<_>>(),
        [
            "672", "737", "483", "84", "15", "54", "101", "36", "9,461/21"
        ]
    );
    assert!(out.contains("112007410  再診料  75点 → 76点"));
    assert!(out.contains("111703170  医療情報取得加算１（初診）  3点  (not in the new files)"));
    // No code outside the five ranges is listed.
    for l in out.lines().filter(|l| l.starts_with('1')) {
        assert!(
            ["111", "112", "113", "120", "130"]
                .iter()
                .any(|p| l.starts_with(p)),
            "{l}"
        );
    }
}

#[test]
fn bad_folder_is_an_error_with_the_path() {
    let missing = r("no-such-revision");
    let o = santei(&["masters", "diff", &r("r04"), &missing]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no-such-revision"), "{err}");
    // JSON output asked: the error is JSON on stdout.
    let o = santei(&["masters", "diff", &r("r06"), &r("r04"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("give the older revision first")
    );
}
