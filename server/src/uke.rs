//! POST /v1/uke/recalculate: a UKE file streamed in, its recalculation report streamed out as
//! JSON lines or CSV, as `santei recalc --format json|csv` writes it (the engine's
//! [`santei_engine::uke::stream`]). The body is read chunk by chunk into a bounded channel that a
//! blocking thread reads; the report goes out through another bounded channel, so memory stays
//! flat whatever the file's size, and a client that stops reading slows the recalculation down
//! instead of filling memory.

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::{Query, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use santei_engine::claim::FacilityKind;
use santei_engine::masters::Encoding;
use santei_engine::uke::batch::{self, BatchOptions};
use santei_engine::uke::reader::{KNOWN_RECORDS, sniff_encoding};
use santei_engine::uke::stream::{self, FileFacts, ReportFormat, ReportWriter};
use santei_engine::uke::{FacilityFacts, Recalculator, Tally, YearMonth};
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};

use crate::State;
use crate::problem::Problem;

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UkeFormat {
    /// JSON Lines: one object per receipt / GO check / error, then a summary.
    #[default]
    Json,
    /// CSV: one row per receipt total, differing or unchecked line, GO total, malformed receipt.
    Csv,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UkeTextEncoding {
    /// UTF-8 when the start of the file is valid UTF-8 with non-ASCII text, else CP932.
    #[default]
    Auto,
    Cp932,
    Utf8,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UkeQuery {
    /// Report format.
    #[serde(default)]
    pub format: UkeFormat,
    /// Text encoding of the file.
    #[serde(default)]
    pub encoding: UkeTextEncoding,
    /// `false`: check points and totals only, not the rules (背反, 包括, 算定回数).
    #[serde(default = "yes")]
    pub rules: bool,
    /// The facility is a 病院 (default: 診療所), for rules that depend on it.
    #[serde(default)]
    pub hospital: bool,
    /// 病床数, for rules that depend on it.
    #[serde(default)]
    pub beds: u32,
    /// 施設基準 届出 codes, comma-separated, for rules that require one.
    #[serde(default)]
    pub standards: Option<String>,
    /// The file's name in the report (default `upload.UKE`).
    #[serde(default)]
    pub name: Option<String>,
}

fn yes() -> bool {
    true
}

/// Recalculate a UKE file.
///
/// The body is the UKE file (医科, CP932 or UTF-8) as it is, e.g. `curl --data-binary @FILE`.
/// The report streams back while the file streams in: JSON lines (`type`: `receipt`, `go`,
/// `error`, then one `summary`) or CSV. A problem found before the first receipt (not a UKE file,
/// compressed, empty, over the limit) is a 4xx problem+json; one found later (a malformed receipt,
/// a 歯科 record, no GO record, masters missing for a 診療年月, the upload cut off) is an `error`
/// line (CSV: a row of kind `file`) in the report.
#[utoipa::path(
    post,
    path = "/v1/uke/recalculate",
    tag = "uke",
    params(UkeQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The UKE file"),
    responses(
        (status = 200, description = "The report, streamed: JSON lines (application/x-ndjson) or CSV (text/csv)", content_type = "application/x-ndjson", body = String),
        (status = 400, description = "Empty, or a bad query", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a UKE file (compressed, another format)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn recalculate(
    AxState(state): AxState<Arc<State>>,
    query: Result<Query<UkeQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let Query(q) =
        query.map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "bad-query", e.body_text()))?;
    let limit = state.config.max_upload;
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            format!("the upload is larger than the limit of {limit} bytes (--max-upload)"),
        )
    };
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limit {
            return Err(too_large());
        }
    }
    let standards = match &q.standards {
        None => Vec::new(),
        Some(s) => s
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(|t| t.trim().parse::<u16>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "bad-query",
                    format!(
                        "standards=`{s}`: expected 施設基準 codes (numbers) separated by commas"
                    ),
                )
            })?,
    };
    let idle = state.config.upload_idle;
    let mut frames = body.into_data_stream();
    // The head: enough of the file to tell what it is before any answer is sent.
    let mut head = Vec::new();
    let mut ended = false;
    while head.len() < 64 {
        match tokio::time::timeout(idle, frames.next()).await {
            Err(_) => {
                return Err(Problem::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "upload-idle",
                    format!("nothing received for {} s", idle.as_secs()),
                ));
            }
            Ok(None) => {
                ended = true;
                break;
            }
            Ok(Some(Err(e))) => {
                return Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "bad-body",
                    format!("the upload could not be read: {e}"),
                ));
            }
            Ok(Some(Ok(chunk))) => head.extend_from_slice(&chunk),
        }
        if head.len() as u64 > limit {
            return Err(too_large());
        }
    }
    refuse_head(&head)?;
    let encoding = match q.encoding {
        UkeTextEncoding::Cp932 => Encoding::Cp932,
        UkeTextEncoding::Utf8 => Encoding::Utf8,
        UkeTextEncoding::Auto => sniff_encoding(&head),
    };

    // Body → blocking reader.
    let (in_tx, in_rx) = mpsc::channel::<std::io::Result<Bytes>>(8);
    let first = Bytes::from(head);
    let pump_limit = limit;
    tokio::spawn(async move {
        let mut total = first.len() as u64;
        if in_tx.send(Ok(first)).await.is_err() || ended {
            return;
        }
        loop {
            let next = match tokio::time::timeout(idle, frames.next()).await {
                Err(_) => Some(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "the upload stopped: nothing received for {} s",
                        idle.as_secs()
                    ),
                ))),
                Ok(None) => None,
                Ok(Some(Err(e))) => Some(Err(std::io::Error::other(format!(
                    "the upload could not be read: {e}"
                )))),
                Ok(Some(Ok(chunk))) => {
                    total += chunk.len() as u64;
                    if total > pump_limit {
                        Some(Err(std::io::Error::other(format!(
                            "the upload is larger than the limit of {pump_limit} bytes (--max-upload): cut off"
                        ))))
                    } else {
                        Some(Ok(chunk))
                    }
                }
            };
            let Some(item) = next else { return };
            let stop = item.is_err();
            if in_tx.send(item).await.is_err() || stop {
                return;
            }
        }
    });

    // Report → response body.
    let (out_tx, out_rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let format = q.format;
    let name = q
        .name
        .clone()
        .filter(|n| !n.is_empty() && n.len() <= 200)
        .unwrap_or_else(|| "upload.UKE".into());
    let facility = FacilityFacts {
        kind: if q.hospital {
            FacilityKind::Hospital
        } else {
            FacilityKind::Clinic
        },
        beds: q.beds,
        standards,
    };
    let job_state = state.clone();
    let rules = q.rules;
    tokio::task::spawn_blocking(move || {
        let reader = BufReader::with_capacity(
            1 << 16,
            ChannelReader {
                rx: in_rx,
                current: Bytes::new(),
            },
        );
        let writer = ChannelWriter {
            tx: out_tx,
            buf: Vec::with_capacity(OUT_CHUNK),
        };
        recalc_job(
            &job_state, reader, writer, &name, encoding, format, rules, facility,
        );
    });
    let stream = tokio_stream(out_rx);
    let content_type = match format {
        UkeFormat::Json => "application/x-ndjson",
        UkeFormat::Csv => "text/csv; charset=utf-8",
    };
    let mut r = (StatusCode::OK, Body::from_stream(stream)).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(r)
}

fn tokio_stream(
    mut rx: mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// What the first bytes say the upload is, before anything is answered.
fn refuse_head(head: &[u8]) -> Result<(), Problem> {
    let unsupported = |m: String| Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "not-uke", m);
    if head.is_empty() {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "empty",
            "the upload is empty: send the UKE file as the body (curl --data-binary @FILE)",
        ));
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Err(unsupported(
            "the upload is gzip-compressed: send the UKE file itself (zcat FILE | curl --data-binary @- …)".into(),
        ));
    }
    if head.starts_with(b"PK\x03\x04") {
        return Err(unsupported(
            "the upload is a zip archive: extract the UKE file and send it".into(),
        ));
    }
    let start = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let id_end = start.iter().position(|&b| b == b',');
    let id = id_end.and_then(|i| std::str::from_utf8(&start[..i]).ok());
    match id {
        Some(id) if KNOWN_RECORDS.contains(&id) => Ok(()),
        _ => {
            let shown: String = String::from_utf8_lossy(&start[..start.len().min(20)])
                .chars()
                .filter(|c| !c.is_control())
                .collect();
            Err(unsupported(format!(
                "the upload is not a UKE (レセプト電算) file: it should start with a record such as `IR,` (記録条件仕様（医科用）), not `{shown}`"
            )))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn recalc_job<R: std::io::BufRead + Send, W: Write>(
    state: &State,
    reader: R,
    writer: W,
    name: &str,
    encoding: Encoding,
    format: UkeFormat,
    rules: bool,
    facility: FacilityFacts,
) {
    let loaded = state.engine();
    let engine = &loaded.engine;
    let calc = if rules {
        Recalculator::with_engine(engine)
    } else {
        Recalculator::with_engine_masters(engine)
    }
    .facility(facility);
    let mut out = ReportWriter::new(
        writer,
        match format {
            UkeFormat::Json => ReportFormat::Json,
            UkeFormat::Csv => ReportFormat::Csv,
        },
    );
    let options = BatchOptions {
        jobs: state.config.uke_jobs.max(1),
        ..BatchOptions::default()
    };
    let mut tally = Tally::new();
    let mut errors = 0u64;
    let mut facts = FileFacts::default();
    let run = (|| -> std::io::Result<()> {
        out.header()?;
        let res = stream::recalc_input(
            batch::Input {
                read: reader,
                file: name,
                encoding,
            },
            &calc,
            &mut tally,
            options,
            &mut out,
            |_| {},
            &mut errors,
            &mut facts,
        );
        let res = match res {
            Ok(()) => facts.judge(name),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Err(e),
            Err(e) => Err(e.to_string()),
        };
        if let Err(message) = res {
            file_error(&mut out, Some(name), &message)?;
        }
        for w in facts.warnings(name) {
            tracing::warn!(target: "santei::uke", "{w}");
        }
        let months: BTreeMap<YearMonth, u64> = facts.months.clone();
        let uncovered: Vec<String> = months
            .iter()
            .filter(|(m, _)| engine.masters_for(m.first_day()).is_none())
            .map(|(m, n)| format!("{m} ({n} receipt(s))"))
            .collect();
        if !uncovered.is_empty() {
            file_error(
                &mut out,
                None,
                &format!(
                    "no masters loaded for 診療年月 {}: those receipts were not checked against any master (loaded: {})",
                    uncovered.join(", "),
                    engine.revision_ids().join(", ")
                ),
            )?;
        }
        // CSV stays one table: its summary is not written (ask for JSON lines to get it).
        out.summary(&tally.summary, 1, &mut std::io::sink())?;
        out.w.flush()
    })();
    let s = &tally.summary;
    state
        .metrics
        .receipts
        .fetch_add(s.receipts + s.malformed, Ordering::Relaxed);
    match run {
        Ok(()) => tracing::info!(
            target: "santei::uke",
            receipts = s.receipts,
            malformed = s.malformed,
            "recalculated an upload"
        ),
        Err(e) => tracing::info!(target: "santei::uke", error = %e, "upload report stopped"),
    }
}

/// A whole-file error: a JSON line, or in CSV a row of kind `file`, status `error`.
fn file_error<W: Write>(
    out: &mut ReportWriter<W>,
    file: Option<&str>,
    message: &str,
) -> std::io::Result<()> {
    if !out.file_error(file, message)? {
        let field = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        writeln!(
            out.w,
            "{},,,file,error,,,,,{}",
            field(file.unwrap_or("")),
            field(message)
        )?;
    }
    Ok(())
}

/// Reads the upload's chunks as they arrive (on a blocking thread).
struct ChannelReader {
    rx: mpsc::Receiver<std::io::Result<Bytes>>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                None => return Ok(0),
                Some(Err(e)) => return Err(e),
                Some(Ok(b)) => self.current = b,
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

const OUT_CHUNK: usize = 32 << 10;

/// Sends the report in chunks of about 32 KiB; a client gone away ends the recalculation with
/// `BrokenPipe`.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(OUT_CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= OUT_CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        let _ = self.send();
    }
}
