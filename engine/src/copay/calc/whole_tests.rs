//! The month in whole yen ([`amount::Whole`]) gives what the month in Decimal gives: every claim
//! of a grid (ages, 所得区分, 入院/外来, 公費 with ‰, caps, per-visit amounts and partial covers,
//! マル長, 多数回, 75歳到達月, the 後期 2割 配慮措置, amounts below and above the limits) is computed
//! both ways, and the JSON of the copayments (the Decimals of the explanations with their scale)
//! and the findings must be the same.

use super::group::Grouped;
use super::run::settle;
use super::*;
use crate::copay::LocalSchemes;
use crate::copay::attach::prepare;

const P54: &str = r#""law_number":"54","payer_number":"54130158","recipient_number":"1234566""#;

fn payer(law: &str) -> String {
    let first7 = format!("{law}13015");
    let check = crate::copay::payer_check_digit(&first7).unwrap();
    format!(r#""law_number":"{law}","payer_number":"{first7}{check}","recipient_number":"1234566""#)
}

/// The public funds tried, as JSON arrays.
fn fund_sets() -> Vec<String> {
    vec![
        "[]".into(),
        format!(r#"[{{{P54},"monthly_cap_yen":10000}}]"#),
        format!(r#"[{{{P54},"monthly_cap_yen":5000,"covers":["visits[0].items[0]"]}}]"#),
        format!(r#"[{{{}}}]"#, payer("21")),
        format!(r#"[{{{},"monthly_cap_yen":2500}}]"#, payer("21")),
        // 結核 5%: half yen, so Decimal both ways (whole_yen refuses it).
        format!(r#"[{{{}}}]"#, payer("10")),
        format!(r#"[{{{}}}]"#, payer("12")),
        format!(
            r#"[{{{},"local":{{"patient_percent":10,"monthly_cap_yen":3000}}}}]"#,
            payer("88")
        ),
        format!(
            r#"[{{{},"local":{{"per_visit_yen":500,"max_charged_visits":2}}}}]"#,
            payer("88")
        ),
        format!(
            r#"[{{{P54},"monthly_cap_yen":0,"covers":["visits[0].items[0]"]}},
               {{{},"covers":["visits[0].items[1]"]}}]"#,
            payer("12")
        ),
    ]
}

/// One claim: a patient born on `birth`, visits on `dates` (one line per point amount, the
/// first two of the first day being `visits[0].items[0]` and `[1]`).
fn claim_and_lines(
    birth: &str,
    setting: &str,
    insurance: &str,
    dates: &[&str],
    points: &[i64],
) -> (Claim, Vec<(Date, i64, String)>) {
    let visits: Vec<String> = dates
        .iter()
        .map(|d| format!(r#"{{"date":"{d}","items":[]}}"#))
        .collect();
    let json = format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"{birth}","sex":"male"}},
        "setting":"{setting}","insurance":{insurance},"visits":[{}]}}"#,
        visits.join(",")
    );
    let claim = crate::Engine::parse_claim(json.as_bytes()).unwrap();
    let mut lines = Vec::new();
    for (v, d) in dates.iter().enumerate() {
        for (i, p) in points.iter().enumerate() {
            let date = Date::parse_iso(d).unwrap();
            lines.push((date, *p, format!("visits[{v}].items[{i}]")));
        }
    }
    (claim, lines)
}

/// The lines of [`claim_and_lines`] as the copayment takes them.
fn line_points(lines: &[(Date, i64, String)]) -> Vec<LinePoints<'_>> {
    lines
        .iter()
        .map(|(date, points, path)| LinePoints {
            date: *date,
            points: *points,
            path,
        })
        .collect()
}

/// The copayment of a claim both ways: (whole yen when [`Ctx::whole_yen`] admits it, Decimal) as
/// JSON and findings, and whether the first way was whole yen. `None` when the claim has no month
/// ([`prepare`] refuses it): the claim goes through the same steps as `compute_lines`.
fn both_ways(
    claim: &Claim,
    lines: &[LinePoints<'_>],
    settings: &CopaySettings,
) -> Option<(String, String, bool)> {
    let mut f = Vec::new();
    let (_, rates, funds) = prepare(claim, lines, settings, &LocalSchemes::EMPTY, &mut f)?;
    let month = |decimal_only: bool| {
        let (mut rates, mut f) = (rates.clone(), f.clone());
        let mut grouped = Grouped::new();
        let (copay, whole) = match settle(
            claim,
            lines,
            settings,
            &mut rates,
            &funds,
            &mut grouped,
            &mut f,
        ) {
            Some(s) if s.whole_yen() && !decimal_only => (s.copay::<amount::Whole>(&mut f), true),
            Some(s) => (s.copay::<Decimal>(&mut f), false),
            None => (None, false),
        };
        (
            format!("{}\n{f:?}", serde_json::to_string(&copay).unwrap()),
            whole,
        )
    };
    let ((w, whole), (d, _)) = (month(false), month(true));
    Some((w, d, whole))
}

#[test]
fn whole_yen_gives_the_decimal_month() {
    let people = [
        // (birth, visit month, scheme): 3割, 未就学 2割, 70〜74歳, 後期 (配慮措置 in 2024), 75歳到達月
        // (the 75th birthday on the 31st, after the visits), the 2026-08 limits.
        ("1980-05-05", "2024-07", "kokuho"),
        ("2021-05-05", "2024-07", "kokuho"),
        ("1952-03-10", "2024-07", "kokuho"),
        ("1940-03-10", "2024-07", "kouki"),
        ("1949-07-31", "2024-07", "kokuho"),
        ("1980-05-05", "2026-08", "shaho"),
    ];
    let classes = [
        "",
        "ア",
        "イ",
        "ウ",
        "エ",
        "オ",
        "現役並みⅢ",
        "現役並みⅠ",
        "一般",
        "一般Ⅱ",
        "低所得Ⅰ",
    ];
    let extras = [
        "",
        r#","many_times":true"#,
        r#","specified_disease_cap_yen":10000"#,
    ];
    // Shares ending in 5円 (715点 × 3割 = 2,145円) test the 10円 四捨五入.
    let amounts: [&[i64]; 4] = [&[641, 74], &[12_005, 4_000], &[61_605, 9_000], &[0, -125]];
    let funds = fund_sets();
    let (mut compared, mut whole, mut hairyo) = (0, 0, 0);
    for (birth, month, scheme) in people {
        for class in classes {
            let class = if class.is_empty() {
                String::new()
            } else {
                format!(r#","income_class":"{class}""#)
            };
            for (e, extra) in extras.iter().enumerate() {
                for (i, fs) in funds.iter().enumerate() {
                    // Not every combination: each extra with a third of the fund sets.
                    if i % extras.len() != e && !fs.starts_with("[]") {
                        continue;
                    }
                    let insurance =
                        format!(r#"{{"scheme":"{scheme}"{class}{extra},"public_funds":{fs}}}"#);
                    for setting in ["outpatient", "inpatient"] {
                        for pts in amounts {
                            let dates = [
                                format!("{month}-03"),
                                format!("{month}-17"),
                                format!("{month}-30"),
                            ];
                            let dates: Vec<&str> = dates.iter().map(String::as_str).collect();
                            let (claim, lines) =
                                claim_and_lines(birth, setting, &insurance, &dates, pts);
                            let lines = line_points(&lines);
                            for explain in [false, true] {
                                let settings = CopaySettings {
                                    explain,
                                    ..CopaySettings::DEFAULT
                                };
                                if let Some((w, d, is_whole)) = both_ways(&claim, &lines, &settings)
                                {
                                    assert_eq!(w, d, "{birth} {insurance} {setting} {pts:?}");
                                    compared += 1;
                                    whole += usize::from(is_whole);
                                    hairyo += usize::from(w.contains(HAIRYO_APPLIED));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // The grid reaches both ways, most claims in whole yen.
    println!("{compared} claims compared, {whole} in whole yen, {hairyo} with the 配慮措置");
    assert!(compared > 1_000, "{compared}");
    assert!(hairyo > 0);
    assert!(
        whole > compared / 2 && whole < compared,
        "{whole} of {compared}"
    );
}

/// The bound of [`Ctx::whole_yen`] at its edge: 10¹² points are computed in whole yen and give
/// the Decimal month (with a ‰ 公費 and its cap, a 後期 2割 with the 配慮措置: the largest products
/// of the month); one point more, or points beyond any i64 sum, stay in Decimal.
#[test]
fn whole_yen_up_to_its_bound() {
    const BOUND: i64 = 1_000_000_000_000;
    let people = [
        ("1980-05-05", "kokuho", "ウ"),
        ("1940-03-10", "kouki", "一般Ⅱ"),
    ];
    let funds = [
        "[]".to_string(),
        format!(r#"[{{{P54},"monthly_cap_yen":10000}}]"#),
        format!(r#"[{{{}}}]"#, payer("21")),
    ];
    for (birth, scheme, class) in people {
        for fs in &funds {
            let insurance =
                format!(r#"{{"scheme":"{scheme}","income_class":"{class}","public_funds":{fs}}}"#);
            for (points, admitted) in [
                (&[BOUND][..], true),
                (&[BOUND - 5, 5][..], true),
                (&[BOUND, 1][..], false),
                (&[i64::MAX, i64::MAX, -5][..], false),
            ] {
                let (claim, lines) =
                    claim_and_lines(birth, "outpatient", &insurance, &["2024-07-01"], points);
                let lines = line_points(&lines);
                let (w, d, whole) = both_ways(&claim, &lines, &CopaySettings::DEFAULT).unwrap();
                assert_eq!(whole, admitted, "{insurance} {points:?}");
                if admitted {
                    assert_eq!(w, d, "{insurance} {points:?}");
                }
            }
        }
    }
}

/// Without 公費, the natural month's patient amount of every prefix is the capped month's
/// `natural_ib` (what `natural_patient` returns instead of computing the natural month).
#[test]
fn natural_month_without_funds_is_the_natural_ib() {
    for (birth, scheme, class, points) in [
        ("1980-05-05", "kokuho", "ウ", [641, 74]),
        ("1980-05-05", "kokuho", "ア", [90_000, 45_005]),
        ("1952-03-10", "kokuho", "一般", [20_000, 5]),
        ("1940-03-10", "kouki", "一般Ⅱ", [3_333, 1]),
    ] {
        let insurance = format!(r#"{{"scheme":"{scheme}","income_class":"{class}"}}"#);
        let dates = ["2024-07-03", "2024-07-17", "2024-07-30"];
        let (claim, lines) = claim_and_lines(birth, "outpatient", &insurance, &dates, &points);
        let lines = line_points(&lines);
        let settings = CopaySettings::DEFAULT;
        let mut f = Vec::new();
        let (_, rates, _) =
            prepare(&claim, &lines, &settings, &LocalSchemes::EMPTY, &mut f).unwrap();
        let mut grouped = Grouped::new();
        grouped.group(&lines, &[], true);
        let ctx = Ctx {
            rates: &rates,
            funds: &[],
            settings: &settings,
            parts: &grouped.parts,
            outpatient: true,
            rate_percent: rates.rate.map_or(100, i64::from),
        };
        let (mut m, mut nat) = (Month::<Decimal>::default(), Month::default());
        for (di, _) in grouped.days() {
            ctx.month(di, true, &mut m);
            ctx.month(di, false, &mut nat);
            assert_eq!(m.natural_ib, nat.patient, "{birth} {class} day {di}");
            assert_eq!(nat.after, [Decimal::ZERO; MAX_FUNDS]);
        }
        assert!(m.ib <= m.natural_ib);
    }
}

/// What the grid leaves out: a 公費単独 claim (no 保険: 負担割合 10割, the 公費 pays), a local ‰
/// that `whole_yen` refuses (15%: Decimal both ways), and the settings other than the default
/// (the 70歳未満 公費 limit by ウ formula or the own 区分, the 公費 receipt amounts to the yen).
#[test]
fn public_only_claims_a_refused_permille_and_other_settings() {
    let under70 = [
        Under70PublicLimit::ByLaw,
        Under70PublicLimit::UFormula,
        Under70PublicLimit::OwnClass,
    ];
    let cases = [
        (format!(r#"{{"public_funds":[{{{}}}]}}"#, payer("12")), true),
        (
            format!(
                r#"{{"scheme":"kokuho","income_class":"ウ","public_funds":[{{{P54},"monthly_cap_yen":10000}}]}}"#
            ),
            true,
        ),
        (
            format!(
                r#"{{"scheme":"kokuho","public_funds":[{{{},"local":{{"patient_percent":15}}}}]}}"#,
                payer("88")
            ),
            false,
        ),
    ];
    for (insurance, admitted) in &cases {
        for setting in ["outpatient", "inpatient"] {
            let dates = ["2024-07-03", "2024-07-17"];
            let (claim, lines) =
                claim_and_lines("1980-05-05", setting, insurance, &dates, &[61_605, 9_001]);
            let lines = line_points(&lines);
            for (u, rounding) in under70.iter().zip([
                PublicReceiptRounding::TenYenUnlessLimited,
                PublicReceiptRounding::Yen,
                PublicReceiptRounding::Yen,
            ]) {
                let settings = CopaySettings {
                    under70_public_limit: *u,
                    public_receipt_rounding: rounding,
                    explain: true,
                    ..CopaySettings::DEFAULT
                };
                let (w, d, whole) = both_ways(&claim, &lines, &settings)
                    .unwrap_or_else(|| panic!("{insurance} {setting}: no month"));
                assert_eq!(whole, *admitted, "{insurance} {setting}");
                assert_eq!(w, d, "{insurance} {setting} {u:?}");
            }
        }
    }
}
