//! Text → [`ast::File`]. pest's generated `Rule` enum stays private to this module; the public
//! output is the typed tree with spans, or a [`Diagnostic`] naming line and column.

use pest::Parser;
use pest::iterators::Pair;
use santei_masters::Date;

use crate::ast::*;
use crate::diag::{Diagnostic, Severity};

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct RulesParser;

/// Deepest `(` nesting accepted in conditions; deeper input is an error, never a stack overflow.
pub const MAX_NESTING: usize = 32;

/// Parses one rule file.
pub fn parse(file: &str, text: &str) -> Result<File, Diagnostic> {
    check_nesting(file, text)?;
    let mut pairs = RulesParser::parse(Rule::file, text).map_err(|e| from_pest(file, text, e))?;
    let top = pairs
        .next()
        .expect("the grammar's `file` rule always yields one pair");
    let mut revision = None;
    let mut rules = Vec::new();
    for p in top.into_inner() {
        match p.as_rule() {
            Rule::revision_decl => {
                let id = p.into_inner().next().expect("revision_id");
                revision = Some((id.as_str().to_string(), span(&id)));
            }
            Rule::rule => {
                let sp = span(&p);
                rules.push(rule_decl(p).map_err(|mut d| {
                    d.attach(file, text, Span { line: d.line, ..sp });
                    d
                })?)
            }
            _ => {}
        }
    }
    Ok(File { revision, rules })
}

fn check_nesting(file: &str, text: &str) -> Result<(), Diagnostic> {
    let mut depth = 0usize;
    let (mut line, mut col) = (1usize, 1usize);
    let mut in_string = false;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        match c {
            '\n' => {
                line += 1;
                col = 0;
                in_comment = false;
                in_string = false;
            }
            '#' if !in_string => in_comment = true,
            '"' if !in_comment => in_string = !in_string,
            '(' if !in_string && !in_comment => {
                depth += 1;
                if depth > MAX_NESTING {
                    let s = Span {
                        start: i,
                        end: i + 1,
                        line,
                        col,
                    };
                    return Err(Diagnostic::new(
                        Severity::Error,
                        file,
                        text,
                        s,
                        format!("conditions nested deeper than {MAX_NESTING} levels"),
                    ));
                }
            }
            ')' if !in_string && !in_comment => depth = depth.saturating_sub(1),
            _ => {}
        }
        col += 1;
    }
    Ok(())
}

fn span(p: &Pair<'_, Rule>) -> Span {
    let s = p.as_span();
    // Through the pairs' line index (a binary search), not `Position::line_col`, which counts
    // from the start of the file for every node: that made compiling the rule files quadratic
    // in their length (most of an engine build on the demo data, and of a service reload).
    let (line, col) = p.line_col();
    Span {
        start: s.start(),
        end: s.end(),
        line,
        col,
    }
}

fn from_pest(file: &str, text: &str, e: pest::error::Error<Rule>) -> Diagnostic {
    let e = e.renamed_rules(|r| {
        match r {
            Rule::code => "a 9-digit code",
            Rule::kubun => "a 区分番号 such as D005 or D002-2",
            Rule::date => "a date YYYY-MM-DD",
            Rule::int => "a number",
            Rule::string => "a quoted string",
            Rule::rule_id => "a rule id (letters, digits, `.`, `-`, `_`)",
            Rule::rule => "`rule`",
            Rule::rule_kind => "exclusion, inclusion, limit, requirement or addition",
            Rule::window => "day, week, month, month_after or claim",
            Rule::keep => "first, second or either",
            Rule::period_unit => {
                "day(s), week(s), month(s), year(s), patient, admission or first_visit"
            }
            Rule::selector => "an item selector (code, kubun, bundle_group, judgement_group)",
            Rule::cmp => "a comparison (<, <=, ==, !=, >=, >)",
            Rule::EOI => "end of file",
            other => return format!("{other:?}"),
        }
        .to_string()
    });
    let (line, col) = match e.line_col {
        pest::error::LineColLocation::Pos(p) => p,
        pest::error::LineColLocation::Span(p, _) => p,
    };
    let start = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((a, _)) => a,
    };
    let message = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } if !positives.is_empty() => {
            let names: Vec<String> = e.variant.message().lines().map(str::to_string).collect();
            names.join(" ")
        }
        _ => e.variant.message().to_string(),
    };
    Diagnostic::new(
        Severity::Error,
        file,
        text,
        Span {
            start,
            end: start + 1,
            line,
            col,
        },
        message,
    )
}

fn err(p: &Pair<'_, Rule>, msg: impl Into<String>) -> Diagnostic {
    // The file and text are filled in by the caller's context; parse errors after the grammar
    // matched are rare (numbers out of range) and carry their span.
    Diagnostic::detached(Severity::Error, span(p), msg.into())
}

fn rule_decl(p: Pair<'_, Rule>) -> Result<RuleDecl, Diagnostic> {
    let sp = span(&p);
    let mut inner = p.into_inner();
    let id = inner.next().expect("rule_id").as_str().to_string();
    let mut title = None;
    let mut clauses = Vec::new();
    for c in inner {
        match c.as_rule() {
            Rule::string => title = Some(string(&c)),
            _ => clauses.push(clause(c)?),
        }
    }
    Ok(RuleDecl {
        id,
        title,
        span: sp,
        clauses,
    })
}

fn string(p: &Pair<'_, Rule>) -> String {
    let inner = p
        .clone()
        .into_inner()
        .next()
        .map(|i| i.as_str())
        .unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn int<T: TryFrom<u64>>(p: &Pair<'_, Rule>) -> Result<T, Diagnostic> {
    p.as_str()
        .parse::<u64>()
        .ok()
        .and_then(|v| T::try_from(v).ok())
        .ok_or_else(|| err(p, format!("number `{}` out of range", p.as_str())))
}

fn code(p: &Pair<'_, Rule>) -> CodeLit {
    CodeLit {
        code: p.as_str().parse().unwrap_or(0),
        span: span(p),
    }
}

fn date(p: &Pair<'_, Rule>) -> Result<Date, Diagnostic> {
    Date::parse_iso(p.as_str())
        .ok_or_else(|| err(p, format!("`{}` is not a calendar date", p.as_str())))
}

fn clause(c: Pair<'_, Rule>) -> Result<Clause, Diagnostic> {
    let sp = span(&c);
    let which = c.as_rule();
    let mut inner = c.into_inner();
    macro_rules! next {
        () => {
            inner.next().expect("grammar guarantees the clause's parts")
        };
    }
    Ok(match which {
        Rule::kind_clause => Clause::Kind(
            match next!().as_str() {
                "exclusion" => RuleKind::Exclusion,
                "inclusion" => RuleKind::Inclusion,
                "limit" => RuleKind::Limit,
                "requirement" => RuleKind::Requirement,
                _ => RuleKind::Addition,
            },
            sp,
        ),
        Rule::cite_clause => Clause::Cite(string(&next!()), sp),
        Rule::note_clause => Clause::Note(string(&next!()), sp),
        Rule::valid_clause => {
            let mut from = None;
            let mut to = None;
            for part in inner {
                let d = date(&part.clone().into_inner().next().expect("date"))?;
                if part.as_rule() == Rule::valid_from {
                    from = Some(d);
                } else {
                    to = Some(d);
                }
            }
            Clause::Valid(from, to, sp)
        }
        Rule::items_clause => Clause::Items(item_set(next!())?),
        Rule::first_clause => Clause::First(item_set(next!())?),
        Rule::second_clause => Clause::Second(item_set(next!())?),
        Rule::parent_clause => Clause::Parent(item_set(next!())?),
        Rule::children_clause => Clause::Children(item_set(next!())?),
        Rule::within_clause => Clause::Within(window(&next!()), sp),
        Rule::keep_clause => Clause::Keep(
            match next!().as_str() {
                "first" => Keep::First,
                "second" => Keep::Second,
                _ => Keep::Either,
            },
            sp,
        ),
        Rule::max_clause => {
            let n = int(&next!())?;
            let per = period(next!())?;
            Clause::Max(n, per, sp)
        }
        Rule::require_clause => Clause::Require(cond(next!())?, sp),
        Rule::when_clause => Clause::When(cond(next!())?, sp),
        Rule::add_clause => Clause::Add(code(&next!())),
        _ => Clause::Special(sp),
    })
}

fn window(p: &Pair<'_, Rule>) -> Window {
    match p.as_str() {
        "day" => Window::Day,
        "week" => Window::Week,
        "month" => Window::Month,
        "month_after" => Window::MonthAfter,
        _ => Window::Claim,
    }
}

fn period(p: Pair<'_, Rule>) -> Result<Period, Diagnostic> {
    let mut n = 1u32;
    let mut unit = "";
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::period_n => n = int(&x.into_inner().next().expect("int"))?,
            _ => unit = x.as_str(),
        }
    }
    Ok(match unit {
        "day" | "days" => Period::Days(n),
        "week" | "weeks" => Period::Weeks(n),
        "month" | "months" => Period::Months(n),
        "year" | "years" => Period::Years(n),
        "patient" => Period::Patient,
        "admission" => Period::Admission,
        _ => Period::FirstVisit,
    })
}

fn kubun(p: &Pair<'_, Rule>) -> Result<Kubun, Diagnostic> {
    let s = p.as_str();
    let letter = s.chars().next().unwrap_or('A');
    let section: u16 = s[1..4].parse().map_err(|_| err(p, "bad 区分番号"))?;
    let branch: u8 = match s.split_once('-') {
        Some((_, b)) => b.parse().map_err(|_| err(p, "bad 枝番"))?,
        None => 0,
    };
    Ok(Kubun {
        letter,
        section,
        branch,
    })
}

fn item_set(p: Pair<'_, Rule>) -> Result<ItemSet, Diagnostic> {
    let sp = span(&p);
    let text = p.as_str();
    let except_at = text.find("except").map(|i| sp.start + i);
    let mut include = Vec::new();
    let mut except = Vec::new();
    for s in p.into_inner() {
        let is_except = except_at.is_some_and(|e| s.as_span().start() > e);
        let sel = selector(s)?;
        if is_except {
            except.push(sel);
        } else {
            include.push(sel);
        }
    }
    Ok(ItemSet {
        include,
        except,
        span: sp,
    })
}

fn selector(p: Pair<'_, Rule>) -> Result<Selector, Diagnostic> {
    let inner = p.into_inner().next().expect("selector alternative");
    let sp = span(&inner);
    Ok(match inner.as_rule() {
        Rule::code_sel => Selector::Codes(inner.into_inner().map(|c| code(&c)).collect()),
        Rule::kubun_range => {
            let mut k = inner.into_inner();
            let a = kubun(&k.next().expect("from"))?;
            let b = kubun(&k.next().expect("to"))?;
            Selector::KubunRange(a, b, sp)
        }
        Rule::kubun_sel => Selector::Kubun(kubun(&inner.into_inner().next().expect("kubun"))?, sp),
        Rule::group_sel => {
            Selector::BundleGroup(int(&inner.into_inner().next().expect("int"))?, sp)
        }
        _ => Selector::JudgementGroup(int(&inner.into_inner().next().expect("int"))?, sp),
    })
}

fn cond(p: Pair<'_, Rule>) -> Result<Cond, Diagnostic> {
    match p.as_rule() {
        Rule::cond => {
            let mut parts: Vec<Cond> = p.into_inner().map(cond).collect::<Result<_, _>>()?;
            Ok(if parts.len() == 1 {
                parts.pop().expect("one")
            } else {
                Cond::Or(parts)
            })
        }
        Rule::cond_and => {
            let mut parts: Vec<Cond> = p.into_inner().map(cond).collect::<Result<_, _>>()?;
            Ok(if parts.len() == 1 {
                parts.pop().expect("one")
            } else {
                Cond::And(parts)
            })
        }
        Rule::cond_not => {
            let mut nots = 0;
            let mut atom = None;
            for x in p.into_inner() {
                if x.as_rule() == Rule::not_op {
                    nots += 1;
                } else {
                    atom = Some(cond(x)?);
                }
            }
            let mut c = atom.expect("cond_not has an atom");
            for _ in 0..nots {
                c = Cond::Not(Box::new(c));
            }
            Ok(c)
        }
        Rule::age_cond => {
            let mut i = p.into_inner();
            let c = cmp(&i.next().expect("cmp"));
            Ok(Cond::Age(c, int(&i.next().expect("int"))?))
        }
        Rule::beds_cond => {
            let mut i = p.into_inner();
            let c = cmp(&i.next().expect("cmp"));
            Ok(Cond::Beds(c, int(&i.next().expect("int"))?))
        }
        Rule::quantity_cond => {
            let mut i = p.into_inner();
            let c = cmp(&i.next().expect("cmp"));
            Ok(Cond::Quantity(c, int(&i.next().expect("int"))?))
        }
        Rule::sex_cond => Ok(Cond::Sex(if p.into_inner().as_str() == "male" {
            Sex::Male
        } else {
            Sex::Female
        })),
        Rule::setting_cond => Ok(Cond::Setting(if p.into_inner().as_str() == "outpatient" {
            Setting::Outpatient
        } else {
            Setting::Inpatient
        })),
        Rule::facility_cond => Ok(Cond::Facility(if p.into_inner().as_str() == "clinic" {
            FacilityKind::Clinic
        } else {
            FacilityKind::Hospital
        })),
        Rule::standard_cond => Ok(Cond::Standard(int(&p.into_inner().next().expect("int"))?)),
        Rule::disease_cond => Ok(Cond::DiseaseSpecific(int(&p
            .into_inner()
            .next()
            .expect("int"))?)),
        Rule::comment_cond => Ok(Cond::Comment(code(&p.into_inner().next().expect("code")))),
        Rule::billed_cond => {
            let mut i = p.into_inner();
            let set = item_set(i.next().expect("items"))?;
            Ok(Cond::Billed(set, window(&i.next().expect("window"))))
        }
        other => Err(err(&p, format!("unexpected {other:?}"))),
    }
}

fn cmp(p: &Pair<'_, Rule>) -> Cmp {
    match p.as_str() {
        "<" => Cmp::Lt,
        "<=" => Cmp::Le,
        "==" => Cmp::Eq,
        "!=" => Cmp::Ne,
        ">=" => Cmp::Ge,
        _ => Cmp::Gt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair's line and column from the line index equal pest's own count from the start
    /// of the text (which `span` used before), Japanese comments and CRLF line ends included.
    #[test]
    fn span_line_col_equals_counting_from_the_start() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/r2026-06");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let first = std::fs::read_to_string(&files[0]).unwrap();
        let crlf = first.replace('\n', "\r\n");
        let mut checked = 0;
        for text in [first.as_str(), crlf.as_str()] {
            let pairs = RulesParser::parse(Rule::file, text).unwrap();
            for p in pairs.flatten() {
                let s = span(&p);
                assert_eq!((s.line, s.col), p.as_span().start_pos().line_col(), "{p:?}");
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked} pairs");
    }
}
