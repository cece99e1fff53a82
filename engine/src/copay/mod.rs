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

mod attach;
mod calc;
mod funds;
mod rate;
mod result;
pub mod tables;

pub use attach::{LinePoints, attach, attach_with, compute, compute_lines};
pub(crate) use attach::{living_refused, round10, round10_whole, whole};
pub use funds::payer_check_digit;
pub(crate) use funds::{Fund, covers_path, line_path};
pub use result::{Copay, FundCopay, HoRecord, KoRecord, MealCopay, ReceiptCopay, VisitCopay};

use std::borrow::Cow;

use santei_masters::Date;
use serde::{Deserialize, Serialize};

use crate::claim::{Claim, LocalScheme, MealClass, PublicFund, Setting};
use crate::result::{ClaimResult, Finding, Origin, Severity};
use crate::rounding::Rounding;

pub use rate::AgeBand;

// Stable finding ids of the copayment (docs/FINDINGS.md).
pub const BURDEN_CONTRADICTS_AGE: &str = "CPY-501.burden-contradicts-age";
pub const INCOME_CLASS_MISSING: &str = "CPY-502.income-class-missing";
pub const INCOME_CLASS_INVALID: &str = "CPY-503.income-class-invalid";
pub const RECIPIENT_MISSING: &str = "CPY-504.public-fund-recipient";
pub const PAYER_NUMBER: &str = "CPY-505.public-fund-payer-number";
pub const UNKNOWN_FUND: &str = "CPY-506.public-fund-unknown";
pub const FUND_CAP_MISSING: &str = "CPY-507.public-fund-cap-missing";
pub const TOO_MANY_FUNDS: &str = "CPY-508.too-many-public-funds";
pub const SCHEME_AGE: &str = "CPY-509.scheme-age";
pub const FUND_COVERS: &str = "CPY-510.public-fund-covers";
pub const MEALS_INPUT: &str = "CPY-511.meals";
pub const FUND_ORDER: &str = "CPY-512.public-fund-order";
pub const NO_TABLE: &str = "CPY-513.no-table-for-date";
pub const FUND_UNVERIFIED: &str = "CPY-514.public-fund-unverified";
pub const SPECIFIED_DISEASE: &str = "CPY-515.specified-disease-cap";
pub const HIGH_COST_APPLIED: &str = "CPY-520.high-cost-applied";
pub const LINES_MONTH: &str = "CPY-516.lines-not-one-month";
pub const NO_CERTIFICATE: &str = "CPY-522.no-income-class-under-70";
pub const HALVED: &str = "CPY-523.limit-halved-75";
pub const HAIRYO_APPLIED: &str = "CPY-524.kouki-hairyo";
pub const CLASS_NOT_IN_FORCE: &str = "CPY-525.income-class-not-in-force";
pub const MEAL_AMOUNT_UNKNOWN: &str = "CPY-526.meal-amount-unknown";
pub const SPECIAL_NOTE_UNKNOWN: &str = "CPY-527.special-note-unknown";
pub const SEIHO_ELDER_PART: &str = "CPY-528.seiho-elder-teishotoku1";

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
        // The 70歳未満 区分 as usually written: one letter, no other spelling to try.
        match t {
            "ア" => return Some(IncomeClass::A),
            "イ" => return Some(IncomeClass::I),
            "ウ" => return Some(IncomeClass::U),
            "エ" => return Some(IncomeClass::E),
            "オ" => return Some(IncomeClass::O),
            _ => {}
        }
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

/// The names front ends give each choice (`santei calc --under70-public-limit by-law`, Python's
/// `EngineBuilder.under70_public_limit("by-law")`), default first: one list, so the CLI and the
/// bindings cannot name a choice two ways (cli/src/settings.rs tests its flags against it).
impl Under70PublicLimit {
    pub const NAMES: &'static [(&'static str, Self)] = &[
        ("by-law", Self::ByLaw),
        ("u-formula", Self::UFormula),
        ("own-class", Self::OwnClass),
    ];
}

impl PublicReceiptRounding {
    pub const NAMES: &'static [(&'static str, Self)] = &[
        ("ten-yen-unless-limited", Self::TenYenUnlessLimited),
        ("yen", Self::Yen),
    ];
}

impl MissingOver70Class {
    pub const NAMES: &'static [(&'static str, Self)] =
        &[("refuse", Self::Refuse), ("from-rate", Self::FromRate)];
}

impl HoCopay {
    pub const NAMES: &'static [(&'static str, Self)] = &[
        ("when-limited", Self::WhenLimited),
        ("always", Self::Always),
    ];
}

/// Choices where no primary text found settles a rule. `Default` is what santei uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CopaySettings {
    pub under70_public_limit: Under70PublicLimit,
    pub public_receipt_rounding: PublicReceiptRounding,
    pub missing_over70_class: MissingOver70Class,
    pub ho_copay: HoCopay,
    /// Build the `explain` texts of the amounts ([`crate::CalcOptions::explain`]). Default: true.
    pub explain: bool,
}

impl CopaySettings {
    pub const DEFAULT: CopaySettings = CopaySettings {
        under70_public_limit: Under70PublicLimit::ByLaw,
        public_receipt_rounding: PublicReceiptRounding::TenYenUnlessLimited,
        missing_over70_class: MissingOver70Class::Refuse,
        ho_copay: HoCopay::WhenLimited,
        explain: true,
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
    #[serde(deserialize_with = "law_number")]
    pub law_number: String,
    /// 公費負担者番号 prefix (e.g. `8813` = 法別 88, 東京都), when the scheme is not the same
    /// everywhere: 2–8 digits, the 法別番号 first.
    #[serde(default, deserialize_with = "payer_prefix")]
    pub payer_prefix: Option<String>,
    #[serde(flatten)]
    pub scheme: LocalScheme,
}

/// A 法別番号 of a schemes file: 2 digits (記載要領 別添 法別番号表), or the file is refused where
/// it says otherwise — a `"8"` or `"088"` would match no 公費 and leave it without its scheme.
fn law_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s)
    } else {
        Err(serde::de::Error::custom(format!(
            "law_number `{s}`: a 法別番号 is 2 digits (記載要領 別添 法別番号表)"
        )))
    }
}

/// A 公費負担者番号 prefix of a schemes file: 2–8 digits (the 公費負担者番号 is 8: 法別番号,
/// 都道府県番号, 実施機関番号, 検証番号).
fn payer_prefix<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    match s {
        Some(p) if !(2..=8).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) => {
            Err(serde::de::Error::custom(format!(
                "payer_prefix `{p}`: a prefix of the 8-digit 公費負担者番号, 2–8 digits"
            )))
        }
        s => Ok(s),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
