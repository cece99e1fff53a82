//! Locating ../shared (the official data beside the project). Tests that need it FAIL when it is
//! missing: CI must never pass by skipping them. Set SANTEI_SHARED to point elsewhere.

#![allow(dead_code)]

use std::path::PathBuf;

pub fn shared() -> PathBuf {
    santei_test_data::shared()
}

pub fn masters(rev: &str) -> PathBuf {
    santei_test_data::masters(rev)
}

pub fn date(s: &str) -> santei_masters::Date {
    santei_masters::Date::parse_iso(s).unwrap()
}
