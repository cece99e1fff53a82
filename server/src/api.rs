//! The JSON endpoints: a claim, a batch of claims, a master item on a date, the loaded revisions
//! and rule sets, the example claims; health, readiness, metrics and the admin reload.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::UNIX_EPOCH;

use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use santei_engine::masters::{Date, MasterKind, MasterRecord, Table};
use santei_engine::{Engine, Severity};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::State;
use crate::openapi::{ClaimDoc, ResultDoc};
use crate::problem::{FindingRef, Problem};

type St = AxState<Arc<State>>;

/// A body that could not be read: over the limit (413), cut off, or not UTF-8 where text is
/// needed.
pub fn body_problem(r: BytesRejection) -> Problem {
    let status = r.status();
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "body-too-large"
    } else {
        "bad-body"
    };
    Problem::new(status, code, r.body_text())
}

fn json_response(bytes: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CalcQuery {
    /// `true`: a claim with error findings (a line not billed, docs/FINDINGS.md) is answered 422
    /// with the findings' ids and paths instead of its result.
    #[serde(default)]
    pub strict: bool,
    /// `true`: every line and amount carries its `explain` (master rows, roundings, rules), as
    /// `santei calc --json --explain` prints it. Default: without, as `santei calc --json`; the
    /// explanations are then not built at all, which makes the answer smaller and faster.
    #[serde(default)]
    pub explain: bool,
}

/// The query of /v1/claims/batch.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    /// As for /v1/claims/calculate: the `explain` of every line and amount.
    #[serde(default)]
    pub explain: bool,
}

fn calc_options(explain: bool) -> santei_engine::CalcOptions {
    santei_engine::CalcOptions { explain }
}

fn query_problem(e: axum::extract::rejection::QueryRejection) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "bad-query", e.body_text())
}

/// Computes one claim as `santei calc --json [--explain]` does: the same engine call and the
/// same bytes.
fn calculate_one(
    state: &State,
    engine: &Engine,
    claim: &[u8],
    explain: bool,
) -> Result<Vec<u8>, Problem> {
    state.metrics.claims.fetch_add(1, Ordering::Relaxed);
    match engine.calculate_json_with(claim, calc_options(explain)) {
        Ok(result) => {
            for f in &result.findings {
                if f.severity == Severity::Error {
                    state.metrics.error_finding(f.rule);
                }
            }
            Ok(result.to_json_pretty())
        }
        Err(e) => {
            state.metrics.claim_error(e.code);
            Err(Problem::from_claim_error(&e))
        }
    }
}

/// Compute one claim.
///
/// The body is a `santei.claim/1` claim (docs/CLAIM_FORMAT.md). The answer is the
/// `santei.result/1` JSON, byte for byte what `santei calc --json` prints for it.
#[utoipa::path(
    post,
    path = "/v1/claims/calculate",
    tag = "claims",
    params(CalcQuery),
    request_body(content = ClaimDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "The result (santei.result/1)", body = ResultDoc, content_type = "application/json"),
        (status = 400, description = "Not JSON (line and column given), or a bad query", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A claim santei cannot judge (claim path given), or with strict=true error findings", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Timed out", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn calculate(
    AxState(state): St,
    query: Result<Query<CalcQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(query_problem)?;
    let body = body.map_err(body_problem)?;
    let loaded = state.engine();
    if query.strict {
        // Strict mode needs the findings: compute, then judge them.
        return match loaded
            .engine
            .calculate_json_with(&body, calc_options(query.explain))
        {
            Ok(result) => {
                state.metrics.claims.fetch_add(1, Ordering::Relaxed);
                let errors: Vec<FindingRef> = result
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| {
                        state.metrics.error_finding(f.rule);
                        FindingRef {
                            rule: f.rule.to_owned(),
                            path: f.path.clone(),
                            message: f.message.clone(),
                        }
                    })
                    .collect();
                if errors.is_empty() {
                    Ok(json_response(result.to_json_pretty()))
                } else {
                    let mut p = Problem::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "error-findings",
                        format!(
                            "{} line(s) of the claim are not billed or the claim is wrong as submitted (strict=true); see `findings`",
                            errors.len()
                        ),
                    );
                    p.path = errors.first().map(|f| f.path.clone());
                    p.findings = errors;
                    Err(p)
                }
            }
            Err(e) => {
                state.metrics.claim_error(e.code);
                Err(Problem::from_claim_error(&e))
            }
        };
    }
    calculate_one(&state, &loaded.engine, &body, query.explain).map(json_response)
}

/// The answer of a batch.
#[derive(Serialize, ToSchema)]
pub struct BatchResponse {
    /// `santei.batch/1`
    pub format: String,
    /// Claims in the request.
    pub claims: usize,
    /// Claims that could not be judged.
    pub failed: usize,
    /// One element per claim, in request order.
    pub results: Vec<BatchItem>,
}

/// The outcome of one claim of a batch: its result, or its problem.
#[derive(Serialize, ToSchema)]
pub struct BatchItem {
    /// Position of the claim in the request (0-based).
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<ResultDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// Compute a batch of claims.
///
/// The body is a JSON array of `santei.claim/1` claims. Each element of the answer holds the
/// claim's result (the same JSON as /v1/claims/calculate, compact) or its problem, whose `path`
/// starts with the claim's index (`[2].visits[0]`).
#[utoipa::path(
    post,
    path = "/v1/claims/batch",
    tag = "claims",
    params(BatchQuery),
    request_body(content = Vec<ClaimDoc>, content_type = "application/json"),
    responses(
        (status = 200, description = "One result or problem per claim", body = BatchResponse, content_type = "application/json"),
        (status = 400, description = "Not a JSON array", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit, or more claims than allowed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Timed out", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn batch(
    AxState(state): St,
    query: Result<Query<BatchQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(query_problem)?;
    let options = calc_options(query.explain);
    let body = body.map_err(body_problem)?;
    let claims: Vec<&serde_json::value::RawValue> = serde_json::from_slice(&body).map_err(|e| {
        let mut p = Problem::new(
            StatusCode::BAD_REQUEST,
            "batch.json",
            format!("the body is not a JSON array of santei.claim/1 claims: {e}"),
        );
        p.line = Some(e.line() as u64);
        p.column = Some(e.column() as u64);
        p
    })?;
    if claims.len() > state.config.max_batch {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch-too-large",
            format!(
                "{} claims in one batch; at most {} (split the batch)",
                claims.len(),
                state.config.max_batch
            ),
        ));
    }
    let loaded = state.engine();
    let mut out = Vec::with_capacity(claims.len() * 2048);
    let mut failed = 0;
    out.extend_from_slice(
        format!(
            "{{\"format\":\"santei.batch/1\",\"claims\":{},\"failed\":",
            claims.len()
        )
        .as_bytes(),
    );
    let mut items = Vec::with_capacity(claims.len() * 2048);
    for (i, claim) in claims.iter().enumerate() {
        if i > 0 {
            items.push(b',');
        }
        items.extend_from_slice(format!("{{\"index\":{i},").as_bytes());
        state.metrics.claims.fetch_add(1, Ordering::Relaxed);
        match loaded
            .engine
            .calculate_json_with(claim.get().as_bytes(), options)
        {
            Ok(result) => {
                for f in &result.findings {
                    if f.severity == Severity::Error {
                        state.metrics.error_finding(f.rule);
                    }
                }
                items.extend_from_slice(b"\"result\":");
                serde_json::to_writer(&mut items, &result).expect("a ClaimResult serializes");
            }
            Err(e) => {
                failed += 1;
                state.metrics.claim_error(e.code);
                let mut p = Problem::from_claim_error(&e);
                p.path = Some(match &p.path {
                    Some(path) => format!("[{i}].{path}"),
                    None => format!("[{i}]"),
                });
                items.extend_from_slice(b"\"problem\":");
                items.extend_from_slice(&p.to_json());
            }
        }
        items.push(b'}');
    }
    out.extend_from_slice(format!("{failed},\"results\":[").as_bytes());
    out.extend_from_slice(&items);
    out.extend_from_slice(b"]}\n");
    Ok(json_response(out))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MasterQuery {
    /// The date of care (YYYY-MM-DD): picks the revision in force and the version valid that day.
    pub date: String,
}

/// A master item as valid on a date.
#[derive(Serialize, ToSchema)]
pub struct MasterItem {
    /// procedure, drug, material, comment, disease or modifier.
    pub kind: String,
    pub code: String,
    /// The revision whose masters were searched (`r2024-06`).
    pub revision: String,
    pub date: String,
    /// First and last day of the version valid on `date`.
    pub valid_from: String,
    pub valid_to: String,
    /// The master row with every named column (as `santei masters show --json` prints it).
    #[schema(value_type = Object)]
    pub record: serde_json::Value,
}

/// Show a master item on a date.
#[utoipa::path(
    get,
    path = "/v1/masters/{code}",
    tag = "masters",
    params(
        ("code" = String, Path, description = "診療行為/医薬品/特定器材/コメント code (9 digits), 傷病名 (7) or 修飾語 (4)"),
        MasterQuery
    ),
    responses(
        (status = 200, description = "The version valid on the date", body = MasterItem, content_type = "application/json"),
        (status = 400, description = "Not a master code, or not a date", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not in the masters on that date", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn master_item(
    AxState(state): St,
    Path(code): Path<String>,
    query: Result<Query<MasterQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(query_problem)?;
    let bad = |code: &str, m: String| Problem::new(StatusCode::BAD_REQUEST, code, m);
    let kind = MasterKind::for_code(&code).ok_or_else(|| {
        bad(
            "master.code",
            format!(
                "`{code}` is not a master code (9 digits for 診療行為/医薬品/特定器材/コメント, 7 for 傷病名, 4 for 修飾語)"
            ),
        )
    })?;
    let date = Date::parse_iso(&query.date).ok_or_else(|| {
        bad(
            "master.date",
            format!("`{}` is not a date (YYYY-MM-DD)", query.date),
        )
    })?;
    let key: u32 = code
        .parse()
        .map_err(|_| bad("master.code", format!("`{code}` is not a number")))?;
    let loaded = state.engine();
    let set = loaded.engine.masters_for(date).ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "master.revision",
            format!(
                "no loaded masters cover {date} (loaded: {})",
                loaded.engine.revision_ids().join(", ")
            ),
        )
    })?;
    fn item<R: MasterRecord + Serialize>(
        t: &Table<R>,
        key: u32,
        date: Date,
    ) -> Option<(String, String, serde_json::Value)> {
        let v = t.version(key, date)?;
        Some((
            v.valid_from.to_string(),
            v.valid_to.to_string(),
            serde_json::to_value(&v.record).ok()?,
        ))
    }
    let found = match kind {
        MasterKind::Procedure => item(&set.procedures, key, date),
        MasterKind::Drug => item(&set.drugs, key, date),
        MasterKind::Material => item(&set.materials, key, date),
        MasterKind::Comment => item(&set.comments, key, date),
        MasterKind::Disease => item(&set.diseases, key, date),
        MasterKind::Modifier => item(&set.modifiers, key, date),
    };
    let kind_name = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let Some((valid_from, valid_to, record)) = found else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "master.not-found",
            format!(
                "{} `{code}` is not in the {} masters valid on {date}",
                kind.japanese(),
                set.revision.id
            ),
        ));
    };
    let item = MasterItem {
        kind: kind_name,
        code,
        revision: set.revision.id.to_owned(),
        date: date.to_string(),
        valid_from,
        valid_to,
        record,
    };
    Ok(json_response(
        serde_json::to_vec(&item).expect("serializes"),
    ))
}

/// The engine in service.
#[derive(Serialize, ToSchema)]
pub struct RevisionsResponse {
    /// 1 at start, +1 per reload.
    pub generation: u64,
    /// When this engine was loaded (seconds since 1970-01-01 UTC).
    pub loaded_at: u64,
    /// Where the masters come from.
    pub source: String,
    pub revisions: Vec<RevisionInfo>,
}

/// One loaded revision and its rule set.
#[derive(Serialize, ToSchema)]
pub struct RevisionInfo {
    /// `r2024-06`
    pub id: String,
    /// 令和6年度改定
    pub japanese: String,
    /// First day in force.
    pub effective_from: String,
    /// Last day in force, when a later revision is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The masters are an excerpt (codes it lacks are not verifiable).
    pub partial_masters: bool,
    /// Rules compiled from rule files and from the 電子点数表.
    pub rules_from_files: usize,
    pub rules_from_etensu: usize,
}

/// List the loaded revisions and rule sets.
#[utoipa::path(
    get,
    path = "/v1/revisions",
    tag = "masters",
    responses((status = 200, description = "The engine in service", body = RevisionsResponse, content_type = "application/json"))
)]
pub async fn revisions(AxState(state): St) -> Response {
    let loaded = state.engine();
    let revisions = loaded
        .engine
        .revision_ids()
        .into_iter()
        .filter_map(|id| {
            let r = santei_engine::masters::REVISIONS
                .iter()
                .find(|r| r.id == id)?;
            let set = loaded.engine.masters_for(r.effective_from)?;
            let (files, etensu) = loaded
                .engine
                .rules(id)
                .map_or((0, 0), |rs| (rs.report.from_files, rs.report.from_etensu));
            Some(RevisionInfo {
                id: id.to_owned(),
                japanese: r.japanese.to_owned(),
                effective_from: r.effective_from.to_string(),
                until: r.until().map(|u| u.to_string()),
                partial_masters: set.coverage.is_partial(),
                rules_from_files: files,
                rules_from_etensu: etensu,
            })
        })
        .collect();
    let body = RevisionsResponse {
        generation: loaded.generation,
        loaded_at: loaded
            .loaded_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        source: state.config.source.clone(),
        revisions,
    };
    json_response(serde_json::to_vec(&body).expect("serializes"))
}

/// An example claim for the page.
#[derive(Serialize, ToSchema)]
pub struct Example {
    pub id: String,
    /// What the example shows (Japanese).
    pub title: String,
    pub claim: ClaimDoc,
}

pub const EXAMPLES: &[(&str, &str, &str)] = &[(
    "typical-visit",
    "外来 2回（初診・時間外再診、処方）: 国保 家族 未就学",
    include_str!("../../examples/claim.json"),
)];

/// The example claims the page offers.
#[utoipa::path(
    get,
    path = "/v1/examples",
    tag = "claims",
    responses((status = 200, description = "Example claims", body = Vec<Example>, content_type = "application/json"))
)]
pub async fn examples() -> Response {
    let list: Vec<serde_json::Value> = EXAMPLES
        .iter()
        .map(|(id, title, claim)| {
            let claim: serde_json::Value =
                serde_json::from_str(claim).expect("the example claim is JSON");
            serde_json::json!({"id": id, "title": title, "claim": claim})
        })
        .collect();
    json_response(serde_json::to_vec(&list).expect("serializes"))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    pub status: String,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = Health, content_type = "application/json")))]
pub async fn healthz() -> Response {
    json_response(br#"{"status":"ok"}"#.to_vec())
}

#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready`
    pub status: String,
    /// The engine generation in service.
    pub generation: u64,
}

/// Readiness: the engine is loaded and the service is not shutting down.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Ready, content_type = "application/json"),
        (status = 503, description = "Shutting down", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(AxState(state): St) -> Result<Response, Problem> {
    if state.draining() {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting-down",
            "the service is shutting down",
        ));
    }
    let body = Ready {
        status: "ready".into(),
        generation: state.engine().generation,
    };
    Ok(json_response(
        serde_json::to_vec(&body).expect("serializes"),
    ))
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text", body = String, content_type = "text/plain")))]
pub async fn metrics(AxState(state): St) -> Response {
    let text = state.metrics.render(state.engine().generation);
    let mut r = (StatusCode::OK, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

#[derive(Serialize, ToSchema)]
pub struct Reloaded {
    /// The generation now in service.
    pub generation: u64,
}

/// Reload the masters and rules (the 改定 day).
///
/// Builds a new engine from the flags the service was started with and swaps it in atomically;
/// requests in flight finish on the previous one. Needs `Authorization: Bearer <token>` with the
/// token given by `--admin-token` (or SANTEI_ADMIN_TOKEN); without a configured token the
/// endpoint is refused.
#[utoipa::path(post, path = "/v1/admin/reload", tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reloaded", body = Reloaded, content_type = "application/json"),
        (status = 401, description = "No or wrong token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Reload by HTTP is not enabled", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The new masters or rules did not load; the previous engine keeps serving", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn admin_reload(AxState(state): St, headers: HeaderMap) -> Result<Response, Problem> {
    let Some(token) = state.config.admin_token.as_deref() else {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "reload-disabled",
            "reload by HTTP is not enabled: start the service with --admin-token (or send SIGHUP)",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same(given.as_bytes(), token.as_bytes()) {
        let mut r = Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "`Authorization: Bearer <token>` with the admin token is required",
        )
        .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Ok(r);
    }
    match state.reload().await {
        Ok(generation) => Ok(json_response(
            serde_json::to_vec(&Reloaded { generation }).expect("serializes"),
        )),
        Err(e) => Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "reload-failed",
            format!("the reload failed; the previous engine keeps serving: {e}"),
        )),
    }
}

/// Compares without stopping at the first difference (the token's length is not secret).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
