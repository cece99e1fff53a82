//! Helpers of the service tests: the app on the demo engine, requests through `oneshot`, and a
//! real server on an ephemeral loopback port for the tests that need a socket.

#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use santei_engine::Engine;
use santei_server::{Config, State};
use tower::ServiceExt;

pub fn demo_state(config: Config) -> Arc<State> {
    State::new(
        Engine::demo().expect("demo engine"),
        Arc::new(|| Engine::demo().map_err(|e| e.to_string())),
        config,
    )
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub async fn send(state: &Arc<State>, req: Request<Body>) -> Answer {
    let r = santei_server::router(state.clone())
        .oneshot(req)
        .await
        .expect("infallible");
    let status = r.status();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Answer {
        status,
        content_type,
        body,
    }
}

pub async fn post(state: &Arc<State>, uri: &str, body: impl Into<Body>) -> Answer {
    send(
        state,
        Request::post(uri)
            .header("content-type", "application/json")
            .body(body.into())
            .unwrap(),
    )
    .await
}

pub async fn get(state: &Arc<State>, uri: &str) -> Answer {
    send(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// Asserts an RFC 9457 answer with this status and code; returns the document.
pub fn problem(a: &Answer, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(a.status.as_u16(), status, "{}", a.text());
    assert_eq!(a.content_type, "application/problem+json", "{}", a.text());
    let p = a.json();
    assert_eq!(p["status"], status);
    assert_eq!(p["code"], code, "{p}");
    assert!(p["type"].as_str().unwrap().ends_with(code));
    assert!(!p["detail"].as_str().unwrap().is_empty());
    p
}

/// A real server on 127.0.0.1 and an ephemeral port; stops when dropped.
pub struct Server {
    pub addr: std::net::SocketAddr,
    pub state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Server {
    pub async fn start(config: Config) -> Server {
        let state = demo_state(config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let s = state.clone();
        tokio::spawn(async move {
            santei_server::run(listener, s, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Server {
            addr,
            state,
            stop: Some(tx),
        }
    }

    /// One HTTP/1.1 request on a new connection (`Connection: close`); the status and the
    /// raw answer (head and body).
    pub async fn raw(&self, request: &[u8]) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        s.write_all(request).await.unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out).await;
        let text = String::from_utf8_lossy(&out).into_owned();
        (status_of(&text), text)
    }
}

pub fn status_of(text: &str) -> u16 {
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

pub const EXAMPLE: &str = include_str!("../../../examples/claim.json");
