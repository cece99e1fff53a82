//! The month of a claim: lines grouped into 負担区分 parts, every prefix of the month's days
//! computed and the per-visit differences; the explanations and the HO/KO values are in
//! [`super::report`].

use super::group::Grouped;
use super::meals::{living_of, meal_class, meal_class_name};
use super::report::{self, MonthEnd};
use super::*;
use crate::copay::living_refused;

/// The month of a claim: [`settle`], then the month in whole yen when [`Ctx::whole_yen`] admits
/// it, else in `Decimal` (the same values, see [`amount`]).
pub(crate) fn run(
    claim: &Claim,
    lines: &[LinePoints<'_>],
    settings: &CopaySettings,
    rates: &mut Rates,
    funds: &[Fund],
    findings: &mut Vec<Finding>,
) -> Option<Copay> {
    // Grouped here and lent to the month: it is large (the points of each day of each part).
    let mut grouped = Grouped::new();
    let settled = settle(claim, lines, settings, rates, funds, &mut grouped, findings)?;
    if settled.whole_yen() {
        settled.copay::<amount::Whole>(findings)
    } else {
        settled.copay::<Decimal>(findings)
    }
}

/// What the month is computed from: the limits a 公費 part needs and the 食事 row checked
/// (`None` with the error when one lacks), the lines grouped into `grouped`. `rates` by
/// reference: it is large, and only its explanations are taken.
pub(super) fn settle<'a>(
    claim: &'a Claim,
    lines: &[LinePoints<'_>],
    settings: &'a CopaySettings,
    rates: &'a mut Rates,
    funds: &'a [Fund],
    grouped: &'a mut Grouped,
    findings: &mut Vec<Finding>,
) -> Option<Settled<'a>> {
    let explain = std::mem::take(&mut rates.explain);
    let rates = &*rates;
    // The first day of care (of the visits and of the lines), the date the tables are read on.
    let first_date = rates.date;
    check_public_limits(rates, funds, settings, first_date, findings)?;
    let meal_row = meal_row(claim, rates, funds, first_date, findings).ok()?;
    grouped.group(lines, funds, rates.insured);
    let burden = std::mem::take(&mut grouped.burden);
    Some(Settled {
        claim,
        rates,
        funds,
        settings,
        grouped,
        meal_row,
        burden,
        explain,
    })
}

/// What the month of a claim is computed from, once the lines are grouped.
pub(super) struct Settled<'a> {
    claim: &'a Claim,
    rates: &'a Rates,
    funds: &'a [Fund],
    settings: &'a CopaySettings,
    grouped: &'a Grouped,
    meal_row: Option<&'static tables::MealRow>,
    /// 負担区分コード of each line.
    burden: Vec<&'static str>,
    /// The explanations of the 負担割合 and the 公費 so far.
    explain: Vec<Explanation>,
}

impl<'a> Settled<'a> {
    /// What the month is computed with (a few references: built where it is needed).
    fn ctx(&self) -> Ctx<'a> {
        let grouped: &'a Grouped = self.grouped;
        Ctx {
            rates: self.rates,
            funds: self.funds,
            settings: self.settings,
            parts: &grouped.parts,
            outpatient: self.claim.setting == Setting::Outpatient,
            rate_percent: self.rates.rate.map_or(100, i64::from),
        }
    }

    /// Whether the month can be computed in whole yen ([`Ctx::whole_yen`]).
    pub(super) fn whole_yen(&self) -> bool {
        self.ctx().whole_yen(self.grouped.abs_points)
    }

    /// The month of a claim computed in `A` ([`Amount`]), its reports and the [`Copay`].
    pub(super) fn copay<A: Amount>(self, findings: &mut Vec<Finding>) -> Option<Copay> {
        let ctx = &self.ctx();
        let (claim, grouped, meal_row) = (self.claim, self.grouped, self.meal_row);
        let (rates, funds, settings) = (ctx.rates, ctx.funds, ctx.settings);
        let (burden, mut explain) = (self.burden, self.explain);
        let rate_text = rate_text(rates.rate);
        let mut month = Prefixes::<A>::new(ctx, grouped);
        month.run(ctx, grouped, rate_text);
        let total_points = grouped.total_points;
        let end = MonthEnd {
            m: &month.m,
            nat: &month.nat,
            total_points,
            paid: month.paid,
            days: grouped.day_count(),
            rate_text,
        };
        if settings.explain {
            report::month_explanations(ctx, &end, &mut explain);
        }
        report::month_findings(rates, &month.m, findings);
        let limited = month.m.ib < month.m.natural_ib;
        let (public, mut ko) =
            report::fund_records(ctx, &end, &grouped.fund_points, &grouped.fund_days, limited);
        let meals = meal_row.map(|row| {
            let (copay, ho_total) = super::meals::meals(claim, rates, funds, row, settings.explain);
            for (k, paid) in copay.public_yen.iter().enumerate() {
                if *paid > 0 {
                    ko[k].meal_count = Some(copay.count);
                    ko[k].meal_total_yen = Some(*paid);
                }
            }
            (copay, ho_total)
        });
        let m = &month.m;
        let ho = rates.insured.then(|| HoRecord {
            days: grouped.day_count() as u32,
            total_points,
            meal_count: meals.as_ref().map(|(c, _)| c.count),
            meal_total_yen: meals.as_ref().and_then(|(_, t)| *t),
            copay_yen: match settings.ho_copay {
                HoCopay::Always => Some(m.ib.yen()),
                HoCopay::WhenLimited if limited || !ctx.outpatient => Some(m.ib.yen()),
                HoCopay::WhenLimited => None,
            },
        });
        let special_notes = report::special_notes(rates, findings);
        // Built in the Option returned: the copayment is large, and not moved into it.
        Some(Copay {
            burden_percent: rates.rate,
            age_band: rates.band,
            income_class: rates.class,
            total_points,
            medical_cost_yen: m.cost.yen(),
            copay_before_limit_yen: if rates.insured { m.natural_ib.yen() } else { 0 },
            copay_yen: if rates.insured { m.ib.yen() } else { 0 },
            high_cost_yen: if rates.insured {
                (m.natural_ib - m.ib).yen()
            } else {
                0
            },
            insurer_yen: if rates.insured {
                (m.cost - m.ib).yen()
            } else {
                0
            },
            public_funds: public,
            patient_yen: m.patient.yen(),
            window_yen: month.paid,
            meals: meals.map(|(c, _)| c),
            visits: month.visits,
            receipt: ReceiptCopay {
                ho,
                ko,
                special_notes,
            },
            burden_kubun: burden,
            explain,
        })
    }
}

/// How the part of a 公費 under 70 is capped, per the setting ([`Under70PublicLimit`]).
pub(super) fn under70_kind(setting: Under70PublicLimit, fund: &Fund) -> Under70PartLimit {
    match setting {
        Under70PublicLimit::ByLaw => fund.under70,
        Under70PublicLimit::UFormula => Under70PartLimit::UFormula,
        Under70PublicLimit::OwnClass => Under70PartLimit::OwnClass,
    }
}

/// The limits a 公費 part under 70 needs: the patient's 区分 for a part capped with the own 区分
/// (CPY-502), the ウ row for 特定給付対象療養 (CPY-525: none from 2027-08-01, when ウ splits into three
/// and which band the 政令 will use is not published). `None` (with the error) when one lacks.
fn check_public_limits(
    rates: &Rates,
    funds: &[Fund],
    settings: &CopaySettings,
    first_date: Date,
    findings: &mut Vec<Finding>,
) -> Option<()> {
    if !rates.insured || rates.elder {
        return Some(());
    }
    let kind = |f: &Fund| under70_kind(settings.under70_public_limit, f);
    if rates.class.is_none() {
        for (k, f) in funds.iter().enumerate() {
            if kind(f) == Under70PartLimit::OwnClass {
                findings.push(Finding::error(INCOME_CLASS_MISSING).at(format!("insurance.public_funds[{k}]")).cite(f.citation).message(format!(
                        "法別{} {}: its 高額療養費 uses the patient's 所得区分 (ア〜オ, on the 受給者証); give income_class",
                        f.law, f.name
                    )));
                return None;
            }
        }
    }
    if rates.u_row.is_none() {
        for (k, f) in funds.iter().enumerate() {
            if kind(f) == Under70PartLimit::UFormula {
                findings.push(Finding::error(CLASS_NOT_IN_FORCE).at(format!("insurance.public_funds[{k}]")).cite(f.citation).message(format!(
                        "法別{} {}: its part under 70 is capped with the 区分ウ formula (特定給付対象療養, MHLW H27 事例14–31), but 区分ウ does not exist on {first_date} (13 区分 from 2027-08-01) and the limit that replaces it for 特定給付対象療養 was not found",
                        f.law, f.name
                    )));
                return None;
            }
        }
    }
    Some(())
}

/// The 標準負担額 row of the claim's meals (`Ok(None)`: no meal), checked for every 区分 used
/// (CPY-513, CPY-526, CPY-529). `Err` (with the errors) when the meals cannot be computed.
fn meal_row(
    claim: &Claim,
    rates: &Rates,
    funds: &[Fund],
    first_date: Date,
    findings: &mut Vec<Finding>,
) -> Result<Option<&'static tables::MealRow>, ()> {
    if !claim.meals.iter().any(|m| m.count > 0) {
        return Ok(None);
    }
    let Some(row) = tables::meals(first_date) else {
        findings.push(
            Finding::error(NO_TABLE)
                .at("meals")
                .cite("入院時食事療養費に係る食事療養標準負担額 (健保法85条2項)")
                .message(format!("no 標準負担額 for {first_date} in santei's tables")),
        );
        return Err(());
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
    if ok { Ok(Some(row)) } else { Err(()) }
}

/// The word of a 負担割合 in the explanations.
fn rate_text(rate: Option<u8>) -> &'static str {
    match rate {
        Some(10) => "1割",
        Some(20) => "2割",
        Some(30) => "3割",
        Some(_) => "負担割合",
        None => "公費単独",
    }
}

/// The month after the last prefix, its natural amounts, the visits and what the 窓口 collects.
struct Prefixes<A> {
    m: Month<A>,
    /// The natural month (rates only: no limit, no cap) of the last prefix, for the 10円 rounding
    /// of what no limit fixed. Computed only on a claim with 公費 ([`natural_patient`]).
    nat: Month<A>,
    visits: Vec<VisitCopay>,
    paid: i64,
}

impl<A: Amount> Prefixes<A> {
    fn new(ctx: &Ctx<'_>, grouped: &Grouped) -> Prefixes<A> {
        let month = || Month::<A> {
            parts: SmallVec::with_capacity(ctx.parts.len()),
            ..Month::default()
        };
        Prefixes {
            m: month(),
            nat: month(),
            visits: Vec::with_capacity(grouped.day_count()),
            paid: 0,
        }
    }

    /// Computes the month on every prefix of its days and each visit as the difference (in place:
    /// the months are large, and not moved out at the end).
    fn run(&mut self, ctx: &Ctx<'_>, grouped: &Grouped, rate_text: &'static str) {
        let rates = ctx.rates;
        let Prefixes {
            m,
            nat,
            visits,
            paid,
        } = self;
        let mut prev = Totals::<A>::default();
        let mut prev_nat = A::default();
        for (di, date) in grouped.days() {
            ctx.month(di, true, m);
            let nat_patient = natural_patient(ctx, di, m, nat);
            let cur = m.totals();
            let binding = cur.patient < nat_patient;
            let exact_day = nat_patient - prev_nat;
            let window = if binding {
                (cur.patient.yen() - *paid).max(0)
            } else {
                exact_day.round10()
            };
            *paid += window;
            let points = grouped.day_points[di];
            let explain = if ctx.settings.explain {
                vec![visit_explanation(
                    points,
                    binding.then_some(window),
                    exact_day.decimal(),
                    window,
                    rate_text,
                    !ctx.funds.is_empty(),
                )]
            } else {
                Vec::new()
            };
            visits.push(VisitCopay {
                date,
                points,
                medical_cost_yen: points.saturating_mul(10),
                // 公費単独: no 一部負担金 (the month's `copay_yen` is 0 too); the 公費 pays the day.
                copay_yen: if rates.insured {
                    (cur.ib - prev.ib).yen()
                } else {
                    0
                },
                high_cost_yen: ((cur.natural_ib - cur.ib) - (prev.natural_ib - prev.ib)).yen(),
                public_yen: (0..ctx.funds.len())
                    .map(|k| (cur.pay[k] - prev.pay[k]).yen())
                    .collect(),
                patient_yen: (cur.patient - prev.patient).yen(),
                window_yen: window,
                explain,
            });
            prev = cur;
            prev_nat = nat_patient;
        }
    }
}

/// The patient's amount of the natural month of the prefix `0..=di` whose capped month is `m`.
/// Without 公費 it is `m`'s 一部負担金 before any limit (the same sum of the parts' `natural_ib`,
/// in the same order): nothing but the limits acts on it. The natural month is then not computed:
/// `nat` keeps its zero 公費 amounts (`after`), which are what it would hold, and nothing else
/// of it is read.
fn natural_patient<A: Amount>(ctx: &Ctx<'_>, di: usize, m: &Month<A>, nat: &mut Month<A>) -> A {
    if ctx.funds.is_empty() {
        m.natural_ib
    } else {
        ctx.month(di, false, nat);
        nat.patient
    }
}

/// The explanation of one visit: under a binding limit (`limited`: what the 窓口 collects), or
/// the day's share rounded to 10円.
fn visit_explanation(
    points: i64,
    limited: Option<i64>,
    exact_day: Decimal,
    window: i64,
    rate_text: &'static str,
    with_funds: bool,
) -> Explanation {
    match limited {
        Some(w) => Explanation::VisitLimited { points, window: w },
        None => Explanation::VisitShare {
            points,
            share: exact_day,
            rate: rate_text,
            after_funds: with_funds,
            window,
            rounding: Rounding::HalfUp,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_words() {
        assert_eq!(rate_text(Some(30)), "3割");
        assert_eq!(rate_text(Some(10)), "1割");
        assert_eq!(rate_text(None), "公費単独");
    }

    #[test]
    fn visit_texts() {
        assert_eq!(
            visit_explanation(641, None, Decimal::from(1923), 1920, "3割", false).to_string(),
            "641点 × 10円 = 6410円; patient share 1923円 (3割) → 1920円 (10円未満 四捨五入, 健保法75条)"
        );
        assert_eq!(
            visit_explanation(641, Some(577), Decimal::from(1923), 577, "3割", true).to_string(),
            "641点 × 10円 = 6410円; a monthly limit applies: the 窓口 collects what is left under it, to the yen (577円)"
        );
    }
}
