//! `santei calc`: one claim, a receipt-style table for people or JSON for programs; several claims
//! into one UKE file with `--uke` (calc_cmd/uke.rs).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::masters::{MasterKind, Revision};
use santei_engine::{
    BuildError, ClaimResult, Engine, EngineBuilder, ExplainForm, PolypharmacyRounding, RecordKind,
    Severity,
};

use crate::settings::CalcSettings;
use crate::{CliError, Failure, LoadArgs};

mod uke;
pub use uke::UkeArgs;
use uke::{UkeContext, ir_flags, write_uke};

/// `--polypharmacy-rounding`: the unit of the F200 注3 90/100 rounding.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PolypharmacyUnit {
    /// 処方単位: once over the sum of the 処方's 内服薬 (通知 F200 (6)イ's 所定点数).
    Prescription,
    /// 剤単位: per 剤, the reductions summed.
    Rx,
}

/// How `calc --explain` gives the explanations.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExplainArg {
    /// As text: under each line of the table, or as strings in the JSON (santei.result/1).
    Text,
    /// With --json: each explanation as an object (`kind` and its fields).
    Data,
}

impl From<ExplainArg> for ExplainForm {
    fn from(a: ExplainArg) -> Self {
        match a {
            ExplainArg::Text => ExplainForm::Text,
            ExplainArg::Data => ExplainForm::Data,
        }
    }
}

impl From<PolypharmacyUnit> for PolypharmacyRounding {
    fn from(u: PolypharmacyUnit) -> Self {
        match u {
            PolypharmacyUnit::Prescription => PolypharmacyRounding::PerPrescription,
            PolypharmacyUnit::Rx => PolypharmacyRounding::PerRx,
        }
    }
}

/// One claim of the input: its name in messages (`a.json`, `a.json[2]` for an element of a JSON
/// array, `a.jsonl:3` for a line of JSON lines) and its JSON.
struct ClaimInput {
    name: String,
    bytes: Vec<u8>,
}

/// Reads a claim file (`-`: standard input); refuses an empty file and the files people pass by
/// mistake (a UKE file, a compressed file) with what to do instead.
fn read_input(file: &Path) -> Result<(String, Vec<u8>), Failure> {
    let name = if file == Path::new("-") {
        "(stdin)".to_string()
    } else {
        file.display().to_string()
    };
    let claim_error = |code: &'static str, message: String| Failure {
        code,
        file: Some(name.clone()),
        path: None,
        message,
    };
    let bytes = if file == Path::new("-") {
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            eprintln!("santei: reading the claim from standard input (end it with Ctrl-D)");
        }
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)?;
        b
    } else {
        std::fs::read(file)
            .map_err(|e| claim_error("input", format!("cannot read `{name}`: {}", io_reason(&e))))?
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(claim_error(
            "claim.json",
            format!(
                "`{name}` is empty: expected a santei.claim/1 JSON object (docs/CLAIM_FORMAT.md, `santei schema`)"
            ),
        ));
    }
    // Files people pass by mistake: a UKE file, a compressed file.
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let not_a_claim = if start.starts_with(b"IR,") || start.starts_with(b"MN,") {
        Some("a UKE (レセプト電算) file; recalculate it with `santei recalc`")
    } else if start.starts_with(&[0x1f, 0x8b]) {
        Some("gzip-compressed; decompress it first (`zcat`)")
    } else if start.starts_with(b"PK\x03\x04") {
        Some("a zip archive; extract the claim first")
    } else {
        None
    };
    if let Some(what) = not_a_claim {
        return Err(claim_error(
            "claim.json",
            format!("`{name}` is not a santei.claim/1 JSON claim: it is {what}"),
        ));
    }
    Ok((name, bytes))
}

/// The claims of one input: one JSON object (the bytes as they are, so that its errors read as
/// before), a JSON array of claims, or JSON lines (one claim per line).
fn split_claims(name: String, bytes: Vec<u8>) -> Result<Vec<ClaimInput>, Failure> {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let lead = start
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let error = |message: String| Failure {
        code: "claim.json",
        file: Some(name.clone()),
        path: None,
        message,
    };
    if start[lead..].starts_with(b"[") {
        let claims: Vec<serde_json::Value> = serde_json::from_slice(start).map_err(|e| {
            error(format!(
                "`{name}` starts with `[` but is not a JSON array of santei.claim/1 claims: {e}"
            ))
        })?;
        if claims.is_empty() {
            return Err(error(format!(
                "`{name}` is an empty JSON array: no claim to compute"
            )));
        }
        return claims
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Ok(ClaimInput {
                    name: format!("{name}[{i}]"),
                    bytes: serde_json::to_vec(v)?,
                })
            })
            .collect();
    }
    // JSON lines: several values one after the other. One value (or a first value that does not
    // parse) is one claim, left to the claim parser for its error.
    let mut stream = serde_json::Deserializer::from_slice(start).into_iter::<serde_json::Value>();
    let mut values = Vec::new();
    loop {
        let at = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(v)) => {
                let skipped = start[at..].iter().take_while(|b| b.is_ascii_whitespace());
                let begin = at + skipped.count();
                let line = 1 + start[..begin].iter().filter(|&&b| b == b'\n').count();
                values.push((line, v));
            }
            Some(Err(_)) if values.len() <= 1 => {
                values.clear();
                break;
            }
            Some(Err(e)) => {
                return Err(error(format!(
                    "`{name}:{}`: JSON lines: the claim on line {} is not valid JSON: {e}",
                    e.line(),
                    e.line()
                )));
            }
        }
    }
    if values.len() <= 1 {
        return Ok(vec![ClaimInput { name, bytes }]);
    }
    values
        .into_iter()
        .map(|(line, v)| {
            Ok(ClaimInput {
                name: format!("{name}:{line}"),
                bytes: serde_json::to_vec(&v)?,
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub fn calc(
    files: &[PathBuf],
    revision: Option<&str>,
    dirs: &[PathBuf],
    load: &LoadArgs,
    etensu: &[String],
    rule_dirs: &[PathBuf],
    explain_form: Option<ExplainForm>,
    json: bool,
    settings: &CalcSettings,
    uke: &UkeArgs,
) -> Result<ExitCode, Failure> {
    let usage = |message: String| Failure {
        code: "usage",
        file: None,
        path: None,
        message,
    };
    let explain = explain_form.is_some();
    if explain_form == Some(ExplainForm::Data) && !json {
        return Err(usage(
            "--explain=data writes the explanations as data in the JSON: add --json (the table shows them as text with --explain)".into(),
        ));
    }
    if uke.out.is_some() && explain {
        return Err(usage(
            "--explain shows where the numbers of one claim's table come from; with --uke no table is printed (run calc without --uke to see it)".into(),
        ));
    }
    if uke.out.as_deref() == Some(Path::new("-")) && json {
        return Err(usage(
            "--uke - writes the UKE file to standard output, where --json would print too: write the file with --uke FILE, or drop --json".into(),
        ));
    }
    if files
        .iter()
        .filter(|f| f.as_path() == Path::new("-"))
        .count()
        > 1
    {
        return Err(usage("`-` (standard input) can be read once".into()));
    }
    let mut claims = Vec::new();
    for f in files {
        let (name, bytes) = read_input(f)?;
        claims.extend(split_claims(name, bytes)?);
    }
    if let Some(out) = &uke.out {
        let ir = ir_flags(uke)?;
        let engine = build_engine(dirs, load, etensu, rule_dirs, revision, settings, None)?;
        let ctx = UkeContext {
            out,
            args: uke,
            ir,
            revision,
            json,
            dirs,
            load,
            etensu,
            rule_dirs,
        };
        return write_uke(&claims, &engine, &ctx);
    }
    let [ClaimInput { name, bytes }] = &claims[..] else {
        let mut names: Vec<&str> = claims.iter().take(3).map(|c| c.name.as_str()).collect();
        if claims.len() > 3 {
            names.push("…");
        }
        return Err(usage(format!(
            "{} claims given ({}): several claims are computed into one UKE file with --uke FILE; \
             for each claim's table or JSON, run calc on one claim at a time",
            claims.len(),
            names.join(", ")
        )));
    };
    let claim_error = |code: &'static str, path: Option<String>, message: String| Failure {
        code,
        file: Some(name.clone()),
        path,
        message,
    };
    let engine = build_engine(dirs, load, etensu, rule_dirs, revision, settings, None)?;
    // Explanations are built only when shown (`--explain`, also with `--json`).
    let options = santei_engine::CalcOptions { explain };
    let result = engine.calculate_json_with(bytes, options).map_err(|e| {
        let (path, message) = claim_error_text(name, &e);
        claim_error(e.code, path, message)
    })?;
    if let Some(r) = revision {
        let want = Revision::parse(r).map(|r| r.id);
        if want != Some(result.revision) {
            return Err(claim_error(
                "claim.revision",
                None,
                format!(
                    "`{name}`: the claim's dates fall in {}, not {r} (--revision)",
                    result.revision
                ),
            ));
        }
    }
    let mut out = std::io::stdout().lock();
    if json {
        out.write_all(&result.to_json_pretty_with(explain_form.unwrap_or_default()))?;
    } else {
        let claim = Engine::parse_claim(bytes).ok();
        let source = if dirs.is_empty() {
            "embedded demo data, not official".to_string()
        } else {
            let d: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            format!("masters {}", d.join(", "))
        };
        let head = Heading {
            file: name,
            source: &source,
            claim: claim.as_ref(),
        };
        print_table(&mut out, &result, &engine, &head, explain)?;
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

/// What the first lines of the table say about the claim.
pub struct Heading<'a> {
    pub file: &'a str,
    /// Where the masters came from.
    pub source: &'a str,
    pub claim: Option<&'a santei_engine::Claim>,
}

/// Display width of a text: CJK and full-width characters take 2 columns (unicode-width).
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Pads to a display width (left-aligned).
pub fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
}

/// Pads to a display width (right-aligned).
pub fn rpad(s: &str, w: usize) -> String {
    let mut out: String = std::iter::repeat_n(' ', w.saturating_sub(width(s))).collect();
    out.push_str(s);
    out
}

/// Cuts a text to a display width, ending in `…` when cut.
fn cut(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) + 1 > w {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// 1234567 → `1,234,567`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The error text of a claim that cannot be computed: `(claim path, message)`. A JSON syntax
/// error is located by line and column only (the path of an unfinished document is a guess).
fn claim_error_text(file: &str, e: &santei_engine::ClaimError) -> (Option<String>, String) {
    let mut message = e.message.clone();
    // serde_json repeats the location at the end (" at line 1 column 29").
    if let Some(i) = message.rfind(" at line ") {
        let tail = &message[i + " at line ".len()..];
        if tail
            .split(" column ")
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            message.truncate(i);
        }
    }
    if e.code == "claim.revision" {
        message.push_str(
            "; pass the masters in force on that date with --masters (one folder per revision)",
        );
    }
    if e.code == "claim.json" || e.path.is_empty() || e.path == "$" {
        (None, format!("`{file}`: {message}"))
    } else {
        (
            Some(e.path.clone()),
            format!("`{file}` at {}: {message}", e.path),
        )
    }
}

/// The reason of an I/O error without Rust's "(os error 2)".
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a claim file".into(),
        _ => {
            let t = e.to_string();
            match t.find(" (os error") {
                Some(i) => t[..i].to_string(),
                None => t,
            }
        }
    }
}

fn scheme_name(s: santei_engine::claim::Scheme) -> &'static str {
    use santei_engine::claim::Scheme;
    match s {
        Scheme::Shaho => "社保",
        Scheme::Kokuho => "国保",
        Scheme::Kouki => "後期高齢者医療",
    }
}

fn age_band_name(b: santei_engine::copay::AgeBand) -> &'static str {
    use santei_engine::copay::AgeBand;
    match b {
        AgeBand::Preschool => "未就学",
        AgeBand::Under70 => "70歳未満",
        AgeBand::From70 => "70〜74歳 高齢受給者",
        AgeBand::From75 => "後期高齢者",
    }
}

/// The amount of a line with the unit of its master row: `3錠`, `2枚`, `120` (no unit).
fn quantity_text(engine: &Engine, l: &santei_engine::Line) -> String {
    let Some(q) = l.quantity else {
        return String::new();
    };
    let q = q.normalize();
    let unit = l.code.parse::<u32>().ok().and_then(|code| {
        let set = engine.masters_for(l.date)?;
        let u = match l.record {
            RecordKind::IY => set.drugs.get(code, l.date)?.unit_name.to_string(),
            RecordKind::TO => set.materials.get(code, l.date)?.unit_name.to_string(),
            RecordKind::SI => set.procedures.get(code, l.date)?.data_unit_name.to_string(),
            RecordKind::CO => return None,
        };
        Some(u)
    });
    format!("{q}{}", unit.unwrap_or_default())
}

fn print_table(
    out: &mut impl Write,
    r: &ClaimResult,
    engine: &Engine,
    head: &Heading<'_>,
    explain: bool,
) -> std::io::Result<()> {
    // Heading: the claim, the revision and the masters, the patient.
    let setting = match head.claim.map(|c| c.setting) {
        Some(santei_engine::claim::Setting::Inpatient) => "入院",
        _ => "外来",
    };
    let dates: Vec<String> = r.days.iter().map(|d| d.date.to_string()).collect();
    let dates = if dates.len() > 4 {
        format!("{} – {}", dates[0], dates[dates.len() - 1])
    } else {
        dates.join(", ")
    };
    writeln!(
        out,
        "{}: {setting}, {} 日 ({dates}), 合計 {}点",
        head.file,
        r.days.len(),
        grouped(r.total_points)
    )?;
    writeln!(out, "revision {} ({})", r.revision, head.source)?;
    if let Some(c) = head.claim {
        let sex = match c.patient.sex {
            santei_engine::claim::Sex::Male => "男",
            santei_engine::claim::Sex::Female => "女",
        };
        let first = r.days.first().map(|d| d.date);
        let age = first
            .map(|d| {
                format!(
                    " ({}歳 on {d})",
                    santei_engine::age::age_years(c.patient.birth_date, d)
                )
            })
            .unwrap_or_default();
        let mut insurance = Vec::new();
        if let Some(s) = c.insurance.scheme {
            insurance.push(scheme_name(s));
        }
        match c.insurance.relation {
            Some(santei_engine::claim::Relation::Insured) => insurance.push("本人"),
            Some(santei_engine::claim::Relation::Dependent) => insurance.push("家族"),
            None => {}
        }
        let insurance = if insurance.is_empty() {
            "no insurance given".to_string()
        } else {
            insurance.join(" ")
        };
        writeln!(
            out,
            "patient born {} {sex}{age}; {insurance}",
            c.patient.birth_date
        )?;
    }
    writeln!(out)?;

    // The lines, every column padded to its display width.
    const NAME_MAX: usize = 50;
    let header = [
        "日付",
        "識別",
        "種",
        "コード",
        "名称",
        "数量",
        "点数",
        "回数",
    ];
    let right = [false, false, false, false, false, true, true, true];
    let rows: Vec<[String; 8]> = r
        .lines
        .iter()
        .map(|l| {
            let derived = matches!(l.origin, santei_engine::Origin::Derived { .. });
            let name = format!("{}{}", if derived { "+" } else { "" }, l.name);
            [
                l.date.to_string(),
                l.section.to_string(),
                format!("{:?}", l.record),
                l.code.to_string(),
                cut(&name, NAME_MAX),
                quantity_text(engine, l),
                l.points.map(grouped).unwrap_or_default(),
                if l.times > 0 {
                    l.times.to_string()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    let mut widths = header.map(width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let render = |cells: [&str; 8]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(widths)
            .zip(right)
            .map(|((c, w), r)| if r { rpad(c, w) } else { pad(c, w) })
            .collect();
        parts.join(" ").trim_end().to_string()
    };
    writeln!(out, "{}", render(header))?;
    let indent = widths[..4].iter().sum::<usize>() + 4;
    for (l, row) in r.lines.iter().zip(&rows) {
        writeln!(out, "{}", render(row.each_ref().map(String::as_str)))?;
        if explain {
            for e in &l.explain {
                writeln!(out, "{:indent$}↳ {e}", "")?;
            }
        }
    }

    // Totals per 診療識別, the claim, each day.
    writeln!(out)?;
    let label_w = r
        .sections
        .iter()
        .map(|s| width(s.section) + 1 + width(s.name))
        .chain([width("合計点数")])
        .chain(r.days.iter().map(|d| width(&d.date.to_string())))
        .max()
        .unwrap_or(0);
    let pts_w = r
        .sections
        .iter()
        .map(|s| grouped(s.points).len())
        .chain([grouped(r.total_points).len()])
        .max()
        .unwrap_or(0)
        + 2;
    for s in &r.sections {
        // 診療識別 97 (食事・生活療養) is in yen, outside the 合計点数.
        writeln!(
            out,
            "  {} {}{}",
            pad(&format!("{} {}", s.section, s.name), label_w),
            rpad(&grouped(s.points), pts_w),
            if s.section == "97" { "円" } else { "点" }
        )?;
    }
    writeln!(
        out,
        "  {} {}点",
        pad("合計点数", label_w),
        rpad(&grouped(r.total_points), pts_w)
    )?;
    for d in &r.days {
        writeln!(
            out,
            "  {} {}点",
            pad(&d.date.to_string(), label_w),
            rpad(&grouped(d.points), pts_w)
        )?;
    }

    writeln!(out)?;
    print_copay(out, r, explain)?;

    if !r.findings.is_empty() {
        writeln!(out)?;
        let count = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count();
        let errors = count(Severity::Error);
        writeln!(
            out,
            "findings: {errors} error(s){}, {} warning(s), {} info",
            if errors > 0 {
                " (a line not billed or a claim wrong as written: exit code 1)"
            } else {
                ""
            },
            count(Severity::Warning),
            count(Severity::Info)
        )?;
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
        "(+ = added by santei; --explain shows where every number comes from; --json gives all of it, --json --explain with the explanations)"
    )?;
    Ok(())
}

/// The 窓口負担: the 負担割合, each day's amounts and the month's, 高額療養費 and 公費 when they
/// apply. The numbers are the `copay` fields of the JSON result.
fn print_copay(out: &mut impl Write, r: &ClaimResult, explain: bool) -> std::io::Result<()> {
    let Some(c) = &r.copay else {
        return writeln!(
            out,
            "窓口負担: not computed (the claim gives no insurance, or its insurance data cannot give an amount: see the findings)"
        );
    };
    let rate = match c.burden_percent {
        Some(p) if p % 10 == 0 => format!("{}割", p / 10),
        Some(p) => format!("{p}%"),
        None => String::new(),
    };
    // 公費単独: no 一部負担金 of an insurance to show.
    let insured = c.burden_percent.is_some();
    let class = c
        .income_class
        .map(|k| format!(", {}", k.japanese()))
        .unwrap_or_default();
    if insured {
        writeln!(
            out,
            "窓口負担: 負担割合 {rate} ({}{class})",
            age_band_name(c.age_band)
        )?;
    } else {
        writeln!(
            out,
            "窓口負担: 公費単独, no 医療保険 ({})",
            age_band_name(c.age_band)
        )?;
    }
    let high = c.high_cost_yen != 0 || c.visits.iter().any(|v| v.high_cost_yen != 0);
    let public = !c.public_funds.is_empty();
    let mut header = vec!["日付", "点数", "医療費"];
    if insured {
        header.push("一部負担金");
    }
    if high {
        header.push("高額療養費");
    }
    if public {
        header.push("公費負担");
    }
    header.push("窓口");
    let mut rows: Vec<Vec<String>> = Vec::new();
    for v in &c.visits {
        let mut row = vec![
            v.date.to_string(),
            format!("{}点", grouped(v.points)),
            format!("{}円", grouped(v.medical_cost_yen)),
        ];
        if insured {
            row.push(format!("{}円", grouped(v.copay_yen)));
        }
        if high {
            row.push(format!("{}円", grouped(v.high_cost_yen)));
        }
        if public {
            row.push(format!("{}円", grouped(v.public_yen.iter().sum())));
        }
        row.push(format!("{}円", grouped(v.window_yen)));
        rows.push(row);
    }
    let mut month = vec![
        "月計".to_string(),
        format!("{}点", grouped(c.total_points)),
        format!("{}円", grouped(c.medical_cost_yen)),
    ];
    if insured {
        month.push(format!("{}円", grouped(c.copay_yen)));
    }
    if high {
        month.push(format!("{}円", grouped(c.high_cost_yen)));
    }
    if public {
        month.push(format!(
            "{}円",
            grouped(c.public_funds.iter().map(|f| f.pays_yen).sum())
        ));
    }
    month.push(format!("{}円", grouped(c.window_yen)));
    rows.push(month);
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let render = |cells: &[&str]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, &w))| if i == 0 { pad(c, w) } else { rpad(c, w) })
            .collect();
        format!("  {}", parts.join("  "))
    };
    writeln!(out, "{}", render(&header))?;
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", render(&cells))?;
        if explain && i < c.visits.len() {
            for e in &c.visits[i].explain {
                writeln!(out, "    ↳ {e}")?;
            }
        }
    }
    writeln!(
        out,
        "  患者負担 {}円 for the month; 窓口 {}円 (10円未満 四捨五入 per visit, to the yen once a limit applies){}",
        grouped(c.patient_yen),
        grouped(c.window_yen),
        if insured {
            format!("; 保険者負担 {}円", grouped(c.insurer_yen))
        } else {
            String::new()
        }
    )?;
    if high {
        writeln!(
            out,
            "  高額療養費 {}円 paid in kind: 一部負担金 {}円 → {}円",
            grouped(c.high_cost_yen),
            grouped(c.copay_before_limit_yen),
            grouped(c.copay_yen)
        )?;
    }
    for f in &c.public_funds {
        let cap = f
            .cap_yen
            .map(|y| format!(", 自己負担上限額 {}円/月", grouped(y)))
            .unwrap_or_default();
        writeln!(
            out,
            "  第{}公費 {} {}: {}点 over {} 日, 公費負担 {}円, 患者負担 {}円{cap}",
            f.priority,
            f.law_number,
            f.name,
            grouped(f.points),
            f.days,
            grouped(f.pays_yen),
            grouped(f.patient_yen)
        )?;
    }
    if let Some(m) = &c.meals {
        writeln!(
            out,
            "  食事療養 標準負担額 {}円 × {} 食: 患者 {}円 (outside the 一部負担金)",
            grouped(m.standard_yen),
            m.count,
            grouped(m.patient_yen)
        )?;
        if let (Some(cost), Some(benefit)) = (m.cost_yen, m.benefit_yen) {
            writeln!(
                out,
                "  食事療養 費用 {}円 − 標準負担額 {}円 = 入院時食事療養費 {}円 (保険者)",
                grouped(cost),
                grouped(m.standard_total_yen),
                grouped(benefit)
            )?;
        }
    }
    if explain {
        for e in &c.explain {
            writeln!(out, "    ↳ {e}")?;
        }
    }
    Ok(())
}

/// The engine of `calc` and `recalc`, through [`EngineBuilder`] (as the C ABI and Python build
/// theirs): the masters of each `--masters` folder (the demo data when none) with `--updates`,
/// `--encoding` and `--complete-prefixes`, the 電子点数表 of each `--etensu [REV=]DIR`, the
/// bundled rules and `--rules` folders, the 多剤投与 rounding, the copayment settings and
/// `--local-schemes` ([`CalcSettings`]). With `revision`, the files are of
/// that revision and it must be among the loaded ones. With `kinds`, only those master kinds
/// are read ([`EngineBuilder::kinds`]).
pub fn build_engine(
    dirs: &[PathBuf],
    load: &LoadArgs,
    etensu: &[String],
    rule_dirs: &[PathBuf],
    revision: Option<&str>,
    settings: &CalcSettings,
    kinds: Option<&[MasterKind]>,
) -> Result<Engine, CliError> {
    let mut builder = settings.apply(
        EngineBuilder::new()
            .encoding(load.encoding.into())
            .complete_prefixes(load.complete_prefixes.iter().cloned()),
    );
    if let Some(u) = &load.updates {
        builder = builder.updates(u);
    }
    if let Some(k) = kinds {
        builder = builder.kinds(k.iter().copied());
    }
    if let Some(r) = revision.or(load.revision.as_deref()) {
        let rev = Revision::parse(r)
            .ok_or_else(|| CliError(format!("unknown revision `{r}` (try r2024-06)")))?;
        builder = builder.revision(rev);
    }
    if dirs.is_empty() {
        eprintln!(
            "santei: using the embedded demo data (not official; pass a folder of official masters)"
        );
        builder = builder.demo();
    }
    for d in dirs {
        eprintln!("santei: loading masters from `{}`", d.display());
        builder = builder.masters(d.as_path());
    }
    for spec in etensu {
        builder = match spec.split_once('=') {
            Some(_) => {
                let (rev, dir) = etensu_spec(spec, &[])?;
                builder.etensu_for(rev, dir)
            }
            None => builder.etensu(spec),
        };
    }
    for d in rule_dirs {
        builder = builder.rules_dir(d);
    }
    let (engine, report) = builder.build_with_report().map_err(|e| match e {
        BuildError::Masters { source, hint, .. } => CliError(format!("{source}{hint}")),
        BuildError::RevisionNotLoaded { revision, .. } => CliError(format!(
            "revision {revision} is not loaded; pass its masters with --masters"
        )),
        BuildError::EtensuAmbiguous { dir, loaded } => CliError(format!(
            "--etensu `{}`: several revisions of masters are loaded ({}); say which the 電子点数表 is for, as REVISION=DIR (e.g. r2024-06={})",
            dir.display(),
            loaded.join(", "),
            dir.display()
        )),
        BuildError::FolderMissing {
            what: "masters folder",
            dir,
        } => CliError(format!(
            "`{}` does not exist (expected a folder of 基本マスター files of one revision, e.g. ../shared/masters/r06)",
            dir.display()
        )),
        BuildError::Etensu { source, hint, .. } => CliError(format!("{source}{hint}")),
        e @ (BuildError::LocalSchemes { .. } | BuildError::LocalSchemesUnreadable { .. }) => {
            CliError(format!("--local-schemes: {e}"))
        }
        other => CliError(other.to_string()),
    })?;
    for w in &report.warnings {
        eprintln!("santei: warning: {w}");
    }
    Ok(engine)
}

/// `--etensu REVISION=DIR`, or `DIR` alone when exactly one revision of masters is loaded.
pub fn etensu_spec<'a>(
    spec: &'a str,
    loaded: &[Revision],
) -> Result<(Revision, &'a str), CliError> {
    match spec.split_once('=') {
        Some((rev, dir)) => {
            let rev = Revision::parse(rev).ok_or_else(|| {
                CliError(format!(
                    "--etensu `{spec}`: unknown revision `{rev}` (write REVISION=DIR, e.g. r2024-06=../shared/etensu/r06)"
                ))
            })?;
            Ok((rev, dir))
        }
        None => match loaded {
            [one] => Ok((*one, spec)),
            _ => {
                let names: Vec<String> = loaded.iter().map(|r| r.to_string()).collect();
                Err(CliError(format!(
                    "--etensu `{spec}`: several revisions of masters are loaded ({}); say which the 電子点数表 is for, as REVISION=DIR (e.g. r2024-06={spec})",
                    names.join(", ")
                )))
            }
        },
    }
}
