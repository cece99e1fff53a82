//! `EngineBuilder` on the official data: every setting the CLI has (masters with change files and
//! 電子点数表, rule folders, 多剤投与 rounding, the demo data) changes the engine it builds, and
//! every mistake is an error naming the folder.

use santei_engine::masters::Revision;
use santei_engine::{BuildError, EngineBuilder, MastersFolder, PolypharmacyRounding};

/// F200 注3 on 7 kinds in 2 剤 (golden case tazai_7shurui_gen): 処方単位 1316 × 0.9 = 1184.4 →
/// −132; 剤単位 644 → 580, 672 → 605, −131.
pub const SEVEN_KINDS: &str = r#"{"format":"santei.claim/1","patient":{"birth_date":"1950-05-10","sex":"male"},
  "visits":[{"date":"2024-07-08","items":[
    {"type":"procedure","code":"112007410"},{"type":"procedure","code":"120000710"},
    {"type":"procedure","code":"120002610"},
    {"type":"rx","form":"internal","days":28,"drugs":[{"code":"620005905","amount":"1"},
      {"code":"620002430","amount":"1"},{"code":"610443014","amount":"1"},
      {"code":"610443053","amount":"1"},{"code":"622404501","amount":"1"}]},
    {"type":"rx","form":"internal","days":28,"drugs":[{"code":"621980701","amount":"2"},
      {"code":"622538301","amount":"2"}]}]}]}"#;

/// A user rule: 処方料 F100 is not billed on a day with 再診料 (not the law: a test of --rules).
const USER_RULE: &str = r#"revision r2024-06

rule F100.builder-test "再診料の日は処方料を算定しない (test)" {
    kind     exclusion
    cite     "santei engine/tests/builder.rs (a test rule, not law)"
    first    code 112007410
    second   code 120000710
    within   day
    keep     first
}
"#;

fn reduction(engine: &santei_engine::Engine) -> Option<i64> {
    let r = engine.calculate_json(SEVEN_KINDS.as_bytes()).unwrap();
    r.lines
        .iter()
        .find(|l| l.code == "630010002")
        .and_then(|l| l.points)
}

#[test]
fn official_masters_with_every_setting() {
    let rules = std::env::temp_dir().join(format!("santei-builder-rules-{}", std::process::id()));
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("test.rules"), USER_RULE).unwrap();

    let base = || {
        EngineBuilder::new().masters(
            MastersFolder::new(santei_test_data::masters("r06"))
                .updates(santei_test_data::updates())
                .etensu(santei_test_data::etensu("r06")),
        )
    };
    let default = base().build().unwrap();
    assert_eq!(default.revision_ids(), ["r2024-06"]);
    assert_eq!(reduction(&default), Some(-132));

    let per_rx = base()
        .polypharmacy_rounding(PolypharmacyRounding::PerRx)
        .rules_dir(&rules)
        .build()
        .unwrap();
    assert_eq!(reduction(&per_rx), Some(-131));
    let r = per_rx.calculate_json(SEVEN_KINDS.as_bytes()).unwrap();
    assert!(
        r.lines.iter().all(|l| l.code != "120000710"),
        "処方料 dropped"
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule_id.as_deref() == Some("F100.builder-test")),
        "{:?}",
        r.findings
    );
    std::fs::remove_dir_all(&rules).ok();
}

#[test]
fn several_revisions_and_the_demo() {
    let e = EngineBuilder::new()
        .masters(santei_test_data::masters("r04"))
        .masters(santei_test_data::masters("r06"))
        .build()
        .unwrap();
    assert_eq!(e.revision_ids(), ["r2022-04", "r2024-06"]);
    let demo = EngineBuilder::new().demo().build().unwrap();
    assert_eq!(demo.revision_ids(), ["r2024-06", "r2026-06"]);
    assert!(
        EngineBuilder::new()
            .demo()
            .without_bundled_rules()
            .build()
            .unwrap()
            .rules("r2024-06")
            .unwrap()
            .len()
            < demo.rules("r2024-06").unwrap().len()
    );
}

#[test]
fn an_excerpt_takes_its_complete_prefixes() {
    let (e, _) = EngineBuilder::new()
        .masters(santei_test_data::masters("r08-excerpt"))
        .complete_prefixes(["111", "112"])
        .build_with_report()
        .unwrap();
    let set = e
        .masters_for(Revision::parse("r08").unwrap().effective_from)
        .unwrap();
    assert!(set.coverage.vouches_for("111000110"));
    assert!(!set.coverage.vouches_for("160000110"));
}

#[test]
fn errors_name_the_folder() {
    let err = |b: EngineBuilder| b.build().unwrap_err();
    assert!(matches!(err(EngineBuilder::new()), BuildError::NoMasters));
    let e = err(EngineBuilder::new().masters("/nonexistent/masters"));
    assert!(matches!(e, BuildError::FolderMissing { .. }));
    assert!(
        e.to_string()
            .contains("`/nonexistent/masters` does not exist"),
        "{e}"
    );
    let e = err(EngineBuilder::new()
        .masters(MastersFolder::new(santei_test_data::masters("r06")).updates("/nonexistent/u")));
    assert!(
        e.to_string()
            .contains("change-files folder `/nonexistent/u`"),
        "{e}"
    );
    let file = santei_test_data::shared().join("masters/README.md");
    let e = err(EngineBuilder::new().masters(file.as_path()));
    assert!(matches!(e, BuildError::NotAFolder { .. }), "{e}");
    let e = err(EngineBuilder::new()
        .demo()
        .revision(Revision::parse("r02").unwrap()));
    assert!(e.to_string().contains("r2020-04 is not loaded"), "{e}");
    let e = err(EngineBuilder::new()
        .demo()
        .etensu(santei_test_data::etensu("r06")));
    assert!(matches!(e, BuildError::EtensuAmbiguous { .. }), "{e}");
    let e = err(EngineBuilder::new().demo().etensu_for(
        Revision::parse("r04").unwrap(),
        santei_test_data::etensu("r06"),
    ));
    assert!(
        matches!(e, BuildError::EtensuRevisionNotLoaded { .. }),
        "{e}"
    );
    let e = err(EngineBuilder::new().demo().rules_dir("/nonexistent/rules"));
    match &e {
        BuildError::Rules { diagnostics } => {
            assert_eq!(diagnostics[0].file, "/nonexistent/rules")
        }
        other => panic!("{other}"),
    }
    // A malformed master file: the folder, the file, the line.
    let bad = std::env::temp_dir().join(format!("santei-builder-bad-{}", std::process::id()));
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("s_ALL20240601.csv"), "not,a,master\n").unwrap();
    let e = err(EngineBuilder::new().masters(bad.as_path()));
    assert!(matches!(e, BuildError::Masters { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("masters folder `{}`", bad.display())),
        "{e}"
    );
    std::fs::remove_dir_all(&bad).ok();
    // A folder of revision folders, a folder of 電子点数表 folders: named, for every front end.
    let e = err(EngineBuilder::new().masters(santei_test_data::shared().join("masters")));
    for sub in [
        "r04/",
        "r06/",
        "one folder per revision",
        "updates/ holds change files",
    ] {
        assert!(e.to_string().contains(sub), "{sub} missing in {e}");
    }
    let e = err(EngineBuilder::new()
        .masters(santei_test_data::masters("r06"))
        .etensu(santei_test_data::shared().join("etensu")));
    assert!(e.to_string().contains("r06/"), "{e}");
}

/// `kinds` reads only the master kinds asked for (医科診療行為 always), as `santei recalc` asks
/// for the four it reads; the engine built with every kind has the others too.
#[test]
fn kinds_read_only_the_master_kinds_asked_for() {
    use santei_engine::masters::{Date, MasterKind};
    let folder = || MastersFolder::new(santei_test_data::masters("r06"));
    let day = Date::parse_iso("2024-07-01").unwrap();
    let some = EngineBuilder::new()
        .masters(folder())
        .kinds([MasterKind::Drug, MasterKind::Material, MasterKind::Comment])
        .build()
        .unwrap();
    let set = some.masters_for(day).unwrap();
    assert!(set.procedures.len() > 10_000, "医科診療行為 always read");
    assert!(set.drugs.len() > 10_000 && set.materials.len() > 1_000);
    assert!(set.comments.len() > 1_000);
    assert_eq!((set.diseases.len(), set.modifiers.len()), (0, 0));
    // The rules name comment codes: the same rules compile as with every kind.
    let all = EngineBuilder::new().masters(folder()).build().unwrap();
    let every = all.masters_for(day).unwrap();
    assert!(every.diseases.len() > 20_000 && every.modifiers.len() > 2_000);
    assert_eq!(
        some.rules("r2024-06").map(|r| r.len()),
        all.rules("r2024-06").map(|r| r.len())
    );
    assert!(some.rules("r2024-06").is_some_and(|r| !r.is_empty()));
}

/// A 74歳 patient on 2024-06-03 with 2割 and no 所得区分 (demo data, 再診料).
const OVER70_NO_CLASS: &str = r#"{"format":"santei.claim/1","patient":{"birth_date":"1950-01-01","sex":"male"},
  "insurance":{"scheme":"kokuho","burden_percent":20},
  "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"112007410"}]}]}"#;

/// 法別88 (a 地方単独 公費) on 負担者番号 8813015‐8, 3割 ウ (demo data).
const LOCAL_FUND: &str = r#"{"format":"santei.claim/1","patient":{"birth_date":"2016-01-10","sex":"male"},
  "insurance":{"scheme":"kokuho","income_class":"ウ","public_funds":[
    {"law_number":"88","payer_number":"88130158","recipient_number":"1234566"}]},
  "visits":[{"date":"2024-06-03","items":[{"type":"procedure","code":"112007410"}]}]}"#;

/// A fresh folder for one test (santei_test_data::scratch).
fn scratch(name: &str) -> std::path::PathBuf {
    santei_test_data::scratch(&format!("builder-{name}"))
}

fn rule_ids(r: &santei_engine::ClaimResult) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule).collect()
}

/// The copay settings and 地方単独 schemes given to the builder are what the engine computes with,
/// with and without explanations; the default engine refuses what they settle.
#[test]
fn copay_settings_and_local_schemes_change_the_result() {
    use santei_engine::copay::{LocalSchemes, MissingOver70Class, payer_check_digit};
    use santei_engine::{CalcOptions, CopaySettings};
    assert_eq!(payer_check_digit("8813015"), Some(8));
    let plain = EngineBuilder::new().demo().build().unwrap();
    let r = plain.calculate_json(OVER70_NO_CLASS.as_bytes()).unwrap();
    assert!(r.copay.is_none());
    assert!(rule_ids(&r).contains(&"CPY-502.income-class-missing"));

    let from_rate = EngineBuilder::new()
        .demo()
        .copay_settings(CopaySettings {
            missing_over70_class: MissingOver70Class::FromRate,
            ..CopaySettings::DEFAULT
        })
        .build()
        .unwrap();
    assert_eq!(
        from_rate.copay_settings().missing_over70_class,
        MissingOver70Class::FromRate
    );
    for explain in [true, false] {
        let r = from_rate
            .calculate_json_with(OVER70_NO_CLASS.as_bytes(), CalcOptions { explain })
            .unwrap();
        let c = r.copay.as_ref().expect("copay from the 負担割合");
        assert_eq!(c.income_class.map(|c| c.japanese()), Some("一般"));
        // 1,270円 × 2割 = 254 → 250 (再診料 75点 + 外来管理加算 52点, 告示 A001 / 注8; 10円未満 四捨五入, 健保法75条).
        assert_eq!(c.window_yen, 250, "explain {explain}");
        assert!(!rule_ids(&r).contains(&"CPY-502.income-class-missing"));
    }

    let r = plain.calculate_json(LOCAL_FUND.as_bytes()).unwrap();
    assert!(r.copay.is_none());
    assert!(rule_ids(&r).contains(&"CPY-506.public-fund-unknown"));
    let json = r#"[{"law_number":"88","payer_prefix":"8813","name":"子ども医療費助成","patient_percent":0}]"#
        .as_bytes();
    let schemes = LocalSchemes::from_json(json).unwrap();
    let with = EngineBuilder::new()
        .demo()
        .local_schemes(schemes)
        .build()
        .unwrap();
    assert_eq!(with.local_schemes().len(), 1);
    let r = with.calculate_json(LOCAL_FUND.as_bytes()).unwrap();
    let c = r.copay.as_ref().expect("copay with the scheme");
    assert_eq!(c.public_funds[0].name, "子ども医療費助成");
    assert_eq!(c.patient_yen, 0);

    // The same from a file.
    let dir = scratch("schemes");
    let file = dir.join("schemes.json");
    std::fs::write(&file, json).unwrap();
    let from_file = EngineBuilder::new()
        .demo()
        .local_schemes_file(&file)
        .build()
        .unwrap();
    let r = from_file.calculate_json(LOCAL_FUND.as_bytes()).unwrap();
    assert_eq!(r.copay.as_ref().map(|c| c.patient_yen), Some(0));
}

/// A schemes file that is not there, or not JSON of schemes, fails the build naming the file,
/// line and column.
#[test]
fn a_bad_local_schemes_file_names_the_file_and_line() {
    let dir = scratch("bad-schemes");
    let file = dir.join("schemes.json");
    std::fs::write(
        &file,
        "[\n  {\"law_number\": \"88\",\n   \"patient_percent\": \"ten\"}\n]\n",
    )
    .unwrap();
    let e = EngineBuilder::new()
        .demo()
        .local_schemes_file(&file)
        .build()
        .unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, BuildError::LocalSchemes { line: 3, .. }),
        "{e:?}"
    );
    assert!(text.contains(&file.display().to_string()), "{text}");
    assert!(text.contains("line 3, column"), "{text}");
    assert!(!text.contains(" at line "), "said once: {text}");

    // A 法別番号 or prefix that could never match a 公費 is refused where it stands.
    for (text, line, what) in [
        ("[\n  {\"law_number\": \"8\"}\n]\n", 2, "law_number `8`"),
        (
            "[\n  {\"law_number\": \"88\"},\n  {\"law_number\": \"88\",\n   \"payer_prefix\": \"88-13\"}\n]\n",
            4,
            "payer_prefix `88-13`",
        ),
    ] {
        std::fs::write(&file, text).unwrap();
        let e = EngineBuilder::new()
            .demo()
            .local_schemes_file(&file)
            .build()
            .unwrap_err();
        let said = e.to_string();
        assert!(
            matches!(&e, BuildError::LocalSchemes { line: l, .. } if *l == line),
            "{e:?}"
        );
        assert!(said.contains(what), "{said}");
    }

    let missing = dir.join("none.json");
    let e = EngineBuilder::new()
        .demo()
        .local_schemes_file(&missing)
        .build()
        .unwrap_err();
    assert!(
        matches!(e, BuildError::LocalSchemesUnreadable { .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("none.json"), "{e}");
}
