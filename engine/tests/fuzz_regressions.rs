//! Inputs found by the `claim_json` fuzz target (fuzz/fuzz_targets/claim_json.rs), reduced to the
//! smallest claim that still shows the problem. Each test goes through the public API only:
//! `Engine::demo().unwrap().calculate_json(bytes)`. An `Err` or a result is acceptable; a panic is
//! the bug.

use santei_engine::Engine;

/// Found 2026-11-21 (fuzz artifact `crash-e7e075c66acc0dd9d47373041057c0e40d16ad6f`).
///
/// A 頓服 drug with an absurd amount: its points saturate at `i64::MAX` (`rounding.rs`, "values
/// beyond i64 saturate"), and then `finish` (engine.rs, `l.points.unwrap_or(0) * l.times as i64`)
/// multiplies by `times` = `days` = 2 without a check: "attempt to multiply with overflow" with
/// overflow checks on (tests, fuzzing); a silently wrapped, negative total without them (release).
#[test]
fn rx_huge_amount_times_two_does_not_overflow() {
    let claim = br#"{"format":"santei.claim/1","patient":{"birth_date":"1980-01-01","sex":"male"},"visits":[{"date":"2024-06-10","items":[{"type":"rx","form":"as_needed","days":2,"drugs":[{"code":"620098801","amount":"100000000000000000000"}]}]}]}"#;
    let engine = Engine::demo().unwrap();
    let result = engine.calculate_json(claim).unwrap();
    // The 剤 is refused with a finding naming it; nothing wraps around.
    assert_eq!(result.total_points, 0);
    let f = &result.findings[0];
    assert_eq!(
        (f.rule, f.path.as_str()),
        ("MST-002.bad-quantity", "visits[0].items[0].drugs[0]")
    );
}

/// Not a crash: 10,000 levels of nesting inside an item are refused without overflowing the stack.
/// Items are read as a flat table of fields (claim.rs `input::ItemFields`), so nothing buffers an
/// arbitrary JSON value any more: the unknown field is refused before its value is read (earlier
/// builds buffered it and hit serde_json's recursion limit, 128).
#[test]
fn deep_nesting_in_an_item_hits_the_recursion_limit() {
    let depth = 10_000;
    let claim = format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1980-01-01","sex":"male"}},"visits":[{{"date":"2024-06-03","items":[{{"type":"procedure","code":"111000110","x":{}{}}}]}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let engine = Engine::demo().unwrap();
    let err = engine.calculate_json(claim.as_bytes()).unwrap_err();
    assert_eq!(err.code, "claim.value");
    assert!(err.message.contains("unknown field `x`"), "{err}");
    // The same nesting as a number's value: refused as not a number.
    let claim = claim.replace(
        r#""code":"111000110","x":"#,
        r#""code":"111000110","quantity":"#,
    );
    let err = engine.calculate_json(claim.as_bytes()).unwrap_err();
    assert_eq!(err.path, "visits[0].items[0].quantity", "{err}");

    let top = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(engine.calculate_json(top.as_bytes()).is_err());
}
