//! `santei rules check | fmt | explain`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::masters::MasterSet;
use santei_engine::masters::etensu::Etensu;
use santei_rules_dsl::{RuleOrigin, RuleSet, compile_etensu, compile_texts, format_source, parse};

use crate::masters_cmd::load_set;
use crate::{CliError, LoadArgs};

/// The `.rules` files of a file or folder, sorted: (name, text).
fn rule_texts(path: &Path) -> Result<Vec<(String, String)>, CliError> {
    let mut paths = if path.is_dir() {
        std::fs::read_dir(path)
            .map_err(|e| {
                CliError(format!(
                    "cannot read `{}`: {}",
                    path.display(),
                    crate::calc_cmd::io_reason(&e)
                ))
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rules"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            std::fs::read_to_string(&p)
                .map(|t| (p.display().to_string(), t))
                .map_err(|e| {
                    CliError(format!(
                        "cannot read `{}`: {}",
                        p.display(),
                        crate::calc_cmd::io_reason(&e)
                    ))
                })
        })
        .collect()
}

/// The 電子点数表 of `--etensu DIR` or `--etensu REVISION=DIR` (the revision of the masters).
fn etensu(spec: Option<&str>, set: &MasterSet) -> Result<Option<Etensu>, CliError> {
    match spec {
        None => Ok(None),
        Some(spec) => {
            let (rev, d) = crate::calc_cmd::etensu_spec(spec, &[set.revision])?;
            if rev.id != set.revision.id {
                return Err(CliError(format!(
                    "--etensu `{spec}` is for {rev} but the masters are {}",
                    set.revision
                )));
            }
            let et = crate::masters_cmd::load_etensu(
                Path::new(d),
                santei_engine::masters::Encoding::Cp932,
            )?;
            for w in &et.report.warnings {
                eprintln!("santei: warning: {w}");
            }
            Ok(Some(et))
        }
    }
}

/// `santei rules check`: parse and compile, print every diagnostic; exit 1 on errors.
pub fn check(
    path: &Path,
    masters: Option<&Path>,
    etensu_dir: Option<&str>,
    load: &LoadArgs,
    json: bool,
) -> Result<ExitCode, CliError> {
    let set: MasterSet = load_set(masters, load)?;
    let texts = rule_texts(path)?;
    let start = std::time::Instant::now();
    let (rules, diags) = match compile_texts(&texts, &set, false) {
        Ok(x) => x,
        Err(d) => (Vec::new(), d),
    };
    let mut rs = RuleSet::default();
    let hand = rules.len();
    let mut all = rules;
    if let Some(et) = etensu(etensu_dir, &set)? {
        let (r, skipped) = compile_etensu(&et);
        all.extend(r);
        rs.report.skipped = skipped;
    }
    rs.extend(all);
    let elapsed = start.elapsed();
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let mut out = std::io::stdout().lock();
    if json {
        let v = serde_json::json!({
            "files": texts.len(),
            "rules": rs.len(),
            "hand_rules": hand,
            "etensu_rules": rs.report.from_etensu,
            "by_kind": rs.report.by_kind,
            "skipped": rs.report.skipped,
            "diagnostics": diags,
            "compile_ms": elapsed.as_secs_f64() * 1000.0,
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        for d in &diags {
            write!(out, "{d}")?;
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} file(s), {hand} hand rule(s) compiled against {}, {} rule(s) in all ({} from the 電子点数表) in {:.1} ms; {errors} error(s), {} warning(s)",
            texts.len(),
            set.revision,
            rs.len(),
            rs.report.from_etensu,
            elapsed.as_secs_f64() * 1000.0,
            diags.len() - errors
        )?;
        for (k, n) in &rs.report.by_kind {
            writeln!(out, "  {k:<12} {n}")?;
        }
        for (why, n) in &rs.report.skipped {
            writeln!(out, "  not compiled: {n} × {why}")?;
        }
        if masters.is_none() && errors > 0 {
            writeln!(
                out,
                "(compiled against the embedded demo data, a few rows of the masters: codes it lacks are errors here; check with the official files, --masters DIR)"
            )?;
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `santei rules fmt`: print the canonical layout, or with `--check` say whether the file is in it.
pub fn fmt(file: &Path, check: bool) -> Result<ExitCode, CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        CliError(format!(
            "cannot read `{}`: {}",
            file.display(),
            crate::calc_cmd::io_reason(&e)
        ))
    })?;
    let name = file.display().to_string();
    let ast = parse(&name, &text).map_err(|d| CliError(d.to_string()))?;
    let formatted = format_source(&ast, &text).map_err(|e| CliError(format!("`{name}` {e}")))?;
    if check {
        if formatted == text {
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "santei: `{name}` is not in canonical layout (santei rules fmt {name} > tmp && mv tmp {name})"
        );
        return Ok(ExitCode::from(1));
    }
    print!("{formatted}");
    Ok(ExitCode::SUCCESS)
}

/// `santei rules explain <code>`: every rule that mentions the code and where it came from.
pub fn explain(
    code: &str,
    dirs: &[PathBuf],
    masters: Option<&Path>,
    etensu_dir: Option<&str>,
    load: &LoadArgs,
    json: bool,
) -> Result<ExitCode, CliError> {
    let c: u32 = code
        .parse()
        .ok()
        .filter(|_| code.len() == 9)
        .ok_or_else(|| CliError(format!("`{code}` is not a 9-digit 診療行為コード")))?;
    let set = load_set(masters, load)?;
    let mut texts: Vec<(String, String)> = santei_rules_dsl::bundled_rules(set.revision.id)
        .into_iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    for d in dirs {
        texts.extend(rule_texts(d)?);
    }
    let (rules, _) = compile_texts(&texts, &set, false).unwrap_or_default();
    let mut rs = RuleSet::default();
    let mut all = rules;
    if let Some(et) = etensu(etensu_dir, &set)? {
        all.extend(compile_etensu(&et).0);
    }
    rs.extend(all);
    let found = rs.explain(c);
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &found)?;
        writeln!(out)?;
    } else {
        let name = set
            .procedures
            .latest(c)
            .map(|p| p.abbr_name.to_string())
            .unwrap_or_default();
        writeln!(
            out,
            "{code} {name}: {} rule(s) in {}",
            found.len(),
            set.revision
        )?;
        for r in &found {
            let origin = match &r.origin {
                RuleOrigin::File { .. } => "rule file",
                RuleOrigin::Etensu { .. } => "電子点数表",
            };
            writeln!(
                out,
                "  [{}] {} ({origin}, {}){}",
                r.kind.japanese(),
                r.id,
                r.origin,
                if r.special { " 特例条件" } else { "" }
            )?;
            writeln!(out, "      {}", r.citation)?;
        }
    }
    Ok(if found.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
