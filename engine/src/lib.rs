//! santei-engine: the claim model (one shared definition for the CLI, the C ABI, the Python
//! bindings and the UKE batch), the per-revision [`Engine`], and the point calculation with an
//! explanation of every number. Rule outcomes are [`Finding`]s in the result; `Err` means the
//! claim could not be judged at all.
//!
//! ```
//! let engine = santei_engine::Engine::demo().unwrap();
//! let claim = br#"{"format":"santei.claim/1","patient":{"birth_date":"1980-01-01","sex":"female"},
//!   "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"112007410"}]}]}"#;
//! let result = engine.calculate_json(claim).unwrap();
//! assert_eq!(result.total_points, 75 + 52); // 再診料 + 外来管理加算
//! ```

pub use santei_masters::age;
mod builder;
pub mod burden;
pub mod calendar;
pub mod claim;
mod claim_checks;
pub mod copay;
mod derive;
mod engine;
pub mod error;
pub mod explain;
pub mod meals;
mod prepared;
pub mod pretty_json;
pub mod price;
mod price_response;
pub mod result;
pub mod revisions;
pub mod rounding;
pub mod rules;
mod sections;
pub mod stay;
pub mod tables;
#[cfg(test)]
mod test_masters;
pub mod tsusoku;
pub mod uke;

pub use builder::{BuildError, BuildReport, EngineBuilder, MastersFolder, revision_folders_hint};
pub use claim::{CLAIM_FORMAT, Claim};
pub use copay::{Copay, CopaySettings, LocalSchemes};
pub(crate) use engine::EngineOptions;
pub use engine::{CalcOptions, Engine, PolypharmacyRounding};
pub use error::ClaimError;
pub use explain::{ExplainForm, Explanation};
pub use result::{ClaimResult, Finding, Line, Origin, RESULT_FORMAT, RecordKind, Severity};
pub use santei_masters as masters;
pub use sections::{section_name, section_of, section_of_inpatient};

/// The JSON Schema of the claim format.
pub fn claim_schema() -> schemars::schema::RootSchema {
    schemars::schema_for!(Claim)
}

/// The JSON Schema of the result format (`santei.result/1`), generated from [`ClaimResult`].
pub fn result_schema() -> schemars::schema::RootSchema {
    schemars::schema_for!(ClaimResult)
}
