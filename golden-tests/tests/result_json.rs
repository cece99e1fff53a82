//! The `santei.result/1` JSON of golden claims, explanations included, byte for byte as it was
//! written when the explanations were strings (before engine/src/explain/ made them data,
//! rendered when the result is serialized): `tests/results/<case>.<revision>.json` are those
//! outputs, and each must still come out the same. The cases were chosen so that together they
//! hold every kind of explanation the golden claims give (every variant of `Explanation` that
//! occurs in them).
//!
//! `SANTEI_DUMP_RESULTS=DIR cargo test -p santei-golden --test result_json` also writes the JSON
//! of every golden claim to DIR (`<case>.<revision>.json`) and the result's JSON schema
//! (`result_schema.json`), to compare two builds whole.
//! `SANTEI_UPDATE_RESULTS=1` rewrites the files of tests/results/ (after a change that is meant
//! to change them).

use std::path::{Path, PathBuf};

use santei_engine::Engine;
use santei_golden::{case_files, case_revisions, claim_json, load_case};

/// `<case>.<revision>`: the file stem of a case's result.
fn result_name(cases: &Path, file: &Path, rev: &str) -> String {
    let rel = file.strip_prefix(cases).unwrap_or(file).with_extension("");
    let stem = rel.to_string_lossy().replace(['/', '\\'], "__");
    format!("{stem}.{rev}")
}

#[test]
fn golden_results_are_the_json_they_were() {
    let engine: Engine = santei_golden::engine();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cases = root.join("cases");
    let expected_dir = root.join("tests/results");
    let dump = std::env::var_os("SANTEI_DUMP_RESULTS").map(PathBuf::from);
    let update = std::env::var_os("SANTEI_UPDATE_RESULTS").is_some();
    if let Some(d) = &dump {
        std::fs::create_dir_all(d).unwrap();
        let schema = serde_json::to_vec_pretty(&santei_engine::result_schema()).unwrap();
        std::fs::write(d.join("result_schema.json"), schema).unwrap();
    }
    let mut checked = 0;
    for f in case_files(&cases) {
        let case = load_case(&f).unwrap();
        for rev in case_revisions(&f, &case) {
            let name = result_name(&cases, &f, &rev);
            let expected = expected_dir.join(format!("{name}.json"));
            let wanted = expected.exists();
            if !wanted && dump.is_none() {
                continue;
            }
            let json = claim_json(&case, &rev).unwrap();
            let Ok(claim) = Engine::parse_claim(&json) else {
                continue;
            };
            let bytes = match engine.calculate(&claim) {
                Ok(r) => r.to_json_pretty(),
                Err(e) => format!("error {}\n", e.code).into_bytes(),
            };
            if let Some(d) = &dump {
                std::fs::write(d.join(format!("{name}.json")), &bytes).unwrap();
            }
            if wanted {
                if update {
                    std::fs::write(&expected, &bytes).unwrap();
                }
                let want = std::fs::read(&expected).unwrap();
                assert!(
                    want == bytes,
                    "{name}: the JSON differs from {}",
                    expected.display()
                );
                checked += 1;
            }
        }
    }
    assert!(
        dump.is_some() || checked >= 5,
        "only {checked} result files checked"
    );
}
