//! The formatter (`santei rules fmt`): one canonical layout, whose output parses back to the same
//! tree. Comments are not kept (the tree has none); the CLI refuses to rewrite a file whose
//! comments would be lost unless asked.

use std::fmt::Write;

use crate::ast::*;

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
