//! santei-benches: criterion benches (`cargo bench -p santei-benches`) and, later, the synthetic
//! workload generators. Benches read the official data from `../shared` by path.

use std::path::PathBuf;

/// `../shared` beside the project root (override with `SANTEI_SHARED`).
pub fn shared_dir() -> PathBuf {
    std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}
