//! 第9部 処置 通則5 (休日・時間外・深夜加算 1 and 2).

use santei_masters::Procedure;

use super::{CONDITION, Derived, Env, Facts, Note, time_code, when};

pub const CITE_TIME: &str = "告示 第9部 処置 通則5 (r06 kokuji_ika.txt l.12374–12395; r08 l.13286–13307); 通知 同 通則4–10 (r06 tsuchi_ika.txt l.21280–21310: 加算1 は所定点数1,000点以上・届出, 加算2 は150点以上・入院中の患者以外, 入院中は休日・深夜加算1 のみ, 夜間・早朝等加算の日は対象外, 所定点数は処置料の点数及び注加算の合計); 医科診療行為マスター 項番43 時間加算区分, 項番72 施設基準コード 3363";

/// 加算1 (1,000点以上, 届出): 時間外加算１, 休日加算１, 深夜加算１, 時間外特例医療機関加算１ (処置).
pub(super) const TIME_1: [u32; 4] = [140_055_390, 140_055_290, 140_055_490, 140_055_590];
/// 加算2 (150点以上, 入院中の患者以外): 時間外加算２, 休日加算２, 深夜加算２, 時間外特例医療機関加算２.
pub(super) const TIME_2: [u32; 4] = [140_000_190, 140_000_290, 140_000_390, 140_000_490];

pub(super) fn additions(
    base: &Procedure,
    base_points: i64,
    facts: &Facts,
    env: &Env,
    d: &mut Derived,
) {
    if base.time_addition != 1 {
        return;
    }
    let what = format!("処置 {} {}", base.code, base.abbr_name);
    // 入院中: only 休日加算1・深夜加算1 (通知 通則6); `when` already refuses 時間外 for 入院中.
    let Some(w) = when(facts, &what, CITE_TIME, d) else {
        return;
    };
    let one = (env.row)(time_code(w, TIME_1)).filter(|r| (env.billable)(r));
    let (row, level) = match one {
        Some(r) if base_points >= 1_000 => (Some(r), "1 (所定点数1,000点以上, 施設基準 届出)"),
        _ if facts.inpatient => {
            d.notes.push(Note {
                rule: CONDITION,
                warn: false,
                cite: CITE_TIME,
                message: format!(
                    "{what}: 入院中の患者 gets only 休日加算1・深夜加算1 of 通則5 (所定点数1,000点以上 at a notified facility); 所定点数 {base_points}点; not added"
                ),
            });
            return;
        }
        _ if base_points >= 150 => (
            env.addition(time_code(w, TIME_2), CITE_TIME, d),
            "2 (所定点数150点以上)",
        ),
        _ => {
            d.notes.push(Note {
                rule: CONDITION,
                warn: false,
                cite: CITE_TIME,
                message: format!(
                    "{what}: 所定点数 {base_points}点 is under the 150点 of 通則5 ロ; no 時間外等加算"
                ),
            });
            return;
        }
    };
    if let Some(r) = row {
        let context = format!("緊急処置, 所定点数 {base_points}点");
        d.due.push(super::time_due(
            r,
            w,
            facts,
            (&what, &context, "通則5", level),
            CITE_TIME,
        ));
    }
}
