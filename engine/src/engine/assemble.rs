//! Assembling one revision of an [`Engine`](super::Engine): its masters prepared (indexes), with
//! santei's bundled rule files, the user's rule folders and the 医科電子点数表 compiled into its
//! rules. A revision never runs without its hand rules unnoticed: the lack is declared in
//! engine/src/revisions.rs and said as a diagnostic.

use santei_masters::MasterSet;
use santei_rules_dsl::Diagnostic;

use super::EngineOptions;
use crate::prepared::Prepared;

/// One revision's [`Prepared`] from its master set and the engine's options; `user` are the
/// user's rule files (path, text), each applied to the revision it declares (or to all). Errors
/// in the user's files fail with their diagnostics; the bundled files never do.
pub(super) fn revision(
    set: MasterSet,
    options: &EngineOptions,
    user: &[(String, String)],
) -> Result<Prepared, Vec<Diagnostic>> {
    let mut p = Prepared::new(set);
    let id = p.set.revision.id;
    let mut compiled = Vec::new();
    if !options.without_bundled_rules {
        let texts: Vec<(String, String)> = santei_rules_dsl::bundled_rules(id)
            .into_iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect();
        if let Ok((rules, diags)) = santei_rules_dsl::compile_texts(&texts, &p.set, false) {
            compiled.extend(rules);
            p.rule_diagnostics.extend(diags);
        }
        // A revision never runs without its hand rules unnoticed: the lack is declared
        // in `revisions.rs` and said here, and declared rules that compile to nothing
        // are a warning too.
        if let Some(why) = bundled_rules_gap(id, texts.len(), compiled.len()) {
            p.rule_diagnostics.push(revision_diag(id, why.clone()));
            p.rules_gap = Some(why);
        }
    }
    let mine: Vec<(String, String)> = user
        .iter()
        .filter(|(_, t)| declared_revision(t).is_none_or(|r| r == id))
        .cloned()
        .collect();
    if !mine.is_empty() {
        let (rules, diags) = santei_rules_dsl::compile_texts(&mine, &p.set, true)?;
        compiled.extend(rules);
        p.rule_diagnostics.extend(diags);
    }
    for (rev, et) in &options.etensu {
        if *rev == id {
            p.stay_additions.groups = Some(crate::stay::kasan::Groups::of(et));
            let (rules, skipped) = santei_rules_dsl::compile_etensu(et);
            compiled.extend(rules);
            p.rules.report.skipped = skipped;
        }
    }
    p.rules.extend(compiled);
    Ok(p)
}

fn declared_revision(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("revision "))
        .map(str::trim)
}

pub(super) fn read_rule_dirs(
    dirs: &[std::path::PathBuf],
) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    for d in dirs {
        let rd = std::fs::read_dir(d).map_err(|e| vec![Diagnostic::cannot_read(d, &e)])?;
        let mut paths: Vec<_> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rules"))
            .collect();
        paths.sort();
        for p in paths {
            let t =
                std::fs::read_to_string(&p).map_err(|e| vec![Diagnostic::cannot_read(&p, &e)])?;
            out.push((p.display().to_string(), t));
        }
    }
    Ok(out)
}

/// Why a revision's engine runs without bundled hand rules, if it does.
fn bundled_rules_gap(id: &str, files: usize, compiled: usize) -> Option<String> {
    match crate::revisions::parts(id).map(|p| p.rules) {
        None => Some(format!(
            "{id}: santei declares no parts for this revision (engine/src/revisions.rs)"
        )),
        Some(crate::revisions::Part::Lacks(why)) => Some(format!("{id}: {why}")),
        Some(crate::revisions::Part::Have) if files == 0 => Some(format!(
            "{id}: the bundled rule files of this revision are missing from this build (rules-dsl/rules/{id}/)"
        )),
        Some(crate::revisions::Part::Have) if compiled == 0 => Some(format!(
            "{id}: none of the {files} bundled rule files compiled against these masters (see the diagnostics above)"
        )),
        Some(crate::revisions::Part::Have) => None,
    }
}

fn revision_diag(id: &str, message: String) -> Diagnostic {
    Diagnostic::of_file(
        santei_rules_dsl::Severity::Warning,
        format!("rules-dsl/rules/{id}/"),
        message,
    )
}
