//! Lowering (clauses → a checked rule) and compilation against a MasterSet: item sets expand to
//! sorted code lists, and every rule is indexed by the codes that can trigger it, so a claim only
//! touches the rules its items can reach. The 電子点数表 compiles into the same [`CompiledRule`]s.

use rustc_hash::FxHashMap;
use santei_masters::{Date, MasterSet, Procedure};

use crate::ast::*;
use crate::diag::{Diagnostic, Severity};
use crate::trigger::TriggerIndex;

/// A sorted set of 診療行為 codes.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct CodeSet(Box<[u32]>);

impl CodeSet {
    pub fn from_vec(mut v: Vec<u32>) -> CodeSet {
        v.sort_unstable();
        v.dedup();
        CodeSet(v.into_boxed_slice())
    }
    pub fn one(c: u32) -> CodeSet {
        CodeSet(Box::new([c]))
    }
    #[inline]
    pub fn contains(&self, c: u32) -> bool {
        match &*self.0 {
            [] => false,
            [one] => *one == c,
            // Sorted: a code outside the set's range (most of a claim's codes for most sets) is
            // answered without the search.
            [first, .., last] => *first <= c && c <= *last && self.0.binary_search(&c).is_ok(),
        }
    }
    pub fn codes(&self) -> &[u32] {
        &self.0
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A condition with its item sets expanded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum CCond {
    Or(Vec<CCond>),
    And(Vec<CCond>),
    Not(Box<CCond>),
    Age(Cmp, u32),
    Sex(Sex),
    Setting(Setting),
    Facility(FacilityKind),
    Standard(u16),
    Beds(Cmp, u32),
    Billed(CodeSet, Window),
    DiseaseSpecific(u8),
    Comment(u32),
    Quantity(Cmp, u32),
}

/// What a compiled rule does.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Body {
    /// 背反: an item of `first` and one of `second` within `window`; `keep` says which stays.
    /// With `only_with`, the rule acts only when an item of that set is also billed within the
    /// window (04 入院基本料テーブル: the 入院料 whose group the pair belongs to).
    Exclusion {
        first: CodeSet,
        second: CodeSet,
        window: Window,
        keep: Keep,
        only_with: Option<CodeSet>,
    },
    /// 包括: `parent` within `window` absorbs `children`.
    Inclusion {
        parent: CodeSet,
        children: CodeSet,
        window: Window,
    },
    /// 算定回数: at most `max` of `items` per `per`.
    Limit {
        items: CodeSet,
        max: u32,
        per: Period,
    },
    /// 算定要件: `items` only when `cond` holds.
    Requirement { items: CodeSet, cond: CCond },
    /// 加算: add `add` on a day when `when` holds.
    Addition { when: CCond, add: u32 },
}

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum RuleOrigin {
    /// A hand-written rule file, at this line.
    File { file: String, line: usize },
    /// A row of the 医科電子点数表 (`line`: its position in santei's loaded order, which sorts
    /// 03-x by code; the rule's citation names the codes and 新設年月日 to find the row).
    Etensu { table: &'static str, line: usize },
}

impl std::fmt::Display for RuleOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleOrigin::File { file, line } => write!(f, "{file}:{line}"),
            RuleOrigin::Etensu { table, .. } => write!(f, "電子点数表 {table}"),
        }
    }
}

/// A rule ready for evaluation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompiledRule {
    /// Stable id (`A002-6.gairai-hokatsu`, `etensu.03-2.113002850.113001810`).
    pub id: String,
    pub title: Option<String>,
    pub kind: RuleKind,
    /// 告示/通知 区分番号 and 注, or the 電子点数表 row.
    pub citation: String,
    pub origin: RuleOrigin,
    pub valid_from: Date,
    pub valid_to: Date,
    /// 特例条件: the rule has a condition the data cannot express; it warns instead of acting.
    pub special: bool,
    pub body: Body,
}

impl CompiledRule {
    pub fn is_valid_on(&self, d: Date) -> bool {
        self.valid_from <= d && d <= self.valid_to
    }

    /// Every code the rule mentions.
    pub fn mentions(&self, code: u32) -> bool {
        match &self.body {
            Body::Exclusion {
                first,
                second,
                only_with,
                ..
            } => {
                first.contains(code)
                    || second.contains(code)
                    || only_with.as_ref().is_some_and(|s| s.contains(code))
            }
            Body::Inclusion {
                parent, children, ..
            } => parent.contains(code) || children.contains(code),
            Body::Limit { items, .. } | Body::Requirement { items, .. } => items.contains(code),
            Body::Addition { when, add } => *add == code || cond_mentions(when, code),
        }
    }

    /// Codes whose presence can make the rule act (the index keys).
    fn triggers(&self) -> Vec<u32> {
        match &self.body {
            Body::Exclusion { first, .. } => first.codes().to_vec(),
            Body::Inclusion { parent, .. } => parent.codes().to_vec(),
            Body::Limit { items, .. } | Body::Requirement { items, .. } => items.codes().to_vec(),
            Body::Addition { when, .. } => {
                let mut v = Vec::new();
                cond_codes(when, &mut v);
                v
            }
        }
    }
}

fn cond_mentions(c: &CCond, code: u32) -> bool {
    let mut v = Vec::new();
    cond_codes(c, &mut v);
    v.contains(&code)
}

fn cond_codes(c: &CCond, out: &mut Vec<u32>) {
    match c {
        CCond::Or(v) | CCond::And(v) => v.iter().for_each(|c| cond_codes(c, out)),
        CCond::Not(c) => cond_codes(c, out),
        CCond::Billed(s, _) => out.extend_from_slice(s.codes()),
        _ => {}
    }
}

/// A compiled rule set of one revision: rules plus their index by trigger code.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<CompiledRule>,
    /// Per code: the rules it can trigger (single-code exclusions aside) and whether it is the
    /// first code of a single-code exclusion, with one probe.
    triggers: TriggerIndex,
    /// Exclusions between two single codes (all of the 電子点数表's), by (first, second): a claim
    /// looks up its item pairs instead of scanning every rule that names one of its codes.
    pairs: FxHashMap<(u32, u32), Vec<u32>>,
    /// Rules with no trigger code (additions on facility/age alone): always considered.
    global: Vec<u32>,
    /// What was compiled, skipped and why.
    pub report: CompileReport,
}

/// Counts of a compilation, for `santei rules check` and the README.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CompileReport {
    pub from_files: usize,
    pub from_etensu: usize,
    pub by_kind: Vec<(String, usize)>,
    /// 電子点数表 rows not turned into rules, with the reason (e.g. 算定単位 一連, 入院基本料).
    pub skipped: Vec<(String, usize)>,
}

impl RuleSet {
    /// Adds rules and rebuilds the index.
    pub fn extend(&mut self, rules: Vec<CompiledRule>) {
        self.rules.extend(rules);
        self.reindex();
    }

    fn reindex(&mut self) {
        let mut by_code: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        // Codes that are the first of some pair: a claim looks up pairs only from these.
        let mut pair_firsts: rustc_hash::FxHashSet<u32> = Default::default();
        self.pairs.clear();
        self.global.clear();
        for (i, r) in self.rules.iter().enumerate() {
            if let Body::Exclusion { first, second, .. } = &r.body {
                if first.len() == 1 && second.len() == 1 {
                    self.pairs
                        .entry((first.codes()[0], second.codes()[0]))
                        .or_default()
                        .push(i as u32);
                    pair_firsts.insert(first.codes()[0]);
                    continue;
                }
            }
            let t = r.triggers();
            if t.is_empty() {
                self.global.push(i as u32);
            }
            for c in t {
                let e = by_code.entry(c).or_default();
                if e.last() != Some(&(i as u32)) {
                    e.push(i as u32);
                }
            }
        }
        for &c in &pair_firsts {
            by_code.entry(c).or_default();
        }
        self.triggers = TriggerIndex::build(
            by_code
                .iter()
                .map(|(&c, rules)| (c, rules.as_slice(), pair_firsts.contains(&c))),
        );
        let mut kinds: FxHashMap<&'static str, usize> = FxHashMap::default();
        for r in &self.rules {
            *kinds.entry(r.kind.keyword()).or_default() += 1;
        }
        let mut by_kind: Vec<(String, usize)> =
            kinds.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        by_kind.sort();
        self.report.by_kind = by_kind;
        self.report.from_files = self
            .rules
            .iter()
            .filter(|r| matches!(r.origin, RuleOrigin::File { .. }))
            .count();
        self.report.from_etensu = self.rules.len() - self.report.from_files;
    }

    /// Indices of the rules a code can trigger.
    pub fn triggered_by(&self, code: u32) -> &[u32] {
        self.triggers.get(code).0
    }

    /// [`RuleSet::triggered_by`] and [`RuleSet::is_pair_first`] of `code` with one lookup.
    #[inline]
    pub fn code_rules(&self, code: u32) -> (&[u32], bool) {
        self.triggers.get(code)
    }

    pub fn global_rules(&self) -> &[u32] {
        &self.global
    }

    /// Single-code exclusions between `first` and `second` (in that order).
    pub fn pair_rules(&self, first: u32, second: u32) -> &[u32] {
        self.pairs
            .get(&(first, second))
            .map_or(&[], |v| v.as_slice())
    }

    /// True when `code` is the first code of some single-code exclusion.
    pub fn is_pair_first(&self, code: u32) -> bool {
        self.triggers.get(code).1
    }

    /// True when some single-code exclusion exists (skips the pair scan otherwise).
    pub fn has_pair_rules(&self) -> bool {
        !self.pairs.is_empty()
    }

    /// Every rule that mentions `code`, for `santei rules explain`.
    pub fn explain(&self, code: u32) -> Vec<&CompiledRule> {
        self.rules.iter().filter(|r| r.mentions(code)).collect()
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Compiles parsed files against the masters of their revision. Errors and warnings come back as
/// diagnostics; the rules are returned only when there is no error.
pub fn compile_files(
    files: &[(String, String, File)],
    set: &MasterSet,
) -> (Vec<CompiledRule>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut seen: FxHashMap<String, (String, usize)> = FxHashMap::default();
    let rev_from = set.revision.effective_from;
    let rev_to = set.revision.until().unwrap_or(Date::MAX);
    let rows = std::cell::OnceCell::new();
    for (name, text, file) in files {
        let mk =
            |span: Span, sev: Severity, msg: String| Diagnostic::new(sev, name, text, span, msg);
        if let Some((rev, sp)) = &file.revision {
            if rev != set.revision.id {
                diags.push(mk(
                    *sp,
                    Severity::Error,
                    format!(
                        "this file is for `{rev}`, the masters are `{}`",
                        set.revision.id
                    ),
                ));
                continue;
            }
        }
        for decl in &file.rules {
            if let Some((f, l)) = seen.get(&decl.id) {
                diags.push(mk(
                    decl.span,
                    Severity::Error,
                    format!("rule id `{}` is already used at {f}:{l}", decl.id),
                ));
                continue;
            }
            seen.insert(decl.id.clone(), (name.clone(), decl.span.line));
            let mut cx = Lower {
                set,
                rows: &rows,
                name,
                text,
                diags: &mut diags,
                rev_from,
                rev_to,
                errors: 0,
            };
            if let Some(rule) = cx.rule(decl) {
                out.push(rule);
            }
        }
    }
    check_contradictions(&out, files, &mut diags);
    (out, diags)
}

struct Lower<'a, 's> {
    set: &'s MasterSet,
    /// Every 医科診療行為 code's latest row and its 区分番号, in the master's code order, built once
    /// for all the rules of a compile on the first selector that scans the master ([`ProcRows`]).
    rows: &'a std::cell::OnceCell<ProcRows<'s>>,
    name: &'a str,
    text: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    rev_from: Date,
    rev_to: Date,
    errors: usize,
}

impl Lower<'_, '_> {
    fn error(&mut self, span: Span, msg: String) {
        self.errors += 1;
        self.diags.push(Diagnostic::new(
            Severity::Error,
            self.name,
            self.text,
            span,
            msg,
        ));
    }
    fn warn(&mut self, span: Span, msg: String) {
        self.diags.push(Diagnostic::new(
            Severity::Warning,
            self.name,
            self.text,
            span,
            msg,
        ));
    }

    /// Nothing in the masters matches: an error on complete masters; on an excerpt, a warning that
    /// the selector cannot be verified with it (the excerpt may simply not hold those rows).
    fn absent(&mut self, span: Span, msg: String) {
        if self.set.coverage.is_partial() {
            let why = format!(
                "not verifiable here: {msg} (the masters of {} are {})",
                self.set.revision.id,
                self.set.coverage.describe()
            );
            self.warn(span, why);
        } else {
            self.error(span, msg);
        }
    }

    fn rule(&mut self, d: &RuleDecl) -> Option<CompiledRule> {
        let before = self.errors;
        let mut kind = None;
        let mut cite = None;
        let mut valid = (None, None);
        let mut special = false;
        let (mut items, mut first, mut second, mut parent, mut children) =
            (None, None, None, None, None);
        let (mut within, mut keep, mut max, mut add) = (None, None, None, None);
        let mut requires = Vec::new();
        let mut when = None;
        for c in &d.clauses {
            let dup = |slot_set: bool, me: &mut Self| {
                if slot_set {
                    me.error(c.span(), "this clause appears twice in the rule".into());
                }
            };
            match c {
                Clause::Kind(k, _) => {
                    dup(kind.is_some(), self);
                    kind = Some(*k)
                }
                Clause::Cite(s, _) => {
                    dup(cite.is_some(), self);
                    cite = Some(s.clone())
                }
                Clause::Note(_, _) => {}
                Clause::Valid(a, b, _) => valid = (*a, *b),
                Clause::Items(s) => {
                    dup(items.is_some(), self);
                    items = Some(self.expand(s))
                }
                Clause::First(s) => {
                    dup(first.is_some(), self);
                    first = Some(self.expand(s))
                }
                Clause::Second(s) => {
                    dup(second.is_some(), self);
                    second = Some(self.expand(s))
                }
                Clause::Parent(s) => {
                    dup(parent.is_some(), self);
                    parent = Some(self.expand(s))
                }
                Clause::Children(s) => {
                    dup(children.is_some(), self);
                    children = Some(self.expand(s))
                }
                Clause::Within(w, _) => within = Some(*w),
                Clause::Keep(k, _) => keep = Some(*k),
                Clause::Max(n, p, _) => max = Some((*n, *p)),
                Clause::Require(cnd, _) => requires.push(self.cond(cnd)),
                Clause::When(cnd, _) => when = Some(self.cond(cnd)),
                Clause::Add(c) => add = Some(self.code(c)),
                Clause::Special(_) => special = true,
            }
        }
        let Some(kind) = kind else {
            self.error(
                d.span,
                format!(
                    "rule `{}` has no `kind` (exclusion, inclusion, limit, requirement, addition)",
                    d.id
                ),
            );
            return None;
        };
        let Some(citation) = cite else {
            self.error(
                d.span,
                format!(
                    "rule `{}` has no `cite`: every rule names its 告示/通知 source",
                    d.id
                ),
            );
            return None;
        };
        let (from, to) = (
            valid.0.unwrap_or(self.rev_from),
            valid.1.unwrap_or(self.rev_to),
        );
        if from > to {
            self.error(d.span, format!("`valid` runs backwards: {from} .. {to}"));
        }
        let missing = |me: &mut Self, what: &str| {
            me.error(d.span, format!("a {} rule needs `{what}`", kind.keyword()));
        };
        let body = match kind {
            RuleKind::Exclusion => {
                let (Some(first), Some(second)) = (first, second) else {
                    missing(self, "first` and `second");
                    return None;
                };
                if within == Some(Window::MonthAfter) {
                    self.error(
                        d.span,
                        "`within month_after` counts from a parent's day: it is for inclusion rules".into(),
                    );
                }
                Body::Exclusion {
                    first,
                    second,
                    window: within.unwrap_or(Window::Day),
                    keep: keep.unwrap_or(Keep::Either),
                    only_with: None,
                }
            }
            RuleKind::Inclusion => {
                let (Some(parent), Some(children)) = (parent, children) else {
                    missing(self, "parent` and `children");
                    return None;
                };
                Body::Inclusion {
                    parent,
                    children,
                    window: within.unwrap_or(Window::Day),
                }
            }
            RuleKind::Limit => {
                let (Some(items), Some((max, per))) = (items, max) else {
                    missing(self, "items` and `max N per …");
                    return None;
                };
                Body::Limit { items, max, per }
            }
            RuleKind::Requirement => {
                let Some(items) = items else {
                    missing(self, "items");
                    return None;
                };
                if requires.is_empty() {
                    missing(self, "require …");
                    return None;
                }
                let cond = if requires.len() == 1 {
                    requires.pop().expect("one")
                } else {
                    CCond::And(requires)
                };
                Body::Requirement { items, cond }
            }
            RuleKind::Addition => {
                let (Some(when), Some(add)) = (when, add) else {
                    missing(self, "when … and add <code>");
                    return None;
                };
                Body::Addition { when, add }
            }
        };
        if self.errors > before {
            return None;
        }
        Some(CompiledRule {
            id: d.id.clone(),
            title: d.title.clone(),
            kind,
            citation,
            origin: RuleOrigin::File {
                file: self.name.to_string(),
                line: d.span.line,
            },
            valid_from: from,
            valid_to: to,
            special,
            body,
        })
    }

    fn code(&mut self, c: &CodeLit) -> u32 {
        let versions = self.set.procedures.versions(c.code);
        if versions.is_empty() && !self.set.coverage.vouches_for(&format!("{:09}", c.code)) {
            self.warn(
                c.span,
                format!(
                    "not verifiable here: {:09} is not in the masters of {}, which are {}",
                    c.code,
                    self.set.revision.id,
                    self.set.coverage.describe()
                ),
            );
        } else if versions.is_empty() {
            self.error(
                c.span,
                format!(
                    "unknown 診療行為コード {:09} (not in the 医科診療行為マスター of {})",
                    c.code, self.set.revision.id
                ),
            );
        } else if !versions
            .iter()
            .any(|v| v.valid_from <= self.rev_to && self.rev_from <= v.valid_to)
        {
            self.warn(
                c.span,
                format!("{:09} is not valid during {}", c.code, self.set.revision),
            );
        }
        c.code
    }

    fn expand(&mut self, s: &ItemSet) -> CodeSet {
        let mut v = Vec::new();
        for sel in &s.include {
            self.select(sel, &mut v);
        }
        let mut ex = Vec::new();
        for sel in &s.except {
            self.select(sel, &mut ex);
        }
        v.retain(|c| !ex.contains(c));
        if v.is_empty() && self.set.coverage.is_partial() {
            self.warn(
                s.span,
                format!(
                    "not verifiable here: this item set selects no code of the masters of {}, which are {}",
                    self.set.revision.id,
                    self.set.coverage.describe()
                ),
            );
        } else if v.is_empty() {
            self.error(
                s.span,
                "this item set selects no code of the masters".into(),
            );
        }
        CodeSet::from_vec(v)
    }

    fn select(&mut self, sel: &Selector, out: &mut Vec<u32>) {
        let set = self.set;
        let rows = self.rows;
        let matching = |f: &dyn Fn(&ProcRow<'_>) -> bool| -> Vec<u32> {
            rows.get_or_init(|| ProcRows::new(set))
                .0
                .iter()
                .filter(|r| f(r))
                .map(|r| r.code)
                .collect()
        };
        match sel {
            Selector::Codes(cs) => {
                for c in cs {
                    let code = self.code(c);
                    out.push(code);
                }
            }
            Selector::Kubun(k, sp) => {
                let got = matching(&|r| r.kubun == Some(*k));
                if got.is_empty() {
                    self.absent(*sp, format!("no 医科診療行為 row has 区分番号 {k}"));
                }
                out.extend(got);
            }
            Selector::KubunRange(a, b, sp) => {
                if a.letter != b.letter || a > b {
                    self.error(*sp, format!("`{a} .. {b}` is not a range of one 部"));
                    return;
                }
                let got = matching(&|r| r.kubun.is_some_and(|k| *a <= k && k <= *b));
                if got.is_empty() {
                    self.absent(
                        *sp,
                        format!("no 医科診療行為 row has a 区分番号 in {a} .. {b}"),
                    );
                }
                out.extend(got);
            }
            Selector::BundleGroup(g, sp) => {
                let got = matching(&|r| r.rec.bundled_test_group == *g);
                if got.is_empty() {
                    self.absent(*sp, format!("no row has 包括対象検査 {g}"));
                }
                out.extend(got);
            }
            Selector::JudgementGroup(g, sp) => {
                let got =
                    matching(&|r| r.rec.test_judgement == 1 && r.rec.test_judgement_group == *g);
                if got.is_empty() {
                    self.absent(
                        *sp,
                        format!("no 実施料 row has 検査等実施判断グループ区分 {g}"),
                    );
                }
                out.extend(got);
            }
        }
    }

    fn cond(&mut self, c: &Cond) -> CCond {
        match c {
            Cond::Or(v) => CCond::Or(v.iter().map(|c| self.cond(c)).collect()),
            Cond::And(v) => CCond::And(v.iter().map(|c| self.cond(c)).collect()),
            Cond::Not(c) => CCond::Not(Box::new(self.cond(c))),
            Cond::Age(o, n) => CCond::Age(*o, *n),
            Cond::Sex(s) => CCond::Sex(*s),
            Cond::Setting(s) => CCond::Setting(*s),
            Cond::Facility(f) => CCond::Facility(*f),
            Cond::Standard(s) => CCond::Standard(*s),
            Cond::Beds(o, n) => CCond::Beds(*o, *n),
            Cond::Billed(s, w) => {
                if *w == Window::MonthAfter {
                    self.error(
                        s.span,
                        "`within month_after` counts from a parent's day: it is for inclusion rules, not `billed`".into(),
                    );
                }
                CCond::Billed(self.expand(s), *w)
            }
            Cond::DiseaseSpecific(n) => CCond::DiseaseSpecific(*n),
            Cond::Comment(c) => {
                if self.set.comments.versions(c.code).is_empty() {
                    self.absent(c.span, format!("unknown コメントコード {:09}", c.code));
                }
                CCond::Comment(c.code)
            }
            Cond::Quantity(o, n) => CCond::Quantity(*o, *n),
        }
    }
}

/// A 医科診療行為 code with its latest row and that row's 区分番号 ([`kubun_of`]).
struct ProcRow<'a> {
    code: u32,
    rec: &'a Procedure,
    kubun: Option<Kubun>,
}

/// Every code of the 医科診療行為マスター with its latest row, in the master's code order (the
/// order a selector's codes come out in, as when each selector scanned the master itself). A
/// selector by 区分番号, 包括対象検査 or 検査等実施判断グループ scans these rows instead of looking up
/// every code's latest row and reading its 区分番号 text again: compiling santei's r06 rules
/// did that about 120 times over 10,000 codes, 285 of the 306 million instructions of the
/// compile (callgrind of `santei recalc` on 10 receipts).
struct ProcRows<'a>(Vec<ProcRow<'a>>);

impl<'a> ProcRows<'a> {
    fn new(set: &'a MasterSet) -> Self {
        ProcRows(
            set.procedures
                .codes()
                .filter_map(|code| {
                    let rec = set.procedures.latest(code)?;
                    Some(ProcRow {
                        code,
                        rec,
                        kubun: kubun_of(rec),
                    })
                })
                .collect(),
        )
    }
}

/// The 区分番号 of a row (コード表用番号: letter 項番85, 区分番号 項番92, 枝番 項番93).
pub fn kubun_of(p: &Procedure) -> Option<Kubun> {
    let letter = p
        .code_table_alpha
        .chars()
        .next()
        .filter(|c| c.is_ascii_uppercase())?;
    let section = p.code_table_section.parse().ok()?;
    let branch = p.code_table_branch.parse().unwrap_or(0);
    Some(Kubun {
        letter,
        section,
        branch,
    })
}

/// Two hand rules that decide the same pair differently contradict each other.
fn check_contradictions(
    rules: &[CompiledRule],
    files: &[(String, String, File)],
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: FxHashMap<(u32, u32, Window), (Keep, &str)> = FxHashMap::default();
    for r in rules {
        let Body::Exclusion {
            first,
            second,
            window,
            keep,
            ..
        } = &r.body
        else {
            continue;
        };
        if first.len() != 1 || second.len() != 1 {
            continue;
        }
        let key = (first.codes()[0], second.codes()[0], *window);
        if let Some((k, other)) = seen.get(&key) {
            if k != keep {
                if let RuleOrigin::File { file, line } = &r.origin {
                    let text = files
                        .iter()
                        .find(|f| &f.0 == file)
                        .map_or("", |f| f.1.as_str());
                    diags.push(Diagnostic::new(
                        Severity::Error,
                        file,
                        text,
                        Span {
                            start: 0,
                            end: 0,
                            line: *line,
                            col: 1,
                        },
                        format!(
                            "rule `{}` contradicts `{other}`: same pair and window, keep {} vs {}",
                            r.id,
                            keep.keyword(),
                            k.keyword()
                        ),
                    ));
                }
            }
        } else {
            seen.insert(key, (*keep, r.id.as_str()));
        }
    }
}
