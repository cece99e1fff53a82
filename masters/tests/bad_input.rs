//! Bad input: each gives an error naming file, line and column; nothing panics; missing files are
//! a clear error (required) or a warning (optional).

use std::path::PathBuf;

use santei_masters::{DataError, Encoding, LoadError, LoadOptions, MasterSet};

const DEMO_S: &str = include_str!("../demo/r2024-06/s_demo.csv");

fn folder(name: &str, files: &[(&str, Vec<u8>)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("santei-bad-input-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (n, bytes) in files {
        std::fs::write(dir.join(n), bytes).unwrap();
    }
    dir
}

fn load_s(name: &str, text: Vec<u8>, encoding: Encoding) -> Result<MasterSet, LoadError> {
    let dir = folder(name, &[("s_ALL20240601.csv", text)]);
    let opts = LoadOptions {
        encoding,
        kinds: Some(vec![]),
        ..Default::default()
    };
    MasterSet::load_with(&dir, &opts)
}

/// The demo 医科診療行為 file with line `line` (1-based) replaced by `f(line)`.
fn with_line(line: usize, f: impl Fn(&str) -> String) -> Vec<u8> {
    DEMO_S
        .split_inclusive("\r\n")
        .enumerate()
        .map(|(i, l)| if i + 1 == line { f(l) } else { l.to_owned() })
        .collect::<String>()
        .into_bytes()
}

fn data_error(r: Result<MasterSet, LoadError>) -> (santei_masters::Position, DataError, String) {
    match r {
        Err(e @ LoadError::Data { .. }) => {
            let msg = e.to_string();
            let LoadError::Data { pos, error } = e else {
                unreachable!()
            };
            (*pos, error, msg)
        }
        Err(e) => panic!("expected a data error, got {e}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn demo_file_loads() {
    let set = load_s("ok", DEMO_S.as_bytes().to_vec(), Encoding::Utf8).unwrap();
    assert!(set.procedures.len() > 30);
}

#[test]
fn truncated_row() {
    let mut text = DEMO_S.as_bytes().to_vec();
    text.truncate(text.len() - 300);
    let lines = DEMO_S.matches("\r\n").count();
    let (pos, err, msg) = data_error(load_s("trunc", text, Encoding::Utf8));
    assert_eq!(pos.line, lines);
    assert!(
        matches!(
            err,
            DataError::UnterminatedQuote | DataError::ColumnCount { .. }
        ),
        "{msg}"
    );
    assert!(
        msg.contains("s_ALL20240601.csv") && msg.contains(&format!("line {lines}")),
        "{msg}"
    );
}

#[test]
fn wrong_column_count() {
    let text = with_line(3, |l| l.replacen("\",\"", "\",\"\",\"", 1));
    let (pos, err, msg) = data_error(load_s("cols", text, Encoding::Utf8));
    assert_eq!(pos.line, 3);
    assert_eq!(
        err,
        DataError::ColumnCount {
            expected: "150".into(),
            found: 151
        }
    );
    assert!(msg.contains("expected 150, found 151"), "{msg}");
}

#[test]
fn bad_date() {
    let text = with_line(5, |l| l.replace("\"20240601\"", "\"20240631\""));
    let (pos, err, msg) = data_error(load_s("date", text, Encoding::Utf8));
    assert_eq!(
        (pos.line, pos.column, pos.column_name),
        (5, Some(87), Some("変更年月日"))
    );
    assert!(matches!(err, DataError::BadField { ref value, .. } if value == "20240631"));
    assert!(msg.contains("line 5, column 87 (変更年月日)"), "{msg}");
}

#[test]
fn unknown_change_kind() {
    let text = with_line(2, |l| l.replacen("\"0\"", "\"4\"", 1));
    let (pos, err, _) = data_error(load_s("kind", text, Encoding::Utf8));
    assert_eq!((pos.line, pos.column), (2, Some(1)));
    assert_eq!(err, DataError::UnknownChangeKind("4".into()));
}

#[test]
fn malformed_cp932_byte() {
    // An ASCII-only row is valid CP932; put a lone lead byte 0x82 in line 2, field 5.
    let mut rows: Vec<Vec<u8>> = Vec::new();
    let ascii_row = |code: &str, name: &[u8]| {
        let mut r = format!("\"0\",\"S\",\"{code}\",\"3\",\"").into_bytes();
        r.extend_from_slice(name);
        r.extend_from_slice(b"\"");
        for _ in 6..=150 {
            r.extend_from_slice(b",\"0\"");
        }
        r.extend_from_slice(b"\r\n");
        r
    };
    rows.push(ascii_row("111000110", b"abc"));
    rows.push(ascii_row("112007410", b"a\x82"));
    let (pos, err, msg) = data_error(load_s("cp932", rows.concat(), Encoding::Cp932));
    assert_eq!((pos.line, pos.column), (2, Some(5)));
    assert!(matches!(err, DataError::MalformedEncoding { .. }), "{msg}");
    assert!(msg.contains("CP932") && msg.contains("0x82"), "{msg}");
}

#[test]
fn bad_number_names_the_column() {
    let text = with_line(4, |l| {
        let mut f: Vec<String> = l.trim_end().split(',').map(str::to_owned).collect();
        f[11] = "\"29I.00\"".into();
        f.join(",") + "\r\n"
    });
    let (pos, _, msg) = data_error(load_s("num", text, Encoding::Utf8));
    assert_eq!(pos.column, Some(12), "{msg}");
}

#[test]
fn missing_required_file_says_what_to_download() {
    let dir = folder("missing", &[]);
    let err = MasterSet::load(&dir).unwrap_err();
    assert!(matches!(err, LoadError::MissingRequired { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("医科診療行為") && msg.contains("s_ALL") && msg.contains("ssk.or.jp"),
        "{msg}"
    );
}

#[test]
fn missing_optional_files_are_warnings() {
    let dir = folder(
        "optional",
        &[("s_ALL20240601.csv", DEMO_S.as_bytes().to_vec())],
    );
    let opts = LoadOptions {
        encoding: Encoding::Utf8,
        ..Default::default()
    };
    let set = MasterSet::load_with(&dir, &opts).unwrap();
    let w: Vec<&str> = set
        .report
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(w.len(), 5, "{w:?}");
    assert!(w.iter().any(|m| m.contains("医薬品")), "{w:?}");
}

#[test]
fn a_change_for_an_unknown_code_is_a_warning_with_its_line() {
    let mut row = String::from("\"5\",\"S\",\"199999999\"");
    for _ in 4..=150 {
        row.push_str(",\"\"");
    }
    row.push_str("\r\n");
    let dir = folder(
        "unknown-change",
        &[
            ("s_ALL20240601.csv", DEMO_S.as_bytes().to_vec()),
            ("s_20240701.csv", row.into_bytes()),
        ],
    );
    let opts = LoadOptions {
        encoding: Encoding::Utf8,
        kinds: Some(vec![]),
        ..Default::default()
    };
    let set = MasterSet::load_with(&dir, &opts).unwrap();
    let w = &set.report.warnings;
    assert!(
        w.iter().any(
            |w| w.message.contains("s_20240701.csv` line 1") && w.message.contains("199999999")
        ),
        "{w:?}"
    );
}

#[test]
fn garbage_never_panics() {
    for (i, junk) in [
        &b""[..],
        b"\"",
        b"\"0\",\"S\"",
        b",,,,\r\n",
        b"\xFF\xFE",
        b"\"0\"\"x\"\n",
        b"\r\n\r\n",
    ]
    .iter()
    .enumerate()
    {
        let _ = load_s(&format!("junk{i}"), junk.to_vec(), Encoding::Cp932);
    }
}
