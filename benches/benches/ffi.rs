//! The C ABI's cost over the Rust call: the typical 外来 visit, JSON in and JSON out, through
//! `santei_engine_calculate` + `santei_result_json` + `santei_result_free` (the same `extern "C"`
//! functions a C host calls) against `Engine::calculate_json` + `serde_json::to_vec`, on the
//! official r06 masters. The difference is the FFI overhead (target: under 10 µs).
//!
//! Run: `cargo bench -p santei-benches --bench ffi` (needs ../shared).

// Calling the C ABI means raw pointers.
#![allow(unsafe_code)]

use std::ffi::c_char;
use std::ptr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use santei::{
    SANTEI_STATUS_OK, SanteiEngine, SanteiError, SanteiResult, santei_engine_calculate,
    santei_engine_free, santei_engine_load, santei_result_free, santei_result_json,
    santei_result_total_points,
};
use santei_benches::{shared_dir, typical_visit_json};
use santei_engine::Engine;
use santei_engine::masters::{LoadOptions, MasterSet};

fn rust_engine() -> Engine {
    let opts = LoadOptions {
        parallel: true,
        ..Default::default()
    };
    Engine::from_set(MasterSet::load_with(shared_dir().join("masters/r06"), &opts).expect("r06"))
}

fn c_engine() -> *mut SanteiEngine {
    let dir = shared_dir().join("masters/r06");
    let dir = dir.to_str().expect("UTF-8 path");
    let mut engine = ptr::null_mut();
    let mut error: *mut SanteiError = ptr::null_mut();
    // SAFETY: valid (pointer, length) and out-pointers.
    let st = unsafe { santei_engine_load(dir.as_ptr().cast(), dir.len(), &mut engine, &mut error) };
    assert_eq!(st, SANTEI_STATUS_OK, "santei_engine_load");
    engine
}

/// JSON in, JSON out through the C ABI; returns the JSON length.
fn c_json(engine: *const SanteiEngine, json: &[u8]) -> usize {
    let mut result: *mut SanteiResult = ptr::null_mut();
    let mut out: *const c_char = ptr::null();
    let mut len = 0;
    // SAFETY: a live engine, a valid (pointer, length), out-pointers; the result is freed once.
    unsafe {
        let st = santei_engine_calculate(
            engine,
            json.as_ptr().cast(),
            json.len(),
            &mut result,
            ptr::null_mut(),
        );
        assert_eq!(st, SANTEI_STATUS_OK);
        assert_eq!(
            santei_result_json(result, &mut out, &mut len),
            SANTEI_STATUS_OK
        );
        santei_result_free(result);
    }
    len
}

/// JSON in, total out through the C ABI (a host that reads only the totals).
fn c_total(engine: *const SanteiEngine, json: &[u8]) -> i64 {
    let mut result: *mut SanteiResult = ptr::null_mut();
    let mut total = 0;
    // SAFETY: as `c_json`.
    unsafe {
        let st = santei_engine_calculate(
            engine,
            json.as_ptr().cast(),
            json.len(),
            &mut result,
            ptr::null_mut(),
        );
        assert_eq!(st, SANTEI_STATUS_OK);
        assert_eq!(
            santei_result_total_points(result, &mut total),
            SANTEI_STATUS_OK
        );
        santei_result_free(result);
    }
    total
}

fn typical_visit(c: &mut Criterion) {
    let rust = rust_engine();
    let ffi = c_engine();
    let json = typical_visit_json(7);
    let expected = serde_json::to_vec(&rust.calculate_json(&json).expect("ok")).expect("json");
    assert_eq!(
        c_json(ffi, &json),
        expected.len(),
        "the C ABI gives the Rust API's JSON"
    );

    paired_overhead(&rust, ffi, &json);

    let mut g = c.benchmark_group("ffi_typical_visit");
    g.throughput(Throughput::Elements(1));
    g.bench_function("rust_json_in_json_out", |b| {
        b.iter(|| serde_json::to_vec(&rust.calculate_json(&json).expect("ok")).expect("json"))
    });
    g.bench_function("c_abi_json_in_json_out", |b| b.iter(|| c_json(ffi, &json)));
    g.bench_function("rust_json_in_total_out", |b| {
        b.iter(|| rust.calculate_json(&json).expect("ok").total_points)
    });
    g.bench_function("c_abi_json_in_total_out", |b| {
        b.iter(|| c_total(ffi, &json))
    });
    g.finish();
    // SAFETY: the reference from `c_engine`, released once.
    unsafe { santei_engine_free(ffi) };
}

/// The overhead measured pairwise: each round calls the Rust API then the C ABI (JSON in and out)
/// back to back, so load from other processes hits both alike; prints the medians and the median
/// of the per-round differences (criterion's separate runs drift on a shared machine).
fn paired_overhead(rust: &Engine, ffi: *const SanteiEngine, json: &[u8]) {
    use std::time::Instant;
    const ROUNDS: usize = 20_000;
    let (mut r, mut f, mut d) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t0 = Instant::now();
        std::hint::black_box(serde_json::to_vec(&rust.calculate_json(json).expect("ok")).ok());
        let t1 = Instant::now();
        std::hint::black_box(c_json(ffi, json));
        let t2 = Instant::now();
        let (a, b) = ((t1 - t0).as_nanos() as i64, (t2 - t1).as_nanos() as i64);
        r.push(a);
        f.push(b);
        d.push(b - a);
    }
    let median = |v: &mut Vec<i64>| {
        v.sort_unstable();
        v[v.len() / 2] as f64 / 1000.0
    };
    eprintln!(
        "ffi paired ({ROUNDS} rounds, JSON in and out): Rust {:.2} µs, C ABI {:.2} µs, overhead (median of differences) {:+.2} µs",
        median(&mut r),
        median(&mut f),
        median(&mut d)
    );
}

criterion_group!(benches, typical_visit);
criterion_main!(benches);
