//! Explanations are built on demand (`CalcOptions::explain`): for every golden claim, the result
//! computed without them equals the result computed with them once their texts are removed —
//! the flag changes no number, line, finding or copayment — and carries no explanation at all.

use std::path::PathBuf;

use santei_engine::{CalcOptions, ClaimResult, Engine};
use santei_golden::{case_files, case_revisions, claim_json, load_case};

fn without_texts(mut r: ClaimResult) -> ClaimResult {
    for l in &mut r.lines {
        l.explain.clear();
    }
    if let Some(c) = &mut r.copay {
        c.explain.clear();
        c.public_funds.iter_mut().for_each(|f| f.explain.clear());
        c.visits.iter_mut().for_each(|v| v.explain.clear());
        if let Some(m) = &mut c.meals {
            m.explain.clear();
        }
    }
    r
}

fn has_texts(r: &ClaimResult) -> bool {
    r.lines.iter().any(|l| !l.explain.is_empty())
        || r.copay.as_ref().is_some_and(|c| {
            !c.explain.is_empty()
                || c.visits.iter().any(|v| !v.explain.is_empty())
                || c.public_funds.iter().any(|f| !f.explain.is_empty())
                || c.meals.as_ref().is_some_and(|m| !m.explain.is_empty())
        })
}

#[test]
fn every_golden_claim_computes_the_same_without_explanations() {
    let engine: Engine = santei_golden::engine();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases");
    let files = case_files(&dir);
    assert!(
        files.len() > 100,
        "golden cases not found in {}",
        dir.display()
    );
    let (mut same, mut explained) = (0, 0);
    for f in &files {
        let case = load_case(f).unwrap();
        for rev in case_revisions(f, &case) {
            let json = claim_json(&case, &rev).unwrap();
            let Ok(claim) = Engine::parse_claim(&json) else {
                continue;
            };
            let full = engine.calculate(&claim);
            let lean = engine.calculate_with(&claim, CalcOptions { explain: false });
            match (full, lean) {
                (Ok(full), Ok(lean)) => {
                    assert!(
                        !has_texts(&lean),
                        "{} [{rev}]: an explanation was built",
                        f.display()
                    );
                    explained += usize::from(has_texts(&full));
                    assert!(
                        without_texts(full) == lean,
                        "{} [{rev}]: the result without explanations differs",
                        f.display()
                    );
                    same += 1;
                }
                (Err(a), Err(b)) => assert_eq!(a.code, b.code, "{} [{rev}]", f.display()),
                (a, b) => panic!("{} [{rev}]: {a:?} vs {b:?}", f.display()),
            }
        }
    }
    eprintln!("explain on demand: {same} results equal, {explained} of them explained when asked");
    assert!(same > 400 && explained > 400);
}
