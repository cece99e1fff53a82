//! Every revision santei knows has each of its parts, or declares that it lacks it and why
//! (engine/src/revisions.rs). This test fails when a revision has no row there, when a part
//! declared present is missing, and when a part declared missing has appeared (so that the
//! declaration is updated in the same change).

use std::path::{Path, PathBuf};

use santei_engine::masters::{Date, REVISIONS, Revision, demo};
use santei_engine::revisions::{Part, REVISION_PARTS, RevisionParts, parts};
use santei_engine::tables::BUNDLINGS;

/// The 包括対象検査 groups whose まるめ tiers the 告示 gives as a count table (D006, D007, D008,
/// D009, D013).
const TIERED_GROUPS: [u8; 5] = [1, 2, 3, 5, 6];

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases")
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

/// The last day a revision's parts must cover: the day before the next revision, or two years
/// on for the newest (改定 are biennial).
fn last_day(r: &Revision) -> Date {
    r.until().unwrap_or_else(|| {
        let f = r.effective_from;
        Date::from_ymd(f.year() + 2, f.month(), f.day())
            .expect("a valid date")
            .pred()
    })
}

/// What santei really has for a revision, part by part.
fn actual(r: &Revision) -> [(&'static str, bool); 5] {
    let rules = !santei_rules_dsl::bundled_rules(r.id).is_empty();
    let demo = demo::ALL.iter().any(|d| d.revision == r.id);
    let mut files = Vec::new();
    toml_files(&cases_dir().join(r.id), &mut files);
    let golden = !files.is_empty();
    let (from, to) = (r.effective_from, last_day(r));
    let tiers = TIERED_GROUPS.iter().all(|&g| {
        BUNDLINGS
            .iter()
            .any(|b| b.group == g && b.from <= from && b.until.is_none_or(|u| to <= u))
            || {
                // Covered by consecutive rows (e.g. a mid-period change).
                let rows: Vec<_> = BUNDLINGS.iter().filter(|b| b.group == g).collect();
                [from, to].iter().all(|&d| {
                    rows.iter()
                        .any(|b| b.from <= d && b.until.is_none_or(|u| d <= u))
                })
            }
    });
    let copay = [from, to].iter().all(|&d| {
        santei_engine::copay::tables::LIMITS
            .iter()
            .any(|l| santei_engine::copay::tables::in_force(l.from, l.until, d))
    });
    [
        ("rules", rules),
        ("demo", demo),
        ("golden", golden),
        ("bundling_tiers", tiers),
        ("copay", copay),
    ]
}

fn declared(p: &RevisionParts) -> [(&'static str, Part); 5] {
    [
        ("rules", p.rules),
        ("demo", p.demo),
        ("golden", p.golden),
        ("bundling_tiers", p.bundling_tiers),
        ("copay", p.copay),
    ]
}

/// The differences between what is declared and what exists.
fn mismatches(p: &RevisionParts, r: &Revision) -> Vec<String> {
    let mut out = Vec::new();
    for ((name, part), (_, have)) in declared(p).into_iter().zip(actual(r)) {
        match (part, have) {
            (Part::Have, false) => out.push(format!(
                "{}: `{name}` is declared present but santei has none for {} … {}",
                r.id,
                r.effective_from,
                last_day(r)
            )),
            (Part::Lacks(why), true) => out.push(format!(
                "{}: `{name}` exists now: change its declaration from Lacks(\"{why}\") to Have",
                r.id
            )),
            (Part::Lacks(why), false) if why.trim().len() < 20 => out.push(format!(
                "{}: `{name}` is declared missing without a reason a user can act on",
                r.id
            )),
            _ => {}
        }
    }
    out
}

#[test]
fn every_revision_declares_all_its_parts() {
    let mut problems = Vec::new();
    for r in REVISIONS.iter() {
        match parts(r.id) {
            None => problems.push(format!(
                "{}: no row in engine/src/revisions.rs (REVISION_PARTS)",
                r.id
            )),
            Some(p) => problems.extend(mismatches(p, r)),
        }
    }
    for p in REVISION_PARTS {
        if Revision::parse(p.id).is_none_or(|r| r.id != p.id) {
            problems.push(format!("{}: not a revision santei knows", p.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The test itself: a part removed from a complete revision is caught, and a declared gap that
/// has been filled is caught too.
#[test]
fn a_missing_part_is_caught() {
    let r = Revision::parse("r2026-06").unwrap();
    let mut p = *parts("r2026-06").unwrap();
    assert!(mismatches(&p, &r).is_empty());
    // Pretend the r2026-06 rule files were removed: the declaration (Have) no longer holds.
    let stranger = Revision {
        id: "r2099-04",
        ..r
    };
    p.id = "r2099-04";
    let m = mismatches(&p, &stranger);
    assert!(
        m.iter().any(|s| s.contains("`rules` is declared present")),
        "{m:?}"
    );
    assert!(
        m.iter().any(|s| s.contains("`demo` is declared present")),
        "{m:?}"
    );
    assert!(
        m.iter().any(|s| s.contains("`golden` is declared present")),
        "{m:?}"
    );
    // A gap declared for a part that exists.
    let mut q = *parts("r2024-06").unwrap();
    q.demo = Part::Lacks("no demo rows for this revision: pass --masters");
    let m = mismatches(&q, &Revision::parse("r2024-06").unwrap());
    assert!(m.iter().any(|s| s.contains("`demo` exists now")), "{m:?}");
}

fn shared() -> PathBuf {
    santei_test_data::shared()
}

/// An engine over a revision that lacks hand rules says so on every claim (RUL-500), and one over
/// an excerpt says the masters are partial (MST-012): never a silent run.
#[test]
fn the_engine_says_what_a_revision_lacks() {
    use santei_engine::masters::{LoadOptions, MasterCatalog, MasterKind, MasterSet};
    let m = shared().join("masters");
    let only_s = LoadOptions {
        kinds: Some(vec![MasterKind::Procedure]),
        ..Default::default()
    };
    let mut catalog = MasterCatalog::new();
    catalog.insert(MasterSet::load_with(m.join("r04"), &only_s).unwrap());
    catalog.insert(MasterSet::load_with(m.join("r08-excerpt"), &only_s).unwrap());
    let engine = santei_engine::Engine::new(catalog);
    let claim = |date: &str| {
        format!(
            r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1970-04-01","sex":"male"}},
            "visits":[{{"date":"{date}","items":[{{"type":"procedure","code":"112007410"}}]}}]}}"#
        )
    };
    let r04 = engine
        .calculate_json(claim("2023-07-03").as_bytes())
        .unwrap();
    let r500 = r04
        .findings
        .iter()
        .find(|f| f.rule == "RUL-500.revision-without-rules")
        .expect("RUL-500 on a r2022-04 claim");
    assert!(r500.message.contains("令和4年度改定"), "{}", r500.message);
    assert!(
        r04.findings
            .iter()
            .all(|f| f.rule != "MST-012.partial-masters")
    );
    let r08 = engine
        .calculate_json(claim("2026-12-01").as_bytes())
        .unwrap();
    assert_eq!(
        r08.total_points,
        76 + 52,
        "再診料 76 (r08 告示 A001) + 外来管理加算 52"
    );
    assert!(
        r08.findings
            .iter()
            .any(|f| f.rule == "MST-012.partial-masters")
    );
    assert!(
        r08.findings
            .iter()
            .all(|f| f.rule != "RUL-500.revision-without-rules"),
        "r2026-06 has hand rules: {:?}",
        r08.findings
    );
}
