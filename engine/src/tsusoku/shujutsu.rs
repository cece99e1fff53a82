//! 第10部 手術 通則7 (極低出生体重児加算・新生児加算), 通則8 (乳幼児加算・幼児加算) and 通則12 (休日・時間外・
//! 深夜加算 1 and 2).

use santei_masters::Procedure;

use super::{Derived, Env, FACT_MISSING, Facts, Note, due, time_code, when};

/// 告示 第10部 通則7・8 and 通知 同 通則9 (所定点数: 第1節の各区分の点数及び注加算の合計, 通則の加算を含まない).
pub const CITE_AGE: &str = "告示 第10部 手術 通則7・8 (r06 kokuji_ika.txt l.13236–13255; r08 l.14189–14205); 通知 同 通則9 (r06 tsuchi_ika.txt l.22919–22923: 所定点数は各区分の点数及び注加算の合計, 通則の加算点数は含まない); 医科診療行為マスター 項番40 通則年齢, 項番47 極低出生体重児加算区分";
/// 告示 第10部 通則12 and 通知 同 通則12–15.
pub const CITE_TIME: &str = "告示 第10部 手術 通則12 (r06 kokuji_ika.txt l.13270–13292; r08 l.14223–14245); 通知 同 通則12–15 (r06 tsuchi_ika.txt l.22941–22970: 緊急手術, 8時間以内, 入院中は休日・深夜のみ, 夜間・早朝等加算の日は算定しない, 加算1 は届出); 医科診療行為マスター 項番43 時間加算区分, 項番72 施設基準コード 3398";

/// 150306890 極低出生体重児加算（手術） 400%, 150000190 新生児加算（手術） 300%.
pub(super) const LOW_BIRTH_WEIGHT: u32 = 150_306_890;
pub(super) const NEWBORN: u32 = 150_000_190;
/// 150000290 乳幼児加算（手術）（３歳未満） 100%, 150342890 幼児加算（手術）（３歳以上６歳未満） 50%.
pub(super) const INFANT_CHILD: [u32; 2] = [150_000_290, 150_342_890];
/// 加算1 (届出): 時間外加算１, 休日加算１, 深夜加算１, 時間外特例医療機関加算１ (手術).
pub(super) const TIME_1: [u32; 4] = [150_371_390, 150_371_290, 150_371_490, 150_371_590];
/// 加算2: 時間外加算２, 休日加算２, 深夜加算２, 時間外特例医療機関加算２ (手術).
pub(super) const TIME_2: [u32; 4] = [150_000_490, 150_000_590, 150_000_690, 150_000_790];

/// 手術時体重 under which 通則7's 極低出生体重児加算 applies.
const LOW_WEIGHT_G: u32 = 1_500;

pub(super) fn additions(base: &Procedure, facts: &Facts, env: &Env, d: &mut Derived) {
    let what = format!("手術 {} {}", base.code, base.abbr_name);
    if base.general_age == 1 {
        age(base, facts, env, d, &what);
    }
    if base.time_addition == 1 {
        time(facts, env, d, &what);
    }
}

fn age(base: &Procedure, facts: &Facts, env: &Env, d: &mut Derived, what: &str) {
    // 通則7: the listed 手術 (項番47 = 1) on a child of 手術時体重 < 1,500g or a 新生児.
    if base.low_birth_weight_addition == 1 {
        let newborn = super::days_old(facts.birth, facts.date) < 28;
        match facts.weight_g {
            Some(w) if w < LOW_WEIGHT_G => {
                if let Some(r) = env.addition(LOW_BIRTH_WEIGHT, CITE_AGE, d) {
                    let why = format!(
                        "{what}: 手術時体重 {w}g < 1,500g and 極低出生体重児加算区分 1 (項番47) → 通則7 {} {} {}%",
                        r.code, r.abbr_name, r.points
                    );
                    d.due.push(due(r, CITE_AGE, why));
                }
                return;
            }
            None if newborn => {
                d.notes.push(Note {
                    rule: FACT_MISSING,
                    warn: true,
                    cite: CITE_AGE,
                    message: format!(
                        "{what} on a 新生児: 通則7 gives 400/100 below a 手術時体重 of 1,500g and 300/100 otherwise; give the item's `weight_g`. No 通則7・8 加算 added"
                    ),
                });
                return;
            }
            _ if newborn => {
                if let Some(r) = env.addition(NEWBORN, CITE_AGE, d) {
                    let why = format!(
                        "{what}: 新生児 (生後{}日) and 極低出生体重児加算区分 1 (項番47) → 通則7 {} {} {}%",
                        super::days_old(facts.birth, facts.date),
                        r.code,
                        r.abbr_name,
                        r.points
                    );
                    d.due.push(due(r, CITE_AGE, why));
                }
                return;
            }
            _ => {}
        }
    }
    // 通則8 (not with 通則7, its ただし書): 3歳未満 100/100, 3歳以上6歳未満 50/100.
    if let Some(r) = env.by_age(&INFANT_CHILD, facts) {
        let why = format!(
            "{what}: {}歳 on {} → 通則8 {} {} {}% ({}; 通則年齢 1, 項番40)",
            crate::age::age_years(facts.birth, facts.date),
            facts.date,
            r.code,
            r.abbr_name,
            r.points,
            crate::age::describe(r.min_age, r.max_age)
        );
        d.due.push(due(r, CITE_AGE, why));
    }
}

fn time(facts: &Facts, env: &Env, d: &mut Derived, what: &str) {
    let Some(w) = when(facts, what, CITE_TIME, d) else {
        return;
    };
    // 加算1 where the facility notified it (its code's 施設基準 3398 passes the gate), else 加算2.
    let one = (env.row)(time_code(w, TIME_1)).filter(|r| (env.billable)(r));
    let (row, level) = match one {
        Some(r) => (Some(r), "1 (施設基準 届出)"),
        None => (env.addition(time_code(w, TIME_2), CITE_TIME, d), "2"),
    };
    if let Some(r) = row {
        d.due.push(super::time_due(
            r,
            w,
            facts,
            (what, "緊急", "通則12", level),
            CITE_TIME,
        ));
    }
}

/// 通知 第10部 通則4: 手術当日の関連する処置・注射の手技料.
pub const CITE_SAME_DAY: &str = "通知 第10部 手術 通則4 (r06 tsuchi_ika.txt l.22891–22893; r08 l.24680–24682): 手術当日に、手術（自己血貯血を除く。）に関連して行う処置（ギプスを除く。）の費用及び注射の手技料は、術前、術後にかかわらず算定できない";

fn section_number(r: &Procedure) -> Option<u16> {
    r.code_table_section.as_str().parse().ok()
}

/// A 手術料 of 第1節 (K000–K915; not 輸血料 K920– of 第2節, which includes 自己血貯血 K920-2: 告示
/// 第10部 第2節 輸血料, r06 kokuji_ika.txt; コード表用番号 区分番号 項番92).
pub fn is_surgery(r: &Procedure) -> bool {
    r.code_table_chapter.as_str() == "2"
        && r.code_table_part.as_str() == "10"
        && r.point_kind == 3
        && r.addition_serial.as_char() == '0'
        && section_number(r).is_some_and(|s| s < 920)
}

/// A 処置料 (not ギプス: 区分番号 J122–J129-4, the range 告示 第10部 通則1 names, r06 kokuji_ika.txt
/// l.13147–13148) or an 注射 手技料 of 第1節 (G000–G018; 第2節 薬剤 is G100), which 通知 通則4 leaves
/// unbillable on the day of a 手術 when it is related to it.
pub fn related_on_surgery_day(r: &Procedure) -> bool {
    if r.code_table_chapter.as_str() != "2"
        || r.point_kind != 3
        || r.addition_serial.as_char() != '0'
    {
        return false;
    }
    match r.code_table_part.as_str() {
        "09" => !section_number(r).is_some_and(|s| (122..=129).contains(&s)),
        "06" => section_number(r).is_some_and(|s| s < 100),
        _ => false,
    }
}
