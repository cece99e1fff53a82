//! The service on the embedded demo masters: answers, problems (RFC 9457), limits, reload,
//! metrics and the OpenAPI document.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use santei_server::Config;

mod common;
use common::*;

#[tokio::test]
async fn a_claim_is_answered_with_the_calc_json() {
    let state = demo_state(Config::default());
    let a = post(&state, "/v1/claims/calculate", EXAMPLE).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.content_type, "application/json");
    let engine = santei_engine::Engine::demo().unwrap();
    let want = engine
        .calculate_json_with(
            EXAMPLE.as_bytes(),
            santei_engine::CalcOptions { explain: false },
        )
        .unwrap()
        .to_json_pretty();
    assert_eq!(a.body, want);
    // Without ?explain=true no explanation is built; with it, every line has one.
    assert!(!a.text().contains("\"explain\""), "{}", a.text());
    let b = post(&state, "/v1/claims/calculate?explain=true", EXAMPLE).await;
    let full: serde_json::Value = b.json();
    assert!(
        full["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["explain"].as_array().is_some_and(|e| !e.is_empty())),
        "{}",
        b.text()
    );
}

#[tokio::test]
async fn malformed_json_is_400_with_line_and_column() {
    let state = demo_state(Config::default());
    let a = post(&state, "/v1/claims/calculate", "{\n  \"format\": ").await;
    let p = problem(&a, 400, "claim.json");
    assert_eq!(p["line"], 2);
    assert!(p["column"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn an_unknown_field_is_422_with_the_claim_path() {
    let state = demo_state(Config::default());
    let claim = EXAMPLE.replacen(
        "\"sex\": \"female\"",
        "\"sex\": \"female\", \"blood\": 1",
        1,
    );
    let a = post(&state, "/v1/claims/calculate", claim).await;
    let p = problem(&a, 422, "claim.value");
    assert_eq!(p["path"], "patient.blood");
    assert!(p["detail"].as_str().unwrap().contains("blood"));
}

#[tokio::test]
async fn strict_mode_names_the_error_findings() {
    let state = demo_state(Config::default());
    let claim = EXAMPLE.replacen("111000110", "999999999", 1);
    let a = post(&state, "/v1/claims/calculate?strict=true", claim.clone()).await;
    let p = problem(&a, 422, "error-findings");
    assert_eq!(p["findings"][0]["rule"], "MST-001.unknown-code");
    assert_eq!(p["path"], "visits[0].items[0].code");
    // Without strict the claim is judged and answered.
    let a = post(&state, "/v1/claims/calculate", claim).await;
    assert_eq!(a.status, 200);
    let a = post(&state, "/v1/claims/calculate?strict=maybe", EXAMPLE).await;
    problem(&a, 400, "bad-query");
}

#[tokio::test]
async fn a_batch_answers_each_claim_in_order() {
    let state = demo_state(Config::default());
    let body = format!("[{EXAMPLE}, {{\"format\": \"santei.claim/1\", \"visits\": 3}}, {EXAMPLE}]");
    let a = post(&state, "/v1/claims/batch", body).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let j = a.json();
    assert_eq!(j["claims"], 3);
    assert_eq!(j["failed"], 1);
    assert_eq!(j["results"][0]["index"], 0);
    let single = post(&state, "/v1/claims/calculate", EXAMPLE).await.json();
    assert_eq!(j["results"][0]["result"], single);
    assert_eq!(j["results"][2]["result"], single);
    let p = &j["results"][1]["problem"];
    assert_eq!(p["status"], 422);
    assert!(p["path"].as_str().unwrap().starts_with("[1]"), "{p}");
    let a = post(&state, "/v1/claims/batch", "{}").await;
    problem(&a, 400, "batch.json");
    let small = demo_state(Config {
        max_batch: 2,
        ..Config::default()
    });
    let a = post(
        &small,
        "/v1/claims/batch",
        format!("[{EXAMPLE},{EXAMPLE},{EXAMPLE}]"),
    )
    .await;
    problem(&a, 413, "batch-too-large");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let state = demo_state(Config {
        max_body: 1000,
        ..Config::default()
    });
    let a = post(&state, "/v1/claims/calculate", vec![b' '; 5000]).await;
    problem(&a, 413, "body-too-large");
    let a = post(&state, "/v1/claims/calculate", EXAMPLE).await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn a_200_mb_body_is_cut_off_and_the_server_keeps_serving() {
    let server = Server::start(Config::default()).await;
    // Announce 200 MB and send 2 MB of it: the answer comes before the rest is sent.
    let mut req = format!(
        "POST /v1/claims/calculate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        200u64 << 20
    )
    .into_bytes();
    req.extend(std::iter::repeat_n(b' ', 2 << 20));
    let (status, text) = tokio::time::timeout(Duration::from_secs(20), server.raw(&req))
        .await
        .expect("answered in time");
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    let (status, _) = server
        .raw(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_slow_client_is_timed_out_and_the_server_keeps_serving() {
    let server = Server::start(Config {
        timeout: Duration::from_millis(500),
        ..Config::default()
    })
    .await;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    // Headers promise 100 bytes; only 10 come.
    s.write_all(
        b"POST /v1/claims/calculate HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"format\":",
    )
    .await
    .unwrap();
    let mut out = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut out))
        .await
        .expect("the server answers within its time limit")
        .unwrap();
    let text = String::from_utf8_lossy(&out[..n]);
    assert_eq!(status_of(&text), 503, "{text}");
    assert!(text.contains("/problems/timeout"), "{text}");
    let (status, _) = server
        .raw(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_client_that_sends_its_headers_slowly_is_cut_off() {
    let server = Server::start(Config {
        idle_timeout: Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nho").await.unwrap();
    let mut out = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    assert!(closed.is_ok(), "the connection was closed");
    let (status, _) = server
        .raw(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let state = demo_state(Config::default());
    problem(&get(&state, "/v1/nothing").await, 404, "not-found");
    problem(
        &get(&state, "/v1/claims/calculate").await,
        405,
        "method-not-allowed",
    );
}

#[tokio::test]
async fn a_master_item_on_a_date() {
    let state = demo_state(Config::default());
    let a = get(&state, "/v1/masters/111000110?date=2026-12-01").await;
    assert_eq!(a.status, 200, "{}", a.text());
    let j = a.json();
    assert_eq!(j["revision"], "r2026-06");
    assert_eq!(j["code"], "111000110");
    assert!(j["record"].is_object());
    problem(
        &get(&state, "/v1/masters/12?date=2026-12-01").await,
        400,
        "master.code",
    );
    problem(
        &get(&state, "/v1/masters/111000110?date=tomorrow").await,
        400,
        "master.date",
    );
    problem(
        &get(&state, "/v1/masters/111999999?date=2026-12-01").await,
        404,
        "master.not-found",
    );
    problem(
        &get(&state, "/v1/masters/111000110").await,
        400,
        "bad-query",
    );
}

#[tokio::test]
async fn revisions_list_the_loaded_rule_sets() {
    let state = demo_state(Config::default());
    let j = get(&state, "/v1/revisions").await.json();
    assert_eq!(j["generation"], 1);
    let ids: Vec<&str> = j["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"r2026-06"), "{ids:?}");
}

#[tokio::test]
async fn reload_needs_the_token_and_swaps_the_engine() {
    let off = demo_state(Config::default());
    problem(
        &post(&off, "/v1/admin/reload", "").await,
        403,
        "reload-disabled",
    );
    let state = demo_state(Config {
        admin_token: Some("s3cret".into()),
        ..Config::default()
    });
    problem(
        &post(&state, "/v1/admin/reload", "").await,
        401,
        "unauthorized",
    );
    let wrong = Request::post("/v1/admin/reload")
        .header("authorization", "Bearer nope")
        .body(Body::empty())
        .unwrap();
    problem(&send(&state, wrong).await, 401, "unauthorized");
    let right = Request::post("/v1/admin/reload")
        .header("authorization", "Bearer s3cret")
        .body(Body::empty())
        .unwrap();
    let a = send(&state, right).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json()["generation"], 2);
    assert_eq!(get(&state, "/readyz").await.json()["generation"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_during_requests_fails_none() {
    let server = Server::start(Config::default()).await;
    let state = server.state.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..4 {
        let state = state.clone();
        let stop = stop.clone();
        clients.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let a = post(&state, "/v1/claims/calculate", EXAMPLE).await;
                assert_eq!(a.status, 200, "{}", a.text());
                n += 1;
            }
            n
        }));
    }
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        state.reload().await.expect("reload");
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        total += c.await.expect("no request failed");
    }
    assert!(total > 0);
    assert_eq!(state.engine().generation, 4);
}

#[tokio::test]
async fn metrics_count_requests_latency_claims_and_errors() {
    let state = demo_state(Config::default());
    post(&state, "/v1/claims/calculate", EXAMPLE).await;
    post(&state, "/v1/claims/calculate", "{").await;
    let claim = EXAMPLE.replacen("111000110", "999999999", 1);
    post(&state, "/v1/claims/calculate", claim).await;
    let a = get(&state, "/metrics").await;
    assert_eq!(a.status, 200);
    assert!(a.content_type.starts_with("text/plain; version=0.0.4"));
    let m = a.text();
    for want in [
        "santei_requests_total{route=\"/v1/claims/calculate\",status=\"2xx\"} 2",
        "santei_requests_total{route=\"/v1/claims/calculate\",status=\"4xx\"} 1",
        "santei_request_duration_seconds_bucket{route=\"/v1/claims/calculate\",le=\"+Inf\"} 3",
        "santei_request_duration_seconds_count{route=\"/v1/claims/calculate\"} 3",
        "santei_claims_total 3",
        "santei_claim_errors_total{code=\"claim.json\"} 1",
        "santei_error_findings_total{rule=\"MST-001.unknown-code\"} 1",
        "santei_problems_total{code=\"claim.json\"} 1",
        "# TYPE santei_request_duration_seconds histogram",
    ] {
        assert!(m.contains(want), "missing `{want}` in\n{m}");
    }
}

#[tokio::test]
async fn health_and_readiness() {
    let state = demo_state(Config::default());
    assert_eq!(get(&state, "/healthz").await.json()["status"], "ok");
    assert_eq!(get(&state, "/readyz").await.json()["status"], "ready");
    state.drain();
    problem(&get(&state, "/readyz").await, 503, "shutting-down");
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_its_references_resolve() {
    let state = demo_state(Config::default());
    let a = get(&state, "/openapi.json").await;
    assert_eq!(a.status, 200);
    let doc = a.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/v1/claims/calculate",
        "/v1/claims/batch",
        "/v1/uke/recalculate",
        "/v1/masters/{code}",
        "/v1/revisions",
        "/v1/admin/reload",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in ["Claim", "ClaimResult", "Problem", "BatchResponse"] {
        assert!(schemas.contains_key(name), "{name} missing");
    }
    // The engine's schemas, not stand-ins.
    assert!(schemas["ClaimResult"]["properties"]["total_points"].is_object());
    assert!(schemas["Claim"]["properties"]["visits"].is_object());
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("$ref", serde_json::Value::String(s)) => out.push(s.clone()),
                        _ => refs(x, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(schemas.contains_key(name), "{r} does not resolve");
    }
}

#[tokio::test]
async fn the_page_and_its_files_are_served() {
    let state = demo_state(Config::default());
    let a = get(&state, "/").await;
    assert_eq!(a.status, 200);
    assert!(a.content_type.starts_with("text/html"));
    assert!(a.text().contains("santei 算定レビュー"));
    assert!(
        !a.text().contains("http://") && !a.text().contains("https://"),
        "no CDN"
    );
    assert_eq!(get(&state, "/static/app.js").await.status, 200);
    assert_eq!(get(&state, "/static/app.css").await.status, 200);
    problem(&get(&state, "/static/nothing.js").await, 404, "not-found");
    let ex = get(&state, "/v1/examples").await.json();
    assert_eq!(ex[0]["id"], "typical-visit");
}
