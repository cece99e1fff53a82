//! The revision in force picks itself by date: the embedded demo data holds r2024-06 and r2026-06
//! (令和8年度改定), and official folders of several revisions (an excerpt among them) load side by
//! side, the excerpt said to be partial.

use std::path::PathBuf;
use std::process::{Command, Output};

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .expect("run santei")
}

fn shared() -> PathBuf {
    santei_test_data::shared()
}

fn write_claim(name: &str, facility: &str, date: &str, code: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("santei-rev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join(format!("{name}-{date}.json"));
    std::fs::write(
        &f,
        format!(
            r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1970-04-01","sex":"male"}},
  "facility":{facility},
  "visits":[{{"date":"{date}","items":[{{"type":"procedure","code":"{code}"}}],
              "outpatient_management":false}}]}}"#
        ),
    )
    .unwrap();
    f
}

fn calc(file: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["calc", file.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let o = santei(&args);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn points_of(v: &serde_json::Value, code: &str) -> i64 {
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
        .unwrap_or_else(|| panic!("{code} not billed: {v}"))["points"]
        .as_i64()
        .unwrap()
}

/// 告示 r08 A001 再診料 76点 (r06 75), A002 外来診療料 77点 (r06 76), 第2章第14部
/// 外来・在宅ベースアップ評価料(Ⅰ) 1 初診時 17点 (r06 6点); the demo holds the official rows.
#[test]
fn the_demo_computes_each_claim_under_the_revision_of_its_date() {
    let cases = [
        (
            "saishin",
            r#"{"kind":"clinic","beds":0}"#,
            "112007410",
            76,
            75,
        ),
        (
            "gairai",
            r#"{"kind":"hospital","beds":400}"#,
            "112011310",
            77,
            76,
        ),
        (
            "baseup",
            r#"{"kind":"clinic","beds":0,"standards":[4307]}"#,
            "180725710",
            17,
            6,
        ),
    ];
    for (name, facility, code, r08, r06) in cases {
        let new = calc(&write_claim(name, facility, "2026-12-01", code), &[]);
        assert_eq!(new["revision"], "r2026-06", "{name}");
        assert_eq!(points_of(&new, code), r08, "{name} on 2026-12-01");
        let old = calc(&write_claim(name, facility, "2026-05-29", code), &[]);
        assert_eq!(old["revision"], "r2024-06", "{name}");
        assert_eq!(points_of(&old, code), r06, "{name} on 2026-05-29");
    }
}

/// With the complete r06 files and the r08 excerpt, santei picks by date and says plainly that
/// the r08 set is partial (on stderr when loading, and as MST-012 in the result).
#[test]
fn official_folders_pick_by_date_and_the_excerpt_says_it_is_partial() {
    let m = shared().join("masters");
    let (r06, r08) = (m.join("r06"), m.join("r08-excerpt"));
    let args = [
        "--masters",
        r06.to_str().unwrap(),
        "--masters",
        r08.to_str().unwrap(),
    ];
    let f = write_claim(
        "saishin",
        r#"{"kind":"clinic","beds":0}"#,
        "2026-12-01",
        "112007410",
    );
    let mut full = vec!["calc", f.to_str().unwrap(), "--json"];
    full.extend_from_slice(&args);
    let o = santei(&full);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("PARTIAL"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["revision"], "r2026-06");
    assert_eq!(points_of(&v, "112007410"), 76);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "MST-012.partial-masters"),
        "{v}"
    );
    let old = write_claim(
        "saishin",
        r#"{"kind":"clinic","beds":0}"#,
        "2026-05-29",
        "112007410",
    );
    let v = calc(&old, &args);
    assert_eq!(v["revision"], "r2024-06");
    assert_eq!(points_of(&v, "112007410"), 75);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "MST-012.partial-masters"),
        "{v}"
    );
}

/// `santei rules check` of the r2026-06 rule files against the r08 excerpt: every code of the
/// prefixes the excerpt holds completely is verified (an unknown one would be an error), the
/// others are listed as not verifiable, and the check passes.
#[test]
fn rules_check_on_the_r08_excerpt() {
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules-dsl/rules/r2026-06");
    let r08 = shared().join("masters/r08-excerpt");
    let o = santei(&[
        "rules",
        "check",
        rules.to_str().unwrap(),
        "--masters",
        r08.to_str().unwrap(),
        "--complete-prefixes",
        "111,112,113,120,130",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("0 error(s)"), "{out}");
    assert!(out.contains("not verifiable here"), "{out}");
    // No code of a complete prefix is among the unverifiable ones.
    for l in out.lines().filter(|l| l.contains("not verifiable here:")) {
        for p in ["111", "112", "113", "120", "130"] {
            assert!(
                !l.contains(&format!(": {p}")),
                "a complete prefix was not verified: {l}"
            );
        }
    }
    // A code of a complete prefix that the excerpt lacks is an error, not a warning.
    let dir = std::env::temp_dir().join(format!("santei-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.rules");
    std::fs::write(
        &bad,
        "revision r2026-06\n\nrule X.test \"unknown 再診 code\" {\n    kind  limit\n    cite  \"test\"\n    items code 112999999\n    max   1 per day\n}\n",
    )
    .unwrap();
    let o = santei(&[
        "rules",
        "check",
        bad.to_str().unwrap(),
        "--masters",
        r08.to_str().unwrap(),
        "--complete-prefixes",
        "111,112,113,120,130",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Without the declaration, the same code is only "not verifiable".
    let o = santei(&[
        "rules",
        "check",
        bad.to_str().unwrap(),
        "--masters",
        r08.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("not verifiable here"));
}
