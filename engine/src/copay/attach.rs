//! The claim-facing entry points: [`attach`], [`compute`] and [`compute_lines`], which check the
//! input and hand the month to the arithmetic.

use super::funds::resolve_funds;
use super::*;

/// Computes the copayment with the default settings and sets `result.copay`; findings are added
/// to `result.findings`. Called by [`crate::Engine::calculate`].
pub fn attach(claim: &Claim, result: &mut ClaimResult) {
    attach_with(claim, result, &CopaySettings::DEFAULT, &LocalSchemes::EMPTY);
}

/// [`attach`] with settings and user-supplied 地方単独 schemes.
pub fn attach_with(
    claim: &Claim,
    result: &mut ClaimResult,
    settings: &CopaySettings,
    schemes: &LocalSchemes,
) {
    let mut findings = Vec::new();
    let copay = compute(claim, result, settings, schemes, &mut findings);
    result.findings.extend(findings);
    result.copay = copay;
}

/// One billed line as the copayment sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePoints<'a> {
    pub date: Date,
    /// 点数 × 回数
    pub points: i64,
    /// Claim path of the item (for `PublicFund.covers`).
    pub path: &'a str,
}

/// The copayment of a claim whose points are `result`. `None` (with an error finding) when the
/// input cannot give an amount, or (with an info finding) when the claim carries no insurance.
pub fn compute(
    claim: &Claim,
    result: &ClaimResult,
    settings: &CopaySettings,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
) -> Option<Copay> {
    // 診療識別 97 lines are yen (食事・生活療養), outside the 一部負担金: no points here.
    let lines: Vec<LinePoints<'_>> = result
        .lines
        .iter()
        .map(|l| LinePoints {
            date: l.date,
            points: if l.section == "97" {
                0
            } else {
                l.points.unwrap_or(0) * i64::from(l.times)
            },
            path: line_path(&l.origin),
        })
        .collect();
    let served = served_meals(claim, result, findings).ok()?;
    compute_lines(
        served.as_deref().unwrap_or(claim),
        &lines,
        settings,
        schemes,
        findings,
    )
}

/// The claim with the `meals` of the copayment taken from the meals served (`stay.meals`) when
/// it gives none by hand: the month's 食数, the stay's `meal_class`, and the 費用 = Σ of the
/// 診療識別 97 lines (none when a day's rows were missing). `Ok(None)`: use the claim as it is;
/// `Err`: the copayment cannot be computed (生活療養, CPY-529). Boxed: the claim is large, and
/// the result of every claim without meals stays one word.
fn served_meals(
    claim: &Claim,
    result: &ClaimResult,
    findings: &mut Vec<Finding>,
) -> Result<Option<Box<Claim>>, ()> {
    let Some(s) = claim.stay.as_ref().filter(|_| claim.meals.is_empty()) else {
        return Ok(None);
    };
    let Some(count) = crate::meals::served_count(s) else {
        return Ok(None);
    };
    let insured = claim.insurance.scheme.is_some()
        || claim.insurance.burden_percent.is_some()
        || claim.insurance.income_class.is_some()
        || !claim.insurance.public_funds.is_empty();
    let living = if crate::meals::any_living(s) {
        let why = if s.meals.iter().any(|m| !m.kind.living()) {
            Some("the month has both 食事療養 and 生活療養 meals".to_string())
        } else {
            match s.iryo_kubun {
                Some(1) => None,
                None => Some("`stay.iryo_kubun` (医療区分 1–3) is not given; it decides the 生活療養標準負担額".to_string()),
                Some(k) => Some(format!("医療区分{k}: the 生活療養標準負担額 of 医療区分2・3 (食事療養標準負担額 rows 197002810–197003010, 197003810) is not decided by santei")),
            }
        };
        match (why, &result.living) {
            (None, Some(t)) => Some(t.clone()),
            (why, _) => {
                if insured {
                    living_refused(
                        findings,
                        &why.unwrap_or_else(|| "no 生活療養標準負担額 was computed".into()),
                    );
                }
                return Err(());
            }
        }
    } else {
        None
    };
    let billed = result
        .findings
        .iter()
        .all(|f| f.rule != crate::meals::ROW_MISSING);
    let cost: i64 = result
        .lines
        .iter()
        .filter(|l| l.section == "97")
        .map(|l| l.points.unwrap_or(0) * i64::from(l.times))
        .sum();
    let mut c = claim.clone();
    c.meals = vec![crate::claim::Meals {
        count,
        class: s.meal_class,
        cost_yen: billed.then(|| u32::try_from(cost).ok()).flatten(),
        living,
    }];
    Ok(Some(Box::new(c)))
}

/// The copayment of a claim from its billed lines (one entry per result line, in result order;
/// `burden_kubun` follows that order). Use it for claims whose points come from elsewhere (入院,
/// a UKE file).
pub fn compute_lines(
    claim: &Claim,
    lines: &[LinePoints<'_>],
    settings: &CopaySettings,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
) -> Option<Copay> {
    let (first, mut rates, funds) = prepare(claim, lines, settings, schemes, findings)?;
    // Checked in place: the copayment is large, and not moved out of the Option and back.
    let copay = calc::run(claim, lines, settings, &mut rates, &funds, findings);
    if let Some(c) = &copay {
        drop_needless_c522(c, first, claim.insurance.many_times, findings);
    }
    copay
}

/// What the month of a claim is computed with, before its lines are grouped: the first day of
/// care, the 負担割合 and the 公費. `None` for a points-only claim (no copayment, nothing to
/// report), and with the errors when the lines span months (CPY-516), or the 負担割合, a 公費 or
/// the 食事 input cannot be judged.
pub(super) fn prepare(
    claim: &Claim,
    lines: &[LinePoints<'_>],
    settings: &CopaySettings,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
) -> Option<(Date, crate::copay::rate::Rates, Vec<Fund>)> {
    let ins = &claim.insurance;
    let insured =
        ins.scheme.is_some() || ins.burden_percent.is_some() || ins.income_class.is_some();
    if !insured && ins.public_funds.is_empty() {
        return None;
    }
    let line_dates = date_range(lines.iter().map(|l| l.date));
    if let Some((a, b)) = line_dates {
        if (a.year(), a.month()) != (b.year(), b.month()) {
            findings.push(
                Finding::error(LINES_MONTH)
                    .at("visits")
                    .cite(CITE_RATE)
                    .message(format!(
                        "lines from {a} to {b}: a copayment is computed for one calendar month"
                    )),
            );
            return None;
        }
    }
    let errors_before = count_errors(findings);
    let (first, last) = span(claim, line_dates)?;
    let rates = rate::decide(claim, first, last, insured, settings, findings);
    let funds = resolve_funds(claim, lines, first, insured, schemes, findings);
    let meals = validate_meals(claim, findings);
    let (Some(rates), Some(funds)) = (rates, funds) else {
        return None;
    };
    if count_errors(findings) > errors_before || !meals {
        return None;
    }
    Some((first, rates, funds))
}

/// CPY-522 (70歳未満 without 所得区分) only when a limit could have applied: the month's 一部負担金
/// reaches the lowest 70歳未満 limit in force (オ, or its 多数回 amount). Below it no 所得区分
/// changes the amount, and the note would be on nearly every claim.
fn drop_needless_c522(copay: &Copay, date: Date, many_times: bool, findings: &mut Vec<Finding>) {
    if findings.iter().all(|f| f.rule != NO_CERTIFICATE) {
        return;
    }
    let lowest = tables::LIMITS
        .iter()
        .filter(|r| r.band == tables::Band::Under70 && tables::in_force(r.from, r.until, date))
        .map(|r| match (many_times, r.many_times) {
            (true, Some(m)) => m,
            _ => r.household.base,
        })
        .min();
    if lowest.is_some_and(|l| copay.copay_before_limit_yen < l) {
        findings.retain(|f| f.rule != NO_CERTIFICATE);
    }
}

/// The first and last day of care: of the visits and of the billed lines, given as their
/// [`date_range`] (an 入院 month from `stay` has lines and no visit).
pub(crate) fn span(claim: &Claim, lines: Option<(Date, Date)>) -> Option<(Date, Date)> {
    match (date_range(claim.visits.iter().map(|v| v.date)), lines) {
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
        (visits, lines) => visits.or(lines),
    }
}

/// The first and the last of some dates, in one pass.
pub(crate) fn date_range(mut dates: impl Iterator<Item = Date>) -> Option<(Date, Date)> {
    let first = dates.next()?;
    Some(dates.fold((first, first), |(a, b), d| (a.min(d), b.max(d))))
}

fn count_errors(f: &[Finding]) -> usize {
    f.iter().filter(|f| f.severity == Severity::Error).count()
}

/// CPY-529: the 生活療養標準負担額 of the month is not computed, and why.
pub(crate) fn living_refused(findings: &mut Vec<Finding>, why: &str) {
    findings.push(
        Finding::error(crate::meals::LIVING_STANDARD_UNKNOWN)
            .at("stay.meals")
            .cite(crate::meals::living::CITE)
            .message(format!(
                "生活療養 meals: {why}; the patient's share of the month is not computed"
            )),
    );
}

fn validate_meals(claim: &Claim, findings: &mut Vec<Finding>) -> bool {
    let n: u64 = claim.meals.iter().map(|m| u64::from(m.count)).sum();
    if n > 0 && claim.setting == Setting::Outpatient {
        findings.push(
            Finding::error(MEALS_INPUT)
                .at("meals")
                .cite("健保法85条 入院時食事療養費 (入院患者の食事)")
                .message("meals given on an 入院外 claim"),
        );
        return false;
    }
    if n > 3 * 31 {
        findings.push(
            Finding::error(MEALS_INPUT)
                .at("meals")
                .cite("入院時食事療養(Ⅰ) 1日3食を限度")
                .message(format!("{n} meals in one month (at most 3 a day)")),
        );
        return false;
    }
    true
}

/// 10円 四捨五入 of a payment (健保法75条).
pub(crate) fn round10(yen: rust_decimal::Decimal) -> i64 {
    match whole(yen) {
        Some(n) => round10_whole(n),
        None => Rounding::HalfUp.to_int(yen / rust_decimal::Decimal::TEN) * 10,
    }
}

/// [`round10`] of a whole number of yen in integers: 四捨五入 ([`Rounding::HalfUp`], half away
/// from zero) of `n / 10`, exact since `n` is an integer: `(|n| + 5) / 10` keeps the quotient
/// when the last digit is 0–4 and adds one when it is 5–9.
pub(crate) fn round10_whole(n: i64) -> i64 {
    let r = (n.unsigned_abs().saturating_add(5) / 10).saturating_mul(10);
    let r = i64::try_from(r).unwrap_or(i64::MAX);
    if n < 0 { -r } else { r }
}

/// The value of a whole Decimal as an integer (`None` when it has a fraction or is beyond i64).
pub(crate) fn whole(v: rust_decimal::Decimal) -> Option<i64> {
    let m = i64::try_from(v.mantissa()).ok()?;
    let p = 10i64.checked_pow(v.scale())?;
    (m % p == 0).then_some(m / p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The integer path of round10 gives what the Decimal 四捨五入 gives.
    #[test]
    fn round10_whole_matches_the_decimal_rounding() {
        for n in -1_000i64..=1_000 {
            let by_decimal = Rounding::HalfUp.to_int(Decimal::from(n) / Decimal::TEN) * 10;
            assert_eq!(round10_whole(n), by_decimal, "{n}");
            assert_eq!(round10(Decimal::from(n)), by_decimal, "{n}");
        }
        assert_eq!(round10(d("1923.0")), 1920);
        assert_eq!(round10(d("1925.0")), 1930);
        assert_eq!(round10(d("1924.5")), 1920);
        assert_eq!(round10(d("-15")), -20);
    }

    #[test]
    fn date_ranges() {
        let d = |s: &str| Date::parse_iso(s).unwrap();
        let dates = [d("2024-07-09"), d("2024-07-01"), d("2024-07-31")];
        assert_eq!(
            date_range(dates.into_iter()),
            Some((d("2024-07-01"), d("2024-07-31")))
        );
        assert_eq!(date_range(std::iter::empty()), None);
        assert_eq!(
            date_range([d("2024-07-09")].into_iter()),
            Some((d("2024-07-09"), d("2024-07-09")))
        );
    }

    #[test]
    fn span_of_the_visits_and_the_lines() {
        let d = |s: &str| Date::parse_iso(s).unwrap();
        let claim = crate::Engine::parse_claim(
            br#"{"format":"santei.claim/1","patient":{"birth_date":"1980-05-05","sex":"male"},
            "setting":"outpatient","insurance":{},"visits":[{"date":"2024-07-10","items":[]},
            {"date":"2024-07-03","items":[]}]}"#,
        )
        .unwrap();
        let visits = (d("2024-07-03"), d("2024-07-10"));
        assert_eq!(span(&claim, None), Some(visits));
        let lines = (d("2024-07-05"), d("2024-07-12"));
        assert_eq!(span(&claim, Some(lines)), Some((visits.0, lines.1)));
        let none = Claim {
            visits: Vec::new(),
            ..claim
        };
        assert_eq!(span(&none, Some(lines)), Some(lines));
        assert_eq!(span(&none, None), None);
    }

    #[test]
    fn whole_values() {
        assert_eq!(whole(d("1923.0")), Some(1923));
        assert_eq!(whole(d("-40.00")), Some(-40));
        assert_eq!(whole(d("1923.5")), None);
        assert_eq!(whole(Decimal::MAX), None);
    }
}
