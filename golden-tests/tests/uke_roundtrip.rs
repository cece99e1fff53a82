//! compute → write UKE → read → recalc over every golden claim: each case's claim is computed under
//! each revision it runs in (with the engine of tests/golden.rs), written as one receipt with
//! `UkeWriter`, read back with `UkeReader` and recalculated with the same engine, its rules and the
//! claim's facility facts. No receipt, line, total or rule may differ. Then every written claim
//! goes into one UTF-8 file, as a month's file would hold them: receipt numbers and the GO totals
//! over all of them must match too.
//!
//! A case whose claim cannot be written as a receipt is listed with its reason, never skipped
//! silently: the claim is rejected by the engine (`error = …` in the case: there is no result to
//! write), or the writer refuses it with one of the errors it documents (engine/src/uke/writer.rs).

use std::collections::BTreeMap;
use std::path::PathBuf;

use santei_engine::Engine;
use santei_engine::masters::Encoding;
use santei_engine::uke::{
    FacilityFacts, FacilityHeader, Item, PatientInfo, Recalc, Recalculator, Status, Tally,
    UkeReader, UkeWriter, YearMonth,
};
use santei_golden::{case_files, case_revisions, claim_json, load_case};

mod common;
use common::engine;

fn facility(month: YearMonth) -> FacilityHeader {
    let billing_month = if month.month == 12 {
        YearMonth {
            year: month.year + 1,
            month: 1,
        }
    } else {
        YearMonth {
            year: month.year,
            month: month.month + 1,
        }
    };
    FacilityHeader {
        payer: 1,
        prefecture: 13,
        code: "1312345".into(),
        name: "算定クリニック".into(),
        billing_month,
        phone: String::new(),
    }
}

/// Why a claim was not written: the only reasons allowed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum NotWritten {
    /// The engine rejects the claim (`[expected] error = …`): there is no result to write.
    Rejected(String),
    /// The writer refuses the claim with an error its module documents ("What is refused",
    /// engine/src/uke/writer.rs): the message.
    Writer(String),
}

/// The refusals of engine/src/uke/writer.rs a golden claim may meet (a case that checks input
/// the engine accepts but a receipt cannot hold).
const WRITER_REFUSALS: &[&str] = &["a receipt holds at most 4 KO"];

#[test]
fn every_golden_claim_round_trips_without_a_difference() {
    let engine = engine();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases");
    let files = case_files(&dir);
    let mut runs = 0;
    let mut receipts = 0;
    let mut lines = 0u64;
    let mut checks = [0u64; 3];
    let mut not_written: Vec<(String, String, NotWritten)> = Vec::new();
    let mut failures = Vec::new();
    let mut cannot = BTreeMap::<String, usize>::new();
    // Every claim written, for the file of all of them below.
    let mut all = Vec::new();
    // Receipts of claims with a line not billed (an error finding): written as computed.
    let mut with_errors = 0;
    for f in &files {
        let rel = f.strip_prefix(&dir).unwrap_or(f).display().to_string();
        let case = match load_case(f) {
            Ok(c) => c,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        for rev in case_revisions(f, &case) {
            runs += 1;
            let Some(exp) = case
                .expected
                .get(&rev)
                .or_else(|| case.expected.get("default"))
            else {
                failures.push(format!("{rel} [{rev}]: no expected values"));
                continue;
            };
            if let Some(code) = &exp.error {
                not_written.push((rel.clone(), rev, NotWritten::Rejected(code.clone())));
                continue;
            }
            let json = match claim_json(&case, &rev) {
                Ok(j) => j,
                Err(e) => {
                    failures.push(format!("{rel} [{rev}]: {e}"));
                    continue;
                }
            };
            let claim = match Engine::parse_claim(&json) {
                Ok(c) => c,
                Err(e) => {
                    failures.push(format!("{rel} [{rev}]: claim does not parse: {e}"));
                    continue;
                }
            };
            let result = match engine.calculate(&claim) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{rel} [{rev}]: claim not computed: {e}"));
                    continue;
                }
            };
            if result
                .findings
                .iter()
                .any(|f| f.severity == santei_engine::Severity::Error)
            {
                with_errors += 1;
            }
            let Some(first) = claim.first_day() else {
                failures.push(format!(
                    "{rel} [{rev}]: a claim without a visit nor a month"
                ));
                continue;
            };
            let month = YearMonth {
                year: first.year(),
                month: first.month(),
            };
            let info = PatientInfo {
                name: "算定　太郎".into(),
                kana: "サンテイ　タロウ".into(),
                chart: runs.to_string(),
                insurer: if claim.insurance.scheme.is_some() {
                    "06132013".into()
                } else {
                    String::new()
                },
                symbol: "１２３".into(),
                number: "４５６".into(),
            };
            let written = (|| {
                let mut w = UkeWriter::new(Vec::new(), &facility(month), Encoding::Cp932)?;
                w.write_receipt_with(1, &claim, &result, &info)?;
                w.finish()
            })();
            let bytes = match written {
                Ok(b) => b,
                Err(e) => {
                    let e = e.to_string();
                    if WRITER_REFUSALS.iter().any(|r| e.contains(r)) {
                        not_written.push((rel.clone(), rev, NotWritten::Writer(e)));
                    } else {
                        failures.push(format!("{rel} [{rev}]: not written: {e}"));
                    }
                    continue;
                }
            };
            let facts = FacilityFacts {
                kind: claim.facility.kind,
                beds: claim.facility.beds,
                standards: claim.facility.standards.clone(),
            };
            let mut recalc = Recalc {
                calc: Recalculator::with_engine(&engine).facility(facts.clone()),
                tally: Tally::new(),
            };
            let mut report = String::new();
            let mut seen = 0;
            for item in UkeReader::new(&bytes[..], "roundtrip.UKE", Encoding::Cp932) {
                let item = match item {
                    Ok(i) => i,
                    Err(e) => {
                        report.push_str(&format!("  read: {e}\n"));
                        continue;
                    }
                };
                let got = match item {
                    Item::Receipt(r) => {
                        seen += 1;
                        let rep = recalc.receipt(&r);
                        lines += rep.lines as u64;
                        if rep.computed_total != result.total_points {
                            report.push_str(&format!(
                                "  computed total {} ≠ the engine's {}\n",
                                rep.computed_total, result.total_points
                            ));
                        }
                        rep.checks
                    }
                    Item::Totals(go) => recalc.totals(&go),
                    _ => continue,
                };
                for c in &got {
                    checks[c.status as usize] += 1;
                    if c.status == Status::CannotCheck {
                        *cannot.entry(c.reason.to_string()).or_default() += 1;
                    }
                    if c.status == Status::Differs {
                        report.push_str(&format!(
                            "  line {} {:?} {:?}: claimed {:?}, computed {:?}: {}{}\n",
                            c.line,
                            c.kind,
                            c.code,
                            c.claimed,
                            c.computed,
                            c.reason,
                            c.rule
                                .as_ref()
                                .map(|r| format!(" ({})", r.id))
                                .unwrap_or_default()
                        ));
                    }
                }
            }
            receipts += seen;
            all.push((rel.clone(), rev.clone(), claim, result, facts));
            if seen != 1 {
                report.push_str(&format!("  {seen} receipts read back, expected 1\n"));
            }
            if !report.is_empty() {
                failures.push(format!(
                    "── {rel} [{rev}] {}\n{report}{}",
                    case.title,
                    String::from_utf8_lossy(&bytes)
                ));
            }
        }
    }
    // All of them in one file (UTF-8 this time): receipt numbers 1…n, the GO totals over every
    // receipt, each receipt recalculated with its own claim's facility facts.
    let mut w = UkeWriter::new(
        Vec::new(),
        &facility(YearMonth {
            year: 2026,
            month: 12,
        }),
        Encoding::Utf8,
    )
    .expect("IR");
    for (i, (rel, rev, claim, result, _)) in all.iter().enumerate() {
        w.write_receipt(i as u32 + 1, claim, result)
            .unwrap_or_else(|e| panic!("{rel} [{rev}]: {e}"));
    }
    let bytes = w.finish().expect("GO");
    let mut tally = Tally::new();
    let mut read = 0;
    let mut go_checks = Vec::new();
    for item in UkeReader::new(&bytes[..], "golden.UKE", Encoding::Utf8) {
        match item.unwrap_or_else(|e| panic!("golden.UKE: {e}")) {
            Item::Receipt(r) => {
                read += 1;
                assert_eq!(r.number as usize, read);
                let (rel, rev, _, result, facts) = &all[read - 1];
                let rep = Recalculator::with_engine(&engine)
                    .facility(facts.clone())
                    .receipt(&r);
                tally.add(&rep);
                let differs: Vec<_> = rep
                    .checks
                    .iter()
                    .filter(|c| c.status == Status::Differs)
                    .collect();
                assert!(
                    differs.is_empty(),
                    "{rel} [{rev}] in golden.UKE: {differs:#?}"
                );
                assert_eq!(rep.computed_total, result.total_points, "{rel} [{rev}]");
            }
            Item::Totals(go) => go_checks = tally.totals(&go),
            _ => {}
        }
    }
    assert_eq!(read, all.len());
    assert_eq!(go_checks.len(), 2);
    assert!(
        go_checks.iter().all(|c| c.status == Status::Match),
        "{go_checks:#?}"
    );
    let mut reasons = BTreeMap::<NotWritten, usize>::new();
    for (_, _, r) in &not_written {
        *reasons.entry(r.clone()).or_default() += 1;
    }
    eprintln!(
        "uke round trip: {} case files, {runs} runs, {receipts} receipts written and recalculated, \
         {lines} SI/IY/TO lines ({with_errors} receipts of claims with an error finding); checks \
         match {}, differ {}, cannot check {}; {} runs not written: {reasons:?}",
        files.len(),
        checks[0],
        checks[1],
        checks[2],
        not_written.len()
    );
    for (case, rev, why) in &not_written {
        eprintln!("  not written: {case} [{rev}]: {why:?}");
    }
    for (why, n) in &cannot {
        eprintln!("  cannot check ×{n}: {why}");
    }
    assert!(
        failures.is_empty(),
        "{} of {runs} runs failed the round trip:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(files.len() >= 40 && receipts >= 300, "{receipts} receipts");
    // Only claims the engine rejects or the writer documents as refused are not written, and
    // they are few (at most 5% of the runs).
    assert!(
        not_written.len() * 20 <= runs,
        "{} of {runs} runs not written",
        not_written.len()
    );
}
