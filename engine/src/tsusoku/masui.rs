//! 第11部 麻酔 通則2 (未熟児・新生児・乳児・幼児加算) and 通則3 (休日・時間外・深夜加算).

use santei_masters::Procedure;

use super::{Derived, Env, FACT_MISSING, Facts, Note, due, time_code, when};

pub const CITE_AGE: &str = "告示 第11部 麻酔 通則2 (r06 kokuji_ika.txt l.17071–17074; r08 l.18610–18613); 通知 同 通則6–8 (r06 tsuchi_ika.txt l.26743–26752: 所定点数は麻酔料の点数及び注加算の合計, 通則の加算を含まない; 未熟児加算は出生時体重 2,500g未満, 出生後90日以内); 医科診療行為マスター 項番40 通則年齢, 項番41/42 年齢";
pub const CITE_TIME: &str = "告示 第11部 麻酔 通則3 (r06 kokuji_ika.txt l.17075–17083; r08 l.18614–18622); 通知 同 通則9 (r06 tsuchi_ika.txt l.26753–26760: 時間外加算等が算定できる緊急手術に伴う麻酔, 夜間・早朝等加算の日は算定しない); 医科診療行為マスター 項番43 時間加算区分";

/// 150286690 未熟児加算（麻酔） 200%.
pub(super) const PREMATURE: u32 = 150_286_690;
/// 新生児 200%, 乳児 50%, 幼児（1歳以上3歳未満） 20%, by the rows' 下限/上限年齢.
pub(super) const BY_AGE: [u32; 3] = [150_231_590, 150_231_690, 150_265_390];
/// 時間外, 休日, 深夜, 時間外特例医療機関 (麻酔).
pub(super) const TIME: [u32; 4] = [150_231_790, 150_231_890, 150_231_990, 150_232_090];
/// 出生時体重 under which a child is a 未熟児 (通知 第11部 通則8).
const PREMATURE_G: u32 = 2_500;

pub(super) fn additions(base: &Procedure, facts: &Facts, env: &Env, d: &mut Derived) {
    let what = format!("麻酔 {} {}", base.code, base.abbr_name);
    if base.general_age == 1 {
        age(facts, env, d, &what);
    }
    if base.time_addition == 1 {
        if let Some(w) = when(facts, &what, CITE_TIME, d) {
            if let Some(r) = env.addition(time_code(w, TIME), CITE_TIME, d) {
                d.due.push(super::time_due(
                    r,
                    w,
                    facts,
                    (&what, "緊急手術に伴う麻酔", "通則3", ""),
                    CITE_TIME,
                ));
            }
        }
    }
}

fn age(facts: &Facts, env: &Env, d: &mut Derived, what: &str) {
    let days = super::days_old(facts.birth, facts.date);
    let premature_row = (env.row)(PREMATURE)
        .filter(|r| crate::age::in_range(facts.birth, facts.date, r.min_age, r.max_age));
    if let Some(r) = premature_row {
        match facts.birth_weight_g {
            Some(g) if g < PREMATURE_G => {
                let why = format!(
                    "{what}: 出生時体重 {g}g < 2,500g, 生後{days}日 (90日以内) → 通則2 {} {} {}%",
                    r.code, r.abbr_name, r.points
                );
                d.due.push(due(r, CITE_AGE, why));
                return;
            }
            Some(_) => {}
            None if days >= 28 => {
                // 乳児 50/100 or 未熟児 200/100: the points differ, the claim must say.
                d.notes.push(Note {
                    rule: FACT_MISSING,
                    warn: true,
                    cite: CITE_AGE,
                    message: format!(
                        "{what} on a child of 生後{days}日: 通則2 gives 未熟児加算 200/100 for 出生時体重 < 2,500g and 乳児加算 50/100 otherwise; give patient.birth_weight_g. No 通則2 加算 added"
                    ),
                });
                return;
            }
            None => {
                // 新生児: 未熟児加算 and 新生児加算 are both 200/100; the 新生児 row is billed and
                // the note says the 未熟児 row may be the one to write.
                d.notes.push(Note {
                    rule: FACT_MISSING,
                    warn: false,
                    cite: CITE_AGE,
                    message: format!(
                        "{what} on a 新生児 without patient.birth_weight_g: 新生児加算 200/100 billed; 未熟児加算 ({}) is the same 200/100 and is the code to write when 出生時体重 < 2,500g",
                        r.code
                    ),
                });
            }
        }
    }
    if let Some(r) = env.by_age(&BY_AGE, facts) {
        let why = format!(
            "{what}: 生後{days}日 ({}歳) → 通則2 {} {} {}% ({})",
            crate::age::age_years(facts.birth, facts.date),
            r.code,
            r.abbr_name,
            r.points,
            crate::age::describe(r.min_age, r.max_age)
        );
        d.due.push(due(r, CITE_AGE, why));
    }
}
