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
    SEIHO_ELDER_PART, SPECIAL_NOTE_UNKNOWN, Under70PublicLimit, VisitCopay, covers_path, round10,
};
use crate::claim::{Claim, MealClass, Setting};
use crate::explain::{Explanation, HighCostLimit};
use crate::result::Finding;
use crate::rounding::Rounding;

use super::Fund;

mod meals;
mod report;
mod run;

pub(crate) use run::run;

const MAX_FUNDS: usize = 4;

/// Days of a calendar month: a claim's lines are indexed by their day of the month.
const DAYS: usize = 31;

/// One 負担区分 part: the lines covered by the same set of 公費 (bit k = fund k).
#[derive(Debug, PartialEq)]
struct Part {
    mask: u8,
    /// Points per day index (day of the month − 1).
    day_points: [i64; DAYS],
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
    /// 負担割合 (%), 100 when none (公費単独: the whole 医療費 is left to the 公費).
    rate_percent: i64,
}

fn dec(v: i64) -> Decimal {
    Decimal::from(v)
}

/// 医療費 × 負担割合 (no rounding: the product is exact). The 医療費 is 点数 × 10円 and the
/// 負担割合 10, 20 or 30%, so the product is whole yen and is computed in integers; any other
/// product (not a multiple of 100 before the division) is left to Decimal, unrounded.
fn rate_share(cost_yen: i64, rate_percent: i64) -> Decimal {
    match cost_yen.checked_mul(rate_percent) {
        Some(p) if p % 100 == 0 => dec(p / 100),
        _ => dec(cost_yen) * dec(rate_percent) / dec(100),
    }
}

/// A whole-yen amount as an integer. Every amount passed here is already whole (rates of 10円
/// multiples, limits rounded by name, shares rounded by name), so the truncation (切り捨て,
/// [`Rounding::Down`]) drops nothing.
fn yen(v: Decimal) -> i64 {
    // Integer division of the mantissa truncates toward zero, like Rounding::Down. A mantissa
    // within i64 (every amount of a claim) is divided in 64 bits, not with a 128-bit division.
    let (m, s) = (v.mantissa(), v.scale());
    if let (0, Ok(m)) = (s, i64::try_from(m)) {
        return m;
    }
    if let (Ok(m), true) = (i64::try_from(m), s <= 18) {
        return m / 10i64.pow(s);
    }
    let m = m / 10i128.pow(s);
    i64::try_from(m).unwrap_or(if m < 0 { i64::MIN } else { i64::MAX })
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
    fn household_limit(&self, row: &LimitRow, cost: Decimal) -> HighCostLimit {
        let f = if self.rates.halved {
            row.household.halved()
        } else {
            row.household
        };
        HighCostLimit::Household {
            base: f.base,
            threshold: f.threshold,
            cost,
            rounding: Rounding::HalfUp,
            halved: self.rates.halved,
            many_times: row
                .many_times
                .filter(|_| self.rates.many)
                .map(|m| self.halve(m)),
            amount: self.household(row, cost),
        }
    }

    /// The 70歳以上 外来特例 limit, when the 区分 has one and the claim is 外来.
    fn outpatient_limit(&self, row: &LimitRow) -> Option<Decimal> {
        row.outpatient
            .filter(|_| self.outpatient)
            .map(|o| dec(self.halve(o)))
    }

    fn under70_kind(&self, fund: &Fund) -> Under70PartLimit {
        run::under70_kind(self.settings.under70_public_limit, fund)
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
            let cost_yen = pts.saturating_mul(10);
            let cost = dec(cost_yen);
            let mut st = PartState {
                mask: part.mask,
                cost,
                ..Default::default()
            };
            let natural_ib = if r.insured {
                rate_share(cost_yen, self.rate_percent)
            } else {
                cost
            };
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
                            rate_share(p.saturating_mul(10), self.rate_percent)
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
        if let [p] = &m.parts[..] {
            // One part (most claims): its amounts are the month's, no sum.
            (m.cost, m.natural_ib, m.ib, m.patient) = (p.cost, p.natural_ib, p.ib, p.patient);
        } else {
            for p in &m.parts {
                m.cost += p.cost;
                m.natural_ib += p.natural_ib;
                m.ib += p.ib;
                m.patient += p.patient;
            }
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
            // At most 16 parts (the sets of four 公費): the flags fit an array.
            let mut joined = [false; 16];
            for (j, p) in joined.iter_mut().zip(&m.parts) {
                *j = p.cost > Decimal::ZERO && (r.elder || live == 1 || p.ib >= dec(r.floor));
            }
            let joined = &joined[..m.parts.len().min(16)];
            let cost: Decimal = m
                .parts
                .iter()
                .zip(joined)
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
                .zip(joined)
                .filter(|(_, j)| **j)
                .map(|(p, _)| amount(p))
                .sum();
            if total > limit {
                let cut = total - limit;
                self.reduce(m, joined, cut);
                m.combined = Some((limit, cut, why));
            }
        }
        if let Some(mc) = r.marucho {
            let mc = dec(self.halve(mc));
            let total: Decimal = m.parts.iter().map(amount).sum();
            if total > mc {
                let all = [true; 16];
                self.reduce(m, &all[..m.parts.len().min(16)], total - mc);
                m.marucho_cut = total - mc;
            }
        }
    }

    /// Lowers the patient's amounts by `cut`: the insurance-only part first, then the 公費 parts
    /// from the last; the insurance pays the difference.
    fn reduce(&self, m: &mut Month, joined: &[bool], mut cut: Decimal) {
        let mut order: Vec<usize> = (0..joined.len()).filter(|&i| joined[i]).collect();
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
