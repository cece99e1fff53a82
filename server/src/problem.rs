//! Errors as RFC 9457 problem details (`application/problem+json`), carrying the claim path and
//! the stable ids santei uses elsewhere (the claim error codes of docs/CLAIM_FORMAT.md, the
//! finding ids of docs/FINDINGS.md).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The `type` URIs are relative to the service: `/problems/<code>`.
const TYPE_BASE: &str = "/problems/";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem: `/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, and what to do.
    pub detail: String,
    /// The stable error code: `claim.json`, `claim.value` … for a claim that cannot be judged
    /// (docs/CLAIM_FORMAT.md), or the service's own (`body-too-large`, `not-uke`, `timeout` …).
    pub code: String,
    /// The claim path of the problem (`visits[0].items[2]`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Line of a JSON syntax error (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Column of a JSON syntax error (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// For `strict=true`: the error findings (docs/FINDINGS.md ids) that made the claim fail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingRef>,
}

/// A finding named by its id and claim path.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FindingRef {
    /// Stable finding id (docs/FINDINGS.md), e.g. `MST-001.unknown-code`.
    pub rule: String,
    /// Claim path of the item concerned.
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("{TYPE_BASE}{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            path: None,
            line: None,
            column: None,
            findings: Vec::new(),
        }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// A claim that cannot be judged. A JSON syntax error (or a body that is not JSON) is
    /// 400 with its line and column; a claim that parses but breaks the format is 422 with the
    /// claim path.
    pub fn from_claim_error(e: &santei_engine::ClaimError) -> Problem {
        let (message, at) = split_location(&e.message);
        let syntax = e.code == "claim.json";
        let status = if syntax {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let mut p = Problem::new(status, e.code, message);
        if let Some((line, column)) = at {
            p.line = Some(line);
            p.column = Some(column);
        }
        if !syntax && !e.path.is_empty() && e.path != "$" {
            p.detail = format!("at {}: {}", e.path, p.detail);
            p.path = Some(e.path.clone());
        }
        p
    }

    /// The problem as JSON bytes (for a line of a streamed report or a batch element).
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a Problem serializes")
    }
}

/// serde_json ends its messages with " at line L column C": the message without it, and (L, C).
fn split_location(message: &str) -> (String, Option<(u64, u64)>) {
    if let Some(i) = message.rfind(" at line ") {
        let tail = &message[i + " at line ".len()..];
        if let Some((l, c)) = tail.split_once(" column ") {
            if let (Ok(l), Ok(c)) = (l.parse(), c.parse()) {
                return (message[..i].to_owned(), Some((l, c)));
            }
        }
    }
    (message.to_owned(), None)
}

/// The code of a problem response, for the metrics.
#[derive(Debug, Clone)]
pub struct ProblemCode(pub String);

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut r = (status, self.to_json()).into_response();
        r.extensions_mut().insert(ProblemCode(self.code));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_is_split_off() {
        let (m, at) = split_location("expected value at line 3 column 7");
        assert_eq!(m, "expected value");
        assert_eq!(at, Some((3, 7)));
        let (m, at) = split_location("no location");
        assert_eq!(m, "no location");
        assert_eq!(at, None);
    }
}
