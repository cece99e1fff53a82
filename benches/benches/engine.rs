//! The point engine on the official r06 masters: one typical 外来 visit single-threaded (parse +
//! compute, and compute alone), and a batch across all cores with rayon.
//!
//! Run: `cargo bench -p santei-benches --bench engine` (needs ../shared).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use santei_benches::{shared_dir, typical_visit_json};
use santei_engine::Engine;
use santei_engine::masters::{LoadOptions, MasterSet};

// The allocator of the `santei` binary (CLI and `santei serve`) and of the Python module: the
// claim engine allocates a few dozen small strings per claim, and these numbers are the ones those
// front ends see. An embedder through the C ABI gets its host's allocator: `profile_visit`
// (benches/src/bin) runs the same claim on the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn engine() -> Engine {
    let opts = LoadOptions {
        parallel: true,
        ..Default::default()
    };
    Engine::from_set(MasterSet::load_with(shared_dir().join("masters/r06"), &opts).expect("r06"))
}

fn typical_visit(c: &mut Criterion) {
    let engine = engine();
    let json = typical_visit_json(7);
    let claim = Engine::parse_claim(&json).expect("claim");
    let r = engine.calculate(&claim).expect("result");
    assert!(
        r.total_points > 0
            && r.findings
                .iter()
                .all(|f| f.severity != santei_engine::Severity::Error)
    );
    let mut g = c.benchmark_group("typical_visit");
    g.throughput(Throughput::Elements(1));
    g.bench_function("calculate", |b| {
        b.iter(|| engine.calculate(&claim).expect("ok"))
    });
    // The same claim without explanations (`CalcOptions::explain` false: no explanation string
    // is built), as the CLI's --json and the service compute it unless asked.
    let lean = santei_engine::CalcOptions { explain: false };
    g.bench_function("calculate_without_explanations", |b| {
        b.iter(|| engine.calculate_with(&claim, lean).expect("ok"))
    });
    g.bench_function("parse_json_and_calculate", |b| {
        b.iter(|| engine.calculate_json(&json).expect("ok"))
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let engine = engine();
    let claims: Vec<_> = (0..10_000)
        .map(|i| Engine::parse_claim(&typical_visit_json(i)).expect("claim"))
        .collect();
    let mut g = c.benchmark_group("batch_10k_claims");
    g.sample_size(10);
    g.throughput(Throughput::Elements(claims.len() as u64));
    g.bench_function("rayon_all_cores", |b| {
        b.iter(|| {
            claims
                .par_iter()
                .map(|c| engine.calculate(c).expect("ok").total_points)
                .sum::<i64>()
        })
    });
    g.bench_function("one_thread", |b| {
        b.iter(|| {
            claims
                .iter()
                .map(|c| engine.calculate(c).expect("ok").total_points)
                .sum::<i64>()
        })
    });
    g.finish();
}

criterion_group!(benches, typical_visit, batch);
criterion_main!(benches);
