//! What a 医事 person, a vendor and an auditor see in their first hour with the `santei` command:
//! the 窓口負担 in the table, a table that lines up, help that says what each option takes, errors
//! that say what is wrong (as JSON with `--json`), and `masters search`.

use std::path::PathBuf;
use std::process::{Command, Output};

use unicode_width::UnicodeWidthStr;

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

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn example() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/claim.json")
        .display()
        .to_string()
}

/// A file in a folder of this test's own.
fn temp_file(test: &str, name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("santei-first-hour-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

/// 1234567 → `1,234,567`, as the table writes yen and points.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn claim(birth: &str, insurance: &str, items: &str) -> String {
    format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"{birth}","sex":"male"}},
            "insurance":{insurance},
            "visits":[{{"date":"2024-06-03","items":[{items}]}}]}}"#
    )
}

// 1. The 窓口負担 in the table, equal to the JSON's `copay`.

#[test]
fn calc_table_shows_the_copay_of_each_visit_and_the_month_as_in_the_json() {
    let o = santei(&["calc", &example(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["copay"];
    let o = santei(&["calc", &example()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let percent = c["burden_percent"].as_i64().unwrap();
    assert!(
        out.contains(&format!("負担割合 {}割", percent / 10)),
        "{out}"
    );
    let visits = c["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 2);
    for visit in visits {
        let date = visit["date"].as_str().unwrap();
        let row = out
            .lines()
            .find(|l| l.starts_with(&format!("  {date}")) && l.contains('円'))
            .unwrap_or_else(|| panic!("no 窓口 row for {date} in\n{out}"));
        let yen = |k: &str| format!("{}円", grouped(visit[k].as_i64().unwrap()));
        assert!(row.ends_with(&yen("window_yen")), "{row}");
        assert!(row.contains(&yen("copay_yen")), "{row}");
        assert!(row.contains(&yen("medical_cost_yen")), "{row}");
    }
    let month = out
        .lines()
        .find(|l| l.starts_with("  月計"))
        .unwrap_or_else(|| panic!("no 月計 row in\n{out}"));
    let yen = |k: &str| format!("{}円", grouped(c[k].as_i64().unwrap()));
    assert!(month.ends_with(&yen("window_yen")), "{month}");
    assert!(month.contains(&yen("copay_yen")), "{month}");
    assert!(
        out.contains(&format!("患者負担 {}", yen("patient_yen"))),
        "{out}"
    );
    // The example's month: 1,940円 at the 窓口 over the two visits.
    let sum: i64 = visits
        .iter()
        .map(|v| v["window_yen"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, c["window_yen"].as_i64().unwrap());
}

#[test]
fn calc_table_shows_high_cost_and_public_funds_when_they_apply() {
    // 3割, 所得区分 ウ: 40,000点 a month reaches the limit; a 公費 (54 難病) with a 5,000円 cap.
    let items = r#"{"type":"procedure","code":"111000110"},
        {"type":"rx","form":"internal","days":28,"drugs":[{"code":"620002023","amount":"2000"}]}"#;
    let file = temp_file(
        "high-cost",
        "claim.json",
        &claim(
            "1970-01-01",
            r#"{"scheme":"shaho","relation":"insured","income_class":"ウ"}"#,
            items,
        ),
    );
    let json = santei(&["calc", &file, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let c = &v["copay"];
    assert!(c["high_cost_yen"].as_i64().unwrap() > 0, "{c}");
    let out = stdout(&santei(&["calc", &file]));
    assert!(out.contains("高額療養費"), "{out}");
    assert!(
        out.contains(&format!(
            "高額療養費 {}円",
            grouped(c["high_cost_yen"].as_i64().unwrap())
        )),
        "{out}"
    );
    assert!(out.contains("区分ウ"), "{out}");

    let file = temp_file(
        "public",
        "claim.json",
        &claim(
            "1970-01-01",
            r#"{"scheme":"shaho","relation":"insured","income_class":"ウ",
                "public_funds":[{"law_number":"54","payer_number":"54136015","recipient_number":"0000017","monthly_cap_yen":5000}]}"#,
            r#"{"type":"procedure","code":"111000110"}"#,
        ),
    );
    let json = santei(&["calc", &file, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let fund = &v["copay"]["public_funds"][0];
    assert!(fund.is_object(), "{}", stdout(&json));
    let out = stdout(&santei(&["calc", &file]));
    assert!(out.contains("公費負担"), "{out}");
    assert!(
        out.contains(&format!("第1公費 54 {}", fund["name"].as_str().unwrap()))
            && out.contains(&format!(
                "公費負担 {}円",
                grouped(fund["pays_yen"].as_i64().unwrap())
            )),
        "{out}"
    );
}

#[test]
fn calc_table_says_when_there_is_no_copay() {
    let file = temp_file(
        "no-insurance",
        "claim.json",
        r#"{"format":"santei.claim/1","patient":{"birth_date":"1970-01-01","sex":"male"},
            "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"111000110"}]}]}"#,
    );
    let out = stdout(&santei(&["calc", &file]));
    assert!(out.contains("窓口負担: not computed"), "{out}");
}

// 2. The table: display width, Japanese terms, units, heading, CPY-522.

#[test]
fn calc_table_lines_up_by_display_width() {
    // The example, and a claim whose only 診療識別 label is narrower than a date.
    let small = temp_file(
        "aligned",
        "claim.json",
        &claim(
            "1970-01-01",
            "{}",
            r#"{"type":"procedure","code":"112007410"}"#,
        ),
    );
    for file in [example(), small] {
        lines_up(&stdout(&santei(&["calc", &file])));
    }
}

fn lines_up(out: &str) {
    let block: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("日付"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(block.len() > 2, "{out}");
    // Every row ends with its 回数, right-aligned under the header's: the same display width.
    let w = block[0].width();
    for l in &block {
        assert_eq!(l.width(), w, "not aligned:\n{}", block.join("\n"));
    }
    // 点数 ends at the same column in the header and in every row.
    let end_of_points = |l: &str| {
        let cut = l.trim_end().rfind(' ').unwrap();
        l[..cut].trim_end().width()
    };
    for l in &block {
        assert_eq!(end_of_points(l), end_of_points(block[0]), "{l}");
    }
    // The totals per 診療識別, the 合計点数 and the days end in one column too.
    let totals: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("日付"))
        .skip_while(|l| !l.is_empty())
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(totals.iter().any(|l| l.contains("合計点数")), "{out}");
    assert!(
        totals.iter().any(|l| l.trim_start().starts_with("20")),
        "{out}"
    );
    for l in &totals {
        assert_eq!(
            l.width(),
            totals[0].width(),
            "not aligned:\n{}",
            totals.join("\n")
        );
    }
}

#[test]
fn calc_table_heading_units_and_japanese_terms() {
    let out = stdout(&santei(&["calc", &example(), "--explain"]));
    let first = out.lines().next().unwrap();
    assert!(!first.contains("santei.result"), "{first}");
    assert!(
        first.contains("claim.json") && first.contains("外来") && first.contains("合計"),
        "{first}"
    );
    assert!(
        out.lines().nth(1).unwrap().starts_with("revision r20"),
        "{out}"
    );
    // The IY line shows the amount with the 医薬品's 単位.
    let iy = out.lines().find(|l| l.contains("620002023")).unwrap();
    assert!(iy.contains("3錠"), "{iy}");
    // No Rust names in the text.
    for rust in [
        "Overtime",
        "Regular",
        "Holiday",
        "LateNight",
        "Internal",
        "Some(",
        "None",
    ] {
        assert!(!out.contains(rust), "`{rust}` in\n{out}");
    }
    assert!(out.contains("on a 時間外 visit"), "{out}");
}

#[test]
fn c522_only_when_a_limit_could_have_applied() {
    let shaho = r#"{"scheme":"shaho","relation":"insured"}"#;
    // 初診 alone: 873円 at 3割; no 所得区分 could change it.
    let small = temp_file(
        "c522",
        "small.json",
        &claim(
            "1970-01-01",
            shaho,
            r#"{"type":"procedure","code":"111000110"}"#,
        ),
    );
    let o = santei(&["calc", &small]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("CPY-522"), "{}", stdout(&o));
    // The example (3歳, 1,940円): no CPY-522 either.
    assert!(!stdout(&santei(&["calc", &example()])).contains("CPY-522"));
    // 18,760点 of カロナール (56,280円 at 3割) is above オ 35,400円: the 所得区分 matters.
    let big = temp_file(
        "c522",
        "big.json",
        &claim(
            "1970-01-01",
            shaho,
            r#"{"type":"rx","form":"internal","days":28,"drugs":[{"code":"620002023","amount":"1000"}]}"#,
        ),
    );
    let o = santei(&["calc", &big, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["copay"]["copay_before_limit_yen"].as_i64().unwrap() >= 35_400);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "CPY-522.no-income-class-under-70"),
        "{v}"
    );
}

#[test]
fn masters_show_lines_up_by_display_width() {
    let o = santei(&["masters", "show", "111000110", "--date", "2024-06-01"]);
    assert!(o.status.success());
    let out = stdout(&o);
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.get(..4).is_some_and(|n| n.trim().parse::<u32>().is_ok()))
        .collect();
    assert!(rows.len() > 10, "{out}");
    let value_column = |l: &str| l[..l.rfind("  ").unwrap()].width();
    for l in &rows {
        assert_eq!(
            value_column(l),
            value_column(rows[0]),
            "not aligned:\n{out}"
        );
    }
}

// 3. Help.

#[test]
fn help_documents_every_command_and_option() {
    let help = |args: &[&str]| {
        let mut a = args.to_vec();
        a.push("--help");
        let o = santei(&a);
        assert!(o.status.success());
        stdout(&o)
    };
    let explain = help(&["rules", "explain"]);
    assert!(explain.contains("診療行為コード (9 digits)"), "{explain}");
    assert!(explain.contains("--etensu <[REVISION=]DIR>"), "{explain}");
    assert!(explain.contains("Machine-readable"), "{explain}");
    let fmt = help(&["rules", "fmt"]);
    assert!(
        fmt.contains("The `.rules` file") && fmt.contains("exit 0 when"),
        "{fmt}"
    );
    for cmd in [
        &["recalc"][..],
        &["masters", "info"],
        &["masters", "show"],
        &["masters", "search"],
        &["rules", "check"],
        &["rules", "explain"],
    ] {
        let h = help(cmd);
        assert!(!h.contains("for `calc`"), "{cmd:?}:\n{h}");
        assert!(h.contains("--revision"), "{cmd:?}");
    }
    assert!(help(&["calc"]).contains("also a check that the claim's dates fall in it"));
    for cmd in [&["calc"][..], &["recalc"], &["rules", "check"]] {
        assert!(help(cmd).contains("[REVISION=]DIR"), "{cmd:?}");
    }
    let root = help(&[]);
    assert!(root.contains("--format table|csv|json"), "{root}");
    assert!(root.contains("cargo install --path cli"), "{root}");
    assert!(root.contains("on stdout"), "{root}");
    assert!(!root.contains("RULEBOOK") && !help(&["calc"]).contains("RULEBOOK"));
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    assert!(readme.contains("cargo install --path cli"));
    assert!(readme.contains("target/release/santei"));
}

#[test]
fn etensu_takes_dir_or_revision_dir_everywhere() {
    let dir = shared().join("etensu/r06").display().to_string();
    let with_rev = format!("r2024-06={dir}");
    let r06 = r("r06");
    let explain = |etensu: &str| {
        let o = santei(&[
            "rules",
            "explain",
            "160171310",
            "--masters",
            &r06,
            "--etensu",
            etensu,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(explain(&dir), explain(&with_rev));
    let o = santei(&[
        "rules",
        "explain",
        "160171310",
        "--masters",
        &r06,
        "--etensu",
        &format!("r2022-04={dir}"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is for r2022-04"), "{}", stderr(&o));
    // calc: DIR alone with one revision of masters.
    let file = temp_file(
        "etensu",
        "claim.json",
        &claim(
            "1970-01-01",
            "{}",
            r#"{"type":"procedure","code":"111000110"}"#,
        ),
    );
    let o = santei(&["calc", &file, "--masters", &r06, "--etensu", &dir, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Two revisions: DIR alone is ambiguous, and the error says how to write it.
    let o = santei(&[
        "calc",
        &file,
        "--masters",
        &r("r04"),
        "--masters",
        &r06,
        "--etensu",
        &dir,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("REVISION=DIR"), "{}", stderr(&o));
}

// 4. Errors.

#[test]
fn a_missing_masters_folder_does_not_exist() {
    let o = santei(&["masters", "info", "/nonexistent/masters"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("`/nonexistent/masters` does not exist"),
        "{err}"
    );
    assert!(!err.contains("is not a directory"), "{err}");
    let o = santei(&["calc", &example(), "--masters", "/nonexistent/masters"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"));
}

#[test]
fn a_folder_of_revision_folders_names_them() {
    let all = shared().join("masters").display().to_string();
    let o = santei(&["masters", "show", "111000110", "--masters", &all]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for sub in ["r02/", "r04/", "r06/", "one folder per revision"] {
        assert!(err.contains(sub), "{sub} missing in {err}");
    }
    assert!(
        err.contains("updates/ holds change files") && err.contains("(--updates)"),
        "{err}"
    );
}

#[test]
fn claim_file_errors_say_it_once() {
    let empty = temp_file("errors", "empty.json", "");
    let o = santei(&["calc", &empty]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("is empty"), "{err}");
    assert_eq!(err.matches("empty.json").count(), 1, "{err}");
    assert!(!err.contains("line 1"), "{err}");
    let blank = temp_file("errors", "blank.json", "  \n");
    assert!(stderr(&santei(&["calc", &blank])).contains("is empty"));
    let truncated = temp_file(
        "errors",
        "truncated.json",
        r#"{"format": "santei.claim/1", "#,
    );
    let err = stderr(&santei(&["calc", &truncated]));
    assert_eq!(err.matches("column").count(), 1, "{err}");
    assert!(!err.contains('?'), "{err}");
    let o = santei(&["calc", "/nonexistent/claim.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("os error"), "{}", stderr(&o));
}

#[test]
fn errors_are_json_on_stdout_with_json() {
    let json_error = |args: &[&str]| {
        let o = santei(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", stdout(&o)));
        assert!(v["error"]["message"].is_string(), "{v}");
        assert!(v["error"]["code"].is_string(), "{v}");
        assert!(!stderr(&o).contains("santei: error"), "{}", stderr(&o));
        v["error"].clone()
    };
    let bad = temp_file(
        "json-errors",
        "bad.json",
        &claim(
            "1970-01-01",
            "{}",
            r#"{"type":"procedure","code":"111000110","times":"x"}"#,
        ),
    );
    let e = json_error(&["calc", &bad, "--json"]);
    assert_eq!(e["code"], "claim.value");
    assert_eq!(e["path"], "visits[0].items[0].times", "{e}");
    assert!(e["file"].as_str().unwrap().ends_with("bad.json"));
    let empty = temp_file("json-errors", "empty.json", "");
    assert_eq!(
        json_error(&["calc", &empty, "--json"])["code"],
        "claim.json"
    );
    assert_eq!(
        json_error(&["calc", "/nonexistent.json", "--json"])["code"],
        "input"
    );
    json_error(&["masters", "show", "12345", "--json"]);
    json_error(&["masters", "info", "/nonexistent", "--json"]);
    assert_eq!(
        json_error(&["calc", &bad, "--json", "--bogus"])["code"],
        "usage"
    );
    // Without --json: text on stderr, nothing on stdout.
    let o = santei(&["calc", &bad]);
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("santei: error: "));
}

// 5. masters search.

#[test]
fn masters_search_finds_codes_by_name_and_kana() {
    let search = |args: &[&str]| {
        let mut a = vec!["masters", "search"];
        a.extend_from_slice(args);
        santei(&a)
    };
    let o = search(&["初診", "--date", "2024-06-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let row = out.lines().find(|l| l.contains("111000110")).unwrap();
    assert!(
        row.contains("初診料") && row.contains("291点") && row.contains("2024-06-01"),
        "{row}"
    );
    // ひらがな, half-width カナ, full-width letters.
    assert!(
        stdout(&search(&[
            "しょしんりょう",
            "--kind",
            "s",
            "--date",
            "2024-06-01"
        ]))
        .contains("111000110")
    );
    let o = search(&["ｶﾛﾅｰﾙ", "--date", "2024-06-01"]);
    let row = stdout(&o)
        .lines()
        .find(|l| l.contains("620002023"))
        .map(String::from);
    assert!(
        row.as_deref().is_some_and(|r| r.contains("6.70円/錠")),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&search(&["ｂ－ｖ", "--date", "2024-06-01"])).contains("160095710"));
    // --kind, nothing found: exit 1 and a sentence on stderr.
    let o = search(&["カロナール", "--kind", "s"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no 名称 or カナ名称 contains"),
        "{}",
        stderr(&o)
    );
    assert_eq!(search(&["zzzz"]).status.code(), Some(1));
    // --limit and --json.
    let o = search(&["加算", "--limit", "3", "--date", "2024-06-01"]);
    assert_eq!(stdout(&o).lines().count(), 4, "{}", stdout(&o));
    assert!(stderr(&o).contains("the first 3 shown"), "{}", stderr(&o));
    let o = search(&["初診料", "--json", "--date", "2024-06-01"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["code"], "111000110");
    assert_eq!(v[0]["price"], "291点");
    // Without --date every loaded revision is searched, newest first: the demo's r2026-06 has no
    // 傷病名, its r2024-06 has.
    let o = search(&["高血圧"]);
    let row = stdout(&o)
        .lines()
        .find(|l| l.contains("8833421"))
        .map(String::from);
    assert!(
        row.as_deref().is_some_and(|r| r.ends_with("r2024-06")),
        "{}",
        stdout(&o)
    );
    let o = search(&["初診料"]);
    assert_eq!(stdout(&o).matches("111000110").count(), 1, "{}", stdout(&o));
    // A bad --kind or date: exit 2.
    assert_eq!(search(&["初診", "--kind", "x"]).status.code(), Some(2));
    assert_eq!(
        search(&["初診", "--date", "2024-13-01"]).status.code(),
        Some(2)
    );
}

#[test]
fn masters_search_on_the_official_masters() {
    let o = santei(&[
        "masters",
        "search",
        "ｼｮｼﾝﾘｮｳ",
        "--masters",
        &r("r06"),
        "--date",
        "2024-06-01",
        "--kind",
        "s",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("111000110"), "{}", stdout(&o));
    // 傷病名 by カナ, 7-digit codes.
    let o = santei(&[
        "masters",
        "search",
        "こうけつあつ",
        "--masters",
        &r("r06"),
        "--kind",
        "b",
        "--limit",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("高血圧症"), "{}", stdout(&o));
}

#[test]
fn recalc_errors_are_json_lines_with_format_json() {
    let empty = temp_file("recalc-json", "empty.UKE", "");
    for file in ["/nonexistent/month.UKE", empty.as_str()] {
        let o = santei(&["recalc", file, "--format", "json", "--progress", "never"]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let out = stdout(&o);
        let error = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["type"] == "error")
            .unwrap_or_else(|| panic!("no error line for {file} in\n{out}"));
        assert_eq!(error["error"]["file"], file, "{error}");
        assert!(error["error"]["message"].is_string(), "{error}");
        assert!(!stderr(&o).contains("santei: error"), "{}", stderr(&o));
    }
    // The table format keeps the text on stderr.
    let o = santei(&["recalc", "/nonexistent/month.UKE", "--progress", "never"]);
    assert!(stderr(&o).contains("santei: error: "), "{}", stderr(&o));
}

// The result's `copay` is documented, field by field.

#[test]
fn every_copay_field_of_the_result_is_documented() {
    let doc = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/CLAIM_FORMAT.md"),
    )
    .unwrap();
    let o = santei(&["calc", &example(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let copay = v["copay"].as_object().unwrap();
    let visit = v["copay"]["visits"][0].as_object().unwrap();
    for key in copay.keys().chain(visit.keys()).map(String::as_str).chain([
        "income_class",
        "meals",
        "public_funds",
        "burden_kubun",
    ]) {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/CLAIM_FORMAT.md does not document copay.{key}"
        );
    }
    assert!(doc.contains("負担区分コード"));
}

// 6. Siblings: the 電子点数表 folder and rule files say the same as the masters.

#[test]
fn etensu_folder_errors_say_does_not_exist_and_name_revision_folders() {
    let o = santei(&["etensu", "info", "/nonexistent/etensu"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`/nonexistent/etensu` does not exist"),
        "{}",
        stderr(&o)
    );
    let all = shared().join("etensu").display().to_string();
    for args in [
        vec!["etensu", "info", all.as_str()],
        vec!["rules", "explain", "160171310", "--etensu", all.as_str()],
    ] {
        let o = santei(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("one 電子点数表 folder per revision: r06/"),
            "{args:?}: {err}"
        );
    }
    // A file given as a folder.
    let o = santei(&["masters", "info", &example()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a file"), "{}", stderr(&o));
    // Rule files: no Rust "os error" in the message.
    let o = santei(&["rules", "fmt", "/nonexistent/my.rules"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read `/nonexistent/my.rules`: no such file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn masters_info_on_the_demo_data_names_every_demo_revision() {
    let o = santei(&["masters", "info"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("revision  r2024-06"), "{out}");
    assert!(
        out.contains("the embedded demo data also holds r2026-06"),
        "{out}"
    );
}

#[test]
fn masters_show_points_to_the_revision_that_has_the_code() {
    // Today's demo revision (r2026-06) has no 傷病名; r2024-06 has 8833421 高血圧症.
    let o = santei(&["masters", "show", "8833421", "--date", "2026-12-01"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "the masters of r2024-06 have it, valid 2024-06-01 – open: add --date 2024-06-01"
        ),
        "{}",
        stderr(&o)
    );
    let o = santei(&["masters", "show", "8833421", "--date", "2024-06-01"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("高血圧症"));
}

#[test]
fn calc_says_how_many_findings_and_what_exit_code_1_means() {
    let file = temp_file(
        "findings",
        "claim.json",
        &claim(
            "1970-01-01",
            "{}",
            r#"{"type":"procedure","code":"199999999"}"#,
        ),
    );
    let o = santei(&["calc", &file]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(
            "findings: 1 error(s) (a line not billed or a claim wrong as written: exit code 1)"
        ),
        "{}",
        stdout(&o)
    );
    // A claim of a date no loaded masters cover: how to fix it.
    let o = santei(&["calc", &file, "--masters", &r("r04")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("pass the masters in force on that date with --masters"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rules_check_on_the_demo_data_says_why_codes_are_unknown() {
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules-dsl/rules/r2024-06");
    let o = santei(&["rules", "check", rules.to_str().unwrap()]);
    let out = stdout(&o);
    if o.status.code() == Some(1) {
        assert!(
            out.contains("compiled against the embedded demo data"),
            "{out}"
        );
    }
    // With the official masters: no such note.
    let o = santei(&[
        "rules",
        "check",
        rules.to_str().unwrap(),
        "--masters",
        &r("r06"),
    ]);
    assert!(!stdout(&o).contains("embedded demo data"), "{}", stdout(&o));
}

#[test]
fn calc_of_a_file_that_is_not_a_claim_says_what_it_is() {
    let uke = temp_file(
        "not-a-claim",
        "RECEIPTC.UKE",
        "IR,1,13,1,1234567,,クリニック,202406,00,\r\n",
    );
    let o = santei(&["calc", &uke]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("it is a UKE (レセプト電算) file; recalculate it with `santei recalc`"),
        "{}",
        stderr(&o)
    );
    let dir = std::env::temp_dir().join(format!("santei-first-hour-{}-gz", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gz = dir.join("claim.json.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]).unwrap();
    let o = santei(&["calc", gz.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["error"]["message"].as_str().unwrap().contains("gzip"),
        "{v}"
    );
}

#[test]
fn calc_table_of_a_public_fund_only_claim_has_no_insurance_share() {
    // 生活保護 (法別 12) alone: no 一部負担金 column, the 公費 pays everything.
    let file = temp_file(
        "kohi-only",
        "claim.json",
        &claim(
            "1970-01-01",
            r#"{"public_funds":[{"law_number":"12","payer_number":"12136016","recipient_number":"1234567"}]}"#,
            r#"{"type":"procedure","code":"111000110"}"#,
        ),
    );
    let v: serde_json::Value =
        serde_json::from_slice(&santei(&["calc", &file, "--json"]).stdout).unwrap();
    let c = &v["copay"];
    assert!(c["burden_percent"].is_null(), "{c}");
    let out = stdout(&santei(&["calc", &file]));
    assert!(out.contains("窓口負担: 公費単独"), "{out}");
    let header = out
        .lines()
        .find(|l| l.contains("公費負担") && l.contains("窓口"))
        .unwrap();
    assert!(!header.contains("一部負担金"), "{out}");
    let month = out.lines().find(|l| l.starts_with("  月計")).unwrap();
    assert!(
        month.ends_with(&format!("{}円", grouped(c["window_yen"].as_i64().unwrap()))),
        "{month}"
    );
    assert!(!out.contains("保険者負担"), "{out}");
}

#[test]
fn masters_info_lines_up_by_display_width() {
    let out = stdout(&santei(&["masters", "info", &r("r06")]));
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("kind"))
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("  "))
        .collect();
    assert!(rows.len() >= 7, "{out}");
    for l in &rows {
        assert_eq!(
            l.width(),
            rows[0].width(),
            "not aligned:\n{}",
            rows.join("\n")
        );
    }
}
