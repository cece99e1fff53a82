//! The explanations of a result as data: what santei read, decided and rounded to give each
//! line and each copayment amount, one [`Explanation`] per sentence. The calculation stores the
//! values it used (codes, points, yen, roundings, citations); the words are written only when a
//! result is printed or serialized, by one renderer ([`Explanation`]'s `Display`). Without
//! [`crate::CalcOptions::explain`] no explanation is built at all.
//!
//! Serialized, an explanation is its text, so `santei.result/1` (and its JSON schema: an array of
//! strings) is what it was when the explanations were strings. The typed form — `kind` and the
//! fields — is [`Explanation::to_data`], or a whole result with [`ExplainForm::Data`]
//! ([`crate::ClaimResult::to_json_pretty_with`], `santei calc --json --explain=data`).

use std::cell::Cell;
use std::fmt::{self, Display, Formatter};

use rust_decimal::Decimal;
use santei_masters::{AgeCode, Code, Date, Fixed2, Text};
use serde::{Serialize, Serializer};

use crate::rounding::Rounding;
use crate::stay::kasan::Limit;

/// How the `explain` fields of a result are serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExplainForm {
    /// Each explanation as its text (`santei.result/1`).
    #[default]
    Text,
    /// Each explanation as an object: `kind` (the variant, snake_case) and its fields.
    Data,
}

thread_local! {
    static FORM: Cell<ExplainForm> = const { Cell::new(ExplainForm::Text) };
}

/// Runs `f` (a serialization) with the explanations serialized in `form`; the form in force
/// before is restored afterwards, also when `f` panics.
pub fn serialize_as<R>(form: ExplainForm, f: impl FnOnce() -> R) -> R {
    struct Restore(ExplainForm);
    impl Drop for Restore {
        fn drop(&mut self) {
            FORM.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(FORM.with(|c| c.replace(form)));
    f()
}

/// Which part of a 算定単位 a line joined ([`Explanation::SameUnit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Joined {
    /// In its 所定点数.
    Base,
    /// 項番62 = 1: outside its 所定点数.
    Outside,
    /// A % of its 所定点数.
    Percent,
}

/// The 高額療養費 limit that applied ([`Explanation::HighCost`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum HighCostLimit {
    /// The 世帯 limit: `base` (+ (医療費 − `threshold`) × 1%, 1円未満 `rounding`), 75歳到達月 ½,
    /// 多数回該当 `many_times` = `amount`.
    Household {
        base: i64,
        threshold: Option<i64>,
        cost: Decimal,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
        halved: bool,
        many_times: Option<i64>,
        amount: Decimal,
    },
    /// The 70歳以上 外来 (個人) limit.
    Outpatient { limit: Decimal },
}

/// The 種類 of 内服薬 counted for F200 注3 (通知 F200 (6)ア), as the findings state it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KindsCounted {
    /// 種類 counted by 銘柄 (ア(イ)(ロ)).
    pub by_brand: usize,
    /// 剤 of `cheap_yen`円以下 per 1日分 (ア(ニ)).
    pub cheap: usize,
    pub cheap_yen: i64,
    /// 混合 剤 (ア(ハ)).
    pub mixed: usize,
    pub kinds: usize,
    /// 臨時 剤 (2週間以内) not counted (ウ・エ).
    pub temporary: usize,
}

impl Display for KindsCounted {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}銘柄 (1銘柄ごとに1種類, ア(イ)(ロ))", self.by_brand)?;
        if self.cheap > 0 {
            write!(
                f,
                " + {}剤 of {}円以下 per 1日分 (剤ごとに1種類, ア(ニ))",
                self.cheap, self.cheap_yen
            )?;
        }
        if self.mixed > 0 {
            write!(f, " + {}剤 混合 (1種類, ア(ハ))", self.mixed)?;
        }
        write!(f, " = {}種類", self.kinds)?;
        if self.temporary > 0 {
            write!(
                f,
                "; {}剤 臨時 (2週間以内) not counted (通知 F200 (6)ウ・エ)",
                self.temporary
            )?;
        }
        Ok(())
    }
}

/// One 剤's share of a 90/100 rounded per 剤 ([`Explanation::PolypharmacyPerRx`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RxCut {
    pub points: i64,
    pub exact: Decimal,
    pub reduced: i64,
}

/// One explanation of a result line or copayment amount. Each variant is one kind of sentence;
/// its fields are the values the engine used, its citation a field where the sentence cites one.
/// The text is its `Display` (the only renderer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(remote = "Self", rename_all = "snake_case", tag = "kind")]
pub enum Explanation {
    // ---- master rows and pricing of a line ----
    /// The master row an item was priced from (医科診療行為マスター 項番12/11).
    MasterRow {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        revision: &'static str,
        changed_on: Date,
        points: Fixed2,
        point_kind: u8,
    },
    /// A %加算/%減算 (点数識別 5/6) on the 所定点数 of the preceding item.
    PercentOfBase {
        percent: Fixed2,
        add: bool,
        base: i64,
        change: i64,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
    },
    /// The きざみ of a row (項番30–35): steps rounded up, the result rounded.
    Steps {
        quantity: Option<Decimal>,
        lower: u32,
        size: u32,
        step_points: Fixed2,
        points: Fixed2,
        steps: Decimal,
        exact: Decimal,
        #[serde(serialize_with = "ser_rounding")]
        steps_rounding: Rounding,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
    },
    /// A 数量 above the きざみ 上限値: 上下限エラー処理 `handling`, 式２ (`capped`) or 式１ with a warning.
    StepsAboveUpper {
        upper: u32,
        handling: u8,
        capped: bool,
    },
    /// A 数量 at or below 下限値 − きざみ値 with 上下限エラー処理 2/3: not priced (項番35).
    StepsBelowLower {
        quantity: Decimal,
        limit: Decimal,
        handling: u8,
    },
    /// The line joined the 算定単位 of the line `code` `name`.
    SameUnit {
        code: String,
        name: String,
        joined: Joined,
    },
    /// Points × 回数 of a line.
    Times { points: i64, times: u32 },
    /// A member of a まるめ group (包括対象検査, 項番16).
    BundleMember {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        revision: &'static str,
        points: Fixed2,
        group: u8,
    },
    /// A drug of a 剤: 薬価 × 使用量.
    DrugAmount {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        price: Fixed2,
        unit: Text,
        amount: Decimal,
        yen: Decimal,
    },
    /// The points of a 剤: 15円以下は `floor`点, else `rounding` of 円/10; × 日数・回数.
    RxPoints {
        unit: &'static str,
        yen: Decimal,
        points: i64,
        floor: i64,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
        citation: &'static str,
        days: u32,
    },
    /// A 特定器材: price × 使用量 ÷ the divisor of its 特定器材種別 (項番22); `points` None when the
    /// 上限点数 applies ([`Explanation::MaterialCap`]).
    Material {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        revision: &'static str,
        price: Decimal,
        unit: Text,
        amount: Decimal,
        yen: Decimal,
        divisor: Decimal,
        material_kind: u8,
        points: Option<i64>,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
    },
    /// The 上限点数 of a 特定器材 (項番24).
    MaterialCap { cap: u32, points: i64 },
    /// A コメント line.
    Comment {
        pattern: u8,
        #[serde(serialize_with = "ser_display")]
        code: Code,
    },

    // ---- derived lines: why santei added them ----
    /// A 通則 addition derived by engine/src/tsusoku/.
    Derivation {
        /// The derivation's own words: the 通則 modules build them as they decide (with the
        /// facts they read), whether or not explanations are asked for.
        reason: String,
        citation: &'static str,
    },
    /// 時間外緊急院内検査加算 / 時間外緊急院内画像診断加算.
    UrgentAddition {
        /// As [`Explanation::Derivation`]: the rule's words, built by the rule.
        reason: String,
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        points: Fixed2,
        citation: &'static str,
    },
    /// The 時間外等加算 of a 初診料/再診料/外来診療料 (時間加算区分, 項番43).
    TimeAddition {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        time: &'static str,
        time_addition: u8,
        /// コード表用番号 (項番85 + 項番92).
        kubun_alpha: Text,
        kubun_section: Text,
        min_age: AgeCode,
        max_age: AgeCode,
    },
    /// A 年齢加算 of a base item (項番100–111).
    AgeAddition {
        #[serde(serialize_with = "ser_display")]
        base_code: Code,
        base_name: Text,
        min_age: AgeCode,
        max_age: AgeCode,
        #[serde(serialize_with = "ser_display")]
        code: Code,
        date: Date,
        age: u32,
    },
    /// 外来管理加算 (A001 注8).
    OutpatientManagement {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
    },
    /// 判断料 of a 検査等実施判断グループ区分 (項番51, D026 月1回).
    JudgementFee {
        group: u8,
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
    },
    /// A line added by a rule file.
    RuleAddition {
        /// The rule's id and citation, as its file gives them (owned by the engine's rules).
        rule: String,
        citation: String,
    },
    /// A 年齢加算 joined the 算定単位 of its item (通知 第9部 通則10, 第10部 通則9).
    JoinedAgeAddition,

    // ---- the 入院 stay ----
    /// The 入院料 of a ward on one day of the 入院期間.
    WardFee {
        ward: usize,
        from: Date,
        day: i64,
        start: Date,
    },
    /// 外泊: 15/100 of the 基本点数.
    Outing { date: Date, citation: &'static str },
    /// An 入院期間加算.
    AdmissionPeriod {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        day: i64,
        start: Date,
        lo: i64,
        hi: i64,
        special: bool,
        citation: &'static str,
    },
    /// An 入院基本料等加算 of the 届出, listed by the 04 group of the day's 入院料.
    StayAddition {
        name: &'static str,
        /// The 施設基準コード of the row the facility holds.
        standards: Vec<u16>,
        day: i64,
        start: Date,
        #[serde(serialize_with = "ser_limit")]
        limit: Limit,
        #[serde(serialize_with = "ser_display")]
        fee_code: Code,
        fee_name: Text,
        citation: &'static str,
        group_citation: &'static str,
    },
    /// A 注加算 of an 入院基本料等加算 of the 届出.
    StayAdditionNote {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        note_code: u16,
        serial: char,
        standards: Vec<u16>,
        #[serde(serialize_with = "ser_limit")]
        limit: Limit,
        citation: &'static str,
    },

    // ---- 算定単位 priced after the rules ----
    /// A 算定単位 of several lines: every % on the 所定点数, rounded once.
    UnitPriced {
        lines: usize,
        base: i64,
        percent: Decimal,
        outside: i64,
        total: i64,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
        times: u32,
    },
    /// A まるめ tier of 包括対象検査.
    Bundle {
        kubun: &'static str,
        counted: u32,
        of: u32,
        points: i64,
        item_by_item: i64,
        citation: &'static str,
    },
    /// The % of a まるめ unit on its tier.
    BundlePercent {
        points: i64,
        percent: Decimal,
        total: i64,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
    },
    /// Fewer tests than the first まるめ tier: billed item by item.
    BelowBundle {
        kubun: &'static str,
        counted: u32,
        of: u32,
        points: i64,
        citation: &'static str,
    },

    // ---- F200 注3 多剤投与 ----
    /// F200 注3 applies: 7種類以上 (告示 l.10857–10861; 種類 per 通知 F200 (6)ア).
    Polypharmacy { kinds: KindsCounted },
    /// The 所定点数 of F200 注3: Σ 剤点数 × 日数 (通知 F200 (6)イ).
    PolypharmacyBase { terms: Vec<(i64, u32)>, base: i64 },
    /// The 90/100 rounded once over the 処方.
    PolypharmacyPerPrescription {
        base: i64,
        exact: Decimal,
        reduced: i64,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
        /// [`crate::PolypharmacyRounding::japanese`].
        unit: &'static str,
    },
    /// The 90/100 rounded per 剤.
    PolypharmacyPerRx {
        rxs: Vec<RxCut>,
        cut: i64,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
        unit: &'static str,
    },
    /// The UKE IY line of the reduction (医薬品マスター 金額種別 7).
    PolypharmacyLine { code: u32, name: String, cut: i64 },
    /// The コメント （減） before the reduced lines.
    PolypharmacyComment { code: u32 },

    // ---- 食事・生活療養 lines ----
    /// A 食事療養 line: 円 × 食数.
    Meal {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        name: Text,
        part: &'static str,
        yen: i64,
        times: u32,
        total: i64,
        date: Date,
        meal_kind: &'static str,
        liquid: bool,
        per_meal_limit: bool,
    },
    /// The master row of a 食事療養 line (項番12, 点数識別 1 金額).
    MealRow {
        #[serde(serialize_with = "ser_display")]
        code: Code,
        points: Fixed2,
        from: Date,
        to: Date,
        revision: &'static str,
    },
    /// Where the 食事療養 lines come from and how they count.
    MealCitation { citation: &'static str },
    /// One 生活療養 row of the month: 円 × 食数 (or 日数 for the 居住費).
    LivingRow {
        code: u32,
        name: &'static str,
        yen: i64,
        count: u32,
        per_day: bool,
    },

    // ---- the copayment ----
    /// The month of an insured claim: 医療費, 一部負担金, what the patient and the 窓口 pay.
    MonthInsured {
        points: i64,
        cost: i64,
        copay: Decimal,
        rate: &'static str,
        patient: i64,
        window: i64,
        days: usize,
    },
    /// The month of a 公費単独 claim.
    MonthPublicOnly {
        points: i64,
        cost: i64,
        patient: i64,
        window: i64,
    },
    /// The 一部負担金 of a 負担区分 part capped by its limit.
    PartLimit {
        burden: &'static str,
        copay: Decimal,
        limit: Decimal,
        why: &'static str,
        citation: &'static str,
    },
    /// 高額療養費 paid in kind: the amounts over the limit. `floor`: the 70歳未満 合算 floor.
    HighCost {
        class: &'static str,
        limit: HighCostLimit,
        excess: Decimal,
        floor: Option<i64>,
    },
    /// 特定疾病 (マル長).
    Marucho { limit: i64, cut: Decimal },
    /// The 外来特例 年間上限, settled by the insurer.
    OutpatientAnnualLimit { limit: i64 },
    /// The 年間上限, settled by the insurer.
    AnnualLimit {
        limit: i64,
        low_income_note: bool,
        citation: &'static str,
    },
    /// One 公費's share.
    FundShare {
        points: i64,
        target: Decimal,
        pays: Decimal,
        keeps: i64,
        permille: Option<i64>,
        cap: Option<i64>,
    },
    /// A visit under a binding monthly limit: the 窓口 collects what is left under it.
    VisitLimited { points: i64, window: i64 },
    /// A visit's share rounded to 10円 (健保法75条).
    VisitShare {
        points: i64,
        share: Decimal,
        rate: &'static str,
        after_funds: bool,
        window: i64,
        #[serde(serialize_with = "ser_rounding")]
        rounding: Rounding,
    },
    /// 入院時食事療養 標準負担額 of the month.
    MealStandard {
        count: u32,
        per_meal: i64,
        class: &'static str,
        total: i64,
        patient: i64,
        citation: &'static str,
    },
    /// 生活療養標準負担額 of the month.
    LivingStandard {
        class: &'static str,
        food: i64,
        env: i64,
        total: i64,
        patient: i64,
        citation: &'static str,
    },
    /// 入院時食事療養費 / 入院時生活療養費: what the 保険者 pays of the meals.
    MealBenefit {
        living: bool,
        cost: i64,
        standard: i64,
        benefit: i64,
    },
    /// A 2027-08 標準報酬月額 band before 2027-08-01: the 5-区分 class it lies within.
    IncomeBandBefore13 {
        class: &'static str,
        date: Date,
        within: &'static str,
    },
    /// A 70歳以上 claim without 所得区分: the 区分 assumed from the rate.
    IncomeClassAssumed { class: &'static str, percent: u8 },
    /// The 負担割合 and the law that gives it.
    BurdenRate { tenths: u8, why: &'static str },
}

impl Explanation {
    /// The typed form: `kind` and the fields, as [`ExplainForm::Data`] serializes it.
    pub fn to_data(&self) -> serde_json::Value {
        Explanation::serialize(self, serde_json::value::Serializer)
            .expect("an explanation serializes")
    }
}

thread_local! {
    /// The text of the explanation being serialized, written in one buffer per thread: the JSON
    /// writer then escapes it in one piece (`collect_str` would escape each fragment of the
    /// `Display` as it comes, which costs more than the text itself).
    static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match FORM.with(Cell::get) {
            ExplainForm::Text => TEXT.with(|buf| match buf.try_borrow_mut() {
                Ok(mut text) => {
                    use std::fmt::Write;
                    text.clear();
                    // Writing into a String cannot fail.
                    let _ = write!(text, "{self}");
                    s.serialize_str(&text)
                }
                // Not reached (serializing a string does not serialize an explanation); kept
                // correct rather than panicking.
                Err(_) => s.collect_str(self),
            }),
            ExplainForm::Data => Explanation::serialize(self, s),
        }
    }
}

/// In a schema an explanation is its text (`santei.result/1`: `explain` is an array of strings).
impl schemars::JsonSchema for Explanation {
    fn is_referenceable() -> bool {
        String::is_referenceable()
    }
    fn schema_name() -> String {
        String::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        String::schema_id()
    }
    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        String::json_schema(generator)
    }
}

fn ser_display<T: Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn ser_rounding<S: Serializer>(r: &Rounding, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.japanese())
}

fn ser_limit<S: Serializer>(l: &Limit, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&l.describe())
}

mod render;
#[cfg(test)]
mod tests;

pub(crate) use render::Yen;
