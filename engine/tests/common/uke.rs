//! One claim written as a UKE receipt file and read back, for the tests that check a derivation
//! through the recalculation (engine/tests/uke_*.rs, golden-tests/tests/uke_meals.rs): one home for
//! the facility header, the patient record, the writer and the reader they all need.

#![allow(dead_code)] // each test file uses what it needs

use santei_engine::masters::Encoding;
use santei_engine::uke::{
    Check, FacilityHeader, Item, PatientInfo, Recalculator, ReceiptReport, Status, UkeReader,
    UkeWriter, YearMonth,
};
use santei_engine::{Claim, ClaimResult, Engine};

/// The IR record of the test files: a 社保 (payer 1) 医療機関 in 東京 billing `year`-`month`.
pub fn facility(name: &str, year: u32, month: u32) -> FacilityHeader {
    FacilityHeader {
        payer: 1,
        prefecture: 13,
        code: "1312345".into(),
        name: name.into(),
        billing_month: YearMonth { year, month },
        phone: "0312345678".into(),
    }
}

/// The RE/HO facts of the test patient.
pub fn patient() -> PatientInfo {
    PatientInfo {
        name: "患者　一".into(),
        kana: "カンジャ".into(),
        chart: "1".into(),
        insurer: "06132013".into(),
        symbol: "１".into(),
        number: "２".into(),
    }
}

/// `result` of `claim` written as receipt 1 of a UTF-8 file (CRLF) under `header`.
pub fn write(header: &FacilityHeader, claim: &Claim, result: &ClaimResult) -> String {
    let mut w = UkeWriter::new(Vec::new(), header, Encoding::Utf8).unwrap();
    w.write_receipt_with(1, claim, result, &patient()).unwrap();
    String::from_utf8(w.finish().unwrap()).unwrap()
}

/// The one receipt of `text` recalculated with `engine`'s stages.
pub fn recalc(engine: &Engine, text: &str) -> ReceiptReport {
    let calc = Recalculator::with_engine(engine);
    let mut reports = Vec::new();
    for item in UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8) {
        if let Item::Receipt(r) = item.unwrap_or_else(|e| panic!("{e}\n{text}")) {
            reports.push(calc.receipt(&r));
        }
    }
    assert_eq!(reports.len(), 1, "{text}");
    reports.pop().unwrap()
}

/// The checks of `rep` that differ, all of them or those of rule `id`.
pub fn differences<'a>(rep: &'a ReceiptReport, id: Option<&str>) -> Vec<&'a Check> {
    rep.checks
        .iter()
        .filter(|c| {
            c.status == Status::Differs
                && id.is_none_or(|id| c.rule.as_ref().is_some_and(|r| r.id == id))
        })
        .collect()
}
