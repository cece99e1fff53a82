//! Evaluating a [`RuleSet`] on the items of a claim (and its history). Only the rules the items
//! can trigger are looked at. Outcomes are data: drop an item (with the rule and why), warn about
//! items, or add an item; the caller (the engine) turns them into lines and findings.

use std::cell::Cell;

use santei_masters::Date;
use santei_masters::age::age_years;

use crate::ast::{FacilityKind, Keep, Period, RuleKind, Setting, Sex, Window};
use crate::compile::{Body, CCond, CodeSet, CompiledRule, RuleOrigin, RuleSet};

/// One billed item as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    pub code: u32,
    pub date: Date,
    pub times: u32,
    /// 数量データ (whole units) when the item has one.
    pub quantity: Option<u32>,
    /// From an earlier claim: counts for windows and limits, is never dropped itself.
    pub history: bool,
}

/// The patient, facility and claim facts conditions can ask about.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub birth: Date,
    pub sex: Sex,
    pub setting: Setting,
    pub facility: FacilityKind,
    pub beds: u32,
    pub standards: &'a [u16],
    /// 特定疾患等対象区分 of the claim's 傷病名 (傷病名マスター 項番21).
    pub disease_specific: &'a [u8],
    /// (date, コメントコード) of the claim.
    pub comments: &'a [(Date, u32)],
}

/// What a rule decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The item is not billed.
    Drop,
    /// A person must look (特例条件, 背反区分 3, a history item that would have to go).
    Warn,
    /// Bill this code on `Outcome::date`.
    Add(u32),
}

/// One outcome: the rule (index into `RuleSet::rules`), the action, the items concerned (indices
/// into the input; for `Drop` the dropped item comes first), and a message for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub rule: usize,
    pub action: Action,
    pub items: Vec<usize>,
    pub date: Date,
    pub message: String,
}

/// What a rule does to the item it hits: drop it, or warn when the rule has a 特例条件 (the data
/// cannot tell whether the condition holds, so a person decides). A dropped item stops counting.
fn act(r: &CompiledRule, alive: &mut [bool], item: usize) -> Action {
    if r.special {
        Action::Warn
    } else {
        alive[item] = false;
        Action::Drop
    }
}

/// The end of the message of a rule with a 特例条件.
fn special_note(r: &CompiledRule) -> &'static str {
    if r.special {
        ": 特例条件あり — check the condition"
    } else {
        ""
    }
}

fn within(w: Window, a: Date, b: Date) -> bool {
    match w {
        Window::Day | Window::Claim => a == b,
        Window::Week => a.week_start() == b.week_start(),
        Window::Month => a.month_number() == b.month_number(),
        Window::MonthAfter => a <= b && b <= month_after_end(a),
    }
}

/// The last day of 「`start` の日から1月以内」: the day before the corresponding day of the next
/// month, or the last day of that month when it has none (民法 第143条第2項).
fn month_after_end(start: Date) -> Date {
    let (y, m) = match start.month() {
        12 => (start.year() + 1, 1),
        m => (start.year(), m + 1),
    };
    match Date::from_ymd(y, m, start.day()) {
        Some(corresponding) => corresponding.pred(),
        // No such day (1/31 → 2/31): the month's last day, the day before the 1st after it.
        None => match m {
            12 => Date::from_ymd(y + 1, 1, 1),
            _ => Date::from_ymd(y, m + 1, 1),
        }
        .map_or(Date::MAX, Date::pred),
    }
}

/// True when `b` falls in the limit period that ends with `a` (`b` ≤ `a`). `admission` is the
/// 入院年月日 of an 入院 claim: an 入院中 period runs from it; without one (入院外, or a caller that
/// does not know it) nothing is in an 入院中 period, so such limits never act.
fn in_period(per: Period, a: Date, b: Date, admission: Option<Date>) -> bool {
    if b > a {
        return false;
    }
    match per {
        Period::Admission => admission.is_some_and(|d| d <= b),
        Period::Days(n) => a.day_number() - b.day_number() < n.max(1) as i64,
        Period::Weeks(n) => (a.week_start() - b.week_start()) / 7 < n.max(1) as i64,
        Period::Months(n) => a.month_number() - b.month_number() < n.max(1) as i64,
        Period::Years(n) => a.month_number() - b.month_number() < 12 * n.max(1) as i64,
        Period::Patient => true,
        Period::FirstVisit => a == b,
    }
}

fn describe_period(per: Period) -> String {
    match per {
        Period::Days(1) => "1日".into(),
        Period::Days(n) => format!("{n}日"),
        Period::Weeks(1) => "1週（日〜土）".into(),
        Period::Weeks(n) => format!("{n}週"),
        Period::Months(1) => "1月".into(),
        Period::Months(n) => format!("{n}月"),
        Period::Years(n) => format!("{n}年"),
        Period::Patient => "患者当り".into(),
        Period::FirstVisit => "初診時".into(),
        Period::Admission => "入院中".into(),
    }
}

fn window_ja(w: Window) -> &'static str {
    match w {
        Window::Day => "同一日",
        Window::Week => "同一週",
        Window::Month => "同一月",
        Window::MonthAfter => "1月以内",
        Window::Claim => "同時",
    }
}

impl RuleSet {
    /// Evaluates the rules the items can trigger: inclusions, then exclusions, requirements,
    /// limits, additions.
    pub fn evaluate(&self, subject: &Subject<'_>, items: &[Item]) -> Vec<Outcome> {
        self.evaluate_kinds(subject, items, &RuleKind::ALL)
    }

    /// Evaluates only the rules of the given kinds (in the same order as [`RuleSet::evaluate`]).
    /// A caller that cannot know the facts some kinds ask about (UKE recalculation has no
    /// 施設基準) leaves them out instead of computing outcomes it would throw away.
    pub fn evaluate_kinds(
        &self,
        subject: &Subject<'_>,
        items: &[Item],
        kinds: &[RuleKind],
    ) -> Vec<Outcome> {
        self.evaluate_admitted(subject, items, kinds, None)
    }

    /// [`RuleSet::evaluate_kinds`] for an 入院 claim: `admission` (入院年月日, 入院期間の起算日)
    /// starts the 入院中 period of the limits (05 算定単位 133); items before it, such as history of
    /// an earlier stay, do not count. `None`: 入院中 limits do not act.
    pub fn evaluate_admitted(
        &self,
        subject: &Subject<'_>,
        items: &[Item],
        kinds: &[RuleKind],
        admission: Option<Date>,
    ) -> Vec<Outcome> {
        // The working vectors of the previous call on this thread, cleared and filled again:
        // six allocations and frees less per claim (a batch evaluates one claim after another).
        let mut scratch = SCRATCH.with(|s| s.replace(Scratch::EMPTY));
        let codes = Codes::new_in(items, &mut scratch);
        // The rules of each distinct code (a code billed on several days is one lookup), as
        // (rule, the distinct code's slot) keys, sorted: the rules in the order they would have
        // from every item, each with the slots of the codes that triggered it.
        let mut keys = std::mem::take(&mut scratch.keys);
        keys.clear();
        // The codes that start a single-code exclusion, found by the same lookup.
        let mut firsts = std::mem::take(&mut scratch.firsts);
        firsts.clear();
        for (k, &code) in codes.distinct.iter().enumerate() {
            let (rules, pair_first) = self.code_rules(code);
            keys.extend(rules.iter().map(|&ri| u64::from(ri) << 32 | k as u64));
            if pair_first {
                firsts.push(code);
            }
        }
        // A rule without trigger codes has no slot (`NO_SLOT` adds no bit).
        keys.extend(
            self.global_rules()
                .iter()
                .map(|&ri| u64::from(ri) << 32 | NO_SLOT),
        );
        keys.sort_unstable();
        // Each candidate rule once, with the mask of the distinct codes that triggered it: the
        // members of its trigger set (see [`Codes::triggered`]).
        let mut cand = std::mem::take(&mut scratch.cand);
        cand.clear();
        for &key in &keys {
            let (ri, k) = ((key >> 32) as u32, key & 0xFFFF_FFFF);
            let bit = if k < 64 { 1u64 << k } else { 0 };
            match cand.last_mut() {
                Some((last, mask)) if *last == ri => *mask |= bit,
                _ => cand.push((ri, bit)),
            }
        }
        let of_kind = |k: RuleKind| {
            let wanted = kinds.contains(&k);
            cand.iter()
                .copied()
                .filter(move |&(i, _)| wanted && self.rules[i as usize].kind == k)
        };
        let mut alive = std::mem::take(&mut scratch.alive);
        alive.clear();
        alive.resize(items.len(), true);
        let mut out = Vec::new();
        for (ri, trig) in of_kind(RuleKind::Inclusion) {
            self.inclusion(ri as usize, trig, items, &codes, &mut alive, &mut out);
        }
        // Single-code exclusions through the pair index, in item order.
        if self.has_pair_rules() && kinds.contains(&RuleKind::Exclusion) {
            // Distinct codes first (a code billed on several days is one lookup), and only the
            // codes that start some pair: a handful of lookups instead of one per item pair.
            let mut pair_hits = std::mem::take(&mut scratch.pair_hits);
            pair_hits.clear();
            for &ca in &firsts {
                for &cb in &codes.distinct {
                    let rules = self.pair_rules(ca, cb);
                    if rules.is_empty() {
                        continue;
                    }
                    for (a, ait) in items.iter().enumerate() {
                        if ait.code != ca {
                            continue;
                        }
                        for (b, bit) in items.iter().enumerate() {
                            if a != b && bit.code == cb {
                                pair_hits.extend(rules.iter().map(|&ri| (ri, a, b)));
                            }
                        }
                    }
                }
            }
            pair_hits.sort_unstable();
            for &(ri, a, b) in &pair_hits {
                self.exclusion_pair(ri as usize, a, b, items, &mut alive, &mut out);
            }
            scratch.pair_hits = pair_hits;
        }
        for (ri, trig) in of_kind(RuleKind::Exclusion) {
            let ri = ri as usize;
            let Body::Exclusion {
                first,
                second,
                only_with,
                ..
            } = &self.rules[ri].body
            else {
                continue;
            };
            // A rule none of whose sets (or whose condition) the items meet is skipped at once.
            if only_with
                .as_ref()
                .is_some_and(|w| codes.members(w).none(items))
            {
                continue;
            }
            let in_first = codes.triggered(trig, first);
            if in_first.none(items) {
                continue;
            }
            // `first == second` (04: additions of one 加算識別): each pair of codes once.
            let symmetric = first == second;
            let in_second = if symmetric {
                in_first
            } else {
                codes.members(second)
            };
            if in_second.none(items) {
                continue;
            }
            for a in 0..items.len() {
                if !in_first.has(a, items) {
                    continue;
                }
                for b in 0..items.len() {
                    if a != b
                        && in_second.has(b, items)
                        && (!symmetric || items[a].code < items[b].code)
                    {
                        self.exclusion_pair(ri, a, b, items, &mut alive, &mut out);
                    }
                }
            }
        }
        for (ri, trig) in of_kind(RuleKind::Requirement) {
            self.requirement(
                ri as usize,
                trig,
                subject,
                items,
                &codes,
                &mut alive,
                &mut out,
            );
        }
        for (ri, trig) in of_kind(RuleKind::Limit) {
            self.limit(
                ri as usize,
                trig,
                items,
                &codes,
                admission,
                &mut alive,
                &mut out,
            );
        }
        for (ri, _) in of_kind(RuleKind::Addition) {
            self.addition(ri as usize, subject, items, &alive, &mut out);
        }
        scratch.cand = cand;
        scratch.keys = keys;
        scratch.firsts = firsts;
        scratch.alive = alive;
        (scratch.distinct, scratch.slot) = (codes.distinct, codes.slot);
        if scratch.small() {
            SCRATCH.with(|s| s.set(scratch));
        }
        out
    }

    /// `trig`: the mask of the distinct codes that triggered the rule (its `parent`).
    fn inclusion(
        &self,
        ri: usize,
        trig: u64,
        items: &[Item],
        codes: &Codes,
        alive: &mut [bool],
        out: &mut Vec<Outcome>,
    ) {
        let r = &self.rules[ri];
        let Body::Inclusion {
            parent,
            children,
            window,
        } = &r.body
        else {
            return;
        };
        let in_parent = codes.triggered(trig, parent);
        if in_parent.none(items) {
            return;
        }
        let in_children = codes.members(children);
        if in_children.none(items) {
            return;
        }
        for (p, pit) in items.iter().enumerate() {
            if !alive[p] || !in_parent.has(p, items) {
                continue;
            }
            for (c, cit) in items.iter().enumerate() {
                // The rule in force on the day of the item it drops (a parent may be history from
                // before the rule's first day: 5/25 の初診, 6/10 の管理料 within month_after).
                if c == p
                    || !alive[c]
                    || cit.history
                    || !r.is_valid_on(cit.date)
                    || !in_children.has(c, items)
                    || !within(*window, pit.date, cit.date)
                {
                    continue;
                }
                let action = act(r, alive, c);
                out.push(Outcome {
                    rule: ri,
                    action,
                    items: vec![c, p],
                    date: cit.date,
                    message: format!(
                        "{:09} is included in {:09} ({}, 包括){}",
                        cit.code,
                        pit.code,
                        window_ja(*window),
                        special_note(r)
                    ),
                });
            }
        }
    }

    /// One (first, second) item pair of an exclusion rule.
    fn exclusion_pair(
        &self,
        ri: usize,
        a: usize,
        b: usize,
        items: &[Item],
        alive: &mut [bool],
        out: &mut Vec<Outcome>,
    ) {
        let r = &self.rules[ri];
        let Body::Exclusion {
            window,
            keep,
            only_with,
            ..
        } = &r.body
        else {
            return;
        };
        let (ait, bit) = (&items[a], &items[b]);
        if !alive[a]
            || !alive[b]
            || !r.is_valid_on(ait.date)
            || !within(*window, ait.date, bit.date)
            || (ait.history && bit.history)
        {
            return;
        }
        if let Some(w) = only_with {
            let with = items.iter().enumerate().any(|(j, o)| {
                j != a
                    && j != b
                    && alive[j]
                    && w.contains(o.code)
                    && within(*window, ait.date, o.date)
                    && within(*window, bit.date, o.date)
            });
            if !with {
                return;
            }
        }
        let what = match r.origin {
            RuleOrigin::Etensu { table: "04", .. } => "入院基本料テーブル",
            _ => "背反",
        };
        let loser = match keep {
            Keep::First => Some(b),
            Keep::Second => Some(a),
            Keep::Either => None,
        };
        let can_drop = !r.special && loser.is_some_and(|l| !items[l].history);
        let (action, message, involved) = match (can_drop, loser) {
            (true, Some(l)) => {
                alive[l] = false;
                let other = if l == a { b } else { a };
                (
                    Action::Drop,
                    format!(
                        "{:09} is not billed with {:09} ({}, {what})",
                        items[l].code,
                        items[other].code,
                        window_ja(*window)
                    ),
                    vec![l, other],
                )
            }
            _ => (
                Action::Warn,
                format!(
                    "{:09} and {:09} exclude each other ({}, {what}){}",
                    ait.code,
                    bit.code,
                    window_ja(*window),
                    if r.special {
                        ": 特例条件あり — check the condition"
                    } else if loser.is_none() {
                        ": bill only one of them"
                    } else {
                        ": the one to drop is on an earlier claim"
                    }
                ),
                vec![a, b],
            ),
        };
        out.push(Outcome {
            rule: ri,
            action,
            items: involved,
            date: ait.date.max(bit.date),
            message,
        });
    }

    /// `trig`: the mask of the distinct codes that triggered the rule (its `items`).
    #[allow(clippy::too_many_arguments)]
    fn requirement(
        &self,
        ri: usize,
        trig: u64,
        subject: &Subject<'_>,
        items: &[Item],
        codes: &Codes,
        alive: &mut [bool],
        out: &mut Vec<Outcome>,
    ) {
        let r = &self.rules[ri];
        let Body::Requirement { items: set, cond } = &r.body else {
            return;
        };
        let in_set = codes.triggered(trig, set);
        for (i, it) in items.iter().enumerate() {
            if !alive[i] || it.history || !in_set.has(i, items) || !r.is_valid_on(it.date) {
                continue;
            }
            if !self.holds(cond, subject, items, alive, i, true) {
                let action = act(r, alive, i);
                out.push(Outcome {
                    rule: ri,
                    action,
                    items: vec![i],
                    date: it.date,
                    message: format!(
                        "{:09}: 算定要件を満たさない: {}",
                        it.code,
                        self.unmet(cond, subject, items, alive, i).join("; ")
                    ),
                });
            }
        }
    }

    /// `trig`: the mask of the distinct codes that triggered the rule (its `items`).
    #[allow(clippy::too_many_arguments)]
    fn limit(
        &self,
        ri: usize,
        trig: u64,
        items: &[Item],
        codes: &Codes,
        admission: Option<Date>,
        alive: &mut [bool],
        out: &mut Vec<Outcome>,
    ) {
        let r = &self.rules[ri];
        let Body::Limit {
            items: set,
            max,
            per,
        } = &r.body
        else {
            return;
        };
        let in_set = codes.triggered(trig, set);
        if in_set.none(items) {
            return;
        }
        let mut order: Vec<usize> = (0..items.len())
            .filter(|&i| alive[i] && in_set.has(i, items))
            .collect();
        order.sort_by_key(|&i| (items[i].date, !items[i].history, i));
        for (k, &i) in order.iter().enumerate() {
            let it = &items[i];
            if it.history || !r.is_valid_on(it.date) {
                continue;
            }
            let count: u32 = order[..=k]
                .iter()
                .filter(|&&j| alive[j] && in_period(*per, it.date, items[j].date, admission))
                .map(|&j| items[j].times)
                .sum();
            if count > *max {
                let action = act(r, alive, i);
                out.push(Outcome {
                    rule: ri,
                    action,
                    items: vec![i],
                    date: it.date,
                    message: format!(
                        "{:09}: {count}回 exceeds {max}回 per {} (算定回数){}",
                        it.code,
                        describe_period(*per),
                        special_note(r)
                    ),
                });
            }
        }
    }

    fn addition(
        &self,
        ri: usize,
        subject: &Subject<'_>,
        items: &[Item],
        alive: &[bool],
        out: &mut Vec<Outcome>,
    ) {
        let r = &self.rules[ri];
        let Body::Addition { when, add } = &r.body else {
            return;
        };
        let mut dates: Vec<(Date, usize)> = Vec::new();
        for (i, it) in items.iter().enumerate() {
            if alive[i]
                && !it.history
                && r.is_valid_on(it.date)
                && !dates.iter().any(|(d, _)| *d == it.date)
            {
                dates.push((it.date, i));
            }
        }
        for (d, rep) in dates {
            let present = items
                .iter()
                .enumerate()
                .any(|(i, it)| alive[i] && it.code == *add && it.date == d);
            if !present && self.holds(when, subject, items, alive, rep, false) {
                out.push(Outcome {
                    rule: ri,
                    action: Action::Add(*add),
                    items: vec![rep],
                    date: d,
                    message: format!("{add:09} added (加算)"),
                });
            }
        }
    }

    /// Evaluates a condition at item `at` (its date, age, quantity). `billed` looks at the other
    /// items when `exclude_self` (a requirement asks about items besides the one it judges), at
    /// every item otherwise (an addition asks about the day).
    /// What an unmet condition lacks, in words a user can act on (RUL-504 messages).
    fn unmet(
        &self,
        c: &CCond,
        s: &Subject<'_>,
        items: &[Item],
        alive: &[bool],
        at: usize,
    ) -> Vec<String> {
        if self.holds(c, s, items, alive, at, true) {
            return Vec::new();
        }
        let it = &items[at];
        match c {
            CCond::And(v) => v
                .iter()
                .flat_map(|c| self.unmet(c, s, items, alive, at))
                .collect(),
            CCond::Or(v) if v.iter().all(|c| matches!(c, CCond::DiseaseSpecific(_))) => {
                let ns: Vec<u8> = v
                    .iter()
                    .filter_map(|c| match c {
                        CCond::DiseaseSpecific(n) => Some(*n),
                        _ => None,
                    })
                    .collect();
                vec![disease_unmet(&ns)]
            }
            CCond::Or(v) => vec![format!(
                "none of: {}",
                v.iter()
                    .flat_map(|c| self.unmet(c, s, items, alive, at))
                    .collect::<Vec<_>>()
                    .join(" / ")
            )],
            CCond::Not(_) => vec!["a condition that excludes the item holds (see the rule)".into()],
            CCond::Age(op, n) => vec![format!(
                "age {} {n} required (the patient is {} on {})",
                op.symbol(),
                age_years(s.birth, it.date),
                it.date
            )],
            CCond::Sex(x) => vec![format!("patient sex {x:?} required")],
            CCond::Setting(x) => vec![format!("setting {x:?} required")],
            CCond::Facility(x) => vec![format!("facility kind {x:?} required")],
            CCond::Standard(x) => vec![format!("施設基準 {x} not notified (facility.standards)")],
            CCond::Beds(op, n) => vec![format!(
                "beds {} {n} required (facility.beds = {})",
                op.symbol(),
                s.beds
            )],
            CCond::Billed(_, w) => vec![format!(
                "a required item is not billed within the {}",
                w.keyword()
            )],
            CCond::DiseaseSpecific(n) => vec![disease_unmet(&[*n])],
            CCond::Comment(code) => vec![format!("comment {code:09} not given on {}", it.date)],
            CCond::Quantity(op, n) => vec![format!("数量 {} {n} required", op.symbol())],
        }
    }

    fn holds(
        &self,
        c: &CCond,
        s: &Subject<'_>,
        items: &[Item],
        alive: &[bool],
        at: usize,
        exclude_self: bool,
    ) -> bool {
        let it = &items[at];
        match c {
            CCond::Or(v) => v
                .iter()
                .any(|c| self.holds(c, s, items, alive, at, exclude_self)),
            CCond::And(v) => v
                .iter()
                .all(|c| self.holds(c, s, items, alive, at, exclude_self)),
            CCond::Not(c) => !self.holds(c, s, items, alive, at, exclude_self),
            CCond::Age(op, n) => op.holds(age_years(s.birth, it.date), *n),
            CCond::Sex(x) => s.sex == *x,
            CCond::Setting(x) => s.setting == *x,
            CCond::Facility(x) => s.facility == *x,
            CCond::Standard(x) => s.standards.contains(x),
            CCond::Beds(op, n) => op.holds(s.beds, *n),
            CCond::Billed(set, w) => items.iter().enumerate().any(|(j, o)| {
                (!exclude_self || j != at)
                    && alive[j]
                    && set.contains(o.code)
                    && within(*w, it.date, o.date)
            }),
            CCond::DiseaseSpecific(n) => s.disease_specific.contains(n),
            CCond::Comment(code) => s.comments.iter().any(|(d, c)| *c == *code && *d == it.date),
            CCond::Quantity(op, n) => it.quantity.is_some_and(|q| op.holds(q, *n)),
        }
    }
}

/// Why a `disease specific` condition fails: no 傷病名 at all, or none of the wanted 特定疾患等対象区分
/// (傷病名マスター 項番21: 03/04 皮膚科特定疾患指導管理料(Ⅰ)/(Ⅱ), 05 特定疾患療養管理料 (告示 別表第一),
/// 07 てんかん指導料, 08 05 and 07).
fn disease_unmet(ns: &[u8]) -> String {
    let wanted = ns
        .iter()
        .map(|n| format!("{n:02}"))
        .collect::<Vec<_>>()
        .join(" or ");
    let what = if ns.iter().all(|n| matches!(n, 5 | 8)) {
        "主病 not in 別表第一 (特定疾患)"
    } else if ns.iter().all(|n| matches!(n, 7 | 8)) {
        "no てんかん 傷病名"
    } else {
        "no 傷病名 of the required kind"
    };
    // `disease_specific` holds the 区分 of the claim's 傷病名 other than 00; the engine adds
    // "no 傷病名 given" when the claim has none at all.
    format!(
        "{what}: no 傷病名 of the claim has 特定疾患等対象区分 {wanted} (傷病名マスター 項番21)"
    )
}

/// The distinct codes of a claim's items, for set membership: with at most 64 of them, a set is
/// tested once per distinct code (a bit mask) instead of once per item, and a rule none of whose
/// codes is billed is passed over without looking at the items.
struct Codes {
    /// Distinct, in the order of their first item.
    distinct: Vec<u32>,
    /// Per item, its index in `distinct` (filled only when there are at most 64).
    slot: Vec<u8>,
}

/// The slot of a rule key for a rule no code triggers (a global rule).
const NO_SLOT: u64 = 0xFFFF_FFFF;

/// The working vectors of [`RuleSet::evaluate_admitted`], kept per thread between calls (their
/// contents are cleared and written again on each call; only the allocations are reused).
struct Scratch {
    /// The hash table of [`Codes::new_in`].
    table: Vec<usize>,
    distinct: Vec<u32>,
    slot: Vec<u8>,
    /// (rule, slot) keys of the candidate rules.
    keys: Vec<u64>,
    /// The candidate rules, each with the mask of the codes that triggered it.
    cand: Vec<(u32, u64)>,
    /// The distinct codes that start a single-code exclusion.
    firsts: Vec<u32>,
    alive: Vec<bool>,
    pair_hits: Vec<(u32, usize, usize)>,
}

impl Scratch {
    const KEEP: usize = SCRATCH_KEEP;

    fn small(&self) -> bool {
        // The table has up to twice as many entries as the items it was built for.
        self.table.capacity() <= 2 * Scratch::KEEP
            && [
                self.distinct.capacity(),
                self.slot.capacity(),
                self.cand.capacity(),
                self.keys.capacity(),
                self.firsts.capacity(),
                self.alive.capacity(),
                self.pair_hits.capacity(),
            ]
            .iter()
            .all(|&c| c <= Scratch::KEEP)
    }

    const EMPTY: Scratch = Scratch {
        table: Vec::new(),
        distinct: Vec::new(),
        slot: Vec::new(),
        cand: Vec::new(),
        keys: Vec::new(),
        firsts: Vec::new(),
        alive: Vec::new(),
        pair_hits: Vec::new(),
    };
}

/// Working vectors of up to this many elements are kept on a thread for the next claim or
/// receipt; a larger one frees its own, so that one outsized input does not hold its memory on the
/// thread (a service's worker) for good. A chosen bound, not a law: a typical claim has tens of
/// items, and 65,536 elements of the largest vector are 512 KiB.
pub const SCRATCH_KEEP: usize = 1 << 16;

thread_local! {
    /// Taken at the start of an evaluation and put back at its end (a nested or panicking
    /// evaluation finds it empty and allocates, as without it).
    static SCRATCH: Cell<Scratch> = const { Cell::new(Scratch::EMPTY) };
}

impl Codes {
    #[cfg(test)]
    fn new(items: &[Item]) -> Codes {
        let mut scratch = Scratch::EMPTY;
        Codes::new_in(items, &mut scratch)
    }

    /// The codes of `items`, in the vectors of `scratch` (`table`, `distinct` and `slot` are
    /// taken; `table` is given back).
    ///
    /// One pass over the items with a small open-addressing table (code → index in `distinct`),
    /// instead of a sort of the (code, item) pairs: the distinct codes come out in the order of
    /// their first item, not sorted. No caller depends on that order: the candidate rules and the
    /// pair hits built from `distinct` are sorted afterwards, and a set's mask has one bit per
    /// slot whatever the order. Items of one line (the same code on several days) come one after
    /// another, so the previous item's slot is tried before the table. Equal, as a set and per
    /// item, to [`Codes::sorted`] (test `hashed_codes_agree_with_the_sorted_ones`).
    fn new_in(items: &[Item], scratch: &mut Scratch) -> Codes {
        let mut table = std::mem::take(&mut scratch.table);
        // A power of two at least twice the items: at most half full, so probes stay short.
        let size = (2 * items.len()).next_power_of_two().max(16);
        let shift = 64 - size.trailing_zeros();
        table.clear();
        table.resize(size, 0);
        let mut distinct = std::mem::take(&mut scratch.distinct);
        distinct.clear();
        let mut slot = std::mem::take(&mut scratch.slot);
        slot.clear();
        slot.reserve(items.len());
        // (code, its index in `distinct`) of the previous item.
        let mut last: Option<(u32, usize)> = None;
        for it in items {
            let k = match last {
                Some((code, k)) if code == it.code => k,
                _ => {
                    // Fibonacci hashing: the top bits of code × 2⁶⁴/φ.
                    let mut h =
                        (u64::from(it.code).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize;
                    // Each entry: 1 + an index into `distinct`; 0 is empty.
                    let k = loop {
                        match table[h] {
                            0 => {
                                distinct.push(it.code);
                                table[h] = distinct.len();
                                break distinct.len() - 1;
                            }
                            e if distinct[e - 1] == it.code => break e - 1,
                            _ => h = (h + 1) & (size - 1),
                        }
                    };
                    last = Some((it.code, k));
                    k
                }
            };
            // Only read when there are at most 64 distinct codes (then it fits).
            slot.push(k as u8);
        }
        scratch.table = table;
        if distinct.len() > 64 {
            slot.clear();
        }
        Codes { distinct, slot }
    }

    /// The general form of [`Codes::new_in`], for its test: the (code, item) pairs sorted, the
    /// distinct codes in order and each item's slot.
    #[cfg(test)]
    fn sorted(items: &[Item]) -> Codes {
        let mut keyed: Vec<u64> = items
            .iter()
            .enumerate()
            .map(|(i, it)| u64::from(it.code) << 32 | i as u64)
            .collect();
        keyed.sort_unstable();
        let mut distinct = Vec::new();
        let mut slot = vec![0; items.len()];
        for &k in &keyed {
            let code = (k >> 32) as u32;
            if distinct.last() != Some(&code) {
                distinct.push(code);
            }
            slot[k as u32 as usize] = (distinct.len() - 1) as u8;
        }
        if distinct.len() > 64 {
            slot.clear();
        }
        Codes { distinct, slot }
    }

    /// [`Codes::members`] of a rule's trigger set (`first` of an exclusion, `parent` of an
    /// inclusion, `items` of a limit or requirement), from `trig`, the bits of the distinct codes
    /// whose index entry named the rule. The index keys a rule by exactly the codes of that set
    /// (`CompiledRule::triggers`), so the bits are the mask `members` would build, without a
    /// search of the set per distinct code.
    fn triggered<'a>(&'a self, trig: u64, set: &'a CodeSet) -> Members<'a> {
        if self.distinct.len() > 64 {
            return Members::Set(set);
        }
        // Every evaluation of the tests checks the bits against the search of the set.
        #[cfg(debug_assertions)]
        if let Members::Mask(searched, _) = self.members(set) {
            debug_assert_eq!(trig, searched, "trigger bits of {:?}", self.distinct);
        }
        Members::Mask(trig, &self.slot)
    }

    fn members<'a>(&'a self, set: &'a CodeSet) -> Members<'a> {
        if self.distinct.len() > 64 {
            return Members::Set(set);
        }
        let mut mask = 0u64;
        for (k, &c) in self.distinct.iter().enumerate() {
            if set.contains(c) {
                mask |= 1 << k;
            }
        }
        Members::Mask(mask, &self.slot)
    }
}

/// Which items have a code of a set.
#[derive(Clone, Copy)]
enum Members<'a> {
    Mask(u64, &'a [u8]),
    Set(&'a CodeSet),
}

impl Members<'_> {
    fn has(&self, i: usize, items: &[Item]) -> bool {
        match self {
            Members::Mask(mask, slot) => mask >> slot[i] & 1 == 1,
            Members::Set(set) => set.contains(items[i].code),
        }
    }
    fn none(&self, items: &[Item]) -> bool {
        match self {
            Members::Mask(mask, _) => *mask == 0,
            Members::Set(set) => !items.iter().any(|it| set.contains(it.code)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 「初診の日から1月以内」 (通知 B000 (3): 6/20 の初診 → 7/20 から算定できる), with the
    /// 民法 第143条 end of month: 1/31 → 2/29 (2024) and 2/28 (2025); 12/15 → 1/14.
    #[test]
    fn month_after_window() {
        let d = |y, m, dd| Date::from_ymd(y, m, dd).unwrap();
        assert_eq!(month_after_end(d(2024, 6, 20)), d(2024, 7, 19));
        assert_eq!(month_after_end(d(2024, 1, 31)), d(2024, 2, 29));
        assert_eq!(month_after_end(d(2025, 1, 31)), d(2025, 2, 28));
        assert_eq!(month_after_end(d(2024, 3, 31)), d(2024, 4, 30));
        assert_eq!(month_after_end(d(2024, 12, 15)), d(2025, 1, 14));
        assert_eq!(month_after_end(d(2024, 7, 1)), d(2024, 7, 31));
        let w = Window::MonthAfter;
        assert!(within(w, d(2024, 6, 20), d(2024, 6, 20)));
        assert!(within(w, d(2024, 6, 20), d(2024, 7, 10)));
        assert!(within(w, d(2024, 6, 20), d(2024, 7, 19)));
        assert!(!within(w, d(2024, 6, 20), d(2024, 7, 20)));
        // Before the parent's day: not within (the 同一月 approximation took it in).
        assert!(!within(w, d(2024, 6, 20), d(2024, 6, 10)));
    }

    /// The bit masks answer as `CodeSet::contains` for every item, below and above 64 distinct
    /// codes (where membership falls back to the set itself).
    #[test]
    fn code_masks_agree_with_the_sets() {
        let date = Date::from_ymd(2024, 7, 1).unwrap();
        let set = CodeSet::from_vec(
            (0..200)
                .filter(|c| c % 3 == 0)
                .map(|c| 160_000_000 + c)
                .collect(),
        );
        let one = CodeSet::one(160_000_010);
        for n in [0u32, 1, 5, 64, 65, 150] {
            let items: Vec<Item> = (0..2 * n)
                .map(|k| Item {
                    code: 160_000_000 + (k * 7) % n.max(1) * 2,
                    date,
                    times: 1,
                    quantity: None,
                    history: false,
                })
                .collect();
            let codes = Codes::new(&items);
            for s in [&set, &one] {
                let m = codes.members(s);
                for (i, it) in items.iter().enumerate() {
                    assert_eq!(m.has(i, &items), s.contains(it.code), "{n} codes, item {i}");
                }
                assert_eq!(m.none(&items), !items.iter().any(|it| s.contains(it.code)));
            }
        }
    }

    /// The hashed codes ([`Codes::new_in`]) are the sorted ones ([`Codes::sorted`]) as a set,
    /// without repeats, and every item's slot names its code; with more than 64 distinct codes
    /// both have no slots. Edge inputs: no item, one, codes 0 and `u32::MAX`, the same code on
    /// consecutive and on distant items, 64 and 65 codes, codes that share a hash bucket (equal
    /// low or high bits), and a scratch table left over from a larger claim.
    #[test]
    fn hashed_codes_agree_with_the_sorted_ones() {
        let date = Date::from_ymd(2024, 7, 1).unwrap();
        let items = |codes: &[u32]| -> Vec<Item> {
            codes
                .iter()
                .map(|&code| Item {
                    code,
                    date,
                    times: 1,
                    quantity: None,
                    history: false,
                })
                .collect()
        };
        let mut cases: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![u32::MAX, 0, u32::MAX, 0],
            vec![160_000_010, 160_000_010, 160_000_010],
            vec![1, 2, 1, 3, 2, 1, 4],
            (0..64).map(|k| 160_000_000 + k * 3).collect(),
            (0..65).map(|k| 160_000_000 + k * 3).collect(),
            (0..200).map(|k| k % 70).collect(),
            (0..40).map(|k| k << 26).collect(),
            (0..40).map(|k| (k % 9) << 20 | 7).collect(),
        ];
        cases.push(cases[5].iter().rev().chain(&cases[5]).copied().collect());
        let mut scratch = Scratch::EMPTY;
        for codes in cases.iter().chain(cases.iter().rev()) {
            let items = items(codes);
            let fast = Codes::new_in(&items, &mut scratch);
            let general = Codes::sorted(&items);
            let mut set = fast.distinct.clone();
            set.sort_unstable();
            assert_eq!(set, general.distinct, "{codes:?}");
            set.dedup();
            assert_eq!(set.len(), fast.distinct.len(), "{codes:?}");
            assert_eq!(fast.slot.len(), general.slot.len(), "{codes:?}");
            for (i, it) in items.iter().enumerate().filter(|_| !fast.slot.is_empty()) {
                assert_eq!(
                    fast.distinct[usize::from(fast.slot[i])],
                    it.code,
                    "{codes:?}"
                );
                assert_eq!(general.distinct[usize::from(general.slot[i])], it.code);
            }
            (scratch.distinct, scratch.slot) = (fast.distinct, fast.slot);
        }
    }

    /// The working vectors are kept for the next evaluation on the thread, except an outsized
    /// claim's (more than `Scratch::KEEP` items), which frees them.
    #[test]
    fn scratch_is_kept_unless_outsized() {
        let date = Date::from_ymd(2024, 7, 1).unwrap();
        let subject = Subject {
            birth: Date::from_ymd(1980, 1, 1).unwrap(),
            sex: Sex::Female,
            setting: Setting::Outpatient,
            facility: FacilityKind::Clinic,
            beds: 0,
            standards: &[],
            disease_specific: &[],
            comments: &[],
        };
        let items = |n: u32| -> Vec<Item> {
            (0..n)
                .map(|k| Item {
                    code: 160_000_000 + k,
                    date,
                    times: 1,
                    quantity: None,
                    history: false,
                })
                .collect()
        };
        let kept = || {
            SCRATCH.with(|s| {
                let sc = s.replace(Scratch::EMPTY);
                let cap = sc.alive.capacity();
                s.set(sc);
                cap
            })
        };
        let rs = RuleSet::default();
        assert!(rs.evaluate(&subject, &items(10)).is_empty());
        assert!(kept() >= 10);
        let big = Scratch::KEEP as u32 + 1;
        assert!(rs.evaluate(&subject, &items(big)).is_empty());
        assert_eq!(kept(), 0);
        rs.evaluate(&subject, &items(3));
        assert!((3..=Scratch::KEEP).contains(&kept()));
    }
}
