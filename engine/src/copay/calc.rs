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
use smallvec::SmallVec;

use super::rate::Rates;
use super::tables::{self, LimitRow, MealCover, Under70PartLimit};
use super::{
    CITE_HIGH_COST, CLASS_NOT_IN_FORCE, Copay, CopaySettings, FundCopay, HAIRYO_APPLIED,
    HIGH_COST_APPLIED, HoCopay, HoRecord, INCOME_CLASS_MISSING, IncomeClass, KoRecord, LinePoints,
    MEAL_AMOUNT_UNKNOWN, MealCopay, NO_TABLE, PublicReceiptRounding, ReceiptCopay,
    SEIHO_ELDER_PART, SPECIAL_NOTE_UNKNOWN, Under70PublicLimit, VisitCopay, covers_path,
};
use crate::claim::{Claim, MealClass, Setting};
use crate::explain::{Explanation, HighCostLimit};
use crate::result::Finding;
use crate::rounding::Rounding;

use super::Fund;

mod amount;
mod group;
mod meals;
mod report;
mod run;
#[cfg(test)]
mod whole_tests;

use amount::Amount;

pub(crate) use run::run;

const MAX_FUNDS: usize = 4;

/// Days of a calendar month: a claim's lines are indexed by their day of the month.
const DAYS: usize = 31;

/// One 負担区分 part: the lines covered by the same set of 公費 (bit k = fund k).
#[derive(Debug, Clone, PartialEq)]
struct Part {
    mask: u8,
    /// Points per day index (day of the month − 1).
    day_points: [i64; DAYS],
    /// The day indexes with lines of the part (bit = day index): the sums skip the other days,
    /// whose points are 0 (adding 0 changes no sum, saturated or not).
    days: u32,
}

impl Part {
    /// The day indexes of the part up to `upto` (included), in order.
    fn days_upto(&self, upto: usize) -> impl Iterator<Item = usize> {
        day_indexes(self.days & (u32::MAX >> (31 - upto.min(31))))
    }
}

/// The set bits of a day mask, in increasing order.
fn day_indexes(mut days: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (days != 0).then(|| {
            let i = days.trailing_zeros() as usize;
            days &= days - 1;
            i
        })
    })
}

#[derive(Clone, Default)]
struct PartState<A> {
    mask: u8,
    cost: A,
    natural_ib: A,
    ib: A,
    patient: A,
    /// The limit that capped the part's 一部負担金, for the explanation.
    part_limit: Option<(A, &'static str)>,
}

/// The month (or a prefix of it) in [`Amount`]s: whole yen or Decimal, see [`amount`].
#[derive(Clone, Default)]
struct Month<A> {
    /// One per part of the claim (one on nearly every claim: kept inline).
    parts: SmallVec<[PartState<A>; 1]>,
    cost: A,
    natural_ib: A,
    ib: A,
    patient: A,
    pay: [A; MAX_FUNDS],
    after: [A; MAX_FUNDS],
    target: [A; MAX_FUNDS],
    /// The 合算 limit, the amount it removed, and the 医療費 of a 世帯 formula (None: 外来特例).
    combined: Option<(A, A, Option<A>)>,
    marucho_cut: A,
    hairyo: bool,
}

struct Ctx<'a> {
    rates: &'a Rates,
    funds: &'a [Fund],
    settings: &'a CopaySettings,
    parts: &'a [Part],
    outpatient: bool,
    /// 負担割合 (%), 100 when none (公費単独: the whole 医療費 is left to the 公費).
    rate_percent: i64,
}

fn dec(v: i64) -> Decimal {
    Decimal::from(v)
}

/// The running totals of a prefix, for the per-visit differences.
#[derive(Clone, Copy, Default)]
struct Totals<A> {
    natural_ib: A,
    ib: A,
    patient: A,
    pay: [A; MAX_FUNDS],
}

impl<A: Amount> Month<A> {
    fn totals(&self) -> Totals<A> {
        Totals {
            natural_ib: self.natural_ib,
            ib: self.ib,
            patient: self.patient,
            pay: self.pay,
        }
    }
}

/// What each 公費 has left while the month's parts are split: its monthly cap, its charged visits,
/// and the days already charged its per-visit amount (bit = day index).
struct FundsLeft<A> {
    cap: [Option<A>; MAX_FUNDS],
    visits: [u32; MAX_FUNDS],
    charged_days: [u32; MAX_FUNDS],
}

/// Lowers the part's 一部負担金 to a limit `l` when above it, noting the limit for the
/// explanation; whether it did.
fn lower_to<A: Amount>(st: &mut PartState<A>, l: A, why: &'static str) -> bool {
    let lowered = st.ib > l;
    if lowered {
        st.ib = l;
        st.part_limit = Some((l, why));
    }
    lowered
}

/// A 公費's share of the 医療費 left to the patient, `permille` ‰ of it. `capped`: 1円未満
/// 四捨五入 of the monthly share. The 5% of 結核 (感染症法37条の2) of a 医療費 in 10円 steps can
/// end in half a yen; no 告示/通知 santei holds says how it is rounded: INFERRED, to the yen half
/// up as the 1% of a 高額療養費 formula (健保令42条1項), before the payment's 10円 四捨五入 (健保法75条).
fn fund_share<A: Amount>(cost: A, permille: i64, capped: bool) -> A {
    let s = cost.times_ratio(permille, 1000);
    if capped { s.round_yen() } else { s }
}

/// The month's amounts: the sums of its parts' (one part on most claims: its amounts, no sum).
fn sum_parts<A: Amount>(m: &mut Month<A>) {
    if let [p] = &m.parts[..] {
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

impl Ctx<'_> {
    fn halve(&self, v: i64) -> i64 {
        if self.rates.halved { v / 2 } else { v }
    }

    /// A 世帯 limit of a row for a 医療費 (多数回, halving applied).
    fn household<A: Amount>(&self, row: &LimitRow, cost: A) -> A {
        let f = if self.rates.halved {
            row.household.halved()
        } else {
            row.household
        };
        // 健保令42条1項: 1円未満 四捨五入 of the 1% part.
        let mut v = A::limit(f, cost);
        if self.rates.many {
            if let Some(m) = row.many_times {
                v = v.min(A::of_yen(self.halve(m)));
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
    fn outpatient_limit<A: Amount>(&self, row: &LimitRow) -> Option<A> {
        row.outpatient
            .filter(|_| self.outpatient)
            .map(|o| A::of_yen(self.halve(o)))
    }

    fn under70_kind(&self, fund: &Fund) -> Under70PartLimit {
        run::under70_kind(self.settings.under70_public_limit, fund)
    }

    /// The 高額療養費 cap of a 公費 part on its own.
    fn fund_part_limit<A: Amount>(&self, cost: A, first_fund: &Fund) -> Option<(A, &'static str)> {
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
    /// no limit, no cap), used for the per-visit rounding. Each part is split on its own (its
    /// 一部負担金 at the 負担割合, its own limits, its 公費: [`Self::part`]), then the parts are
    /// joined under the 区分's limit (高額療養費 合算, [`Self::combine`]) and summed.
    fn month<A: Amount>(&self, upto: usize, capped: bool, m: &mut Month<A>) {
        let mut parts = std::mem::take(&mut m.parts);
        parts.clear();
        *m = Month {
            parts,
            ..Month::default()
        };
        let mut left = self.funds_left(capped);
        for part in self.parts {
            let st = self.part(part, upto, capped, &mut left, m);
            m.parts.push(st);
        }
        if capped && self.rates.insured {
            self.combine(m);
        }
        sum_parts(m);
    }

    /// What each 公費 has left at the start of the month: its monthly cap (the 受給者証's
    /// 自己負担上限額, only when `capped`) and its charged visits (a 地方単独 scheme's
    /// `max_charged_visits`).
    fn funds_left<A: Amount>(&self, capped: bool) -> FundsLeft<A> {
        let mut left = FundsLeft {
            cap: [None; MAX_FUNDS],
            visits: [u32::MAX; MAX_FUNDS],
            charged_days: [0; MAX_FUNDS],
        };
        for (k, f) in self.funds.iter().enumerate() {
            if capped {
                left.cap[k] = f.cap.map(A::of_yen);
            }
            if let Some(v) = f.max_visits {
                left.visits[k] = v;
            }
        }
        left
    }

    /// One part over days `0..=upto`: its 医療費 (点数 × 10円), the 一部負担金 at the 負担割合
    /// (the whole 医療費 on a 公費単独 claim), lowered to the part's own limits when `capped`
    /// ([`Self::part_limits`]), then passed down its 公費 ([`Self::split_funds`]).
    fn part<A: Amount>(
        &self,
        part: &Part,
        upto: usize,
        capped: bool,
        left: &mut FundsLeft<A>,
        m: &mut Month<A>,
    ) -> PartState<A> {
        let r = self.rates;
        let pts: i64 = part
            .days_upto(upto)
            .fold(0i64, |a, di| a.saturating_add(part.day_points[di]));
        let cost_yen = pts.saturating_mul(10);
        let cost = A::of_yen(cost_yen);
        let mut st = PartState {
            mask: part.mask,
            cost,
            ..Default::default()
        };
        st.natural_ib = if r.insured {
            A::rate_share(cost_yen, self.rate_percent)
        } else {
            cost
        };
        st.ib = st.natural_ib;
        if capped && r.insured && pts > 0 {
            self.part_limits(&mut st, &mut m.hairyo);
        }
        self.split_funds(part, upto, capped, &mut st, left, m);
        st
    }

    /// The part's own 高額療養費 limit, before the 合算: a 公費 part's cap
    /// ([`Self::fund_part_limit`]) or, on the insurance-only part, the 後期 2割 配慮措置
    /// ([`Self::hairyo_limit`]); then the 特定疾病 (マル長) limit.
    fn part_limits<A: Amount>(&self, st: &mut PartState<A>, hairyo: &mut bool) {
        if st.mask != 0 {
            let first = self.first_fund(st.mask);
            if let Some((l, why)) = self.fund_part_limit(st.cost, first) {
                lower_to(st, l, why);
            }
        } else if let Some(l) = self.hairyo_limit(st.cost) {
            if lower_to(
                st,
                l,
                "後期 2割 配慮措置: 6,000 + (医療費 − 30,000) × 10% (高確法施行令 附則, 令和4年10月〜令和7年9月)",
            ) {
                *hairyo = true;
            }
        }
        if let Some(mc) = self.rates.marucho {
            lower_to(st, A::of_yen(self.halve(mc)), "特定疾病 (マル長) limit");
        }
    }

    /// The 後期 2割 配慮措置 limit of an insurance-only part: 6,000 + (医療費 − 30,000) × 10%, not
    /// above the 区分's 外来 limit (高確法施行令 附則, 令和4年10月〜令和7年9月). `None` when the
    /// claim has no 配慮措置 (see `rate::decide`).
    fn hairyo_limit<A: Amount>(&self, cost: A) -> Option<A> {
        let (Some(h), Some(row)) = (self.rates.hairyo, self.rates.row) else {
            return None;
        };
        let term = A::of_yen(h.base)
            + (cost - A::of_yen(h.threshold))
                .max(A::default())
                .times_ratio(h.percent, 100);
        Some(match self.outpatient_limit(row) {
            Some(o) => term.min(o),
            None => term,
        })
    }

    /// The part's 一部負担金 (`st.ib`) passed down its 公費 in priority order: each 公費 leaves the
    /// patient the least of what reaches it, its ‰ share ([`fund_share`]), its per-visit amounts
    /// ([`Self::per_visit_share`]) and what is left of its monthly cap, and pays the rest. Sets
    /// what the patient keeps (`st.patient`).
    fn split_funds<A: Amount>(
        &self,
        part: &Part,
        upto: usize,
        capped: bool,
        st: &mut PartState<A>,
        left: &mut FundsLeft<A>,
        m: &mut Month<A>,
    ) {
        let mut rest = st.ib;
        for (k, f) in self.funds.iter().enumerate() {
            if part.mask & (1 << k) == 0 {
                continue;
            }
            m.target[k] += rest;
            let mut share = rest;
            if let Some(pm) = f.permille {
                share = share.min(fund_share(st.cost, pm, capped));
            }
            if let Some(pv) = f.per_visit {
                share = share.min(self.per_visit_share(part, upto, k, pv, left));
            }
            if let Some(c) = left.cap[k].as_mut() {
                share = share.min(*c);
                *c -= share;
            }
            m.pay[k] += rest - share;
            m.after[k] += share;
            rest = share;
        }
        st.patient = rest;
    }

    /// What a 地方単独 公費 with a per-visit amount (the scheme given as data: PublicFund.local /
    /// LocalSchemes) leaves the patient on the part's days up to `upto`: on each day with points
    /// not charged yet, while the scheme has charged visits left, the lesser of the per-visit
    /// amount and the day's 一部負担金.
    fn per_visit_share<A: Amount>(
        &self,
        part: &Part,
        upto: usize,
        k: usize,
        per_visit: i64,
        left: &mut FundsLeft<A>,
    ) -> A {
        let mut s = A::default();
        for di in part.days_upto(upto) {
            let p = part.day_points[di];
            if p <= 0 || left.charged_days[k] & (1 << di) != 0 || left.visits[k] == 0 {
                continue;
            }
            left.charged_days[k] |= 1 << di;
            left.visits[k] -= 1;
            let day_ib = if self.rates.insured {
                A::rate_share(p.saturating_mul(10), self.rate_percent)
            } else {
                A::of_yen(p.saturating_mul(10))
            };
            s += A::of_yen(per_visit).min(day_ib);
        }
        s
    }

    fn first_fund(&self, mask: u8) -> &Fund {
        let k = mask.trailing_zeros() as usize;
        &self.funds[k.min(self.funds.len() - 1)]
    }

    /// 合算 of the parts under the 区分's limit, then the マル長 limit over all parts.
    fn combine<A: Amount>(&self, m: &mut Month<A>) {
        let r = self.rates;
        let zero = A::default();
        let amount = |p: &PartState<A>| if p.mask == 0 { p.ib } else { p.patient };
        if let Some(row) = r.row {
            let live = m.parts.iter().filter(|p| p.cost > zero).count();
            // At most 16 parts (the sets of four 公費): the flags fit an array.
            let mut joined = [false; 16];
            for (j, p) in joined.iter_mut().zip(&m.parts) {
                *j = p.cost > zero && (r.elder || live == 1 || p.ib >= A::of_yen(r.floor));
            }
            let joined = &joined[..m.parts.len().min(16)];
            let cost = m
                .parts
                .iter()
                .zip(joined)
                .filter(|(_, j)| **j)
                .fold(zero, |a, (p, _)| a + p.cost);
            let (limit, why) = match self.outpatient_limit(row) {
                Some(o) if r.elder => (o, None),
                _ => (self.household(row, cost), Some(cost)),
            };
            let total = m
                .parts
                .iter()
                .zip(joined)
                .filter(|(_, j)| **j)
                .fold(zero, |a, (p, _)| a + amount(p));
            if total > limit {
                let cut = total - limit;
                self.reduce(m, joined, cut);
                m.combined = Some((limit, cut, why));
            }
        }
        if let Some(mc) = r.marucho {
            let mc = A::of_yen(self.halve(mc));
            let total = m.parts.iter().fold(zero, |a, p| a + amount(p));
            if total > mc {
                let all = [true; 16];
                self.reduce(m, &all[..m.parts.len().min(16)], total - mc);
                m.marucho_cut = total - mc;
            }
        }
    }

    /// Lowers the patient's amounts by `cut`: the insurance-only part first, then the 公費 parts
    /// from the last; the insurance pays the difference.
    fn reduce<A: Amount>(&self, m: &mut Month<A>, joined: &[bool], mut cut: A) {
        let mut order: Vec<usize> = (0..joined.len()).filter(|&i| joined[i]).collect();
        order.sort_by_key(|&i| (m.parts[i].mask != 0, std::cmp::Reverse(m.parts[i].mask)));
        for i in order {
            if cut <= A::default() {
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

/// 負担区分コード ([`crate::burden`]) of a claim's payers: 医保 when `insured`, and the 公費 of
/// `mask` (bit k−1 = 第k公費); `""` for no payer.
pub(crate) fn burden_code(insured: bool, mask: u8) -> &'static str {
    crate::burden::code(u8::from(insured) | (mask & 0xF) << 1).unwrap_or("")
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
