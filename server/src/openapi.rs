//! The OpenAPI 3.1 document, generated from the Rust types so that it cannot drift: the paths
//! and the service's own types from utoipa's derives, the claim (`santei.claim/1`) and the
//! result (`santei.result/1`) from the engine's JSON Schema derives (`santei schema`), placed in
//! `components/schemas` under the names `Claim` and `ClaimResult`.

use std::borrow::Cow;
use std::sync::LazyLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema};
use utoipa::{Modify, OpenApi};

use crate::{api, problem, uke};

/// A `santei.claim/1` claim (docs/CLAIM_FORMAT.md); its schema is the engine's.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ClaimDoc(pub Value);

/// A `santei.result/1` result (docs/CLAIM_FORMAT.md); its schema is the engine's.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ResultDoc(pub Value);

/// Stand-ins, replaced by the engine's schemas in [`document`].
impl utoipa::PartialSchema for ClaimDoc {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new().into()
    }
}
impl utoipa::ToSchema for ClaimDoc {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Claim")
    }
}
impl utoipa::PartialSchema for ResultDoc {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new().into()
    }
}
impl utoipa::ToSchema for ResultDoc {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ClaimResult")
    }
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "santei",
        description = "医科診療報酬 calculation as a service: the same engine as `santei calc` and `santei recalc`. \
Errors are RFC 9457 problem+json. Plain HTTP on 127.0.0.1 by default; put TLS in a reverse proxy (README).",
        license(name = "Apache-2.0 OR MIT")
    ),
    paths(
        api::calculate,
        api::batch,
        uke::recalculate,
        api::master_item,
        api::revisions,
        api::examples,
        api::admin_reload,
        api::healthz,
        api::readyz,
        api::metrics,
    ),
    components(schemas(
        problem::Problem,
        problem::FindingRef,
        uke::UkeFormat,
        uke::UkeTextEncoding
    )),
    modifiers(&Security),
    tags(
        (name = "claims", description = "Compute claims"),
        (name = "uke", description = "Recalculate UKE (レセプト電算) files"),
        (name = "masters", description = "The loaded masters and rules"),
        (name = "operations", description = "Health, metrics, reload"),
    )
)]
struct ApiDoc;

/// Moves a schemars root schema into `schemas`: its definitions under their names, the root
/// under `name`, every `#/definitions/X` reference rewritten to `#/components/schemas/X`.
fn merge_schemars(schemas: &mut Map<String, Value>, name: &str, root: &impl Serialize) {
    let mut root = serde_json::to_value(root).expect("a schema serializes");
    rewrite_refs(&mut root);
    let obj = root.as_object_mut().expect("a root schema is an object");
    obj.remove("$schema");
    let definitions = obj.remove("definitions");
    if let Some(Value::Object(defs)) = definitions {
        for (k, v) in defs {
            if let Some(old) = schemas.get(&k) {
                assert_eq!(
                    old, &v,
                    "two different schemas are both named `{k}` in the OpenAPI document"
                );
            }
            schemas.insert(k, v);
        }
    }
    schemas.insert(name.to_owned(), root);
}

fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "$ref" {
                    if let Value::String(s) = x {
                        if let Some(rest) = s.strip_prefix("#/definitions/") {
                            *s = format!("#/components/schemas/{rest}");
                        }
                    }
                } else {
                    rewrite_refs(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// The whole document as JSON.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes");
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("the document has components/schemas");
    merge_schemars(schemas, "Claim", &santei_engine::claim_schema());
    merge_schemars(schemas, "ClaimResult", &santei_engine::result_schema());
    doc
}

static DOCUMENT: LazyLock<Vec<u8>> =
    LazyLock::new(|| serde_json::to_vec_pretty(&document()).expect("serializes"));

/// GET /openapi.json
pub async fn serve() -> Response {
    let mut r = (StatusCode::OK, DOCUMENT.as_slice()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
