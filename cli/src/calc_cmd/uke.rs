//! `santei calc --uke FILE`: the claims computed and written as one UKE (レセプト電算) file with
//! `santei_engine::uke::UkeWriter`, the IR facts taken from the claims or the flags.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use santei_engine::masters::Revision;
use santei_engine::{ClaimResult, Engine, Severity};

use super::{ClaimInput, claim_error_text, grouped, io_reason, pad, rpad, width};
use crate::{CliError, Failure, LoadArgs};

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
pub(super) struct IrFlags {
    prefecture: u8,
    name: String,
    billing_month: Option<santei_engine::uke::YearMonth>,
}

/// `--prefecture`, `--facility-name` and `--billing-month`: every missing or bad one in one
/// message.
pub(super) fn ir_flags(args: &UkeArgs) -> Result<IrFlags, Failure> {
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
pub(super) struct UkeContext<'a> {
    pub(super) out: &'a Path,
    pub(super) args: &'a UkeArgs,
    pub(super) ir: IrFlags,
    pub(super) revision: Option<&'a str>,
    pub(super) json: bool,
    pub(super) dirs: &'a [PathBuf],
    pub(super) load: &'a LoadArgs,
    pub(super) etensu: &'a [String],
    pub(super) rule_dirs: &'a [PathBuf],
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
pub(super) fn write_uke(
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
        // The receipt file carries no explanation: none is built.
        let result = engine
            .calculate_with(&claim, santei_engine::CalcOptions { explain: false })
            .map_err(fail)?;
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
