//! The patient copayment of a claim: 負担割合 from age and 所得区分, the 窓口 amount per
//! visit (10円 四捨五入, 健保法75条), 高額療養費 (monthly limits, 多数回, 75歳到達月, マル長, the
//! 21,000円 合算 floor, the 後期 2割 配慮措置), 入院時食事療養 標準負担額, and the split between the
//! insurance, up to four 公費 and the patient, with the values of the UKE HO and KO records.
//!
//! Sources: the laws and MHLW calculation examples named on each row and finding (健保法・健保令,
//! 国保法, 高確法, the MHLW 事例). The limits, amounts and 公費 are dated data in [`tables`]; the
//! choices made where no primary text found settles a rule are [`CopaySettings`].
//!
//! Impossible input (70歳以上 without 所得区分, a 公費 without its 受給者番号, a 負担割合 that
//! contradicts the age …) gives an error finding (`C5xx`) and no copayment: santei never guesses an
//! amount.
//!
//! Within one claim, "合算" means the 負担区分 parts of the claim (the lines a 公費 covers and the
//! lines only the insurance covers), as in the MHLW 事例: a part joins the 70歳未満 合算 when its
//! 一部負担金 is at least 21,000円. Combining several claims of a 世帯 (other facilities, other
//! months) is the insurer's refund and outside one claim.

mod calc;
mod rate;
pub mod tables;

use std::borrow::Cow;

use santei_masters::Date;
use serde::{Deserialize, Serialize};

use crate::claim::{Claim, LocalScheme, MealClass, PublicFund, Setting};
use crate::result::{ClaimResult, Finding, Origin, Severity};
use crate::rounding::Rounding;

pub use rate::AgeBand;

// Stable finding ids of the copayment (docs/FINDINGS.md).
pub const BURDEN_CONTRADICTS_AGE: &str = "C501.burden-contradicts-age";
pub const INCOME_CLASS_MISSING: &str = "C502.income-class-missing";
pub const INCOME_CLASS_INVALID: &str = "C503.income-class-invalid";
pub const RECIPIENT_MISSING: &str = "C504.public-fund-recipient";
pub const PAYER_NUMBER: &str = "C505.public-fund-payer-number";
pub const UNKNOWN_FUND: &str = "C506.public-fund-unknown";
pub const FUND_CAP_MISSING: &str = "C507.public-fund-cap-missing";
pub const TOO_MANY_FUNDS: &str = "C508.too-many-public-funds";
pub const SCHEME_AGE: &str = "C509.scheme-age";
pub const FUND_COVERS: &str = "C510.public-fund-covers";
pub const MEALS_INPUT: &str = "C511.meals";
pub const FUND_ORDER: &str = "C512.public-fund-order";
pub const NO_TABLE: &str = "C513.no-table-for-date";
pub const FUND_UNVERIFIED: &str = "C514.public-fund-unverified";
pub const SPECIFIED_DISEASE: &str = "C515.specified-disease-cap";
pub const HIGH_COST_APPLIED: &str = "C520.high-cost-applied";
pub const LINES_MONTH: &str = "C516.lines-not-one-month";
pub const NO_CERTIFICATE: &str = "C522.no-income-class-under-70";
pub const HALVED: &str = "C523.limit-halved-75";
pub const HAIRYO_APPLIED: &str = "C524.kouki-hairyo";
pub const CLASS_NOT_IN_FORCE: &str = "C525.income-class-not-in-force";
pub const MEAL_AMOUNT_UNKNOWN: &str = "C526.meal-amount-unknown";
pub const SPECIAL_NOTE_UNKNOWN: &str = "C527.special-note-unknown";
pub const SEIHO_ELDER_PART: &str = "C528.seiho-elder-teishotoku1";

const CITE_RATE: &str = "健保法74条1項 / 国保法42条1項 (6歳に達する日以後の最初の3月31日以前 2割, 70歳に達する日の属する月の翌月以後 2割・現役並み3割); 高確法67条 (1割・2割・3割)";
const CITE_FUND: &str = "記載要領 別添 法別番号及び制度の略称表; 公費負担者番号の検証番号";
const CITE_CLASS: &str = "健保令42条 / 高確法施行令15条: 所得区分 (限度額適用認定証, 高齢受給者証)";
const CITE_HIGH_COST: &str = "健保法115条, 健保令41条・42条";

/// 所得区分 (限度額適用認定証 / 高齢受給者証 / 後期高齢者医療被保険者証).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomeClass {
    /// 区分ア (標準報酬月額83万円以上)
    A,
    /// 区分イ (53万〜79万円)
    I,
    /// 区分ウ (28万〜50万円)
    U,
    /// 区分エ (26万円以下)
    E,
    /// 区分オ (住民税非課税)
    O,
    /// 現役並みⅢ (課税所得690万円以上)
    Genekinami3,
    /// 現役並みⅡ (380万円以上)
    Genekinami2,
    /// 現役並みⅠ (145万円以上)
    Genekinami1,
    /// 一般 (70〜74歳)
    Ippan,
    /// 一般Ⅰ (後期 1割)
    Ippan1,
    /// 一般Ⅱ (後期 2割, 2022-10-01〜)
    Ippan2,
    /// 低所得Ⅱ
    Teishotoku2,
    /// 低所得Ⅰ
    Teishotoku1,
    // 70歳未満, 2027-08-01 onward: the 13 区分 named by their 標準報酬月額 band (the 住民税非課税
    // 区分 stays オ). MHLW 「高額療養費制度の見直しについて（令和8年8月診療分から）」
    // https://www.mhlw.go.jp/content/001726232.pdf. The codes a 限度額適用認定証 / マイナ資格確認
    // will carry for them were not found, so santei names them by the band (docs/CLAIM_FORMAT.md).
    /// 標準報酬月額 127万円以上 (2027-08-01〜)
    Hyoho127,
    /// 標準報酬月額 103万〜121万円 (2027-08-01〜)
    Hyoho103,
    /// 標準報酬月額 83万〜98万円 (2027-08-01〜)
    Hyoho83,
    /// 標準報酬月額 71万〜79万円 (2027-08-01〜)
    Hyoho71,
    /// 標準報酬月額 62万〜68万円 (2027-08-01〜)
    Hyoho62,
    /// 標準報酬月額 53万〜59万円 (2027-08-01〜)
    Hyoho53,
    /// 標準報酬月額 44万〜50万円 (2027-08-01〜)
    Hyoho44,
    /// 標準報酬月額 36万〜41万円 (2027-08-01〜)
    Hyoho36,
    /// 標準報酬月額 28万〜34万円 (2027-08-01〜)
    Hyoho28,
    /// 標準報酬月額 20万〜26万円 (2027-08-01〜)
    Hyoho20,
    /// 標準報酬月額 16万〜19万円 (2027-08-01〜)
    Hyoho16,
    /// 標準報酬月額 15万円以下 (2027-08-01〜)
    Hyoho15,
}

/// The 70歳未満 標準報酬月額 bands of 2027-08-01 (the 13 区分 without オ): the class, how it is
/// written (`標報` + band), and the 5-区分 class whose band contains it.
const HYOHO_BANDS: [(IncomeClass, &str, IncomeClass); 12] = [
    (IncomeClass::Hyoho127, "127万以上", IncomeClass::A),
    (IncomeClass::Hyoho103, "103〜121万", IncomeClass::A),
    (IncomeClass::Hyoho83, "83〜98万", IncomeClass::A),
    (IncomeClass::Hyoho71, "71〜79万", IncomeClass::I),
    (IncomeClass::Hyoho62, "62〜68万", IncomeClass::I),
    (IncomeClass::Hyoho53, "53〜59万", IncomeClass::I),
    (IncomeClass::Hyoho44, "44〜50万", IncomeClass::U),
    (IncomeClass::Hyoho36, "36〜41万", IncomeClass::U),
    (IncomeClass::Hyoho28, "28〜34万", IncomeClass::U),
    (IncomeClass::Hyoho20, "20〜26万", IncomeClass::E),
    (IncomeClass::Hyoho16, "16〜19万", IncomeClass::E),
    (IncomeClass::Hyoho15, "15万以下", IncomeClass::E),
];

/// A 標準報酬月額 band as written: `標報44〜50万`, `標準報酬月額44万〜50万円`, `標報44-50万`,
/// `標報127万以上`, `標報15万以下` (full-width digits, `～`, `~`, `-`, `－` accepted).
fn parse_hyoho(t: &str) -> Option<IncomeClass> {
    let rest = t
        .strip_prefix("標準報酬月額")
        .or_else(|| t.strip_prefix("標報"))?;
    let mut n = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '０'..='９' => n.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            '～' | '~' | '-' | '－' | '〜' => n.push('〜'),
            '円' | ' ' | '　' => {}
            c => n.push(c),
        }
    }
    // `44万〜50万` → `44〜50万`
    let n = match n.split_once("万〜") {
        Some((a, b)) => format!("{a}〜{b}"),
        None => n,
    };
    HYOHO_BANDS
        .iter()
        .find(|(_, w, _)| *w == n)
        .map(|(c, _, _)| *c)
}

impl IncomeClass {
    /// Reads the 区分 as written on the certificate: `ア`〜`オ` (or `区ア` …), `現役並みⅢ` (Ⅲ/3/III),
    /// `一般`, `一般Ⅰ`, `一般Ⅱ`, `低所得Ⅱ`, `低所得Ⅰ`.
    pub fn parse(s: &str) -> Option<IncomeClass> {
        let t = s.trim();
        if let Some(c) = parse_hyoho(t) {
            return Some(c);
        }
        let t = t.strip_prefix('区').unwrap_or(t);
        // Roman numerals as written (Ⅰ Ⅱ Ⅲ), ASCII (I II III) or digits (1 2 3, full width too).
        let (stem, n) = match t.char_indices().find(|(_, c)| {
            matches!(
                c,
                'Ⅰ' | 'Ⅱ' | 'Ⅲ' | 'I' | '1' | '2' | '3' | '１' | '２' | '３'
            )
        }) {
            Some((i, _)) => {
                let n = match &t[i..] {
                    "Ⅰ" | "I" | "1" | "１" => 1,
                    "Ⅱ" | "II" | "2" | "２" => 2,
                    "Ⅲ" | "III" | "3" | "３" => 3,
                    _ => return None,
                };
                (&t[..i], n)
            }
            None => (t, 0),
        };
        Some(match (stem, n) {
            ("ア", 0) => IncomeClass::A,
            ("イ", 0) => IncomeClass::I,
            ("ウ", 0) => IncomeClass::U,
            ("エ", 0) => IncomeClass::E,
            ("オ", 0) => IncomeClass::O,
            ("現役並み" | "現役", 3) => IncomeClass::Genekinami3,
            ("現役並み" | "現役", 2) => IncomeClass::Genekinami2,
            ("現役並み" | "現役", 1) => IncomeClass::Genekinami1,
            ("一般", 0) => IncomeClass::Ippan,
            ("一般", 1) => IncomeClass::Ippan1,
            ("一般", 2) => IncomeClass::Ippan2,
            ("低所得" | "低所得者", 2) => IncomeClass::Teishotoku2,
            ("低所得" | "低所得者", 1) => IncomeClass::Teishotoku1,
            _ => return None,
        })
    }

    pub fn japanese(self) -> &'static str {
        match self {
            IncomeClass::A => "区分ア",
            IncomeClass::I => "区分イ",
            IncomeClass::U => "区分ウ",
            IncomeClass::E => "区分エ",
            IncomeClass::O => "区分オ",
            IncomeClass::Genekinami3 => "現役並みⅢ",
            IncomeClass::Genekinami2 => "現役並みⅡ",
            IncomeClass::Genekinami1 => "現役並みⅠ",
            IncomeClass::Ippan => "一般",
            IncomeClass::Ippan1 => "一般Ⅰ",
            IncomeClass::Ippan2 => "一般Ⅱ",
            IncomeClass::Teishotoku2 => "低所得Ⅱ",
            IncomeClass::Teishotoku1 => "低所得Ⅰ",
            IncomeClass::Hyoho127 => "標報127万以上",
            IncomeClass::Hyoho103 => "標報103〜121万",
            IncomeClass::Hyoho83 => "標報83〜98万",
            IncomeClass::Hyoho71 => "標報71〜79万",
            IncomeClass::Hyoho62 => "標報62〜68万",
            IncomeClass::Hyoho53 => "標報53〜59万",
            IncomeClass::Hyoho44 => "標報44〜50万",
            IncomeClass::Hyoho36 => "標報36〜41万",
            IncomeClass::Hyoho28 => "標報28〜34万",
            IncomeClass::Hyoho20 => "標報20〜26万",
            IncomeClass::Hyoho16 => "標報16〜19万",
            IncomeClass::Hyoho15 => "標報15万以下",
        }
    }

    /// A 2027-08 標準報酬月額 band (`標報…`).
    pub fn is_hyoho_band(self) -> bool {
        HYOHO_BANDS.iter().any(|(c, _, _)| *c == self)
    }

    /// The 5-区分 class (ア〜エ) whose 標準報酬月額 range contains a 2027-08 band: 標報40万 is
    /// within ウ (28万〜50万). `None` for every other class.
    pub fn five_class(self) -> Option<IncomeClass> {
        HYOHO_BANDS
            .iter()
            .find(|(c, _, _)| *c == self)
            .map(|(_, _, old)| *old)
    }

    /// The 2027-08 bands a 5-区分 class splits into (ア → 127万以上, 103〜121万, 83〜98万 …).
    pub fn bands_of(self) -> Vec<IncomeClass> {
        HYOHO_BANDS
            .iter()
            .filter(|(_, _, old)| *old == self)
            .map(|(c, _, _)| *c)
            .collect()
    }

    /// 上位所得 (70歳未満 標準報酬月額 53万円以上: ア・イ and the bands within them), for the
    /// 20,000円 マル長 of 人工透析 (健保令42条9項).
    pub fn is_upper_under70(self) -> bool {
        matches!(self, IncomeClass::A | IncomeClass::I)
            || matches!(self.five_class(), Some(IncomeClass::A | IncomeClass::I))
    }

    /// The row of the limit table (後期 一般Ⅰ/Ⅱ share the 一般 limits).
    pub fn limit_class(self) -> IncomeClass {
        match self {
            IncomeClass::Ippan1 | IncomeClass::Ippan2 => IncomeClass::Ippan,
            c => c,
        }
    }

    /// A 70歳未満 区分 (ア〜オ).
    pub fn is_under70(self) -> bool {
        matches!(
            self,
            IncomeClass::A | IncomeClass::I | IncomeClass::U | IncomeClass::E | IncomeClass::O
        ) || self.is_hyoho_band()
    }

    pub fn is_genekinami(self) -> bool {
        matches!(
            self,
            IncomeClass::Genekinami1 | IncomeClass::Genekinami2 | IncomeClass::Genekinami3
        )
    }

    /// レセプト 特記事項 of the 区分 (記載要領 別表 レセプト特記事項: 26 区ア … 30 区オ; 現役並みⅢ/Ⅱ/Ⅰ use 26/27/28).
    pub fn special_note(self) -> Option<&'static str> {
        match self {
            IncomeClass::A | IncomeClass::Genekinami3 => Some("26"),
            IncomeClass::I | IncomeClass::Genekinami2 => Some("27"),
            IncomeClass::U | IncomeClass::Genekinami1 => Some("28"),
            IncomeClass::E => Some("29"),
            IncomeClass::O => Some("30"),
            _ => None,
        }
    }
}

impl Serialize for IncomeClass {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.japanese())
    }
}

/// How the 公費 part of an under-70 claim is capped (MHLW H27 事例14–31 use the ウ formula, the
/// W-C10 難病 事例2 the own 区分; the 保険局 通知 on 公費 and 高額療養費 was not found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Under70PublicLimit {
    /// Per 法別番号 ([`tables::PublicScheme::under70`]): the ウ formula for 特定給付対象療養
    /// (結核, 自立支援 …; MHLW H27 事例14–31), the own 区分 for 難病 54 / 小慢 52 / 生活保護 12
    /// (W-C10 難病 事例2).
    #[default]
    ByLaw,
    /// The ウ formula for every 公費.
    UFormula,
    /// The patient's own 区分 for every 公費.
    OwnClass,
}

/// How the KO 負担金額 (the patient's share under a 公費) is written (the 記載要領 text on its
/// rounding was not found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PublicReceiptRounding {
    /// 10円 四捨五入 like the 窓口, except an amount fixed by a limit or cap, which is written to the
    /// yen.
    #[default]
    TenYenUnlessLimited,
    /// Always to the yen.
    Yen,
}

/// What a 70歳以上 claim without 所得区分 gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingOver70Class {
    /// An error finding and no copayment (the issue's rule: never a guessed amount).
    #[default]
    Refuse,
    /// The 区分 that applies without 限度額適用認定証: 現役並みⅢ for 3割, 一般 for 1割/2割
    /// (requires `burden_percent`).
    FromRate,
}

/// When the HO 負担金額 (医療保険) is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HoCopay {
    /// Only when a limit (高額療養費, マル長, 配慮措置) changed the 一部負担金, and on 入院 claims
    /// (UKE_LAYOUT HO 11: "written only when required").
    #[default]
    WhenLimited,
    /// Always.
    Always,
}

/// Choices where no primary text found settles a rule. `Default` is what santei uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CopaySettings {
    pub under70_public_limit: Under70PublicLimit,
    pub public_receipt_rounding: PublicReceiptRounding,
    pub missing_over70_class: MissingOver70Class,
    pub ho_copay: HoCopay,
}

impl CopaySettings {
    pub const DEFAULT: CopaySettings = CopaySettings {
        under70_public_limit: Under70PublicLimit::ByLaw,
        public_receipt_rounding: PublicReceiptRounding::TenYenUnlessLimited,
        missing_over70_class: MissingOver70Class::Refuse,
        ho_copay: HoCopay::WhenLimited,
    };
}

/// 地方単独 公費 schemes a user supplies as data (JSON), looked up by 公費負担者番号 prefix (the
/// longest matching `payer_prefix`) or by 法別番号. A scheme written in the claim
/// (`PublicFund.local`) takes precedence.
///
/// ```
/// let s = santei_engine::copay::LocalSchemes::from_json(r#"[
///   {"law_number": "88", "payer_prefix": "8813", "name": "子ども医療費助成", "patient_percent": 0}
/// ]"#.as_bytes()).unwrap();
/// assert_eq!(s.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalSchemes {
    schemes: Vec<LocalSchemeEntry>,
}

/// One entry of a [`LocalSchemes`] file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalSchemeEntry {
    /// 法別番号 (2 digits)
    pub law_number: String,
    /// 公費負担者番号 prefix (e.g. `8813` = 法別 88, 東京都), when the scheme is not the same
    /// everywhere.
    #[serde(default)]
    pub payer_prefix: Option<String>,
    #[serde(flatten)]
    pub scheme: LocalScheme,
}

impl LocalSchemes {
    pub const EMPTY: LocalSchemes = LocalSchemes {
        schemes: Vec::new(),
    };

    /// Reads a JSON array of [`LocalSchemeEntry`].
    pub fn from_json(json: &[u8]) -> Result<LocalSchemes, serde_json::Error> {
        Ok(LocalSchemes {
            schemes: serde_json::from_slice(json)?,
        })
    }

    pub fn len(&self) -> usize {
        self.schemes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.schemes.is_empty()
    }

    /// The scheme of a 公費.
    pub fn find(&self, fund: &PublicFund) -> Option<&LocalScheme> {
        let payer = fund.payer_number.as_deref().unwrap_or("");
        self.schemes
            .iter()
            .filter(|e| e.law_number == fund.law_number)
            .filter(|e| {
                e.payer_prefix
                    .as_deref()
                    .is_none_or(|p| payer.starts_with(p))
            })
            .max_by_key(|e| e.payer_prefix.as_ref().map_or(0, |p| p.len()))
            .map(|e| &e.scheme)
    }
}

/// The copayment of a claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Copay {
    /// 負担割合 (%) of the insurance; absent for a 公費単独 claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burden_percent: Option<u8>,
    /// Age band at the date of care.
    pub age_band: AgeBand,
    /// 所得区分 used for the limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub income_class: Option<IncomeClass>,
    /// 請求点数 (合計点数)
    pub total_points: i64,
    /// 医療費 (10割) = 点数 × 10円
    pub medical_cost_yen: i64,
    /// 一部負担金 before 高額療養費 (医療費 × 負担割合; 公費単独: 0)
    pub copay_before_limit_yen: i64,
    /// 一部負担金 after 高額療養費 and マル長 (to the yen)
    pub copay_yen: i64,
    /// 高額療養費 paid in kind (現物給付) = before − after
    pub high_cost_yen: i64,
    /// 保険者負担 = 医療費 − 一部負担金 (0 for 公費単独)
    pub insurer_yen: i64,
    /// Each 公費, in priority order.
    pub public_funds: Vec<FundCopay>,
    /// What the patient owes for the month (after 公費 and every limit), to the yen.
    pub patient_yen: i64,
    /// What the 窓口 collects over the month: Σ of the visits' `window_yen`.
    pub window_yen: i64,
    /// 入院時食事療養 標準負担額 (outside the 一部負担金, not part of 高額療養費).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meals: Option<MealCopay>,
    /// Per day of care, in date order.
    pub visits: Vec<VisitCopay>,
    /// The amounts of the UKE HO / KO records.
    pub receipt: ReceiptCopay,
    /// 負担区分 of each result line (parallel to `lines`): `1` 医保単独, `2` 医保+第1公費 … (UKE
    /// 別表 負担区分コード).
    pub burden_kubun: Vec<&'static str>,
    pub explain: Vec<String>,
}

/// One 公費's share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FundCopay {
    /// 1 = 第1公費 … 4
    pub priority: u8,
    pub law_number: String,
    pub name: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_number: Option<String>,
    /// Points of the lines it covers (KO 合計点数)
    pub points: i64,
    /// Days with lines it covers (KO 診療実日数)
    pub days: u32,
    /// The amount left to the patient when this 公費 starts (公費給付対象 一部負担金)
    pub target_yen: i64,
    /// What the 公費 pays (公費負担額)
    pub pays_yen: i64,
    /// The patient's share under this 公費 (KO 負担金額, to the yen)
    pub patient_yen: i64,
    /// 自己負担上限額 (円/月) applied
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap_yen: Option<i64>,
    /// The law or scheme of the 公費.
    pub citation: &'static str,
    pub explain: Vec<String>,
}

/// One day's copayment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitCopay {
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
    /// 請求点数 of the day
    pub points: i64,
    pub medical_cost_yen: i64,
    /// 一部負担金 of the day after limits (to the yen)
    pub copay_yen: i64,
    /// 高額療養費 of the day (the part of the monthly 高額療養費 that fell on it)
    pub high_cost_yen: i64,
    /// What each 公費 pays for the day, in priority order
    pub public_yen: Vec<i64>,
    /// The patient's exact share of the day
    pub patient_yen: i64,
    /// The amount collected at the 窓口 (10円 四捨五入, or to the yen once a limit applies)
    pub window_yen: i64,
    pub explain: Vec<String>,
}

fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// 入院時食事療養 of the month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MealCopay {
    pub count: u32,
    pub class: MealClass,
    /// 標準負担額 per meal (円)
    pub standard_yen: i64,
    /// What the patient pays (円)
    pub patient_yen: i64,
    /// What each 公費 pays of the 標準負担額, in priority order
    pub public_yen: Vec<i64>,
    pub explain: Vec<String>,
}

/// The money fields of the UKE records of the claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceiptCopay {
    /// HO 保険者 (absent for 公費単独)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ho: Option<HoRecord>,
    /// KO 公費, in priority order
    pub ko: Vec<KoRecord>,
    /// RE レセプト特記事項 for the limits (26–30 区ア〜区オ / 現役並み, 02 長)
    pub special_notes: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoRecord {
    /// 診療実日数 (HO 4)
    pub days: u32,
    /// 合計点数 (HO 5)
    pub total_points: i64,
    /// 食事・生活療養 回数 (HO 7)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meal_count: Option<u32>,
    /// 食事・生活療養 合計金額 (HO 8) = 食事療養の費用 − 標準負担額, when the cost is given
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meal_total_yen: Option<i64>,
    /// 負担金額 (医療保険) (HO 11), per [`HoCopay`]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copay_yen: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KoRecord {
    /// 負担者番号 (KO 1)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer_number: Option<String>,
    /// 受給者番号 (KO 2)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_number: Option<String>,
    /// 診療実日数 (KO 4)
    pub days: u32,
    /// 合計点数 (KO 5)
    pub total_points: i64,
    /// 負担金額 (公費) (KO 6), rounded per [`PublicReceiptRounding`]
    pub copay_yen: i64,
    /// 公費給付対象外来一部負担金 (KO 7) / 入院 (KO 8)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outpatient_target_yen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inpatient_target_yen: Option<i64>,
    /// 食事・生活療養 回数 / 金額 (KO 10, 11) for a 公費 that pays meals
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meal_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meal_total_yen: Option<i64>,
}

/// Computes the copayment with the default settings and sets `result.copay`; findings are added
/// to `result.findings`. Called by [`crate::Engine::calculate`].
pub fn attach(claim: &Claim, result: &mut ClaimResult) {
    attach_with(claim, result, &CopaySettings::DEFAULT, &LocalSchemes::EMPTY);
}

/// [`attach`] with settings and user-supplied 地方単独 schemes.
pub fn attach_with(
    claim: &Claim,
    result: &mut ClaimResult,
    settings: &CopaySettings,
    schemes: &LocalSchemes,
) {
    let mut findings = Vec::new();
    let copay = compute(claim, result, settings, schemes, &mut findings);
    result.findings.extend(findings);
    result.copay = copay;
}

/// One billed line as the copayment sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePoints<'a> {
    pub date: Date,
    /// 点数 × 回数
    pub points: i64,
    /// Claim path of the item (for `PublicFund.covers`).
    pub path: &'a str,
}

/// The copayment of a claim whose points are `result`. `None` (with an error finding) when the
/// input cannot give an amount, or (with an info finding) when the claim carries no insurance.
pub fn compute(
    claim: &Claim,
    result: &ClaimResult,
    settings: &CopaySettings,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
) -> Option<Copay> {
    let lines: Vec<LinePoints<'_>> = result
        .lines
        .iter()
        .map(|l| LinePoints {
            date: l.date,
            points: l.points.unwrap_or(0) * i64::from(l.times),
            path: line_path(&l.origin),
        })
        .collect();
    compute_lines(claim, &lines, settings, schemes, findings)
}

/// The copayment of a claim from its billed lines (one entry per result line, in result order;
/// `burden_kubun` follows that order). Use it for claims whose points come from elsewhere (入院,
/// a UKE file).
pub fn compute_lines(
    claim: &Claim,
    lines: &[LinePoints<'_>],
    settings: &CopaySettings,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
) -> Option<Copay> {
    let ins = &claim.insurance;
    let insured =
        ins.scheme.is_some() || ins.burden_percent.is_some() || ins.income_class.is_some();
    if !insured && ins.public_funds.is_empty() {
        // A points-only claim: no copayment, and nothing to report.
        return None;
    }
    if let (Some(a), Some(b)) = (
        lines.iter().map(|l| l.date).min(),
        lines.iter().map(|l| l.date).max(),
    ) {
        if (a.year(), a.month()) != (b.year(), b.month()) {
            error(
                findings,
                LINES_MONTH,
                "visits",
                CITE_RATE,
                format!("lines from {a} to {b}: a copayment is computed for one calendar month"),
            );
            return None;
        }
    }
    let errors_before = count_errors(findings);
    let first = claim.visits.iter().map(|v| v.date).min()?;
    let last = claim.visits.iter().map(|v| v.date).max()?;
    let rates = rate::decide(claim, first, last, insured, settings, findings);
    let funds = resolve_funds(claim, lines, first, insured, schemes, findings);
    let meals = validate_meals(claim, findings);
    let (Some(rates), Some(funds)) = (rates, funds) else {
        return None;
    };
    if count_errors(findings) > errors_before || !meals {
        return None;
    }
    let copay = calc::run(claim, lines, settings, rates, &funds, findings)?;
    drop_needless_c522(&copay, first, ins.many_times, findings);
    Some(copay)
}

/// C522 (70歳未満 without 所得区分) only when a limit could have applied: the month's 一部負担金
/// reaches the lowest 70歳未満 limit in force (オ, or its 多数回 amount). Below it no 所得区分
/// changes the amount, and the note would be on nearly every claim.
fn drop_needless_c522(copay: &Copay, date: Date, many_times: bool, findings: &mut Vec<Finding>) {
    let lowest = tables::LIMITS
        .iter()
        .filter(|r| r.band == tables::Band::Under70 && tables::in_force(r.from, r.until, date))
        .map(|r| match (many_times, r.many_times) {
            (true, Some(m)) => m,
            _ => r.household.base,
        })
        .min();
    if lowest.is_some_and(|l| copay.copay_before_limit_yen < l) {
        findings.retain(|f| f.rule != NO_CERTIFICATE);
    }
}

fn count_errors(f: &[Finding]) -> usize {
    f.iter().filter(|f| f.severity == Severity::Error).count()
}

pub(crate) fn error(
    findings: &mut Vec<Finding>,
    rule: &'static str,
    path: impl Into<String>,
    citation: &'static str,
    message: String,
) {
    findings.push(Finding::new(
        rule,
        Severity::Error,
        path,
        citation,
        vec![],
        message,
    ));
}

/// A 公費 of the claim, resolved to its rules.
#[derive(Debug, Clone)]
pub(crate) struct Fund {
    pub law: String,
    pub name: Cow<'static, str>,
    pub payer: Option<String>,
    pub recipient: Option<String>,
    /// ‰ of the 医療費 the patient keeps under the 公費 (`None`: what is left to them).
    pub permille: Option<i64>,
    pub per_visit: Option<i64>,
    pub max_visits: Option<u32>,
    pub cap: Option<i64>,
    pub under70: tables::Under70PartLimit,
    /// 70歳以上: the 区分 whose limit caps this 公費's part when not the patient's own (生活保護).
    pub elder_part_class: Option<IncomeClass>,
    pub meals: tables::MealCover,
    /// Claim paths it covers (`None`: all).
    pub covers: Option<Vec<String>>,
    pub citation: &'static str,
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// 公費負担者番号 検証番号: weights 2,1,2,1,2,1,2 from the left, digits of products ≥ 10 added,
/// check = (10 − sum mod 10) mod 10 (a published 負担者番号: 54016027 → 7).
pub fn payer_check_digit(first7: &str) -> Option<u8> {
    if !digits(first7, 7) {
        return None;
    }
    let mut sum = 0u32;
    for (i, b) in first7.bytes().enumerate() {
        let v = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
        sum += v / 10 + v % 10;
    }
    Some(((10 - sum % 10) % 10) as u8)
}

fn resolve_funds(
    claim: &Claim,
    lines: &[LinePoints<'_>],
    date: Date,
    insured: bool,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
) -> Option<Vec<Fund>> {
    let list = &claim.insurance.public_funds;
    if list.is_empty() {
        return Some(Vec::new());
    }
    let mut ok = true;
    if list.len() > 4 {
        error(
            findings,
            TOO_MANY_FUNDS,
            "insurance.public_funds",
            CITE_FUND,
            format!(
                "{} 公費 given: a receipt carries at most four (第1〜第4公費)",
                list.len()
            ),
        );
        return None;
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, f) in list.iter().enumerate() {
        let path = format!("insurance.public_funds[{i}]");
        if !digits(&f.law_number, 2) {
            error(
                findings,
                UNKNOWN_FUND,
                format!("{path}.law_number"),
                CITE_FUND,
                format!("法別番号 `{}` is not two digits", f.law_number),
            );
            ok = false;
            continue;
        }
        let local = f.local.as_ref().or_else(|| schemes.find(f));
        let national = tables::national(&f.law_number, date);
        if let Some(p) = local.and_then(|l| l.patient_percent).filter(|p| *p > 100) {
            error(
                findings,
                UNKNOWN_FUND,
                format!("{path}.local.patient_percent"),
                CITE_FUND,
                format!("patient_percent {p}: a share of the 医療費 is 0–100%"),
            );
            ok = false;
        }
        let fund = match (local, national) {
            (Some(l), _) => Fund {
                law: f.law_number.clone(),
                name: Cow::Owned(
                    l.name
                        .clone()
                        .unwrap_or_else(|| format!("地方単独 公費 (法別{})", f.law_number)),
                ),
                payer: f.payer_number.clone(),
                recipient: f.recipient_number.clone(),
                permille: l.patient_percent.map(|p| i64::from(p) * 10),
                per_visit: l.per_visit_yen.map(i64::from),
                max_visits: l.max_charged_visits,
                cap: f.monthly_cap_yen.or(l.monthly_cap_yen).map(i64::from),
                under70: tables::Under70PartLimit::UFormula,
                elder_part_class: None,
                meals: tables::MealCover::None,
                covers: f.covers.clone(),
                citation: "地方単独 公費: the scheme given as data (PublicFund.local / LocalSchemes)",
            },
            (None, Some(n)) => {
                if n.cap_required && f.monthly_cap_yen.is_none() {
                    error(
                        findings,
                        FUND_CAP_MISSING,
                        format!("{path}.monthly_cap_yen"),
                        n.citation,
                        format!(
                            "法別{} {}: the 受給者証's 自己負担上限額 is required",
                            n.law, n.name
                        ),
                    );
                    ok = false;
                } else if f.monthly_cap_yen.is_none()
                    && n.default_cap.is_none()
                    && n.patient_permille == Some(100)
                {
                    // 自立支援医療 and the like: 1割 with a 負担上限月額 on the 受給者証.
                    findings.push(Finding::new(
                        FUND_CAP_MISSING,
                        Severity::Warning,
                        format!("{path}.monthly_cap_yen"),
                        n.citation,
                        vec![],
                        format!(
                            "法別{} {}: no 負担上限月額 given; only the {}% share and the insurance limits apply",
                            n.law,
                            n.name,
                            n.patient_permille.unwrap_or(0) / 10
                        ),
                    ));
                }
                if !n.verified {
                    findings.push(Finding::new(
                        FUND_UNVERIFIED,
                        Severity::Info,
                        path.clone(),
                        n.citation,
                        vec![],
                        format!(
                            "法別{} {}: the patient share comes from santei's 法別番号 table, not checked against the 実施要綱 (記載要領 別添 法別番号表 only)",
                            n.law, n.name
                        ),
                    ));
                }
                Fund {
                    law: f.law_number.clone(),
                    name: Cow::Borrowed(n.name),
                    payer: f.payer_number.clone(),
                    recipient: f.recipient_number.clone(),
                    permille: n.patient_permille,
                    per_visit: None,
                    max_visits: None,
                    cap: f.monthly_cap_yen.map(i64::from).or(n.default_cap),
                    under70: n.under70,
                    elder_part_class: n.elder_part_class,
                    meals: n.meals,
                    covers: f.covers.clone(),
                    citation: n.citation,
                }
            }
            (None, None) => {
                error(
                    findings,
                    UNKNOWN_FUND,
                    format!("{path}.law_number"),
                    CITE_FUND,
                    format!(
                        "法別{} is not a national 公費 santei knows on {date}; a 地方単独 公費 needs its scheme (`local`, or a LocalSchemes file)",
                        f.law_number
                    ),
                );
                ok = false;
                continue;
            }
        };
        // 負担者番号: 8 digits, 法別番号 first, 検証番号 last.
        match &f.payer_number {
            None => {
                error(
                    findings,
                    PAYER_NUMBER,
                    format!("{path}.payer_number"),
                    CITE_FUND,
                    format!(
                        "法別{}: the 公費負担者番号 (8 digits) is required (KO 1)",
                        f.law_number
                    ),
                );
                ok = false;
            }
            Some(p) => {
                let check = payer_check_digit(p.get(..7).unwrap_or(""));
                if !digits(p, 8) || !p.starts_with(&f.law_number) {
                    error(
                        findings,
                        PAYER_NUMBER,
                        format!("{path}.payer_number"),
                        CITE_FUND,
                        format!(
                            "公費負担者番号 `{p}` must be 8 digits beginning with the 法別番号 {}",
                            f.law_number
                        ),
                    );
                    ok = false;
                } else if check != Some(p.as_bytes()[7] - b'0') {
                    error(
                        findings,
                        PAYER_NUMBER,
                        format!("{path}.payer_number"),
                        CITE_FUND,
                        format!(
                            "公費負担者番号 `{p}`: 検証番号 should be {}",
                            check.unwrap_or(0)
                        ),
                    );
                    ok = false;
                }
            }
        }
        let recipient_required = local
            .map(|l| l.recipient_required.unwrap_or(true))
            .unwrap_or_else(|| national.is_none_or(|n| n.recipient_required));
        match &f.recipient_number {
            None if recipient_required => {
                error(
                    findings,
                    RECIPIENT_MISSING,
                    format!("{path}.recipient_number"),
                    CITE_FUND,
                    format!(
                        "法別{} {}: the 受給者番号 (7 digits) is required (KO 2)",
                        f.law_number, fund.name
                    ),
                );
                ok = false;
            }
            Some(r) if !digits(r, 7) => {
                error(
                    findings,
                    RECIPIENT_MISSING,
                    format!("{path}.recipient_number"),
                    CITE_FUND,
                    format!("受給者番号 `{r}` must be 7 digits"),
                );
                ok = false;
            }
            _ => {}
        }
        if let Some(c) = &f.covers {
            for (k, p) in c.iter().enumerate() {
                let hit = lines.iter().any(|l| covers_path(p, l.path));
                if !hit {
                    error(
                        findings,
                        FUND_COVERS,
                        format!("{path}.covers[{k}]"),
                        CITE_FUND,
                        format!("`{p}` names no billed line of the claim"),
                    );
                    ok = false;
                }
            }
        }
        out.push(fund);
    }
    // Priority: 法別 order among national 公費, 生活保護 (12, 25) last among them, 地方単独 after.
    let key = |f: &PublicFund| -> (u8, u8) {
        let law: u8 = f.law_number.parse().unwrap_or(99);
        match tables::national(&f.law_number, date) {
            _ if f.local.is_some() || schemes.find(f).is_some() => (2, law),
            Some(n) if n.last => (1, law),
            Some(_) => (0, law),
            None => (2, law),
        }
    };
    if list.windows(2).any(|w| key(&w[0]) > key(&w[1])) {
        findings.push(Finding::new(
            FUND_ORDER,
            Severity::Warning,
            "insurance.public_funds",
            "記載要領: 公費の順位 (法別番号順, 生活保護は国の公費の最後, 地方単独はその後)",
            vec![],
            "the 公費 are not in the usual priority order; santei applies them in the order given",
        ));
    }
    if !insured && list.iter().all(|f| f.covers.is_some()) {
        // 公費単独: every line needs a 公費.
        let uncovered = lines.iter().any(|l| {
            l.points != 0
                && !list.iter().any(|f| {
                    f.covers
                        .as_ref()
                        .is_some_and(|c| c.iter().any(|p| covers_path(p, l.path)))
                })
        });
        if uncovered {
            error(
                findings,
                FUND_COVERS,
                "insurance.public_funds",
                CITE_FUND,
                "公費単独 claim: some billed lines are covered by no 公費 (and there is no insurance)"
                    .into(),
            );
            ok = false;
        }
    }
    ok.then_some(out)
}

pub(crate) fn line_path(o: &Origin) -> &str {
    match o {
        Origin::Claimed { path } => path,
        Origin::Derived { base_path, .. } => base_path,
    }
}

/// `visits[0]` covers `visits[0].items[3]`, not `visits[01]…` nor `visits[0]x`.
pub(crate) fn covers_path(cover: &str, path: &str) -> bool {
    path.strip_prefix(cover)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn validate_meals(claim: &Claim, findings: &mut Vec<Finding>) -> bool {
    let n: u64 = claim.meals.iter().map(|m| u64::from(m.count)).sum();
    if n > 0 && claim.setting == Setting::Outpatient {
        error(
            findings,
            MEALS_INPUT,
            "meals",
            "健保法85条 入院時食事療養費 (入院患者の食事)",
            "meals given on an 入院外 claim".into(),
        );
        return false;
    }
    if n > 3 * 31 {
        error(
            findings,
            MEALS_INPUT,
            "meals",
            "入院時食事療養(Ⅰ) 1日3食を限度",
            format!("{n} meals in one month (at most 3 a day)"),
        );
        return false;
    }
    true
}

/// 10円 四捨五入 of a payment (健保法75条).
pub(crate) fn round10(yen: rust_decimal::Decimal) -> i64 {
    Rounding::HalfUp.to_int(yen / rust_decimal::Decimal::TEN) * 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_of_a_published_number() {
        assert_eq!(payer_check_digit("5401602"), Some(7));
    }

    #[test]
    fn class_spellings() {
        assert_eq!(IncomeClass::parse("区ア"), Some(IncomeClass::A));
        assert_eq!(
            IncomeClass::parse("現役並みⅢ"),
            Some(IncomeClass::Genekinami3)
        );
        assert_eq!(
            IncomeClass::parse("現役並み3"),
            Some(IncomeClass::Genekinami3)
        );
        assert_eq!(IncomeClass::parse("一般Ⅱ"), Some(IncomeClass::Ippan2));
        assert_eq!(
            IncomeClass::parse("低所得Ⅰ"),
            Some(IncomeClass::Teishotoku1)
        );
        assert_eq!(
            IncomeClass::parse("現役並みIII"),
            Some(IncomeClass::Genekinami3)
        );
        assert_eq!(
            IncomeClass::parse("低所得者Ⅱ"),
            Some(IncomeClass::Teishotoku2)
        );
        assert_eq!(IncomeClass::parse("一般２"), Some(IncomeClass::Ippan2));
        assert_eq!(IncomeClass::parse("アⅡ"), None);
        assert_eq!(
            IncomeClass::parse("標報44〜50万"),
            Some(IncomeClass::Hyoho44)
        );
        assert_eq!(
            IncomeClass::parse("標準報酬月額127万円以上"),
            Some(IncomeClass::Hyoho127)
        );
        assert_eq!(
            IncomeClass::parse("標報15万以下"),
            Some(IncomeClass::Hyoho15)
        );
        assert_eq!(
            IncomeClass::parse("標報３６-４１万"),
            Some(IncomeClass::Hyoho36)
        );
        assert_eq!(IncomeClass::parse("標報40万"), None);
        for c in IncomeClass::U.bands_of() {
            assert_eq!(IncomeClass::parse(c.japanese()), Some(c));
            assert_eq!(c.five_class(), Some(IncomeClass::U));
        }
        assert_eq!(IncomeClass::parse("上位"), None);
    }

    #[test]
    fn cover_paths() {
        assert!(covers_path("visits[1]", "visits[1].items[0]"));
        assert!(covers_path("visits[1].items[0]", "visits[1].items[0]"));
        assert!(covers_path(
            "visits[1].items[0]",
            "visits[1].items[0].drugs[2]"
        ));
        assert!(!covers_path("visits[1]", "visits[10].items[0]"));
        assert!(!covers_path("visits[1].items[1]", "visits[1].items[10]"));
    }
}
