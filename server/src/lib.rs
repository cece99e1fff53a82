//! santei as a service: a stateless HTTP API over one shared [`Engine`] and the review page.
//!
//! The engine is built once and held in an [`ArcSwap`]: every request takes its own `Arc` when it
//! starts, so a reload ([`State::reload`]: SIGHUP or `POST /v1/admin/reload`) swaps in the new
//! masters and rules atomically while requests in flight finish on the engine they started with.
//! Every error is an RFC 9457 `application/problem+json` document ([`problem::Problem`]).
//! The OpenAPI 3.1 document is generated from the Rust types ([`openapi`]).
//!
//! `santei serve` (cli/src/serve_cmd.rs) parses the flags and calls [`run`].

// A `Problem` is the error answer itself, built once per failed request and turned into the
// response: boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use santei_engine::Engine;
use tokio::sync::Semaphore;

pub mod api;
pub mod conn;
pub mod metrics;
pub mod openapi;
pub mod page;
pub mod problem;
pub mod uke;

use problem::Problem;

/// Builds a new engine from the flags `santei serve` was started with (for a reload).
pub type Loader = Arc<dyn Fn() -> Result<Engine, String> + Send + Sync>;

/// Limits and settings of the service.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body of the JSON endpoints (a claim, a batch), bytes.
    pub max_body: usize,
    /// Largest body of /v1/claims/batch, bytes.
    pub max_batch_body: usize,
    /// Largest UKE upload, bytes (the upload is streamed: memory does not grow with it).
    pub max_upload: u64,
    /// Time limit of one request of the JSON endpoints, body read included (a slow client).
    pub timeout: Duration,
    /// A UKE upload that sends nothing for this long is cut off (a slow client).
    pub upload_idle: Duration,
    /// Requests served at once; more wait (within their time limit).
    pub concurrency: usize,
    /// Claims in one batch request, at most.
    pub max_batch: usize,
    /// Bearer token of `POST /v1/admin/reload`; the endpoint is refused (403) without one.
    pub admin_token: Option<String>,
    /// Worker threads of one UKE recalculation.
    pub uke_jobs: usize,
    /// A connection that moves no byte for this long is closed (slow headers, idle keep-alive).
    pub idle_timeout: Duration,
    /// Where the masters come from, for /v1/revisions and the page.
    pub source: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_body: 1 << 20,
            max_batch_body: 16 << 20,
            max_upload: 512 << 20,
            timeout: Duration::from_secs(10),
            upload_idle: Duration::from_secs(30),
            concurrency: 256,
            max_batch: 1000,
            admin_token: None,
            uke_jobs: 1,
            idle_timeout: Duration::from_secs(60),
            source: "embedded demo data (not official)".into(),
        }
    }
}

/// The engine in service and when it was loaded.
pub struct Loaded {
    pub engine: Engine,
    /// 1 for the engine loaded at start, +1 per reload.
    pub generation: u64,
    pub loaded_at: SystemTime,
}

/// What every request shares.
pub struct State {
    engine: ArcSwap<Loaded>,
    loader: Loader,
    pub config: Config,
    pub metrics: metrics::Metrics,
    limit: Arc<Semaphore>,
    /// Set when shutdown starts: /readyz answers 503 so a load balancer stops sending.
    draining: AtomicBool,
    generation: AtomicU64,
    reloading: tokio::sync::Mutex<()>,
}

impl State {
    pub fn new(engine: Engine, loader: Loader, config: Config) -> Arc<State> {
        Arc::new(State {
            engine: ArcSwap::from_pointee(Loaded {
                engine,
                generation: 1,
                loaded_at: SystemTime::now(),
            }),
            loader,
            limit: Arc::new(Semaphore::new(config.concurrency.max(1))),
            config,
            metrics: metrics::Metrics::default(),
            draining: AtomicBool::new(false),
            generation: AtomicU64::new(1),
            reloading: tokio::sync::Mutex::new(()),
        })
    }

    /// The engine a request runs on, from its start to its end.
    pub fn engine(&self) -> Arc<Loaded> {
        self.engine.load_full()
    }

    /// Builds a new engine with the loader (on a thread of its own, at a lower priority than the
    /// workers: [`RELOAD_NICE`]) and swaps it in. Requests in flight keep the engine they
    /// started with; a failed build leaves the old engine serving.
    pub async fn reload(self: &Arc<Self>) -> Result<u64, String> {
        let _one_at_a_time = self.reloading.lock().await;
        let loader = self.loader.clone();
        let started = Instant::now();
        let (done, built) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("santei-reload".into())
            .spawn(move || {
                lower_priority();
                let _ = done.send(loader());
            })
            .map_err(|e| format!("the reload could not start a thread: {e}"))?;
        let engine = built
            .await
            .map_err(|_| "the reload stopped before the engine was built".to_string())??;
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.engine.store(Arc::new(Loaded {
            engine,
            generation,
            loaded_at: SystemTime::now(),
        }));
        self.metrics.reloads.fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            generation,
            seconds = started.elapsed().as_secs_f64(),
            "engine reloaded"
        );
        Ok(generation)
    }

    /// Marks the service as shutting down (/readyz → 503).
    pub fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}

/// The nice value of the thread that builds the engine of a reload: the workers (nice 0) keep
/// about nine tenths of a busy core while it runs, so the requests during a reload are not
/// delayed by it; the reload takes longer instead.
pub const RELOAD_NICE: i32 = 10;

/// Puts the calling thread at [`RELOAD_NICE`] (Linux: the nice value is per thread). Elsewhere,
/// or if refused, the thread keeps the workers' priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Err(e) =
        rustix::process::setpriority_process(Some(rustix::thread::gettid()), RELOAD_NICE)
    {
        tracing::debug!(error = %e, "the reload thread keeps the workers' priority");
    }
}

/// The whole service: API, operations endpoints, page; limits, timeout, metrics and problem+json
/// for every error.
pub fn router(state: Arc<State>) -> Router {
    let timed = Router::new()
        .route("/v1/claims/calculate", post(api::calculate))
        .route(
            "/v1/claims/batch",
            post(api::batch).layer(DefaultBodyLimit::max(state.config.max_batch_body)),
        )
        .route("/v1/masters/{code}", get(api::master_item))
        .route("/v1/revisions", get(api::revisions))
        .route("/v1/examples", get(api::examples))
        .route("/v1/admin/reload", post(api::admin_reload))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/metrics", get(api::metrics))
        .route("/openapi.json", get(openapi::serve))
        .route("/", get(page::index))
        .route("/static/{file}", get(page::asset))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            limit_and_time,
        ))
        .layer(DefaultBodyLimit::max(state.config.max_body));
    // The UKE upload is streamed for as long as it takes; its own idle limit cuts off a client
    // that stops sending, and its body limit is the upload limit.
    let upload = Router::new()
        .route("/v1/uke/recalculate", post(uke::recalculate))
        .route_layer(middleware::from_fn_with_state(state.clone(), limit_only))
        .layer(DefaultBodyLimit::disable());
    timed
        .merge(upload)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "not-found",
        format!(
            "no endpoint at `{}` (the API is described at /openapi.json)",
            uri.path()
        ),
    )
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Problem {
    Problem::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!(
            "`{method}` is not allowed on `{}` (see /openapi.json)",
            uri.path()
        ),
    )
}

/// The concurrency limit and the per-request time limit (waiting for a slot included).
async fn limit_and_time(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let timeout = state.config.timeout;
    let work = async {
        let _permit = state.limit.clone().acquire_owned().await;
        next.run(req).await
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(r) => r,
        Err(_) => Problem::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request did not finish within {} s (body read included); try again",
                timeout.as_secs_f64()
            ),
        )
        .into_response(),
    }
}

async fn limit_only(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let _permit = state.limit.clone().acquire_owned().await;
    next.run(req).await
}

/// Counts every request by route and status with its latency, and logs it without the body or
/// the query (patient data travels only in bodies).
async fn observe(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let index =
        metrics::Metrics::route_index(req.extensions().get::<MatchedPath>().map(|p| p.as_str()));
    let method = req.method().clone();
    let response = next.run(req).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.observe(index, status, elapsed);
    let route = metrics::Metrics::route_name(index);
    let micros = elapsed.as_micros() as u64;
    if let Some(problem::ProblemCode(code)) = response.extensions().get() {
        state.metrics.problem(code);
    }
    // 2xx at debug (`--access-log`), so a busy service does not spend its time logging.
    match status {
        500.. => {
            tracing::warn!(target: "santei::access", %method, route, status, micros, "request")
        }
        400.. => {
            tracing::info!(target: "santei::access", %method, route, status, micros, "request")
        }
        _ => tracing::debug!(target: "santei::access", %method, route, status, micros, "request"),
    }
    response
}

/// Serves on `listener` until `shutdown` resolves, then stops taking connections and lets the
/// requests in flight finish (graceful shutdown).
pub async fn run(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    let drain_state = state.clone();
    let listener = conn::IdleListener {
        inner: listener,
        idle: state.config.idle_timeout,
    };
    axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(async move {
            shutdown.await;
            drain_state.drain();
            tracing::info!("shutting down: finishing the requests in flight");
        })
        .await
}

/// The process signals the service answers, installed before it says where it serves: a SIGHUP
/// sent as soon as the address is printed reloads the engine instead of ending the process (the
/// default action of a SIGHUP nobody handles), however late the runtime first polls [`Signals::run`].
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    /// Installs the SIGTERM and SIGHUP handlers now (Unix; call inside the tokio runtime).
    pub fn install() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    /// Resolves on SIGTERM or Ctrl-C; reloads the engine on each SIGHUP meanwhile (Unix).
    pub async fn run(self, state: Arc<State>) {
        #[cfg(unix)]
        {
            let Signals { mut term, mut hup } = self;
            loop {
                tokio::select! {
                    _ = term.recv() => return,
                    _ = tokio::signal::ctrl_c() => return,
                    _ = hup.recv() => {
                        tracing::info!("SIGHUP: reloading the masters and rules");
                        if let Err(e) = state.reload().await {
                            tracing::error!(error = %e, "reload failed; the previous engine keeps serving");
                        }
                    }
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = (self, state);
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
