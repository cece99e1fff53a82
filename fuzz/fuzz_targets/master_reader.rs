//! Fuzzes the master reader of `santei-masters`: strict decoding, the CSV dialect, the typed
//! column parsers of all six kinds, and the change-file path (`Table::apply_bytes`).
//!
//! Input layout: `[selector] [data...]`.
//! - `selector % 12` picks the kind (`% 6`: 0 S 診療行為, 1 Y 医薬品, 2 T 特定器材, 3 C コメント,
//!   4 B 傷病名, 5 Z 修飾語) and the encoding (0–5 UTF-8, 6–11 CP932). So the ASCII digits
//!   `'0'..='5'` select the kinds in UTF-8 and `'6'..='9' ':' ';'` select them in CP932.
//! - `data` is loaded with `Table::from_bytes`. If it contains a 0xFF byte (never valid in UTF-8 or
//!   CP932), the part before the first 0xFF is the base file and the part after it is the change
//!   file; otherwise the same bytes are used for both.
//!
//! Errors are fine; a panic (or abort, or OOM / timeout) is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use santei_masters::{
    Comment, Date, Disease, Drug, Encoding, MasterRecord, Material, Modifier, Procedure, Table,
};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let selector = selector % 12;
    let encoding = if selector < 6 {
        Encoding::Utf8
    } else {
        Encoding::Cp932
    };
    let (base, update) = match rest.iter().position(|&b| b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, rest),
    };
    match selector % 6 {
        0 => run::<Procedure>(base, update, encoding),
        1 => run::<Drug>(base, update, encoding),
        2 => run::<Material>(base, update, encoding),
        3 => run::<Comment>(base, update, encoding),
        4 => run::<Disease>(base, update, encoding),
        _ => run::<Modifier>(base, update, encoding),
    }
});

fn run<R: MasterRecord>(base: &[u8], update: &[u8], encoding: Encoding) {
    let Ok((mut table, _report)) = Table::<R>::from_bytes("fuzz.csv", base, encoding) else {
        return;
    };
    exercise(&table);
    let mut warnings = Vec::new();
    // The change file may fail half-way; the table must still be usable afterwards.
    let _ = table.apply_bytes("fuzz_update.csv", update, encoding, &mut warnings);
    for w in &warnings {
        let _ = w.message.len();
    }
    exercise(&table);
}

fn exercise<R: MasterRecord>(table: &Table<R>) {
    let range = table.date_range();
    let _ = (table.len(), table.is_empty(), table.version_count());
    let mut dates = vec![
        Date::MIN,
        Date::MAX,
        Date::from_ymd(2024, 6, 1).expect("valid date"),
    ];
    if let Some((from, to)) = range {
        dates.extend([from, to, from.pred(), from.succ(), to.pred(), to.succ()]);
    }
    // A couple of codes that are in the table plus a few that are not.
    let mut codes: Vec<u32> = table.codes().take(3).collect();
    codes.extend([0, 111000110, u32::MAX]);
    for &code in &codes {
        let versions = table.versions(code);
        for v in versions {
            let _ = v.is_valid_on(v.valid_from);
            dates.push(v.valid_from);
            dates.push(v.valid_to);
        }
        if let Some(r) = table.latest(code) {
            touch(r);
        }
        for &date in &dates {
            if let Some(r) = table.get(code, date) {
                touch(r);
            }
            let _ = table.version(code, date);
        }
    }
    let _ = table.iter().count();
}

fn touch<R: MasterRecord>(r: &R) {
    let _ = (r.key(), r.change_kind(), r.changed_on(), r.abolished_on());
    let _ = (r.transitional_until(), r.name().len());
    let _ = r.values().len();
}
