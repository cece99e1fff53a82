//! `santei calc`: one claim, a receipt-style table for people or JSON for programs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::masters::Revision;
use santei_engine::{
    BuildError, ClaimResult, Engine, EngineBuilder, PolypharmacyRounding, RecordKind, Severity,
};

use crate::{CliError, Failure, LoadArgs};

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
    explain: bool,
    json: bool,
    polypharmacy: PolypharmacyRounding,
    uke: &UkeArgs,
) -> Result<ExitCode, Failure> {
    let usage = |message: String| Failure {
        code: "usage",
        file: None,
        path: None,
        message,
    };
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
        let engine = build_engine(dirs, load, etensu, rule_dirs, revision, polypharmacy)?;
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
    let engine = build_engine(dirs, load, etensu, rule_dirs, revision, polypharmacy)?;
    let result = engine.calculate_json(bytes).map_err(|e| {
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
        serde_json::to_writer_pretty(&mut out, &result)?;
        writeln!(out)?;
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
                l.code.clone(),
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
        writeln!(
            out,
            "  {} {}点",
            pad(&format!("{} {}", s.section, s.name), label_w),
            rpad(&grouped(s.points), pts_w)
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
        "(+ = added by santei; --explain shows where every number comes from; --json gives all of it)"
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
/// bundled rules and `--rules` folders, the 多剤投与 rounding. With `revision`, the files are of
/// that revision and it must be among the loaded ones.
pub fn build_engine(
    dirs: &[PathBuf],
    load: &LoadArgs,
    etensu: &[String],
    rule_dirs: &[PathBuf],
    revision: Option<&str>,
    polypharmacy_rounding: PolypharmacyRounding,
) -> Result<Engine, CliError> {
    let mut builder = EngineBuilder::new()
        .encoding(load.encoding.into())
        .complete_prefixes(load.complete_prefixes.iter().cloned())
        .polypharmacy_rounding(polypharmacy_rounding);
    if let Some(u) = &load.updates {
        builder = builder.updates(u);
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

/// `--uke FILE` and the facts of the IR record (医療機関情報) a claim does not hold.
#[derive(clap::Args, Clone, Default)]
pub struct UkeArgs {
    /// Write the claims as a UKE (レセプト電算, 医科) file: IR, per claim RE/HO/KO/SY and its
    /// SI/IY/TO/CO lines, GO (engine/src/uke/writer.rs); `-` writes it to standard output. Check
    /// it with `santei recalc FILE`.
    #[arg(long = "uke", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Text encoding of the UKE file (CRLF line ends either way).
    #[arg(long, value_enum, default_value = "cp932", requires = "out")]
    pub uke_encoding: UkeOutEncoding,
    /// IR 医療機関コード (7 digits); default: the claims' `facility.code`.
    #[arg(long, value_name = "CODE", requires = "out")]
    pub facility_code: Option<String>,
    /// IR 都道府県コード (1–47) of the facility.
    #[arg(long, value_name = "1-47", requires = "out")]
    pub prefecture: Option<u8>,
    /// IR 医療機関名称.
    #[arg(long, value_name = "NAME", requires = "out")]
    pub facility_name: Option<String>,
    /// IR 電話番号 (optional).
    #[arg(long, value_name = "PHONE", requires = "out")]
    pub facility_phone: Option<String>,
    /// IR 審査支払機関: `shaho` 社会保険診療報酬支払基金, `kokuho` 国民健康保険団体連合会; default:
    /// from the claims' `insurance.scheme` (社保 → shaho; 国保, 後期高齢者 → kokuho).
    #[arg(long, value_enum, requires = "out")]
    pub payer: Option<PayerArg>,
    /// IR 請求年月 (YYYY-MM); default: the month after the latest 診療年月 of the claims.
    #[arg(long, value_name = "YYYY-MM", requires = "out")]
    pub billing_month: Option<String>,
}

/// `--uke-encoding`.
#[derive(clap::ValueEnum, Clone, Copy, Default, PartialEq, Eq)]
pub enum UkeOutEncoding {
    /// Shift_JIS (CP932), the official encoding.
    #[default]
    Cp932,
    Utf8,
}

/// `--payer`: IR 審査支払機関.
#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum PayerArg {
    /// 1 社会保険診療報酬支払基金 (社保, 生活保護 …).
    Shaho,
    /// 2 国民健康保険団体連合会 (国保, 後期高齢者医療).
    Kokuho,
}

/// The IR facts given as flags, checked before anything is computed.
struct IrFlags {
    prefecture: u8,
    name: String,
    billing_month: Option<santei_engine::uke::YearMonth>,
}

/// `--prefecture`, `--facility-name` and `--billing-month`: every missing or bad one in one
/// message.
fn ir_flags(args: &UkeArgs) -> Result<IrFlags, Failure> {
    let mut problems = Vec::new();
    let prefecture = match args.prefecture {
        Some(p) if (1..=47).contains(&p) => p,
        Some(p) => {
            problems.push(format!(
                "--prefecture {p}: the 都道府県コード is 1–47 (01 北海道 … 13 東京都 … 47 沖縄県)"
            ));
            0
        }
        None => {
            problems.push(
                "pass --prefecture (the 都道府県コード, 1–47, e.g. 13 for 東京都)".to_string(),
            );
            0
        }
    };
    let name = match &args.facility_name {
        Some(n) if !n.trim().is_empty() => n.clone(),
        _ => {
            problems
                .push("pass --facility-name (the 医療機関名称; a claim does not hold it)".into());
            String::new()
        }
    };
    let billing_month = match &args.billing_month {
        Some(s) => {
            let m = parse_month(s);
            if m.is_none() {
                problems.push(format!(
                    "--billing-month `{s}`: expected YYYY-MM, e.g. 2024-08"
                ));
            }
            m
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(Failure {
            code: "usage",
            file: None,
            path: None,
            message: format!(
                "the UKE IR record (医療機関情報, engine/src/uke/writer.rs): {}",
                problems.join("; ")
            ),
        });
    }
    Ok(IrFlags {
        prefecture,
        name,
        billing_month,
    })
}

/// What `write_uke` needs besides the claims and the engine.
struct UkeContext<'a> {
    out: &'a Path,
    args: &'a UkeArgs,
    ir: IrFlags,
    revision: Option<&'a str>,
    json: bool,
    dirs: &'a [PathBuf],
    load: &'a LoadArgs,
    etensu: &'a [String],
    rule_dirs: &'a [PathBuf],
}

/// A claim computed for the file.
struct Computed<'a> {
    input: &'a ClaimInput,
    claim: santei_engine::Claim,
    result: ClaimResult,
}

/// Computes every claim, then writes the file: nothing is written when a claim cannot be computed
/// or written (exit 2, naming it); a claim with a line not billed (an error finding) is written
/// as computed, and the exit code is 1 as for one claim.
fn write_uke(
    claims: &[ClaimInput],
    engine: &Engine,
    ctx: &UkeContext<'_>,
) -> Result<ExitCode, Failure> {
    use santei_engine::uke::{FacilityHeader, UkeWriter, YearMonth};
    let out_name = ctx.out.display().to_string();
    let nothing = format!("nothing written to `{out_name}`");
    let mut computed = Vec::with_capacity(claims.len());
    for c in claims {
        let fail = |e: santei_engine::ClaimError| {
            let (path, message) = claim_error_text(&c.name, &e);
            Failure {
                code: e.code,
                file: Some(c.name.clone()),
                path,
                message: format!("{message}; {nothing}"),
            }
        };
        let claim = Engine::parse_claim(&c.bytes).map_err(fail)?;
        let result = engine.calculate(&claim).map_err(fail)?;
        if let Some(r) = ctx.revision {
            if Revision::parse(r).map(|r| r.id) != Some(result.revision) {
                return Err(Failure {
                    code: "claim.revision",
                    file: Some(c.name.clone()),
                    path: None,
                    message: format!(
                        "`{}`: the claim's dates fall in {}, not {r} (--revision); {nothing}",
                        c.name, result.revision
                    ),
                });
            }
        }
        computed.push(Computed {
            input: c,
            claim,
            result,
        });
    }
    let header = FacilityHeader {
        payer: ir_payer(ctx.args.payer, &computed)?,
        prefecture: ctx.ir.prefecture,
        code: ir_code(ctx.args.facility_code.as_deref(), &computed)?,
        name: ctx.ir.name.clone(),
        billing_month: match ctx.ir.billing_month {
            Some(m) => m,
            None => {
                let latest = computed
                    .iter()
                    .filter_map(|c| c.claim.visits.iter().map(|v| v.date).min())
                    .max()
                    .unwrap_or(santei_engine::masters::Date::MIN);
                let (y, m) = (latest.year(), latest.month());
                if m == 12 {
                    YearMonth {
                        year: y + 1,
                        month: 1,
                    }
                } else {
                    YearMonth {
                        year: y,
                        month: m + 1,
                    }
                }
            }
        },
        phone: ctx.args.facility_phone.clone().unwrap_or_default(),
    };
    let encoding = match ctx.args.uke_encoding {
        UkeOutEncoding::Cp932 => santei_engine::masters::Encoding::Cp932,
        UkeOutEncoding::Utf8 => santei_engine::masters::Encoding::Utf8,
    };
    let mut w = UkeWriter::new(Vec::new(), &header, encoding)
        .map_err(|e| CliError(format!("UKE IR record: {e}; {nothing}")))?;
    for (i, c) in computed.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        w.write_receipt(number, &c.claim, &c.result).map_err(|e| Failure {
            code: "uke.write",
            file: Some(c.input.name.clone()),
            path: None,
            message: format!(
                "`{}` cannot be written as a UKE receipt: {e} (engine/src/uke/writer.rs); {nothing}",
                c.input.name
            ),
        })?;
    }
    let (cases, points) = w.totals();
    let receipts = w.receipts();
    let bytes = w.finish()?;
    if ctx.out == Path::new("-") {
        std::io::stdout().lock().write_all(&bytes)?;
    } else {
        std::fs::write(ctx.out, &bytes)
            .map_err(|e| CliError(format!("cannot write `{out_name}`: {}", io_reason(&e))))?;
    }
    let errors: Vec<&Computed<'_>> = computed
        .iter()
        .filter(|c| {
            c.result
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error)
        })
        .collect();
    let encoding_name = match ctx.args.uke_encoding {
        UkeOutEncoding::Cp932 => "CP932",
        UkeOutEncoding::Utf8 => "UTF-8",
    };
    if ctx.json {
        let rows: Vec<serde_json::Value> = computed
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let count =
                    |s: Severity| c.result.findings.iter().filter(|f| f.severity == s).count();
                serde_json::json!({
                    "number": i + 1,
                    "claim": c.input.name,
                    "revision": c.result.revision,
                    "total_points": c.result.total_points,
                    "errors": count(Severity::Error),
                    "warnings": count(Severity::Warning),
                })
            })
            .collect();
        let v = serde_json::json!({"uke": {
            "file": out_name,
            "encoding": encoding_name,
            "facility_code": header.code,
            "billing_month": format!("{:04}-{:02}", header.billing_month.year, header.billing_month.month),
            "receipts": rows,
            "total_cases": cases,
            "total_points": points,
        }});
        let mut o = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut o, &v)?;
        writeln!(o)?;
    } else {
        // The summary goes where the file does not.
        let mut text = String::new();
        summary_text(
            &mut text,
            &computed,
            &header,
            ctx,
            encoding_name,
            receipts,
            cases,
            points,
        );
        if ctx.out == Path::new("-") {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The table of receipts written, the GO totals and the `santei recalc` command that checks it.
#[allow(clippy::too_many_arguments)]
fn summary_text(
    t: &mut String,
    computed: &[Computed<'_>],
    header: &santei_engine::uke::FacilityHeader,
    ctx: &UkeContext<'_>,
    encoding: &str,
    receipts: u64,
    cases: u64,
    points: i64,
) {
    use std::fmt::Write as _;
    let rows: Vec<[String; 5]> = computed
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let first = c.claim.visits.iter().map(|v| v.date).min();
            let count = |s: Severity| c.result.findings.iter().filter(|f| f.severity == s).count();
            let (e, w) = (count(Severity::Error), count(Severity::Warning));
            let mut findings = Vec::new();
            if e > 0 {
                findings.push(format!("{e} error(s): a line not billed"));
            }
            if w > 0 {
                findings.push(format!("{w} warning(s)"));
            }
            [
                (i + 1).to_string(),
                c.input.name.clone(),
                first.map_or(String::new(), |d| {
                    format!("{:04}-{:02}", d.year(), d.month())
                }),
                format!("{}点", grouped(c.result.total_points)),
                findings.join(", "),
            ]
        })
        .collect();
    let header_row = ["番号", "claim", "診療年月", "合計点数", "findings"];
    let mut widths = header_row.map(width);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c));
        }
    }
    let render = |cells: [&str; 5]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 || i == 3 {
                    rpad(c, w)
                } else {
                    pad(c, w)
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let _ = writeln!(t, "{}", render(header_row));
    for r in &rows {
        let _ = writeln!(t, "{}", render(r.each_ref().map(String::as_str)));
    }
    let target = if ctx.out == Path::new("-") {
        "the UKE file to standard output".to_string()
    } else {
        format!("`{}`", ctx.out.display())
    };
    let _ = writeln!(
        t,
        "\nwrote {target}: {receipts} receipt(s), IR 医療機関コード {} 都道府県 {:02} 請求年月 {:04}-{:02}, GO 総件数 {cases} 総合計点数 {}点 ({encoding}, CRLF)",
        header.code,
        header.prefecture,
        header.billing_month.year,
        header.billing_month.month,
        grouped(points)
    );
    let errors = computed
        .iter()
        .filter(|c| {
            c.result
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error)
        })
        .count();
    if errors > 0 {
        let _ = writeln!(
            t,
            "{errors} claim(s) with a line not billed (error findings): written as computed, exit code 1"
        );
        for c in computed {
            for f in c
                .result
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
            {
                let _ = writeln!(
                    t,
                    "  {} [error] {} at {}: {}",
                    c.input.name, f.rule, f.path, f.message
                );
            }
        }
    }
    if ctx.out != Path::new("-") {
        let _ = writeln!(t, "check it: {}", recalc_command(ctx, computed));
    }
}

/// The `santei recalc` command that checks the file with the same masters, rules and facility.
fn recalc_command(ctx: &UkeContext<'_>, computed: &[Computed<'_>]) -> String {
    let mut cmd = format!(
        "santei recalc {}",
        shell_word(&ctx.out.display().to_string())
    );
    for d in ctx.dirs {
        cmd.push_str(&format!(
            " --masters {}",
            shell_word(&d.display().to_string())
        ));
    }
    if let Some(u) = &ctx.load.updates {
        cmd.push_str(&format!(
            " --updates {}",
            shell_word(&u.display().to_string())
        ));
    }
    if !ctx.load.complete_prefixes.is_empty() {
        cmd.push_str(&format!(
            " --complete-prefixes {}",
            ctx.load.complete_prefixes.join(",")
        ));
    }
    for e in ctx.etensu {
        cmd.push_str(&format!(" --etensu {}", shell_word(e)));
    }
    for r in ctx.rule_dirs {
        cmd.push_str(&format!(
            " --rules {}",
            shell_word(&r.display().to_string())
        ));
    }
    // The facility facts the rules ask about, when every claim gives the same.
    if let Some(first) = computed.first() {
        let f = &first.claim.facility;
        if computed.iter().all(|c| {
            c.claim.facility.kind == f.kind
                && c.claim.facility.beds == f.beds
                && c.claim.facility.standards == f.standards
        }) {
            if f.kind == santei_engine::claim::FacilityKind::Hospital {
                cmd.push_str(" --hospital");
            }
            if f.beds > 0 {
                cmd.push_str(&format!(" --beds {}", f.beds));
            }
            for s in &f.standards {
                cmd.push_str(&format!(" --standard {s}"));
            }
        }
    }
    cmd
}

/// A path as one shell word (quoted when it holds anything but plain characters).
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-=+,:".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `YYYY-MM` (or `YYYYMM`).
fn parse_month(s: &str) -> Option<santei_engine::uke::YearMonth> {
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    if digits.len() != 6 || (s.len() == 7 && s.as_bytes()[4] != b'-') || !(6..=7).contains(&s.len())
    {
        return None;
    }
    santei_engine::uke::YearMonth::parse(&digits)
}

/// IR 医療機関コード: `--facility-code`, else the `facility.code` every claim gives.
fn ir_code(flag: Option<&str>, computed: &[Computed<'_>]) -> Result<String, Failure> {
    let valid = |c: &str| c.len() == 7 && c.bytes().all(|b| b.is_ascii_digit());
    for c in computed {
        if let Some(code) = &c.claim.facility.code {
            match flag {
                Some(f) if f != code => {
                    return Err(Failure {
                        code: "usage",
                        file: Some(c.input.name.clone()),
                        path: Some("facility.code".into()),
                        message: format!(
                            "`{}` is of 医療機関コード {code} (facility.code), not {f} (--facility-code): one UKE file is one facility's",
                            c.input.name
                        ),
                    });
                }
                _ => {}
            }
        }
    }
    let code = match flag {
        Some(f) => f.to_string(),
        None => {
            let mut codes = computed
                .iter()
                .filter_map(|c| c.claim.facility.code.as_ref().map(|k| (c, k)));
            let Some((_, first)) = codes.next() else {
                return Err(Failure::from(CliError(
                    "the UKE IR record needs the 医療機関コード: give facility.code in the claims or pass --facility-code (7 digits)".into(),
                )));
            };
            if let Some((c, other)) = codes.find(|(_, k)| *k != first) {
                return Err(Failure {
                    code: "usage",
                    file: Some(c.input.name.clone()),
                    path: Some("facility.code".into()),
                    message: format!(
                        "the claims are of two facilities, 医療機関コード {first} and {other} (`{}`): one UKE file is one facility's",
                        c.input.name
                    ),
                });
            }
            first.clone()
        }
    };
    if !valid(&code) {
        return Err(Failure::from(CliError(format!(
            "医療機関コード `{code}`: the IR record takes the 7-digit code (点数表 and 都道府県 are separate fields)"
        ))));
    }
    Ok(code)
}

/// IR 審査支払機関: `--payer`, else from the claims: 社保 → 1 支払基金, 国保 and 後期高齢者 → 2
/// 国保連 (公費単独 claims do not decide).
fn ir_payer(flag: Option<PayerArg>, computed: &[Computed<'_>]) -> Result<u8, Failure> {
    use santei_engine::claim::Scheme;
    if let Some(p) = flag {
        return Ok(match p {
            PayerArg::Shaho => 1,
            PayerArg::Kokuho => 2,
        });
    }
    let mut found: Option<(u8, &str)> = None;
    for c in computed {
        let payer = match c.claim.insurance.scheme {
            Some(Scheme::Shaho) => 1,
            Some(Scheme::Kokuho | Scheme::Kouki) => 2,
            None => continue,
        };
        match found {
            None => found = Some((payer, &c.input.name)),
            Some((p, first)) if p != payer => {
                return Err(Failure::from(CliError(format!(
                    "`{first}` goes to the {} and `{}` to the {}: one UKE file goes to one 審査支払機関; write one file per payer, or pass --payer",
                    payer_name(p),
                    c.input.name,
                    payer_name(payer)
                ))));
            }
            _ => {}
        }
    }
    found.map(|(p, _)| p).ok_or_else(|| {
        Failure::from(CliError(
            "no claim gives insurance.scheme, so the 審査支払機関 of the IR record is unknown: pass --payer shaho (支払基金) or --payer kokuho (国保連)".into(),
        ))
    })
}

fn payer_name(p: u8) -> &'static str {
    if p == 1 {
        "社会保険診療報酬支払基金 (社保)"
    } else {
        "国民健康保険団体連合会 (国保, 後期高齢者)"
    }
}
