//! The copayment on a typical 外来 claim (santei_benches::typical_visit_json): the copay alone
//! (`copay::compute` on a computed result), and the whole `Engine::calculate` with and without
//! insurance, whose difference is what the copay adds to a claim (target: under 2 µs).
//!
//! Run: `cargo bench -p santei-benches --bench copay` (needs ../shared).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use santei_benches::{shared_dir, typical_visit_json};
use santei_engine::Engine;
use santei_engine::claim::Insurance;
use santei_engine::copay::{self, CopaySettings, LocalSchemes};
use santei_engine::masters::{LoadOptions, MasterSet};

// The allocator of the `santei` binary and the Python module (see benches/engine.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn engine() -> Engine {
    let opts = LoadOptions {
        parallel: true,
        ..Default::default()
    };
    Engine::from_set(MasterSet::load_with(shared_dir().join("masters/r06"), &opts).expect("r06"))
}

fn insurance(json: &str) -> Insurance {
    serde_json::from_str(json).expect("insurance")
}

fn copay(c: &mut Criterion) {
    let engine = engine();
    // Seed 40: a patient born 1980 (3割).
    let bare = Engine::parse_claim(&typical_visit_json(40)).expect("claim");
    let mut insured = bare.clone();
    insured.insurance = insurance(r#"{"scheme":"shaho","relation":"insured","income_class":"ウ"}"#);
    let mut nanbyo = bare.clone();
    nanbyo.insurance = insurance(
        r#"{"scheme":"shaho","income_class":"ウ","public_funds":[
            {"law_number":"54","payer_number":"54130158","recipient_number":"1234566","monthly_cap_yen":10000}]}"#,
    );
    let r = engine.calculate(&insured).expect("result");
    assert!(r.copay.is_some(), "{:?}", r.findings);
    assert!(engine.calculate(&nanbyo).expect("result").copay.is_some());
    let base = engine.calculate(&bare).expect("result");

    let mut g = c.benchmark_group("copay");
    g.throughput(Throughput::Elements(1));
    g.bench_function("compute_only", |b| {
        b.iter(|| {
            let mut f = Vec::new();
            copay::compute(
                &insured,
                &base,
                &CopaySettings::DEFAULT,
                &LocalSchemes::EMPTY,
                &mut f,
            )
        })
    });
    // As `Engine::calculate_with` computes it without explanations (the CLI's --json, the service).
    let lean = CopaySettings {
        explain: false,
        ..CopaySettings::DEFAULT
    };
    g.bench_function("compute_only_without_explanations", |b| {
        b.iter(|| {
            let mut f = Vec::new();
            copay::compute(&insured, &base, &lean, &LocalSchemes::EMPTY, &mut f)
        })
    });
    g.bench_function("compute_only_with_54", |b| {
        b.iter(|| {
            let mut f = Vec::new();
            copay::compute(
                &nanbyo,
                &base,
                &CopaySettings::DEFAULT,
                &LocalSchemes::EMPTY,
                &mut f,
            )
        })
    });
    g.bench_function("calculate_without_insurance", |b| {
        b.iter(|| engine.calculate(&bare).expect("ok"))
    });
    g.bench_function("calculate_with_insurance", |b| {
        b.iter(|| engine.calculate(&insured).expect("ok"))
    });
    g.finish();
}

criterion_group!(benches, copay);
criterion_main!(benches);
