//! The golden engine (`santei_golden::engine`).

pub use santei_golden::engine;
