//! The one pricing library of santei: the points of a 診療行為 (点数識別, きざみ, %加算), of a 剤
//! (薬価 → 点数) and of a 特定器材 (材料価格 → 点数). The claim engine (`engine.rs`) and the UKE
//! recalculation (`uke/recalc.rs`) both price through these functions and keep no arithmetic of
//! their own; each function names its rounding and its source.

pub mod drug;
pub mod material;
pub mod procedure;

pub use drug::{drug_floor, drug_points};
pub use material::{MaterialPoints, material_points};
pub use procedure::{
    Bound, PriceError, Priced, PricedHow, Steps, percent_change, procedure_points, unit_total,
};
