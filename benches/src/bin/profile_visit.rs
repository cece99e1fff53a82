//! The typical visit of the benches computed N times, for a profiler: `valgrind --tool=callgrind
//! --toggle-collect='*calculate_with*' target/release/profile_visit 2000 [explain]` counts the
//! instructions of the claims only (not the master load); `perf record` works the same way.
//! Usage: profile_visit [N (100000)] [explain]. Needs ../shared (the official r06 masters).

use santei_engine::CalcOptions;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let explain = args.next().as_deref() == Some("explain");
    let (engine, claim) = santei_benches::profile_setup("profile_visit", 7);
    let options = CalcOptions { explain };
    let started = std::time::Instant::now();
    let mut total = 0i64;
    for _ in 0..n {
        match engine.calculate_with(&claim, options) {
            Ok(r) => total += r.total_points,
            Err(e) => {
                eprintln!("profile_visit: {e:?}");
                std::process::exit(2);
            }
        }
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / f64::from(n.max(1));
    println!("{n} claims (explain: {explain}), Σ {total} points, {per:.2} µs per claim");
}
