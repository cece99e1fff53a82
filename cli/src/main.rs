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
mod masters_cmd;

// mimalloc: `santei recalc --jobs N` allocates per receipt on every thread, and the system
// allocator's arena locking cost 15–20% of the 2-thread throughput (benches/benches/uke.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
mod recalc_cmd;
mod rules_cmd;

#[derive(Parser)]
#[command(
    name = "santei",
    version,
    about = "santei: 医科診療報酬 calculation on the official masters",
    after_help = "Exit codes: 0 success, 1 not found / error findings / differences, 2 error.\n\
                  Without --masters, santei uses its embedded demo data (a hand-picked subset of the r06 masters)."
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
    /// Compute a claim (santei.claim/1 JSON; `-` reads stdin).
    Calc {
        /// The claim file. `--revision` (below) checks that the claim falls in that revision.
        file: PathBuf,
        /// Folder(s) of official master files, one per revision; the demo data when omitted.
        #[arg(long = "masters")]
        masters: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        /// 医科電子点数表 folder(s) to apply, as `REVISION=DIR` (e.g. r2024-06=../shared/etensu/r06).
        #[arg(long = "etensu")]
        etensu: Vec<String>,
        /// Extra folders of `.rules` files (each file declares its revision).
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
        /// Show where every number comes from.
        #[arg(long)]
        explain: bool,
        /// Machine-readable output (santei.result/1).
        #[arg(long)]
        json: bool,
        /// The unit the F200 注3 多剤投与 90/100 is rounded over (not settled by the 通知; see
        /// docs/RULEBOOK Part 4): once over the 処方's 内服薬 (default) or per 剤.
        #[arg(long, value_enum, default_value = "prescription")]
        polypharmacy_rounding: calc_cmd::PolypharmacyUnit,
    },
    /// Recalculate UKE (レセプト電算) files receipt by receipt and report every difference.
    Recalc {
        /// UKE files (医科); `-` reads standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Folder(s) of official master files, one per revision (chosen by 診療年月).
        #[arg(long = "masters")]
        masters: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: recalc_cmd::Format,
        /// Text encoding of the UKE files.
        #[arg(long, value_enum, default_value = "auto")]
        uke_encoding: recalc_cmd::UkeEncoding,
        /// 医科電子点数表 folder(s) whose rules to check, as `REVISION=DIR`.
        #[arg(long = "etensu")]
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
    Check {
        /// A `.rules` file or a folder of them.
        path: PathBuf,
        /// Folder of official master files; the demo data when omitted.
        #[arg(long)]
        masters: Option<PathBuf>,
        /// 医科電子点数表 folder to compile in as well.
        #[arg(long)]
        etensu: Option<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        json: bool,
    },
    /// Print a rule file in canonical layout (`--check`: exit 1 if it is not).
    Fmt {
        file: PathBuf,
        #[arg(long)]
        check: bool,
    },
    /// Every rule that mentions a code, and where it came from.
    Explain {
        code: String,
        /// Extra rule folders (the bundled rules are always included).
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
        #[arg(long)]
        masters: Option<PathBuf>,
        #[arg(long)]
        etensu: Option<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
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
}

#[derive(clap::Args, Clone)]
pub struct LoadArgs {
    /// Folder of published change files (s_20240621.csv …) to apply in date order.
    #[arg(long)]
    updates: Option<PathBuf>,
    /// Text encoding of the files.
    #[arg(long, value_enum, default_value = "cp932")]
    encoding: EncodingArg,
    /// Revision (r2024-06, r06 …) of the files when it should not be inferred from them; for
    /// `calc`, also a check that the claim's dates fall in it.
    #[arg(long)]
    revision: Option<String>,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
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
        },
        Command::Calc {
            file,
            masters,
            load,
            etensu,
            rules,
            explain,
            json,
            polypharmacy_rounding,
        } => calc_cmd::calc(
            &file,
            load.revision.clone().as_deref(),
            &masters,
            &load,
            &etensu,
            &rules,
            explain,
            json,
            polypharmacy_rounding.into(),
        ),
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
        }),
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
        },
        Command::Schema => serde_json::to_string_pretty(&santei_engine::claim_schema())
            .map(|s| {
                println!("{s}");
                ExitCode::SUCCESS
            })
            .map_err(CliError::from),
        Command::Etensu {
            command:
                EtensuCommand::Info {
                    dir,
                    encoding,
                    json,
                },
        } => masters_cmd::etensu_info(&dir, encoding, json),
    };
    match result {
        Ok(code) => code,
        Err(CliError(msg)) => {
            eprintln!("santei: error: {msg}");
            ExitCode::from(2)
        }
    }
}
