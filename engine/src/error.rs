//! Errors: the engine could not judge the claim at all (malformed input). Rule outcomes are
//! findings, never errors.

/// A claim that cannot be computed, with the JSON path of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ClaimError {
    /// Stable error code (`claim.json`, `claim.value`, `claim.month` …).
    pub code: &'static str,
    /// JSON path (`visits[0].items[1].days`), `$` for the whole document.
    pub path: String,
    pub message: String,
}

impl ClaimError {
    pub(crate) fn new(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ClaimError {
            code,
            path: path.into(),
            message: message.into(),
        }
    }
}
