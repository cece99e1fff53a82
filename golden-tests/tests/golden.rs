//! Runs every golden case on the official masters in ../shared under each revision it names.

use std::path::PathBuf;

use santei_golden::{case_files, case_revisions, check, load_case};

mod common;
use common::engine;

#[test]
fn golden_cases() {
    let engine = engine();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases");
    let files = case_files(&dir);
    let mut runs = 0;
    let mut failures = Vec::new();
    let mut known_gaps = Vec::new();
    let mut per_revision = std::collections::BTreeMap::<String, usize>::new();
    for f in &files {
        let case = match load_case(f) {
            Ok(c) => c,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let revs = case_revisions(f, &case);
        if revs.is_empty() {
            failures.push(format!(
                "{}: no revision (put it under cases/<revision>/ or set `revisions`)",
                f.display()
            ));
        }
        for rev in revs {
            runs += 1;
            *per_revision.entry(rev.clone()).or_default() += 1;
            let rel = f.strip_prefix(&dir).unwrap_or(f);
            match (check(&case, &rev, &engine), &case.known_gap) {
                (Err(report), None) => failures.push(format!(
                    "── {} [{rev}] {}\n   source: {}\n{report}",
                    rel.display(),
                    case.title,
                    case.source
                )),
                (Err(report), Some(gap)) => known_gaps.push(format!(
                    "── {} [{rev}] known gap: {gap}\n{report}",
                    rel.display()
                )),
                (Ok(()), Some(gap)) => failures.push(format!(
                    "── {} [{rev}] passes now: remove its `known_gap` marker ({gap})",
                    rel.display()
                )),
                (Ok(()), None) => {}
            }
        }
    }
    eprintln!(
        "golden: {} case files, {runs} runs {per_revision:?}",
        files.len()
    );
    for g in &known_gaps {
        eprintln!("{g}");
    }
    assert!(
        files.len() >= 40,
        "the golden suite must keep at least 40 cases; found {}",
        files.len()
    );
    // The revision in force today is covered by its own cases, and the 改定 by cases that run
    // one claim under both revisions with different expected values.
    let r08 = per_revision.get("r2026-06").copied().unwrap_or(0);
    assert!(r08 >= 40, "at least 40 r2026-06 runs expected; found {r08}");
    let both = files
        .iter()
        .filter_map(|f| load_case(f).ok().map(|c| (f, c)))
        .filter(|(f, c)| {
            let revs = case_revisions(f, c);
            revs.iter().any(|r| r == "r2024-06")
                && revs.iter().any(|r| r == "r2026-06")
                && c.expected.contains_key("r2024-06")
                && c.expected.contains_key("r2026-06")
        })
        .count();
    assert!(
        both >= 10,
        "at least 10 cases should run one claim under r2024-06 and r2026-06 with their own expected values; found {both}"
    );
    assert!(
        failures.is_empty(),
        "{} of {runs} golden runs failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
