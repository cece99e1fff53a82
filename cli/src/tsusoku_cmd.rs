//! `santei masters tsusoku`: the coverage report of the 通則 additions (engine
//! `tsusoku::coverage`): per 部, each %加算/%減算 and 通則 row of the 医科診療行為マスター on a date and
//! whether santei derives it, derives it through a 年齢加算 link, or bills it only when claimed.

use std::path::PathBuf;
use std::process::ExitCode;

use santei_engine::masters::Date;
use santei_engine::tsusoku::coverage::{self, Handling, PARTS};

use crate::masters_cmd::load_sets;
use crate::{CliError, LoadArgs};

pub fn run(
    date: Option<&str>,
    dirs: &[PathBuf],
    load: &LoadArgs,
    all: bool,
    json: bool,
) -> Result<ExitCode, CliError> {
    let catalog = load_sets(dirs, load)?;
    let newest = catalog
        .sets()
        .iter()
        .max_by_key(|s| s.revision.effective_from)
        .ok_or_else(|| CliError("no masters loaded".into()))?;
    let (set, date) = match date {
        Some(d) => {
            let d = Date::parse_iso(d)
                .ok_or_else(|| CliError(format!("`{d}` is not a date (YYYY-MM-DD)")))?;
            let set = catalog.for_date(d).ok_or_else(|| {
                CliError(format!(
                    "no loaded revision covers {d} (loaded: {})",
                    newest.revision
                ))
            })?;
            (set, d)
        }
        None => (newest, newest.revision.effective_from),
    };
    let rows = coverage::report(set, date);
    if rows.is_empty() && !json {
        println!(
            "{} on {date}: none of these masters' rows is a %加算 or 通則 row of 部 03–11: they hold only part of the 医科診療行為マスター (the embedded demo, or an excerpt); pass the complete files with --masters",
            set.revision.id
        );
        return Ok(ExitCode::from(1));
    }
    let summary = coverage::summary(&rows);
    if json {
        let parts: Vec<_> = summary
            .iter()
            .map(|(p, n, d, l)| {
                serde_json::json!({ "part": p, "rows": n, "derived": d, "derived_by_age_link": l })
            })
            .collect();
        let out = serde_json::json!({
            "revision": set.revision.id,
            "date": date.to_string(),
            "parts": parts,
            "rows": rows,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "通則 additions of the 医科診療行為マスター ({}, on {date}): %加算/%減算 rows (点数識別 5/6) and 通則 rows (区分番号 000)",
        set.revision.id
    );
    println!("部               rows  derived (tsusoku)  derived (年齢加算 link)  claimed only");
    let (mut tn, mut td, mut tl) = (0, 0, 0);
    for (p, n, d, l) in &summary {
        let name = PARTS.iter().find(|(x, _)| x == p).map_or("", |(_, n)| n);
        println!("{p} {name:<14}{n:>5}  {d:>17}  {l:>23}  {:>12}", n - d - l);
        (tn, td, tl) = (tn + n, td + d, tl + l);
    }
    let pct = |x: usize| {
        if tn == 0 {
            0.0
        } else {
            100.0 * x as f64 / tn as f64
        }
    };
    println!(
        "total            {tn:>5}  {td:>17}  {tl:>23}  {:>12}   ({:.0}% derived, {:.0}% with the 年齢加算 links)",
        tn - td - tl,
        pct(td),
        pct(td + tl)
    );
    let pct_rows: Vec<_> = rows.iter().filter(|r| r.point_kind == 5).collect();
    let pct_derived = pct_rows
        .iter()
        .filter(|r| r.handling != Handling::ClaimedOnly)
        .count();
    println!(
        "%加算 rows (点数識別 5): {pct_derived} of {} derived ({:.0}%)",
        pct_rows.len(),
        if pct_rows.is_empty() {
            0.0
        } else {
            100.0 * pct_derived as f64 / pct_rows.len() as f64
        }
    );
    for r in &rows {
        let h = match r.handling {
            Handling::Derived(t) => format!("derived: {t}"),
            Handling::DerivedByAgeLink => "derived: 年齢加算 link (項番100–111)".into(),
            Handling::ClaimedOnly => "claimed only".into(),
        };
        if all || r.handling != Handling::ClaimedOnly {
            println!(
                "  {} {:09} {}{} {}  — {h}",
                r.part,
                r.code,
                r.points.trim_end_matches(".00"),
                match r.point_kind {
                    5 => "%",
                    6 => "% 減算",
                    _ => "点",
                },
                r.name
            );
        }
    }
    if !all {
        println!("(--all also lists the rows billed only when claimed)");
    }
    Ok(ExitCode::SUCCESS)
}
