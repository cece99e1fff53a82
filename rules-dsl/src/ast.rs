//! The typed syntax tree of a rule file. Every node carries its source span; spans compare equal
//! to each other so that two trees are equal when their structure is (the formatter's round-trip
//! property: `parse(fmt(parse(x))) == parse(x)`).

use santei_masters::Date;

/// A position in the source: byte range plus 1-based line and column of its start.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub col: usize,
}

impl PartialEq for Span {
    /// Spans never make two trees different (see the module doc).
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

/// A whole rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// `revision r2024-06`
    pub revision: Option<(String, Span)>,
    pub rules: Vec<RuleDecl>,
}

/// `rule <id> "<title>" { clauses }`
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    pub id: String,
    pub title: Option<String>,
    pub span: Span,
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RuleKind {
    /// 背反
    Exclusion,
    /// 包括
    Inclusion,
    /// 算定回数
    Limit,
    /// 算定要件 (施設基準, 年齢, 性別, 傷病名, コメント)
    Requirement,
    /// 加算
    Addition,
}

impl RuleKind {
    pub const ALL: [RuleKind; 5] = [
        RuleKind::Exclusion,
        RuleKind::Inclusion,
        RuleKind::Limit,
        RuleKind::Requirement,
        RuleKind::Addition,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            RuleKind::Exclusion => "exclusion",
            RuleKind::Inclusion => "inclusion",
            RuleKind::Limit => "limit",
            RuleKind::Requirement => "requirement",
            RuleKind::Addition => "addition",
        }
    }
    pub fn japanese(self) -> &'static str {
        match self {
            RuleKind::Exclusion => "背反",
            RuleKind::Inclusion => "包括",
            RuleKind::Limit => "算定回数",
            RuleKind::Requirement => "算定要件",
            RuleKind::Addition => "加算",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Kind(RuleKind, Span),
    Cite(String, Span),
    Note(String, Span),
    Valid(Option<Date>, Option<Date>, Span),
    Items(ItemSet),
    First(ItemSet),
    Second(ItemSet),
    Parent(ItemSet),
    Children(ItemSet),
    Within(Window, Span),
    Keep(Keep, Span),
    Max(u32, Period, Span),
    Require(Cond, Span),
    When(Cond, Span),
    Add(CodeLit),
    Special(Span),
}

impl Clause {
    pub fn span(&self) -> Span {
        match self {
            Clause::Kind(_, s)
            | Clause::Cite(_, s)
            | Clause::Note(_, s)
            | Clause::Valid(_, _, s)
            | Clause::Within(_, s)
            | Clause::Keep(_, s)
            | Clause::Max(_, _, s)
            | Clause::Require(_, s)
            | Clause::When(_, s)
            | Clause::Special(s) => *s,
            Clause::Items(i)
            | Clause::First(i)
            | Clause::Second(i)
            | Clause::Parent(i)
            | Clause::Children(i) => i.span,
            Clause::Add(c) => c.span,
        }
    }
}

/// A window of time within which two items meet (背反, 包括, `billed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Window {
    /// 1日につき (同一日)
    Day,
    /// 1週間につき (日曜〜土曜)
    Week,
    /// 同一月内
    Month,
    /// 「Xの日から1月以内」: from the parent's (or first item's) day to the day before its
    /// corresponding day of the next month, or to the end of that month when it has no such day
    /// (民法 第143条; 6/20 → 7/19, 1/31 → 2/末日). For inclusion rules only.
    MonthAfter,
    /// 同時 (the same occasion; santei treats it as the same day)
    Claim,
}

impl Window {
    pub fn keyword(self) -> &'static str {
        match self {
            Window::Day => "day",
            Window::Week => "week",
            Window::Month => "month",
            Window::MonthAfter => "month_after",
            Window::Claim => "claim",
        }
    }
}

/// Which item stays when two exclude each other (背反区分).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Keep {
    /// 1: ①を算定する
    First,
    /// 2: ②を算定する
    Second,
    /// 3: 何れか一方 (the choice is the user's: a warning)
    Either,
}

impl Keep {
    pub fn keyword(self) -> &'static str {
        match self {
            Keep::First => "first",
            Keep::Second => "second",
            Keep::Either => "either",
        }
    }
}

/// The unit of a count limit (算定単位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Period {
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
    /// 患者当り (ever)
    Patient,
    /// 入院中
    Admission,
    /// 初診時
    FirstVisit,
}

/// A set of 診療行為 codes: a union of selectors minus the `except` selectors.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSet {
    pub include: Vec<Selector>,
    pub except: Vec<Selector>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// `code 111000110 112007410`
    Codes(Vec<CodeLit>),
    /// `kubun A002` (コード表用番号: letter, 区分番号, 枝番)
    Kubun(Kubun, Span),
    /// `kubun D000 .. D002-2`
    KubunRange(Kubun, Kubun, Span),
    /// `bundle_group 1` (包括対象検査, 医科診療行為 項番16)
    BundleGroup(u8, Span),
    /// `judgement_group 2` (検査等実施判断グループ区分, 項番51, of 実施料 items)
    JudgementGroup(u8, Span),
}

/// A 9-digit code in the source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodeLit {
    pub code: u32,
    pub span: Span,
}

/// A 区分番号 such as `D002-2`: letter, 区分番号 (3 digits), 枝番 (0 when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kubun {
    pub letter: char,
    pub section: u16,
    pub branch: u8,
}

impl std::fmt::Display for Kubun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{:03}", self.letter, self.section)?;
        if self.branch != 0 {
            write!(f, "-{}", self.branch)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Cmp {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
        }
    }
    pub fn holds(self, a: u32, b: u32) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Ge => a >= b,
            Cmp::Gt => a > b,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Sex {
    Male,
    Female,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Setting {
    Outpatient,
    Inpatient,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum FacilityKind {
    Clinic,
    Hospital,
}

/// A condition of `when` / `require`.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Or(Vec<Cond>),
    And(Vec<Cond>),
    Not(Box<Cond>),
    /// Completed years at the date of care.
    Age(Cmp, u32),
    Sex(Sex),
    Setting(Setting),
    Facility(FacilityKind),
    /// 施設基準コード notified.
    Standard(u16),
    /// 病床数
    Beds(Cmp, u32),
    /// An item of the set billed within the window around the item.
    Billed(ItemSet, Window),
    /// A 傷病名 with this 特定疾患等対象区分 (傷病名マスター 項番21) on the claim.
    DiseaseSpecific(u8),
    /// A コメント code on the same day.
    Comment(CodeLit),
    /// The item's 数量データ.
    Quantity(Cmp, u32),
}
