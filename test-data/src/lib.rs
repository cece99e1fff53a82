//! santei-test-data (dev-only, never published): the one place that knows where the official data
//! lives for tests and benches — `../shared` beside the project root, or `$SANTEI_SHARED`.
//!
//! Every function **fails** (panics with the path and what to do) when the data is missing:
//! CI must never pass by skipping the tests that read the real masters.
//!
//! ```no_run
//! let r06 = santei_test_data::masters("r06");          // ../shared/masters/r06
//! let et = santei_test_data::etensu("r06");            // ../shared/etensu/r06
//! let uke = santei_test_data::uke("RECEIPTC_GAIRAI_SAMPLE.UKE");
//! ```

use std::path::{Path, PathBuf};

/// The environment variable that points at another copy of `../shared`.
pub const ENV: &str = "SANTEI_SHARED";

/// The official data folder: `$SANTEI_SHARED`, else `../shared` beside the project root. Panics
/// when it (or its `masters/` folder) is missing.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os(ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    assert!(
        dir.join("masters").is_dir(),
        "the official data folder `{}` is missing (or has no masters/): the tests read the real \
         masters from ../shared beside the project root; put it there or set {ENV}",
        dir.display()
    );
    dir
}

/// A path inside the official data folder, which must exist.
pub fn path(relative: impl AsRef<Path>) -> PathBuf {
    let p = shared().join(relative);
    assert!(
        p.exists(),
        "`{}` is missing from the official data folder (set {ENV} to another copy)",
        p.display()
    );
    p
}

/// The folder of one revision's 基本マスター: `masters("r06")` is `../shared/masters/r06`.
pub fn masters(rev: &str) -> PathBuf {
    path(Path::new("masters").join(rev))
}

/// The folder of change files published after the complete masters (`../shared/masters/updates`).
pub fn updates() -> PathBuf {
    path("masters/updates")
}

/// The 医科電子点数表 of one revision: `etensu("r06")` is `../shared/etensu/r06`.
pub fn etensu(rev: &str) -> PathBuf {
    path(Path::new("etensu").join(rev))
}

/// A UKE (レセプト電算) sample: `uke("RECEIPTC_GAIRAI_SAMPLE.UKE")` is in `../shared/uke/`.
pub fn uke(file: impl AsRef<Path>) -> PathBuf {
    path(Path::new("uke").join(file))
}

/// A fresh, empty folder for one test under the system's temporary folder, named by the test's
/// `name` and the process id (so parallel test binaries do not share it).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("santei-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create `{}`: {e}", dir.display()));
    dir
}
