//! The rules: compiling the full r06 set (bundled rule files + the 電子点数表), and the typical
//! visit computed with all rules against the same engine without rules.
//!
//! Run: `cargo bench -p santei-benches --bench rules` (needs ../shared).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use santei_benches::{shared_dir, typical_visit_json};
use santei_engine::masters::etensu::Etensu;
use santei_engine::masters::{LoadOptions, MasterSet};
use santei_engine::{Engine, EngineBuilder};

fn set() -> MasterSet {
    let opts = LoadOptions {
        parallel: true,
        ..Default::default()
    };
    MasterSet::load_with(shared_dir().join("masters/r06"), &opts).expect("r06")
}

fn compile(c: &mut Criterion) {
    let set = set();
    let et = Etensu::load(shared_dir().join("etensu/r06")).expect("etensu");
    let texts: Vec<(String, String)> = santei_rules_dsl::bundled_rules("r2024-06")
        .into_iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    let mut g = c.benchmark_group("rules_compile_r06");
    g.sample_size(20);
    g.bench_function("bundled_files_plus_etensu", |b| {
        b.iter(|| {
            let (mut rules, _) =
                santei_rules_dsl::compile_texts(&texts, &set, true).expect("compiles");
            rules.extend(santei_rules_dsl::compile_etensu(&et).0);
            let mut rs = santei_rules_dsl::RuleSet::default();
            rs.extend(rules);
            rs.len()
        })
    });
    g.finish();
}

fn evaluate(c: &mut Criterion) {
    let set = set();
    let with = EngineBuilder::new()
        .set(set.clone())
        .etensu(shared_dir().join("etensu/r06"))
        .build()
        .expect("engine");
    let without = EngineBuilder::new()
        .set(set)
        .without_bundled_rules()
        .build()
        .expect("engine");
    let claim = Engine::parse_claim(&typical_visit_json(7)).expect("claim");
    let mut g = c.benchmark_group("typical_visit_rules");
    g.throughput(Throughput::Elements(1));
    g.bench_function("without_rules", |b| {
        b.iter(|| without.calculate(&claim).expect("ok"))
    });
    g.bench_function("with_all_rules", |b| {
        b.iter(|| with.calculate(&claim).expect("ok"))
    });
    g.finish();
}

criterion_group!(benches, compile, evaluate);
criterion_main!(benches);
