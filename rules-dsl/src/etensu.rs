//! The 医科電子点数表 compiled into the same rules as the hand-written files: 02 包括 (via 01's
//! 包括単位 and グループ), 03-1..03-4 背反, 05 算定回数. 特例条件 = 1 and 背反区分 3 become warnings,
//! never silent drops. Rows whose unit cannot be evaluated on a claim (一連, 入院中, 手術当り …) and
//! table 04 (入院基本料 加算, 入院 only) are counted in the report's `skipped`.

use rustc_hash::{FxHashMap, FxHashSet};
use santei_masters::Date;
use santei_masters::etensu::{Etensu, ExclusionKind, ExclusionWindow};

use crate::ast::{Keep, Period, RuleKind, Window};
use crate::compile::{Body, CodeSet, CompiledRule, RuleOrigin};

fn end(d: santei_masters::EndDate) -> Date {
    d.last_day()
}

fn table_id(w: ExclusionWindow) -> (&'static str, &'static str, Window) {
    match w {
        ExclusionWindow::SameDay => ("03-1", "背反（1日につき）", Window::Day),
        ExclusionWindow::SameMonth => ("03-2", "背反（同一月内）", Window::Month),
        ExclusionWindow::Simultaneous => ("03-3", "背反（同時）", Window::Claim),
        ExclusionWindow::SameWeek => ("03-4", "背反（1週間につき）", Window::Week),
    }
}

/// The period of a 算定単位コード (付表1), `None` when a claim cannot show it.
pub fn period_of_unit(unit: u16) -> Result<Period, &'static str> {
    Ok(match unit {
        121 => Period::Days(1),
        138 => Period::Weeks(1),
        142 => Period::Weeks(2),
        131 => Period::Months(1),
        143 => Period::Months(2),
        144 => Period::Months(3),
        145 => Period::Months(4),
        146 => Period::Months(6),
        147 => Period::Months(12),
        161 => Period::Years(2),
        148 => Period::Years(5),
        53 => Period::Patient,
        159 => Period::FirstVisit,
        132..=134 => return Err("入院初日・入院中・退院時 (入院 only)"),
        141 => return Err("一連 (needs the course of treatment)"),
        162 => return Err("年度"),
        135 => return Err("初回"),
        _ => return Err("per quantity unit (手術当り, 検査当り, 部位, 肢 …): a quantity limit"),
    })
}

/// Compiles the loaded tables; returns the rules and the skipped-row counts by reason.
pub fn compile_etensu(et: &Etensu) -> (Vec<CompiledRule>, Vec<(String, usize)>) {
    let mut out = Vec::new();
    let mut skipped: FxHashMap<String, usize> = FxHashMap::default();

    // 03-x 背反: every pair is stored both ways; keep one direction of each mirrored pair.
    for w in ExclusionWindow::ALL {
        let (tid, tname, window) = table_id(w);
        let rows = et.exclusions(w);
        let present: FxHashSet<(u32, u32)> = rows.iter().map(|r| (r.code1.0, r.code2.0)).collect();
        for (i, r) in rows.iter().enumerate() {
            let (a, b) = (r.code1.0, r.code2.0);
            if a > b && present.contains(&(b, a)) {
                continue;
            }
            let keep = match r.kind {
                ExclusionKind::KeepFirst => Keep::First,
                ExclusionKind::KeepSecond => Keep::Second,
                ExclusionKind::EitherOne => Keep::Either,
            };
            out.push(CompiledRule {
                id: format!("etensu.{tid}.{a:09}.{b:09}"),
                title: None,
                kind: RuleKind::Exclusion,
                citation: format!(
                    "医科電子点数表 {tid} {tname}: {a:09} {} × {b:09} {}, 背反区分 {}{} (新設 {})",
                    r.name1,
                    r.name2,
                    r.kind as u8,
                    if r.special_condition {
                        ", 特例条件あり"
                    } else {
                        ""
                    },
                    r.established_on
                ),
                origin: RuleOrigin::Etensu {
                    table: tid,
                    line: i + 1,
                },
                valid_from: r.established_on,
                valid_to: end(r.abolished_on),
                special: r.special_condition,
                body: Body::Exclusion {
                    first: CodeSet::one(a),
                    second: CodeSet::one(b),
                    window,
                    keep,
                },
            });
        }
    }

    // 01 + 02 包括: a row with (包括単位, グループ) includes the group's 02 rows.
    for aux in et.aux_rows() {
        for link in aux.inclusions() {
            let window = match link.unit {
                1 => Window::Day,
                2 => Window::Month,
                3 => Window::Claim,
                5 | 6 => {
                    *skipped
                        .entry("02 包括単位 5/6 (手術前1週間, 1手術につき)".into())
                        .or_default() += 1;
                    continue;
                }
                _ => {
                    *skipped.entry("02 包括単位 unknown".into()).or_default() += 1;
                    continue;
                }
            };
            let rows = et.inclusions_of_group(link.group);
            if rows.is_empty() {
                if !et.has_table(santei_masters::etensu::EtensuTable::Inclusion) {
                    *skipped
                        .entry("01 包括 links whose 02 table is absent".into())
                        .or_default() += 1;
                }
                continue;
            }
            for special in [false, true] {
                let children: Vec<u32> = rows
                    .iter()
                    .filter(|r| r.special_condition == special && r.code != aux.code)
                    .map(|r| r.code.0)
                    .collect();
                if children.is_empty() {
                    continue;
                }
                out.push(CompiledRule {
                    id: format!(
                        "etensu.02.{:09}.{}{}",
                        aux.code.0,
                        link.group.as_str(),
                        if special { ".special" } else { "" }
                    ),
                    title: None,
                    kind: RuleKind::Inclusion,
                    citation: format!(
                        "医科電子点数表 01/02 包括: {:09} {} グループ {} (包括単位 {}){}",
                        aux.code.0,
                        aux.name,
                        link.group.as_str(),
                        link.unit,
                        if special { ", 特例条件あり" } else { "" }
                    ),
                    origin: RuleOrigin::Etensu {
                        table: "02",
                        line: 0,
                    },
                    valid_from: aux.established_on,
                    valid_to: end(aux.abolished_on),
                    special,
                    body: Body::Inclusion {
                        parent: CodeSet::one(aux.code.0),
                        children: CodeSet::from_vec(children),
                        window,
                    },
                });
            }
        }
    }

    // 05 算定回数
    for (i, r) in et.count_limits_all().iter().enumerate() {
        let per = match period_of_unit(r.unit_code) {
            Ok(p) => p,
            Err(why) => {
                *skipped
                    .entry(format!(
                        "05 算定単位 {} {}: {why}",
                        r.unit_code, r.unit_name
                    ))
                    .or_default() += 1;
                continue;
            }
        };
        out.push(CompiledRule {
            id: format!("etensu.05.{:09}.{}", r.code.0, r.unit_code),
            title: None,
            kind: RuleKind::Limit,
            citation: format!(
                "医科電子点数表 05 算定回数: {:09} {} {}回/{}{} (新設 {})",
                r.code.0,
                r.name,
                r.count,
                r.unit_name,
                if r.special_condition {
                    ", 特例条件あり"
                } else {
                    ""
                },
                r.established_on
            ),
            origin: RuleOrigin::Etensu {
                table: "05",
                line: i + 1,
            },
            valid_from: r.established_on,
            valid_to: end(r.abolished_on),
            special: r.special_condition,
            body: Body::Limit {
                items: CodeSet::one(r.code.0),
                max: u32::from(r.count),
                per,
            },
        });
    }
    let n04 = et.admission_additions_all().len();
    if n04 > 0 {
        skipped.insert("04 入院基本料 加算 (入院 only)".into(), n04);
    }
    let mut skipped: Vec<(String, usize)> = skipped.into_iter().collect();
    skipped.sort();
    (out, skipped)
}
