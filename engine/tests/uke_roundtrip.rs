//! UKE round trip on the official r06 masters: realistic 外来 claims computed by the engine, written
//! with `UkeWriter`, read back with `UkeReader` and recalculated with `Recalc` against the same
//! masters. Every check must match (まるめ units through the 告示's tiers): nothing may differ or
//! be left unchecked, and the totals must be the engine's.

use std::path::PathBuf;
use std::sync::OnceLock;

use santei_engine::copay::payer_check_digit;
use santei_engine::masters::{Encoding, MasterCatalog, MasterSet};
use santei_engine::uke::{
    CheckKind, FacilityHeader, Item, PatientInfo, Recalc, Status, UkeReader, UkeWriter, YearMonth,
};
use santei_engine::{Claim, ClaimResult, Engine};

fn shared() -> PathBuf {
    santei_test_data::shared()
}

/// The engine and a catalog of the same r06 set, loaded once for every test of this file.
fn setup() -> &'static (Engine, MasterCatalog) {
    static S: OnceLock<(Engine, MasterCatalog)> = OnceLock::new();
    S.get_or_init(|| {
        let set = MasterSet::load(shared().join("masters/r06")).expect("r06 masters");
        let mut catalog = MasterCatalog::new();
        catalog.insert(set.clone());
        (Engine::from_set(set), catalog)
    })
}

/// 公費負担者番号 with its 検証番号: 法別 + 都道府県 13 + 実施機関 + check digit.
fn payer(law: &str, body: &str) -> String {
    let first7 = format!("{law}13{body}");
    format!("{first7}{}", payer_check_digit(&first7).unwrap())
}

fn p(code: &str) -> String {
    format!(r#"{{"type":"procedure","code":"{code}"}}"#)
}

fn pq(code: &str, q: u32) -> String {
    format!(r#"{{"type":"procedure","code":"{code}","quantity":"{q}"}}"#)
}

fn rx(form: &str, days: u32, drugs: &[(&str, &str)]) -> String {
    let d: Vec<String> = drugs
        .iter()
        .map(|(c, a)| format!(r#"{{"code":"{c}","amount":"{a}"}}"#))
        .collect();
    format!(
        r#"{{"type":"rx","form":"{form}","days":{days},"drugs":[{}]}}"#,
        d.join(",")
    )
}

fn mat(code: &str, amount: &str) -> String {
    format!(r#"{{"type":"material","code":"{code}","amount":"{amount}"}}"#)
}

fn visit(date: &str, extra: &str, items: &[String]) -> String {
    format!(
        r#"{{"date":"{date}"{extra},"items":[{}]}}"#,
        items.join(",")
    )
}

fn claim(patient: &str, insurance: &str, diseases: &str, visits: &[String]) -> String {
    format!(
        r#"{{"format":"santei.claim/1","patient":{patient},"insurance":{insurance},
        "facility":{{"kind":"clinic"}},"diseases":[{diseases}],"visits":[{}]}}"#,
        visits.join(",")
    )
}

struct Case {
    name: &'static str,
    json: String,
    /// Expected レセプト種別.
    kind: &'static str,
    /// KO records expected.
    publics: usize,
}

fn cases() -> Vec<Case> {
    // 内服 剤 used in several claims (real r06 codes, 錠).
    let amlodipine = ("620007870", "1");
    let calonal = ("620002023", "3");
    let etizolam = ("610412026", "1");
    let loxonin = ("620098801", "1");
    let loxonin_pap = ("620003477", "14");
    vec![
        Case {
            // 初診, 採血, 末梢血液一般, 生化学(Ⅰ) 7項目 (まるめ 93点), HbA1c, 処方箋料; the engine
            // adds the 判断料. 社保 本人 3割.
            name: "shoshin-marume",
            json: claim(
                r#"{"birth_date":"1979-04-10","sex":"female"}"#,
                r#"{"scheme":"shaho","relation":"insured","burden_percent":30}"#,
                r#"{"code":"8833421","main":true}"#,
                &[visit(
                    "2024-07-02",
                    "",
                    &[
                        p("111000110"),
                        p("160095710"),
                        p("160008010"),
                        p("160019210"),
                        p("160019410"),
                        p("160020410"),
                        p("160022510"),
                        p("160022610"),
                        p("160022410"),
                        p("160020910"),
                        p("160010010"),
                        p("120002910"),
                    ],
                )],
            ),
            kind: "1112",
            publics: 0,
        },
        Case {
            // A 2-visit month, 院内: 処方料, 調剤料, 調基, two 内服 剤 (the same on both visits: merged
            // into one run with 回数 28), a 頓服 and a 外用 剤 on the first visit; on the second
            // 単純撮影 (アナログ, 2枚: きざみ) with 写真診断 and 半切 film (特定器材). 国保 72歳 2割.
            name: "two-visits-innai",
            json: claim(
                r#"{"birth_date":"1952-03-15","sex":"male"}"#,
                r#"{"scheme":"kokuho","burden_percent":20,"income_class":"一般"}"#,
                "",
                &[
                    visit(
                        "2024-07-05",
                        "",
                        &[
                            p("112007410"),
                            p("120001210"),
                            p("120000710"),
                            p("120001010"),
                            p("120001810"),
                            rx("internal", 14, &[amlodipine, calonal]),
                            rx("internal", 14, &[etizolam]),
                            rx("as_needed", 5, &[loxonin]),
                            rx("external", 1, &[loxonin_pap]),
                        ],
                    ),
                    visit(
                        "2024-07-19",
                        "",
                        &[
                            p("112007410"),
                            p("120001210"),
                            p("120000710"),
                            rx("internal", 14, &[amlodipine, calonal]),
                            rx("internal", 14, &[etizolam]),
                            pq("170000410", 2),
                            pq("170001910", 2),
                            mat("700010000", "2"),
                        ],
                    ),
                ],
            ),
            kind: "1118",
            publics: 0,
        },
        Case {
            // 医保 + 難病 (54) covering the first visit only: 負担区分 2 on its lines, 1 on the
            // second visit's (so the two 再診料 are not merged); KO 合計点数 = the first visit.
            name: "public-fund-54",
            json: claim(
                r#"{"birth_date":"1985-09-01","sex":"female"}"#,
                &format!(
                    r#"{{"scheme":"kokuho","burden_percent":30,"income_class":"ウ",
                    "public_funds":[{{"law_number":"54","payer_number":"{}",
                    "recipient_number":"1234567","monthly_cap_yen":5000,"covers":["visits[0]"]}}]}}"#,
                    payer("54", "001")
                ),
                "",
                &[
                    visit(
                        "2024-07-08",
                        "",
                        &[
                            p("112007410"),
                            p("120002910"),
                            p("160054710"),
                            p("160008010"),
                        ],
                    ),
                    visit("2024-07-22", "", &[p("112007410"), p("120002910")]),
                ],
            ),
            kind: "1122",
            publics: 1,
        },
        Case {
            // 公費単独: 生活保護 (12), no HO; the KO carries the receipt total.
            name: "seiho",
            json: claim(
                r#"{"birth_date":"1964-11-20","sex":"male"}"#,
                &format!(
                    r#"{{"public_funds":[{{"law_number":"12","payer_number":"{}",
                    "recipient_number":"7654321"}}]}}"#,
                    payer("12", "101")
                ),
                "",
                &[visit(
                    "2024-07-10",
                    "",
                    &[
                        p("111000110"),
                        p("160095710"),
                        p("160008010"),
                        p("160054710"),
                        p("120002910"),
                    ],
                )],
            ),
            kind: "1212",
            publics: 1,
        },
        Case {
            // 後期高齢者 1割, three visits: 再診 (merged ×3), 創傷処置 with 皮膚欠損用創傷被覆材
            // (特定器材, cm²) on two of them, 処方箋料 once.
            name: "kouki",
            json: claim(
                r#"{"birth_date":"1944-02-02","sex":"female"}"#,
                r#"{"scheme":"kouki","burden_percent":10,"income_class":"一般Ⅰ"}"#,
                "",
                &[
                    visit(
                        "2024-07-01",
                        "",
                        // The engine files a material under the 診療識別 of the day's last
                        // procedure: 処方箋料 first, so that it is 40 (処置) on both days.
                        &[
                            p("112007410"),
                            p("120002910"),
                            p("140000610"),
                            mat("710010301", "20"),
                        ],
                    ),
                    visit(
                        "2024-07-04",
                        "",
                        &[p("112007410"), p("140000610"), mat("710010301", "20")],
                    ),
                    visit("2024-07-11", "", &[p("112007410")]),
                ],
            ),
            kind: "1318",
            publics: 0,
        },
        Case {
            // 未就学者 (2歳) 家族, 初診 時間外 (the 乳幼児時間外加算 replaces 乳幼児加算), 処方箋料
            // (with its 乳幼児加算).
            name: "preschool",
            json: claim(
                r#"{"birth_date":"2022-01-15","sex":"male"}"#,
                r#"{"scheme":"shaho","relation":"dependent","burden_percent":20}"#,
                "",
                &[visit(
                    "2024-07-13",
                    r#","time":"overtime""#,
                    &[p("111000110"), p("120002910")],
                )],
            ),
            kind: "1114",
            publics: 0,
        },
    ]
}

fn facility() -> FacilityHeader {
    FacilityHeader {
        payer: 1,
        prefecture: 13,
        code: "1312345".into(),
        name: "算定クリニック".into(),
        billing_month: YearMonth {
            year: 2024,
            month: 8,
        },
        phone: "0312345678".into(),
    }
}

fn computed() -> Vec<(Case, Claim, ClaimResult)> {
    let (engine, _) = setup();
    cases()
        .into_iter()
        .map(|c| {
            let claim = Engine::parse_claim(c.json.as_bytes()).expect(c.name);
            let result = engine.calculate(&claim).expect(c.name);
            (c, claim, result)
        })
        .collect()
}

fn write(all: &[(Case, Claim, ClaimResult)], enc: Encoding) -> Vec<u8> {
    let mut w = UkeWriter::new(Vec::new(), &facility(), enc).unwrap();
    for (i, (c, claim, result)) in all.iter().enumerate() {
        let info = PatientInfo {
            name: format!("患者　{}", i + 1),
            kana: "カンジャ".into(),
            chart: format!("{}", 100 + i),
            insurer: if claim.insurance.scheme.is_some() {
                "06132013".into()
            } else {
                String::new()
            },
            symbol: "１２３".into(),
            number: "４５６".into(),
        };
        w.write_receipt_with(i as u32 + 1, claim, result, &info)
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
    }
    w.finish().unwrap()
}

#[test]
fn realistic_claims_round_trip_without_a_difference() {
    let (_, catalog) = setup();
    let all = computed();
    for (c, _, r) in &all {
        // The claims are meant to be clean: every line billed.
        let errors: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.severity == santei_engine::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", c.name);
        assert!(r.copay.is_some(), "{}: no copayment", c.name);
    }
    for enc in [Encoding::Utf8, Encoding::Cp932] {
        let bytes = write(&all, enc);
        let mut recalc = Recalc::new(catalog);
        let mut receipts = 0;
        let mut go_checks = Vec::new();
        let mut expected_cases = 0u64;
        for item in UkeReader::new(&bytes[..], "roundtrip.UKE", enc) {
            match item.unwrap_or_else(|e| panic!("{e}")) {
                Item::Receipt(r) => {
                    let (case, _, result) = &all[receipts];
                    receipts += 1;
                    assert_eq!(r.number as usize, receipts);
                    let rep = recalc.receipt(&r);
                    for ch in &rep.checks {
                        assert_eq!(ch.status, Status::Match, "{}: {ch:#?}", case.name);
                    }
                    assert!(!rep.differs());
                    assert_eq!(
                        r.claimed_total(),
                        Some(result.total_points),
                        "{}",
                        case.name
                    );
                    assert_eq!(rep.computed_total, result.total_points, "{}", case.name);
                    // 回数 = Σ 算定日 on every line; the receipt total and each KO total match.
                    let count = |k: CheckKind| rep.checks.iter().filter(|c| c.kind == k).count();
                    assert_eq!(count(CheckKind::DayCounts), 0, "{}", case.name);
                    assert_eq!(rep.day_counts_matched as usize, rep.lines, "{}", case.name);
                    assert_eq!(count(CheckKind::ReceiptTotal), 1);
                    assert_eq!(r.publics.len(), case.publics, "{}", case.name);
                    let copay = result.copay.as_ref().unwrap();
                    for (k, ko) in r.publics.iter().enumerate() {
                        assert_eq!(ko.points, Some(copay.receipt.ko[k].total_points));
                    }
                    expected_cases += r.cases();
                }
                Item::Totals(go) => {
                    assert_eq!(go.total_cases, Some(expected_cases));
                    let total: i64 = all.iter().map(|(_, _, r)| r.total_points).sum();
                    assert_eq!(go.total_points, Some(total));
                    go_checks = recalc.totals(&go);
                }
                _ => {}
            }
        }
        assert_eq!(receipts, all.len());
        let s = recalc.summary();
        assert_eq!(go_checks.len(), 2);
        assert!(go_checks.iter().all(|c| c.status == Status::Match));
        assert_eq!(s.total(Status::Differs), 0);
        // Every SI run (the まるめ of claim 1 through the 告示's tiers), every 剤 (two merged
        // 内服, 頓服, 外用) and every material run was recalculated from the master and matched.
        assert_eq!(s.count(CheckKind::Procedure, Status::Match), 41, "{s:#?}");
        assert_eq!(s.count(CheckKind::Drug, Status::Match), 4, "{s:#?}");
        assert_eq!(s.count(CheckKind::Drug, Status::CannotCheck), 0);
        assert_eq!(s.count(CheckKind::Material, Status::Match), 2, "{s:#?}");
        assert_eq!(s.count(CheckKind::PublicTotal, Status::Match), 1);
        assert_eq!(s.total(Status::CannotCheck), 0, "{s:#?}");
    }
}

#[test]
fn kinds_burdens_and_merged_runs_in_the_text() {
    let all = computed();
    let bytes = write(&all, Encoding::Utf8);
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    let re: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("RE,"))
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    let want: Vec<&str> = all.iter().map(|(c, _, _)| c.kind).collect();
    assert_eq!(re, want);
    let field = |l: &str, i: usize| l.split(',').nth(i).unwrap_or("").to_string();
    // Receipt 2: the 内服 剤 of both visits is one run: 回数 28, 14 on day 5 and on day 19.
    let amlo = lines
        .iter()
        .find(|l| l.starts_with("IY,21,1,620007870,"))
        .expect("first drug of the 剤 starts the run with 診療識別 21");
    assert_eq!(field(amlo, 5), "", "点数 only on the last record of the 剤");
    assert_eq!(field(amlo, 6), "28");
    assert_eq!(
        (field(amlo, 12 + 5), field(amlo, 12 + 19)),
        ("14".into(), "14".into())
    );
    let calonal = lines
        .iter()
        .find(|l| l.starts_with("IY,,1,620002023,3,"))
        .unwrap();
    assert_ne!(field(calonal, 5), "");
    assert_eq!(field(calonal, 6), "28");
    // Receipt 3: 再診料 under the 公費 (負担区分 2) on day 8, alone (1) on day 22.
    let r3: Vec<&&str> = lines
        .iter()
        .skip_while(|l| !l.starts_with("RE,3,"))
        .take_while(|l| !l.starts_with("RE,4,"))
        .collect();
    let saishin: Vec<String> = r3
        .iter()
        .filter(|l| l.contains(",112007410,"))
        .map(|l| format!("{}:{}", field(l, 2), field(l, 6)))
        .collect();
    assert_eq!(saishin, ["2:1", "1:1"]);
    assert!(r3.iter().any(|l| l.starts_with("KO,5413001")));
    // Receipt 4 (公費単独): no HO, 負担区分 5.
    let r4: Vec<&&str> = lines
        .iter()
        .skip_while(|l| !l.starts_with("RE,4,"))
        .take_while(|l| !l.starts_with("RE,5,"))
        .collect();
    assert!(!r4.iter().any(|l| l.starts_with("HO,")));
    assert!(
        r4.iter()
            .filter(|l| l.starts_with("SI,"))
            .all(|l| field(l, 2) == "5")
    );
    // Receipt 5: 再診料 merged over three days; the material on the days it was used.
    let r5: Vec<&&str> = lines
        .iter()
        .skip_while(|l| !l.starts_with("RE,5,"))
        .take_while(|l| !l.starts_with("RE,6,"))
        .collect();
    let saishin = r5.iter().find(|l| l.contains(",112007410,")).unwrap();
    assert_eq!(field(saishin, 6), "3");
    let to = r5.iter().find(|l| l.starts_with("TO,")).unwrap();
    assert_eq!(to.split(',').count(), 48);
    assert_eq!((field(to, 4), field(to, 6)), ("20".into(), "2".into()));
    assert_eq!(
        (field(to, 16 + 1), field(to, 16 + 4)),
        ("1".into(), "1".into())
    );
    // GO: one case per HO (5 receipts) and per KO (2).
    assert_eq!(
        lines.iter().rev().nth(1).map(|l| field(l, 1)),
        Some("7".into())
    );
}

/// An 入院 claim (the golden case nyuin/naifuku_7shurui_no_gen without its drugs): RE 入院年月日 is
/// written from `admission_date`, read back into `Receipt::admission`, and the receipt
/// recalculates without a difference (the rule checks count 入院中 limits from that date).
#[test]
fn inpatient_receipt_carries_its_admission_date() {
    let (engine, _) = setup();
    let json = r#"{"format":"santei.claim/1",
      "patient":{"birth_date":"1950-05-10","sex":"male"},
      "insurance":{"scheme":"kokuho","relation":"insured","burden_percent":30},
      "facility":{"kind":"clinic","standards":[3259]},
      "setting":"inpatient","admission_date":"2024-07-08",
      "visits":[{"date":"2024-07-08","items":[
        {"type":"procedure","code":"190169610"},{"type":"procedure","code":"120001110"}]}]}"#;
    let claim = Engine::parse_claim(json.as_bytes()).unwrap();
    let result = engine.calculate(&claim).unwrap();
    // 告示 A108 1 イ 932 + F000 2 入院中 7 (see the golden case).
    assert_eq!(result.total_points, 939);
    let info = PatientInfo {
        name: "入院　太郎".into(),
        kana: "ニュウイン".into(),
        chart: "7".into(),
        insurer: "06132013".into(),
        symbol: "１".into(),
        number: "２".into(),
    };
    let mut w = UkeWriter::new(Vec::new(), &facility(), Encoding::Utf8).unwrap();
    w.write_receipt_with(1, &claim, &result, &info).unwrap();
    let bytes = w.finish().unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let re = text.lines().find(|l| l.starts_with("RE,")).unwrap();
    let fields: Vec<&str> = re.split(',').collect();
    // レセプト種別 1119 (医保単独, 入院, 高齢受給者 7割: 74歳 with 3割 負担), 8 入院年月日.
    assert_eq!((fields[2], fields[8]), ("1119", "20240708"), "{re}");
    let mut recalc = Recalc::with_engine(engine);
    let mut seen = 0;
    for item in UkeReader::new(&bytes[..], "nyuin.UKE", Encoding::Utf8) {
        if let Item::Receipt(r) = item.unwrap() {
            assert!(r.is_inpatient());
            assert_eq!(
                r.admission,
                santei_engine::masters::Date::from_ymd(2024, 7, 8)
            );
            let rep = recalc.receipt(&r);
            assert!(!rep.differs(), "{:#?}", rep.checks);
            assert_eq!(rep.computed_total, 939);
            seen += 1;
        }
    }
    assert_eq!(seen, 1);
}
