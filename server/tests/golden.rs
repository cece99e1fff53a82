//! For every golden claim (golden-tests/cases, under each revision it names), the API's answer
//! equals byte for byte what `santei calc --json` prints (and with `?explain=true` what
//! `santei calc --json --explain` prints): the engine's `to_json_pretty` of the
//! same claim with the same engine (the function the CLI calls), or for a claim that cannot be
//! judged, a problem with the engine's error code.

use std::path::PathBuf;
use std::sync::Arc;

use santei_golden::{case_files, case_revisions, claim_json, load_case};
use santei_server::{Config, State};

mod common;

#[tokio::test]
async fn every_golden_claim_is_answered_as_calc_json_prints_it() {
    let calc = santei_golden::engine();
    let state = State::new(
        santei_golden::engine(),
        Arc::new(|| Err("no reload in this test".into())),
        Config::default(),
    );
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../golden-tests/cases");
    let files = case_files(&dir);
    assert!(
        files.len() > 100,
        "golden cases not found in {}",
        dir.display()
    );
    let (mut same, mut problems) = (0, 0);
    for f in &files {
        let case = load_case(f).unwrap();
        for rev in case_revisions(f, &case) {
            let claim = claim_json(&case, &rev).unwrap();
            let a = common::post(&state, "/v1/claims/calculate", claim.clone()).await;
            let lean = santei_engine::CalcOptions { explain: false };
            match calc.calculate_json_with(&claim, lean) {
                Ok(result) => {
                    assert_eq!(a.status, 200, "{} [{rev}]: {}", f.display(), a.text());
                    assert!(
                        a.body == result.to_json_pretty(),
                        "{} [{rev}]: the API's JSON differs from calc --json",
                        f.display()
                    );
                    // ?explain=true is `calc --json --explain`.
                    let full = calc.calculate_json(&claim).unwrap().to_json_pretty();
                    let b =
                        common::post(&state, "/v1/claims/calculate?explain=true", claim.clone())
                            .await;
                    assert!(
                        b.body == full,
                        "{} [{rev}]: the API's JSON with explain=true differs from calc --json --explain",
                        f.display()
                    );
                    same += 1;
                }
                Err(e) => {
                    let p = a.json();
                    assert_eq!(p["code"], e.code, "{} [{rev}]", f.display());
                    problems += 1;
                }
            }
        }
    }
    eprintln!("golden: {same} claims byte-identical, {problems} answered as problems");
    assert!(same > 100);
}
