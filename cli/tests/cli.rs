//! The `santei` binary end to end: output, JSON and exit codes.

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

fn r(rev: &str) -> String {
    shared().join("masters").join(rev).display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn info_on_r06_reports_the_row_counts() {
    let o = santei(&["masters", "info", &r("r06")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    for n in [
        "10133", "19748", "1334", "3898", "27437", "2349", "r2024-06",
    ] {
        assert!(out.contains(n), "missing {n} in\n{out}");
    }
    assert!(String::from_utf8_lossy(&o.stderr).contains("loading masters"));
}

#[test]
fn info_json_is_machine_readable() {
    let o = santei(&["masters", "info", &r("r04"), "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["revision"]["id"], "r2022-04");
    assert_eq!(v["report"]["kinds"][0]["base"]["rows"], 9113);
}

#[test]
fn show_shoshinryo_r06_and_r04() {
    let o = santei(&[
        "masters",
        "show",
        "111000110",
        "--date",
        "2024-06-01",
        "--masters",
        &r("r06"),
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("初診料") && out.contains("291.00"), "{out}");
    assert!(
        out.contains("注加算コード") && out.contains("1101"),
        "{out}"
    );
    assert!(out.contains("111000370"), "{out}");

    let o = santei(&[
        "masters",
        "show",
        "111000110",
        "--date",
        "2024-05-31",
        "--masters",
        &r("r04"),
        "--masters",
        &r("r06"),
    ]);
    assert!(stdout(&o).contains("288.00"), "{}", stdout(&o));

    let o = santei(&[
        "masters",
        "show",
        "111000110",
        "--date",
        "2024-06-01",
        "--masters",
        &r("r06"),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"]["record"]["points"], "291.00");
    assert_eq!(v["valid"]["record"]["age_addition_1_code"], "111000370");
}

#[test]
fn demo_data_runs_without_arguments() {
    let o = santei(&["masters", "show", "112007410", "--date", "2024-06-01"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("75.00"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("demo"));
}

#[test]
fn exit_codes() {
    // Unknown code: 1. Not a code / bad date / missing folder: 2.
    assert_eq!(
        santei(&["masters", "show", "199999999", "--date", "2024-06-01"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(santei(&["masters", "show", "12345"]).status.code(), Some(2));
    assert_eq!(
        santei(&["masters", "show", "111000110", "--date", "2024-13-01"])
            .status
            .code(),
        Some(2)
    );
    let o = santei(&["masters", "info", "/nonexistent/masters"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not exist"));
}

#[test]
fn etensu_info_reports_tables_and_missing_ones() {
    let dir = shared().join("etensu/r06").display().to_string();
    let o = santei(&["etensu", "info", &dir]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    for n in ["10172", "21920", "17136", "350", "6084", "5341"] {
        assert!(out.contains(n), "missing {n} in\n{out}");
    }
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("02包括テーブル.csv") && err.contains("03-1背反テーブル1.csv"),
        "{err}"
    );
}

#[test]
fn calc_example_on_demo_data() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/claim.json");
    let o = santei(&["calc", example.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The example is a claim of 2026-12, computed under r2026-06 (令和8年度改定) on the r08 demo rows.
    // Day 1: 初診料 291 + 乳幼児加算 75 + 末梢血液一般 21 + 血液学的検査判断料 125 + B-V 40 +
    // 乳幼児加算（採血） 35 + 処方箋料 60 = 647. Day 2 (時間外, 5歳): 再診料 76 (r08 告示 A001) +
    // 乳幼児時間外加算 135 + 外来管理加算 52 + 処方料 42 + 調剤料 11 + カロナール 6.50円×3 = 19.5円
    // → 2点 (五捨五超入) × 5日 = 326.
    assert_eq!(v["revision"], "r2026-06");
    assert_eq!(v["total_points"], 647 + 326);
    let o = santei(&["calc", example.to_str().unwrap(), "--explain"]);
    let out = stdout(&o);
    assert!(
        out.contains("五捨五超入") && out.contains("合計点数"),
        "{out}"
    );
}

#[test]
fn calc_explain_as_data() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/claim.json");
    let example = example.to_str().unwrap();
    let text = santei(&["calc", example, "--json", "--explain"]);
    let data = santei(&["calc", example, "--json", "--explain=data"]);
    assert!(
        data.status.success(),
        "{}",
        String::from_utf8_lossy(&data.stderr)
    );
    let text: serde_json::Value = serde_json::from_slice(&text.stdout).unwrap();
    let data: serde_json::Value = serde_json::from_slice(&data.stdout).unwrap();
    // The same result; each explanation an object with its kind and fields instead of its text.
    assert_eq!(text["total_points"], data["total_points"]);
    let first = &data["lines"][0]["explain"][0];
    assert_eq!(first["kind"], "master_row", "{first}");
    assert_eq!(first["code"], data["lines"][0]["code"], "{first}");
    let t = text["lines"][0]["explain"][0].as_str().unwrap();
    assert!(t.starts_with("master "), "{t}");
    for (l, d) in text["lines"]
        .as_array()
        .unwrap()
        .iter()
        .zip(data["lines"].as_array().unwrap())
    {
        assert_eq!(
            l["explain"].as_array().map(Vec::len),
            d["explain"].as_array().map(Vec::len)
        );
        for e in d["explain"].as_array().into_iter().flatten() {
            assert!(e["kind"].is_string(), "{e}");
        }
    }
    let copay = &data["copay"]["visits"][0]["explain"][0];
    assert!(copay["kind"].is_string(), "{copay}");
    // The table has no data form.
    let o = santei(&["calc", example, "--explain=data"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--explain=data"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn calc_errors_and_findings_exit_codes() {
    let dir = std::env::temp_dir().join(format!("santei-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"format\": \"santei.claim/1\", ").unwrap();
    let o = santei(&["calc", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("malformed JSON at line 1"));
    let unknown = dir.join("unknown.json");
    std::fs::write(
        &unknown,
        r#"{"format":"santei.claim/1","patient":{"birth_date":"1970-01-01","sex":"male"},
            "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"199999999"}]}]}"#,
    )
    .unwrap();
    let o = santei(&["calc", unknown.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("MST-001.unknown-code"));
    let o = santei(&["schema"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["title"], "Claim");
}

#[test]
fn rules_check_fmt_and_explain() {
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules-dsl/rules/r2024-06");
    let o = santei(&[
        "rules",
        "check",
        rules.to_str().unwrap(),
        "--masters",
        &r("r06"),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["hand_rules"].as_u64().unwrap() >= 1);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{v}");

    // Every bundled file is in canonical layout.
    for e in std::fs::read_dir(&rules).unwrap() {
        let p = e.unwrap().path();
        let o = santei(&["rules", "fmt", p.to_str().unwrap(), "--check"]);
        assert!(
            o.status.success(),
            "{} is not formatted: run santei rules fmt",
            p.display()
        );
    }

    let etensu = shared().join("etensu/r06").display().to_string();
    let o = santei(&[
        "rules",
        "explain",
        "160171310",
        "--masters",
        &r("r06"),
        "--etensu",
        &etensu,
    ]);
    let out = stdout(&o);
    assert!(
        out.contains("etensu.03-3.160171310.170000310") && out.contains("透視診断"),
        "{out}"
    );

    // A bad file: error with file:line:col and exit 1.
    let dir = std::env::temp_dir().join(format!("santei-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.rules");
    std::fs::write(&bad, "revision r2024-06\nrule x {\n    kind limit\n    cite \"c\"\n    items code 199999999\n    max 1 per month\n}\n").unwrap();
    let o = santei(&[
        "rules",
        "check",
        bad.to_str().unwrap(),
        "--masters",
        &r("r06"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("bad.rules:5:16"), "{}", stdout(&o));
}

#[test]
fn calc_applies_bundled_rules_and_etensu() {
    let dir = std::env::temp_dir().join(format!("santei-calc-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let claim = dir.join("claim.json");
    // 外来診療料 at a 300床 hospital with 末梢血液一般 (included, A002 注6) and B-V.
    std::fs::write(
        &claim,
        r#"{"format":"santei.claim/1","patient":{"birth_date":"1970-01-01","sex":"male"},
            "facility":{"kind":"hospital","beds":300},
            "visits":[{"date":"2024-07-01","items":[
              {"type":"procedure","code":"112011310"},{"type":"procedure","code":"160008010"},{"type":"procedure","code":"160095710"}]}]}"#,
    )
    .unwrap();
    let etensu = format!("r2024-06={}", shared().join("etensu/r06").display());
    let o = santei(&[
        "calc",
        claim.to_str().unwrap(),
        "--masters",
        &r("r06"),
        "--etensu",
        &etensu,
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // 外来診療料 76 + 血液学的検査判断料 125 + B-V 40; 末梢血液一般 21 is included.
    assert_eq!(v["total_points"], 76 + 125 + 40);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == "A002-6.gairai-hokatsu")
    );
}

#[test]
fn recalc_sample_any_jobs_same_output_and_exit_codes() {
    let uke = shared()
        .join("uke/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE")
        .display()
        .to_string();
    let r02 = r("r02");
    let run = |extra: &[&str]| {
        let mut args = vec!["recalc", &uke, "--masters", &r02, "--progress", "never"];
        args.extend_from_slice(extra);
        santei(&args)
    };
    // With the rule and derivation checks, the sample differs only where the law asks more: 43
    // 年齢加算 due from the RE 生年月日 and not billed (BAS-101; e.g. receipt 4, born 2021-01-27:
    // 初診料 without 乳幼児加算, 告示 A000 注6) and one 判断料 billed twice in a month (TST-201, D026
    // 注1). Its points and totals all match (below, with --no-rules).
    let ruled = run(&["--format", "csv", "--jobs", "2"]);
    assert_eq!(ruled.status.code(), Some(1));
    let rows = stdout(&ruled);
    assert_eq!(rows.matches(",rule,differs,").count(), 44, "{rows}");
    assert_eq!(rows.matches("BAS-101.age-addition").count(), 43);
    assert_eq!(rows.matches("TST-201.judgement-fee").count(), 1);
    assert_eq!(rows.matches(",receipt_total,match,").count(), 75);
    // Points only: all 75 receipts match, exit 0; one receipt_total row per receipt.
    let run = |extra: &[&str]| {
        let mut args = vec![
            "recalc",
            &uke,
            "--masters",
            &r02,
            "--progress",
            "never",
            "--no-rules",
        ];
        args.extend_from_slice(extra);
        santei(&args)
    };
    let one = run(&["--format", "csv", "--jobs", "1"]);
    assert_eq!(
        one.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let csv = stdout(&one);
    assert!(csv.starts_with("file,receipt,line,kind,status,"));
    assert_eq!(csv.matches(",receipt_total,match,").count(), 75);
    let two = run(&["--format", "csv", "--jobs", "2"]);
    assert_eq!(
        stdout(&two),
        csv,
        "--jobs 2 must give the same rows in the same order"
    );
    // JSON lines end with the summary.
    let json = stdout(&run(&["--format", "json", "--jobs", "2"]));
    let last: serde_json::Value =
        serde_json::from_str(json.lines().last().unwrap()).expect("summary line");
    assert_eq!(last["type"], "summary");
    assert_eq!(last["receipts"], 75);
    assert_eq!(last["by_kind"]["receipt_total"]["match"], 75);
    assert_eq!(last["by_kind"]["go_points"]["match"], 1);
    assert!(
        last["cannot_check_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "drug" && r["count"] == 22)
    );

    // A changed 合計点数 is a difference: exit 1, and the receipt says DIFFERS.
    let mut bytes = std::fs::read(&uke).unwrap();
    let ho = (0..bytes.len())
        .find(|&i| bytes[i..].starts_with(b"\nHO,"))
        .unwrap();
    let pts = (ho..bytes.len())
        .filter(|&i| bytes[i] == b',')
        .nth(4)
        .unwrap()
        + 1;
    bytes[pts] = if bytes[pts] == b'9' { b'1' } else { b'9' };
    let dir = std::env::temp_dir().join(format!("santei-recalc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let changed = dir.join("changed.UKE");
    std::fs::write(&changed, &bytes).unwrap();
    let o = santei(&[
        "recalc",
        changed.to_str().unwrap(),
        "--masters",
        &r02,
        "--progress",
        "never",
        "--no-rules",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("DIFFERS"));
    // A file that is not there: exit 2.
    let o = santei(&["recalc", "/nonexistent.UKE", "--masters", &r02]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

/// `--polypharmacy-rounding`: the F200 注3 90/100 once over the 処方 (default) or per 剤. Two 内服
/// 剤 of 644 and 672 (the claim of engine/tests/real_claims.rs): 処方単位 1,316 → 1,184 (−132),
/// 剤単位 580 + 605 (−131).
#[test]
fn calc_polypharmacy_rounding_option() {
    let claim = r#"{"format":"santei.claim/1","patient":{"birth_date":"1950-05-10","sex":"male"},
        "visits":[{"date":"2024-07-08","items":[
          {"type":"procedure","code":"112007410"},{"type":"procedure","code":"120000710"},
          {"type":"procedure","code":"120002610"},
          {"type":"rx","form":"internal","days":28,"drugs":[{"code":"620005905","amount":"1"},
            {"code":"620002430","amount":"1"},{"code":"610443014","amount":"1"},
            {"code":"610443053","amount":"1"},{"code":"622404501","amount":"1"}]},
          {"type":"rx","form":"internal","days":28,"drugs":[{"code":"621980701","amount":"2"},
            {"code":"622538301","amount":"2"}]}]}]}"#;
    let dir = std::env::temp_dir().join(format!("santei-poly-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("claim.json");
    std::fs::write(&file, claim).unwrap();
    let file = file.display().to_string();
    let masters = r("r06");
    let deduction = |extra: &[&str]| {
        let mut args = vec![
            "calc",
            file.as_str(),
            "--masters",
            masters.as_str(),
            "--json",
        ];
        args.extend_from_slice(extra);
        let o = santei(&args);
        assert!(o.status.code().is_some_and(|c| c <= 1), "{o:?}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let last = v["lines"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["code"], "630010002");
        last["points"].as_i64().unwrap()
    };
    assert_eq!(deduction(&[]), -132);
    assert_eq!(
        deduction(&["--polypharmacy-rounding", "prescription"]),
        -132
    );
    assert_eq!(deduction(&["--polypharmacy-rounding", "rx"]), -131);
    let o = santei(&["calc", &file, "--polypharmacy-rounding", "day"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

/// A fresh folder for one test (santei_test_data::scratch).
fn scratch(name: &str) -> std::path::PathBuf {
    santei_test_data::scratch(&format!("cli-{name}"))
}

/// A 74歳 patient with 2割 and no 所得区分 (demo data, 再診料): refused by default (CPY-502),
/// computed as 一般 with `--missing-over70-class from-rate`: 再診料 75点 + 外来管理加算 52点 (告示 A001, A001 注8) = 1,270円 × 2割 = 254円 → 250円 (10円未満 四捨五入, 健保法75条).
#[test]
fn calc_missing_over70_class_flag_changes_the_result() {
    let dir = scratch("over70");
    let claim = dir.join("over70.json");
    std::fs::write(
        &claim,
        r#"{"format":"santei.claim/1","patient":{"birth_date":"1950-01-01","sex":"male"},
  "insurance":{"scheme":"kokuho","burden_percent":20},
  "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"112007410"}]}]}"#,
    )
    .unwrap();
    let claim = claim.display().to_string();
    let o = santei(&["calc", &claim, "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.get("copay").is_none(), "{v}");
    assert!(stdout(&o).contains("CPY-502.income-class-missing"));

    let o = santei(&[
        "calc",
        &claim,
        "--json",
        "--missing-over70-class",
        "from-rate",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["copay"]["income_class"], "一般");
    assert_eq!(v["copay"]["window_yen"], 250);
    // The table with --explain says how the 区分 was chosen and which flag chose it.
    let o = santei(&[
        "calc",
        &claim,
        "--explain",
        "--missing-over70-class=from-rate",
    ]);
    assert!(
        stdout(&o).contains("--missing-over70-class from-rate"),
        "{}",
        stdout(&o)
    );
    // A value that is not one of the enum's is a usage error naming the possible values.
    let o = santei(&["calc", &claim, "--missing-over70-class", "guess"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("refuse") && err.contains("from-rate"), "{err}");
}

/// `--local-schemes FILE`: a 法別88 公費 is unknown (CPY-506) without it and paid by the scheme
/// with it; a malformed file is an error (exit 2) naming the file, line and column.
#[test]
fn calc_local_schemes_flag_and_a_bad_file() {
    let dir = scratch("local-schemes");
    let claim = dir.join("fund88.json");
    std::fs::write(
        &claim,
        r#"{"format":"santei.claim/1","patient":{"birth_date":"2016-01-10","sex":"male"},
  "insurance":{"scheme":"kokuho","income_class":"ウ","public_funds":[
    {"law_number":"88","payer_number":"88130158","recipient_number":"1234566"}]},
  "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"112007410"}]}]}"#,
    )
    .unwrap();
    let schemes = dir.join("schemes.json");
    std::fs::write(
        &schemes,
        r#"[{"law_number":"88","payer_prefix":"8813","name":"子ども医療費助成","patient_percent":0}]"#,
    )
    .unwrap();
    let claim = claim.display().to_string();
    let o = santei(&["calc", &claim, "--json"]);
    assert!(
        stdout(&o).contains("CPY-506.public-fund-unknown"),
        "{}",
        stdout(&o)
    );

    let o = santei(&[
        "calc",
        &claim,
        "--json",
        "--local-schemes",
        &schemes.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["copay"]["patient_yen"], 0);
    assert_eq!(v["copay"]["public_funds"][0]["name"], "子ども医療費助成");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, "[\n  {\"law_number\": 88}\n]\n").unwrap();
    let o = santei(&[
        "calc",
        &claim,
        "--local-schemes",
        &bad.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--local-schemes"), "{err}");
    assert!(err.contains(&bad.display().to_string()), "{err}");
    assert!(err.contains("line 2, column"), "{err}");
}
