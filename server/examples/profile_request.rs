//! N typical-visit claims through the whole router in process (no socket): for
//! `valgrind --tool=callgrind target/release/examples/profile_request 2000` (instructions per
//! request of the service's own code: extractors, middleware, engine, JSON), and a wall-clock
//! split of one request's parts (parse, compute, serialize pretty and compact).
//! Usage: profile_request [N (2000)] [split]

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use santei_engine::{CalcOptions, Engine};
use santei_server::{Config, State};
use tower::ServiceExt;

// The allocator of the `santei` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLAIM: &str = include_str!("../../examples/claim.json");

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let split = args.next().as_deref() == Some("split");
    let engine = Engine::demo().expect("demo engine");
    if split {
        time_parts(&engine, n.max(1));
        return;
    }
    let state = State::new(
        engine,
        Arc::new(|| Engine::demo().map_err(|e| e.to_string())),
        Config::default(),
    );
    let app = santei_server::router(state);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut bytes = 0;
    rt.block_on(async {
        for _ in 0..n {
            let req = Request::post("/v1/claims/calculate")
                .header("content-type", "application/json")
                .body(Body::from(CLAIM))
                .expect("request");
            let r = app.clone().oneshot(req).await.expect("infallible");
            assert!(r.status().is_success(), "{}", r.status());
            let body = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .expect("body");
            bytes = body.len();
        }
    });
    println!("{n} requests, {bytes} bytes of answer each");
}

fn time_parts(engine: &Engine, n: usize) {
    let options = CalcOptions { explain: false };
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(Engine::parse_claim(CLAIM.as_bytes()).expect("claim"));
    }
    let parse = t.elapsed() / n as u32;
    let claim = Engine::parse_claim(CLAIM.as_bytes()).expect("claim");
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(engine.calculate_with(&claim, options).expect("result"));
    }
    let compute = t.elapsed() / n as u32;
    let result = engine.calculate_with(&claim, options).expect("result");
    let t = Instant::now();
    let mut pretty = 0;
    for _ in 0..n {
        pretty = std::hint::black_box(result.to_json_pretty()).len();
    }
    let pretty_t = t.elapsed() / n as u32;
    let t = Instant::now();
    let mut compact = 0;
    for _ in 0..n {
        let mut out = Vec::with_capacity(16 << 10);
        serde_json::to_writer(&mut out, &result).expect("serializes");
        compact = std::hint::black_box(out).len();
    }
    let compact_t = t.elapsed() / n as u32;
    println!(
        "parse {parse:?}, compute {compute:?}, pretty {pretty_t:?} ({pretty} B), compact {compact_t:?} ({compact} B)"
    );
}
