//! The rule language against the official r06 masters and 電子点数表 in ../shared.

use std::path::PathBuf;
use std::time::Instant;

use santei_masters::etensu::Etensu;
use santei_masters::{Date, MasterSet};
use santei_rules_dsl::ast::{FacilityKind, Setting, Sex};
use santei_rules_dsl::{Action, Item, Subject, format_file, load_rules, parse};

fn shared() -> PathBuf {
    santei_test_data::shared()
}

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/r2024-06")
}

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn subject() -> Subject<'static> {
    Subject {
        birth: d("1970-01-01"),
        sex: Sex::Male,
        setting: Setting::Outpatient,
        facility: FacilityKind::Hospital,
        beds: 300,
        standards: &[],
        disease_specific: &[],
        comments: &[],
    }
}

fn item(code: u32, date: &str) -> Item {
    Item {
        code,
        date: d(date),
        times: 1,
        quantity: None,
        history: false,
    }
}

#[test]
fn every_rule_file_parses_formats_and_round_trips() {
    for e in std::fs::read_dir(rules_dir()).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let name = p.display().to_string();
        let ast = parse(&name, &text).unwrap_or_else(|d| panic!("{d}"));
        let formatted = format_file(&ast);
        let again = parse(&name, &formatted)
            .unwrap_or_else(|d| panic!("formatted text does not parse:\n{d}\n{formatted}"));
        assert_eq!(ast, again, "format → parse changed the tree of {name}");
        assert_eq!(
            format_file(&again),
            formatted,
            "formatting is not idempotent for {name}"
        );
    }
}

#[test]
fn full_r06_rule_set_compiles_quickly_and_has_etensu_rules() {
    let set = MasterSet::load(shared().join("masters/r06")).unwrap();
    let et = Etensu::load(shared().join("etensu/r06")).unwrap();
    let start = Instant::now();
    let (rs, diags) = load_rules(&rules_dir(), &set, Some(&et)).unwrap_or_else(|d| {
        panic!(
            "{}",
            d.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let elapsed = start.elapsed();
    assert!(diags.iter().all(|d| !d.is_error()));
    eprintln!(
        "compiled {} rules ({} hand, {} 電子点数表) in {elapsed:?}; skipped {:?}",
        rs.len(),
        rs.report.from_files,
        rs.report.from_etensu,
        rs.report.skipped
    );
    assert!(rs.report.from_files >= 1);
    assert!(rs.report.from_etensu > 20_000, "{}", rs.report.from_etensu);
}

#[test]
fn a002_6_includes_the_tests_but_not_hba1c_nor_the_tsusoku_addition() {
    let set = MasterSet::load(shared().join("masters/r06")).unwrap();
    let (rs, _) = load_rules(&rules_dir(), &set, None).unwrap();
    let items = [
        item(112011310, "2024-07-01"), // 外来診療料
        item(160008010, "2024-07-01"), // 末梢血液一般 (D005): included
        item(160010010, "2024-07-01"), // HbA1c: excepted
        item(160177770, "2024-07-01"), // 外来迅速検体検査加算: 通則 加算, billed separately
        item(160008010, "2024-07-02"), // another day: not included
    ];
    let out = rs.evaluate(&subject(), &items);
    let dropped: Vec<usize> = out
        .iter()
        .filter(|o| o.action == Action::Drop)
        .map(|o| o.items[0])
        .collect();
    assert_eq!(dropped, vec![1], "{out:#?}");
    assert_eq!(rs.rules[out[0].rule].id, "A002-6.gairai-hokatsu");
}

#[test]
fn katsuyou_tebiki_examples_from_the_etensu() {
    // 活用手引き: 血管内視鏡検査 160171310 and 透視診断 170000310 are 背反 (同時), 背反区分 1: keep ①.
    let set = MasterSet::load(shared().join("masters/r06")).unwrap();
    let et = Etensu::load(shared().join("etensu/r06")).unwrap();
    let (rs, _) = load_rules(&rules_dir(), &set, Some(&et)).unwrap();
    let items = [item(160171310, "2024-07-01"), item(170000310, "2024-07-01")];
    let out = rs.evaluate(&subject(), &items);
    let drop = out
        .iter()
        .find(|o| o.action == Action::Drop)
        .expect("a 背反 drop");
    assert_eq!(drop.items[0], 1, "透視診断 goes: {out:#?}");
    assert!(rs.rules[drop.rule].citation.contains("03-3"));

    // リンパ浮腫複合的治療料（重症） 180046410: 05 月1 with 特例条件 → a warning, never a silent drop.
    let items = [item(180046410, "2024-07-01"), item(180046410, "2024-07-08")];
    let out = rs.evaluate(&subject(), &items);
    assert!(
        out.iter()
            .any(|o| o.action == Action::Warn
                && rs.rules[o.rule].id.starts_with("etensu.05.180046410")),
        "{out:#?}"
    );
    assert!(out.iter().all(|o| o.action != Action::Drop), "{out:#?}");

    // 特定疾患療養管理料（診療所） 113001810: 05 月2回 → the third in a month is dropped.
    let items = [
        item(113001810, "2024-07-01"),
        item(113001810, "2024-07-08"),
        item(113001810, "2024-07-15"),
    ];
    // At a clinic, with a 特定疾患 傷病名 (特定疾患等対象区分 05), so its requirement rules hold.
    let clinic = Subject {
        facility: FacilityKind::Clinic,
        beds: 0,
        disease_specific: &[5],
        ..subject()
    };
    let out = rs.evaluate(&clinic, &items);
    let drops: Vec<_> = out.iter().filter(|o| o.action == Action::Drop).collect();
    assert_eq!(drops.len(), 1, "{out:#?}");
    assert_eq!(drops[0].items[0], 2);
}

#[test]
fn katsuyou_tebiki_admission_examples_04_and_05() {
    let set = MasterSet::load(shared().join("masters/r06")).unwrap();
    let et = Etensu::load(shared().join("etensu/r06")).unwrap();
    let (rs, _) = load_rules(&rules_dir(), &set, Some(&et)).unwrap();
    let inpatient = Subject {
        setting: Setting::Inpatient,
        ..subject()
    };
    let kinds = santei_rules_dsl::RuleKind::ALL;

    // 有床診療所入院基本料１（１４日以内） 190169610: 05 算定単位 133 入院中 14回. Admitted 6/20 with 11
    // days in history: 7/1–7/3 are the 12th–14th, 7/4 the 15th.
    let mut items: Vec<Item> = (20..=30)
        .map(|day| Item {
            history: true,
            ..item(190169610, &format!("2024-06-{day}"))
        })
        .collect();
    for day in 1..=4 {
        items.push(item(190169610, &format!("2024-07-0{day}")));
    }
    let out = rs.evaluate_admitted(&inpatient, &items, &kinds, Some(d("2024-06-20")));
    let drops: Vec<(usize, &str)> = out
        .iter()
        .filter(|o| o.action == Action::Drop)
        .map(|o| (o.items[0], rs.rules[o.rule].id.as_str()))
        .collect();
    assert_eq!(drops, vec![(14, "etensu.05.190169610.133")], "{out:#?}");
    // Admitted 6/25: the 6/20–6/24 history is an earlier stay and does not count.
    let out = rs.evaluate_admitted(&inpatient, &items, &kinds, Some(d("2024-06-25")));
    assert!(out.iter().all(|o| o.action != Action::Drop), "{out:#?}");
    // No admission known (入院外, UKE recalculation): 入院中 limits do not act.
    let out = rs.evaluate_admitted(&inpatient, &items, &kinds, None);
    assert!(out.iter().all(|o| o.action != Action::Drop), "{out:#?}");

    // 精神療養病棟入院料 190055010 (入院基本料識別 067): 総合入院体制加算１ 190190410 is not in 067 → dropped;
    // 基幹型 190117170 and 協力型 190119910 share 加算識別 1 in 067 → a warning; 1級地地域加算 stays.
    let items = [
        item(190055010, "2024-07-01"),
        item(190117170, "2024-07-01"),
        item(190119910, "2024-07-01"),
        item(190077070, "2024-07-01"),
        item(190190410, "2024-07-01"),
    ];
    let out = rs.evaluate_admitted(&inpatient, &items, &kinds, Some(d("2024-07-01")));
    let drops: Vec<(usize, &str)> = out
        .iter()
        .filter(|o| o.action == Action::Drop)
        .map(|o| (o.items[0], rs.rules[o.rule].id.as_str()))
        .collect();
    assert_eq!(drops, vec![(4, "etensu.04.067.other")], "{out:#?}");
    let warns: Vec<(Vec<usize>, &str)> = out
        .iter()
        .filter(|o| o.action == Action::Warn)
        .map(|o| (o.items.clone(), rs.rules[o.rule].id.as_str()))
        .collect();
    assert_eq!(warns, vec![(vec![1, 2], "etensu.04.067.1")], "{out:#?}");
    // Without an 入院料 of 067 that day, the 067 rules do not act.
    let out = rs.evaluate_admitted(&inpatient, &items[1..], &kinds, Some(d("2024-07-01")));
    assert!(
        out.iter()
            .all(|o| !rs.rules[o.rule].id.starts_with("etensu.04.067")),
        "{out:#?}"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "rule x {{ kind requirement cite \"c\" items code 111000110 require {}age < 6{} }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let e = parse("deep.rules", &deep).unwrap_err();
    assert!(e.message.contains("nested deeper"), "{e}");
}

#[test]
fn diagnostics_name_file_line_and_column() {
    let set = MasterSet::load(shared().join("masters/r06")).unwrap();
    let text = "revision r2024-06\nrule bad {\n    kind limit\n    cite \"x\"\n    items code 199999999\n    max 1 per month\n}\n";
    let f = parse("bad.rules", text).unwrap();
    let (_, diags) = santei_rules_dsl::compile_files(&[("bad.rules".into(), text.into(), f)], &set);
    let e = diags.iter().find(|d| d.is_error()).expect("an error");
    assert_eq!((e.line, e.col), (5, 16), "{e}");
    let shown = e.to_string();
    assert!(
        shown.contains("bad.rules:5:16")
            && shown.contains("199999999")
            && shown.contains("^^^^^^^^^"),
        "{shown}"
    );

    let e = parse(
        "syntax.rules",
        "rule x {\n  kind limit\n  max one per month\n}",
    )
    .unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(e.to_string().contains("syntax.rules:3:"), "{e}");
}

/// `within month_after` (「初診の日から1月以内」) counts from a parent's day: accepted in an
/// inclusion, an error in an exclusion or a `billed` condition. B000-2.shoshin with it includes a
/// 特定疾患療養管理料 of 7/10 in the 初診 of 6/20 (history) but not one of 7/20 (通知 B000 (3)).
#[test]
fn month_after_window_is_for_inclusions() {
    let set = MasterSet::load(shared().join("masters/r06")).unwrap();
    let compile = |text: &str| {
        let f = parse("w.rules", text).unwrap();
        santei_rules_dsl::compile_files(&[("w.rules".into(), text.into(), f)], &set)
    };
    for body in [
        "kind exclusion\n cite \"c\"\n first code 111000110\n second code 113001810\n within month_after",
        "kind requirement\n cite \"c\"\n items code 113001810\n require billed code 111000110 within month_after",
    ] {
        let (_, diags) = compile(&format!(
            "revision r2024-06\nrule x \"x\" {{\n {body}\n}}\n"
        ));
        assert!(
            diags
                .iter()
                .any(|d| d.is_error() && d.message.contains("month_after")),
            "{body}: {diags:?}"
        );
    }
    let (rules, _) = load_rules(&rules_dir(), &set, None).unwrap();
    let mut first = item(111000110, "2024-06-20");
    first.history = true;
    for (date, included) in [
        ("2024-07-10", true),
        ("2024-07-19", true),
        ("2024-07-20", false),
    ] {
        let items = [first, item(113001810, date)];
        let out = rules.evaluate(&subject(), &items);
        let dropped = out
            .iter()
            .any(|o| rules.rules[o.rule].id == "B000-2.shoshin" && o.items[0] == 1);
        assert_eq!(dropped, included, "{date}: {out:?}");
    }
    // A 初診 before the rules' first day (5/25, history) still starts the window of a 管理料 on
    // 6/10: the rule in force is the one of the item it drops.
    let mut may = item(111000110, "2024-05-25");
    may.history = true;
    let out = rules.evaluate(&subject(), &[may, item(113001810, "2024-06-10")]);
    assert!(
        out.iter()
            .any(|o| rules.rules[o.rule].id == "B000-2.shoshin" && o.items[0] == 1),
        "{out:?}"
    );
}

/// The codes whose presence can make a rule act, read from its body (the trigger index's keys):
/// `None` for a single-code exclusion, which is looked up by its pair instead.
fn trigger_codes(body: &santei_rules_dsl::compile::Body) -> Option<Vec<u32>> {
    use santei_rules_dsl::compile::{Body, CCond};
    fn cond(c: &CCond, out: &mut Vec<u32>) {
        match c {
            CCond::Or(v) | CCond::And(v) => v.iter().for_each(|c| cond(c, out)),
            CCond::Not(c) => cond(c, out),
            CCond::Billed(s, _) => out.extend_from_slice(s.codes()),
            _ => {}
        }
    }
    Some(match body {
        Body::Exclusion { first, second, .. } if first.len() == 1 && second.len() == 1 => {
            return None;
        }
        Body::Exclusion { first, .. } => first.codes().to_vec(),
        Body::Inclusion { parent, .. } => parent.codes().to_vec(),
        Body::Limit { items, .. } | Body::Requirement { items, .. } => items.codes().to_vec(),
        Body::Addition { when, .. } => {
            let mut v = Vec::new();
            cond(when, &mut v);
            v
        }
    })
}

/// `RuleSet::code_rules` (one probe of the trigger index) gives, for every code of the r06
/// 医科診療行為 master and every code a rule names, the rules whose body that code triggers, in
/// rule order, and whether it is the first code of a single-code exclusion, as a scan of every
/// rule gives them.
#[test]
fn the_trigger_index_answers_as_a_scan_of_the_rules() {
    use santei_rules_dsl::compile::Body;
    let set = MasterSet::load(shared().join("masters/r06")).unwrap();
    let et = Etensu::load(shared().join("etensu/r06")).unwrap();
    let (rs, _) = load_rules(&rules_dir(), &set, Some(&et)).unwrap();
    let mut want: std::collections::BTreeMap<u32, (Vec<u32>, bool)> = Default::default();
    for (i, r) in rs.rules.iter().enumerate() {
        match (trigger_codes(&r.body), &r.body) {
            (None, Body::Exclusion { first, .. }) => {
                want.entry(first.codes()[0]).or_default().1 = true;
            }
            (Some(codes), _) => {
                for c in codes {
                    let rules = &mut want.entry(c).or_default().0;
                    if rules.last() != Some(&(i as u32)) {
                        rules.push(i as u32);
                    }
                }
            }
            (None, _) => unreachable!(),
        }
    }
    assert!(want.values().any(|(_, first)| *first));
    assert!(want.values().any(|(rules, _)| rules.len() > 1));
    let codes: Vec<u32> = want
        .keys()
        .copied()
        .chain(set.procedures.codes())
        .chain([0, 1, u32::MAX])
        .collect();
    for code in codes {
        let (rules, first) = want.get(&code).cloned().unwrap_or_default();
        assert_eq!(rs.code_rules(code), (rules.as_slice(), first), "{code}");
        assert_eq!(rs.triggered_by(code), rules.as_slice());
        assert_eq!(rs.is_pair_first(code), first);
    }
}

/// Claims of codes the full r06 rule set names (12 distinct codes, each on two days, and one
/// claim of 70 codes, past the 64 of the bit masks) evaluate with every kind of rule: the
/// masks of the rules' trigger sets taken from the index agree with a search of the sets
/// (checked by a debug assertion in every evaluation), and a second evaluation of a claim (in
/// the working vectors the first left on the thread) gives the same outcomes.
#[test]
fn trigger_masks_agree_with_the_sets_on_claims_of_named_codes() {
    let set = MasterSet::load(shared().join("masters/r06")).unwrap();
    let et = Etensu::load(shared().join("etensu/r06")).unwrap();
    let (rs, _) = load_rules(&rules_dir(), &set, Some(&et)).unwrap();
    let mut named: Vec<u32> = set
        .procedures
        .codes()
        .filter(|&c| !rs.triggered_by(c).is_empty())
        .collect();
    named.sort_unstable();
    assert!(named.len() > 1000, "{}", named.len());
    let claim = |codes: &[u32]| -> Vec<Item> {
        codes
            .iter()
            .flat_map(|&c| [item(c, "2024-07-01"), item(c, "2024-07-08")])
            .collect()
    };
    let mut evaluated = 0;
    for chunk in named.chunks(12).step_by(7).chain([&named[..70]]) {
        let items = claim(chunk);
        let out = rs.evaluate(&subject(), &items);
        assert_eq!(out, rs.evaluate(&subject(), &items));
        evaluated += 1;
    }
    assert!(evaluated > 10);
}
