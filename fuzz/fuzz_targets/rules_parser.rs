//! The rule-language parser and formatter: any text either parses or gives a diagnostic (never a
//! panic or a stack overflow), and whatever parses formats to text that parses back to the same
//! tree (the formatter's round-trip property).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match santei_rules_dsl::parse("fuzz.rules", text) {
        Ok(ast) => {
            let formatted = santei_rules_dsl::format_file(&ast);
            let again = santei_rules_dsl::parse("fuzz.rules", &formatted)
                .unwrap_or_else(|d| panic!("formatted text does not parse: {d}\n{formatted}"));
            assert_eq!(ast, again, "format → parse changed the tree:\n{formatted}");
            let _ = santei_rules_dsl::format_source(&ast, text);
        }
        Err(d) => {
            let _ = d.to_string();
        }
    }
});
