//! `santei serve`: the flags of the service; the service itself is the santei-server crate.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::calc_cmd::build_engine;
use crate::{CliError, EngineArgs, RoundingArgs};

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One line of `key=value` fields per event.
    Text,
    /// One JSON object per event.
    Json,
}

#[derive(clap::Args, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    rounding: RoundingArgs,
    #[command(flatten)]
    copay: crate::settings::CopayArgs,
    /// Address to listen on. 127.0.0.1 by default: the service speaks plain HTTP, so expose it
    /// through a reverse proxy that does TLS (README).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port; 0 picks a free one (the address is printed on stderr).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Largest body of the JSON endpoints (a claim), bytes.
    #[arg(long, default_value_t = 1 << 20)]
    max_body: usize,
    /// Largest body of /v1/claims/batch, bytes.
    #[arg(long, default_value_t = 16 << 20)]
    max_batch_body: usize,
    /// Claims in one batch, at most.
    #[arg(long, default_value_t = 1000)]
    max_batch: usize,
    /// Largest UKE upload, bytes (streamed: memory does not grow with it).
    #[arg(long, default_value_t = 512 << 20)]
    max_upload: u64,
    /// Time limit of one request of the JSON endpoints, seconds (body read included).
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// A UKE upload that sends nothing for this many seconds is cut off.
    #[arg(long, default_value_t = 30.0)]
    upload_idle: f64,
    /// A connection that moves no byte for this many seconds is closed (headers sent slowly, an
    /// idle keep-alive connection).
    #[arg(long, default_value_t = 60.0)]
    idle_timeout: f64,
    /// Requests served at once; more wait within their time limit.
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
    /// Worker threads of one UKE recalculation.
    #[arg(long, default_value_t = 1)]
    uke_jobs: usize,
    /// Threads serving requests (default: every core).
    #[arg(long)]
    workers: Option<usize>,
    /// Bearer token that enables POST /v1/admin/reload (also read from SANTEI_ADMIN_TOKEN).
    /// Without one the endpoint answers 403; SIGHUP reloads in any case.
    #[arg(long)]
    admin_token: Option<String>,
    /// Log format on stderr. Logs carry method, route, status and latency, never a body.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Also log every request (by default only 4xx/5xx answers, reloads and lifecycle events).
    #[arg(long)]
    access_log: bool,
}

fn seconds(what: &str, s: f64) -> Result<Duration, CliError> {
    if s.is_finite() && s > 0.0 {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(CliError(format!(
            "--{what} must be a positive number of seconds"
        )))
    }
}

pub fn serve(a: ServeArgs) -> Result<ExitCode, CliError> {
    init_logs(a.log_format, a.access_log);
    let e = a.engine.clone();
    // The settings are read again on every reload (SIGHUP): an edited --local-schemes file too.
    let settings = a.copay.settings(a.rounding.polypharmacy_rounding.into());
    let load = move || {
        build_engine(
            &e.masters, &e.load, &e.etensu, &e.rules, None, &settings, None,
        )
        .map_err(|CliError(m)| m)
    };
    let engine = load().map_err(CliError)?;
    let source = if a.engine.masters.is_empty() {
        "embedded demo data (not official)".to_string()
    } else {
        let d: Vec<String> = a
            .engine
            .masters
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        format!("masters {}", d.join(", "))
    };
    let config = santei_server::Config {
        max_body: a.max_body,
        max_batch_body: a.max_batch_body,
        max_upload: a.max_upload,
        timeout: seconds("timeout", a.timeout)?,
        upload_idle: seconds("upload-idle", a.upload_idle)?,
        concurrency: a.concurrency.max(1),
        max_batch: a.max_batch.max(1),
        admin_token: a
            .admin_token
            .clone()
            .or_else(|| std::env::var("SANTEI_ADMIN_TOKEN").ok())
            .filter(|t| !t.is_empty()),
        uke_jobs: a.uke_jobs.max(1),
        idle_timeout: seconds("idle-timeout", a.idle_timeout)?,
        source,
    };
    let state = santei_server::State::new(engine, Arc::new(load), config);
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = a.workers {
        rt.worker_threads(n.max(1));
    }
    let rt = rt.build()?;
    rt.block_on(async move {
        let addr = SocketAddr::new(a.bind, a.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError(format!("cannot listen on {addr}: {e}")))?;
        let local = listener.local_addr()?;
        // Handlers first: a SIGHUP right after the address is printed must reload, not kill.
        let signals = santei_server::Signals::install()?;
        eprintln!("santei: serving on http://{local}/ (API /v1, OpenAPI /openapi.json)");
        tracing::info!(address = %local, "serving");
        let shutdown = signals.run(state.clone());
        santei_server::run(listener, state, shutdown).await?;
        eprintln!("santei: stopped");
        Ok(ExitCode::SUCCESS)
    })
}

fn init_logs(format: LogFormat, access: bool) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let filter = Targets::new()
        .with_target(
            "santei::access",
            if access {
                LevelFilter::DEBUG
            } else {
                LevelFilter::INFO
            },
        )
        .with_default(LevelFilter::INFO);
    let registry = tracing_subscriber::registry().with(filter);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = match format {
        LogFormat::Text => registry.with(layer).try_init(),
        LogFormat::Json => registry.with(layer.json()).try_init(),
    };
}
