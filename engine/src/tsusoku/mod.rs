//! Derive: the 通則 additions of the 部 that a レセコン adds by itself from the patient's age, the
//! 開始時間 and the facility — 処置 (第9部 通則5), 手術 (第10部 通則7・8・12), 麻酔 (第11部 通則2・3),
//! 内視鏡検査 (第3部第3節 内視鏡検査 通則), 時間外緊急院内検査加算 (第3部 第1節 通則) and
//! 時間外緊急院内画像診断加算 (第4部 通則3).
//!
//! One file per 部 decides, as a pure function of the base item's master row and the facts of the
//! claim ([`Facts`]), which addition codes are due ([`Due`]) and which facts are missing or which
//! conditions fail ([`Note`]); the engine then bills the due codes (a %加算 in the 算定単位 of its
//! base, priced on the 所定点数 once, see [`crate::price::unit_total`]). The bases are found by the
//! master's own columns (項番40 通則年齢, 項番43 時間加算区分, 項番47 極低出生体重児加算区分); the
//! addition codes and their conditions are the 告示's, cited in each file.
//!
//! What santei does not derive (each is accepted as claimed): the 通則 additions that need a
//! clinical fact the claim format does not carry (手術 通則9 頸部郭清術, 10 HIV, 11 感染症, 17 周術期口腔
//! 機能管理後手術加算; 処置 通則7・8 耳鼻咽喉科; 注射 通則3–7; 画像 通則4・5 画像診断管理加算), the
//! 新生児・乳幼児・幼児加算 of 検査・画像診断 (derived already through the master's 年齢加算 links,
//! 項番100–111), and the 部 without 通則 % additions of this kind (リハビリテーション: its 加算 are 注 of
//! each 区分). `santei tsusoku` (docs/TSUSOKU.md) lists each code of the master and what santei
//! does with it.

use santei_masters::{Date, Procedure};

use crate::claim::TimeCategory;

pub mod coverage;
pub mod gazou;
pub mod kensa;
mod masui;
mod shochi;
mod shujutsu;

pub use gazou::urgent_imaging;
pub use kensa::urgent_specimen_test;

/// The age % codes of 手術 通則7・8 and 麻酔 通則2 (a UKE recalculation checks them against the
/// patient's age).
pub const AGE_CODES: [u32; 8] = [
    shujutsu::LOW_BIRTH_WEIGHT,
    shujutsu::NEWBORN,
    shujutsu::INFANT_CHILD[0],
    shujutsu::INFANT_CHILD[1],
    masui::PREMATURE,
    masui::BY_AGE[0],
    masui::BY_AGE[1],
    masui::BY_AGE[2],
];

/// 処置・手術・麻酔・内視鏡検査 通則 加算 derived (origin of the line).
pub const DERIVED: &str = "TSU-100.tsusoku-addition";
/// A fact the 通則 needs is missing (体重, 出生時体重): nothing is added, the finding names it.
pub const FACT_MISSING: &str = "TSU-101.tsusoku-fact-missing";
/// A 時間外等 開始時間 without `emergency`: the 通則 時間外等加算 is not added.
pub const NOT_EMERGENCY: &str = "TSU-102.tsusoku-not-emergency";
/// A condition of the 通則 fails (所定点数 below the threshold, 入院中, 夜間・早朝等 …).
pub const CONDITION: &str = "TSU-103.tsusoku-condition";
/// A 処置 or 注射 手技料 on the day of a 手術: not billable when related to it (通知 第10部 通則4).
pub const SURGERY_DAY: &str = "TSU-104.surgery-day";

pub use shujutsu::{CITE_SAME_DAY, is_surgery, related_on_surgery_day};

/// The facts of the claim a 通則 looks at, for one base item.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub birth: Date,
    pub date: Date,
    /// 出生時体重 (g).
    pub birth_weight_g: Option<u32>,
    /// 手術時体重 (g).
    pub weight_g: Option<u32>,
    /// The 開始時間の区分: the item's `time`, else the visit's.
    pub time: TimeCategory,
    pub emergency: bool,
    pub inpatient: bool,
}

/// An addition due on a base item: its code, and why (rule text with its source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub code: u32,
    pub cite: &'static str,
    pub why: String,
}

/// Why an addition was not derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub rule: &'static str,
    /// true: a person must look (a missing fact changes the points); false: info.
    pub warn: bool,
    pub cite: &'static str,
    pub message: String,
}

/// What the 通則 of the base item's 部 give: additions (age first, then time) and notes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Derived {
    pub due: Vec<Due>,
    pub notes: Vec<Note>,
}

/// The 部 of a row (コード表用番号 部, 項番91) when it is one whose 通則 % additions santei derives.
fn part(rec: &Procedure) -> Option<Part> {
    if rec.code_table_chapter.as_str() != "2" {
        return None;
    }
    Some(match rec.code_table_part.as_str() {
        "03" => Part::Kensa,
        "09" => Part::Shochi,
        "10" => Part::Shujutsu,
        "11" => Part::Masui,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Kensa,
    Shochi,
    Shujutsu,
    Masui,
}

/// A base item (点数, not itself an addition: 注加算通番 0 and 点数識別 3).
fn is_base(rec: &Procedure) -> bool {
    rec.point_kind == 3 && rec.addition_serial.as_char() == '0'
}

/// A base item whose 部 has 通則 % additions that santei derives (処置, 手術, 麻酔 with 項番40/43;
/// 内視鏡検査 with 項番43): its 注加算 join its 算定単位, so that the 所定点数 holds them.
pub fn takes_additions(rec: &Procedure) -> bool {
    // Every 部 below needs 項番40 or 項番43 = 1: a row with neither is answered from those two
    // numbers, before its 部 is read from the text of 項番91 (most rows of a visit).
    is_base(rec)
        && (rec.general_age == 1 || rec.time_addition == 1)
        && match part(rec) {
            // 項番40 or 43 is 1 (tested above).
            Some(Part::Shujutsu | Part::Masui) => true,
            Some(Part::Shochi | Part::Kensa) => rec.time_addition == 1,
            None => false,
        }
}

/// The masters as a 通則 sees them: the row of a code on the claim's date, and whether the
/// facility may bill a row (its 施設基準 届出, 項番72–81, and the other master gates).
pub struct Env<'a> {
    pub row: &'a dyn Fn(u32) -> Option<&'a Procedure>,
    pub billable: &'a dyn Fn(&Procedure) -> bool,
}

impl Env<'_> {
    /// The row of an addition code, or a note that the masters lack it.
    fn addition(&self, code: u32, cite: &'static str, d: &mut Derived) -> Option<&Procedure> {
        let r = (self.row)(code);
        if r.is_none() {
            d.notes.push(Note {
                rule: FACT_MISSING,
                warn: true,
                cite,
                message: format!(
                    "the 通則 addition {code:09} is due but not in the 医科診療行為マスター on this date; not added — check by hand"
                ),
            });
        }
        r
    }

    /// The first row of `codes` whose 下限/上限年齢 (項番41/42) hold the patient on the date.
    fn by_age<'r>(&'r self, codes: &[u32], facts: &Facts) -> Option<&'r Procedure> {
        codes
            .iter()
            .filter_map(|&c| (self.row)(c))
            .find(|r| crate::age::in_range(facts.birth, facts.date, r.min_age, r.max_age))
    }
}

/// The 通則 % additions due on `base`, whose 所定点数 (the base and its own 注加算, 告示 通則 and
/// 通知: 通則の加算点数は含まない) is `base_points`.
pub fn percent_additions(base: &Procedure, base_points: i64, facts: &Facts, env: &Env) -> Derived {
    let mut d = Derived::default();
    if !is_base(base) {
        return d;
    }
    match part(base) {
        Some(Part::Shujutsu) => shujutsu::additions(base, facts, env, &mut d),
        Some(Part::Shochi) => shochi::additions(base, base_points, facts, env, &mut d),
        Some(Part::Masui) => masui::additions(base, facts, env, &mut d),
        Some(Part::Kensa) => kensa::endoscopy_time(base, facts, env, &mut d),
        None => {}
    }
    d
}

fn due(rec: &Procedure, cite: &'static str, why: String) -> Due {
    Due {
        code: rec.code.0,
        cite,
        why,
    }
}

/// The kind of a 時間外等 開始時間, as the 通則 of 処置・手術・麻酔 see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Overtime,
    Holiday,
    LateNight,
    /// 時間外特例医療機関 (A000 注7 ただし書).
    Special,
}

/// The 開始時間 of a 通則 時間外等加算, or a note saying why there is none. 夜間・早朝等 (A000 注9 /
/// A001 注7) is not a time of these 通則 (通知 第10部 通則14, 第11部 通則9); 小児科特例 times count as
/// the 時間外・休日・深夜 they are.
fn when(facts: &Facts, what: &str, cite: &'static str, d: &mut Derived) -> Option<When> {
    let w = match facts.time {
        TimeCategory::Regular => return None,
        TimeCategory::NightEarlyMorning => {
            d.notes.push(Note {
                rule: CONDITION,
                warn: false,
                cite,
                message: format!(
                    "{what}: no 時間外等加算 — a 夜間・早朝等 (A000 注9 / A001 注7) time is not one of the 通則"
                ),
            });
            return None;
        }
        TimeCategory::Overtime | TimeCategory::PediatricNight => When::Overtime,
        TimeCategory::Holiday | TimeCategory::PediatricHoliday => When::Holiday,
        TimeCategory::LateNight | TimeCategory::PediatricLateNight => When::LateNight,
        TimeCategory::OvertimeSpecial => When::Special,
    };
    if !facts.emergency {
        d.notes.push(Note {
            rule: NOT_EMERGENCY,
            warn: false,
            cite,
            message: format!(
                "{what} started {}: the 時間外等加算 of its 通則 needs 緊急 (set `emergency` when the 通知's conditions hold); not added",
                facts.time.japanese()
            ),
        });
        return None;
    }
    if facts.inpatient && matches!(w, When::Overtime | When::Special) {
        d.notes.push(Note {
            rule: CONDITION,
            warn: false,
            cite,
            message: format!(
                "{what}: the 時間外加算 of its 通則 is for 入院中の患者以外の患者 only; not added"
            ),
        });
        return None;
    }
    Some(w)
}

/// The time addition of a family: (時間外, 休日, 深夜, 特例) codes.
fn time_code(w: When, codes: [u32; 4]) -> u32 {
    match w {
        When::Overtime => codes[0],
        When::Holiday => codes[1],
        When::LateNight => codes[2],
        When::Special => codes[3],
    }
}

/// The [`Due`] of a 通則 時間外等加算 row `r` on the base `what`: `context` says why 緊急 (緊急手術,
/// 緊急処置 …), `tsusoku` names the 通則, `level` the 加算1/2 where the 通則 has them.
fn time_due(
    r: &Procedure,
    w: When,
    facts: &Facts,
    (what, context, tsusoku, level): (&str, &str, &str, &str),
    cite: &'static str,
) -> Due {
    let why = format!(
        "{what}: {context}, started {} → {tsusoku} {}{level}: {} {} {}%{}",
        facts.time.japanese(),
        when_name(w),
        r.code,
        r.abbr_name,
        r.points,
        if w == When::Special {
            " (A000 注7 ただし書)"
        } else {
            ""
        }
    );
    due(r, cite, why)
}

fn when_name(w: When) -> &'static str {
    match w {
        When::Overtime => "時間外加算",
        When::Holiday => "休日加算",
        When::LateNight => "深夜加算",
        When::Special => "時間外特例医療機関加算",
    }
}

/// Days since birth on `on` (the day of birth is day 0).
fn days_old(birth: Date, on: Date) -> i64 {
    on.day_number() - birth.day_number()
}

#[cfg(test)]
mod tests;
