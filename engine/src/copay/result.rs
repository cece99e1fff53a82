//! The copayment of a claim as returned: the month, each 公費, each visit, the meals and the
//! values of the UKE HO and KO records.

use super::*;

/// The copayment of a claim.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Copay {
    /// 負担割合 (%) of the insurance; absent for a 公費単独 claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burden_percent: Option<u8>,
    /// Age band at the date of care.
    pub age_band: AgeBand,
    /// 所得区分 used for the limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
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
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub explain: Vec<crate::Explanation>,
}

/// One 公費's share.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub explain: Vec<crate::Explanation>,
}

/// One day's copayment.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VisitCopay {
    #[serde(serialize_with = "ser_date")]
    #[schemars(with = "String")]
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
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub explain: Vec<crate::Explanation>,
}

use crate::result::ser_date;

/// 入院時食事療養 of the month.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MealCopay {
    pub count: u32,
    pub class: MealClass,
    /// 標準負担額 per meal (円)
    pub standard_yen: i64,
    /// 標準負担額 of the month: 食数 × `standard_yen` (円)
    pub standard_total_yen: i64,
    /// 食事療養に要した費用 (円): the 診療識別 97 lines of the meals served, or `meals.cost_yen`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_yen: Option<i64>,
    /// 入院時食事療養費, what the 保険者 pays: `cost_yen` − `standard_total_yen` (円)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benefit_yen: Option<i64>,
    /// What the patient pays (円)
    pub patient_yen: i64,
    /// What each 公費 pays of the 標準負担額, in priority order
    pub public_yen: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub explain: Vec<crate::Explanation>,
}

/// The money fields of the UKE records of the claim.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ReceiptCopay {
    /// HO 保険者 (absent for 公費単独)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ho: Option<HoRecord>,
    /// KO 公費, in priority order
    pub ko: Vec<KoRecord>,
    /// RE レセプト特記事項 for the limits (26–30 区ア〜区オ / 現役並み, 02 長)
    pub special_notes: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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
