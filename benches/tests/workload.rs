//! The synthetic UKE workload on the official r06 masters: deterministic, realistic in size, and
//! recalculated without a difference.

use std::sync::OnceLock;

use santei_benches::shared_dir;
use santei_benches::workload::{Block, generate};
use santei_engine::Engine;
use santei_engine::masters::{Encoding, MasterCatalog, MasterSet};
use santei_engine::uke::{CheckKind, Item, Recalc, Status, Summary, UkeReader, YearMonth};

const JULY: YearMonth = YearMonth {
    year: 2024,
    month: 7,
};

/// What a file gave: receipts, SI/IY/TO records, check counts, claimed and computed points, and
/// whether both GO checks match.
struct Run {
    receipts: u64,
    lines: u64,
    summary: Summary,
    claimed: i64,
    computed: i64,
    go_ok: bool,
}

fn setup() -> &'static (Engine, MasterCatalog) {
    static S: OnceLock<(Engine, MasterCatalog)> = OnceLock::new();
    S.get_or_init(|| {
        let dir = shared_dir().join("masters/r06");
        assert!(
            dir.is_dir(),
            "{}: the official masters are missing; set SANTEI_SHARED",
            dir.display()
        );
        let set = MasterSet::load(&dir).expect("r06 masters");
        let mut catalog = MasterCatalog::new();
        catalog.insert(set.clone());
        (Engine::from_set(set), catalog)
    })
}

/// Reads and recalculates a file; no receipt may differ, and only まるめ units (several codes in
/// one 算定単位) may be impossible to check.
fn recalc(bytes: impl std::io::BufRead, enc: Encoding) -> Run {
    let (_, catalog) = setup();
    let mut r = Recalc::new(catalog);
    let mut run = Run {
        receipts: 0,
        lines: 0,
        summary: Summary::default(),
        claimed: 0,
        computed: 0,
        go_ok: false,
    };
    for item in UkeReader::new(bytes, "gen.UKE", enc) {
        match item.unwrap_or_else(|e| panic!("{e}")) {
            Item::Receipt(rc) => {
                let rep = r.receipt(&rc);
                assert!(!rep.differs(), "receipt {}: {:#?}", rep.number, rep.checks);
                for c in &rep.checks {
                    if c.status == Status::CannotCheck {
                        assert!(
                            c.kind == CheckKind::Procedure && c.reason.contains("multi-code"),
                            "receipt {}: {c:#?}",
                            rep.number
                        );
                    }
                }
                run.receipts += 1;
                run.lines += rep.lines as u64;
                run.claimed += rep.claimed_total.unwrap_or(0);
                run.computed += rep.computed_total;
            }
            Item::Totals(go) => {
                let checks = r.totals(&go);
                run.go_ok = checks.len() == 2 && checks.iter().all(|c| c.status == Status::Match);
            }
            _ => {}
        }
    }
    run.summary = r.summary().clone();
    run
}

#[test]
fn same_seed_same_bytes() {
    let (engine, _) = setup();
    let a = generate(engine, 42, 60, JULY, Vec::new(), Encoding::Cp932).unwrap();
    let b = generate(engine, 42, 60, JULY, Vec::new(), Encoding::Cp932).unwrap();
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1);
    assert_eq!(a.1.bytes, a.0.len() as u64);
    let c = generate(engine, 43, 60, JULY, Vec::new(), Encoding::Cp932).unwrap();
    assert_ne!(a.0, c.0);
    // The same text in UTF-8.
    let u = generate(engine, 42, 60, JULY, Vec::new(), Encoding::Utf8).unwrap();
    let text = santei_engine::masters::text::decode(&a.0, Encoding::Cp932, "a").unwrap();
    assert_eq!(text.as_bytes(), &u.0[..]);
}

#[test]
fn two_hundred_receipts_recalculate_without_a_difference() {
    let (engine, _) = setup();
    let (bytes, stats) = generate(engine, 7, 200, JULY, Vec::new(), Encoding::Cp932).unwrap();
    let run = recalc(&bytes[..], Encoding::Cp932);
    let s = &run.summary;
    assert_eq!(run.receipts, 200);
    assert!(run.go_ok, "GO totals");
    assert_eq!(run.lines, stats.lines);
    assert_eq!(s.total(Status::Differs), 0, "{s:#?}");
    assert_eq!((run.claimed, run.computed), (stats.points, stats.points));
    // Realistic size: about 20 SI/IY/TO records per receipt.
    let per = run.lines as f64 / run.receipts as f64;
    assert!((15.0..=25.0).contains(&per), "{per} lines per receipt");
    // Real variety: まるめ units (SI records without 点数 before the unit's last), 剤 and
    // materials, all recalculated from the masters and the 告示's まるめ tiers.
    let text = santei_engine::masters::text::decode(&bytes, Encoding::Cp932, "w").unwrap();
    let inner = text
        .lines()
        .filter(|l| l.starts_with("SI,") && l.split(',').nth(5) == Some(""))
        .count();
    assert!(inner > 10, "{inner} SI records inside multi-code units");
    assert_eq!(s.total(Status::CannotCheck), 0, "{s:#?}");
    assert!(
        s.count(CheckKind::Procedure, Status::Match) > 1000,
        "{s:#?}"
    );
    assert!(s.count(CheckKind::Drug, Status::Match) > 50, "{s:#?}");
    assert!(s.count(CheckKind::Material, Status::Match) > 0, "{s:#?}");
    assert!(s.count(CheckKind::PublicTotal, Status::Match) > 0, "{s:#?}");
    assert_eq!(s.count(CheckKind::DayCounts, Status::Match), run.lines);
}

#[test]
fn repeated_block_reads_as_one_file_with_the_right_totals() {
    let (engine, _) = setup();
    let block = Block::generate(engine, 3, 25, JULY, Encoding::Utf8).unwrap();
    let run = recalc(block.repeat(4), Encoding::Utf8);
    assert_eq!(run.receipts, 100);
    assert_eq!(run.lines, 4 * block.stats.lines);
    assert!(run.go_ok, "GO totals of the 4 copies");
    assert_eq!(run.claimed, 4 * block.stats.points);
    let mut all = Vec::new();
    std::io::Read::read_to_end(&mut block.repeat(4), &mut all).unwrap();
    assert_eq!(all.len() as u64, block.repeated_len(4));
}
