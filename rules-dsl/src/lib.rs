//! santei-rules-dsl: the rule language of santei. Text → typed tree with spans ([`parse`]) →
//! checked and compiled against the masters of a revision ([`compile_files`], [`compile_etensu`])
//! → a [`RuleSet`] indexed by trigger code → [`RuleSet::evaluate`] on a claim's items. Rule
//! outcomes are data (drop, warn, add, with the rule and why), never errors. See docs/RULES.md.

pub mod ast;
pub mod compile;
pub mod diag;
pub mod etensu;
pub mod eval;
pub mod fmt;
mod parser;
mod trigger;

pub use ast::{File, RuleKind};
pub use compile::{
    Body, CodeSet, CompileReport, CompiledRule, RuleOrigin, RuleSet, compile_files, kubun_of,
};
pub use diag::{Diagnostic, Severity};
pub use etensu::compile_etensu;
pub use eval::{Action, Item, Outcome, Subject};
pub use fmt::{format_file, format_source};
pub use parser::{MAX_NESTING, parse};

use std::path::Path;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The rule files shipped with santei for a revision: (file name, text).
pub fn bundled_rules(revision: &str) -> Vec<(&'static str, &'static str)> {
    bundled::BUNDLED
        .iter()
        .filter(|(r, _, _)| *r == revision)
        .map(|(_, f, t)| (*f, *t))
        .collect()
}

/// Parses and compiles rule texts. `strict`: any error fails; otherwise rules with errors are
/// left out and their diagnostics returned (how the bundled rules load against partial masters
/// such as the demo subset).
pub fn compile_texts(
    texts: &[(String, String)],
    set: &MasterSet,
    strict: bool,
) -> Result<(Vec<CompiledRule>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for (name, text) in texts {
        match parse(name, text) {
            Ok(f) => files.push((name.clone(), text.clone(), f)),
            Err(d) => diags.push(d),
        }
    }
    let (rules, more) = compile_files(&files, set);
    diags.extend(more);
    if strict && diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok((rules, diags))
}

use santei_masters::MasterSet;
use santei_masters::etensu::Etensu;

/// Reads every `*.rules` file of a folder (sorted), parses and compiles them, adds the compiled
/// 電子点数表 when given, and returns the rule set, or every diagnostic when there is an error.
pub fn load_rules(
    dir: &Path,
    set: &MasterSet,
    etensu: Option<&Etensu>,
) -> Result<(RuleSet, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| vec![Diagnostic::cannot_read(dir, &e)])?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    paths.sort();
    for p in paths {
        let name = p.display().to_string();
        let text =
            std::fs::read_to_string(&p).map_err(|e| vec![Diagnostic::cannot_read(&p, &e)])?;
        match parse(&name, &text) {
            Ok(f) => files.push((name, text, f)),
            Err(d) => diags.push(d),
        }
    }
    let (rules, more) = compile_files(&files, set);
    diags.extend(more);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let mut rs = RuleSet::default();
    let mut all = rules;
    if let Some(et) = etensu {
        let (r, skipped) = compile_etensu(et);
        all.extend(r);
        rs.report.skipped = skipped;
    }
    rs.extend(all);
    Ok((rs, diags))
}
