//! Evaluating a [`RuleSet`] on the items of a claim (and its history). Only the rules the items
//! can trigger are looked at. Outcomes are data: drop an item (with the rule and why), warn about
//! items, or add an item; the caller (the engine) turns them into lines and findings.

use santei_masters::Date;
use santei_masters::age::age_years;

use crate::ast::{FacilityKind, Keep, Period, RuleKind, Setting, Sex, Window};
use crate::compile::{Body, CCond, RuleSet};

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

fn within(w: Window, a: Date, b: Date) -> bool {
    match w {
        Window::Day | Window::Claim => a == b,
        Window::Week => a.week_start() == b.week_start(),
        Window::Month => a.month_number() == b.month_number(),
    }
}

/// True when `b` falls in the limit period that ends with `a` (`b` ≤ `a`).
fn in_period(per: Period, a: Date, b: Date) -> bool {
    if b > a {
        return false;
    }
    match per {
        Period::Days(n) => a.day_number() - b.day_number() < n.max(1) as i64,
        Period::Weeks(n) => (a.week_start() - b.week_start()) / 7 < n.max(1) as i64,
        Period::Months(n) => a.month_number() - b.month_number() < n.max(1) as i64,
        Period::Years(n) => a.month_number() - b.month_number() < 12 * n.max(1) as i64,
        Period::Patient => true,
        Period::FirstVisit | Period::Admission => a == b,
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
        Window::Claim => "同時",
    }
}

impl RuleSet {
    /// Evaluates the rules the items can trigger.
    pub fn evaluate(&self, subject: &Subject<'_>, items: &[Item]) -> Vec<Outcome> {
        let mut cand: Vec<u32> = Vec::new();
        for it in items {
            cand.extend_from_slice(self.triggered_by(it.code));
        }
        cand.extend_from_slice(self.global_rules());
        cand.sort_unstable();
        cand.dedup();
        let prio = |k: RuleKind| match k {
            RuleKind::Inclusion => 0,
            RuleKind::Exclusion => 1,
            RuleKind::Requirement => 2,
            RuleKind::Limit => 3,
            RuleKind::Addition => 4,
        };
        cand.sort_by_key(|&i| (prio(self.rules[i as usize].kind), i));
        let mut alive = vec![true; items.len()];
        let mut out = Vec::new();
        for &ri in &cand {
            let ri = ri as usize;
            let r = &self.rules[ri];
            match &r.body {
                Body::Inclusion {
                    parent,
                    children,
                    window,
                } => {
                    for (p, pit) in items.iter().enumerate() {
                        if !alive[p] || !parent.contains(pit.code) || !r.is_valid_on(pit.date) {
                            continue;
                        }
                        for (c, cit) in items.iter().enumerate() {
                            if c == p
                                || !alive[c]
                                || cit.history
                                || !children.contains(cit.code)
                                || !within(*window, pit.date, cit.date)
                            {
                                continue;
                            }
                            let action = if r.special {
                                Action::Warn
                            } else {
                                Action::Drop
                            };
                            if action == Action::Drop {
                                alive[c] = false;
                            }
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
                                    if r.special {
                                        ": 特例条件あり — check the condition"
                                    } else {
                                        ""
                                    }
                                ),
                            });
                        }
                    }
                }
                Body::Exclusion {
                    first,
                    second,
                    window,
                    keep,
                } => {
                    for (a, ait) in items.iter().enumerate() {
                        if !alive[a] || !first.contains(ait.code) || !r.is_valid_on(ait.date) {
                            continue;
                        }
                        for (b, bit) in items.iter().enumerate() {
                            if b == a
                                || !alive[a]
                                || !alive[b]
                                || !second.contains(bit.code)
                                || !within(*window, ait.date, bit.date)
                            {
                                continue;
                            }
                            if ait.history && bit.history {
                                continue;
                            }
                            let loser = match keep {
                                Keep::First => Some(b),
                                Keep::Second => Some(a),
                                Keep::Either => None,
                            };
                            let can_drop = !r.special && loser.is_some_and(|l| !items[l].history);
                            let (action, msg, involved) = match (can_drop, loser) {
                                (true, Some(l)) => {
                                    alive[l] = false;
                                    let other = if l == a { b } else { a };
                                    (
                                        Action::Drop,
                                        format!(
                                            "{:09} is not billed with {:09} ({}, 背反)",
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
                                        "{:09} and {:09} exclude each other ({}, 背反){}",
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
                                message: msg,
                            });
                        }
                    }
                }
                Body::Requirement { items: set, cond } => {
                    for (i, it) in items.iter().enumerate() {
                        if !alive[i]
                            || it.history
                            || !set.contains(it.code)
                            || !r.is_valid_on(it.date)
                        {
                            continue;
                        }
                        if !self.holds(cond, subject, items, &alive, i) {
                            let action = if r.special {
                                Action::Warn
                            } else {
                                Action::Drop
                            };
                            if action == Action::Drop {
                                alive[i] = false;
                            }
                            out.push(Outcome {
                                rule: ri,
                                action,
                                items: vec![i],
                                date: it.date,
                                message: format!("{:09}: 算定要件を満たさない", it.code),
                            });
                        }
                    }
                }
                Body::Limit {
                    items: set,
                    max,
                    per,
                } => {
                    let mut order: Vec<usize> = (0..items.len())
                        .filter(|&i| alive[i] && set.contains(items[i].code))
                        .collect();
                    order.sort_by_key(|&i| (items[i].date, !items[i].history, i));
                    for (k, &i) in order.iter().enumerate() {
                        let it = &items[i];
                        if it.history || !r.is_valid_on(it.date) {
                            continue;
                        }
                        let count: u32 = order[..=k]
                            .iter()
                            .filter(|&&j| alive[j] && in_period(*per, it.date, items[j].date))
                            .map(|&j| items[j].times)
                            .sum();
                        if count > *max {
                            let action = if r.special {
                                Action::Warn
                            } else {
                                Action::Drop
                            };
                            if action == Action::Drop {
                                alive[i] = false;
                            }
                            out.push(Outcome {
                                rule: ri,
                                action,
                                items: vec![i],
                                date: it.date,
                                message: format!(
                                    "{:09}: {count}回 exceeds {max}回 per {} (算定回数){}",
                                    it.code,
                                    describe_period(*per),
                                    if r.special {
                                        ": 特例条件あり — check the condition"
                                    } else {
                                        ""
                                    }
                                ),
                            });
                        }
                    }
                }
                Body::Addition { when, add } => {
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
                        if !present && self.holds(when, subject, items, &alive, rep) {
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
            }
        }
        out
    }

    fn holds(&self, c: &CCond, s: &Subject<'_>, items: &[Item], alive: &[bool], at: usize) -> bool {
        let it = &items[at];
        match c {
            CCond::Or(v) => v.iter().any(|c| self.holds(c, s, items, alive, at)),
            CCond::And(v) => v.iter().all(|c| self.holds(c, s, items, alive, at)),
            CCond::Not(c) => !self.holds(c, s, items, alive, at),
            CCond::Age(op, n) => op.holds(age_years(s.birth, it.date), *n),
            CCond::Sex(x) => s.sex == *x,
            CCond::Setting(x) => s.setting == *x,
            CCond::Facility(x) => s.facility == *x,
            CCond::Standard(x) => s.standards.contains(x),
            CCond::Beds(op, n) => op.holds(s.beds, *n),
            CCond::Billed(set, w) => items.iter().enumerate().any(|(j, o)| {
                j != at && alive[j] && set.contains(o.code) && within(*w, it.date, o.date)
            }),
            CCond::DiseaseSpecific(n) => s.disease_specific.contains(n),
            CCond::Comment(code) => s.comments.iter().any(|(d, c)| *c == *code && *d == it.date),
            CCond::Quantity(op, n) => it.quantity.is_some_and(|q| op.holds(q, *n)),
        }
    }
}
