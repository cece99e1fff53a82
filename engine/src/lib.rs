//! santei-engine: the claim model and the point and copayment calculation. Not written yet: see
//! issues 3 (points) and 5 (copayment). Re-exports the masters so front ends depend on one crate.

pub use santei_masters as masters;
