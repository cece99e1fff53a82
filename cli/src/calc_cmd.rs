//! `santei calc`: one claim, a receipt-style table for people or JSON for programs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::masters::{MasterCatalog, Revision};
use santei_engine::{ClaimResult, Engine, EngineOptions, PolypharmacyRounding, Severity};

use crate::masters_cmd::load_set;
use crate::{CliError, LoadArgs};

/// `--polypharmacy-rounding`: the unit of the F200 注3 90/100 rounding.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PolypharmacyUnit {
    /// 処方単位: once over the sum of the 処方's 内服薬 (通知 F200 (6)イ's 所定点数).
    Prescription,
    /// 剤単位: per 剤, the reductions summed.
    Rx,
}

impl From<PolypharmacyUnit> for PolypharmacyRounding {
    fn from(u: PolypharmacyUnit) -> Self {
        match u {
            PolypharmacyUnit::Prescription => PolypharmacyRounding::PerPrescription,
            PolypharmacyUnit::Rx => PolypharmacyRounding::PerRx,
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn calc(
    file: &Path,
    revision: Option<&str>,
    dirs: &[PathBuf],
    load: &LoadArgs,
    etensu: &[String],
    rule_dirs: &[PathBuf],
    explain: bool,
    json: bool,
    polypharmacy: PolypharmacyRounding,
) -> Result<ExitCode, CliError> {
    let bytes = if file == Path::new("-") {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)?;
        b
    } else {
        std::fs::read(file)
            .map_err(|e| CliError(format!("cannot read `{}`: {e}", file.display())))?
    };
    let engine = build_engine(dirs, load, etensu, rule_dirs, revision, polypharmacy)?;
    let result = engine
        .calculate_json(&bytes)
        .map_err(|e| CliError(format!("`{}`: {} ({})", file.display(), e, e.code)))?;
    if let Some(r) = revision {
        let want = Revision::parse(r).map(|r| r.id);
        if want != Some(result.revision) {
            return Err(CliError(format!(
                "the claim's dates fall in {}, not {r}",
                result.revision
            )));
        }
    }
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &result)?;
        writeln!(out)?;
    } else {
        print_table(&mut out, &result, explain)?;
    }
    let errors = result
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    Ok(if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_table(out: &mut impl Write, r: &ClaimResult, explain: bool) -> std::io::Result<()> {
    writeln!(out, "santei {}  revision {}", r.format, r.revision)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<10} {:>2} {:<3} {:<9} {:<38} {:>7} {:>5}",
        "日付", "識別", "種", "コード", "名称", "点数", "回数"
    )?;
    for l in &r.lines {
        let pts = l.points.map(|p| p.to_string()).unwrap_or_default();
        let times = if l.times > 0 {
            l.times.to_string()
        } else {
            String::new()
        };
        let qty = l.quantity.map(|q| format!(" {q}")).unwrap_or_default();
        let derived = matches!(l.origin, santei_engine::Origin::Derived { .. });
        writeln!(
            out,
            "{:<10} {:>2} {:<3} {:<9} {}{:>7} {:>5}",
            l.date.to_string(),
            l.section,
            format!("{:?}", l.record),
            l.code,
            pad(
                &format!("{}{}{}", if derived { "+" } else { "" }, l.name, qty),
                38
            ),
            pts,
            times
        )?;
        if explain {
            for e in &l.explain {
                writeln!(out, "{:>28}↳ {e}", "")?;
            }
        }
    }
    writeln!(out)?;
    for s in &r.sections {
        writeln!(out, "  {} {}{:>8}点", s.section, pad(s.name, 20), s.points)?;
    }
    writeln!(out, "  合計点数{:>23}点", r.total_points)?;
    for d in &r.days {
        writeln!(out, "  {}{:>21}点", d.date, d.points)?;
    }
    if !r.findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "findings:")?;
        for f in &r.findings {
            let sev = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            match &f.rule_id {
                Some(id) => writeln!(
                    out,
                    "  [{sev}] {} ({id}) at {}: {}",
                    f.rule, f.path, f.message
                )?,
                None => writeln!(out, "  [{sev}] {} at {}: {}", f.rule, f.path, f.message)?,
            }
            if explain {
                writeln!(out, "      source: {}", f.citation)?;
            }
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "(+ = added by santei; --explain shows where every number comes from)"
    )?;
    Ok(())
}

/// Pads to a display width, counting full-width characters as 2 columns.
pub fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| {
            if (c as u32) < 0x1100 || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
                1
            } else {
                2
            }
        })
        .sum();
    let mut out = s.to_string();
    for _ in w..width {
        out.push(' ');
    }
    out
}

/// The engine of `calc` and `recalc`: the masters of each `--masters` folder (the demo data when
/// none), the 電子点数表 of each `--etensu REV=DIR`, the bundled rules and `--rules` folders.
/// With `revision`, that revision must be among the loaded ones.
pub fn build_engine(
    dirs: &[PathBuf],
    load: &LoadArgs,
    etensu: &[String],
    rule_dirs: &[PathBuf],
    revision: Option<&str>,
    polypharmacy_rounding: PolypharmacyRounding,
) -> Result<Engine, CliError> {
    let mut catalog = MasterCatalog::new();
    if dirs.is_empty() {
        catalog.insert(load_set(None, load)?);
    }
    for d in dirs {
        catalog.insert(load_set(Some(d), load)?);
    }
    if let Some(r) = revision {
        let rev = Revision::parse(r)
            .ok_or_else(|| CliError(format!("unknown revision `{r}` (try r2024-06)")))?;
        if catalog.revision(rev).is_none() {
            return Err(CliError(format!(
                "revision {rev} is not loaded; pass its masters with --masters"
            )));
        }
    }
    let mut options = EngineOptions {
        rule_dirs: rule_dirs.to_vec(),
        polypharmacy_rounding,
        ..Default::default()
    };
    for spec in etensu {
        let (rev, dir) = spec.split_once('=').ok_or_else(|| {
            CliError(format!(
                "--etensu takes REVISION=DIR (e.g. r2024-06=../shared/etensu/r06), not `{spec}`"
            ))
        })?;
        let rev =
            Revision::parse(rev).ok_or_else(|| CliError(format!("unknown revision `{rev}`")))?;
        let et = santei_engine::masters::etensu::Etensu::load(dir)?;
        for w in &et.report.warnings {
            eprintln!("santei: warning: {w}");
        }
        options.etensu.push((rev.id, et));
    }
    Engine::with_options(catalog, options).map_err(|d| {
        CliError(
            d.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}
