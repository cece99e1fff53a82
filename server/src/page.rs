//! The review page for 医事 staff: plain HTML, CSS and JavaScript shipped inside the binary (no
//! CDN, usable offline), Japanese labels. It calls the same API as any client.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

const INDEX: &str = include_str!("../static/index.html");
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../static/app.css"),
    ),
];

fn with_type(body: &'static str, content_type: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; style-src 'self'; script-src 'self'"),
    );
    r
}

/// GET /
pub async fn index() -> Response {
    with_type(INDEX, "text/html; charset=utf-8")
}

/// GET /static/{file}
pub async fn asset(Path(file): Path<String>) -> Result<Response, Problem> {
    ASSETS
        .iter()
        .find(|(name, _, _)| *name == file)
        .map(|(_, t, body)| with_type(body, t))
        .ok_or_else(|| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                format!("no file `{file}` in the page"),
            )
        })
}
