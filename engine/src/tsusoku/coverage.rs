//! The coverage report of the 通則 additions: for each 部 of 第2章 that has them, every %加算/%減算
//! row (点数識別 5/6) and every 通則 row (コード表用番号 区分番号 000 with 告示等識別区分（２） 7 加算) of the
//! 医科診療行為マスター valid on a date, and what santei does with it. `santei masters tsusoku`
//! prints it; docs/TSUSOKU.md is its r06 output.

use santei_masters::{Date, MasterSet, Procedure};

use super::{gazou, kensa, masui, shochi, shujutsu};

/// What santei does with a 通則 or % row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Handling {
    /// Derived by engine/src/tsusoku/ from the claim's facts; the string names the 通則.
    Derived(&'static str),
    /// Derived through the master's 年齢加算 links (項番100–111) of its base items.
    DerivedByAgeLink,
    /// Billed when claimed (with its gates), never added by santei.
    ClaimedOnly,
}

/// One row of the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    /// コード表用番号 部 (項番91): 03 検査, 04 画像診断, 06 注射, 07 リハビリテーション, 09 処置, 10 手術,
    /// 11 麻酔.
    pub part: &'static str,
    pub code: u32,
    pub name: String,
    /// 点数識別 (項番11): 3 点数, 5 %加算, 6 %減算.
    pub point_kind: u8,
    pub points: String,
    pub handling: Handling,
}

/// The 部 the report covers, with their names.
pub const PARTS: [(&str, &str); 7] = [
    ("03", "検査"),
    ("04", "画像診断"),
    ("06", "注射"),
    ("07", "リハビリテーション"),
    ("09", "処置"),
    ("10", "手術"),
    ("11", "麻酔"),
];

/// 150306890 極低出生体重児加算（手術） (通則7: 手術時体重 1,500g未満, at any age).
pub const LOW_BIRTH_WEIGHT_SURGERY: u32 = shujutsu::LOW_BIRTH_WEIGHT;

/// The codes engine/src/tsusoku/ derives, with the 通則 each belongs to.
pub fn derived_codes() -> Vec<(u32, &'static str)> {
    let mut v: Vec<(u32, &'static str)> = Vec::new();
    v.push((shujutsu::LOW_BIRTH_WEIGHT, "手術 通則7"));
    v.push((shujutsu::NEWBORN, "手術 通則7"));
    v.extend(shujutsu::INFANT_CHILD.iter().map(|&c| (c, "手術 通則8")));
    v.extend(
        shujutsu::TIME_1
            .iter()
            .chain(&shujutsu::TIME_2)
            .map(|&c| (c, "手術 通則12")),
    );
    v.extend(
        shochi::TIME_1
            .iter()
            .chain(&shochi::TIME_2)
            .map(|&c| (c, "処置 通則5")),
    );
    v.push((masui::PREMATURE, "麻酔 通則2"));
    v.extend(masui::BY_AGE.iter().map(|&c| (c, "麻酔 通則2")));
    v.extend(masui::TIME.iter().map(|&c| (c, "麻酔 通則3")));
    v.extend(kensa::TIME.iter().map(|&c| (c, "内視鏡検査 通則5")));
    v.push((
        kensa::URGENT_TEST,
        "検体検査 通則1 (時間外緊急院内検査加算)",
    ));
    v.push((
        gazou::URGENT_IMAGING,
        "画像診断 通則3 (時間外緊急院内画像診断加算)",
    ));
    v
}

fn in_scope(r: &Procedure) -> Option<&'static str> {
    if r.code_table_chapter.as_str() != "2" {
        return None;
    }
    let part = PARTS
        .iter()
        .find(|(p, _)| *p == r.code_table_part.as_str())?
        .0;
    let percent = matches!(r.point_kind, 5 | 6);
    // 区分番号 000 holds both the 通則 rows and the items of 区分 000 (J000, K000 …); the 通則 rows
    // are additions: 告示等識別区分（２） (項番69) 7.
    let general = r.code_table_section.as_str() == "000"
        && r.point_kind == 3
        && r.notice_kind_2.as_char() == '7';
    (percent || general).then_some(part)
}

/// The report for the rows of `set` valid on `date`, ordered by 部 and code.
pub fn report(set: &MasterSet, date: Date) -> Vec<Row> {
    let derived = derived_codes();
    let mut linked = rustc_hash::FxHashSet::default();
    for (_, v) in set.procedures.iter() {
        let r = &v.record;
        if !v.is_valid_on(date) {
            continue;
        }
        for c in [
            r.age_addition_1_code,
            r.age_addition_2_code,
            r.age_addition_3_code,
            r.age_addition_4_code,
        ] {
            if c.0 != 0 {
                linked.insert(c.0);
            }
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    for (code, v) in set.procedures.iter() {
        if !v.is_valid_on(date) {
            continue;
        }
        let r = &v.record;
        let Some(part) = in_scope(r) else { continue };
        let handling = match derived.iter().find(|(c, _)| *c == code) {
            Some((_, t)) => Handling::Derived(t),
            None if linked.contains(&code) => Handling::DerivedByAgeLink,
            None => Handling::ClaimedOnly,
        };
        rows.push(Row {
            part,
            code,
            name: r.abbr_name.as_str().to_string(),
            point_kind: r.point_kind,
            points: r.points.to_string(),
            handling,
        });
    }
    rows.sort_by_key(|r| (r.part, r.code));
    rows
}

/// Per 部: (rows, derived by tsusoku, derived by age link).
pub fn summary(rows: &[Row]) -> Vec<(&'static str, usize, usize, usize)> {
    PARTS
        .iter()
        .map(|(p, _)| {
            let of: Vec<&Row> = rows.iter().filter(|r| r.part == *p).collect();
            let d = of
                .iter()
                .filter(|r| matches!(r.handling, Handling::Derived(_)))
                .count();
            let l = of
                .iter()
                .filter(|r| r.handling == Handling::DerivedByAgeLink)
                .count();
            (*p, of.len(), d, l)
        })
        .collect()
}
