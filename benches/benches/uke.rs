//! UKE batch recalculation on synthetic 外来 receipts built from the official r06 masters
//! (`santei_benches::workload`): 10,000 distinct receipts (~20 SI/IY/TO records each) generated
//! once, streamed 1, 10 and 100 times (10k, 100k, 1M receipts) through the reader alone
//! (parse-only), and through the batch (read + recalculate + tally, file order kept) on one and
//! on two threads, with and without the rule checks.
//!
//! Run: `cargo bench -p santei-benches --bench uke` (needs ../shared; ~10 minutes).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use santei_benches::shared_dir;
use santei_benches::workload::Block;
use santei_engine::Engine;
use santei_engine::masters::{Encoding, LoadOptions, MasterCatalog, MasterSet};
use santei_engine::uke::batch::{self, BatchOptions, Event, Input};
use santei_engine::uke::{Recalculator, Tally, UkeReader, YearMonth};

const BLOCK: u32 = 10_000;

// The `santei` binary uses mimalloc too: with several threads reading and recalculating, the
// system allocator's locking showed in the profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn engine() -> Engine {
    let opts = LoadOptions {
        parallel: true,
        ..Default::default()
    };
    let mut catalog = MasterCatalog::new();
    catalog.insert(MasterSet::load_with(shared_dir().join("masters/r06"), &opts).expect("r06"));
    Engine::new(catalog)
}

/// Reads every receipt of the stream as the batch does (parsed receipts, records not kept), and
/// recalculates nothing.
fn parse_only(block: &Block, times: u64) -> u64 {
    let mut n = 0;
    for item in
        UkeReader::new(block.repeat(times), "bench.UKE", Encoding::Cp932).keep_records(false)
    {
        if let Ok(santei_engine::uke::Item::Receipt(r)) = item {
            n += r.units.len() as u64;
        }
    }
    n
}

/// Reads, recalculates and tallies every receipt; returns the differences (0 expected).
fn recalc(block: &Block, times: u64, calc: &Recalculator<'_>, jobs: usize) -> u64 {
    let mut tally = Tally::new();
    let mut differs = 0u64;
    batch::run(
        Input {
            read: block.repeat(times),
            file: "bench.UKE",
            encoding: Encoding::Cp932,
        },
        calc,
        &mut tally,
        BatchOptions {
            jobs,
            ..BatchOptions::default()
        },
        |_| {},
        |e| {
            if let Event::Receipt(r) = e {
                differs += r.differs() as u64;
            }
            Ok(())
        },
    )
    .expect("batch");
    assert_eq!(tally.summary.receipts, BLOCK as u64 * times);
    differs
}

fn uke(c: &mut Criterion) {
    let engine = engine();
    let month = YearMonth {
        year: 2024,
        month: 7,
    };
    let block = Block::generate(&engine, 1, BLOCK, month, Encoding::Cp932).expect("workload");
    let per_receipt = block.stats.lines as f64 / BLOCK as f64;
    eprintln!(
        "workload: {BLOCK} receipts, {:.1} SI/IY/TO records and {:.0} bytes per receipt",
        per_receipt,
        block.stats.bytes as f64 / BLOCK as f64
    );
    let with_rules = Recalculator::with_engine(&engine);
    let points_only = Recalculator::with_engine_masters(&engine);
    // The workload is consistent: nothing differs.
    assert_eq!(recalc(&block, 1, &with_rules, 2), 0);

    let mut g = c.benchmark_group("uke");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(20));
    for times in [1u64, 10, 100] {
        let receipts = BLOCK as u64 * times;
        g.throughput(Throughput::Elements(receipts));
        g.bench_with_input(
            BenchmarkId::new("parse_only_1t", receipts),
            &times,
            |b, &t| b.iter(|| parse_only(&block, t)),
        );
        for jobs in [1usize, 2] {
            g.bench_with_input(
                BenchmarkId::new(format!("recalc_rules_{jobs}t"), receipts),
                &times,
                |b, &t| b.iter(|| recalc(&block, t, &with_rules, jobs)),
            );
        }
        g.bench_with_input(
            BenchmarkId::new("recalc_points_only_2t", receipts),
            &times,
            |b, &t| b.iter(|| recalc(&block, t, &points_only, 2)),
        );
    }
    g.finish();
}

criterion_group!(benches, uke);
criterion_main!(benches);
