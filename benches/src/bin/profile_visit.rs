//! The typical visit of the benches computed N times, for a profiler: `valgrind --tool=callgrind
//! --toggle-collect='*calculate_with*' target/release/profile_visit 2000 [explain|json]` counts the
//! instructions of the claims only (not the master load); `perf record` works the same way.
//! `explain` computes with explanations; `json` computes with them and also writes the
//! `santei.result/1` JSON of each result in [`render_json`]: add
//! `--toggle-collect='*render_json*'` to count it too (the explanations are rendered there).
//! Usage: profile_visit [N (100000)] [explain|json]. Needs ../shared (the official r06 masters).

use santei_engine::{CalcOptions, ClaimResult};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let mode = args.next();
    let json = mode.as_deref() == Some("json");
    let explain = json || mode.as_deref() == Some("explain");
    let (engine, claim) = santei_benches::profile_setup("profile_visit", 7);
    let options = CalcOptions { explain };
    let started = std::time::Instant::now();
    let mut total = 0i64;
    let mut bytes = 0usize;
    for _ in 0..n {
        let r = engine.calculate_with(&claim, options);
        if let (true, Ok(r)) = (json, &r) {
            bytes += render_json(r);
        }
        match r {
            Ok(r) => total += r.total_points,
            Err(e) => {
                eprintln!("profile_visit: {e:?}");
                std::process::exit(2);
            }
        }
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / f64::from(n.max(1));
    println!(
        "{n} claims (explain: {explain}, json: {json} {bytes} B), Σ {total} points, {per:.2} µs per claim"
    );
}

/// The result written as `santei calc --json` writes it: its length.
#[inline(never)]
fn render_json(r: &ClaimResult) -> usize {
    std::hint::black_box(r.to_json_pretty()).len()
}
