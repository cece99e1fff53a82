//! `santei`: the command line of santei.
//!
//! Exit codes: 0 success; 1 the command ran but found nothing or found problems (`masters show`
//! of an unknown code; `calc` with error findings: a line not billed); 2 an error (bad
//! arguments, unreadable or malformed input, a claim that cannot be judged).
//! Results go to stdout; progress, warnings and errors go to stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod calc_cmd;
mod diff_cmd;
mod masters_cmd;

// mimalloc: `santei recalc --jobs N` allocates per receipt on every thread, and the system
// allocator's arena locking cost 15–20% of the 2-thread throughput (benches/benches/uke.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
mod recalc_cmd;
mod rules_cmd;
mod serve_cmd;
mod settings;
mod tsusoku_cmd;

#[derive(Parser)]
#[command(
    name = "santei",
    version,
    about = "santei: 医科診療報酬 calculation on the official masters",
    after_help = "Output: a table for people by default; `--json` for programs (calc: santei.result/1, \
docs/CLAIM_FORMAT.md; masters, rules, etensu: the same facts as JSON); recalc: `--format table|csv|json` \
(json = JSON Lines, one object per receipt and a summary).\n\
Errors: `santei: error: …` on stderr; with `--json` (or recalc `--format json`) one JSON object on stdout \
instead, {\"error\": {\"code\", \"file\", \"path\", \"message\"}} (path: the claim path, e.g. \
visits[0].items[2]).\n\
Exit codes: 0 success, 1 not found / error findings / differences, 2 error.\n\
Without --masters, santei uses its embedded demo data (a hand-picked subset of the official masters).\n\
Getting the binary: `cargo install --path cli` (then `santei …`), or `cargo build --release` and \
target/release/santei."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect the 基本マスター.
    Masters {
        #[command(subcommand)]
        command: MastersCommand,
    },
    /// Compute a claim (santei.claim/1 JSON; `-` reads stdin): points, 窓口負担, findings; or
    /// write claims as a UKE file (`--uke FILE`).
    #[command(mut_arg("revision", |a| a.help(
        "Revision (r2024-06, r06 …) of the --masters files when it should not be inferred from them; \
         also a check that the claim's dates fall in it (exit 2 if not)"
    )))]
    Calc {
        /// The claim file(s): a santei.claim/1 JSON object, a JSON array of claims or JSON lines
        /// (one claim per line). Several claims are computed into one UKE file with --uke.
        /// `--revision` (below) checks that each claim falls in that revision.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        engine: EngineArgs,
        /// Show where every number comes from (with --json: the `explain` of every line and
        /// amount; without it they are not built, which is faster). `--explain=data` (with
        /// --json) writes each explanation as an object, its `kind` and fields (codes, points,
        /// roundings, citations), instead of its text.
        #[arg(
            long,
            value_enum,
            num_args = 0..=1,
            require_equals = true,
            default_missing_value = "text",
            value_name = "FORM"
        )]
        explain: Option<calc_cmd::ExplainArg>,
        /// Machine-readable output (santei.result/1, docs/CLAIM_FORMAT.md); errors as JSON too.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        rounding: RoundingArgs,
        #[command(flatten)]
        copay: settings::CopayArgs,
        #[command(flatten)]
        uke: calc_cmd::UkeArgs,
    },
    /// Serve the calculation API (/v1, OpenAPI at /openapi.json) and the review page (/) over
    /// HTTP, with the engine built once from the same flags as `calc`. Binds 127.0.0.1; put TLS
    /// in a reverse proxy. SIGHUP (or POST /v1/admin/reload with --admin-token) reloads the
    /// masters and rules; SIGTERM stops after the requests in flight.
    #[command(mut_arg("revision", |a| a.help(
        "Revision (r2024-06, r06 …) of the --masters files when it should not be inferred from them"
    )))]
    Serve(serve_cmd::ServeArgs),
    /// Recalculate UKE (レセプト電算) files receipt by receipt and report every difference.
    #[command(mut_arg("revision", |a| a.help(
        "Revision (r2024-06, r06 …) of the --masters files when it should not be inferred from them \
         (each receipt is checked with the masters of its 診療年月)"
    )))]
    Recalc {
        /// UKE files (医科); `-` reads standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Folder(s) of official master files, one per revision (chosen by 診療年月).
        #[arg(long = "masters")]
        masters: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        /// Output: `table` for people, `csv` (one row per check; the summary on stderr), `json`
        /// (JSON Lines: one object per receipt, GO and error, then a summary; errors as JSON too).
        #[arg(long, value_enum, default_value = "table")]
        format: recalc_cmd::Format,
        /// Text encoding of the UKE files.
        #[arg(long, value_enum, default_value = "auto")]
        uke_encoding: recalc_cmd::UkeEncoding,
        /// 医科電子点数表 folder(s) whose rules to check: `REVISION=DIR` (e.g.
        /// r2024-06=../shared/etensu/r06), or just `DIR` when one revision is loaded.
        #[arg(long = "etensu", value_name = "[REVISION=]DIR")]
        etensu: Vec<String>,
        /// Extra folders of `.rules` files (each file declares its revision).
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
        /// Check points and totals only, not the rules (背反, 包括, 算定回数).
        #[arg(long)]
        no_rules: bool,
        #[command(flatten)]
        facility: recalc_cmd::FacilityArgs,
        /// Worker threads (default: every core).
        #[arg(long, short = 'j')]
        jobs: Option<usize>,
        /// Progress bar on stderr: `auto` when stderr is a terminal.
        #[arg(long, value_enum, default_value = "auto")]
        progress: recalc_cmd::ProgressArg,
    },
    /// Check, format and explain rule files.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Print the JSON Schema of the claim format.
    Schema,
    /// Inspect the 医科電子点数表.
    Etensu {
        #[command(subcommand)]
        command: EtensuCommand,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Parse and compile rule files against the masters; print every diagnostic (exit 1 on errors).
    #[command(mut_arg("revision", |a| a.help(
        "Revision (r2024-06, r06 …) of the --masters files when it should not be inferred from them"
    )))]
    Check {
        /// A `.rules` file or a folder of them (docs/RULES.md).
        path: PathBuf,
        /// Folder of official master files (one revision); the demo data when omitted.
        #[arg(long)]
        masters: Option<PathBuf>,
        /// 医科電子点数表 folder to compile in as well: `DIR`, or `REVISION=DIR` (the
        /// revision must be the one of --masters).
        #[arg(long, value_name = "[REVISION=]DIR")]
        etensu: Option<String>,
        #[command(flatten)]
        load: LoadArgs,
        /// Machine-readable output (counts and every diagnostic); errors as JSON too.
        #[arg(long)]
        json: bool,
    },
    /// Print a rule file in canonical layout, or with `--check` exit 1 if it is not in it.
    Fmt {
        /// The `.rules` file.
        file: PathBuf,
        /// Print nothing; exit 0 when the file is in canonical layout, 1 when it is not.
        #[arg(long)]
        check: bool,
    },
    /// Every rule that mentions a 診療行為 code (bundled rules, --rules, --etensu), with its id,
    /// kind, origin and 告示/通知 citation; exit 1 when none does.
    #[command(mut_arg("revision", |a| a.help(
        "Revision (r2024-06, r06 …) of the --masters files when it should not be inferred from them"
    )))]
    Explain {
        /// 診療行為コード (9 digits), e.g. 160171310.
        code: String,
        /// Extra rule folders (the bundled rules of the revision are always included).
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
        /// Folder of official master files (one revision); the demo data when omitted.
        #[arg(long)]
        masters: Option<PathBuf>,
        /// 医科電子点数表 folder whose rules to include: `DIR`, or `REVISION=DIR` (the revision of
        /// --masters).
        #[arg(long, value_name = "[REVISION=]DIR")]
        etensu: Option<String>,
        #[command(flatten)]
        load: LoadArgs,
        /// Machine-readable output (the rules as JSON); errors as JSON too.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum EtensuCommand {
    /// Per table: file, rows and load time; warnings for missing optional tables.
    Info {
        /// Folder holding the extracted 電子点数表 CSVs (or its zip).
        dir: PathBuf,
        /// Text encoding of the files.
        #[arg(long, value_enum, default_value = "cp932")]
        encoding: EncodingArg,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum MastersCommand {
    /// Per kind: file, row count, date range and load time.
    Info {
        /// Folder of official master files (s_ALL*.zip …); the embedded demo data when omitted.
        dir: Option<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// One item with every named column, as valid on a date.
    Show {
        /// 診療行為/医薬品/特定器材/コメント code (9 digits), 傷病名 (7) or 修飾語 (4).
        code: String,
        /// Date of care (YYYY-MM-DD); picks the revision and the version valid that day. Default: today.
        #[arg(long)]
        date: Option<String>,
        /// Folder(s) of official master files, one per revision; the demo data when omitted.
        #[arg(long = "masters")]
        masters: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        /// Show every column, including empty and zero ones.
        #[arg(long)]
        all: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Find codes by part of their 名称 or カナ名称.
    ///
    /// Kana and letters match in either width, ひらがな as カタカナ; prints code, name, points or
    /// price, valid dates and revision. Exit 1 when nothing matches.
    Search {
        /// Part of the name, e.g. 初診, しょしん, ｶﾛﾅｰﾙ, ＣＴ.
        text: String,
        /// Only items valid on this date (YYYY-MM-DD), in the revision in force that day. Default:
        /// every item of the newest loaded revision, with its dates.
        #[arg(long)]
        date: Option<String>,
        /// Only this master: s 診療行為, y 医薬品, t 特定器材, c コメント, b 傷病名, z 修飾語.
        #[arg(long, value_parser = ["s", "y", "t", "c", "b", "z"])]
        kind: Option<String>,
        /// Folder(s) of official master files, one per revision; the demo data when omitted.
        #[arg(long = "masters")]
        masters: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        /// At most this many items (0: all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// What changed between two revisions' masters (改定差分): per kind, the codes added,
    /// abolished, renamed, with new points or prices, with other columns changed; counts first.
    Diff(diff_cmd::DiffArgs),
    /// Coverage of the 通則 additions: per 部 (検査, 画像診断, 注射, リハビリテーション, 処置, 手術,
    /// 麻酔), each %加算/%減算 and 通則 row of the 医科診療行為マスター and whether santei derives it
    /// (engine/src/tsusoku/), derives it through a 年齢加算 link, or bills it only when claimed.
    Tsusoku {
        /// Date (YYYY-MM-DD): the revision in force and the rows valid that day. Default: the
        /// newest loaded revision's first day.
        #[arg(long)]
        date: Option<String>,
        /// Folder(s) of official master files; the demo data when omitted.
        #[arg(long = "masters")]
        masters: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        /// Also list the rows billed only when claimed.
        #[arg(long)]
        all: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

/// The flags that say which masters, 電子点数表 and rules an engine is built from (`calc`,
/// `serve`).
#[derive(clap::Args, Clone)]
pub struct EngineArgs {
    /// Folder(s) of official master files, one per revision; the demo data when omitted.
    #[arg(long = "masters")]
    pub masters: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// 医科電子点数表 folder(s) to apply: `REVISION=DIR` (e.g. r2024-06=../shared/etensu/r06), or
    /// just `DIR` when one revision is loaded.
    #[arg(long = "etensu", value_name = "[REVISION=]DIR")]
    pub etensu: Vec<String>,
    /// Extra folders of `.rules` files (each file declares its revision).
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
}

/// `--polypharmacy-rounding` (`calc`, `serve`).
#[derive(clap::Args, Clone)]
pub struct RoundingArgs {
    /// The unit the F200 注3 多剤投与 90/100 is rounded over (the 通知 F200 (6) does not settle it;
    /// finding DRG-303 says which was used): once over the 処方's 内服薬 (default) or per 剤.
    #[arg(long, value_enum, default_value = "prescription")]
    pub polypharmacy_rounding: calc_cmd::PolypharmacyUnit,
}

#[derive(clap::Args, Clone)]
pub struct LoadArgs {
    /// Folder of published change files (s_20240621.csv …) to apply in date order.
    #[arg(long)]
    updates: Option<PathBuf>,
    /// Text encoding of the files.
    #[arg(long, value_enum, default_value = "cp932")]
    encoding: EncodingArg,
    /// Revision (r2024-06, r06 …) of the files when it should not be inferred from them.
    #[arg(long)]
    revision: Option<String>,
    /// For an excerpt of the masters (a file named like `s_excerpt_ALL20261001.csv`): the
    /// 医科診療行為 code prefixes it holds completely, e.g. `111,112,113,120,130`. A code of
    /// another prefix that the excerpt lacks is reported as not verifiable, never as unknown.
    #[arg(long, value_delimiter = ',', value_name = "PREFIX,...")]
    complete_prefixes: Vec<String>,
}

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum EncodingArg {
    Cp932,
    Utf8,
}

impl From<EncodingArg> for santei_engine::masters::Encoding {
    fn from(e: EncodingArg) -> Self {
        match e {
            EncodingArg::Cp932 => santei_engine::masters::Encoding::Cp932,
            EncodingArg::Utf8 => santei_engine::masters::Encoding::Utf8,
        }
    }
}

/// An error for the user: message on stderr, exit code 2.
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// An error with what it is about: a stable code (`claim.json`, `claim.value` … of the engine,
/// `usage`, `error` for the rest), the file and the claim path. With `--json` it is printed as
/// `{"error": {"code", "file", "path", "message"}}` on stdout; otherwise as text on stderr.
pub struct Failure {
    pub code: &'static str,
    pub file: Option<String>,
    pub path: Option<String>,
    pub message: String,
}

impl From<CliError> for Failure {
    fn from(CliError(message): CliError) -> Self {
        Failure {
            code: "error",
            file: None,
            path: None,
            message,
        }
    }
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::from(CliError(e.to_string()))
    }
}

impl Failure {
    fn report(&self, json: bool) {
        if json {
            let v = serde_json::json!({"error": {
                "code": self.code, "file": self.file, "path": self.path, "message": self.message,
            }});
            println!("{v}");
        } else {
            eprintln!("santei: error: {}", self.message);
        }
    }
}

impl Command {
    /// Whether the user asked for machine-readable output, so errors are JSON too.
    fn json(&self) -> bool {
        match self {
            Command::Calc { json, .. } => *json,
            Command::Recalc { format, .. } => *format == recalc_cmd::Format::Json,
            Command::Masters { command } => match command {
                MastersCommand::Info { json, .. }
                | MastersCommand::Show { json, .. }
                | MastersCommand::Search { json, .. }
                | MastersCommand::Tsusoku { json, .. } => *json,
                MastersCommand::Diff(args) => args.json(),
                #[allow(unreachable_patterns)]
                _ => false,
            },
            Command::Rules { command } => match command {
                RulesCommand::Check { json, .. } | RulesCommand::Explain { json, .. } => *json,
                RulesCommand::Fmt { .. } => false,
            },
            Command::Etensu {
                command: EtensuCommand::Info { json, .. },
            } => *json,
            Command::Schema | Command::Serve(_) => false,
        }
    }
}

/// Whether the raw arguments ask for JSON (for errors found before the arguments parse).
fn args_ask_json() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--json" || a == "--format=json")
        || args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() && args_ask_json() => {
            let message = e.to_string();
            let first = message.lines().next().unwrap_or_default();
            Failure {
                code: "usage",
                file: None,
                path: None,
                message: first.trim_start_matches("error: ").to_string(),
            }
            .report(true);
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    let json = cli.command.json();
    let result: Result<ExitCode, Failure> = match cli.command {
        Command::Masters { command } => match command {
            MastersCommand::Info { dir, load, json } => masters_cmd::info(dir, &load, json),
            MastersCommand::Show {
                code,
                date,
                masters,
                load,
                all,
                json,
            } => masters_cmd::show(&code, date.as_deref(), &masters, &load, all, json),
            MastersCommand::Search {
                text,
                date,
                kind,
                masters,
                load,
                limit,
                json,
            } => masters_cmd::search(masters_cmd::SearchArgs {
                text: &text,
                date: date.as_deref(),
                kind: kind.as_deref(),
                dirs: &masters,
                load: &load,
                limit,
                json,
            }),
            MastersCommand::Diff(args) => diff_cmd::run(&args),
            MastersCommand::Tsusoku {
                date,
                masters,
                load,
                all,
                json,
            } => tsusoku_cmd::run(date.as_deref(), &masters, &load, all, json),
        }
        .map_err(Failure::from),
        Command::Calc {
            files,
            engine,
            explain,
            json,
            rounding,
            copay,
            uke,
        } => calc_cmd::calc(
            &files,
            engine.load.revision.clone().as_deref(),
            &engine.masters,
            &engine.load,
            &engine.etensu,
            &engine.rules,
            explain.map(Into::into),
            json,
            &copay.settings(rounding.polypharmacy_rounding.into()),
            &uke,
        ),
        Command::Serve(args) => serve_cmd::serve(args).map_err(Failure::from),
        Command::Recalc {
            files,
            masters,
            load,
            format,
            uke_encoding,
            etensu,
            rules,
            no_rules,
            facility,
            jobs,
            progress,
        } => recalc_cmd::recalc(recalc_cmd::Args {
            files: &files,
            dirs: &masters,
            load: &load,
            format,
            encoding: uke_encoding,
            etensu: &etensu,
            rule_dirs: &rules,
            no_rules,
            facility,
            jobs,
            progress,
        })
        .map_err(Failure::from),
        Command::Rules { command } => match command {
            RulesCommand::Check {
                path,
                masters,
                etensu,
                load,
                json,
            } => rules_cmd::check(&path, masters.as_deref(), etensu.as_deref(), &load, json),
            RulesCommand::Fmt { file, check } => rules_cmd::fmt(&file, check),
            RulesCommand::Explain {
                code,
                rules,
                masters,
                etensu,
                load,
                json,
            } => rules_cmd::explain(
                &code,
                &rules,
                masters.as_deref(),
                etensu.as_deref(),
                &load,
                json,
            ),
        }
        .map_err(Failure::from),
        Command::Schema => serde_json::to_string_pretty(&santei_engine::claim_schema())
            .map(|s| {
                println!("{s}");
                ExitCode::SUCCESS
            })
            .map_err(Failure::from),
        Command::Etensu {
            command:
                EtensuCommand::Info {
                    dir,
                    encoding,
                    json,
                },
        } => masters_cmd::etensu_info(&dir, encoding, json).map_err(Failure::from),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            f.report(json);
            ExitCode::from(2)
        }
    }
}
