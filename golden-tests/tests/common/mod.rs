//! The engine every golden test runs on, as a real deployment builds it: r06 with its change
//! files and 電子点数表, r04, the r08 excerpt declared complete for the prefixes its README lists
//! (masters/r08-excerpt/README.md: every row of 111–113, 120 and 130), and the bundled rules.

use santei_engine::masters::Revision;
use santei_engine::{Engine, EngineBuilder, MastersFolder};

pub fn engine() -> Engine {
    let m = santei_test_data::shared().join("masters");
    let engine = EngineBuilder::new()
        .masters(
            MastersFolder::new(m.join("r06"))
                .updates(m.join("updates"))
                .etensu(santei_test_data::shared().join("etensu/r06")),
        )
        .masters(m.join("r04"))
        .masters(
            MastersFolder::new(m.join("r08-excerpt"))
                .complete_prefixes(["111", "112", "113", "120", "130"]),
        )
        .build()
        .expect("the golden engine builds");
    let r08 = engine
        .masters_for(Revision::parse("r2026-06").unwrap().effective_from)
        .expect("r2026-06 loaded");
    assert!(r08.coverage.is_partial(), "the r08 set is the excerpt");
    engine
}
