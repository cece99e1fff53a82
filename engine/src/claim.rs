//! The claim santei computes: one patient, one month, one insurance, 外来 or 入院 (入院 in part:
//! the items as claimed, at their master points, with the rules; see docs/CLAIM_FORMAT.md). Format
//! `santei.claim/1`, documented in docs/CLAIM_FORMAT.md, with a generated JSON Schema
//! (`santei schema claim`). Unknown fields are errors, so a typo never silently drops data.

use rust_decimal::Decimal;
use santei_masters::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::meals::{MealClass, MealDay, MealKind, Meals};

/// The format identifier every claim carries.
pub const CLAIM_FORMAT: &str = "santei.claim/1";

/// A claim (レセプト単位: one patient, one month, 入院外 or 入院).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Must be `santei.claim/1`.
    pub format: String,
    /// 患者
    pub patient: Patient,
    /// 保険 (保険者, 負担割合, 公費). Used by the copayment; points do not depend on it
    /// except for 後期高齢者 applicability.
    #[serde(default)]
    pub insurance: Insurance,
    /// 医療機関
    #[serde(default)]
    pub facility: Facility,
    /// 入院・入院外. `inpatient` needs `admission_date`, and is computed only in part (finding
    /// INP-701 says what is left out).
    #[serde(default)]
    pub setting: Setting,
    /// 入院年月日 of an `inpatient` claim: the 起算日 of the 入院期間 (告示 第1章第2部 通則5; 通知
    /// 第2部 通則7: for a 再入院 counted with an earlier stay, that stay's 入院日). 入院中 limits
    /// (電子点数表 05 算定単位 133) count from it. Not allowed on an `outpatient` claim.
    #[serde(default, deserialize_with = "input::opt_date")]
    #[schemars(with = "Option<String>")]
    pub admission_date: Option<Date>,
    /// 診療年月 of the claim (`YYYY-MM`). Needed when there are no `visits` (an 入院 month computed
    /// from `stay`); with visits, it must be their month.
    #[serde(default, deserialize_with = "input::opt_month")]
    #[schemars(with = "Option<String>")]
    pub month: Option<Date>,
    /// 入院の経過 (`inpatient` claims): with it santei bills the 入院基本料 of each day of the month
    /// in hospital, its 入院期間加算 and the 外泊 減額 (engine/src/stay/mod.rs).
    #[serde(default)]
    pub stay: Option<Stay>,
    /// 受診日ごとの診療行為. All in one calendar month.
    #[serde(default)]
    pub visits: Vec<Visit>,
    /// Items billed earlier in the same month (earlier claims, other departments): counted for
    /// once-a-month items such as 判断料.
    #[serde(default)]
    pub history: Vec<HistoryItem>,
    /// 入院時食事療養 of the month (入院 claims), for the 標準負担額, given by hand; without it the
    /// copayment takes the 食数 from `stay.meals`.
    #[serde(default)]
    pub meals: Vec<Meals>,
    /// 傷病名 of the claim (for rules that need a 傷病名, e.g. 特定疾患).
    #[serde(default)]
    pub diseases: Vec<ClaimDisease>,
}

impl Claim {
    /// The first day of care of the claim: its earliest visit, else the first day of its stay in
    /// the claim's `month`, else the 1st of `month`. `None` for a claim with neither.
    pub fn first_day(&self) -> Option<Date> {
        let visits = self.visits.iter().map(|v| v.date).min();
        let stay = self.month.and_then(|m| {
            let s = self.stay.as_ref()?;
            crate::stay::days_in_month(s, self.admission_date, m)
                .first()
                .copied()
        });
        match (visits, stay) {
            (Some(v), Some(s)) => Some(v.min(s)),
            (v, s) => v.or(s).or(self.month),
        }
    }
}

/// 入院の経過 of an `inpatient` claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stay {
    /// 今回の入院年月日. Default: `admission_date` (the 起算日), which is earlier for a 再入院 counted
    /// with an earlier stay (通知 第1章第2部 通則7).
    #[serde(default, deserialize_with = "input::opt_date")]
    #[schemars(with = "Option<String>")]
    pub admitted_on: Option<Date>,
    /// 退院年月日. Default: still in hospital at the end of the month.
    #[serde(default, deserialize_with = "input::opt_date")]
    #[schemars(with = "Option<String>")]
    pub discharged_on: Option<Date>,
    /// The 入院料 the patient's ward is 届出 for, from a date: one entry, and one more per transfer
    /// (転棟).
    pub wards: Vec<WardStay>,
    /// 外泊 days: the 入院基本料 is 15/100 of its 基本点数 (通知 第1章第2部 通則6 (1)).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[serde(deserialize_with = "input::dates")]
    pub outings: Vec<Date>,
    /// 食事・生活療養 served (engine/src/meals.rs): the 診療識別 97 lines and the copayment's 食数.
    #[serde(default)]
    pub meals: Vec<MealDay>,
    /// 食事療養標準負担額の区分 of the meals served; default from the 所得区分 and the 公費.
    #[serde(default)]
    pub meal_class: Option<MealClass>,
    /// 医療区分 (1–3) of a patient with 生活療養 meals (療養病床, 65歳以上): the copayment's
    /// 生活療養標準負担額 is computed for 医療区分1 only (engine/src/meals/living.rs); absent or 2–3,
    /// it is refused (CPY-529).
    #[serde(default)]
    pub iryo_kubun: Option<u8>,
}

/// The 入院料 of the ward the patient is in from `from`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WardStay {
    #[serde(deserialize_with = "input::date")]
    #[schemars(with = "String")]
    pub from: Date,
    /// 診療行為コード of the 入院基本料 / 特定入院料 as 届出 (e.g. 190117710 急性期一般入院料１).
    pub fee: String,
}

/// A 傷病名 on the claim (SY).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimDisease {
    /// 傷病名コード (7 digits; 0000999 for 未コード化傷病名)
    pub code: String,
    /// 主病
    #[serde(default)]
    pub main: bool,
}

/// 患者
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// 生年月日 (YYYY-MM-DD)
    #[serde(deserialize_with = "input::date")]
    #[schemars(with = "String")]
    pub birth_date: Date,
    /// 男女区分
    pub sex: Sex,
    /// 出生時体重 (grams), for the 未熟児加算 of 麻酔 (告示 第11部 通則2; 通知 同 通則8: 出生時体重
    /// 2,500g未満 の新生児, 出生後90日以内).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_weight_g: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

/// 保険
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Insurance {
    /// 保険の種類
    #[serde(default)]
    pub scheme: Option<Scheme>,
    /// 本人・家族
    #[serde(default)]
    pub relation: Option<Relation>,
    /// 負担割合 in percent (10, 20, 30) when known; otherwise derived from age.
    #[serde(default)]
    pub burden_percent: Option<u8>,
    /// 所得区分 as written on the 限度額適用認定証 / 高齢受給者証: 70歳未満 `ア`〜`オ` (up to
    /// 2027-07-31) or, from 2027-08-01 (13 区分), the 標準報酬月額 band `標報127万以上`,
    /// `標報103〜121万`, `標報83〜98万`, `標報71〜79万`, `標報62〜68万`, `標報53〜59万`,
    /// `標報44〜50万`, `標報36〜41万`, `標報28〜34万`, `標報20〜26万`, `標報16〜19万`, `標報15万以下`
    /// (住民税非課税: `オ`); 70歳以上 `現役並みⅠ`〜`Ⅲ`, `一般`, `一般Ⅰ`/`一般Ⅱ` (後期), `低所得Ⅰ`/`Ⅱ`.
    /// See docs/CLAIM_FORMAT.md (所得区分).
    #[serde(default)]
    pub income_class: Option<String>,
    /// 公費, in priority order (up to four).
    #[serde(default)]
    pub public_funds: Vec<PublicFund>,
    /// 多数回該当: the 4th or later month in 12 with a 高額療養費 paid to the 世帯, so the
    /// 多数回 limit applies (the insurer's record, not derivable from one claim).
    #[serde(default)]
    pub many_times: bool,
    /// 75歳到達月の自己負担限度額の特例 (half limits). Derived from the birth date when absent (the
    /// patient's 75th birthday falls in the claim's month on a day other than the 1st); set `true`
    /// for a 被扶養者 whose insured person turned 75 this month, `false` to switch it off.
    #[serde(default)]
    pub limit_halved: Option<bool>,
    /// 特定疾病療養受療証 (マル長): 自己負担限度額 10,000 or 20,000 円/月 (人工透析を要する慢性腎不全,
    /// 血友病, HIV). 健保令42条9項; 高確法施行令.
    #[serde(default)]
    pub specified_disease_cap_yen: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// 社保 (健康保険)
    Shaho,
    /// 国保
    Kokuho,
    /// 後期高齢者医療
    Kouki,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 本人
    Insured,
    /// 家族
    Dependent,
}

/// 公費
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicFund {
    /// 法別番号 (2 digits, e.g. `54` 難病)
    pub law_number: String,
    /// 負担者番号 (8 digits)
    #[serde(default)]
    pub payer_number: Option<String>,
    /// 受給者番号 (7 digits)
    #[serde(default)]
    pub recipient_number: Option<String>,
    /// 自己負担上限額 (円/月)
    #[serde(default)]
    pub monthly_cap_yen: Option<u32>,
    /// What the 公費 pays for (負担区分): claim paths of visits (`visits[1]`) or items
    /// (`visits[0].items[2]`); lines added by santei follow their base item. Absent: every line.
    #[serde(default)]
    pub covers: Option<Vec<String>>,
    /// A 地方単独 公費 (法別 8x/9x …) defined in the claim: its patient share, per-visit amount and
    /// cap. National 公費 are known by 法別番号 and need no definition.
    #[serde(default)]
    pub local: Option<LocalScheme>,
}

/// A 地方単独 公費 scheme (医療費助成): what the patient still pays of the amount left to them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalScheme {
    /// 制度の名称 (e.g. `子ども医療費助成`).
    #[serde(default)]
    pub name: Option<String>,
    /// The patient's share as a percentage of the 医療費 (10割) of the lines covered, e.g. 10;
    /// 0 when the scheme pays everything left. Absent: the patient keeps what is left to them,
    /// limited only by `per_visit_yen` and the monthly cap.
    #[serde(default)]
    pub patient_percent: Option<u8>,
    /// A fixed amount per visit day (e.g. 500円/日) instead of a rate.
    #[serde(default)]
    pub per_visit_yen: Option<u32>,
    /// Visit days per month that are charged `per_visit_yen` (e.g. 4: from the 5th day on, free).
    #[serde(default)]
    pub max_charged_visits: Option<u32>,
    /// 自己負担上限額 (円/月) of the scheme; `PublicFund.monthly_cap_yen` takes precedence.
    #[serde(default)]
    pub monthly_cap_yen: Option<u32>,
    /// Whether the 受給者番号 is required (default true).
    #[serde(default)]
    pub recipient_required: Option<bool>,
}

/// 医療機関
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// 医療機関コード (7 digits)
    #[serde(default)]
    pub code: Option<String>,
    /// 病院・診療所
    #[serde(default)]
    pub kind: FacilityKind,
    /// 許可病床数 (一般病床); decides 再診料 vs 外来診療料 (200床) and other 病床数 gates.
    #[serde(default)]
    pub beds: u32,
    /// 施設基準 届出: the 施設基準コード used by the 医科診療行為マスター (項番72–81), e.g. 3526.
    #[serde(default)]
    pub standards: Vec<u16>,
    /// 地域加算 級地 (1–7), when the facility is in a 地域加算 area.
    #[serde(default)]
    pub regional_addition: Option<u8>,
}

impl Default for Facility {
    fn default() -> Self {
        Facility {
            code: None,
            kind: FacilityKind::Clinic,
            beds: 0,
            standards: vec![],
            regional_addition: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    /// 診療所
    #[default]
    Clinic,
    /// 病院
    Hospital,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// 入院外
    #[default]
    Outpatient,
    /// 入院 (computed in part; needs `Claim.admission_date`)
    Inpatient,
}

/// One day's care.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// 診療日 (YYYY-MM-DD)
    #[serde(deserialize_with = "input::date")]
    #[schemars(with = "String")]
    pub date: Date,
    /// 診療時間の区分 (for 時間外等加算)
    #[serde(default)]
    pub time: TimeCategory,
    /// 診療科
    #[serde(default)]
    pub department: Option<String>,
    /// 外来管理加算: added automatically after a 再診料 when nothing on the day blocks it; set to
    /// false when its requirements (丁寧な問診と詳細な身体診察) were not met.
    #[serde(default = "yes")]
    pub outpatient_management: bool,
    /// What was done, in order.
    pub items: Vec<Item>,
}

fn yes() -> bool {
    true
}

/// 時間外等の区分 of a visit (A000 注7/注8/注9, A001 注5/注6/注7, A002 注8/注9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeCategory {
    /// 診療時間内 (通常)
    #[default]
    Regular,
    /// 時間外
    Overtime,
    /// 休日
    Holiday,
    /// 深夜 (22時〜6時)
    LateNight,
    /// 時間外特例医療機関 (救急)
    OvertimeSpecial,
    /// 夜間・早朝等 (診療所, 標榜時間内の夜間・早朝・休日)
    NightEarlyMorning,
    /// 小児科標榜 6歳未満 標榜時間内の夜間 (A000 注8 / A001 注6)
    PediatricNight,
    /// 小児科標榜 6歳未満 標榜時間内の休日
    PediatricHoliday,
    /// 小児科標榜 6歳未満 標榜時間内の深夜
    PediatricLateNight,
}

impl TimeCategory {
    pub fn japanese(self) -> &'static str {
        match self {
            TimeCategory::Regular => "診療時間内",
            TimeCategory::Overtime => "時間外",
            TimeCategory::Holiday => "休日",
            TimeCategory::LateNight => "深夜",
            TimeCategory::OvertimeSpecial => "時間外特例",
            TimeCategory::NightEarlyMorning => "夜間・早朝等",
            TimeCategory::PediatricNight => "小児科夜間",
            TimeCategory::PediatricHoliday => "小児科休日",
            TimeCategory::PediatricLateNight => "小児科深夜",
        }
    }
}

/// One thing done on a visit. Read through `input::ItemFields` (not serde's tagged-enum
/// buffering) so that numbers are read exactly and an error names the field
/// (`visits[0].items[2].drugs[0].amount`), not only the item.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Item {
    /// 診療行為 (SI)
    Procedure {
        /// 診療行為コード (9 digits)
        code: String,
        /// 数量データ, for items with a unit (きざみ, 分, 枚 …).
        #[serde(default)]
        #[schemars(with = "Option<input::Number>")]
        quantity: Option<Decimal>,
        /// 回数 on this day (default 1).
        #[serde(default = "one")]
        times: u32,
        /// 開始時間の区分 of this 手術・処置・麻酔・検査・画像診断 when it differs from the visit's
        /// `time` (the 通則 時間外等加算 go by the 開始時間: 通知 第10部 通則12, 第9部 通則5).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time: Option<TimeCategory>,
        /// 緊急: the conditions of the 通則 時間外等加算 hold (通知 第10部 通則12 (1)(2): a 緊急手術
        /// after a 時間外等 初診・再診 or within 8 hours; 第9部 通則5; 第11部 通則9; 時間外緊急院内検査加算
        /// (1)(6); 画像 通則3). Default false: santei never assumes it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        emergency: bool,
        /// 手術時体重 (grams), for the 極低出生体重児加算 of 手術 (告示 第10部 通則7).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight_g: Option<u32>,
    },
    /// 1剤 of drugs (IY): 内服 per day × 日数, 頓服 per 回 × 回数, 外用 per 調剤, 注射 per 回.
    Rx {
        /// 剤の区分
        form: RxForm,
        /// 日数 (内服), 回数 (頓服, 注射) or 調剤数 (外用, usually 1). Required.
        #[serde(default)]
        days: Option<u32>,
        /// The drugs of the 剤 with their amount per unit (1日量 for 内服, 1回量 for 頓服/注射,
        /// the whole amount for 外用).
        drugs: Vec<DrugUse>,
        /// 臨時の投薬 (内服 only): the 連続する投与期間 of this 剤 is 2週間以内 (通知 F200 (6)エ).
        /// Such a 剤 is left out of the 7種類 count of F200 注3, F100「2」 and F400「2」; its 薬剤料
        /// is still part of the 所定点数 reduced by 注3 (通知 F200 (6)イ). The 投与期間 spans
        /// earlier prescriptions, so santei cannot derive it from `days`: say it here. With
        /// `days` above 14 the flag contradicts itself and is ignored (finding DRG-306).
        #[serde(default)]
        temporary: bool,
        /// 混合 (内服 only): the 散剤・顆粒剤・液剤 of this 剤 are mixed to be taken together, so the
        /// 剤 counts as one 種類 (通知 F200 (6)ア(ハ)); otherwise each 銘柄 is one 種類.
        #[serde(default)]
        mixed: bool,
    },
    /// 特定保険医療材料 (TO)
    Material {
        /// 特定器材コード (9 digits)
        code: String,
        /// 使用量
        #[schemars(with = "input::Number")]
        amount: Decimal,
        /// 購入価格 (円) for 金額種別 2 items (購入価格 materials).
        #[serde(default)]
        #[schemars(with = "Option<input::Number>")]
        unit_price: Option<Decimal>,
    },
    /// コメント (CO)
    Comment {
        /// コメントコード (9 digits)
        code: String,
        /// 文字データ
        #[serde(default)]
        text: Option<String>,
    },
}

fn one() -> u32 {
    1
}

/// One drug of a 剤.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrugUse {
    /// 医薬品コード (9 digits)
    pub code: String,
    /// 使用量 in the master's 単位 (錠, ｇ, ｍＬ …): a JSON number (`1`, `1.5`) or string (`"1.5"`),
    /// both read exactly.
    #[serde(deserialize_with = "input::decimal")]
    #[schemars(with = "input::Number")]
    pub amount: Decimal,
}

/// 剤の区分, which fixes the 診療識別 and the 薬剤料 rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RxForm {
    /// 内服 (21)
    Internal,
    /// 頓服 (22)
    AsNeeded,
    /// 外用 (23)
    External,
    /// 皮下筋肉内注射 (31)
    InjectionIntramuscular,
    /// 静脈内注射 (32)
    InjectionIntravenous,
    /// その他の注射 (点滴等) (33)
    InjectionOther,
    /// 処置に用いた薬剤 (40; 15円以下は算定しない)
    Treatment,
    /// 検査に用いた薬剤 (60; 15円以下は算定しない)
    Test,
    /// 画像診断に用いた薬剤 (70; 15円以下は算定しない)
    Imaging,
}

/// An item billed earlier in the month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryItem {
    /// 算定日 (YYYY-MM-DD)
    #[serde(deserialize_with = "input::date")]
    #[schemars(with = "String")]
    pub date: Date,
    /// 診療行為コード
    pub code: String,
    #[serde(default = "one")]
    pub times: u32,
}

/// Reading claim input: exact decimals from JSON numbers or strings, ISO dates only, and the items
/// as a flat table of fields so that serde's path tracking reaches every field.
pub(crate) mod input {
    use super::{DrugUse, Item, RxForm};
    use rust_decimal::Decimal;
    use santei_masters::Date;
    use schemars::JsonSchema;
    use schemars::r#gen::SchemaGenerator;
    use schemars::schema::{InstanceType, Schema, SchemaObject, SingleOrVec};
    use serde::Deserialize;
    use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
    use std::fmt;
    use std::str::FromStr;

    /// The schema of a decimal input: a JSON number or a string holding one.
    pub struct Number;

    impl JsonSchema for Number {
        fn schema_name() -> String {
            "Decimal".to_string()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let mut o = SchemaObject {
                instance_type: Some(SingleOrVec::Vec(vec![
                    InstanceType::Number,
                    InstanceType::String,
                ])),
                ..Default::default()
            };
            o.metadata().description = Some(
                "A decimal: a JSON number (`1`, `1.5`) or a string (`\"1.5\"`), both read exactly."
                    .to_string(),
            );
            Schema::Object(o)
        }
    }

    /// serde_json (feature `arbitrary_precision`) hands a number to `deserialize_any` as a map
    /// with this one key and the number's text as its value.
    const NUMBER_TOKEN: &str = "$serde_json::private::Number";

    struct DecimalVisitor;

    fn parse<E: de::Error>(text: &str) -> Result<Decimal, E> {
        Decimal::from_str(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map_err(|_| E::invalid_value(Unexpected::Str(text), &DecimalVisitor))
    }

    impl<'de> Visitor<'de> for DecimalVisitor {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a decimal number (`1`, `1.5` or `\"1.5\"`)")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            parse(v.trim())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        // Only from non-JSON sources (TOML): the shortest text that reads back as `v`, which is
        // the number as it was written.
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            if !v.is_finite() {
                return Err(E::invalid_value(Unexpected::Float(v), &self));
            }
            parse(&format!("{v}"))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
            match map.next_key::<String>()? {
                Some(k) if k == NUMBER_TOKEN => {
                    let text: String = map.next_value()?;
                    parse(&text)
                }
                _ => Err(de::Error::invalid_type(Unexpected::Map, &self)),
            }
        }
    }

    /// A decimal from a JSON number (exactly, through its text) or a string.
    pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    #[derive(Deserialize)]
    #[serde(transparent)]
    pub(super) struct Dec(#[serde(deserialize_with = "decimal")] pub Decimal);

    fn iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            Date::parse_iso(s)
        } else {
            None
        }
    }

    /// A date written `YYYY-MM-DD` (the claim format); `20240710` is refused, not guessed.
    pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        iso(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "`{s}` is not a date written YYYY-MM-DD (e.g. `2024-07-10`)"
            ))
        })
    }

    /// Dates written `YYYY-MM-DD`.
    pub fn dates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        #[derive(Deserialize)]
        #[serde(transparent)]
        struct D0(#[serde(deserialize_with = "date")] Date);
        Ok(Vec::<D0>::deserialize(d)?
            .into_iter()
            .map(|x| x.0)
            .collect())
    }

    /// A month written `YYYY-MM`, as its first day.
    pub fn opt_month<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let Some(s) = Option::<std::borrow::Cow<'de, str>>::deserialize(d)? else {
            return Ok(None);
        };
        iso(&format!("{s}-01"))
            .filter(|_| s.len() == 7)
            .map(Some)
            .ok_or_else(|| {
                de::Error::custom(format!(
                    "`{s}` is not a month written YYYY-MM (e.g. `2024-07`)"
                ))
            })
    }

    pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        #[derive(Deserialize)]
        #[serde(transparent)]
        struct D0(#[serde(deserialize_with = "date")] Date);
        Ok(Option::<D0>::deserialize(d)?.map(|x| x.0))
    }

    #[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Procedure,
        Rx,
        Material,
        Comment,
    }

    /// Every field an item may have; which ones belong to its `type` is checked after reading.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct ItemFields {
        #[serde(rename = "type")]
        kind: Kind,
        code: Option<String>,
        quantity: Option<Dec>,
        times: Option<u32>,
        time: Option<super::TimeCategory>,
        emergency: Option<bool>,
        weight_g: Option<u32>,
        form: Option<RxForm>,
        days: Option<u32>,
        drugs: Option<Vec<DrugUse>>,
        temporary: Option<bool>,
        mixed: Option<bool>,
        amount: Option<Dec>,
        unit_price: Option<Dec>,
        text: Option<String>,
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Item, D::Error> {
            ItemFields::deserialize(d)?
                .into_item()
                .map_err(de::Error::custom)
        }
    }

    impl ItemFields {
        fn into_item(self) -> Result<Item, String> {
            let kind = self.kind;
            let name = match kind {
                Kind::Procedure => "procedure",
                Kind::Rx => "rx",
                Kind::Material => "material",
                Kind::Comment => "comment",
            };
            let allowed: &[&str] = match kind {
                Kind::Procedure => &["code", "quantity", "times", "time", "emergency", "weight_g"],
                Kind::Rx => &["form", "days", "drugs", "temporary", "mixed"],
                Kind::Material => &["code", "amount", "unit_price"],
                Kind::Comment => &["code", "text"],
            };
            let present = [
                ("code", self.code.is_some()),
                ("quantity", self.quantity.is_some()),
                ("times", self.times.is_some()),
                ("time", self.time.is_some()),
                ("emergency", self.emergency.is_some()),
                ("weight_g", self.weight_g.is_some()),
                ("form", self.form.is_some()),
                ("days", self.days.is_some()),
                ("drugs", self.drugs.is_some()),
                ("temporary", self.temporary.is_some()),
                ("mixed", self.mixed.is_some()),
                ("amount", self.amount.is_some()),
                ("unit_price", self.unit_price.is_some()),
                ("text", self.text.is_some()),
            ];
            if let Some((field, _)) = present.iter().find(|(f, p)| *p && !allowed.contains(f)) {
                return Err(format!(
                    "unknown field `{field}` for an item of type `{name}`, expected one of {}",
                    allowed
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let missing = |f: &str| format!("missing field `{f}` (an item of type `{name}`)");
            Ok(match kind {
                Kind::Procedure => Item::Procedure {
                    code: self.code.ok_or_else(|| missing("code"))?,
                    quantity: self.quantity.map(|q| q.0),
                    times: self.times.unwrap_or(1),
                    time: self.time,
                    emergency: self.emergency.unwrap_or(false),
                    weight_g: self.weight_g,
                },
                Kind::Rx => Item::Rx {
                    form: self.form.ok_or_else(|| missing("form"))?,
                    days: self.days,
                    drugs: self.drugs.ok_or_else(|| missing("drugs"))?,
                    temporary: self.temporary.unwrap_or(false),
                    mixed: self.mixed.unwrap_or(false),
                },
                Kind::Material => Item::Material {
                    code: self.code.ok_or_else(|| missing("code"))?,
                    amount: self.amount.ok_or_else(|| missing("amount"))?.0,
                    unit_price: self.unit_price.map(|q| q.0),
                },
                Kind::Comment => Item::Comment {
                    code: self.code.ok_or_else(|| missing("code"))?,
                    text: self.text,
                },
            })
        }
    }
}
