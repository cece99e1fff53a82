//! National 公費 by 法別番号 and how each is capped by 高額療養費.

use santei_masters::Date;

use super::{d, in_force};
use crate::copay::IncomeClass;

/// How a 公費's part is capped by 高額療養費 for a patient under 70 (MHLW H27 事例14–31; W-C10 難病
/// 事例2; the 保険局 通知 on 公費 and 高額療養費 was not found).
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
    /// The patient share in this table was checked against the source in `citation`; `false` rows
    /// come from the 記載要領 別添 法別番号表 only (実施要綱 not checked) and give an info finding.
    pub verified: bool,
    pub citation: &'static str,
    /// 70歳以上: the 区分 whose limit caps the part this 公費 pays, when it is not the patient's own
    /// (生活保護: 低所得Ⅰ, [`SEIHO_ELDER`]).
    pub elder_part_class: Option<IncomeClass>,
}

/// 生活保護 (法別12) 併用, 70歳以上: the part 生活保護 pays is capped with the 低所得Ⅰ limit whatever
/// the patient's 区分.
///
/// Decision (2026-12): implemented. Source: MHLW 「高額療養費制度の見直しに係る計算事例（平成30年8月）」
/// (高齢受給者) 事例29 (低所得Ⅱ, 難病 + 生活保護 入院: the 生活保護 part 90,000円 × 2割 = 18,000 is capped at
/// 15,000 = 低所得Ⅰ, not 24,600 = the patient's 低所得Ⅱ) and 事例30 (低所得Ⅰ: 15,000), numbers as
/// transcribed in hangilc/myclinic-ts packages/rezept/futan/calc.kougaku.kourei.test.ts. The 取扱い
/// behind it is the 保護課長通知 「高額療養費及び老人医療の高額医療費等の生活保護法における取扱いについて」
/// (平成14年9月30日 社援保発第0930001号, https://www.mhlw.go.jp/web/t_doc?dataId=00ta8845), whose text past its
/// opening was not available, so the rule rests on the two 事例 (both 入院). santei applies the
/// 低所得Ⅰ row in force on the date (15,700 from 2026-08-01) and, on an 外来 claim, its 外来 limit
/// (8,000): the 外来 case is INFERRED (no 事例 shows it).
pub const SEIHO_ELDER: &str = "生活保護 併用 70歳以上: the 生活保護 part is capped with the 低所得Ⅰ limit (MHLW 「高額療養費制度の見直しに係る計算事例（平成30年8月）」 事例29/30; 社援保発第0930001号 平成14年9月30日)";

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
        elder_part_class: None,
    }
}

use MealCover as M;
use Under70PartLimit as L;

/// National 公費 (記載要領 別添 「法別番号及び制度の略称表」).
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
        "感染症法37条の2 (医療費の100分の95 − 保険給付; 患者 5%); MHLW H27 事例13–21",
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
        "感染症法37条 (入院勧告: 公費, 所得に応じ徴収 = 自己負担上限額)",
    ),
    PublicScheme {
        last: true,
        elder_part_class: Some(IncomeClass::Teishotoku1),
        ..scheme(
            "12",
            "生活保護法 医療扶助",
            Some(0),
            Some(0),
            false,
            L::OwnClass,
            M::Full,
            true,
            "生活保護法15条, 52条 (本人支払額 = 自己負担上限額, 通常 0); MHLW H30 事例29/30",
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
        "戦傷病者特別援護法10条; 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "戦傷病者特別援護法20条; 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "障害者総合支援法58条 (1割, 負担上限月額); MHLW H27 事例22–31",
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
        "障害者総合支援法58条 (1割, 負担上限月額)",
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
        "児童福祉法20条 (費用徴収 = 自己負担上限額); 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "原子爆弾被爆者に対する援護に関する法律10条 (全額国庫)",
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
        "原子爆弾被爆者に対する援護に関する法律18条 (一部負担金相当額を支給)",
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
        "精神保健福祉法29条, 30条の2 (費用徴収 = 自己負担上限額); 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "障害者総合支援法58条 (1割; 負担上限月額 0 / 2,500 / 5,000 / 10,000 / 20,000)",
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
        "麻薬及び向精神薬取締法58条の8; 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "母子保健法20条 (費用徴収 = 自己負担上限額); 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "障害者総合支援法70条 (1割, 負担上限月額); 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
            "中国残留邦人等の円滑な帰国の促進等に関する法律14条 (生活保護に準ずる); 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "感染症法37条 (費用徴収 = 自己負担上限額); 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "感染症法50条; 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "心神喪失者等医療観察法81条 (全額国費); 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "肝炎治療特別促進事業実施要綱 (自己負担限度月額 10,000 / 20,000円)",
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
        "特定疾患治療研究事業実施要綱 (自己負担限度額 = 受給者証の上限, 多くは 0)",
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
        "児童福祉法19条の2 (2割, 自己負担上限月額 1,250〜15,000; 入院時食費 1/2 自己負担)",
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
        "児童福祉法27条等; 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "難病の患者に対する医療等に関する法律5条, 施行令1条 (2割 (保険の割合が低ければその割合), 自己負担上限月額 0〜30,000; 食費は全額自己負担)",
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
        "石綿による健康被害の救済に関する法律4条; 記載要領 別添 法別番号表 only (実施要綱 not checked)",
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
        "児童福祉法24条の20 (1割, 負担上限月額); 記載要領 別添 法別番号表 only (実施要綱 not checked)",
    ),
];

/// The national 公費 of a 法別番号 on a date.
pub fn national(law: &str, date: Date) -> Option<&'static PublicScheme> {
    NATIONAL_FUNDS
        .iter()
        .find(|s| s.law == law && in_force(s.from, s.until, date))
}
