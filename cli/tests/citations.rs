//! Every citation a user can read names the law (告示/通知 区分, 疑義解釈, 法令) or a file shipped in
//! the project: no reference to a working document a user does not have (RULEBOOK, its "Part 4")
//! or to the project's issue numbers ("issue 5", "issue #7"). Scans the sources, rule files, TOML
//! (golden cases included), the docs and the generated JSON Schema, and lists every hit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The references that are not allowed, found in one line (their text).
fn bad_references(line: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let lower = line.to_lowercase();
    if lower.contains("rulebook") {
        hits.push("RULEBOOK".to_string());
    }
    // "issue 5", "issue #7", "issues 5 and 6".
    let b = lower.as_bytes();
    let mut i = 0;
    while let Some(k) = lower[i..].find("issue") {
        let start = i + k;
        let before_ok = start == 0 || !b[start - 1].is_ascii_alphanumeric();
        let mut j = start + "issue".len();
        if b.get(j) == Some(&b's') {
            j += 1;
        }
        while matches!(b.get(j), Some(b' ') | Some(b'#')) {
            j += 1;
        }
        if before_ok && b.get(j).is_some_and(|c| c.is_ascii_digit()) {
            hits.push(line[start..(j + 1).min(line.len())].to_string());
        }
        i = start + 1;
    }
    // RULEBOOK's parts: "Part 4" (capital P, a digit after).
    let lb = line.as_bytes();
    let mut i = 0;
    while let Some(k) = line[i..].find("Part ") {
        let start = i + k;
        let before_ok = start == 0 || !lb[start - 1].is_ascii_alphanumeric();
        if before_ok && lb.get(start + 5).is_some_and(|c| c.is_ascii_digit()) {
            hits.push(line[start..start + 6].to_string());
        }
        i = start + 1;
    }
    hits
}

fn scan_text(name: &str, text: &str, out: &mut Vec<String>) {
    for (n, line) in text.lines().enumerate() {
        // Tests that assert a message does not mention it.
        if line.contains("contains(\"RULEBOOK\")") {
            continue;
        }
        for h in bad_references(line) {
            out.push(format!("{name}:{}: `{h}`: {}", n + 1, line.trim()));
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            // Build output, VCS data, virtual environments and fuzz inputs are not the project's text.
            if matches!(
                name.as_str(),
                "target" | ".git" | ".venv" | "venv" | "node_modules" | "corpus" | "artifacts"
            ) {
                continue;
            }
            walk(&p, out);
        } else if ["rs", "md", "rules", "toml"]
            .iter()
            .any(|ext| name.ends_with(&format!(".{ext}")))
        {
            out.push(p);
        }
    }
}

#[test]
fn citations_name_the_law_or_a_project_file() {
    let root = root();
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let this = Path::new(file!()).file_name().unwrap();
    let mut hits = Vec::new();
    for f in &files {
        if f.file_name() == Some(this) {
            continue; // the patterns themselves
        }
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        scan_text(&name, &text, &mut hits);
    }
    let schema = Command::new(env!("CARGO_BIN_EXE_santei"))
        .arg("schema")
        .output()
        .expect("run santei schema");
    assert!(schema.status.success(), "santei schema failed");
    scan_text(
        "santei schema (generated)",
        &String::from_utf8_lossy(&schema.stdout),
        &mut hits,
    );
    assert!(
        files.len() > 100,
        "the scan found only {} files under {}",
        files.len(),
        root.display()
    );
    assert!(
        hits.is_empty(),
        "{} reference(s) to RULEBOOK or to issue numbers; cite the law (告示/通知, 法令, 疑義解釈) or a file in the project instead:\n{}",
        hits.len(),
        hits.join("\n")
    );
}

#[test]
fn the_scan_sees_what_it_must() {
    assert_eq!(bad_references("RULEBOOK §2.3"), vec!["RULEBOOK"]);
    assert_eq!(
        bad_references("see issue 5 and Issue #7"),
        vec!["issue 5", "Issue #7"]
    );
    assert_eq!(bad_references("(RULEBOOK Part 4 item 1)").len(), 2);
    assert!(bad_references("an issue with the file; part 1 of 2; tissue 5").is_empty());
}
