//! Writes a synthetic 外来 UKE file computed on the real masters (see `santei_benches::workload`).
//!
//! ```text
//! cargo run --release -p santei-benches --bin gen_uke -- --masters ../shared/masters/r06 \
//!     --seed 1 --receipts 10000 --month 2024-07 --out /tmp/x.UKE [--encoding cp932|utf8] [--repeat K]
//! ```
//!
//! `--repeat K` computes the receipts once and writes them K times (レセプト番号 repeat in each
//! copy), with one GO for all of them: a cheap way to get millions of receipts.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use santei_benches::workload::{Block, generate};
use santei_engine::Engine;
use santei_engine::masters::{Encoding, MasterSet};
use santei_engine::uke::YearMonth;

const USAGE: &str = "usage: gen_uke --masters DIR --out FILE [--seed N] [--receipts N] [--month YYYY-MM] [--encoding cp932|utf8] [--repeat K]";

struct Args {
    masters: PathBuf,
    out: PathBuf,
    seed: u64,
    receipts: u32,
    month: YearMonth,
    encoding: Encoding,
    repeat: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut masters = None;
    let mut out = None;
    let mut seed = 1;
    let mut receipts = 1000;
    let mut month = YearMonth {
        year: 2024,
        month: 7,
    };
    let mut encoding = Encoding::Cp932;
    let mut repeat = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.into());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |what: &str| format!("{flag} `{value}`: {what}\n{USAGE}");
        match flag.as_str() {
            "--masters" => masters = Some(PathBuf::from(&value)),
            "--out" => out = Some(PathBuf::from(&value)),
            "--seed" => seed = value.parse().map_err(|_| bad("not a number"))?,
            "--receipts" => receipts = value.parse().map_err(|_| bad("not a number"))?,
            "--repeat" => repeat = Some(value.parse().map_err(|_| bad("not a number"))?),
            "--month" => {
                month = value
                    .split_once('-')
                    .and_then(|(y, m)| YearMonth::parse(&format!("{y}{m}")))
                    .ok_or_else(|| bad("expected YYYY-MM"))?
            }
            "--encoding" => {
                encoding = match value.to_ascii_lowercase().as_str() {
                    "cp932" | "sjis" | "shift_jis" => Encoding::Cp932,
                    "utf8" | "utf-8" => Encoding::Utf8,
                    _ => return Err(bad("expected cp932 or utf8")),
                }
            }
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok(Args {
        masters: masters.ok_or_else(|| format!("--masters is required\n{USAGE}"))?,
        out: out.ok_or_else(|| format!("--out is required\n{USAGE}"))?,
        seed,
        receipts,
        month,
        encoding,
        repeat,
    })
}

fn run(a: &Args) -> Result<(), String> {
    let t = Instant::now();
    let set = MasterSet::load(&a.masters)
        .map_err(|e| format!("cannot load masters `{}`: {e}", a.masters.display()))?;
    let engine = Engine::from_set(set);
    eprintln!(
        "gen_uke: masters {} loaded in {:.1}s",
        engine.revision_ids().join(", "),
        t.elapsed().as_secs_f64()
    );
    let file = std::fs::File::create(&a.out)
        .map_err(|e| format!("cannot create `{}`: {e}", a.out.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let t = Instant::now();
    let (receipts, lines, bytes) = match a.repeat {
        None => {
            let (_, s) = generate(&engine, a.seed, a.receipts, a.month, &mut out, a.encoding)
                .map_err(|e| e.to_string())?;
            if s.redrawn > 0 {
                eprintln!("gen_uke: {} claims drawn again", s.redrawn);
            }
            (s.receipts, s.lines, s.bytes)
        }
        Some(k) => {
            let block = Block::generate(&engine, a.seed, a.receipts, a.month, a.encoding)
                .map_err(|e| e.to_string())?;
            let gen_time = t.elapsed().as_secs_f64();
            eprintln!(
                "gen_uke: {} distinct receipts in {gen_time:.2}s ({:.0} receipts/s)",
                block.stats.receipts,
                block.stats.receipts as f64 / gen_time
            );
            std::io::copy(&mut block.repeat(k), &mut out).map_err(|e| e.to_string())?;
            (
                block.stats.receipts * k,
                block.stats.lines * k,
                block.repeated_len(k),
            )
        }
    };
    out.flush()
        .map_err(|e| format!("cannot write `{}`: {e}", a.out.display()))?;
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "gen_uke: {} receipts, {} SI/IY/TO lines ({:.1} per receipt), {} bytes ({:.0} per receipt) in {secs:.2}s ({:.0} receipts/s) → {}",
        receipts,
        lines,
        lines as f64 / receipts.max(1) as f64,
        bytes,
        bytes as f64 / receipts.max(1) as f64,
        receipts as f64 / secs,
        a.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| run(&a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_uke: {e}");
            ExitCode::FAILURE
        }
    }
}
