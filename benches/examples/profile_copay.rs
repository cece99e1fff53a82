//! `copay::compute` on the typical visit of the copay bench (seed 40, 社保 区分ウ, 3割) N times, for
//! a profiler: `cargo build --release -p santei-benches --example profile_copay`, then
//! `valgrind --tool=callgrind --toggle-collect='santei_engine::copay::attach::compute'
//! target/release/examples/profile_copay 10000 [explain]` counts the instructions of the
//! copayment only (not the master load nor the points; the pattern is the exact name, since
//! `*compute*` would also match `compute_lines` and toggle the collection off inside it).
//! Usage: profile_copay [N (100000)] [explain] [54]. Needs ../shared (the official r06 masters).

use santei_engine::copay::{self, CopaySettings, LocalSchemes};

// The allocator of the copay bench (benches/copay.rs), so the counts match what it measures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rest: Vec<String> = args.collect();
    let explain = rest.iter().any(|a| a == "explain");
    let nanbyo = rest.iter().any(|a| a == "54");
    let (engine, bare) = santei_benches::profile_setup("profile_copay", 40);
    let insurance = if nanbyo {
        r#"{"scheme":"shaho","income_class":"ウ","public_funds":[
            {"law_number":"54","payer_number":"54130158","recipient_number":"1234566","monthly_cap_yen":10000}]}"#
    } else {
        r#"{"scheme":"shaho","relation":"insured","income_class":"ウ"}"#
    };
    let mut insured = bare.clone();
    insured.insurance = match serde_json::from_str(insurance) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("profile_copay: insurance: {e}");
            std::process::exit(2);
        }
    };
    let base = match engine.calculate(&bare) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("profile_copay: {e:?}");
            std::process::exit(2);
        }
    };
    let settings = CopaySettings {
        explain,
        ..CopaySettings::DEFAULT
    };
    let started = std::time::Instant::now();
    let mut total = 0i64;
    for _ in 0..n {
        let mut f = Vec::new();
        match copay::compute(&insured, &base, &settings, &LocalSchemes::EMPTY, &mut f) {
            Some(c) => total += c.window_yen,
            None => {
                eprintln!("profile_copay: no copay: {f:?}");
                std::process::exit(2);
            }
        }
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / f64::from(n.max(1));
    println!(
        "{n} copays (explain: {explain}, 54: {nanbyo}), {} points, Σ window {total} yen, {per:.3} µs per copay",
        base.total_points
    );
}
