//! The arithmetic: the claim's lines grouped into 負担区分 parts, the monthly split of each part
//! between the insurance, the 公費 and the patient, the limits, and the per-visit 窓口 amounts.
//!
//! The month is computed on every prefix of the month's days (day 1, days 1–2, …), the same way as
//! on the whole month. The per-visit values are the differences between consecutive prefixes, so a
//! limit that binds from a visit on makes that visit pay exactly what is left under it (to the
//! yen), and the visits add up to the monthly amount; before any limit binds, each visit pays its
//! own share rounded to 10円.

use rust_decimal::Decimal;
use santei_masters::Date;

use super::rate::Rates;
use super::tables::{self, LimitRow, MealCover, Under70PartLimit};
use super::{
    CITE_HIGH_COST, CLASS_NOT_IN_FORCE, Copay, CopaySettings, FundCopay, HAIRYO_APPLIED,
    HIGH_COST_APPLIED, HoCopay, HoRecord, INCOME_CLASS_MISSING, IncomeClass, KoRecord, LinePoints,
    MEAL_AMOUNT_UNKNOWN, MealCopay, NO_TABLE, PublicReceiptRounding, ReceiptCopay,
    SEIHO_ELDER_PART, SPECIAL_NOTE_UNKNOWN, Under70PublicLimit, VisitCopay, covers_path, error,
    round10,
};
use crate::claim::{Claim, MealClass, Setting};
use crate::result::{Finding, Severity};
use crate::rounding::Rounding;

use super::Fund;

const MAX_FUNDS: usize = 4;

/// One 負担区分 part: the lines covered by the same set of 公費 (bit k = fund k).
struct Part {
    mask: u8,
    /// Points per day index.
    day_points: Vec<i64>,
}

#[derive(Clone, Default)]
struct PartState {
    mask: u8,
    cost: Decimal,
    natural_ib: Decimal,
    ib: Decimal,
    patient: Decimal,
    /// The limit that capped the part's 一部負担金, for the explanation.
    part_limit: Option<(Decimal, &'static str)>,
}

#[derive(Clone, Default)]
struct Month {
    parts: Vec<PartState>,
    cost: Decimal,
    natural_ib: Decimal,
    ib: Decimal,
    patient: Decimal,
    pay: [Decimal; MAX_FUNDS],
    after: [Decimal; MAX_FUNDS],
    target: [Decimal; MAX_FUNDS],
    /// The 合算 limit, the amount it removed, and the 医療費 of a 世帯 formula (None: 外来特例).
    combined: Option<(Decimal, Decimal, Option<Decimal>)>,
    marucho_cut: Decimal,
    hairyo: bool,
}

struct Ctx<'a> {
    rates: &'a Rates,
    funds: &'a [Fund],
    settings: &'a CopaySettings,
    parts: Vec<Part>,
    outpatient: bool,
    rate: Decimal,
}

fn dec(v: i64) -> Decimal {
    Decimal::from(v)
}

/// A whole-yen amount as an integer. Every amount passed here is already whole (rates of 10円
/// multiples, limits rounded by name, shares rounded by name), so the truncation (切り捨て,
/// [`Rounding::Down`]) drops nothing.
fn yen(v: Decimal) -> i64 {
    // Integer division of the mantissa truncates toward zero, like Rounding::Down.
    let m = v.mantissa() / 10i128.pow(v.scale());
    i64::try_from(m).unwrap_or(if m < 0 { i64::MIN } else { i64::MAX })
}

/// Shows an amount in yen: an integer when whole (the usual case), else the exact decimal.
struct Yen(Decimal);

impl std::fmt::Display for Yen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.fract().is_zero() {
            write!(f, "{}", yen(self.0))
        } else {
            write!(f, "{}", self.0.normalize())
        }
    }
}

/// The running totals of a prefix, for the per-visit differences.
#[derive(Clone, Copy, Default)]
struct Totals {
    natural_ib: Decimal,
    ib: Decimal,
    patient: Decimal,
    pay: [Decimal; MAX_FUNDS],
}

impl Month {
    fn totals(&self) -> Totals {
        Totals {
            natural_ib: self.natural_ib,
            ib: self.ib,
            patient: self.patient,
            pay: self.pay,
        }
    }
}

impl Ctx<'_> {
    fn halve(&self, v: i64) -> i64 {
        if self.rates.halved { v / 2 } else { v }
    }

    /// A 世帯 limit of a row for a 医療費 (多数回, halving applied).
    fn household(&self, row: &LimitRow, cost: Decimal) -> Decimal {
        let f = if self.rates.halved {
            row.household.halved()
        } else {
            row.household
        };
        // 健保令42条1項: 1円未満 四捨五入 of the 1% part.
        let mut v = f.amount(cost);
        if self.rates.many {
            if let Some(m) = row.many_times {
                v = v.min(dec(self.halve(m)));
            }
        }
        v
    }

    /// How a 世帯 limit was obtained, for the explanation.
    fn household_text(&self, row: &LimitRow, cost: Decimal) -> String {
        let f = if self.rates.halved {
            row.household.halved()
        } else {
            row.household
        };
        let v = self.household(row, cost);
        let mut t = match f.threshold {
            Some(th) => format!(
                "{} + ({} − {th}) × 1% (1円未満 {})",
                f.base,
                Yen(cost),
                Rounding::HalfUp.japanese()
            ),
            None => f.base.to_string(),
        };
        if self.rates.halved {
            t.push_str(", 75歳到達月 1/2");
        }
        if self.rates.many && row.many_times.is_some() {
            t = format!(
                "{t}; 多数回該当 {}",
                self.halve(row.many_times.unwrap_or(0))
            );
        }
        format!("{t} = {}円", Yen(v))
    }

    /// The 70歳以上 外来特例 limit, when the 区分 has one and the claim is 外来.
    fn outpatient_limit(&self, row: &LimitRow) -> Option<Decimal> {
        row.outpatient
            .filter(|_| self.outpatient)
            .map(|o| dec(self.halve(o)))
    }

    fn under70_kind(&self, fund: &Fund) -> Under70PartLimit {
        match self.settings.under70_public_limit {
            Under70PublicLimit::ByLaw => fund.under70,
            Under70PublicLimit::UFormula => Under70PartLimit::UFormula,
            Under70PublicLimit::OwnClass => Under70PartLimit::OwnClass,
        }
    }

    /// The 高額療養費 cap of a 公費 part on its own.
    fn fund_part_limit(&self, cost: Decimal, first_fund: &Fund) -> Option<(Decimal, &'static str)> {
        let r = self.rates;
        if r.elder {
            let (row, own) = match first_fund.elder_part_class {
                Some(c) => (
                    tables::limit(tables::Band::Over70, c, r.date).or(r.row)?,
                    false,
                ),
                None => (r.row?, true),
            };
            Some(match (self.outpatient_limit(row), own) {
                (Some(o), true) => (o, "外来 (個人) limit of the 区分"),
                (None, true) => (self.household(row, cost), "limit of the 区分"),
                (Some(o), false) => (o, tables::SEIHO_ELDER),
                (None, false) => (self.household(row, cost), tables::SEIHO_ELDER),
            })
        } else {
            match self.under70_kind(first_fund) {
                Under70PartLimit::UFormula => r.u_row.map(|row| {
                    (
                        self.household(row, cost),
                        "特定給付対象療養: the 区分ウ formula whatever the 区分 (MHLW H27 事例14–31; from 2026-08-01 the new ウ row, INFERRED: the 政令 text was not found; setting under70_public_limit)",
                    )
                }),
                Under70PartLimit::OwnClass => r
                    .row
                    .map(|row| (self.household(row, cost), "limit of the patient's own 区分 (setting under70_public_limit)")),
            }
        }
    }

    /// The month over days `0..=upto`. `capped = false` gives the natural amounts (rates only,
    /// no limit, no cap), used for the per-visit rounding.
    fn month(&self, upto: usize, capped: bool, m: &mut Month) {
        let r = self.rates;
        let mut parts = std::mem::take(&mut m.parts);
        parts.clear();
        *m = Month {
            parts,
            ..Month::default()
        };
        let mut cap_left: [Option<Decimal>; MAX_FUNDS] = [None; MAX_FUNDS];
        let mut visits_left: [u32; MAX_FUNDS] = [u32::MAX; MAX_FUNDS];
        let mut charged_days: [u64; MAX_FUNDS] = [0; MAX_FUNDS];
        for (k, f) in self.funds.iter().enumerate() {
            if capped {
                cap_left[k] = f.cap.map(dec);
            }
            if let Some(v) = f.max_visits {
                visits_left[k] = v;
            }
        }
        for part in &self.parts {
            let pts: i64 = part.day_points[..=upto]
                .iter()
                .fold(0i64, |a, p| a.saturating_add(*p));
            let cost = dec(pts.saturating_mul(10));
            let mut st = PartState {
                mask: part.mask,
                cost,
                ..Default::default()
            };
            let natural_ib = if r.insured { cost * self.rate } else { cost };
            st.natural_ib = natural_ib;
            let mut ib = natural_ib;
            if capped && r.insured && pts > 0 {
                if part.mask != 0 {
                    let first = self.first_fund(part.mask);
                    if let Some((l, why)) = self.fund_part_limit(cost, first) {
                        if ib > l {
                            ib = l;
                            st.part_limit = Some((l, why));
                        }
                    }
                } else if let (Some(h), Some(row)) = (r.hairyo, r.row) {
                    let term = dec(h.base)
                        + (cost - dec(h.threshold)).max(Decimal::ZERO) * dec(h.percent) / dec(100);
                    let l = match self.outpatient_limit(row) {
                        Some(o) => term.min(o),
                        None => term,
                    };
                    if ib > l {
                        ib = l;
                        m.hairyo = true;
                        st.part_limit = Some((
                            l,
                            "後期 2割 配慮措置: 6,000 + (医療費 − 30,000) × 10% (高確法施行令 附則, 令和4年10月〜令和7年9月)",
                        ));
                    }
                }
                if let Some(mc) = r.marucho {
                    let mc = dec(self.halve(mc));
                    if ib > mc {
                        ib = mc;
                        st.part_limit = Some((mc, "特定疾病 (マル長) limit"));
                    }
                }
            }
            // The 公費, in priority order.
            let mut rest = ib;
            for (k, f) in self.funds.iter().enumerate() {
                if part.mask & (1 << k) == 0 {
                    continue;
                }
                m.target[k] += rest;
                let mut share = rest;
                if let Some(pm) = f.permille {
                    let mut s = cost * dec(pm) / dec(1000);
                    if capped {
                        // 1円未満 四捨五入 of the monthly share (結核 5%: half yen possible).
                        s = dec(Rounding::HalfUp.to_int(s));
                    }
                    share = share.min(s);
                }
                if let Some(pv) = f.per_visit {
                    let mut s = Decimal::ZERO;
                    for (di, &p) in part.day_points[..=upto].iter().enumerate() {
                        if p <= 0 || charged_days[k] & (1 << di) != 0 || visits_left[k] == 0 {
                            continue;
                        }
                        charged_days[k] |= 1 << di;
                        visits_left[k] -= 1;
                        let day_ib = if r.insured {
                            dec(p.saturating_mul(10)) * self.rate
                        } else {
                            dec(p.saturating_mul(10))
                        };
                        s += dec(pv).min(day_ib);
                    }
                    share = share.min(s);
                }
                if let Some(c) = cap_left[k].as_mut() {
                    share = share.min(*c);
                    *c -= share;
                }
                m.pay[k] += rest - share;
                m.after[k] += share;
                rest = share;
            }
            st.ib = ib;
            st.patient = rest;
            m.parts.push(st);
        }
        if capped && r.insured {
            self.combine(m);
        }
        for p in &m.parts {
            m.cost += p.cost;
            m.natural_ib += p.natural_ib;
            m.ib += p.ib;
            m.patient += p.patient;
        }
    }

    fn first_fund(&self, mask: u8) -> &Fund {
        let k = mask.trailing_zeros() as usize;
        &self.funds[k.min(self.funds.len() - 1)]
    }

    /// 合算 of the parts under the 区分's limit, then the マル長 limit over all parts.
    fn combine(&self, m: &mut Month) {
        let r = self.rates;
        let amount = |p: &PartState| if p.mask == 0 { p.ib } else { p.patient };
        if let Some(row) = r.row {
            let live = m.parts.iter().filter(|p| p.cost > Decimal::ZERO).count();
            let joined: Vec<bool> = m
                .parts
                .iter()
                .map(|p| p.cost > Decimal::ZERO && (r.elder || live == 1 || p.ib >= dec(r.floor)))
                .collect();
            let cost: Decimal = m
                .parts
                .iter()
                .zip(&joined)
                .filter(|(_, j)| **j)
                .map(|(p, _)| p.cost)
                .sum();
            let (limit, why) = match self.outpatient_limit(row) {
                Some(o) if r.elder => (o, None),
                _ => (self.household(row, cost), Some(cost)),
            };
            let total: Decimal = m
                .parts
                .iter()
                .zip(&joined)
                .filter(|(_, j)| **j)
                .map(|(p, _)| amount(p))
                .sum();
            if total > limit {
                let cut = total - limit;
                self.reduce(m, &joined, cut);
                m.combined = Some((limit, cut, why));
            }
        }
        if let Some(mc) = r.marucho {
            let mc = dec(self.halve(mc));
            let total: Decimal = m.parts.iter().map(amount).sum();
            if total > mc {
                let all = vec![true; m.parts.len()];
                self.reduce(m, &all, total - mc);
                m.marucho_cut = total - mc;
            }
        }
    }

    /// Lowers the patient's amounts by `cut`: the insurance-only part first, then the 公費 parts
    /// from the last; the insurance pays the difference.
    fn reduce(&self, m: &mut Month, joined: &[bool], mut cut: Decimal) {
        let mut order: Vec<usize> = (0..m.parts.len()).filter(|&i| joined[i]).collect();
        order.sort_by_key(|&i| (m.parts[i].mask != 0, std::cmp::Reverse(m.parts[i].mask)));
        for i in order {
            if cut <= Decimal::ZERO {
                break;
            }
            let p = &mut m.parts[i];
            let avail = if p.mask == 0 { p.ib } else { p.patient };
            let x = avail.min(cut);
            p.ib -= x;
            p.patient -= x;
            for k in 0..self.funds.len() {
                if p.mask & (1 << k) != 0 {
                    m.after[k] -= x;
                }
            }
            cut -= x;
        }
    }
}

/// 負担区分コード of a set of payers (UKE 別表; UKE_LAYOUT.md).
pub(crate) fn burden_code(insured: bool, mask: u8) -> &'static str {
    const H: [&str; 16] = [
        "1", "2", "3", "4", "E", "M", "O", "V", "G", "N", "P", "W", "Q", "X", "Y", "9",
    ];
    const P: [&str; 16] = [
        "", "5", "6", "7", "B", "H", "J", "R", "C", "I", "K", "S", "L", "T", "U", "Z",
    ];
    let i = usize::from(mask & 0xF);
    if insured { H[i] } else { P[i] }
}

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
    let first_date = claim.visits.iter().map(|v| v.date).min()?;
    // A 公費 capped with the own 区分 needs the 区分 (under 70).
    if rates.insured && !rates.elder && rates.class.is_none() {
        for (k, f) in funds.iter().enumerate() {
            let kind = match settings.under70_public_limit {
                Under70PublicLimit::ByLaw => f.under70,
                Under70PublicLimit::UFormula => Under70PartLimit::UFormula,
                Under70PublicLimit::OwnClass => Under70PartLimit::OwnClass,
            };
            if kind == Under70PartLimit::OwnClass {
                error(
                    findings,
                    INCOME_CLASS_MISSING,
                    format!("insurance.public_funds[{k}]"),
                    f.citation,
                    format!(
                        "法別{} {}: its 高額療養費 uses the patient's 所得区分 (ア〜オ, on the 受給者証); give income_class",
                        f.law, f.name
                    ),
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
                error(
                    findings,
                    CLASS_NOT_IN_FORCE,
                    format!("insurance.public_funds[{k}]"),
                    f.citation,
                    format!(
                        "法別{} {}: its part under 70 is capped with the 区分ウ formula (特定給付対象療養, MHLW H27 事例14–31), but 区分ウ does not exist on {first_date} (13 区分 from 2027-08-01) and the limit that replaces it for 特定給付対象療養 was not found",
                        f.law, f.name
                    ),
                );
                return None;
            }
        }
    }
    let meal_row = if claim.meals.iter().any(|m| m.count > 0) {
        let Some(row) = tables::meals(first_date) else {
            error(
                findings,
                NO_TABLE,
                "meals",
                "入院時食事療養費に係る食事療養標準負担額 (健保法85条2項)",
                format!("no 標準負担額 for {first_date} in santei's tables"),
            );
            return None;
        };
        let derived = meal_class(rates, funds);
        let mut ok = true;
        for (i, m) in claim.meals.iter().enumerate() {
            let c = m.class.unwrap_or(derived);
            if m.count > 0 && row.amount(c).is_none() {
                error(
                    findings,
                    MEAL_AMOUNT_UNKNOWN,
                    format!("meals[{i}]"),
                    row.citation,
                    format!(
                        "no 食事療養標準負担額 for 区分 {} on {first_date}: {}",
                        meal_class_name(c),
                        row.citation
                    ),
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
        let explain = if binding {
            format!(
                "{points}点 × 10円 = {}円; a monthly limit applies: the 窓口 collects what is left under it, to the yen ({}円)",
                points.saturating_mul(10),
                window
            )
        } else {
            format!(
                "{points}点 × 10円 = {}円; patient share {}円 ({rate_text}{}) → {window}円 (10円未満 {}, 健保法75条)",
                points.saturating_mul(10),
                Yen(exact_day),
                if funds.is_empty() {
                    ""
                } else {
                    ", after 公費"
                },
                Rounding::HalfUp.japanese()
            )
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
            explain: vec![explain],
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
        explain.push(format!(
            "医療費 {total_points}点 × 10円 = {}円; 一部負担金 {}円 ({rate_text}); patient {}円 for the month, 窓口 {paid}円 over {n} day(s) (10円未満 四捨五入 per visit: 健保法75条 / 国保法42条の2; to the yen once a limit applies)",
            yen(m.cost),
            Yen(m.natural_ib),
            yen(m.patient),
        ));
    } else {
        explain.push(format!(
            "公費単独: 医療費 {total_points}点 × 10円 = {}円, all of it left to the 公費; patient {}円, 窓口 {paid}円",
            yen(m.cost),
            yen(m.patient)
        ));
    }
    for p in &m.parts {
        if let Some((l, why)) = p.part_limit {
            explain.push(format!(
                "負担区分 {}: 一部負担金 {}円 capped at {}円 ({why}; {CITE_HIGH_COST})",
                burden_code(rates.insured, p.mask),
                Yen(p.natural_ib),
                Yen(l)
            ));
        }
    }
    if let (Some((l, cut, cost)), Some(row)) = (m.combined, rates.row) {
        let what = match cost {
            Some(c) => format!("limit {}", ctx.household_text(row, c)),
            None => format!("外来 (個人) limit {}円", Yen(l)),
        };
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
    if m.marucho_cut > Decimal::ZERO {
        explain.push(format!(
            "特定疾病 (マル長) {}円/月: {}円 more paid by the insurance",
            ctx.halve(rates.marucho.unwrap_or(0)),
            Yen(m.marucho_cut)
        ));
    }
    if let Some(row) = rates.row {
        if let (true, Some(a)) = (rates.elder && ctx.outpatient, row.outpatient_annual) {
            explain.push(format!(
                "外来特例 年間上限 {a}円 (8月〜翌7月) is refunded by the insurer; not applied at the 窓口"
            ));
        }
    }
    if let Some(row) = rates.row {
        if let Some(a) = row.annual {
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
    if limited {
        // The row whose amounts were used: the 区分's own, else (a 公費 part only) the row of the
        // part limit.
        let source = rates.row.or(rates.u_row);
        let (citation, note) = match source {
            Some(r) => (r.citation, r.note),
            None => (CITE_HIGH_COST, None),
        };
        findings.push(Finding::new(
            HIGH_COST_APPLIED,
            Severity::Info,
            "insurance",
            citation,
            vec![],
            format!(
                "高額療養費 {high_cost}円 paid in kind: 一部負担金 {}円 → {}円 (limits of {}: {})",
                Yen(m.natural_ib),
                Yen(m.ib),
                source.map_or(rates.date, |r| r.from),
                note.unwrap_or(citation)
            ),
        ));
    }
    if m.parts.iter().any(|p| {
        p.part_limit
            .is_some_and(|(_, why)| std::ptr::eq(why, tables::SEIHO_ELDER))
    }) {
        findings.push(Finding::new(
            SEIHO_ELDER_PART,
            Severity::Info,
            "insurance.public_funds",
            tables::SEIHO_ELDER,
            vec![],
            "生活保護 併用 (70歳以上): the part 生活保護 pays is capped with the 低所得Ⅰ limit, not the patient's own 区分",
        ));
    }
    if m.hairyo {
        findings.push(Finding::new(
            HAIRYO_APPLIED,
            Severity::Info,
            "insurance",
            "高確法施行令 附則 (配慮措置 2022-10-01〜2025-09-30); MHLW 「後期高齢者医療制度の負担割合見直しに係る計算事例集（令和5年4月）」",
            vec![],
            "後期 2割 配慮措置: the 外来 increase is limited to 3,000円 over the 1割 amount",
        ));
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
        let fx = vec![format!(
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
        )];
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
        let (copay, ho_total) = meals(claim, rates, funds, row);
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
                None if c.is_hyoho_band() => findings.push(Finding::new(
                    SPECIAL_NOTE_UNKNOWN,
                    Severity::Info,
                    "insurance.income_class",
                    CITE_HIGH_COST,
                    vec![],
                    format!(
                        "{}: the レセプト 特記事項 code of the 2027-08 所得区分 was not found; none written",
                        c.japanese()
                    ),
                )),
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

/// The 標準負担額 区分 of a claim's meals when the claim gives none.
fn meal_class(rates: &Rates, funds: &[Fund]) -> MealClass {
    if funds.iter().any(|f| f.law == "54" || f.law == "52") {
        MealClass::Nanbyo
    } else {
        match rates.class {
            Some(IncomeClass::Teishotoku1) => MealClass::LowIncome1,
            Some(IncomeClass::Teishotoku2 | IncomeClass::O) => MealClass::LowIncome,
            _ => MealClass::General,
        }
    }
}

fn meal_class_name(c: MealClass) -> &'static str {
    match c {
        MealClass::General => "一般",
        MealClass::Nanbyo => "指定難病・小児慢性",
        MealClass::LowIncome => "住民税非課税・低所得Ⅱ",
        MealClass::LowIncomeLongStay => "住民税非課税・低所得Ⅱ 90日超",
        MealClass::LowIncome1 => "低所得Ⅰ",
    }
}

/// 入院時食事療養 標準負担額 of the month, and the HO 食事 合計金額 when the cost is given.
fn meals(
    claim: &Claim,
    rates: &Rates,
    funds: &[Fund],
    row: &tables::MealRow,
) -> (MealCopay, Option<i64>) {
    let derived = meal_class(rates, funds);
    // Every 区分 used was checked in `run` (C526), so a missing amount cannot reach here.
    let per = |c: MealClass| row.amount(c).unwrap_or(0);
    let mut count = 0u32;
    let mut standard_total = 0i64;
    let mut cost_total = Some(0i64);
    let mut class = derived;
    for m in &claim.meals {
        let c = m.class.unwrap_or(derived);
        class = c;
        count += m.count;
        standard_total += per(c) * i64::from(m.count);
        cost_total = cost_total.and_then(|t| m.cost_yen.map(|y| t + i64::from(y)));
    }
    let mut rest = standard_total;
    let mut public_yen = vec![0i64; funds.len()];
    for (k, f) in funds.iter().enumerate() {
        let pays = match f.meals {
            MealCover::None => 0,
            MealCover::Full => rest,
            MealCover::Half => rest / 2,
        };
        public_yen[k] = pays;
        rest -= pays;
    }
    let explain = vec![format!(
        "{count}食 × 標準負担額 {}円 ({}) = {standard_total}円; the patient pays {rest}円 (not part of the 一部負担金 nor of 高額療養費; {})",
        per(class),
        meal_class_name(class),
        row.citation
    )];
    let ho_total = cost_total
        .filter(|_| !claim.meals.is_empty())
        .map(|c| c - standard_total);
    (
        MealCopay {
            count,
            class,
            standard_yen: per(class),
            patient_yen: rest,
            public_yen,
            explain,
        },
        ho_total,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burden_codes() {
        assert_eq!(burden_code(true, 0), "1");
        assert_eq!(burden_code(true, 0b1), "2");
        assert_eq!(burden_code(true, 0b10), "3");
        assert_eq!(burden_code(true, 0b11), "4");
        assert_eq!(burden_code(true, 0b100), "E");
        assert_eq!(burden_code(true, 0b1000), "G");
        assert_eq!(burden_code(true, 0b101), "M");
        assert_eq!(burden_code(true, 0b1001), "N");
        assert_eq!(burden_code(true, 0b110), "O");
        assert_eq!(burden_code(true, 0b1010), "P");
        assert_eq!(burden_code(true, 0b1100), "Q");
        assert_eq!(burden_code(true, 0b111), "V");
        assert_eq!(burden_code(true, 0b1011), "W");
        assert_eq!(burden_code(true, 0b1101), "X");
        assert_eq!(burden_code(true, 0b1110), "Y");
        assert_eq!(burden_code(true, 0b1111), "9");
        assert_eq!(burden_code(false, 0b1), "5");
        assert_eq!(burden_code(false, 0b10), "6");
        assert_eq!(burden_code(false, 0b11), "7");
        assert_eq!(burden_code(false, 0b100), "B");
        assert_eq!(burden_code(false, 0b1000), "C");
        assert_eq!(burden_code(false, 0b101), "H");
        assert_eq!(burden_code(false, 0b1001), "I");
        assert_eq!(burden_code(false, 0b110), "J");
        assert_eq!(burden_code(false, 0b1010), "K");
        assert_eq!(burden_code(false, 0b1100), "L");
        assert_eq!(burden_code(false, 0b111), "R");
        assert_eq!(burden_code(false, 0b1011), "S");
        assert_eq!(burden_code(false, 0b1101), "T");
        assert_eq!(burden_code(false, 0b1110), "U");
        assert_eq!(burden_code(false, 0b1111), "Z");
    }
}
