//! The 医科電子点数表 compiled into the same rules as the hand-written files: 02 包括 (via 01's
//! 包括単位 and グループ), 03-1..03-4 背反, 04 入院基本料 (via 01's 入院基本料識別), 05 算定回数.
//! 特例条件 = 1 and 背反区分 3 become warnings, never silent drops. Rows whose unit cannot be
//! evaluated on a claim (一連, 入院初日, 退院時, 手術当り …) are counted in the report's `skipped`.
//!
//! 04 (活用手引き 3(4) and 付表4): an 入院料 whose 01 入院基本料識別 is group G may carry the 入院基本料等
//! 加算 of G's rows; additions of G with the same 加算識別 are not billed together. Compiled per group:
//! - `etensu.04.G.other`: an addition of any group but not of G, on a day with an 入院料 of G, is not
//!   billed (背反, keep the 入院料; e.g. A200 注 「総合入院体制加算を算定できるものを現に算定している
//!   患者に限る」). G's membership is taken over every dated row of G, so a row's dates never make
//!   santei drop a line the table allows on some date.
//! - `etensu.04.G.K`: two additions of G with 加算識別 K on a day with an 入院料 of G warn (背反区分 3
//!   style: santei cannot know which one the claim meant).

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
        133 => Period::Admission,
        132 => return Err("入院初日 (needs the day to be the 入院日; not checked)"),
        134 => return Err("退院時 (needs the discharge)"),
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
                    only_with: None,
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
    admission_groups(et, &mut out);
    let mut skipped: Vec<(String, usize)> = skipped.into_iter().collect();
    skipped.sort();
    (out, skipped)
}

/// 04 入院基本料テーブル: per group, the additions of other groups are not billed with its 入院料,
/// and its additions of one 加算識別 are not billed together (see the module comment).
fn admission_groups(et: &Etensu, out: &mut Vec<CompiledRule>) {
    let rows = et.admission_additions_all();
    if rows.is_empty() {
        return;
    }
    let universe: Vec<u32> = rows.iter().map(|r| r.code.0).collect();
    let universe = CodeSet::from_vec(universe);
    // The 入院料 of each group (01 入院基本料識別), with their validity.
    let mut fees: FxHashMap<u16, (Vec<u32>, Date, Date)> = FxHashMap::default();
    for aux in et.aux_rows() {
        if aux.admission_group == 0 {
            continue;
        }
        let e = fees
            .entry(aux.admission_group)
            .or_insert((Vec::new(), Date::MAX, Date::MIN));
        e.0.push(aux.code.0);
        e.1 = e.1.min(aux.established_on);
        e.2 = e.2.max(end(aux.abolished_on));
    }
    for group in et.admission_groups() {
        let Some((codes, from, to)) = fees.get(&group) else {
            continue;
        };
        let fee_set = CodeSet::from_vec(codes.clone());
        let members = et.admission_additions(group);
        let mine: FxHashSet<u32> = members.iter().map(|r| r.code.0).collect();
        let others: Vec<u32> = universe
            .codes()
            .iter()
            .copied()
            .filter(|c| !mine.contains(c) && !fee_set.contains(*c))
            .collect();
        let fee_names = codes
            .iter()
            .take(3)
            .filter_map(|&c| et.aux(santei_masters::Code(c)))
            .map(|a| format!("{:09} {}", a.code.0, a.name))
            .collect::<Vec<_>>()
            .join(", ");
        let more = if codes.len() > 3 {
            format!(" and {} more", codes.len() - 3)
        } else {
            String::new()
        };
        if !others.is_empty() {
            out.push(CompiledRule {
                id: format!("etensu.04.{group:03}.other"),
                title: None,
                kind: RuleKind::Exclusion,
                citation: format!(
                    "医科電子点数表 04 入院基本料テーブル: グループ {group:03} ({fee_names}{more}) — \
                     入院基本料等加算 not in the group are not billed with its 入院料 \
                     (活用手引き 3(4), 付表4)"
                ),
                origin: RuleOrigin::Etensu {
                    table: "04",
                    line: 0,
                },
                valid_from: *from,
                valid_to: *to,
                special: false,
                body: Body::Exclusion {
                    first: fee_set.clone(),
                    second: CodeSet::from_vec(others),
                    window: Window::Day,
                    keep: Keep::First,
                    only_with: None,
                },
            });
        }
        let mut kinds: Vec<u8> = members.iter().map(|r| r.addition_kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            let same: Vec<&santei_masters::etensu::AdmissionAdditionRow> =
                members.iter().filter(|r| r.addition_kind == kind).collect();
            let codes: Vec<u32> = same.iter().map(|r| r.code.0).collect();
            let set = CodeSet::from_vec(codes);
            if set.len() < 2 {
                continue;
            }
            let names = same
                .iter()
                .take(4)
                .map(|r| format!("{:09} {}", r.code.0, r.name))
                .collect::<Vec<_>>()
                .join(", ");
            let kind_from = same.iter().map(|r| r.established_on).min().unwrap_or(*from);
            out.push(CompiledRule {
                id: format!("etensu.04.{group:03}.{kind}"),
                title: None,
                kind: RuleKind::Exclusion,
                citation: format!(
                    "医科電子点数表 04 入院基本料テーブル: グループ {group:03} 加算識別 {kind} ({names}{}) — \
                     併算定不可 with an 入院料 of the group ({fee_names}{more}) (活用手引き 3(4), 付表4)",
                    if same.len() > 4 { ", …" } else { "" }
                ),
                origin: RuleOrigin::Etensu {
                    table: "04",
                    line: 0,
                },
                valid_from: kind_from.max(*from),
                valid_to: *to,
                special: false,
                body: Body::Exclusion {
                    first: set.clone(),
                    second: set,
                    window: Window::Day,
                    keep: Keep::Either,
                    only_with: Some(fee_set.clone()),
                },
            });
        }
    }
}
