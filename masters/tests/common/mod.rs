//! Locating ../shared (the official data beside the project). Tests that need it FAIL when it is
//! missing: CI must never pass by skipping them. Set SANTEI_SHARED to point elsewhere.

#![allow(dead_code)]

use std::path::PathBuf;

pub fn shared() -> PathBuf {
    let dir = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    assert!(
        dir.join("masters").is_dir(),
        "the official data folder `{}` is missing: these tests read the real masters from ../shared \
         (beside the project root) or from $SANTEI_SHARED",
        dir.display()
    );
    dir
}

pub fn masters(rev: &str) -> PathBuf {
    shared().join("masters").join(rev)
}

pub fn date(s: &str) -> santei_masters::Date {
    santei_masters::Date::parse_iso(s).unwrap()
}
