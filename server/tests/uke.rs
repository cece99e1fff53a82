//! POST /v1/uke/recalculate: the sample streamed in, the report streamed out as
//! `santei recalc` writes it; files that are not UKE refused before anything is answered.

use axum::body::Body;
use axum::http::Request;
use santei_server::Config;

mod common;
use common::*;

const OK: &str = "IR,1,13,1,1234567,,医院,202406,00,\n\
    RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n\
    HO,06132013,1,1,1,75,,,,,,,,,\n\
    SI,12,1,112007410,,75,1,,,,,,,1\n\
    GO,1,75,99\n";

async fn upload(config: Config, query: &str, body: impl Into<Body>) -> Answer {
    let state = demo_state(config);
    send(
        &state,
        Request::post(format!("/v1/uke/recalculate{query}"))
            .header("content-type", "application/octet-stream")
            .body(body.into())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_sample_is_reported_as_json_lines() {
    let path = santei_test_data::uke("receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE");
    let bytes = std::fs::read(&path).unwrap();
    let receipts = bytes
        .split(|&b| b == b'\n')
        .filter(|l| l.starts_with(b"RE,"))
        .count() as u64;
    let a = upload(Config::default(), "", bytes).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.content_type, "application/x-ndjson");
    let lines: Vec<serde_json::Value> = a
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let reported = lines.iter().filter(|l| l["type"] == "receipt").count() as u64;
    assert_eq!(reported, receipts);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["receipts"], receipts);
}

#[tokio::test]
async fn a_small_file_as_csv_matches() {
    let a = upload(Config::default(), "?format=csv&name=a.UKE", OK).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.content_type.starts_with("text/csv"));
    let t = a.text();
    assert!(t.starts_with("file,receipt,line,kind,status,code,section,claimed,computed,reason\n"));
    assert!(t.contains("a.UKE,1,3,receipt_total,match"), "{t}");
}

#[tokio::test]
async fn files_that_are_not_uke_are_refused_before_the_answer() {
    let a = upload(Config::default(), "", "{\"format\": \"santei.claim/1\"}").await;
    problem(&a, 415, "not-uke");
    let a = upload(Config::default(), "", vec![0x1f, 0x8b, 8, 0, 0, 0]).await;
    problem(&a, 415, "not-uke");
    let a = upload(Config::default(), "", b"PK\x03\x04rest".to_vec()).await;
    problem(&a, 415, "not-uke");
    let a = upload(Config::default(), "", "").await;
    problem(&a, 400, "empty");
    let a = upload(Config::default(), "?format=xml", OK).await;
    problem(&a, 400, "bad-query");
}

#[tokio::test]
async fn an_upload_over_the_limit_is_413() {
    let config = Config {
        max_upload: 100,
        ..Config::default()
    };
    let a = upload(config, "", OK.repeat(10)).await;
    problem(&a, 413, "body-too-large");
}

#[tokio::test]
async fn a_file_cut_short_ends_with_an_error_line() {
    let cut = OK.replace("GO,1,75,99\n", "");
    let a = upload(Config::default(), "", cut).await;
    assert_eq!(a.status, 200);
    let t = a.text();
    assert!(t.contains("no GO record"), "{t}");
    assert!(t.lines().last().unwrap().contains("\"summary\""));
}
