//! The formatter (`santei rules fmt`): one canonical layout, whose output parses back to the same
//! tree. [`format_source`] keeps the comments at the top of the file and the comment block above
//! each rule; comments inside a rule are refused (move them above it, or into a `note`).

use std::fmt::Write;

use crate::ast::*;

/// Formats a file keeping its comments (see the module doc).
pub fn format_source(f: &File, text: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let is_comment = |l: &str| l.trim_start().starts_with('#');
    // Comments inside a rule block are not kept: refuse rather than lose them.
    for r in &f.rules {
        let end = text[..r.span.end.min(text.len())].lines().count();
        for (i, l) in lines.iter().enumerate().take(end).skip(r.span.line) {
            if l.contains('#')
                && !l.trim_start().starts_with("cite")
                && !l.trim_start().starts_with("note")
                && is_comment_part(l)
            {
                return Err(format!(
                    "line {}: a comment inside rule `{}` would be lost; move it above the rule or into a `note`",
                    i + 1,
                    r.id
                ));
            }
        }
    }
    let block_above = |line: usize| -> Vec<&str> {
        let mut v = Vec::new();
        let mut i = line.saturating_sub(1);
        while i > 0 && is_comment(lines[i - 1]) {
            v.push(lines[i - 1].trim_start());
            i -= 1;
        }
        v.reverse();
        v
    };
    let first_code_line = f
        .revision
        .as_ref()
        .map(|(_, s)| s.line)
        .or_else(|| f.rules.first().map(|r| r.span.line))
        .unwrap_or(lines.len() + 1);
    let mut header: Vec<&str> = lines
        .iter()
        .take(first_code_line.saturating_sub(1))
        .filter(|l| is_comment(l))
        .map(|l| l.trim_start())
        .collect();
    if f.revision.is_none() {
        header.clear();
    }
    let body = format_file(f);
    let mut out = String::new();
    for h in &header {
        out.push_str(h);
        out.push('\n');
    }
    let mut rule_iter = f.rules.iter();
    for chunk in body.split_inclusive('\n') {
        if chunk.starts_with("rule ") {
            if let Some(r) = rule_iter.next() {
                for c in block_above(r.span.line) {
                    if !(f.revision.is_none() && header.contains(&c)) {
                        out.push_str(c);
                        out.push('\n');
                    }
                }
            }
        }
        out.push_str(chunk);
    }
    Ok(out)
}

/// True when `#` starts a comment on this line (not inside a string).
fn is_comment_part(l: &str) -> bool {
    let mut in_str = false;
    for c in l.chars() {
        match c {
            '"' => in_str = !in_str,
            '#' if !in_str => return true,
            _ => {}
        }
    }
    false
}

/// The canonical layout, without comments.
pub fn format_file(f: &File) -> String {
    let mut out = String::new();
    if let Some((rev, _)) = &f.revision {
        let _ = writeln!(out, "revision {rev}");
    }
    for r in &f.rules {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = write!(out, "rule {}", r.id);
        if let Some(t) = &r.title {
            let _ = write!(out, " {}", quote(t));
        }
        out.push_str(" {\n");
        for c in &r.clauses {
            out.push_str("    ");
            clause(&mut out, c);
            out.push('\n');
        }
        out.push_str("}\n");
    }
    out
}

fn quote(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn clause(out: &mut String, c: &Clause) {
    match c {
        Clause::Kind(k, _) => {
            let _ = write!(out, "kind     {}", k.keyword());
        }
        Clause::Cite(s, _) => {
            let _ = write!(out, "cite     {}", quote(s));
        }
        Clause::Note(s, _) => {
            let _ = write!(out, "note     {}", quote(s));
        }
        Clause::Valid(a, b, _) => {
            let _ = write!(
                out,
                "valid    {}..{}",
                a.map(|d| format!("{d} ")).unwrap_or_default(),
                b.map(|d| format!(" {d}")).unwrap_or_default()
            );
        }
        Clause::Items(s) => set(out, "items   ", s),
        Clause::First(s) => set(out, "first   ", s),
        Clause::Second(s) => set(out, "second  ", s),
        Clause::Parent(s) => set(out, "parent  ", s),
        Clause::Children(s) => set(out, "children", s),
        Clause::Within(w, _) => {
            let _ = write!(out, "within   {}", w.keyword());
        }
        Clause::Keep(k, _) => {
            let _ = write!(out, "keep     {}", k.keyword());
        }
        Clause::Max(n, p, _) => {
            let _ = write!(out, "max      {n} per {}", period(*p));
        }
        Clause::Require(c, _) => {
            out.push_str("require  ");
            cond(out, c, 0);
        }
        Clause::When(c, _) => {
            out.push_str("when     ");
            cond(out, c, 0);
        }
        Clause::Add(c) => {
            let _ = write!(out, "add      {:09}", c.code);
        }
        Clause::Special(_) => out.push_str("special"),
    }
}

fn period(p: Period) -> String {
    let (n, unit) = match p {
        Period::Days(n) => (n, "day"),
        Period::Weeks(n) => (n, "week"),
        Period::Months(n) => (n, "month"),
        Period::Years(n) => (n, "year"),
        Period::Patient => return "patient".into(),
        Period::Admission => return "admission".into(),
        Period::FirstVisit => return "first_visit".into(),
    };
    if n == 1 {
        unit.to_string()
    } else {
        format!("{n} {unit}s")
    }
}

fn set(out: &mut String, kw: &str, s: &ItemSet) {
    let _ = write!(out, "{kw} ");
    let sel = |out: &mut String, v: &[Selector]| {
        for (i, x) in v.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match x {
                Selector::Codes(cs) => {
                    out.push_str("code");
                    for c in cs {
                        let _ = write!(out, " {:09}", c.code);
                    }
                }
                Selector::Kubun(k, _) => {
                    let _ = write!(out, "kubun {k}");
                }
                Selector::KubunRange(a, b, _) => {
                    let _ = write!(out, "kubun {a} .. {b}");
                }
                Selector::BundleGroup(g, _) => {
                    let _ = write!(out, "bundle_group {g}");
                }
                Selector::JudgementGroup(g, _) => {
                    let _ = write!(out, "judgement_group {g}");
                }
            }
        }
    };
    sel(out, &s.include);
    if !s.except.is_empty() {
        out.push_str(" except ");
        sel(out, &s.except);
    }
}

/// Precedence: or 0, and 1, not/atoms 2. Parenthesise when a child binds looser than its place.
fn cond(out: &mut String, c: &Cond, ctx: u8) {
    match c {
        Cond::Or(v) => {
            if ctx > 0 {
                out.push('(');
            }
            for (i, x) in v.iter().enumerate() {
                if i > 0 {
                    out.push_str(" or ");
                }
                cond(out, x, 1);
            }
            if ctx > 0 {
                out.push(')');
            }
        }
        Cond::And(v) => {
            if ctx > 1 {
                out.push('(');
            }
            for (i, x) in v.iter().enumerate() {
                if i > 0 {
                    out.push_str(" and ");
                }
                cond(out, x, 2);
            }
            if ctx > 1 {
                out.push(')');
            }
        }
        Cond::Not(x) => {
            out.push_str("not ");
            cond(out, x, 2);
        }
        Cond::Age(o, n) => {
            let _ = write!(out, "age {} {n}", o.symbol());
        }
        Cond::Sex(s) => out.push_str(if *s == Sex::Male {
            "sex male"
        } else {
            "sex female"
        }),
        Cond::Setting(s) => out.push_str(if *s == Setting::Outpatient {
            "setting outpatient"
        } else {
            "setting inpatient"
        }),
        Cond::Facility(f) => out.push_str(if *f == FacilityKind::Clinic {
            "facility clinic"
        } else {
            "facility hospital"
        }),
        Cond::Standard(n) => {
            let _ = write!(out, "standard {n}");
        }
        Cond::Beds(o, n) => {
            let _ = write!(out, "beds {} {n}", o.symbol());
        }
        Cond::Billed(s, w) => {
            let mut inner = String::new();
            set(&mut inner, "billed", s);
            let _ = write!(out, "{} within {}", inner, w.keyword());
        }
        Cond::DiseaseSpecific(n) => {
            let _ = write!(out, "disease specific {n}");
        }
        Cond::Comment(c) => {
            let _ = write!(out, "comment {:09}", c.code);
        }
        Cond::Quantity(o, n) => {
            let _ = write!(out, "quantity {} {n}", o.symbol());
        }
    }
}
