//! `santei calc --uke FILE`: claims computed and written as a UKE file, which `santei recalc`
//! reads back without a difference; bad flag combinations are exit 2 with a message. Runs on the
//! embedded demo masters.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("santei-calc-uke-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .expect("run santei")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn example() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/claim.json")
        .display()
        .to_string()
}

/// The IR facts a claim does not hold.
const IR: [&str; 6] = [
    "--prefecture",
    "13",
    "--facility-name",
    "算定クリニック",
    "--facility-code",
    "1312345",
];

/// 社保 本人 3割, 2024-07: 再診料 + 外来管理加算, and a 外来診療料 a 診療所 cannot bill (MST-004: a
/// line not billed, exit 1).
const NOT_BILLED: &str = r#"{"format":"santei.claim/1",
 "patient":{"birth_date":"1970-04-01","sex":"male"},
 "insurance":{"scheme":"shaho","relation":"insured","burden_percent":30},
 "facility":{"kind":"clinic","code":"1312345"},
 "visits":[{"date":"2024-07-16","items":[{"type":"procedure","code":"112007410"},
   {"type":"procedure","code":"112011310"}]}]}"#;

fn recalc(file: &str, encoding: &str) -> Output {
    santei(&[
        "recalc",
        file,
        "--progress",
        "never",
        "--uke-encoding",
        encoding,
    ])
}

/// Asserts `santei recalc` on the file: exit 0, `receipts` receipts, no difference.
fn assert_no_difference(file: &str, encoding: &str, receipts: usize) {
    let o = recalc(file, encoding);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", err(&o));
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("receipt")).collect();
    assert_eq!(lines.len(), receipts, "{text}");
    assert!(lines.iter().all(|l| l.contains(" 0 differ ")), "{text}");
    assert!(
        text.contains(&format!("{receipts} receipt(s) (0 malformed)")),
        "{text}"
    );
}

#[test]
fn one_claim_written_then_recalculated_without_a_difference() {
    let d = Dir::new("one");
    let uke = d.path("out.UKE");
    let example = example();
    let mut args = vec!["calc", &example, "--uke", &uke];
    args.extend(IR);
    let o = santei(&args);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let summary = out(&o);
    assert!(summary.contains("1 receipt(s)"), "{summary}");
    assert!(summary.contains("請求年月 2027-01"), "{summary}");
    assert!(
        summary.contains(&format!("check it: santei recalc {uke}")),
        "{summary}"
    );
    // CP932 with CRLF: IR first (国保 → 2 国保連), GO last.
    let bytes = std::fs::read(&uke).unwrap();
    assert!(bytes.starts_with(b"IR,2,13,1,1312345,,"), "{bytes:?}");
    assert!(bytes.ends_with(b"\r\nGO,1,973,99\r\n"));
    assert!(!bytes.contains(&0xE3), "CP932, not UTF-8");
    assert_no_difference(&uke, "cp932", 1);
}

#[test]
fn several_claims_from_files_arrays_and_json_lines_in_utf8() {
    let d = Dir::new("many");
    let claim = std::fs::read_to_string(example()).unwrap();
    let one_line: String = claim.lines().map(str::trim).collect();
    let array = d.file("array.json", &format!("[{claim},\n{claim}]"));
    let lines = d.file("month.jsonl", &format!("{one_line}\n{one_line}\n"));
    let uke = d.path("month.UKE");
    let mut args = vec![
        "calc",
        &array,
        &lines,
        "--uke",
        &uke,
        "--uke-encoding",
        "utf8",
    ];
    args.extend(IR);
    let o = santei(&args);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let summary = out(&o);
    for name in [
        "array.json[0]",
        "array.json[1]",
        "month.jsonl:1",
        "month.jsonl:2",
    ] {
        assert!(summary.contains(name), "{summary}");
    }
    assert!(
        summary.contains("GO 総件数 4 総合計点数 3,892点 (UTF-8, CRLF)"),
        "{summary}"
    );
    let text = std::fs::read_to_string(&uke).unwrap();
    assert!(
        text.contains("IR,2,13,1,1312345,,算定クリニック,202701,00,\r\n"),
        "{text}"
    );
    assert_eq!(text.matches("\r\nRE,").count(), 4);
    assert_no_difference(&uke, "utf8", 4);

    // `--uke -`: the file on standard output (the summary on stderr), straight into recalc.
    let mut args = vec!["calc", &array, "--uke", "-"];
    args.extend(IR);
    let o = santei(&args);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("wrote the UKE file to standard output"),
        "{}",
        err(&o)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["recalc", "-", "--progress", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &o.stdout).unwrap();
    let r = child.wait_with_output().unwrap();
    assert_eq!(r.status.code(), Some(0), "{}", out(&r));
}

#[test]
fn a_line_not_billed_is_written_as_computed_with_exit_1() {
    let d = Dir::new("notbilled");
    let claim = d.file("m004.json", NOT_BILLED);
    let uke = d.path("m004.UKE");
    // The code comes from the claim's facility.code; the payer from its 社保.
    let o = santei(&[
        "calc",
        &claim,
        "--uke",
        &uke,
        "--prefecture",
        "13",
        "--facility-name",
        "算定クリニック",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let summary = out(&o);
    assert!(summary.contains("MST-004.hospital-or-clinic"), "{summary}");
    assert!(summary.contains("exit code 1"), "{summary}");
    let bytes = std::fs::read(&uke).unwrap();
    assert!(bytes.starts_with(b"IR,1,13,1,1312345,,"));
    // 再診料 75 + 外来管理加算 52; the 外来診療料 is not on the receipt.
    assert!(bytes.ends_with(b"GO,1,127,99\r\n"));
    assert!(!bytes.windows(9).any(|w| w == b"112011310"));
    assert_no_difference(&uke, "cp932", 1);
}

#[test]
fn a_claim_that_cannot_be_computed_or_written_is_exit_2_and_nothing_is_written() {
    let d = Dir::new("bad");
    let good = example();
    let bad = d.file(
        "bad.json",
        r#"{"format":"santei.claim/1","patient":{"birth_date":"1970-04-01","sex":"male"},
        "visits":[{"date":"2024-07-16","items":[{"type":"nonsense"}]}]}"#,
    );
    let uke = d.path("bad.UKE");
    let mut args = vec!["calc", &good, &bad, "--uke", &uke];
    args.extend(IR);
    let o = santei(&args);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("bad.json") && e.contains("visits[0].items[0]"),
        "{e}"
    );
    assert!(e.contains("nothing written"), "{e}");
    assert!(!Path::new(&uke).exists());

    // Five 公費: a receipt holds at most 4 KO (engine/src/uke/writer.rs).
    let funds: Vec<String> = ["10", "15", "21", "51", "54"]
        .iter()
        .map(|l| format!(r#"{{"law_number":"{l}"}}"#))
        .collect();
    let five = d.file(
        "five.json",
        &NOT_BILLED.replace(
            r#""burden_percent":30}"#,
            &format!(
                r#""burden_percent":30,"public_funds":[{}]}}"#,
                funds.join(",")
            ),
        ),
    );
    let mut args = vec!["calc", &five, "--uke", &uke];
    args.extend(IR);
    let o = santei(&args);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    let e = err(&o);
    assert!(e.contains("five.json") && e.contains("at most 4 KO"), "{e}");
    assert!(!Path::new(&uke).exists());
}

#[test]
fn bad_flag_combinations_are_exit_2_with_a_message() {
    let d = Dir::new("flags");
    let claim = example();
    let uke = d.path("x.UKE");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        // IR flags without --uke.
        (
            vec!["calc", &claim, "--uke-encoding", "utf8"],
            "--uke <FILE>",
        ),
        (vec!["calc", &claim, "--prefecture", "13"], "--uke <FILE>"),
        // Several claims without --uke.
        (vec!["calc", &claim, &claim], "--uke FILE"),
        // --explain has no table to explain.
        (
            vec![
                "calc",
                &claim,
                "--uke",
                &uke,
                "--explain",
                "--prefecture",
                "13",
                "--facility-name",
                "x",
            ],
            "--explain",
        ),
        // Missing and bad IR facts, all in one message.
        (vec!["calc", &claim, "--uke", &uke], "--prefecture"),
        (
            vec!["calc", &claim, "--uke", &uke, "--prefecture", "48"],
            "1–47",
        ),
        (
            vec![
                "calc",
                &claim,
                "--uke",
                &uke,
                "--prefecture",
                "13",
                "--facility-name",
                "x",
            ],
            "--facility-code",
        ),
        (
            vec![
                "calc",
                &claim,
                "--uke",
                &uke,
                "--prefecture",
                "13",
                "--facility-name",
                "x",
                "--facility-code",
                "1312345",
                "--billing-month",
                "2027-13",
            ],
            "--billing-month",
        ),
        // A name the UKE field cannot hold.
        (
            vec![
                "calc",
                &claim,
                "--uke",
                &uke,
                "--prefecture",
                "13",
                "--facility-name",
                "a,b",
                "--facility-code",
                "1312345",
            ],
            "commas",
        ),
    ];
    for (args, want) in cases {
        let o = santei(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", out(&o));
        assert!(err(&o).contains(want), "{args:?}: {}", err(&o));
        assert!(!Path::new(&uke).exists(), "{args:?}");
    }
    // --uke - and --json would both print on standard output: a JSON error.
    let o = santei(&["calc", &claim, "--uke", "-", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("a JSON error");
    assert_eq!(v["error"]["code"], "usage");
    assert!(v["error"]["message"].as_str().unwrap().contains("--uke -"));
}
