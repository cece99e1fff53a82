//! Prometheus text metrics: requests by route and status, a latency histogram per route, claims
//! computed, claim errors by code and error findings by id. Atomic counters and fixed buckets:
//! nothing on the hot path but a few relaxed increments (and a short lock for an error id).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, seconds.
pub const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0,
];

/// The routes counted one by one; any other request counts as `(none)`.
const ROUTES: [&str; 14] = [
    "/v1/claims/calculate",
    "/v1/claims/batch",
    "/v1/uke/recalculate",
    "/v1/masters/{code}",
    "/v1/revisions",
    "/v1/examples",
    "/v1/admin/reload",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/",
    "/static/{file}",
    "(none)",
];

#[derive(Default)]
struct Route {
    /// Count per status class 1xx..5xx (index 0..5).
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

#[derive(Default)]
pub struct Metrics {
    routes: [Route; ROUTES.len()],
    /// Claims computed (one per calculate, one per batch element), and receipts recalculated.
    pub claims: AtomicU64,
    pub receipts: AtomicU64,
    pub reloads: AtomicU64,
    /// Claims that could not be judged, by claim error code; error findings by id; problem
    /// responses by code.
    claim_errors: Mutex<BTreeMap<String, u64>>,
    findings: Mutex<BTreeMap<&'static str, u64>>,
    problems: Mutex<BTreeMap<String, u64>>,
}

fn bump<K: Ord>(m: &Mutex<BTreeMap<K, u64>>, key: K) {
    let mut m = m.lock().unwrap_or_else(|e| e.into_inner());
    *m.entry(key).or_default() += 1;
}

impl Metrics {
    /// The index of a route (its matched path) in the metrics; `(none)` for any other.
    pub fn route_index(route: Option<&str>) -> usize {
        route
            .and_then(|route| ROUTES.iter().position(|r| *r == route))
            .unwrap_or(ROUTES.len() - 1)
    }

    /// The name of a route index.
    pub fn route_name(i: usize) -> &'static str {
        ROUTES[i.min(ROUTES.len() - 1)]
    }

    pub fn observe(&self, route: usize, status: u16, elapsed: Duration) {
        let r = &self.routes[route.min(ROUTES.len() - 1)];
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        r.by_class[class].fetch_add(1, Ordering::Relaxed);
        r.count.fetch_add(1, Ordering::Relaxed);
        r.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        if let Some(b) = BUCKETS.iter().position(|&le| secs <= le) {
            r.buckets[b].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn claim_error(&self, code: &str) {
        bump(&self.claim_errors, code.to_owned());
    }

    pub fn error_finding(&self, rule: &'static str) {
        bump(&self.findings, rule);
    }

    pub fn problem(&self, code: &str) {
        bump(&self.problems, code.to_owned());
    }

    /// The Prometheus text exposition (version 0.0.4).
    pub fn render(&self, generation: u64) -> String {
        let mut o = String::with_capacity(8192);
        let _ = writeln!(
            o,
            "# HELP santei_requests_total HTTP requests by route and status class.\n# TYPE santei_requests_total counter"
        );
        for (name, r) in ROUTES.iter().zip(&self.routes) {
            for (c, n) in r.by_class.iter().enumerate() {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        o,
                        "santei_requests_total{{route=\"{name}\",status=\"{}xx\"}} {n}",
                        c + 1
                    );
                }
            }
        }
        let _ = writeln!(
            o,
            "# HELP santei_request_duration_seconds Request latency by route.\n# TYPE santei_request_duration_seconds histogram"
        );
        for (name, r) in ROUTES.iter().zip(&self.routes) {
            let count = r.count.load(Ordering::Relaxed);
            if count == 0 {
                continue;
            }
            let mut cumulative = 0;
            for (le, b) in BUCKETS.iter().zip(&r.buckets) {
                cumulative += b.load(Ordering::Relaxed);
                let _ = writeln!(
                    o,
                    "santei_request_duration_seconds_bucket{{route=\"{name}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                o,
                "santei_request_duration_seconds_bucket{{route=\"{name}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                o,
                "santei_request_duration_seconds_sum{{route=\"{name}\"}} {}",
                r.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                o,
                "santei_request_duration_seconds_count{{route=\"{name}\"}} {count}"
            );
        }
        let counters = [
            (
                "santei_claims_total",
                "Claims computed (calculate and batch elements).",
                &self.claims,
            ),
            (
                "santei_receipts_total",
                "UKE receipts recalculated.",
                &self.receipts,
            ),
            (
                "santei_reloads_total",
                "Engine reloads that succeeded.",
                &self.reloads,
            ),
        ];
        for (name, help, v) in counters {
            let _ = writeln!(
                o,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            o,
            "# HELP santei_engine_generation The engine in service: 1 at start, +1 per reload.\n# TYPE santei_engine_generation gauge\nsantei_engine_generation {generation}"
        );
        let maps: [LabelledCounter; 3] = [
            (
                "santei_claim_errors_total",
                "Claims that could not be judged, by claim error code.",
                "code",
                snapshot(&self.claim_errors),
            ),
            (
                "santei_error_findings_total",
                "Error findings in computed claims, by finding id (docs/FINDINGS.md).",
                "rule",
                snapshot(&self.findings),
            ),
            (
                "santei_problems_total",
                "Problem responses (4xx/5xx) by code.",
                "code",
                snapshot(&self.problems),
            ),
        ];
        for (name, help, label, rows) in maps {
            let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} counter");
            for (k, n) in rows {
                let _ = writeln!(o, "{name}{{{label}=\"{}\"}} {n}", escape(&k));
            }
        }
        o
    }
}

/// Name, help, label and rows of a counter with one label.
type LabelledCounter = (&'static str, &'static str, &'static str, Vec<(String, u64)>);

fn snapshot<K: Ord + ToString>(m: &Mutex<BTreeMap<K, u64>>) -> Vec<(String, u64)> {
    let m = m.lock().unwrap_or_else(|e| e.into_inner());
    m.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
