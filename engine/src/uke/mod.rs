//! レセプト電算処理システム (UKE) files, 医科: a streaming reader ([`reader`]) and the batch
//! recalculation of every receipt against the masters of its 診療年月 ([`recalc`]).
//! Layout: ../shared/docs/UKE_LAYOUT.md (R02–R06 医科).

pub mod batch;
pub mod blocks;
pub mod reader;
pub mod recalc;
pub mod stream;
pub mod writer;

pub use reader::{
    Burden, DayCounts, Go, Insurance, Item, Line, LineKind, PublicExpense, Receipt, Record,
    RecordRef, Records, UkeError, UkeReader, Unit, YearMonth,
};
pub use recalc::{
    Check, CheckKind, DPC_OUT_OF_SCOPE, FacilityFacts, Outcome, Recalc, Recalculator,
    ReceiptReport, RuleRef, Status, Summary, Tally,
};
pub use writer::{FacilityHeader, PatientInfo, UkeWriter, receipt_kind};
