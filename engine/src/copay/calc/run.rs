//! The month of a claim: lines grouped into 負担区分 parts, every prefix of the month's days
//! computed, the per-visit differences, the explanations and the HO/KO receipt values.

use super::meals::{living_of, meal_class, meal_class_name, meals};
use super::*;
use crate::copay::living_refused;

pub(crate) fn run(
    claim: &Claim,
    lines: &[LinePoints<'_>],
    settings: &CopaySettings,
    mut rates: Rates,
    funds: &[Fund],
    findings: &mut Vec<Finding>,
) -> Option<Copay> {
    let mut explain = std::mem::take(&mut rates.explain);
    let rates = &rates;
    let first_date = super::super::attach::span(claim, lines)?.0;
    // A 公費 capped with the own 区分 needs the 区分 (under 70).
    if rates.insured && !rates.elder && rates.class.is_none() {
        for (k, f) in funds.iter().enumerate() {
            let kind = match settings.under70_public_limit {
                Under70PublicLimit::ByLaw => f.under70,
                Under70PublicLimit::UFormula => Under70PartLimit::UFormula,
                Under70PublicLimit::OwnClass => Under70PartLimit::OwnClass,
            };
            if kind == Under70PartLimit::OwnClass {
                findings.push(
                    Finding::error(INCOME_CLASS_MISSING)
                        .at(format!("insurance.public_funds[{k}]"))
                        .cite(f.citation)
                        .message(format!(
                            "法別{} {}: its 高額療養費 uses the patient's 所得区分 (ア〜オ, on the 受給者証); give income_class",
                            f.law, f.name
                        )),
                );
                return None;
            }
        }
    }
    // 特定給付対象療養 (the ウ formula for a 公費 part under 70) has no row from 2027-08-01, when ウ
    // splits into three: which band the 政令 will use is not published.
    if rates.insured && !rates.elder && rates.u_row.is_none() {
        for (k, f) in funds.iter().enumerate() {
            let kind = match settings.under70_public_limit {
                Under70PublicLimit::ByLaw => f.under70,
                Under70PublicLimit::UFormula => Under70PartLimit::UFormula,
                Under70PublicLimit::OwnClass => Under70PartLimit::OwnClass,
            };
            if kind == Under70PartLimit::UFormula {
                findings.push(
                    Finding::error(CLASS_NOT_IN_FORCE)
                        .at(format!("insurance.public_funds[{k}]"))
                        .cite(f.citation)
                        .message(format!(
                            "法別{} {}: its part under 70 is capped with the 区分ウ formula (特定給付対象療養, MHLW H27 事例14–31), but 区分ウ does not exist on {first_date} (13 区分 from 2027-08-01) and the limit that replaces it for 特定給付対象療養 was not found",
                            f.law, f.name
                        )),
                );
                return None;
            }
        }
    }
    let meal_row = if claim.meals.iter().any(|m| m.count > 0) {
        let Some(row) = tables::meals(first_date) else {
            findings.push(
                Finding::error(NO_TABLE)
                    .at("meals")
                    .cite("入院時食事療養費に係る食事療養標準負担額 (健保法85条2項)")
                    .message(format!("no 標準負担額 for {first_date} in santei's tables")),
            );
            return None;
        };
        let derived = meal_class(rates, funds);
        let mut ok = true;
        for (i, m) in claim.meals.iter().enumerate() {
            let c = m.class.unwrap_or(derived);
            if let Some(t) = &m.living {
                if let Err(why) = living_of(t, c) {
                    living_refused(findings, &format!("区分 {}: {why}", meal_class_name(c)));
                    ok = false;
                }
                continue;
            }
            if m.count > 0 && row.amount(c).is_none() {
                findings.push(
                    Finding::error(MEAL_AMOUNT_UNKNOWN)
                        .at(format!("meals[{i}]"))
                        .cite(row.citation)
                        .message(format!(
                            "no 食事療養標準負担額 for 区分 {} on {first_date}: {}",
                            meal_class_name(c),
                            row.citation
                        )),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        Some(row)
    } else {
        None
    };
    let mut days: Vec<Date> = lines.iter().map(|l| l.date).collect();
    days.sort_unstable();
    days.dedup();
    let n = days.len();
    let mut day_points = vec![0i64; n];
    let mut parts: Vec<Part> = Vec::new();
    let mut burden = Vec::with_capacity(lines.len());
    let mut fund_points = [0i64; MAX_FUNDS];
    let mut fund_days = [0u64; MAX_FUNDS];
    for l in lines {
        let path = l.path;
        let mut mask = 0u8;
        for (k, f) in funds.iter().enumerate() {
            if f.covers
                .as_ref()
                .is_none_or(|c| c.iter().any(|p| covers_path(p, path)))
            {
                mask |= 1 << k;
            }
        }
        burden.push(burden_code(rates.insured, mask));
        let pts = l.points;
        let Some(di) = days.iter().position(|d| *d == l.date) else {
            continue;
        };
        day_points[di] = day_points[di].saturating_add(pts);
        for (k, fp) in fund_points.iter_mut().enumerate().take(funds.len()) {
            if mask & (1 << k) != 0 {
                *fp = fp.saturating_add(pts);
                fund_days[k] |= 1 << di;
            }
        }
        let i = match parts.iter().position(|p| p.mask == mask) {
            Some(i) => i,
            None => {
                parts.push(Part {
                    mask,
                    day_points: vec![0; n],
                });
                parts.len() - 1
            }
        };
        parts[i].day_points[di] = parts[i].day_points[di].saturating_add(pts);
    }
    parts.sort_by_key(|p| p.mask);
    let rate = rates
        .rate
        .map_or(Decimal::ONE, |r| Decimal::from(r) / Decimal::ONE_HUNDRED);
    let ctx = Ctx {
        rates,
        funds,
        settings,
        parts,
        outpatient: claim.setting == Setting::Outpatient,
        rate,
    };
    // Prefixes.
    let mut visits = Vec::with_capacity(n);
    let mut m = Month::default();
    let mut nat = Month::default();
    let mut prev = Totals::default();
    let mut prev_nat = Totals::default();
    let mut paid = 0i64;
    let rate_text = match rates.rate {
        Some(10) => "1割",
        Some(20) => "2割",
        Some(30) => "3割",
        Some(_) => "負担割合",
        None => "公費単独",
    };
    for (di, date) in days.iter().enumerate() {
        ctx.month(di, true, &mut m);
        ctx.month(di, false, &mut nat);
        let cur = m.totals();
        let binding = cur.patient < nat.patient;
        let exact_day = nat.patient - prev_nat.patient;
        let window = if binding {
            (yen(cur.patient) - paid).max(0)
        } else {
            round10(exact_day)
        };
        paid += window;
        let points = day_points[di];
        let explain = if !settings.explain {
            None
        } else if binding {
            Some(format!(
                "{points}点 × 10円 = {}円; a monthly limit applies: the 窓口 collects what is left under it, to the yen ({}円)",
                points.saturating_mul(10),
                window
            ))
        } else {
            Some(format!(
                "{points}点 × 10円 = {}円; patient share {}円 ({rate_text}{}) → {window}円 (10円未満 {}, 健保法75条)",
                points.saturating_mul(10),
                Yen(exact_day),
                if funds.is_empty() {
                    ""
                } else {
                    ", after 公費"
                },
                Rounding::HalfUp.japanese()
            ))
        };
        visits.push(VisitCopay {
            date: *date,
            points,
            medical_cost_yen: points.saturating_mul(10),
            // 公費単独: no 一部負担金 (the month's `copay_yen` is 0 too); the 公費 pays the day.
            copay_yen: if rates.insured {
                yen(cur.ib - prev.ib)
            } else {
                0
            },
            high_cost_yen: yen((cur.natural_ib - cur.ib) - (prev.natural_ib - prev.ib)),
            public_yen: (0..funds.len())
                .map(|k| yen(cur.pay[k] - prev.pay[k]))
                .collect(),
            patient_yen: yen(cur.patient - prev.patient),
            window_yen: window,
            explain: explain.into_iter().collect(),
        });
        prev = cur;
        prev_nat = nat.totals();
    }
    let total_points: i64 = day_points.iter().fold(0i64, |a, p| a.saturating_add(*p));
    let insurer = if rates.insured { yen(m.cost - m.ib) } else { 0 };
    let high_cost = yen(m.natural_ib - m.ib);
    let limited = m.ib < m.natural_ib;
    // Explanations.
    if rates.insured {
        if settings.explain {
            explain.push(format!(
            "医療費 {total_points}点 × 10円 = {}円; 一部負担金 {}円 ({rate_text}); patient {}円 for the month, 窓口 {paid}円 over {n} day(s) (10円未満 四捨五入 per visit: 健保法75条 / 国保法42条の2; to the yen once a limit applies)",
            yen(m.cost),
            Yen(m.natural_ib),
            yen(m.patient),
        ));
        }
    } else {
        if settings.explain {
            explain.push(format!(
            "公費単独: 医療費 {total_points}点 × 10円 = {}円, all of it left to the 公費; patient {}円, 窓口 {paid}円",
            yen(m.cost),
            yen(m.patient)
        ));
        }
    }
    for p in &m.parts {
        if let Some((l, why)) = p.part_limit {
            if settings.explain {
                explain.push(format!(
                    "負担区分 {}: 一部負担金 {}円 capped at {}円 ({why}; {CITE_HIGH_COST})",
                    burden_code(rates.insured, p.mask),
                    Yen(p.natural_ib),
                    Yen(l)
                ));
            }
        }
    }
    if let (Some((l, cut, cost)), Some(row)) = (m.combined, rates.row) {
        let what = match cost {
            Some(c) => format!("limit {}", ctx.household_text(row, c)),
            None => format!("外来 (個人) limit {}円", Yen(l)),
        };
        if settings.explain {
            explain.push(format!(
            "高額療養費 ({}): the patient's amounts exceed the {what} by {}円{}; the insurance pays it",
            rates.class.map_or("", IncomeClass::japanese),
            Yen(cut),
            if rates.elder {
                String::new()
            } else {
                format!(
                    " (70歳未満: parts with 一部負担金 ≥ {}円 combined)",
                    rates.floor
                )
            }
        ));
        }
    }
    if m.marucho_cut > Decimal::ZERO && settings.explain {
        explain.push(format!(
            "特定疾病 (マル長) {}円/月: {}円 more paid by the insurance",
            ctx.halve(rates.marucho.unwrap_or(0)),
            Yen(m.marucho_cut)
        ));
    }
    if let Some(row) = rates.row {
        if let (true, Some(a)) = (rates.elder && ctx.outpatient, row.outpatient_annual) {
            if settings.explain {
                explain.push(format!(
                "外来特例 年間上限 {a}円 (8月〜翌7月) is refunded by the insurer; not applied at the 窓口"
            ));
            }
        }
    }
    if let Some(row) = rates.row {
        if let Some(a) = row.annual {
            if settings.explain {
                explain.push(format!(
                "年間上限 {a}円 (8月〜翌7月, of what is left after the monthly limits{}) is settled by the insurer; not applied at the 窓口 ({})",
                if row.class == IncomeClass::E {
                    "; 410,000円 for 年収 about 200万円未満"
                } else {
                    ""
                },
                row.citation
            ));
            }
        }
    }
    if limited {
        // The row whose amounts were used: the 区分's own, else (a 公費 part only) the row of the
        // part limit.
        let source = rates.row.or(rates.u_row);
        let (citation, note) = match source {
            Some(r) => (r.citation, r.note),
            None => (CITE_HIGH_COST, None),
        };
        findings.push(Finding::info(HIGH_COST_APPLIED)
            .at("insurance")
            .cite(citation)
            .message(format!(
                "高額療養費 {high_cost}円 paid in kind: 一部負担金 {}円 → {}円 (limits of {}: {})",
                Yen(m.natural_ib),
                Yen(m.ib),
                source.map_or(rates.date, |r| r.from),
                note.unwrap_or(citation)
            )));
    }
    if m.parts.iter().any(|p| {
        p.part_limit
            .is_some_and(|(_, why)| why == tables::SEIHO_ELDER)
    }) {
        findings.push(Finding::info(SEIHO_ELDER_PART)
            .at("insurance.public_funds")
            .cite(tables::SEIHO_ELDER)
            .message("生活保護 併用 (70歳以上): the part 生活保護 pays is capped with the 低所得Ⅰ limit, not the patient's own 区分"));
    }
    if m.hairyo {
        findings.push(Finding::info(HAIRYO_APPLIED)
            .at("insurance")
            .cite("高確法施行令 附則 (配慮措置 2022-10-01〜2025-09-30); MHLW 「後期高齢者医療制度の負担割合見直しに係る計算事例集（令和5年4月）」")
            .message("後期 2割 配慮措置: the 外来 increase is limited to 3,000円 over the 1割 amount"));
    }
    // 公費
    let mut public = Vec::with_capacity(funds.len());
    let mut ko = Vec::with_capacity(funds.len());
    for (k, f) in funds.iter().enumerate() {
        let days_k = fund_days[k].count_ones();
        let after = yen(m.after[k]);
        let fund_limited = m.after[k] < nat.after[k];
        let ko_copay = match settings.public_receipt_rounding {
            PublicReceiptRounding::Yen => after,
            PublicReceiptRounding::TenYenUnlessLimited if fund_limited || limited => after,
            PublicReceiptRounding::TenYenUnlessLimited => round10(nat.after[k]),
        };
        let fx = if !settings.explain {
            Vec::new()
        } else {
            vec![format!(
                "{}点 covered; left to the patient when it applies {}円; the 公費 pays {}円; the patient keeps {}円{}",
                fund_points[k],
                Yen(m.target[k]),
                Yen(m.pay[k]),
                after,
                match (f.permille, f.cap) {
                    (Some(p), Some(c)) => format!(
                        " ({}% of the 医療費, 上限 {c}円/月)",
                        Decimal::from(p) / dec(10)
                    ),
                    (Some(p), None) => format!(" ({}% of the 医療費)", Decimal::from(p) / dec(10)),
                    (None, Some(c)) => format!(" (上限 {c}円/月)"),
                    (None, None) => String::new(),
                }
            )]
        };
        public.push(FundCopay {
            priority: (k + 1) as u8,
            law_number: f.law.clone(),
            name: f.name.clone(),
            payer_number: f.payer.clone(),
            recipient_number: f.recipient.clone(),
            points: fund_points[k],
            days: days_k,
            target_yen: yen(m.target[k]),
            pays_yen: yen(m.pay[k]),
            patient_yen: after,
            cap_yen: f.cap,
            citation: f.citation,
            explain: fx,
        });
        ko.push(KoRecord {
            payer_number: f.payer.clone(),
            recipient_number: f.recipient.clone(),
            days: days_k,
            total_points: fund_points[k],
            copay_yen: ko_copay,
            outpatient_target_yen: ctx.outpatient.then(|| yen(m.target[k])),
            inpatient_target_yen: (!ctx.outpatient).then(|| yen(m.target[k])),
            meal_count: None,
            meal_total_yen: None,
        });
    }
    // 食事
    let meals = meal_row.map(|row| {
        let (copay, ho_total) = meals(claim, rates, funds, row, settings.explain);
        for (k, paid) in copay.public_yen.iter().enumerate() {
            if *paid > 0 {
                ko[k].meal_count = Some(copay.count);
                ko[k].meal_total_yen = Some(*paid);
            }
        }
        (copay, ho_total)
    });
    let meal_count = meals.as_ref().map(|(c, _)| c.count);
    let ho = rates.insured.then(|| HoRecord {
        days: n as u32,
        total_points,
        meal_count,
        meal_total_yen: meals.as_ref().and_then(|(_, t)| *t),
        copay_yen: match settings.ho_copay {
            HoCopay::Always => Some(yen(m.ib)),
            HoCopay::WhenLimited if limited || !ctx.outpatient => Some(yen(m.ib)),
            HoCopay::WhenLimited => None,
        },
    });
    let mut special_notes = Vec::new();
    if rates.insured {
        if let Some(c) = rates.class {
            match c.special_note() {
                Some(n) => special_notes.push(n),
                None if c.is_hyoho_band() => findings.push(Finding::info(SPECIAL_NOTE_UNKNOWN)
                    .at("insurance.income_class")
                    .cite(CITE_HIGH_COST)
                    .message(format!(
                        "{}: the レセプト 特記事項 code of the 2027-08 所得区分 was not found; none written",
                        c.japanese()
                    ))),
                None => {}
            }
        }
        match rates.marucho {
            Some(10_000) => special_notes.push("02"),
            Some(_) => special_notes.push("16"),
            None => {}
        }
    }
    Some(Copay {
        burden_percent: rates.rate,
        age_band: rates.band,
        income_class: rates.class,
        total_points,
        medical_cost_yen: yen(m.cost),
        copay_before_limit_yen: if rates.insured { yen(m.natural_ib) } else { 0 },
        copay_yen: if rates.insured { yen(m.ib) } else { 0 },
        high_cost_yen: if rates.insured { high_cost } else { 0 },
        insurer_yen: insurer,
        public_funds: public,
        patient_yen: yen(m.patient),
        window_yen: paid,
        meals: meals.map(|(c, _)| c),
        visits,
        receipt: ReceiptCopay {
            ho,
            ko,
            special_notes,
        },
        burden_kubun: burden,
        explain,
    })
}
