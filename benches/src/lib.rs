//! santei-benches: criterion benches (`cargo bench -p santei-benches`) and the synthetic workload
//! generators ([`workload`]; binary `gen_uke`). Benches read the official data from `../shared`
//! by path.

use std::path::PathBuf;

pub mod workload;

/// `../shared` beside the project root (override with `SANTEI_SHARED`); fails when missing.
pub fn shared_dir() -> PathBuf {
    santei_test_data::shared()
}

/// The typical 外来 visit of the benches: 再診 + 処方箋料 + one 剤 of 3 drugs + 5 検体検査, on
/// real r06 codes; `seed` varies the date and the patient so a batch is not one claim repeated.
pub fn typical_visit_json(seed: u32) -> Vec<u8> {
    let day = 1 + seed % 28;
    let year = 1940 + seed % 60;
    format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"{year}-05-20","sex":"female"}},
        "facility":{{"kind":"clinic"}},
        "visits":[{{"date":"2024-07-{day:02}","items":[
          {{"type":"procedure","code":"112007410"}},
          {{"type":"procedure","code":"120002910"}},
          {{"type":"rx","form":"internal","days":14,"drugs":[
            {{"code":"620098801","amount":"3"}},{{"code":"620007870","amount":"1"}},{{"code":"620002023","amount":"2"}}]}},
          {{"type":"procedure","code":"160008010"}},
          {{"type":"procedure","code":"160010010"}},
          {{"type":"procedure","code":"160022510"}},
          {{"type":"procedure","code":"160022610"}},
          {{"type":"procedure","code":"160020410"}}
        ]}}]}}"#
    )
    .into_bytes()
}

/// The r06 engine (official masters from `../shared`, loaded in parallel) and the typical visit of
/// `seed`, for the profiling binaries (`profile_visit`, `profile_copay`); a failure ends the
/// process with code 2 and says which of the two failed, prefixed with `tool`.
pub fn profile_setup(tool: &str, seed: u32) -> (santei_engine::Engine, santei_engine::Claim) {
    use santei_engine::masters::{LoadOptions, MasterSet};
    let opts = LoadOptions {
        parallel: true,
        ..Default::default()
    };
    let set = MasterSet::load_with(shared_dir().join("masters/r06"), &opts).unwrap_or_else(|e| {
        eprintln!("{tool}: r06 masters: {e}");
        std::process::exit(2);
    });
    let claim = santei_engine::Engine::parse_claim(&typical_visit_json(seed)).unwrap_or_else(|e| {
        eprintln!("{tool}: claim: {e:?}");
        std::process::exit(2);
    });
    (santei_engine::Engine::from_set(set), claim)
}

/// The loop of the `profile_visit` binary and the `profile_visit_mimalloc` example (the same work on
/// the system allocator and on the benches' mimalloc): the typical visit of seed 7 computed N
/// times, `[N (100000)] [explain|json]` from the command line.
pub fn profile_visit_main(tool: &str) {
    use santei_engine::CalcOptions;
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let mode = args.next();
    let json = mode.as_deref() == Some("json");
    let explain = json || mode.as_deref() == Some("explain");
    let (engine, claim) = profile_setup(tool, 7);
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
                eprintln!("{tool}: {e:?}");
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
fn render_json(r: &santei_engine::ClaimResult) -> usize {
    std::hint::black_box(r.to_json_pretty()).len()
}
