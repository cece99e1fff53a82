//! Fuzzes the claim JSON path of `santei-engine`: `Engine::calculate_json` (serde_json +
//! serde_path_to_error deserialisation of `santei.claim/1`, then the point calculation on the
//! embedded demo masters) and the `serde_json` serialisers of `Claim` and `ClaimResult`.
//!
//! Input: the raw bytes of a claim document (usually JSON; anything goes).
//!
//! Errors (`ClaimError`) and findings are fine; a panic (or abort, stack overflow, OOM / timeout)
//! is a bug. Deep nesting must be refused by serde_json's recursion limit (128), not overflow the
//! stack.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use santei_engine::Engine;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fn engine() -> &'static Engine {
    ENGINE.get_or_init(|| Engine::demo().expect("the embedded demo masters load"))
}

fuzz_target!(|data: &[u8]| {
    let engine = engine();

    // The public one-shot entry point (parse + calculate).
    let outcome = engine.calculate_json(data);

    // When the input is a claim, exercise the serialisers of the claim and of its result.
    if let Ok(claim) = Engine::parse_claim(data) {
        let _ = serde_json::to_vec(&claim).expect("a parsed claim serialises");
    }
    match outcome {
        Ok(result) => touch_result(&result),
        Err(e) => {
            let _ = (e.code, e.path.len(), e.to_string().len());
        }
    }
});

fn touch_result(result: &santei_engine::ClaimResult) {
    let _ = serde_json::to_vec(result).expect("a claim result serialises");
    let _ = serde_json::to_string_pretty(result).expect("a claim result serialises (pretty)");
    let _ = (
        result.total_points,
        result.lines.len(),
        result.findings.len(),
    );
}
