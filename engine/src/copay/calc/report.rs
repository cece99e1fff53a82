//! What the month of a claim reports besides its amounts: the explanations of the month, the
//! findings of the limits applied, each 公費's share with its KO record, and the レセプト
//! 特記事項.

use super::*;
use crate::explain::Yen;

/// The month after its last day, as the reports read it.
pub(super) struct MonthEnd<'a, A> {
    /// The month with every limit and cap.
    pub m: &'a Month<A>,
    /// The natural month (rates only), for the 10円 rounding of what no limit fixed.
    pub nat: &'a Month<A>,
    pub total_points: i64,
    /// What the 窓口 collects over the month.
    pub paid: i64,
    /// Days of care.
    pub days: usize,
    pub rate_text: &'static str,
}

/// The explanations of the month's amounts and of the limits that applied.
pub(super) fn month_explanations<A: Amount>(
    ctx: &Ctx<'_>,
    end: &MonthEnd<'_, A>,
    explain: &mut Vec<Explanation>,
) {
    let (rates, m) = (ctx.rates, end.m);
    let (total_points, paid, n, rate_text) = (end.total_points, end.paid, end.days, end.rate_text);
    if rates.insured {
        explain.push(Explanation::MonthInsured {
            points: total_points,
            cost: m.cost.yen(),
            copay: m.natural_ib.decimal(),
            rate: rate_text,
            patient: m.patient.yen(),
            window: paid,
            days: n,
        });
    } else {
        explain.push(Explanation::MonthPublicOnly {
            points: total_points,
            cost: m.cost.yen(),
            patient: m.patient.yen(),
            window: paid,
        });
    }
    for p in &m.parts {
        if let Some((l, why)) = p.part_limit {
            explain.push(Explanation::PartLimit {
                burden: burden_code(rates.insured, p.mask),
                copay: p.natural_ib.decimal(),
                limit: l.decimal(),
                why,
                citation: CITE_HIGH_COST,
            });
        }
    }
    if let (Some((l, cut, cost)), Some(row)) = (m.combined, rates.row) {
        let limit = match cost {
            Some(c) => ctx.household_limit(row, c.decimal()),
            None => HighCostLimit::Outpatient { limit: l.decimal() },
        };
        explain.push(Explanation::HighCost {
            class: rates.class.map_or("", IncomeClass::japanese),
            limit,
            excess: cut.decimal(),
            floor: (!rates.elder).then_some(rates.floor),
        });
    }
    if m.marucho_cut > A::default() {
        explain.push(Explanation::Marucho {
            limit: ctx.halve(rates.marucho.unwrap_or(0)),
            cut: m.marucho_cut.decimal(),
        });
    }
    if let Some(row) = rates.row {
        if let (true, Some(a)) = (rates.elder && ctx.outpatient, row.outpatient_annual) {
            explain.push(Explanation::OutpatientAnnualLimit { limit: a });
        }
        if let Some(a) = row.annual {
            explain.push(Explanation::AnnualLimit {
                limit: a,
                low_income_note: row.class == IncomeClass::E,
                citation: row.citation,
            });
        }
    }
}

/// The findings of the limits applied: 高額療養費 (CPY-520), the 生活保護 part of a 70歳以上 claim
/// (CPY-528), the 後期 2割 配慮措置 (CPY-524).
pub(super) fn month_findings<A: Amount>(rates: &Rates, m: &Month<A>, findings: &mut Vec<Finding>) {
    if m.ib < m.natural_ib {
        // The row whose amounts were used: the 区分's own, else (a 公費 part only) the row of the
        // part limit.
        let source = rates.row.or(rates.u_row);
        let (citation, note) = match source {
            Some(r) => (r.citation, r.note),
            None => (CITE_HIGH_COST, None),
        };
        findings.push(
            Finding::info(HIGH_COST_APPLIED)
                .at("insurance")
                .cite(citation)
                .message(format!(
                    "高額療養費 {}円 paid in kind: 一部負担金 {}円 → {}円 (limits of {}: {})",
                    (m.natural_ib - m.ib).yen(),
                    Yen(m.natural_ib.decimal()),
                    Yen(m.ib.decimal()),
                    source.map_or(rates.date, |r| r.from),
                    note.unwrap_or(citation)
                )),
        );
    }
    if m.parts.iter().any(|p| {
        p.part_limit
            .is_some_and(|(_, why)| why == tables::SEIHO_ELDER)
    }) {
        findings.push(Finding::info(SEIHO_ELDER_PART).at("insurance.public_funds").cite(tables::SEIHO_ELDER).message("生活保護 併用 (70歳以上): the part 生活保護 pays is capped with the 低所得Ⅰ limit, not the patient's own 区分"));
    }
    if m.hairyo {
        findings.push(Finding::info(HAIRYO_APPLIED).at("insurance").cite("高確法施行令 附則 (配慮措置 2022-10-01〜2025-09-30); MHLW 「後期高齢者医療制度の負担割合見直しに係る計算事例集（令和5年4月）」").message("後期 2割 配慮措置: the 外来 increase is limited to 3,000円 over the 1割 amount"));
    }
}

/// Each 公費's share and its KO record (the meals are added by the caller).
pub(super) fn fund_records<A: Amount>(
    ctx: &Ctx<'_>,
    end: &MonthEnd<'_, A>,
    fund_points: &[i64; MAX_FUNDS],
    fund_days: &[u32; MAX_FUNDS],
    limited: bool,
) -> (Vec<FundCopay>, Vec<KoRecord>) {
    let (m, nat) = (end.m, end.nat);
    let mut public = Vec::with_capacity(ctx.funds.len());
    let mut ko = Vec::with_capacity(ctx.funds.len());
    for (k, f) in ctx.funds.iter().enumerate() {
        let days_k = fund_days[k].count_ones();
        let after = m.after[k].yen();
        let fund_limited = m.after[k] < nat.after[k];
        let ko_copay = match ctx.settings.public_receipt_rounding {
            PublicReceiptRounding::Yen => after,
            PublicReceiptRounding::TenYenUnlessLimited if fund_limited || limited => after,
            PublicReceiptRounding::TenYenUnlessLimited => nat.after[k].round10(),
        };
        let fx = if ctx.settings.explain {
            vec![fund_explanation(f, fund_points[k], m, k, after)]
        } else {
            Vec::new()
        };
        public.push(FundCopay {
            priority: (k + 1) as u8,
            law_number: f.law.clone(),
            name: f.name.clone(),
            payer_number: f.payer.clone(),
            recipient_number: f.recipient.clone(),
            points: fund_points[k],
            days: days_k,
            target_yen: m.target[k].yen(),
            pays_yen: m.pay[k].yen(),
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
            outpatient_target_yen: ctx.outpatient.then(|| m.target[k].yen()),
            inpatient_target_yen: (!ctx.outpatient).then(|| m.target[k].yen()),
            meal_count: None,
            meal_total_yen: None,
        });
    }
    (public, ko)
}

/// The explanation of the 公費 `k`'s share (with its terms: its share of the 医療費 and its
/// monthly cap).
fn fund_explanation<A: Amount>(
    f: &Fund,
    points: i64,
    m: &Month<A>,
    k: usize,
    after: i64,
) -> Explanation {
    Explanation::FundShare {
        points,
        target: m.target[k].decimal(),
        pays: m.pay[k].decimal(),
        keeps: after,
        permille: f.permille,
        cap: f.cap,
    }
}

/// The レセプト 特記事項 of the limits: the 所得区分 (26–30) and マル長 (02, 16); a 2027-08 band,
/// whose code was not found, gets none and a note (CPY-527).
pub(super) fn special_notes(rates: &Rates, findings: &mut Vec<Finding>) -> Vec<&'static str> {
    let mut special_notes = Vec::with_capacity(2);
    if !rates.insured {
        return special_notes;
    }
    if let Some(c) = rates.class {
        match c.special_note() {
            Some(n) => special_notes.push(n),
            None if c.is_hyoho_band() => findings.push(Finding::info(SPECIAL_NOTE_UNKNOWN).at("insurance.income_class").cite(CITE_HIGH_COST).message(format!(
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
    special_notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fund_terms_texts() {
        let fund = |permille, cap| {
            Explanation::FundShare {
                points: 100,
                target: dec(300),
                pays: dec(300),
                keeps: 0,
                permille,
                cap,
            }
            .to_string()
        };
        let head = "100点 covered; left to the patient when it applies 300円; the 公費 pays 300円; the patient keeps 0円";
        assert_eq!(
            fund(Some(50), Some(10_000)),
            format!("{head} (5% of the 医療費, 上限 10000円/月)")
        );
        assert_eq!(fund(Some(100), None), format!("{head} (10% of the 医療費)"));
        assert_eq!(fund(None, Some(5_000)), format!("{head} (上限 5000円/月)"));
        assert_eq!(fund(None, None), head);
    }
}
