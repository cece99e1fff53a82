//! UKE input santei cannot judge is reported, never passed as "all good": unknown record types
//! are counted with their first line, records with too few or too many fields are malformed (the
//! rest is read), 歯科 records are refused, and an absurd 点数 × 回数 is refused instead of
//! overflowing the receipt total. Runs on the demo masters.

use santei_engine::Engine;
use santei_engine::masters::Encoding;
use santei_engine::uke::batch::{self, BatchOptions, Event};
use santei_engine::uke::{CheckKind, Item, Recalculator, Status, Tally, UkeReader};

const HEAD: &str = "IR,1,13,1,1234567,,医院,202406,00,\n";

fn items(text: &str) -> Vec<Result<Item, santei_engine::uke::UkeError>> {
    UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8).collect()
}

/// Every event of a batch run (jobs 1 and 2 must agree).
fn run(text: &str, jobs: usize) -> (Vec<Event>, Tally) {
    let engine = Engine::demo().unwrap();
    let calc = Recalculator::with_engine(&engine);
    let mut tally = Tally::new();
    let mut events = Vec::new();
    batch::run(
        batch::Input {
            read: text.as_bytes(),
            file: "t.UKE",
            encoding: Encoding::Utf8,
        },
        &calc,
        &mut tally,
        BatchOptions {
            jobs,
            ..BatchOptions::default()
        },
        |_| {},
        |e| {
            events.push(e);
            Ok(())
        },
    )
    .unwrap();
    (events, tally)
}

/// The first receipt's report of a run (each test's text has one receipt).
fn first_receipt(events: &[Event]) -> &santei_engine::uke::ReceiptReport {
    events
        .iter()
        .find_map(|e| match e {
            Event::Receipt(r) => Some(r),
            _ => None,
        })
        .expect("the receipt is reported")
}

/// The crash found by fuzzing `uke_reader`: 点数 188888888888812 × 回数 overflowed the receipt
/// total (a panic in a debug build, a wrapped total in release). The line is now refused, as the
/// claim engine refuses an oversized 算定単位 (MST-002), and the run goes on.
#[test]
fn absurd_points_times_count_is_refused_not_overflowed() {
    let text = format!(
        "{HEAD}RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
         HO,06132013,1,1,1,75,,,,,,,,,\n\
         SI,12,1,112007410,,188888888888812,99,,,,,,,99\n\
         SI,12,1,112007410,,75,1,,,,,,,1\n\
         GO,1,75,99\n"
    );
    for jobs in [1, 2] {
        let (events, tally) = run(&text, jobs);
        let rep = first_receipt(&events);
        let refused = rep
            .checks
            .iter()
            .find(|c| c.claimed == Some(188888888888812) && c.computed.is_none())
            .expect("the absurd line is a check");
        assert_eq!(refused.status, Status::Differs);
        assert_eq!(refused.kind, CheckKind::Procedure);
        assert_eq!(refused.line, 4);
        assert!(
            refused.reason.contains("exceeds 10000000000点"),
            "{}",
            refused.reason
        );
        // The total is the other line's, not a wrapped number.
        assert_eq!(rep.computed_total, 75);
        assert_eq!(tally.summary.computed_points, 75);
    }
}

/// A 点数 at the end of i64 with a 回数 of 0: the product passes any check on 点数 × 回数, so the
/// 点数 alone must be bounded too — negating i64::MIN for a 減点 (deduction) line, or summing it,
/// would overflow (a 630010xxx IY line is a 減点 line, summed negated). Each such line is refused like the one above and the others still count.
#[test]
fn extreme_points_with_zero_count_are_refused_not_overflowed() {
    for points in [i64::MIN.to_string(), i64::MAX.to_string()] {
        for record in [
            "SI,12,1,112007410,",
            "IY,21,1,620000001,1",
            "IY,21,1,630010001,1",
        ] {
            let text = format!(
                "{HEAD}RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
                 HO,06132013,1,1,1,75,,,,,,,,,\n\
                 {record},{points},0,,,,,,,1\n\
                 SI,12,1,112007410,,75,1,,,,,,,1\n\
                 GO,1,75,99\n"
            );
            for jobs in [1, 2] {
                let (events, tally) = run(&text, jobs);
                let rep = first_receipt(&events);
                assert!(
                    rep.checks
                        .iter()
                        .any(|c| c.line == 4 && c.status == Status::Differs),
                    "{record} {points}: line 4 is not reported: {:#?}",
                    rep.checks
                );
                assert_eq!(rep.computed_total, 75, "{record} {points}");
                assert_eq!(tally.summary.computed_points, 75, "{record} {points}");
            }
        }
    }
}

/// A claimed 点数 in range whose computation is not: a 使用量 of 10¹⁵ of a drug in the demo master
/// prices far past 10¹⁰点. The unit is a difference naming the computed 点数 and is left out of the
/// computed total (beside the unit's own check), never summed, wrapped or dropped without a word.
#[test]
fn a_computed_unit_out_of_range_is_a_difference() {
    let text = format!(
        "{HEAD}RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
         HO,06132013,1,1,1,80,,,,,,,,,\n\
         IY,21,1,620002023,1000000000000000,5,1,,,,,,,1\n\
         SI,12,1,112007410,,75,1,,,,,,,1\n\
         GO,1,80,99\n"
    );
    for jobs in [1, 2] {
        let (events, tally) = run(&text, jobs);
        let rep = first_receipt(&events);
        let c = rep
            .checks
            .iter()
            .find(|c| c.line == 4 && c.reason.starts_with("computed 点数"))
            .unwrap_or_else(|| panic!("line 4 is not said out of range: {:#?}", rep.checks));
        assert_eq!(c.status, Status::Differs);
        assert_eq!(c.claimed, Some(5));
        assert_eq!(c.computed, Some(670_000_000_000_000), "{c:#?}");
        assert_eq!(rep.computed_total, 75);
        assert_eq!(tally.summary.computed_points, 75);
    }
}

#[test]
fn huge_quantities_do_not_panic() {
    // 数量 and 使用量 at the top of Decimal: the products overflow and are "cannot check".
    let text = format!(
        "{HEAD}RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
         HO,06132013,1,1,1,75,,,,,,,,,\n\
         IY,21,1,620002023,79228162514264337593543950335,5,1,,,,,,,1\n\
         TO,40,1,700010000,79228162514264337593543950335,5,1,,,,,,,,,,1\n\
         SI,60,1,160008010,79228162514264337593543950335,5,1,,,,,,,1\n\
         GO,1,75,99\n"
    );
    let (events, _) = run(&text, 1);
    assert!(events.iter().any(|e| matches!(e, Event::Receipt(_))));
}

#[test]
fn unknown_records_are_counted_with_their_first_line() {
    let text = format!(
        "{HEAD}RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
         HO,06132013,1,1,1,75,,,,,,,,,\n\
         ZZ,1,2,3\n\
         SI,12,1,112007410,,75,1,,,,,,,1\n\
         QQ,9\n\
         GO,1,75,99\n"
    );
    let (events, tally) = run(&text, 1);
    let rep = first_receipt(&events);
    assert_eq!(rep.unknown_records, 2);
    assert_eq!(rep.first_unknown, Some((4, "ZZ".to_string())));
    assert_eq!(tally.summary.unknown_records, 2);
}

#[test]
fn too_few_or_too_many_fields_is_malformed_and_the_rest_is_read() {
    let full_si = format!("SI,12,1,112007410,,75,1{}", ",".repeat(37)); // 44 fields
    let too_many = format!("{full_si},1");
    let text = format!(
        "{HEAD}RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
         HO,06132013,1,1,1,75,,,,,,,,,\n\
         {too_many}\n\
         RE,2,1112,202406,テスト,1,19800101,,,,,,,,\n\
         HO,06132013,1,1,1,75,,,,,,,,,\n\
         SI,12,1,112007410\n\
         RE,3,1112,202406,テスト,1,19800101,,,,,,,,\n\
         HO,06132013,1,1,1,75,,,,,,,,,\n\
         {full_si}\n\
         GO,3,225,99\n"
    );
    for jobs in [1, 2] {
        let (events, tally) = run(&text, jobs);
        let errors: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Error(e) => Some(e.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].line, 4);
        assert!(
            errors[0].message.contains("45 fields") && errors[0].message.contains("44"),
            "{}",
            errors[0]
        );
        assert_eq!(errors[1].line, 7);
        assert!(errors[1].message.contains("at least 7"), "{}", errors[1]);
        assert_eq!(tally.summary.receipts, 1, "the third receipt is read");
        assert_eq!(tally.summary.malformed, 2);
    }
}

#[test]
fn dental_records_are_refused() {
    let text = format!(
        "{HEAD}RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
         HO,06132013,1,1,1,75,,,,,,,,,\n\
         SS,12,1,301000110,,75,1\n\
         GO,1,75,99\n"
    );
    let got = items(&text);
    let err = got.iter().find_map(|i| i.as_ref().err()).expect("an error");
    assert_eq!(err.line, 4);
    assert!(err.message.contains("歯科"), "{err}");
}

#[test]
fn a_short_go_is_malformed() {
    let got = items(&format!("{HEAD}GO,1\n"));
    let err = got.iter().find_map(|i| i.as_ref().err()).expect("an error");
    assert!(err.message.contains("GO has 2 field(s)"), "{err}");
}
