//! The UKE reader and the recalculation: any bytes either read (receipt by receipt) or give
//! errors — never a panic — and every receipt that reads can be recalculated against the demo
//! engine (masters and bundled rules). The first byte picks the encoding. The reader's fast path
//! (records not kept, as the batch reads) must give exactly what the general reader gives, and
//! so must the fast path building each receipt over the one given back before it.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use santei_engine::Engine;
use santei_engine::masters::Encoding;
use santei_engine::uke::{Item, Recalc, Records, UkeReader};

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::demo().expect("demo engine"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let encoding = if first % 2 == 0 {
        Encoding::Cp932
    } else {
        Encoding::Utf8
    };
    let general: Vec<_> = UkeReader::new(rest, "fuzz.UKE", encoding)
        .take(10_000)
        .map(|item| match item {
            Ok(Item::Receipt(mut r)) => {
                r.records = Records::default();
                Ok(Item::Receipt(r))
            }
            other => other,
        })
        .collect();
    let fast: Vec<_> = UkeReader::new(rest, "fuzz.UKE", encoding)
        .keep_records(false)
        .take(10_000)
        .collect();
    assert_eq!(format!("{fast:?}"), format!("{general:?}"));
    // As the batch reads: each receipt given back once done (`UkeReader::recycle`), so the next
    // one is built over its box, units and lines; it must read the same.
    let mut reader = UkeReader::new(rest, "fuzz.UKE", encoding).keep_records(false);
    let mut recycled = Vec::new();
    while let Some(item) = reader.next() {
        if recycled.len() == 10_000 {
            break;
        }
        match item {
            Ok(Item::Receipt(r)) => {
                recycled.push(format!("{:?}", Ok::<_, ()>(Item::Receipt(r.clone()))));
                reader.recycle(r);
            }
            other => recycled.push(format!("{other:?}")),
        }
    }
    let fast_text: Vec<_> = fast.iter().map(|i| format!("{i:?}")).collect();
    assert_eq!(recycled, fast_text);
    let mut recalc = Recalc::with_engine(engine());
    recalc.start_file();
    for item in general {
        match item {
            Ok(Item::Receipt(r)) => {
                let _ = recalc.receipt(&r);
            }
            Ok(Item::Totals(go)) => {
                let _ = recalc.totals(&go);
            }
            Ok(_) => {}
            Err(e) => recalc.malformed(&e),
        }
    }
});
