//! Dated data of the copayment: 高額療養費 限度額, the 合算 floor, the 後期 2割 配慮措置, マル長,
//! 入院時食事療養 標準負担額 and the national 公費 by 法別番号. Every row carries its validity and its
//! source; a change of the law (the 2026-08 高額療養費 見直し, a new 標準負担額) is a row added here,
//! not code. A date outside every row is reported, never filled in with a neighbouring value.

use santei_masters::Date;

use super::IncomeClass;

const fn d(yyyymmdd: u32) -> Date {
    Date::from_yyyymmdd_const(yyyymmdd)
}

/// True when `date` is within `[from, until]`.
pub fn in_force(from: Date, until: Option<Date>, date: Date) -> bool {
    date >= from && until.is_none_or(|u| date <= u)
}

/// A monthly limit: `base + (医療費 − threshold) × 1%`, the 1% part counted from 0 when the
/// 医療費 is below the threshold and rounded to the yen (健保令42条1項: 五十銭未満切り捨て、五十銭以上
/// 切り上げ). `threshold: None` is a flat amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formula {
    pub base: i64,
    pub threshold: Option<i64>,
}

impl Formula {
    pub const fn flat(base: i64) -> Formula {
        Formula {
            base,
            threshold: None,
        }
    }
    pub const fn plus1(base: i64, threshold: i64) -> Formula {
        Formula {
            base,
            threshold: Some(threshold),
        }
    }
    /// The formula of the 75歳到達月 特例: every amount halved, the 1% kept (健保令42条; MHLW
    /// H30 事例4: 現役並みⅡ 83,700 + (医療費 − 279,000) × 1%).
    pub const fn halved(self) -> Formula {
        Formula {
            base: self.base / 2,
            threshold: match self.threshold {
                Some(t) => Some(t / 2),
                None => None,
            },
        }
    }
}

/// Which band a limit row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// 70歳未満 (健保令42条1項1号〜5号 / 国保令29条の3)
    Under70,
    /// 70歳以上 (高齢受給者 and 後期高齢者; 健保令42条1項6号〜, 高確法施行令15条)
    Over70,
}

/// 高額療養費 自己負担限度額 of one 所得区分, in force from `from` to `until`.
#[derive(Debug, Clone, Copy)]
pub struct LimitRow {
    pub band: Band,
    /// The 区分 (後期 一般Ⅰ/一般Ⅱ use the 一般 row).
    pub class: IncomeClass,
    pub from: Date,
    pub until: Option<Date>,
    /// 世帯 limit (外来+入院; for under 70 the only one).
    pub household: Formula,
    /// 多数回該当 limit (flat), when the 区分 has one.
    pub many_times: Option<i64>,
    /// 外来 (個人ごと) limit, 70歳以上 一般・低所得 only (外来特例).
    pub outpatient: Option<i64>,
    /// 外来特例 年間上限 (計算期間 8月1日〜翌7月31日), refunded by the insurer; noted, not applied at
    /// the 窓口.
    pub outpatient_annual: Option<i64>,
    pub citation: &'static str,
}

const U70_CITE: &str = "健保令42条1項 / 国保令29条の3 (2015-01 改正); RULEBOOK §2.3 70歳未満表; MHLW 「高額療養費の自己負担限度額の見直しに係る計算事例（平成27年1月）」";
const O70_CITE: &str = "健保令42条 / 高確法施行令15条 (2018-08 改正); RULEBOOK §2.3 70歳以上表; MHLW 「高額療養費制度を利用される皆さまへ（平成30年8月診療分から）」";

/// The limits santei knows. The 2026-08 見直し (RULEBOOK §2.8, Part 4 #6: no 政令 text yet) will
/// be new rows from 2026-08-01; until then a claim dated after 2026-07-31 has no limit row and the
/// copayment is refused with a finding rather than computed with old values.
pub static LIMITS: &[LimitRow] = &[
    // 70歳未満, 2015-01-01 (5区分) – 2026-07-31.
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::A,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::plus1(252_600, 842_000),
        many_times: Some(140_100),
        outpatient: None,
        outpatient_annual: None,
        citation: U70_CITE,
    },
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::I,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::plus1(167_400, 558_000),
        many_times: Some(93_000),
        outpatient: None,
        outpatient_annual: None,
        citation: U70_CITE,
    },
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::U,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::plus1(80_100, 267_000),
        many_times: Some(44_400),
        outpatient: None,
        outpatient_annual: None,
        citation: U70_CITE,
    },
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::E,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::flat(57_600),
        many_times: Some(44_400),
        outpatient: None,
        outpatient_annual: None,
        citation: U70_CITE,
    },
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::O,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::flat(35_400),
        many_times: Some(24_600),
        outpatient: None,
        outpatient_annual: None,
        citation: U70_CITE,
    },
    // 70歳以上 (高齢受給者・後期高齢者), 2018-08-01 – 2026-07-31.
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Genekinami3,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::plus1(252_600, 842_000),
        many_times: Some(140_100),
        outpatient: None,
        outpatient_annual: None,
        citation: O70_CITE,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Genekinami2,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::plus1(167_400, 558_000),
        many_times: Some(93_000),
        outpatient: None,
        outpatient_annual: None,
        citation: O70_CITE,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Genekinami1,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::plus1(80_100, 267_000),
        many_times: Some(44_400),
        outpatient: None,
        outpatient_annual: None,
        citation: O70_CITE,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Ippan,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::flat(57_600),
        many_times: Some(44_400),
        outpatient: Some(18_000),
        outpatient_annual: Some(144_000),
        citation: O70_CITE,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Teishotoku2,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::flat(24_600),
        many_times: None,
        outpatient: Some(8_000),
        outpatient_annual: None,
        citation: O70_CITE,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Teishotoku1,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::flat(15_000),
        many_times: None,
        outpatient: Some(8_000),
        outpatient_annual: None,
        citation: O70_CITE,
    },
];

/// The limit row of a 区分 on a date.
pub fn limit(band: Band, class: IncomeClass, date: Date) -> Option<&'static LimitRow> {
    let class = class.limit_class();
    LIMITS
        .iter()
        .find(|r| r.band == band && r.class == class && in_force(r.from, r.until, date))
}

/// 70歳未満の世帯合算: a レセ (here: a 負担区分 part of the claim) counts only if its 一部負担金 is at
/// least this amount.
#[derive(Debug, Clone, Copy)]
pub struct Floor {
    pub from: Date,
    pub until: Option<Date>,
    pub yen: i64,
    pub citation: &'static str,
}

pub static COMBINE_FLOOR: &[Floor] = &[Floor {
    from: d(20020101),
    until: None,
    yen: 21_000,
    citation: "健保令41条1項 (70歳未満の合算対象: 一部負担金 21,000円以上); RULEBOOK §2.3; MHLW H27 事例13, 15, 19",
}];

pub fn combine_floor(date: Date) -> Option<&'static Floor> {
    COMBINE_FLOOR
        .iter()
        .find(|f| in_force(f.from, f.until, date))
}

/// 後期高齢者 2割負担 (一般Ⅱ) 外来 配慮措置: the 外来 個人 limit is
/// `min(base + (医療費 − threshold) × percent%, 外来 limit)`.
#[derive(Debug, Clone, Copy)]
pub struct Hairyo {
    pub from: Date,
    pub until: Option<Date>,
    pub base: i64,
    pub threshold: i64,
    pub percent: i64,
    pub citation: &'static str,
}

pub static HAIRYO: &[Hairyo] = &[Hairyo {
    from: d(20221001),
    until: Some(d(20250930)),
    base: 6_000,
    threshold: 30_000,
    percent: 10,
    citation: "高確法施行令 附則 (令和4年10月〜令和7年9月 配慮措置); RULEBOOK §2.4; MHLW 「後期高齢者医療制度の負担割合見直しに係る計算事例集（令和5年4月）」",
}];

pub fn hairyo(date: Date) -> Option<&'static Hairyo> {
    HAIRYO.iter().find(|h| in_force(h.from, h.until, date))
}

/// マル長 (特定疾病) amounts accepted.
pub static SPECIFIED_DISEASE_CAPS: &[i64] = &[10_000, 20_000];
pub const CITE_SPECIFIED_DISEASE: &str = "健保令42条9項 / 高確法施行令15条 (特定疾病 10,000円; 70歳未満 上位所得の人工透析 20,000円); RULEBOOK §2.3";

/// 入院時食事療養 標準負担額 (円/食) by 区分.
#[derive(Debug, Clone, Copy)]
pub struct MealRow {
    pub from: Date,
    pub until: Option<Date>,
    pub general: i64,
    pub nanbyo: i64,
    pub low_income: i64,
    pub low_income_long_stay: i64,
    pub low_income1: i64,
    pub citation: &'static str,
}

/// The 2026-06 標準負担額 (RULEBOOK Part 4 #7) is not known: claims from 2026-06-01 get a finding.
pub static MEALS: &[MealRow] = &[
    MealRow {
        from: d(20180401),
        until: Some(d(20240531)),
        general: 460,
        nanbyo: 260,
        low_income: 210,
        low_income_long_stay: 160,
        low_income1: 100,
        citation: "入院時食事療養費に係る食事療養標準負担額 (平成30年4月〜令和6年5月); RULEBOOK §2.5",
    },
    MealRow {
        from: d(20240601),
        until: Some(d(20250331)),
        general: 490,
        nanbyo: 280,
        low_income: 230,
        low_income_long_stay: 180,
        low_income1: 110,
        citation: "食事療養標準負担額 (令和6年6月1日〜); RULEBOOK §2.5",
    },
    MealRow {
        from: d(20250401),
        until: Some(d(20260531)),
        general: 510,
        nanbyo: 300,
        low_income: 240,
        low_income_long_stay: 190,
        low_income1: 110,
        citation: "食事療養標準負担額 (令和7年4月1日〜); RULEBOOK §2.5",
    },
];

pub fn meals(date: Date) -> Option<&'static MealRow> {
    MEALS.iter().find(|m| in_force(m.from, m.until, date))
}

/// How a 公費's part is capped by 高額療養費 for a patient under 70 (RULEBOOK §2.6 4, Part 4 #3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Under70PartLimit {
    /// 特定給付対象療養: the ウ formula 80,100 + (医療費 − 267,000) × 1% whatever the 区分 (MHLW H27
    /// 事例14–31: 結核, 更生医療).
    UFormula,
    /// The patient's own 区分 (W-C10 難病 事例2: ア → 259,580).
    OwnClass,
}

/// What the 公費 does with 入院時食事療養 標準負担額.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MealCover {
    /// The patient pays the 標準負担額 (the 公費 does not cover meals).
    None,
    /// The 公費 pays the whole 標準負担額.
    Full,
    /// The 公費 pays half (小児慢性: 食費の1/2 自己負担).
    Half,
}

/// A national 公費 by 法別番号.
#[derive(Debug, Clone, Copy)]
pub struct PublicScheme {
    pub law: &'static str,
    pub name: &'static str,
    pub from: Date,
    pub until: Option<Date>,
    /// The patient's share under the 公費, ‰ of the 医療費 (10割) of the lines it covers: 200 (2割),
    /// 100 (1割), 50 (5%), 0. `None`: the patient keeps what is left to them up to the cap (肝炎).
    pub patient_permille: Option<i64>,
    /// The monthly cap when the claim gives none (生活保護 本人支払額 0).
    pub default_cap: Option<i64>,
    /// The 受給者証's 自己負担上限額 is part of the scheme: without it the amount is unknown (error).
    pub cap_required: bool,
    /// The 受給者番号 is required on the receipt (KO 2).
    pub recipient_required: bool,
    pub under70: Under70PartLimit,
    pub meals: MealCover,
    /// Ordered last among national 公費 (生活保護, 中国残留邦人等支援給付).
    pub last: bool,
    /// The patient share in this table was checked against a source (RULEBOOK §2.6); `false` rows
    /// come from the standard 法別番号 table only (RULEBOOK Part 4 #5) and give an info finding.
    pub verified: bool,
    pub citation: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn scheme(
    law: &'static str,
    name: &'static str,
    patient_permille: Option<i64>,
    default_cap: Option<i64>,
    cap_required: bool,
    under70: Under70PartLimit,
    meals: MealCover,
    verified: bool,
    citation: &'static str,
) -> PublicScheme {
    PublicScheme {
        law,
        name,
        from: d(19500101),
        until: None,
        patient_permille,
        default_cap,
        cap_required,
        recipient_required: true,
        under70,
        meals,
        last: false,
        verified,
        citation,
    }
}

use MealCover as M;
use Under70PartLimit as L;

/// National 公費 (記載要領 別添 「法別番号及び制度の略称表」; RULEBOOK §2.6).
pub static NATIONAL_FUNDS: &[PublicScheme] = &[
    scheme(
        "10",
        "感染症法 結核患者の適正医療 (37条の2)",
        Some(50),
        None,
        false,
        L::UFormula,
        M::None,
        true,
        "感染症法37条の2 (医療費の100分の95 − 保険給付; 患者 5%); RULEBOOK §2.6; MHLW H27 事例13–21",
    ),
    scheme(
        "11",
        "感染症法 結核患者の入院 (37条)",
        Some(0),
        Some(0),
        false,
        L::UFormula,
        M::Full,
        true,
        "感染症法37条 (入院勧告: 公費, 所得に応じ徴収 = 自己負担上限額); RULEBOOK §2.6",
    ),
    PublicScheme {
        last: true,
        ..scheme(
            "12",
            "生活保護法 医療扶助",
            Some(0),
            Some(0),
            false,
            L::OwnClass,
            M::Full,
            true,
            "生活保護法15条, 52条 (本人支払額 = 自己負担上限額, 通常 0); RULEBOOK §2.6 1, 5, 6",
        )
    },
    scheme(
        "13",
        "戦傷病者特別援護法 療養の給付",
        Some(0),
        Some(0),
        false,
        L::UFormula,
        M::Full,
        false,
        "戦傷病者特別援護法10条; RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "14",
        "戦傷病者特別援護法 更生医療",
        Some(0),
        Some(0),
        false,
        L::UFormula,
        M::Full,
        false,
        "戦傷病者特別援護法20条; RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "15",
        "障害者総合支援法 自立支援医療 (更生医療)",
        Some(100),
        None,
        false,
        L::UFormula,
        M::None,
        true,
        "障害者総合支援法58条 (1割, 負担上限月額); RULEBOOK §2.6; MHLW H27 事例22–31",
    ),
    scheme(
        "16",
        "障害者総合支援法 自立支援医療 (育成医療)",
        Some(100),
        None,
        false,
        L::UFormula,
        M::None,
        true,
        "障害者総合支援法58条 (1割, 負担上限月額); RULEBOOK §2.6",
    ),
    scheme(
        "17",
        "児童福祉法 療育の給付",
        Some(0),
        None,
        false,
        L::UFormula,
        M::Full,
        false,
        "児童福祉法20条 (費用徴収 = 自己負担上限額); RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "18",
        "原爆被爆者援護法 認定疾病医療",
        Some(0),
        Some(0),
        false,
        L::UFormula,
        M::Full,
        true,
        "原子爆弾被爆者に対する援護に関する法律10条 (全額国庫); RULEBOOK §2.6",
    ),
    scheme(
        "19",
        "原爆被爆者援護法 一般疾病医療費",
        Some(0),
        Some(0),
        false,
        L::UFormula,
        M::Full,
        true,
        "原子爆弾被爆者に対する援護に関する法律18条 (一部負担金相当額を支給); RULEBOOK §2.6",
    ),
    scheme(
        "20",
        "精神保健福祉法 措置入院",
        Some(0),
        None,
        false,
        L::UFormula,
        M::Full,
        false,
        "精神保健福祉法29条, 30条の2 (費用徴収 = 自己負担上限額); RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "21",
        "障害者総合支援法 自立支援医療 (精神通院医療)",
        Some(100),
        None,
        false,
        L::UFormula,
        M::None,
        true,
        "障害者総合支援法58条 (1割; 負担上限月額 0 / 2,500 / 5,000 / 10,000 / 20,000); RULEBOOK §2.6",
    ),
    scheme(
        "22",
        "麻薬及び向精神薬取締法 措置入院",
        Some(0),
        None,
        false,
        L::UFormula,
        M::Full,
        false,
        "麻薬及び向精神薬取締法58条の8; RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "23",
        "母子保健法 養育医療",
        Some(0),
        None,
        false,
        L::UFormula,
        M::Full,
        false,
        "母子保健法20条 (費用徴収 = 自己負担上限額); RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "24",
        "障害者総合支援法 療養介護医療",
        Some(100),
        None,
        false,
        L::UFormula,
        M::None,
        false,
        "障害者総合支援法70条 (1割, 負担上限月額); RULEBOOK §2.6 (Part 4 #5)",
    ),
    PublicScheme {
        last: true,
        ..scheme(
            "25",
            "中国残留邦人等支援法 医療支援給付",
            Some(0),
            Some(0),
            false,
            L::OwnClass,
            M::Full,
            false,
            "中国残留邦人等の円滑な帰国の促進等に関する法律14条 (生活保護に準ずる); RULEBOOK §2.6 (Part 4 #5)",
        )
    },
    scheme(
        "28",
        "感染症法 一類・二類感染症等 入院",
        Some(0),
        None,
        false,
        L::UFormula,
        M::Full,
        false,
        "感染症法37条 (費用徴収 = 自己負担上限額); RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "29",
        "感染症法 新感染症 入院",
        Some(0),
        None,
        false,
        L::UFormula,
        M::Full,
        false,
        "感染症法50条; RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "30",
        "心神喪失者等医療観察法 医療",
        Some(0),
        Some(0),
        false,
        L::UFormula,
        M::Full,
        false,
        "心神喪失者等医療観察法81条 (全額国費); RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "38",
        "肝炎治療特別促進事業",
        None,
        None,
        true,
        L::UFormula,
        M::None,
        true,
        "肝炎治療特別促進事業実施要綱 (自己負担限度月額 10,000 / 20,000円); RULEBOOK §2.6",
    ),
    scheme(
        "51",
        "特定疾患治療研究事業 (スモン, 先天性血液凝固因子障害等 …)",
        None,
        Some(0),
        false,
        L::UFormula,
        M::None,
        true,
        "特定疾患治療研究事業実施要綱 (自己負担限度額 = 受給者証の上限, 多くは 0); RULEBOOK §2.6",
    ),
    scheme(
        "52",
        "児童福祉法 小児慢性特定疾病医療支援",
        Some(200),
        None,
        true,
        L::OwnClass,
        M::Half,
        true,
        "児童福祉法19条の2 (2割, 自己負担上限月額 1,250〜15,000; 入院時食費 1/2 自己負担); RULEBOOK §2.6",
    ),
    scheme(
        "53",
        "児童福祉法 措置等に係る医療",
        Some(0),
        Some(0),
        false,
        L::UFormula,
        M::Full,
        false,
        "児童福祉法27条等; RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "54",
        "難病法 特定医療費 (指定難病)",
        Some(200),
        None,
        true,
        L::OwnClass,
        M::None,
        true,
        "難病の患者に対する医療等に関する法律5条, 施行令1条 (2割 (保険の割合が低ければその割合), 自己負担上限月額 0〜30,000; 食費は全額自己負担); RULEBOOK §2.6",
    ),
    scheme(
        "66",
        "石綿健康被害救済法 医療費",
        Some(0),
        Some(0),
        false,
        L::UFormula,
        M::None,
        false,
        "石綿による健康被害の救済に関する法律4条; RULEBOOK §2.6 (Part 4 #5)",
    ),
    scheme(
        "79",
        "児童福祉法 障害児入所医療",
        Some(100),
        None,
        false,
        L::UFormula,
        M::None,
        false,
        "児童福祉法24条の20 (1割, 負担上限月額); RULEBOOK §2.6 (Part 4 #5)",
    ),
];

/// The national 公費 of a 法別番号 on a date.
pub fn national(law: &str, date: Date) -> Option<&'static PublicScheme> {
    NATIONAL_FUNDS
        .iter()
        .find(|s| s.law == law && in_force(s.from, s.until, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_do_not_overlap() {
        for (i, a) in LIMITS.iter().enumerate() {
            for b in &LIMITS[i + 1..] {
                if a.band == b.band && a.class == b.class {
                    let a_end = a.until.unwrap_or(Date::MAX);
                    let b_end = b.until.unwrap_or(Date::MAX);
                    assert!(a_end < b.from || b_end < a.from, "{:?}", a.class);
                }
            }
        }
        for w in MEALS.windows(2) {
            assert!(w[0].until.unwrap() < w[1].from);
        }
    }

    #[test]
    fn halved_formula() {
        let f = Formula::plus1(167_400, 558_000).halved();
        assert_eq!(f, Formula::plus1(83_700, 279_000));
    }
}
