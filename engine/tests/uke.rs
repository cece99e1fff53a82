//! UKE reader and recalculation on the real samples in ../shared/uke (read-only fixtures).

use std::io::BufReader;
use std::path::PathBuf;

use santei_engine::masters::{Encoding, MasterCatalog, MasterSet};
use santei_engine::uke::{CheckKind, Item, Recalc, ReceiptReport, Status, UkeReader};

fn shared(p: &str) -> PathBuf {
    santei_test_data::path(p)
}

fn catalog_r02() -> MasterCatalog {
    let mut c = MasterCatalog::new();
    c.insert(MasterSet::load(shared("masters/r02")).expect("r02 masters"));
    c
}

struct Run {
    reports: Vec<ReceiptReport>,
    go: Vec<santei_engine::uke::Check>,
    errors: usize,
    summary: santei_engine::uke::Summary,
}

fn run(path: &str, catalog: &MasterCatalog) -> Run {
    let file = std::fs::File::open(shared(path)).unwrap();
    run_reader(BufReader::new(file), path, Encoding::Cp932, catalog)
}

fn run_reader<R: std::io::BufRead>(
    input: R,
    path: &str,
    enc: Encoding,
    catalog: &MasterCatalog,
) -> Run {
    let reader = UkeReader::new(input, path, enc);
    let mut recalc = Recalc::new(catalog);
    let mut out = Run {
        reports: vec![],
        go: vec![],
        errors: 0,
        summary: Default::default(),
    };
    for item in reader {
        match item {
            Ok(Item::Receipt(r)) => out.reports.push(recalc.receipt(&r)),
            Ok(Item::Totals(go)) => out.go.extend(recalc.totals(&go)),
            Ok(_) => {}
            Err(e) => {
                eprintln!("{e}");
                recalc.malformed(&e);
                out.errors += 1;
            }
        }
    }
    out.summary = recalc.summary().clone();
    out
}

const GAIRAI: &str = "uke/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE";
const IKA: &str = "uke/receparser/ikasample.csv";

fn checks(r: &Run, kind: CheckKind) -> impl Iterator<Item = (u32, &santei_engine::uke::Check)> {
    r.reports.iter().flat_map(move |rep| {
        rep.checks
            .iter()
            .filter(move |c| c.kind == kind)
            .map(move |c| (rep.number, c))
    })
}

#[test]
fn gairai_sample_totals_go_and_si_lines() {
    let cat = catalog_r02();
    let r = run(GAIRAI, &cat);
    assert_eq!(r.errors, 0);
    assert_eq!(r.reports.len(), 75);
    assert_eq!(
        r.reports.iter().map(|x| x.number).collect::<Vec<_>>(),
        (1..=75).collect::<Vec<_>>()
    );
    // Every receipt's 合計点数 (HO, else first KO) equals Σ 点数 × 回数 of its lines.
    for rep in &r.reports {
        assert_eq!(
            rep.claimed_total,
            Some(rep.computed_total),
            "receipt {}",
            rep.number
        );
    }
    let s = &r.summary;
    assert_eq!(s.count(CheckKind::ReceiptTotal, Status::Match), 75);
    // 65 KO 合計点数 alongside an HO, each equal to the lines whose 負担区分 names that 公費.
    assert_eq!(s.count(CheckKind::PublicTotal, Status::Match), 65);
    assert_eq!(s.count(CheckKind::PublicTotal, Status::Differs), 0);
    // GO: 140 件 (69 HO + 71 KO), 86,392 点.
    assert_eq!(r.go.len(), 2);
    assert!(r.go.iter().all(|c| c.status == Status::Match), "{:?}", r.go);
    assert_eq!(r.go[0].claimed, Some(140));
    assert_eq!(r.go[1].claimed, Some(86392));
    assert_eq!((s.claimed_points, s.computed_points), (86392, 86392));

    // SI 算定単位 vs the r02 医科診療行為マスター: 246 units.
    // - 238 match. Checked by hand: 111000110 初診料 288点 and 112007410 再診料 73点 (r02, see
    //   ../shared/masters/README.md); the 9 きざみ units, e.g. 160177770 (10点 per 数量, 下限 1):
    //   数量 5 → 10 + 10 × 4 = 50点 as claimed; 170000410 (85点 + 42.5 per further 1): 数量 3 →
    //   85 + 42.5 × 2 = 170点 as claimed. 20 of them are units of several codes (the 加算 written
    //   with their base item), e.g. 再診料 73 + 明細書発行体制等加算 1 = 74; ＥＣＧ１２ 130 + ＥＦ－胃・
    //   十二指腸 1,140 + 乳幼児加算（生体検査）70% of that Σ = 2,159; 心身医学療法 110 + 200% = 330;
    //   単純撮影（デジタル撮影） (きざみ, 数量 1: 68) + 幼児加算 30% (20.4 → 20) = 88.
    //   7 of them are D007 生化学的検査(Ⅰ) まるめ, each billed on its last line at the r02 tier
    //   (告示 D007 注, ../shared/law/r02/kokuji_ika.txt l.6439–6446: 5〜7項目 93点, 8・9項目 99点,
    //   10項目以上 109点). Counted by hand from the file (all 包括対象検査 1 in s_ALL20220218):
    //     receipt 15, l.139–143: ＴＰ, クレアチニン, ＵＡ, ＡＬＰ, カリウム                 5 → 93
    //     receipt 21, l.189–193: ＴＰ, Ａｌｂ, ＢＵＮ, クレアチニン, Ｔｃｈｏ              5 → 93
    //     receipt 22, l.200–206: ＴＰ, ＴＧ, Ｔｃｈｏ, ＡＳＴ, ＡＬＴ, 蛋白分画, ＬＤＬ     7 → 93
    //     receipt 23, l.213–220: ＴＰ, ＵＡ, γ－ＧＴ, ＴＧ, Ｔｃｈｏ, ＡＳＴ, ＡＬＴ, ＬＤＬ 8 → 99
    //     receipt 24, l.227–234: ＴＰ, ＢＵＮ, クレアチニン, ＡＬＰ, ＴＧ, Ｆｅ, Ｔｃｈｏ, ＨＤＬ 8 → 99
    //     receipt 24, l.235–242: ＴＰ, Ａｌｂ, ＢＵＮ, クレアチニン, ＴＧ, Ｆｅ, Ｔｃｈｏ, ＨＤＬ 8 → 99
    //     receipt 71, l.603–607: ＴＰ, Ａｌｂ, ＢＵＮ, クレアチニン, Ｔｃｈｏ              5 → 93
    //   (l. = line of the file; the tier, not the Σ of the items, is what each unit claims).
    // - 0 differ.
    // - 8 cannot be checked, each with its reason: 7 units with a code the 2022-02 r02 file no
    //   longer has (the 2021 感染症 特例 加算 such as 111014070), one unit with the same 乳幼児加算
    //   (70%) twice claiming 3,671 (1,270 × 170/100 would be 2,159; each % applies once).
    assert_eq!(s.count(CheckKind::Procedure, Status::Match), 238);
    assert_eq!(s.count(CheckKind::Procedure, Status::Differs), 0);
    assert_eq!(s.count(CheckKind::Procedure, Status::CannotCheck), 8);
    let reasons = |needle: &str| {
        checks(&r, CheckKind::Procedure)
            .filter(|(_, c)| c.status == Status::CannotCheck && c.reason.contains(needle))
            .count()
    };
    assert_eq!(reasons("code not in the 診療行為マスター"), 7);
    assert_eq!(reasons("まるめ"), 0);
    assert_eq!(reasons("two %加算/%減算 lines of the same code"), 1);
    let bundles: Vec<_> = checks(&r, CheckKind::Procedure)
        .filter(|(_, c)| c.reason.contains("まるめ"))
        .collect();
    assert!(bundles.iter().all(|(_, c)| c.status == Status::Match));
    assert_eq!(
        bundles
            .iter()
            .map(|(n, c)| (*n, c.line, c.claimed, c.computed))
            .collect::<Vec<_>>(),
        [
            (15, 139, Some(93), Some(93)),
            (21, 189, Some(93), Some(93)),
            (22, 200, Some(93), Some(93)),
            (23, 213, Some(99), Some(99)),
            (24, 227, Some(99), Some(99)),
            (24, 235, Some(99), Some(99)),
            (71, 603, Some(93), Some(93)),
        ]
    );
    for claimed in [74, 2159, 330, 88] {
        let unit = checks(&r, CheckKind::Procedure)
            .find(|(_, c)| c.claimed == Some(claimed) && c.code.is_none())
            .unwrap_or_else(|| panic!("a multi-code unit claiming {claimed}"))
            .1;
        assert_eq!((unit.status, unit.computed), (Status::Match, Some(claimed)));
    }
    let first = checks(&r, CheckKind::Procedure)
        .find(|(_, c)| c.code == Some(111000110))
        .unwrap()
        .1;
    assert_eq!((first.status, first.computed), (Status::Match, Some(288)));
    let kizami = checks(&r, CheckKind::Procedure)
        .find(|(n, c)| *n == 51 && c.code == Some(170000410))
        .unwrap()
        .1;
    assert_eq!(
        (kizami.claimed, kizami.computed, kizami.status),
        (Some(170), Some(170), Status::Match)
    );
    // 回数 = Σ 算定日 counts on every one of the 352 SI/IY/TO lines.
    assert_eq!(s.count(CheckKind::DayCounts, Status::Match), 352);
    // IY: 22 剤, none checkable: ../shared/masters/r02 holds no 医薬品マスター.
    assert_eq!(s.count(CheckKind::Drug, Status::CannotCheck), 22);
    assert_eq!(s.total(Status::Differs), 0);
}

#[test]
fn gairai_sample_as_utf8_lf_with_eof_mark_reads_the_same() {
    let cat = catalog_r02();
    let bytes = std::fs::read(shared(GAIRAI)).unwrap();
    let text = santei_engine::masters::text::decode(&bytes, Encoding::Cp932, GAIRAI).unwrap();
    let mut utf8 = text.replace("\r\n", "\n").into_bytes();
    utf8.push(0x1A);
    let a = run(GAIRAI, &cat);
    let b = run_reader(&utf8[..], "utf8.UKE", Encoding::Utf8, &cat);
    assert_eq!(b.errors, 0);
    assert_eq!(a.reports, b.reports);
    assert_eq!(a.summary, b.summary);
    assert_eq!(
        santei_engine::uke::reader::sniff_encoding(&utf8),
        Encoding::Utf8
    );
    assert_eq!(
        santei_engine::uke::reader::sniff_encoding(&bytes),
        Encoding::Cp932
    );
}

#[test]
fn ikasample_inpatient_payer_side() {
    let cat = catalog_r02();
    let r = run(IKA, &cat);
    // 9 receipts (payer-side: one IR per receipt, EX/RC/MN/JY records kept as unknown records).
    assert_eq!(r.errors, 0);
    assert_eq!(r.reports.len(), 9);
    assert!(r.reports.iter().all(|x| x.inpatient || x.number == 3));
    // 和暦 診療年月 (H28 = 2016).
    assert_eq!(r.reports[0].month.to_string(), "2016-05");
    // Receipt 1: 55,998 − 23,550 (診療識別 97, yen) = 32,448 = HO 合計点数.
    assert_eq!(
        (r.reports[0].claimed_total, r.reports[0].computed_total),
        (Some(32448), 32448)
    );
    // All 9 receipts match. Receipt 3 (外来, 医保 + 公費) has 7種類以上の内服薬: its IY 630010002
    // 薬剤料逓減（９０／１００） records 534 (10/100 of the 5,340 of its 内服薬), which is
    // subtracted (医薬品 金額種別 7 減点; マスターファイル仕様説明書 (3) 4): the other lines add up to
    // 11,498, and 11,498 − 534 = 10,964 = HO and KO 合計点数. (Read as a plus line, the sum would
    // be 12,032: the "difference" an earlier version reported.)
    let differ: Vec<u32> = checks(&r, CheckKind::ReceiptTotal)
        .filter(|(_, c)| c.status == Status::Differs)
        .map(|(n, _)| n)
        .collect();
    assert_eq!(differ, Vec::<u32>::new());
    assert_eq!(r.summary.count(CheckKind::ReceiptTotal, Status::Match), 9);
    let rep3 = r.reports.iter().find(|x| x.number == 3).unwrap();
    assert_eq!(
        (rep3.claimed_total, rep3.computed_total),
        (Some(10964), 10964)
    );
    // 回数 = Σ 算定日 counts on every one of the 596 lines.
    assert_eq!(r.summary.count(CheckKind::DayCounts, Status::Match), 596);
    assert_eq!(r.summary.lines, 596);
    // No GO record in this variant.
    assert!(r.go.is_empty());
    // No masters for 2016: every line is "cannot check", with the reason, the 47 lines under 97
    // (食事, yen, never in the totals) too: their 金額 is checked against the master of the month.
    assert_eq!(r.summary.count(CheckKind::Procedure, Status::Match), 0);
    assert_eq!(r.summary.count(CheckKind::Drug, Status::Match), 0);
    assert!(
        r.summary
            .cannot_check_reasons
            .keys()
            .all(|(_, k)| k.contains("no masters loaded for 診療年月 2016-"))
    );
}

/// The 14 DPC receipts of dpcsample.csv: 8 with DPC records (BU/SB/KK/GA/HH/GT/CD/SK), 6 of a
/// DPC 総括 group without any (RE レセプト総括区分 1 総括 or 3 総括対象医科, field 18). Each is read
/// (not a malformed file) and reported with one "cannot check" check, DPC being out of scope;
/// none matches or differs, and the run counts them as out of scope.
#[test]
fn dpc_sample_receipts_cannot_be_checked() {
    let cat = catalog_r02();
    let r = run("uke/receparser/dpcsample.csv", &cat);
    assert_eq!(r.errors, 0);
    assert_eq!(r.reports.len(), 14);
    for rep in &r.reports {
        assert!(rep.out_of_scope, "receipt {}", rep.number);
        assert_eq!(rep.checks.len(), 1);
        let c = &rep.checks[0];
        assert_eq!(
            (c.kind, c.status),
            (CheckKind::ReceiptTotal, Status::CannotCheck)
        );
        assert_eq!(c.reason, santei_engine::uke::DPC_OUT_OF_SCOPE);
        assert_eq!(rep.computed_total, rep.claimed_total.unwrap_or(0));
    }
    // Receipt 1: its first DPC record is the BU on line 5; the second receipt (line 327) is a
    // 総括 receipt, marked by its RE.
    assert_eq!(r.reports[0].checks[0].line, 5);
    assert_eq!(r.reports[1].checks[0].line, 327);
    assert_eq!(r.summary.out_of_scope, 14);
    assert_eq!(r.summary.total(Status::Match), 0);
    assert_eq!(r.summary.total(Status::Differs), 0);
    assert_eq!(r.summary.total(Status::CannotCheck), 14);
}

/// An ordinary 医科 receipt of ikasample.csv becomes a DPC receipt with one BU record (診断群分類
///番号, from dpcsample.csv): it is then not recalculated, while the same receipt without the BU
/// record is.
#[test]
fn a_bu_record_makes_a_receipt_dpc() {
    let text = std::fs::read(shared(IKA)).unwrap();
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&text);
    assert!(!bad);
    // The first receipt: from its RE to the next IR.
    let start = text.find("\nRE,").unwrap() + 1;
    let end = start + text[start..].find("\nIR,").unwrap() + 1;
    let receipt = &text[start..end];
    let cat = catalog_r02();
    let plain = run_reader(receipt.as_bytes(), "t", Encoding::Utf8, &cat);
    assert_eq!(plain.errors, 0);
    assert!(!plain.reports[0].out_of_scope);
    assert!(plain.reports[0].checks.len() > 1);
    // After the HO record.
    let ho_end = receipt.find("\nHO,").unwrap() + 1;
    let ho_end = ho_end + receipt[ho_end..].find('\n').unwrap() + 1;
    let dpc = format!(
        "{}BU,110290XX99X00X,4280617,4280621,6,\r\n{}",
        &receipt[..ho_end],
        &receipt[ho_end..]
    );
    let r = run_reader(dpc.as_bytes(), "t", Encoding::Utf8, &cat);
    assert_eq!(r.errors, 0);
    assert_eq!(r.reports.len(), 1);
    let rep = &r.reports[0];
    assert!(rep.out_of_scope);
    assert_eq!(rep.checks.len(), 1);
    assert_eq!(rep.checks[0].status, Status::CannotCheck);
    assert_eq!(rep.checks[0].reason, santei_engine::uke::DPC_OUT_OF_SCOPE);
    assert_eq!(r.summary.out_of_scope, 1);
}

#[test]
fn impossible_year_month_is_an_error_not_a_panic() {
    use santei_engine::uke::reader::YearMonth;
    assert!(YearMonth::parse("000001").is_none());
    assert!(YearMonth::parse("202413").is_none());
    assert!(YearMonth::parse("202410").is_some());
    assert!(YearMonth::parse("50610").is_some()); // 令和6年10月
}

/// The parallel batch gives the same events in the same order as the plain reader, whatever the
/// number of threads and the block size; a malformed receipt in the middle stays in its place.
#[test]
fn batch_is_the_sequential_run_in_file_order() {
    use santei_engine::uke::batch::{self, BatchOptions, Event};
    use santei_engine::uke::{Recalculator, Tally};
    let catalog = catalog_r02();
    let mut bytes = std::fs::read(shared(GAIRAI)).unwrap();
    // Break the 30th receipt's 診療年月 (a malformed receipt in the middle of the file). Bytes,
    // not text: the file is CP932.
    let re_starts: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i..].starts_with(b"RE,") && (i == 0 || bytes[i - 1] == b'\n'))
        .collect();
    let at = re_starts[29];
    let commas: Vec<usize> = (at..bytes.len())
        .filter(|&i| bytes[i] == b',')
        .take(3)
        .collect();
    bytes[commas[2] + 1] = b'X';
    let seq = run_reader(&bytes[..], "g.UKE", Encoding::Cp932, &catalog);
    assert_eq!(seq.errors, 1);
    let calc = Recalculator::new(&catalog);
    for (jobs, block) in [(1, 8192), (2, 1), (3, 20_000), (4, 1 << 20)] {
        let mut tally = Tally::new();
        let mut reports = Vec::new();
        let mut go = Vec::new();
        let mut errors = Vec::new();
        let mut last = 0;
        batch::run(
            batch::Input {
                read: &bytes[..],
                file: "g.UKE",
                encoding: Encoding::Cp932,
            },
            &calc,
            &mut tally,
            BatchOptions {
                jobs,
                block_bytes: block,
            },
            |p| {
                assert!(p.bytes >= last);
                last = p.bytes;
            },
            |e| {
                match e {
                    Event::Receipt(r) => reports.push(r),
                    Event::Totals(c) => go.extend(c),
                    Event::Error(e) => errors.push((reports.len(), e.line)),
                    Event::Facility(_) | Event::Other(_) => {}
                }
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(reports, seq.reports, "jobs {jobs} block {block}");
        assert_eq!(go, seq.go, "jobs {jobs} block {block}");
        assert_eq!(tally.summary, seq.summary, "jobs {jobs} block {block}");
        // The error comes after receipt 29, with the line of receipt 30's RE.
        let re_line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        assert_eq!(errors, vec![(29, re_line)], "jobs {jobs} block {block}");
        assert_eq!(last, bytes.len() as u64);
    }
}

/// A sink error ends the batch (no thread left waiting) and comes back to the caller.
#[test]
fn batch_stops_on_a_sink_error() {
    use santei_engine::uke::batch::{self, BatchOptions, Event};
    use santei_engine::uke::{Recalculator, Tally};
    let catalog = catalog_r02();
    let bytes = std::fs::read(shared(GAIRAI)).unwrap();
    let calc = Recalculator::new(&catalog);
    let mut seen = 0;
    let err = batch::run(
        batch::Input {
            read: &bytes[..],
            file: "g.UKE",
            encoding: Encoding::Cp932,
        },
        &calc,
        &mut Tally::new(),
        BatchOptions {
            jobs: 2,
            block_bytes: 1,
        },
        |_| {},
        |e| {
            if let Event::Receipt(_) = e {
                seen += 1;
                if seen == 5 {
                    return Err(std::io::Error::other("disk full"));
                }
            }
            Ok(())
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "disk full");
    assert_eq!(seen, 5);
}

/// Rule checks in the recalculation: the r06 電子点数表 (03-3 背反) and the 算定回数 limit (05)
/// through the same rule engine as `calculate`. 活用手引き examples: 血管内視鏡検査 160171310 and
/// 透視診断 170000310 the same day (背反区分 1: the 透視診断 is not billable), and リンパ浮腫複合的
/// 治療料（重症） 180046410 月1回 with 特例条件 (a person must look, never a silent drop).
#[test]
fn recalc_checks_the_rules_of_the_engine() {
    use santei_engine::EngineBuilder;
    use santei_engine::uke::{Recalculator, RuleRef};
    let engine = EngineBuilder::new()
        .set(MasterSet::load(shared("masters/r06")).expect("r06 masters"))
        .etensu(shared("etensu/r06"))
        .build()
        .expect("engine");
    // 再診 75 on the 1st and 8th; D324 2,040 + E000 110 on the 1st; H007-4 200 on the 1st and 8th:
    // 150 + 2,040 + 110 + 400 = 2,700.
    let text = "RE,1,1112,202407,テスト,2,19600201,,,,,,,,\n\
        HO,06132013,1,1,2,2700,,,,,,,,,\n\
        SI,12,1,112007410,,75,2,,,,,,,1,,,,,,,1\n\
        SI,60,1,160171310,,2040,1,,,,,,,1\n\
        SI,70,1,170000310,,110,1,,,,,,,1\n\
        SI,80,1,180046410,,200,2,,,,,,,1,,,,,,,1\n";
    let mut recalc = santei_engine::uke::Recalc {
        calc: Recalculator::with_engine(&engine),
        tally: Default::default(),
    };
    let items: Vec<_> = UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8).collect();
    let Ok(Item::Receipt(r)) = &items[0] else {
        panic!("{items:?}")
    };
    let rep = recalc.receipt(r);
    let rules: Vec<(Status, u32, &str)> = rep
        .checks
        .iter()
        .filter(|c| c.kind == CheckKind::Rule)
        .map(|c| {
            let RuleRef { id, .. } = &**c.rule.as_ref().unwrap();
            (c.status, c.code.unwrap(), id.as_str())
        })
        .collect();
    assert!(
        rules.contains(&(
            Status::Differs,
            170000310,
            "etensu.03-3.160171310.170000310"
        )),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|&(s, code, _)| s == Status::CannotCheck && code == 180046410),
        "{rules:?}"
    );
    // Points and totals still match: the rules add findings, they do not change the sums.
    assert!(
        rep.checks
            .iter()
            .filter(|c| c.kind == CheckKind::ReceiptTotal)
            .all(|c| c.status == Status::Match)
    );
    // Without rules: no rule checks.
    let plain = Recalculator::with_engine_masters(&engine).receipt(r);
    assert!(plain.checks.iter().all(|c| c.kind != CheckKind::Rule));
}

/// A %減算 unit in a UKE file: 特定疾患療養管理料 225 with 施設基準不適合減算 30% claims 158
/// (157.5 rounded half up, the result of 所定点数の100分の70): a match, not a difference.
#[test]
fn percent_subtraction_unit_rounds_the_result() {
    let mut catalog = MasterCatalog::new();
    catalog.insert(MasterSet::load(shared("masters/r06")).expect("r06 masters"));
    let text = "RE,1,1112,202407,a,1,19600101\nHO,06132013,1,1,1,158\n\
        SI,13,1,113001810,,,1,,,,,,,,,1\nSI,,1,113023770,,158,1,,,,,,,,,1\n";
    let mut recalc = Recalc::new(&catalog);
    let mut seen = 0;
    for item in UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8) {
        if let Ok(Item::Receipt(r)) = item {
            let rep = recalc.receipt(&r);
            let unit = rep
                .checks
                .iter()
                .find(|c| c.kind == CheckKind::Procedure)
                .unwrap();
            assert_eq!(
                (unit.status, unit.computed),
                (Status::Match, Some(158)),
                "{unit:#?}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 1);
}
