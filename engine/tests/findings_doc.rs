//! docs/FINDINGS.md stays true to the code: every finding id defined in engine/src has its row,
//! every row's id is defined, and every file a row names in its last column ("raised in") exists
//! and uses the finding's constant (beyond defining it). A stage that moves a finding elsewhere
//! must move the row's file too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Whether `s` has the shape of a finding id: `ABC-123.slug`.
fn is_finding_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 8
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b[3] == b'-'
        && b[4..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'.'
        && b[8..]
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// (id → (constant name, defining file)) of every `const NAME: &str = "ABC-123.slug";`.
fn constants(files: &[(String, String)]) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for (path, text) in files {
        for line in text.lines() {
            let Some(k) = line.find("const ") else {
                continue;
            };
            let rest = &line[k + 6..];
            let Some((name, value)) = rest.split_once(": &str = \"") else {
                continue;
            };
            let Some(id) = value.strip_suffix("\";") else {
                continue;
            };
            if is_finding_id(id) {
                let old = out.insert(id.to_string(), (name.to_string(), path.clone()));
                assert!(old.is_none(), "{id} defined twice");
            }
        }
    }
    out
}

/// Whether `name` occurs in `text` as a whole identifier, other than in its definition.
fn uses(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident) && !text[..i].ends_with("const ")
    })
}

#[test]
fn every_finding_row_names_the_files_that_raise_it() {
    let root = root();
    let mut paths = Vec::new();
    rust_files(&root.join("engine/src"), &mut paths);
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    let by_path: BTreeMap<&str, &str> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let consts = constants(&files);
    assert!(
        consts.len() > 50,
        "only {} finding constants found",
        consts.len()
    );

    let doc = std::fs::read_to_string(root.join("docs/FINDINGS.md")).unwrap();
    let mut rows = BTreeMap::new();
    let mut problems = Vec::new();
    for (n, line) in doc.lines().enumerate() {
        let Some(rest) = line.strip_prefix("| ") else {
            continue;
        };
        let Some((id, _)) = rest.split_once(" |") else {
            continue;
        };
        if !is_finding_id(id) {
            continue;
        }
        let body = line.trim_end().trim_end_matches('|').trim_end();
        let last = &body[body.rfind(" | ").map_or(0, |k| k + 3)..];
        rows.insert(id.to_string(), n + 1);
        let Some((name, _)) = consts.get(id) else {
            problems.push(format!(
                "FINDINGS.md:{}: {id} is defined nowhere in engine/src",
                n + 1
            ));
            continue;
        };
        for entry in last.split(',') {
            // An entry is a path, possibly followed by a remark: "engine/src/tsusoku/ (one file
            // per 部)".
            let path = entry.trim().split(' ').next().unwrap_or("");
            if !path.starts_with("engine/src/") {
                continue;
            }
            if path.ends_with('/') {
                if !root.join(path).is_dir() {
                    problems.push(format!("FINDINGS.md:{}: {id}: no folder {path}", n + 1));
                }
                continue;
            }
            match by_path.get(path) {
                None => problems.push(format!("FINDINGS.md:{}: {id}: no file {path}", n + 1)),
                Some(text) if !uses(text, name) && !text.contains(&format!("\"{id}\"")) => problems
                    .push(format!(
                        "FINDINGS.md:{}: {id}: {path} does not use {name}",
                        n + 1
                    )),
                Some(_) => {}
            }
        }
    }
    for id in consts.keys() {
        if !rows.contains_key(id) {
            problems.push(format!("{id} has no row in docs/FINDINGS.md"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
