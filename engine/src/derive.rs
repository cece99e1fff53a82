//! The decisions behind the lines santei derives (外来管理加算, 年齢加算, 時間外等加算, 判断料), as
//! plain functions of master rows, shared by the claim engine (which adds the lines) and the UKE
//! recalculation (which checks that a receipt bills them as the law says). Each decision cites its
//! source; the finding ids are those of `rules.rs`.

use crate::age;
use crate::claim::TimeCategory;
use crate::masters::{AgeCode, Code, Date, Procedure};
use crate::prepared::Prepared;

/// The source of the 時間外等加算 of 初診料, 再診料 and 外来診療料.
pub const CITE_TIME_ADDITION: &str = "告示 A000 注7・注8 (r06 kokuji_ika.txt l.168–180), A001 注5・注6 (l.238–), A002 注8・注9 (l.395–); 医科診療行為マスター 項番43 時間加算区分";

/// The source of the 年齢加算 (乳幼児加算 and the other age 注加算 linked in the master).
pub const CITE_AGE_ADDITION: &str = "告示 各区分の注 (乳幼児加算: A000 注6 (r06 kokuji_ika.txt l.165), A001 注4 (l.235), A002 注7 (l.391); 第2章 各部 通則の年齢加算); 医科診療行為マスター 項番100–111 年齢加算";

/// An item that blocks 外来管理加算 on its day (外来管理加算区分 1, 項番56): 告示 A001 注8 「処置,
/// リハビリテーション等 … を行わずに」.
pub fn blocks_outpatient_management(rec: &Procedure) -> bool {
    rec.outpatient_management == 1
}

/// A 外来管理加算 itself (外来管理加算区分 2).
pub fn is_outpatient_management(rec: &Procedure) -> bool {
    rec.outpatient_management == 2
}

/// The item 外来管理加算 is added to: 再診料 (告示 A001 注8 「…再診料を算定する場合に…加算する」) — a
/// row of 区分 A001 (コード表用番号 項番85/87) that is a base item, not an addition (注加算通番 0,
/// 項番39; 告示等識別区分（２） not 7 加算, 項番69) and does not itself block 外来管理加算 (外来管理
/// 加算区分 0, 項番56).
pub fn takes_outpatient_management(rec: &Procedure) -> bool {
    // The one-byte test first: it answers most rows.
    rec.outpatient_management == 0
        && rec.code_table_alpha.as_str() == "A"
        && rec.code_table_section.as_str() == "001"
        && rec.addition_serial.as_char() == '0'
        && rec.notice_kind_2.as_char() != '7'
}

/// The first item of a day that blocks 外来管理加算 (告示 A001 注8), if any.
pub fn outpatient_management_blocker<'a>(
    day: impl IntoIterator<Item = &'a Procedure>,
) -> Option<&'a Procedure> {
    day.into_iter().find(|r| blocks_outpatient_management(r))
}

/// The 検査等実施判断グループ区分 of a 判断料 (検査等実施判断区分 2, 項番50/51): billed once a month
/// per group (告示 D026 注1 「各区分ごとに月1回に限り算定する」).
pub fn judgement_fee_group(rec: &Procedure) -> Option<u8> {
    (rec.test_judgement == 2 && rec.test_judgement_group != 0).then_some(rec.test_judgement_group)
}

/// The group of a test that calls for a 判断料 (検査等実施判断区分 1).
pub fn judged_test_group(rec: &Procedure) -> Option<u8> {
    (rec.test_judgement == 1 && rec.test_judgement_group != 0).then_some(rec.test_judgement_group)
}

/// The 年齢加算 links (項番100–111) of `base` that apply to a patient born `birth` on `date`:
/// (下限年齢, 上限年齢, 加算コード).
pub fn due_age_additions(
    base: &Procedure,
    birth: Date,
    date: Date,
) -> impl Iterator<Item = (AgeCode, AgeCode, Code)> + '_ {
    due_age_additions_by(base, move |min, max| age::in_range(birth, date, min, max))
}

/// [`due_age_additions`] with the patient's age test given (`in_range(下限年齢, 上限年齢)`), for a
/// caller that asks it of many items on one day and remembers the answers.
pub fn due_age_additions_by<'a>(
    base: &'a Procedure,
    in_range: impl Fn(AgeCode, AgeCode) -> bool + 'a,
) -> impl Iterator<Item = (AgeCode, AgeCode, Code)> + 'a {
    base.age_additions()
        .filter(move |&(min, max, _)| in_range(min, max))
}

/// Whether a 時間外等加算 of this 時間加算区分 replaces the 乳幼児加算 of its base (告示 A000 注6,
/// A001 注4, A002 注6: 「注7（注5, 注8）又は注8（注6, 注9）に規定する加算を算定する場合は算定しない」).
pub fn time_addition_replaces_infant(time_addition: &Procedure) -> bool {
    matches!(time_addition.time_addition, 1..=5 | 7)
}

/// The 区分 whose 時間外等加算 santei derives: 初診料, 再診料, 外来診療料.
const TIME_KUBUN: [&str; 3] = ["A000", "A001", "A002"];

/// `A000`, `A001` or `A002` when the row's コード表用番号 is in one of them (no allocation: this runs
/// on every SI line of a UKE file).
fn basic_kubun(rec: &Procedure) -> Option<&'static str> {
    if rec.code_table_alpha.as_str() != "A" {
        return None;
    }
    match rec.code_table_section.as_str() {
        "000" => Some(TIME_KUBUN[0]),
        "001" => Some(TIME_KUBUN[1]),
        "002" => Some(TIME_KUBUN[2]),
        _ => None,
    }
}

/// The コード表 区分 (`A000`, `A001`, `A002`) of a base item that takes a 時間外等加算 (時間加算区分
/// 1 or 3, 注加算通番 0), if it is one.
pub fn time_addition_base(base: &Procedure) -> Option<&'static str> {
    if !matches!(base.time_addition, 1 | 3) || base.addition_serial.as_char() != '0' {
        return None;
    }
    basic_kubun(base)
}

/// The 時間加算区分 (項番43) values of a visit's time category, and whether it is a 小児科 (注8,
/// 注6, 注9) category.
pub fn time_kinds(time: TimeCategory) -> Option<(&'static [u8], bool)> {
    Some(match time {
        TimeCategory::Regular => return None,
        TimeCategory::Overtime => (&[1], false),
        TimeCategory::Holiday => (&[2, 3], false),
        TimeCategory::LateNight => (&[4], false),
        TimeCategory::OvertimeSpecial => (&[5], false),
        TimeCategory::NightEarlyMorning => (&[6], false),
        TimeCategory::PediatricNight => (&[7], true),
        TimeCategory::PediatricHoliday => (&[2, 3], true),
        TimeCategory::PediatricLateNight => (&[4], true),
    })
}

/// The time categories a claimed 時間外等加算 of 時間加算区分 `kind` may stand for.
pub fn time_categories_of(kind: u8) -> &'static [TimeCategory] {
    match kind {
        1 => &[TimeCategory::Overtime],
        2 | 3 => &[TimeCategory::Holiday, TimeCategory::PediatricHoliday],
        4 => &[TimeCategory::LateNight, TimeCategory::PediatricLateNight],
        5 => &[TimeCategory::OvertimeSpecial],
        6 => &[TimeCategory::NightEarlyMorning],
        7 => &[TimeCategory::PediatricNight],
        _ => &[],
    }
}

/// The 時間外等加算 of `base` (初診料, 再診料, 外来診療料) for a visit of `time` on `date`: among the
/// revision's 加算 of the base's 区分 with a matching 時間加算区分 that `billable` accepts (the
/// master gates for the patient and facility), the 乳幼児 variant when the patient is in its age
/// range, and for the 小児科 categories the later 項番 of the 区分 (告示 A000 注8, A001 注6, A002
/// 注9). `None` when the base takes no such 加算 or none can be billed.
pub fn choose_time_addition<'a>(
    p: &'a Prepared,
    base: &Procedure,
    date: Date,
    time: TimeCategory,
    billable: impl Fn(&Procedure) -> bool,
) -> Option<&'a Procedure> {
    let (kinds, pediatric) = time_kinds(time)?;
    let key = time_addition_base(base)?;
    let codes = p.time_additions.get(key)?;
    let mut cands: smallvec::SmallVec<[&'a Procedure; 8]> = codes
        .iter()
        .filter_map(|&c| p.set.procedures.get(c, date))
        .filter(|r| kinds.contains(&r.time_addition) && r.aggregation_outpatient != 0)
        .filter(|r| billable(r))
        .collect();
    // 乳幼児 variants (with an age range) take precedence when the patient is in range.
    if cands
        .iter()
        .any(|r| !(r.min_age.is_none() && r.max_age.is_none()))
    {
        cands.retain(|r| !(r.min_age.is_none() && r.max_age.is_none()));
    }
    // 小児科 (A000 注8, A001 注6, A002 注9) is the later 項番 of the same 区分.
    cands.sort_by(|a, b| {
        a.code_table_item
            .as_str()
            .cmp(b.code_table_item.as_str())
            .then(a.code.cmp(&b.code))
    });
    if pediatric {
        cands.last()
    } else {
        cands.first()
    }
    .copied()
}

/// Whether `rec` is one of the revision's 時間外等加算 of A000, A001 or A002 (the 区分 whose 加算
/// santei derives; the 加算 of other 区分, such as B001-2 小児科外来診療料's, are not judged): its 区分.
pub fn is_time_addition(p: &Prepared, rec: &Procedure) -> Option<&'static str> {
    if rec.time_addition == 0 || rec.notice_kind_2.as_char() != '7' {
        return None;
    }
    let key = basic_kubun(rec)?;
    p.time_additions
        .get(key)
        .is_some_and(|c| c.contains(&rec.code.0))
        .then_some(key)
}

/// The decisions on rows of the official r06 医科診療行為マスター (../shared).
#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: u32) -> &'static Procedure {
        let set = &crate::test_masters::r06().set;
        set.procedures
            .get(code, Date::parse_iso("2024-07-01").unwrap())
            .unwrap()
    }

    #[test]
    fn outpatient_management_goes_with_the_revisit_fee_only() {
        // 再診料 (A001, 通番 0, 外来管理加算区分 0) takes it; 外来管理加算 itself (区分 2), the
        // 乳幼児加算（再診） (注加算通番 1), 初診料 (A000) and 創傷処置 (区分 1, blocks it) do not.
        assert!(takes_outpatient_management(row(112_007_410)));
        for code in [112_011_010, 112_000_970, 111_000_110, 140_000_610] {
            assert!(!takes_outpatient_management(row(code)), "{code}");
        }
        assert!(is_outpatient_management(row(112_011_010)));
        assert!(blocks_outpatient_management(row(140_000_610)));
        assert_eq!(
            outpatient_management_blocker([row(112_007_410), row(140_000_610)]).map(|r| r.code.0),
            Some(140_000_610)
        );
    }
}
