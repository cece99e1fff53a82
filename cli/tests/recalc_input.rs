//! `santei recalc` on input it cannot judge: never exit 0 with "0 receipt(s)". Each case gives a
//! clear message and exit 2 (a difference is 1). Runs on the embedded demo masters.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const OK: &str = "IR,1,13,1,1234567,,医院,202406,00,\n\
    RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
    HO,06132013,1,1,1,75,,,,,,,,,\n\
    SI,12,1,112007410,,75,1,,,,,,,1\n\
    GO,1,75,99\n";

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d =
            std::env::temp_dir().join(format!("santei-recalc-input-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn recalc(file: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["recalc", file, "--progress", "never"])
        .output()
        .expect("run santei")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_good_file_is_exit_0() {
    let d = Dir::new("ok");
    let o = recalc(&d.file("ok.UKE", OK.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn empty_file_is_an_error() {
    let d = Dir::new("empty");
    let o = recalc(&d.file("empty.UKE", b""));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("is empty"), "{}", err(&o));
}

#[test]
fn another_csv_or_a_master_is_not_a_uke_file() {
    let d = Dir::new("other");
    let o = recalc(&d.file("other.UKE", b"a,b,c\n1,2,3\n"));
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("holds no receipt") && e.contains("line 1: `a`"),
        "{e}"
    );
    // A master file renamed .UKE (the demo 医科診療行為 rows, official layout).
    let master = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../masters/demo/r2024-06/s_demo.csv"),
    )
    .unwrap();
    let o = recalc(&d.file("s_ALL.UKE", &master));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("holds no receipt"), "{}", err(&o));
}

#[test]
fn gzip_says_decompress_first() {
    let d = Dir::new("gz");
    let gz = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xfe,
    ];
    let o = recalc(&d.file("month.UKE.gz", &gz));
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("is gzip: decompress it first (zcat") && !e.contains("CP932"),
        "{e}"
    );
    // The same on standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["recalc", "-", "--progress", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&gz).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("is gzip"), "{}", err(&o));
}

#[test]
fn unknown_records_are_reported() {
    let d = Dir::new("unknown");
    let text = OK.replace("SI,12", "ZZ,1,2\nSI,12");
    let o = recalc(&d.file("unknown.UKE", text.as_bytes()));
    let e = err(&o);
    assert!(
        e.contains("1 record(s)") && e.contains("line 4: `ZZ`"),
        "{e}"
    );
}

#[test]
fn dental_files_are_refused() {
    let d = Dir::new("dental");
    let o = recalc(&d.file(
        "dental.UKE",
        OK.replace("IR,1,13,1,", "IR,1,13,3,").as_bytes(),
    ));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("IR 点数表 is `3` (歯科)"), "{}", err(&o));
    let o = recalc(&d.file("ss.UKE", OK.replace("SI,12,1,", "SS,12,1,").as_bytes()));
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).contains("歯科"), "{}", out(&o));
}

#[test]
fn wrong_field_counts_are_malformed_and_the_rest_is_read() {
    let d = Dir::new("fields");
    let text = format!(
        "{}RE,2,1112,202406,テスト,1,19800101,,,,,,,,\nHO,06132013,1,1,1,75,,,,,,,,,\nSI,12,1,112007410\nGO,2,150,99\n",
        OK.trim_end_matches("GO,1,75,99\n")
    );
    let o = recalc(&d.file("fields.UKE", text.as_bytes()));
    assert_eq!(o.status.code(), Some(2));
    let s = out(&o);
    assert!(
        s.contains("MALFORMED")
            && s.contains(":7 (receipt 2): SI field 4 (missing)")
            && s.contains("at least 7"),
        "{s}"
    );
    assert!(
        s.contains("receipt      1"),
        "the good receipt is still read: {s}"
    );
}

#[test]
fn missing_go_is_an_error() {
    let d = Dir::new("nogo");
    let o = recalc(&d.file("cut.UKE", OK.trim_end_matches("GO,1,75,99\n").as_bytes()));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no GO record"), "{}", err(&o));
}

#[test]
fn no_masters_for_the_month_is_not_a_clean_run() {
    let d = Dir::new("month");
    let o = recalc(&d.file("old.UKE", OK.replace("202406", "201910").as_bytes()));
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("no masters loaded for 診療年月 2019-10 (1 receipt(s))")
            && e.contains("r2024-06 (2024-06-01 – 2026-05-31)"),
        "{e}"
    );
}

/// The `uke_reader` fuzz crash: 点数 188888888888812 × 回数 overflowed the receipt total.
#[test]
fn absurd_points_are_refused_not_wrapped() {
    let d = Dir::new("overflow");
    let text = OK.replace(
        "SI,12",
        "SI,12,1,112007410,,188888888888812,99,,,,,,,99\nSI,12",
    );
    let o = recalc(&d.file("overflow.UKE", text.as_bytes()));
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let s = out(&o);
    assert!(
        s.contains("exceeds 10000000000点") && s.contains("computed       75"),
        "{s}"
    );
}

#[test]
fn file_errors_are_in_the_json_output_too() {
    let d = Dir::new("formats");
    let f = d.file("empty.UKE", b"");
    let o = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["recalc", &f, "--progress", "never", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let s = out(&o);
    assert!(
        s.contains("\"type\":\"error\"") && s.contains("is empty"),
        "{s}"
    );
}

/// The payer-side variant (one IR per receipt, ../shared/uke/receparser/ikasample.csv) has no GO
/// record: not an error there.
#[test]
fn payer_side_files_need_no_go() {
    let d = Dir::new("payer");
    let one = OK.trim_end_matches("GO,1,75,99\n");
    let text = format!("{one}{}", one.replace("RE,1,", "RE,2,"));
    let o = recalc(&d.file("payer.UKE", text.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!err(&o).contains("no GO record"), "{}", err(&o));
}

/// A DPC receipt (here: the good receipt with a BU 診断群分類 record, as in
/// ../shared/uke/receparser/dpcsample.csv) is reported as "cannot check", and the run is not a
/// clean one: exit 2 with a message, although nothing differs.
#[test]
fn dpc_receipts_are_not_a_clean_run() {
    let d = Dir::new("dpc");
    let text = OK.replace(
        "HO,06132013,1,1,1,75,,,,,,,,,\n",
        "HO,06132013,1,1,1,75,,,,,,,,,\nBU,110290XX99X00X,20240617,20240621,6,\n",
    );
    let o = recalc(&d.file("dpc.UKE", text.as_bytes()));
    let all = format!("{}{}", out(&o), err(&o));
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(
        all.contains("DPC (診断群分類) receipts are out of santei's scope"),
        "{all}"
    );
    assert!(
        all.contains("1 DPC (診断群分類) receipt(s) were not checked"),
        "{all}"
    );
}
