//! Exports every golden case for the C golden test (`tests/c/test_golden.c`, run by
//! `tests/run.sh`): the claim JSON of each (case, revision) run, and what the Rust API returns for
//! it, so the C test can check that the C API gives the same result byte for byte.
//!
//! `cargo run -p santei-ffi --example export_golden -- OUT_DIR`
//!
//! The engine is built as the golden test builds it (golden-tests/tests/golden.rs): r06 with the
//! change files of `masters/updates` and the r06 医科電子点数表, and r04; the C test loads the same
//! folders through `santei_engine_load_folders`. Writes into OUT_DIR:
//! - `NNN.claim.json`: the claim;
//! - `NNN.result.json`: the Rust API's result as JSON (for a claim the engine computes);
//! - `manifest.tsv`: one line per run, `NNN <TAB> ok <TAB> total_points <TAB> label` or
//!   `NNN <TAB> error <TAB> claim error code <TAB> label`.

use std::fmt::Write as _;
use std::path::PathBuf;

use santei_engine::EngineBuilder;
use santei_engine::masters::{LoadOptions, MasterCatalog, MasterSet, Revision};
use santei_golden::{case_files, case_revisions, claim_json, load_case};

fn main() {
    let out = PathBuf::from(
        std::env::args_os()
            .nth(1)
            .expect("usage: export_golden OUT_DIR"),
    );
    let shared = santei_test_data::shared();
    let m = shared.join("masters");
    let mut catalog = MasterCatalog::new();
    let r06 = LoadOptions {
        updates: Some(m.join("updates")),
        parallel: true,
        ..Default::default()
    };
    catalog.insert(MasterSet::load_with(m.join("r06"), &r06).expect("r06 masters"));
    let plain = LoadOptions {
        parallel: true,
        ..Default::default()
    };
    catalog.insert(MasterSet::load_with(m.join("r04"), &plain).expect("r04 masters"));
    let engine = EngineBuilder::new()
        .catalog(catalog)
        .etensu_for(
            Revision::parse("r2024-06").expect("a known revision"),
            shared.join("etensu/r06"),
        )
        .build()
        .expect("rules compile");

    std::fs::create_dir_all(&out).expect("create OUT_DIR");
    let cases = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../golden-tests/cases");
    let mut manifest = String::new();
    let mut n = 0;
    for f in case_files(&cases) {
        let case = load_case(&f).expect("golden case");
        let rel = f.strip_prefix(&cases).unwrap_or(&f).display().to_string();
        for rev in case_revisions(&f, &case) {
            let json = claim_json(&case, &rev).expect("claim JSON");
            let name = format!("{n:03}");
            std::fs::write(out.join(format!("{name}.claim.json")), &json).expect("write claim");
            let label = format!("{rel} [{rev}]");
            match engine.calculate_json(&json) {
                Ok(r) => {
                    let result = serde_json::to_vec(&r).expect("result JSON");
                    std::fs::write(out.join(format!("{name}.result.json")), result)
                        .expect("write result");
                    let _ = writeln!(manifest, "{name}\tok\t{}\t{label}", r.total_points);
                }
                Err(e) => {
                    let _ = writeln!(manifest, "{name}\terror\t{}\t{label}", e.code);
                }
            }
            n += 1;
        }
    }
    std::fs::write(out.join("manifest.tsv"), manifest).expect("write manifest");
    eprintln!("export_golden: {n} runs written to {}", out.display());
}
