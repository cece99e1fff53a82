//! The UKE reader and the recalculation: any bytes either read (receipt by receipt) or give
//! errors — never a panic — and every receipt that reads can be recalculated against the demo
//! engine (masters and bundled rules). The first byte picks the encoding. The reader's fast path
//! (records not kept, as the batch reads) must give exactly what the general reader gives.

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
