//! Derive (stages 2–3): the lines a claim bills, built day by day ([`derive`]) into a [`Deriver`].
//! For each visit ([`Deriver::visit`]) its resolved items (resolve/) bill their lines with their
//! まるめ and 注加算, the 年齢・時間加算, the 通則 additions, 外来管理加算 and 判断料 they call for
//! (additions.rs, units.rs), its drugs, materials and comments, F200 注3 (polypharmacy.rs); for
//! each day of a stay its 入院料 and 加算 (stay_stage.rs, kasan_stage.rs); then the stay's 食事
//! (meal_stage.rs). Unit tests: derive_stage/tests.rs.

use rust_decimal::Decimal;
use rustc_hash::FxHashSet;
use santei_masters::Date;

use super::context::Context;
use super::polypharmacy::{PolypharmacyRounding, RxDone};
use super::price_stage::Work;
use super::resolve;
use crate::claim::{Claim, Item, Setting, Visit};
use crate::prepared::Prepared;
use crate::result::{Finding, RecordKind};
use crate::rules;

/// The derive stage of a claim (validated: engine/validate.rs) on the masters and rules of its
/// revision, from its first date `first`: the notices every claim of its kind carries, the
/// 判断料 groups its history has billed, the checks of its 傷病名 and 休日 visits, then day by
/// day the stay's 入院料 (stay_stage.rs, kasan_stage.rs) and what the visits of the day bill
/// ([`Deriver::visit`]: resolve/, then their lines with their まるめ and 注加算, the 年齢・時間加算,
/// 通則 additions, 外来管理加算 and 判断料 they call for), and the 食事 of the stay (meal_stage.rs).
/// Nothing is priced yet: each procedure line carries its part of its 算定単位's price.
pub(super) fn derive<'a>(
    prepared: &'a Prepared,
    claim: &'a Claim,
    first: Date,
    options: DeriveOptions,
) -> Deriver<'a> {
    let mut d = Deriver::new(prepared, claim, options);
    if d.cx.inpatient {
        d.inpatient_notice();
    }
    d.month.judged = resolve::history(d.cx, &mut d.findings);
    d.revision_notices();
    d.findings
        .extend(crate::claim_checks::diseases(claim, &prepared.set, first));
    d.findings
        .extend(crate::claim_checks::holiday_visits(claim));
    let mut order: Vec<usize> = (0..claim.visits.len()).collect();
    order.sort_by_key(|&i| claim.visits[i].date);
    // Day by day: the stay's 入院料 first, then what the visits of the day bill.
    let stay_days = claim
        .stay
        .as_ref()
        .map(|s| crate::stay::days_in_month(s, claim.admission_date, first))
        .unwrap_or_default();
    let (mut vi, mut di) = (0, 0);
    while vi < order.len() || di < stay_days.len() {
        let next_visit = order.get(vi).map(|&i| claim.visits[i].date);
        match (stay_days.get(di), next_visit) {
            (Some(&day), v) if v.is_none_or(|v| day <= v) => {
                if let Some(s) = &claim.stay {
                    d.stay_day(s, day);
                }
                di += 1;
            }
            _ => {
                let i = order[vi];
                d.visit(i, &claim.visits[i]);
                vi += 1;
            }
        }
    }
    if let Some(s) = &claim.stay {
        d.meals_served(s);
    }
    d
}

/// The derive stage at work, and its output: the lines derived so far, each in its 算定単位
/// ([`Work`]: the line and its [`Part`](super::price_stage::Part) of the unit's price), the
/// findings, the unit numbers given and what each procedure unit holds so far ([`UnitAccs`]: what
/// a later derivation reads), with what it carries from one day of the month to the next
/// ([`Month`]). [`derive`] builds it day by day; the rules stage takes it
/// ([`super::rules_stage::apply`]), deriving through it the lines a rule adds, and hands the
/// lines on to the price stage.
pub(super) struct Deriver<'a> {
    pub(super) cx: Context<'a>,
    pub(super) lines: Vec<Work>,
    pub(super) findings: Vec<Finding>,
    pub(super) next_unit: usize,
    /// What the month has billed or said so far.
    pub(super) month: Month,
    /// F200 注3 rounding unit (from [`super::EngineOptions`], set by `EngineBuilder`).
    pub(super) polypharmacy_rounding: PolypharmacyRounding,
    /// The 所定点数 and %加算 of each procedure 算定単位, by unit id ([`UnitAcc`]).
    pub(super) accs: UnitAccs,
    /// Build the explanation lines ([`super::CalcOptions::explain`]); see [`why!`](super::why).
    pub(super) explain: bool,
}

/// What the derive stage carries from one day of the claim's month to the next.
#[derive(Default)]
pub(super) struct Month {
    /// 判断料 groups billed this month, the claim's history included (告示 D026 注1: 月1回).
    pub(super) judged: FxHashSet<u8>,
    /// Findings said once per claim although their cause repeats on every day of a stay
    /// ([`Deriver::first_time`]): (rule, what, key).
    pub(super) said: FxHashSet<(&'static str, &'static str, u64)>,
}

/// How the derive stage builds its lines (from [`super::CalcOptions`] and [`super::EngineOptions`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct DeriveOptions {
    pub(super) explain: bool,
    pub(super) polypharmacy_rounding: PolypharmacyRounding,
}

/// One procedure 算定単位 as the derive stage builds it: its 所定点数 so far (the base item and the
/// 注加算 joined to it; a まるめ's tier), the Σ of its %加算/%減算 and the points outside the 所定点数
/// (項番62 = 1) — what a derivation reads (the 所定点数 of a 通則 %, its 150点 threshold). The unit
/// is priced once, after the rules, from its lines' [`Part`](super::price_stage::Part)s (price_stage.rs).
#[derive(Debug, Clone)]
pub(super) struct UnitAcc {
    pub(super) base: i64,
    pub(super) percent: Decimal,
    pub(super) outside: i64,
    pub(super) times: u32,
    /// The base takes 通則 additions (処置・手術・麻酔・内視鏡検査): its 注加算 (same 注加算コード,
    /// 項番38, `note_code`) join its unit, so that the 所定点数 of a % holds them (通知 第10部 通則9,
    /// 第9部 通則10, 第11部 通則6).
    pub(super) joins_notes: bool,
    pub(super) note_code: u16,
}

/// The [`UnitAcc`] of each procedure 算定単位, indexed by its unit number: the numbers are given
/// in order from 1 ([`Deriver::unit`]), so a `Vec` serves where a hash map cost a hash and a probe per
/// lookup; the units of drugs, materials and comments have none.
pub(super) struct UnitAccs(pub(super) Vec<Option<UnitAcc>>);

impl UnitAccs {
    pub(super) fn get(&self, unit: usize) -> Option<&UnitAcc> {
        self.0.get(unit).and_then(Option::as_ref)
    }

    pub(super) fn get_mut(&mut self, unit: usize) -> Option<&mut UnitAcc> {
        self.0.get_mut(unit).and_then(Option::as_mut)
    }

    pub(super) fn insert(&mut self, unit: usize, acc: UnitAcc) {
        if unit >= self.0.len() {
            self.0.resize(unit + 1, None);
        }
        self.0[unit] = Some(acc);
    }
}

impl<'a> Deriver<'a> {
    fn new(p: &'a Prepared, claim: &'a Claim, options: DeriveOptions) -> Self {
        // Sized for the claim: about two lines per item (its 注加算, 判断料 …) and one 算定単位 per
        // item, so the line list and the unit table do not grow item by item.
        let items: usize = claim.visits.iter().map(|v| v.items.len()).sum();
        Deriver {
            cx: Context {
                p,
                claim,
                inpatient: claim.setting == Setting::Inpatient,
                month: claim
                    .visits
                    .iter()
                    .map(|v| v.date)
                    .min()
                    .unwrap_or(Date::MIN),
            },
            lines: Vec::with_capacity(2 * items + 4),
            findings: Vec::with_capacity(8),
            next_unit: 0,
            month: Month::default(),
            polypharmacy_rounding: options.polypharmacy_rounding,
            accs: UnitAccs(Vec::with_capacity(items + 1)),
            explain: options.explain,
        }
    }

    /// True the first time `(rule, what, key)` comes up on this claim: a finding whose cause repeats
    /// on every day of a stay (a ward's 入院料 missing, a 加算 the 04 group does not list) is built
    /// and recorded once, its message formatted only then.
    pub(super) fn first_time(&mut self, rule: &'static str, what: &'static str, key: u64) -> bool {
        self.month.said.insert((rule, what, key))
    }

    /// One explanation from `f`, or none (and `f` not called) without explanations.
    pub(super) fn why(&self, f: impl FnOnce() -> crate::Explanation) -> Vec<crate::Explanation> {
        if self.explain { vec![f()] } else { Vec::new() }
    }

    /// The warning every 入院 claim carries: what santei computes for it and what it leaves out,
    /// each item once.
    fn inpatient_notice(&mut self) {
        let computed = if self.cx.claim.stay.is_some() {
            "santei computed from `stay` the 入院料 of each day in hospital with its 入院期間加算, the \
             外泊 減額 and the 入院基本料等加算 the facility's 届出 gives on the days the 告示 allows with \
             the day's 入院料 (04 group): A200, A204, A207, A207-2, A207-3 (注1–注3), A207-4, A219, A234 \
             (注1–注2), A234-2 (注1–注4), A234-3, A245 1・2 (INP-110; engine/src/stay/); claimed 診療行為 that \
             the 特定入院料 A308, A308-3, A311, A311-2, A311-3, A311-4, A312, A314, A315 or A318 of the \
             day includes are not billed (INP-120); the \
             食事・生活療養 of `stay.meals` (engine/src/meals.rs); the other items are billed per day at \
             their master points"
        } else {
            "each claimed item is billed per day at its master points; give `stay` (入院日, 退院日, the \
             wards' 入院料, 外泊) to have the 入院料, its 入院期間加算 and the 入院基本料等加算 of the 届出 \
             computed (docs/CLAIM_FORMAT.md)"
        };
        self.findings.push(
            Finding::warning(rules::INPATIENT_PARTIAL)
                .at("setting")
                .cite(rules::CITE_INPATIENT_PARTIAL)
                .message(format!(
                    "入院 claim computed in part: {computed}, 入院外のみ items refused (MST-011), a claimed \
                     入院基本料等加算 outside its 入院初日 / n日限度 / 90日ごと limit refused (INP-111), with the rule \
                     files and the 電子点数表 (05 入院中 counts from admission_date, 04 入院基本料 groups), and \
                     the 通則 休日・深夜加算 of 処置・手術・麻酔・内視鏡検査. NOT computed, check by hand: the \
                     入院基本料・特定入院料 注加算 other than the 入院期間加算, the 入院基本料等加算 that need a \
                     clinical fact (claim them), what the other 特定入院料 include (包括) and the drugs and 材料 a \
                     包括 leaves out (除外薬剤), 退院時 limits, 入院時初回加算 of 検体検査, F200 注1/注2, \
                     食事療養・生活療養 lines without `stay.meals`, DPC 包括評価, 療養病棟 入院料 by 医療区分, the 精神 治療外泊 \
                     30/100 and 他医療機関受診の減算"
                )),
        );
    }

    pub(super) fn unit(&mut self) -> usize {
        self.next_unit += 1;
        self.next_unit
    }

    /// What the claim's revision lacks, said on every claim it computes: a revision without
    /// hand rules (RUL-500), masters that are an excerpt (MST-012).
    fn revision_notices(&mut self) {
        if let Some(why) = &self.cx.p.rules_gap {
            self.findings.push(
                Finding::info(rules::REVISION_WITHOUT_RULES)
                    .at("visits[0].date")
                    .cite("engine/src/revisions.rs")
                    .message(format!("computed without santei's hand rules: {why}")),
            );
        }
        if self.cx.p.set.coverage.is_partial() {
            self.findings.push(
                Finding::info(rules::PARTIAL_MASTERS)
                    .at("visits[0].date")
                    .cite("基本マスター (支払基金): the complete s_ALL/y_ALL/t_ALL/c_ALL files of the revision")
                    .message(format!(
                        "computed with the {} masters, which are {}: a code they lack is refused (MST-001) although the complete files may hold it",
                        self.cx.p.set.revision.id,
                        self.cx.p.set.coverage.describe()
                    )),
            );
        }
    }

    pub(super) fn rev(&self) -> &'static str {
        self.cx.p.set.revision.id
    }
}

/// The 診療行為 codes a visit's claim bills itself (sorted, each once): a derived 加算 the claim
/// already bills is left to the claim.
#[derive(Clone, Copy)]
pub(super) struct ClaimedCodes<'c>(&'c [u32]);

impl ClaimedCodes<'_> {
    pub(super) fn contains(self, code: u32) -> bool {
        self.0.binary_search(&code).is_ok()
    }
}

impl<'a> Deriver<'a> {
    /// The derive stage of visit `vi`: the lines of its resolved 診療行為 (resolve/) with their
    /// まるめ and 注加算, the 年齢・時間加算, the 通則 additions, 外来管理加算 and 判断料 they call for,
    /// then its drugs, materials and comments in claim order, and F200 注3.
    pub(super) fn visit(&mut self, vi: usize, visit: &'a Visit) {
        let date = visit.date;
        let resolve::Procedures { procs, blocker } =
            resolve::procedures(self.cx, &self.lines, vi, visit, &mut self.findings);
        // The codes the visit's claim bills itself, sorted: a handful, so a binary search over a
        // slice is cheaper than hashing them (as are the index lists below: the derive stage's
        // hash sets cost about 1,300 instructions of a typical visit, callgrind profile_visit).
        let mut codes: Vec<u32> = procs.iter().map(|p| p.rec.code.0).collect();
        codes.sort_unstable();
        codes.dedup();
        let claimed = ClaimedCodes(&codes);
        self.surgery_day(&procs);

        // まるめ groups of the day.
        let mut bundled: Vec<(u8, Vec<usize>)> = Vec::new();
        for (i, pr) in procs.iter().enumerate() {
            let g = pr.rec.bundled_test_group;
            if g == 0 {
                continue;
            }
            match bundled.iter_mut().find(|(gg, _)| *gg == g) {
                Some((_, v)) => v.push(i),
                None => bundled.push((g, vec![i])),
            }
        }
        // The procedures already billed (in a まるめ unit or as a 注加算 of their base), by index.
        let mut bundled_done = vec![false; procs.len()];
        // 注加算 (same 注加算コード 項番38, 通番 ≠ 0) claimed after a base that takes 通則 additions:
        // (base, 注加算) index pairs, in the base's order, then the claim's.
        let mut notes_of: Vec<(usize, usize)> = Vec::new();
        for (i, base) in procs.iter().enumerate() {
            if !crate::tsusoku::takes_additions(base.rec) || base.rec.addition_code == 0 {
                continue;
            }
            for (j, n) in procs.iter().enumerate().skip(i + 1) {
                if n.rec.addition_code == base.rec.addition_code
                    && n.rec.addition_serial.as_char() != '0'
                    && n.rec.bundled_test_group == 0
                    && n.times == base.times
                    && !bundled_done[j]
                {
                    notes_of.push((i, j));
                    bundled_done[j] = true;
                }
            }
        }
        // The まるめ groups already tried (包括対象検査グループ is one byte).
        let mut bundle_checked = [false; 256];
        let mut management_added = false;

        for (i, pr) in procs.iter().enumerate() {
            if bundled_done[i] {
                continue;
            }
            let g = pr.rec.bundled_test_group;
            if g != 0 && !std::mem::replace(&mut bundle_checked[usize::from(g)], true) {
                let members: &[usize] = bundled
                    .iter()
                    .find(|(gg, _)| *gg == g)
                    .map_or(&[], |(_, m)| m.as_slice());
                if self.bundle(g, members, &procs, date) {
                    for &m in members {
                        bundled_done[m] = true;
                    }
                    for &m in members {
                        self.judgement_fee(&procs[m], date);
                    }
                    continue;
                }
            }
            self.procedure_line(pr, date);
            // The 注加算 claimed for a base that takes 通則 additions join its 算定単位 before
            // the additions are priced on it.
            for &(_, j) in notes_of.iter().filter(|&&(b, _)| b == i) {
                self.procedure_line(&procs[j], date);
            }
            self.age_and_time_additions(pr, date, visit, claimed);
            self.tsusoku_additions(pr, date, claimed);
            if !self.cx.inpatient
                && !management_added
                && crate::derive::takes_outpatient_management(pr.rec)
            {
                management_added = true;
                self.outpatient_management(pr, date, visit, blocker, claimed);
            }
            self.judgement_fee(pr, date);
        }

        self.urgent_additions(&procs, date, claimed);

        // Drugs, materials, comments in claim order.
        let last_section = self
            .lines
            .iter()
            .rev()
            .find(|l| l.date == date && l.record == RecordKind::SI)
            .map(|l| l.section);
        let mut rx_done: Vec<RxDone> = Vec::new();
        for (ii, item) in visit.items.iter().enumerate() {
            if matches!(item, Item::Procedure { .. }) {
                continue; // resolved above
            }
            let path = super::item_path(vi, ii);
            match item {
                // Skipped above, before its path is built (the match must name it).
                Item::Procedure { .. } => {}
                Item::Rx {
                    form,
                    days,
                    drugs,
                    temporary,
                    mixed,
                } => {
                    let resolved =
                        resolve::rx(self.cx, &path, date, *days, drugs, &mut self.findings);
                    if let Some(mut done) = resolved.and_then(|r| self.rx(&path, date, *form, r)) {
                        done.temporary = *temporary;
                        done.mixed = *mixed;
                        rx_done.push(done);
                    }
                }
                Item::Material {
                    code,
                    amount,
                    unit_price,
                } => {
                    if let Some(m) = resolve::material(
                        self.cx,
                        &path,
                        date,
                        code,
                        *amount,
                        *unit_price,
                        &mut self.findings,
                    ) {
                        self.material(&path, date, m, last_section);
                    }
                }
                Item::Comment { code, text } => {
                    if let Some(rec) =
                        resolve::comment(self.cx, &path, date, code, &mut self.findings)
                    {
                        self.comment(&path, date, rec, text.as_deref());
                    }
                }
            }
        }
        // F200 注3 applies to 外来 only (通知 F200 (6)ア).
        if !self.cx.inpatient {
            self.polypharmacy(vi, visit, &rx_done);
        }
    }
}

#[cfg(test)]
mod tests;
