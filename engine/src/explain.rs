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

/// An amount in yen: an integer when whole (the usual case), else the exact decimal.
struct Yen(Decimal);

impl Display for Yen {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0.fract().is_zero() {
            write!(f, "{}", self.0.trunc().normalize())
        } else {
            write!(f, "{}", self.0.normalize())
        }
    }
}

/// The 施設基準コード of a row, `/`-separated.
struct Standards<'a>(&'a [u16]);

impl Display for Standards<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

/// ` ({n} of {of} counted: a rule dropped the others)` when a rule dropped tests of a まるめ.
struct Dropped(u32, u32);

impl Display for Dropped {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0 < self.1 {
            write!(
                f,
                " ({} of {} counted: a rule dropped the others)",
                self.0, self.1
            )?;
        }
        Ok(())
    }
}

impl Display for HighCostLimit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            HighCostLimit::Household {
                base,
                threshold,
                cost,
                rounding,
                halved,
                many_times,
                amount,
            } => {
                f.write_str("limit ")?;
                match threshold {
                    Some(th) => write!(
                        f,
                        "{base} + ({} − {th}) × 1% (1円未満 {})",
                        Yen(*cost),
                        rounding.japanese()
                    )?,
                    None => write!(f, "{base}")?,
                }
                if *halved {
                    f.write_str(", 75歳到達月 1/2")?;
                }
                if let Some(m) = many_times {
                    write!(f, "; 多数回該当 {m}")?;
                }
                write!(f, " = {}円", Yen(*amount))
            }
            HighCostLimit::Outpatient { limit } => {
                write!(f, "外来 (個人) limit {}円", Yen(*limit))
            }
        }
    }
}

impl Display for Explanation {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use Explanation as E;
        match self {
            E::MasterRow {
                code,
                name,
                revision,
                changed_on,
                points,
                point_kind,
            } => write!(
                f,
                "master {code} {name} ({revision}; 変更年月日 {changed_on}): 新又は現点数 {points} (点数識別 {point_kind})"
            ),
            E::PercentOfBase {
                percent,
                add,
                base,
                change,
                rounding,
            } => write!(
                f,
                "{percent}% {} the preceding 所定点数 {base}: {} → {change:+} ({} of the result)",
                if *add { "added to" } else { "taken from" },
                base.saturating_add(*change),
                rounding.japanese()
            ),
            E::Steps {
                quantity,
                lower,
                size,
                step_points,
                points,
                steps,
                exact,
                steps_rounding,
                rounding,
            } => {
                f.write_str("きざみ: 数量 ")?;
                match quantity {
                    Some(q) => write!(f, "{q}")?,
                    None => f.write_str("not given (基本点数)")?,
                }
                write!(
                    f,
                    ", 下限 {lower}, きざみ値 {size}, きざみ点数 {step_points} → {points} + {steps} × {step_points} = {} ({} of the steps, {} of the result; 項番30–35)",
                    exact.normalize(),
                    steps_rounding.japanese(),
                    rounding.japanese()
                )
            }
            E::StepsAboveUpper {
                upper,
                handling,
                capped: true,
            } => write!(
                f,
                "数量 exceeds the きざみ 上限値 {upper}: 上下限エラー処理 {handling} → 点数算定式２ (the 上限値 for the 数量)"
            ),
            E::StepsAboveUpper {
                upper,
                handling,
                capped: false,
            } => write!(
                f,
                "数量 exceeds the きざみ 上限値 {upper}: 上下限エラー処理 {handling} → 点数算定式１ on the 数量 as given (警告)"
            ),
            E::StepsBelowLower {
                quantity,
                limit,
                handling,
            } => write!(
                f,
                "数量 {quantity} ≤ 下限値 − きざみ値 = {limit} with 上下限エラー処理 {handling}: 点数算定せず（返戻） (医科診療行為マスター 項番35)"
            ),
            E::SameUnit { code, name, joined } => write!(
                f,
                "one 算定単位 with {code} {name}{}",
                match joined {
                    Joined::Outside => " (項番62: outside its 所定点数)",
                    Joined::Percent => " (a % of its 所定点数)",
                    Joined::Base => " (in its 所定点数)",
                }
            ),
            E::Times { points, times } => write!(f, "{points}点 × {times}回"),
            E::BundleMember {
                code,
                name,
                revision,
                points,
                group,
            } => write!(
                f,
                "master {code} {name} ({revision}): 新又は現点数 {points}, 包括対象検査 {group} (項番16)"
            ),
            E::DrugAmount {
                code,
                name,
                price,
                unit,
                amount,
                yen,
            } => write!(
                f,
                "{code} {name}: {price}円/{unit} × {amount} = {}円",
                yen.normalize()
            ),
            E::RxPoints {
                unit,
                yen,
                points,
                floor,
                rounding,
                citation,
                days,
            } => {
                write!(f, "{unit} {}円 → {points}点 (", yen.normalize())?;
                if *yen <= Decimal::from(15) {
                    f.write_str("15円以下")?;
                } else {
                    write!(f, "{} of {}/10", rounding.japanese(), yen.normalize())?;
                }
                write!(f, "; 15円以下は{floor}点; {citation}) × {days}")
            }
            E::Material {
                code,
                name,
                revision,
                price,
                unit,
                amount,
                yen,
                divisor,
                material_kind,
                points,
                rounding,
            } => {
                write!(
                    f,
                    "master {code} {name} ({revision}): {}円/{unit} × {amount} = {}円 ÷ {divisor}円 (特定器材種別 {material_kind}, 項番22) → ",
                    price.normalize(),
                    yen.normalize()
                )?;
                match points {
                    Some(p) => write!(f, "{p}点")?,
                    None => f.write_str("over the cap")?,
                }
                write!(f, " ({}; 材料価格基準 留意事項)", rounding.japanese())
            }
            E::MaterialCap { cap, points } => {
                write!(f, "上限点数 {cap} (項番24) → {points}点")
            }
            E::Comment { pattern, code } => {
                write!(f, "コメント パターン {pattern} (master {code})")
            }
            E::Derivation { reason, citation } => write!(f, "{reason} ({citation})"),
            E::UrgentAddition {
                reason,
                code,
                name,
                points,
                citation,
            } => write!(f, "{reason}: {code} {name} {points}点 ({citation})"),
            E::TimeAddition {
                code,
                name,
                time,
                time_addition,
                kubun_alpha,
                kubun_section,
                min_age,
                max_age,
            } => write!(
                f,
                "時間外等加算 for {code} {name} on a {time} visit: 時間加算区分 {time_addition} in {kubun_alpha}{kubun_section} (項番43), {}",
                crate::age::describe(*min_age, *max_age)
            ),
            E::AgeAddition {
                base_code,
                base_name,
                min_age,
                max_age,
                code,
                date,
                age,
            } => write!(
                f,
                "年齢加算 of {base_code} {base_name} (項番100–111: {} → {code}); age on {date}: {age}歳",
                crate::age::describe(*min_age, *max_age)
            ),
            E::OutpatientManagement { code, name } => write!(
                f,
                "外来管理加算 after {code} {name}: no item of the day has 外来管理加算区分 1 (A001 注8; visit.outpatient_management = true)"
            ),
            E::JudgementFee { group, code, name } => write!(
                f,
                "判断料 of group {group} (検査等実施判断グループ区分, 項番51) for {code} {name}: first test of the group this month (D026: 月1回)"
            ),
            E::RuleAddition { rule, citation } => write!(f, "added by rule {rule} ({citation})"),
            E::JoinedAgeAddition => f.write_str(
                "joined the 算定単位 of its item: a 注による加算 is part of the 所定点数 of the 通則 時間外等加算 (通知 第9部 通則10, 第10部 通則9)",
            ),
            E::WardFee {
                ward,
                from,
                day,
                start,
            } => write!(
                f,
                "入院料 of the ward (stay.wards[{ward}], from {from}), 入院期間 day {day} from the 起算日 {start}"
            ),
            E::Outing { date, citation } => write!(
                f,
                "外泊 on {date} (stay.outings): 15/100 of the 基本点数, no 入院期間加算 ({citation})"
            ),
            E::AdmissionPeriod {
                code,
                name,
                day,
                start,
                lo,
                hi,
                special,
                citation,
            } => write!(
                f,
                "入院期間加算 of {code} {name}: day {day} of the 入院期間 (起算日 {start}) is in {lo}–{hi}{} ({citation})",
                if *special {
                    ", 特別入院基本料等"
                } else {
                    ""
                }
            ),
            E::StayAddition {
                name,
                standards,
                day,
                start,
                limit,
                fee_code,
                fee_name,
                citation,
                group_citation,
            } => write!(
                f,
                "{name} from the 届出 (施設基準コード {}), day {day} of the 入院期間 (起算日 {start}): {}; the 04 group of {fee_code} {fee_name} lists it ({citation}; {group_citation})",
                Standards(standards),
                limit.describe()
            ),
            E::StayAdditionNote {
                code,
                name,
                note_code,
                serial,
                standards,
                limit,
                citation,
            } => write!(
                f,
                "注加算 of {code} {name} (注加算コード {note_code}, 通番 {serial}) from the 届出 (施設基準コード {}): {} ({citation})",
                Standards(standards),
                limit.describe()
            ),
            E::UnitPriced {
                lines,
                base,
                percent,
                outside,
                total,
                rounding,
                times,
            } => {
                write!(f, "算定単位 of {lines} lines: 所定点数 {base}")?;
                if !percent.is_zero() {
                    write!(
                        f,
                        " × (100 {} {})/100",
                        if percent.is_sign_negative() {
                            "−"
                        } else {
                            "+"
                        },
                        percent.abs().normalize()
                    )?;
                }
                if *outside != 0 {
                    write!(f, " + {outside} (項番62: outside the 所定点数)")?;
                }
                write!(
                    f,
                    " = {total}点 (every % on the 所定点数, {} once) × {times}回",
                    rounding.japanese()
                )
            }
            E::Bundle {
                kubun,
                counted,
                of,
                points,
                item_by_item,
                citation,
            } => write!(
                f,
                "まるめ {kubun}: {counted}項目{} → {points}点 (instead of {item_by_item}点 item by item); {citation}",
                Dropped(*counted, *of)
            ),
            E::BundlePercent {
                points,
                percent,
                total,
                rounding,
            } => write!(
                f,
                "算定単位 with its %: {points} × (100 {:+})/100 = {total}点 ({} once)",
                percent.normalize(),
                rounding.japanese()
            ),
            E::BelowBundle {
                kubun,
                counted,
                of,
                points,
                citation,
            } => write!(
                f,
                "{counted}項目 of {kubun}{}: below the まるめ tiers, billed item by item: {points}点; {citation}",
                Dropped(*counted, *of)
            ),
            E::Polypharmacy { kinds } => write!(
                f,
                "F200 注3 (告示 l.10857–10861): 1処方につき7種類以上の内服薬 → 所定点数の100分の90; 種類 per 通知 F200 (6)ア: {kinds}"
            ),
            E::PolypharmacyBase { terms, base } => {
                f.write_str("所定点数 = 1処方のうちの全ての内服薬の薬剤料 (通知 F200 (6)イ) = ")?;
                for (i, (points, days)) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" + ")?;
                    }
                    write!(f, "{points}点×{days}")?;
                }
                write!(f, " = {base}点")
            }
            E::PolypharmacyPerPrescription {
                base,
                exact,
                reduced,
                rounding,
                unit,
            } => write!(
                f,
                "{base} × 90/100 = {} → {reduced}点 ({}, once over the 処方: {unit}); 減点 {base} − {reduced} = {}点",
                exact.normalize(),
                rounding.japanese(),
                base - reduced
            ),
            E::PolypharmacyPerRx {
                rxs,
                cut,
                rounding,
                unit,
            } => {
                for (i, r) in rxs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(
                        f,
                        "{} × 90/100 = {} → {}",
                        r.points,
                        r.exact.normalize(),
                        r.reduced
                    )?;
                }
                write!(f, " ({} per 剤: {unit}); 減点 {cut}点", rounding.japanese())
            }
            E::PolypharmacyLine { code, name, cut } => write!(
                f,
                "UKE: IY {code} {name} (医薬品マスター 金額種別 7 減点) records the 10/100 share, {cut} (マスターファイル仕様説明書 R6 (3) 使用方法が特殊なコード 項番4); santei's line carries −{cut} so the totals subtract it"
            ),
            E::PolypharmacyComment { code } => write!(
                f,
                "コメント {code} （減）: marks the 内服 lines reduced by F200 注3, as real UKE files carry it before them"
            ),
            E::Meal {
                code,
                name,
                part,
                yen,
                times,
                total,
                date,
                meal_kind,
                liquid,
                per_meal_limit,
            } => write!(
                f,
                "{code} {name} ({part}): {yen}円 × {times} = {total}円 on {date} ({meal_kind}{}{})",
                if *liquid { ", 流動食のみ" } else { "" },
                if *per_meal_limit {
                    ", 1日につき3食を限度"
                } else {
                    ""
                },
            ),
            E::MealRow {
                code,
                points,
                from,
                to,
                revision,
            } => write!(
                f,
                "master {code} 新又は現点数 {points} (項番12, 点数識別 1 金額, 円), valid {from}–{to} ({revision})"
            ),
            E::MealCitation { citation } => {
                write!(f, "{citation}; 診療識別 97, in yen, outside the 合計点数")
            }
            E::LivingRow {
                code,
                name,
                yen,
                count,
                per_day,
            } => write!(
                f,
                "{code:09} {name}: {yen}円 × {count}{} = {}円",
                if *per_day { "日" } else { "食" },
                yen * i64::from(*count)
            ),
            E::MonthInsured {
                points,
                cost,
                copay,
                rate,
                patient,
                window,
                days,
            } => write!(
                f,
                "医療費 {points}点 × 10円 = {cost}円; 一部負担金 {}円 ({rate}); patient {patient}円 for the month, 窓口 {window}円 over {days} day(s) (10円未満 四捨五入 per visit: 健保法75条 / 国保法42条の2; to the yen once a limit applies)",
                Yen(*copay)
            ),
            E::MonthPublicOnly {
                points,
                cost,
                patient,
                window,
            } => write!(
                f,
                "公費単独: 医療費 {points}点 × 10円 = {cost}円, all of it left to the 公費; patient {patient}円, 窓口 {window}円"
            ),
            E::PartLimit {
                burden,
                copay,
                limit,
                why,
                citation,
            } => write!(
                f,
                "負担区分 {burden}: 一部負担金 {}円 capped at {}円 ({why}; {citation})",
                Yen(*copay),
                Yen(*limit)
            ),
            E::HighCost {
                class,
                limit,
                excess,
                floor,
            } => {
                write!(
                    f,
                    "高額療養費 ({class}): the patient's amounts exceed the {limit} by {}円",
                    Yen(*excess)
                )?;
                if let Some(floor) = floor {
                    write!(f, " (70歳未満: parts with 一部負担金 ≥ {floor}円 combined)")?;
                }
                f.write_str("; the insurance pays it")
            }
            E::Marucho { limit, cut } => write!(
                f,
                "特定疾病 (マル長) {limit}円/月: {}円 more paid by the insurance",
                Yen(*cut)
            ),
            E::OutpatientAnnualLimit { limit } => write!(
                f,
                "外来特例 年間上限 {limit}円 (8月〜翌7月) is refunded by the insurer; not applied at the 窓口"
            ),
            E::AnnualLimit {
                limit,
                low_income_note,
                citation,
            } => write!(
                f,
                "年間上限 {limit}円 (8月〜翌7月, of what is left after the monthly limits{}) is settled by the insurer; not applied at the 窓口 ({citation})",
                if *low_income_note {
                    "; 410,000円 for 年収 about 200万円未満"
                } else {
                    ""
                }
            ),
            E::FundShare {
                points,
                target,
                pays,
                keeps,
                permille,
                cap,
            } => {
                write!(
                    f,
                    "{points}点 covered; left to the patient when it applies {}円; the 公費 pays {}円; the patient keeps {keeps}円",
                    Yen(*target),
                    Yen(*pays)
                )?;
                match (permille, cap) {
                    (Some(p), Some(c)) => write!(
                        f,
                        " ({}% of the 医療費, 上限 {c}円/月)",
                        Decimal::from(*p) / Decimal::from(10)
                    ),
                    (Some(p), None) => write!(
                        f,
                        " ({}% of the 医療費)",
                        Decimal::from(*p) / Decimal::from(10)
                    ),
                    (None, Some(c)) => write!(f, " (上限 {c}円/月)"),
                    (None, None) => Ok(()),
                }
            }
            E::VisitLimited { points, window } => write!(
                f,
                "{points}点 × 10円 = {}円; a monthly limit applies: the 窓口 collects what is left under it, to the yen ({window}円)",
                points.saturating_mul(10)
            ),
            E::VisitShare {
                points,
                share,
                rate,
                after_funds,
                window,
                rounding,
            } => write!(
                f,
                "{points}点 × 10円 = {}円; patient share {}円 ({rate}{}) → {window}円 (10円未満 {}, 健保法75条)",
                points.saturating_mul(10),
                Yen(*share),
                if *after_funds { ", after 公費" } else { "" },
                rounding.japanese()
            ),
            E::MealStandard {
                count,
                per_meal,
                class,
                total,
                patient,
                citation,
            } => write!(
                f,
                "{count}食 × 標準負担額 {per_meal}円 ({class}) = {total}円; the patient pays {patient}円 (not part of the 一部負担金 nor of 高額療養費; {citation})"
            ),
            E::LivingStandard {
                class,
                food,
                env,
                total,
                patient,
                citation,
            } => write!(
                f,
                "生活療養標準負担額 ({class}, 医療区分1): 食費 {food}円 + 居住費 {env}円 = {total}円; the patient pays {patient}円 (not part of the 一部負担金 nor of 高額療養費; {citation})"
            ),
            E::MealBenefit {
                living,
                cost,
                standard,
                benefit,
            } => write!(
                f,
                "{} (保険者): 費用 {cost}円 − 標準負担額 {standard}円 = {benefit}円 ({}; UKE HO 食事・生活療養 合計金額)",
                if *living {
                    "入院時生活療養費"
                } else {
                    "入院時食事療養費"
                },
                if *living {
                    "健保法85条の2 第2項"
                } else {
                    "健保法85条2項"
                }
            ),
            E::IncomeBandBefore13 {
                class,
                date,
                within,
            } => write!(
                f,
                "所得区分 {class} on {date}: the 13 区分 start on 2027-08-01; before, the band lies within {within} (健保令42条1項, 標準報酬月額)"
            ),
            E::IncomeClassAssumed { class, percent } => write!(
                f,
                "所得区分 not given: {class} assumed from {percent}% (what applies without 限度額適用認定証; setting missing_over70_class = FromRate)"
            ),
            E::BurdenRate { tenths, why } => write!(f, "負担割合 {tenths}割: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: u32, m: u32, d: u32) -> Date {
        Date::from_ymd(y, m, d).expect("a calendar date")
    }

    fn dec(s: &str) -> Decimal {
        s.parse().expect("a decimal")
    }

    fn pts(h: i64) -> Fixed2 {
        Fixed2::from_hundredths(h)
    }

    /// Every variant with the text it writes, spelled out.
    fn cases() -> Vec<(Explanation, &'static str)> {
        use Explanation as E;
        vec![
            (
                E::MasterRow {
                    code: Code(112007410),
                    name: "再診料".into(),
                    revision: "r2024-06",
                    changed_on: date(2024, 6, 1),
                    points: pts(7500),
                    point_kind: 3,
                },
                "master 112007410 再診料 (r2024-06; 変更年月日 2024-06-01): 新又は現点数 75.00 (点数識別 3)",
            ),
            (
                E::PercentOfBase {
                    percent: pts(7000),
                    add: true,
                    base: 130,
                    change: 91,
                    rounding: Rounding::HalfUp,
                },
                "70.00% added to the preceding 所定点数 130: 221 → +91 (四捨五入 of the result)",
            ),
            (
                E::PercentOfBase {
                    percent: pts(3000),
                    add: false,
                    base: 100,
                    change: -30,
                    rounding: Rounding::HalfUp,
                },
                "30.00% taken from the preceding 所定点数 100: 70 → -30 (四捨五入 of the result)",
            ),
            (
                E::Steps {
                    quantity: Some(dec("5")),
                    lower: 1,
                    size: 1,
                    step_points: pts(5000),
                    points: pts(18500),
                    steps: dec("4"),
                    exact: dec("385.00"),
                    steps_rounding: Rounding::Up,
                    rounding: Rounding::HalfUp,
                },
                "きざみ: 数量 5, 下限 1, きざみ値 1, きざみ点数 50.00 → 185.00 + 4 × 50.00 = 385 (切り上げ of the steps, 四捨五入 of the result; 項番30–35)",
            ),
            (
                E::Steps {
                    quantity: None,
                    lower: 1,
                    size: 1,
                    step_points: pts(5000),
                    points: pts(18500),
                    steps: dec("0"),
                    exact: dec("185"),
                    steps_rounding: Rounding::Up,
                    rounding: Rounding::HalfUp,
                },
                "きざみ: 数量 not given (基本点数), 下限 1, きざみ値 1, きざみ点数 50.00 → 185.00 + 0 × 50.00 = 185 (切り上げ of the steps, 四捨五入 of the result; 項番30–35)",
            ),
            (
                E::StepsAboveUpper {
                    upper: 6,
                    handling: 1,
                    capped: true,
                },
                "数量 exceeds the きざみ 上限値 6: 上下限エラー処理 1 → 点数算定式２ (the 上限値 for the 数量)",
            ),
            (
                E::StepsAboveUpper {
                    upper: 6,
                    handling: 0,
                    capped: false,
                },
                "数量 exceeds the きざみ 上限値 6: 上下限エラー処理 0 → 点数算定式１ on the 数量 as given (警告)",
            ),
            (
                E::SameUnit {
                    code: "160068410".into(),
                    name: "ＥＣＧ１２".into(),
                    joined: Joined::Percent,
                },
                "one 算定単位 with 160068410 ＥＣＧ１２ (a % of its 所定点数)",
            ),
            (
                E::SameUnit {
                    code: "150000110".into(),
                    name: "処置".into(),
                    joined: Joined::Outside,
                },
                "one 算定単位 with 150000110 処置 (項番62: outside its 所定点数)",
            ),
            (
                E::SameUnit {
                    code: "150000110".into(),
                    name: "処置".into(),
                    joined: Joined::Base,
                },
                "one 算定単位 with 150000110 処置 (in its 所定点数)",
            ),
            (
                E::Times {
                    points: 75,
                    times: 2,
                },
                "75点 × 2回",
            ),
            (
                E::BundleMember {
                    code: Code(160008010),
                    name: "ＡＳＴ".into(),
                    revision: "r2024-06",
                    points: pts(1700),
                    group: 1,
                },
                "master 160008010 ＡＳＴ (r2024-06): 新又は現点数 17.00, 包括対象検査 1 (項番16)",
            ),
            (
                E::DrugAmount {
                    code: Code(620000001),
                    name: "薬".into(),
                    price: pts(1010),
                    unit: "錠".into(),
                    amount: dec("3"),
                    yen: dec("30.300"),
                },
                "620000001 薬: 10.10円/錠 × 3 = 30.3円",
            ),
            (
                E::RxPoints {
                    unit: "1剤1日分",
                    yen: dec("30.30"),
                    points: 3,
                    floor: 1,
                    rounding: Rounding::HalfDown,
                    citation: "告示 F200",
                    days: 7,
                },
                "1剤1日分 30.3円 → 3点 (五捨五超入 of 30.3/10; 15円以下は1点; 告示 F200) × 7",
            ),
            (
                E::RxPoints {
                    unit: "1回分",
                    yen: dec("12.0"),
                    points: 1,
                    floor: 1,
                    rounding: Rounding::HalfDown,
                    citation: "告示 F200",
                    days: 1,
                },
                "1回分 12円 → 1点 (15円以下; 15円以下は1点; 告示 F200) × 1",
            ),
            (
                E::Material {
                    code: Code(700010000),
                    name: "材料".into(),
                    revision: "r2024-06",
                    price: dec("1500.00"),
                    unit: "個".into(),
                    amount: dec("2"),
                    yen: dec("3000.00"),
                    divisor: dec("10"),
                    material_kind: 1,
                    points: Some(300),
                    rounding: Rounding::HalfUp,
                },
                "master 700010000 材料 (r2024-06): 1500円/個 × 2 = 3000円 ÷ 10円 (特定器材種別 1, 項番22) → 300点 (四捨五入; 材料価格基準 留意事項)",
            ),
            (
                E::Material {
                    code: Code(700010000),
                    name: "材料".into(),
                    revision: "r2024-06",
                    price: dec("1500"),
                    unit: "個".into(),
                    amount: dec("2"),
                    yen: dec("3000"),
                    divisor: dec("10"),
                    material_kind: 1,
                    points: None,
                    rounding: Rounding::HalfUp,
                },
                "master 700010000 材料 (r2024-06): 1500円/個 × 2 = 3000円 ÷ 10円 (特定器材種別 1, 項番22) → over the cap (四捨五入; 材料価格基準 留意事項)",
            ),
            (
                E::MaterialCap {
                    cap: 250,
                    points: 250,
                },
                "上限点数 250 (項番24) → 250点",
            ),
            (
                E::Comment {
                    pattern: 10,
                    code: Code(810000001),
                },
                "コメント パターン 10 (master 810000001)",
            ),
            (
                E::Derivation {
                    reason: "休日加算".into(),
                    citation: "第9部 通則5",
                },
                "休日加算 (第9部 通則5)",
            ),
            (
                E::UrgentAddition {
                    reason: "時間外 緊急".into(),
                    code: Code(160177770),
                    name: "時間外緊急院内検査加算".into(),
                    points: pts(20000),
                    citation: "検査 通則1",
                },
                "時間外 緊急: 160177770 時間外緊急院内検査加算 200.00点 (検査 通則1)",
            ),
            (
                E::TimeAddition {
                    code: Code(112007410),
                    name: "再診料".into(),
                    time: "時間外",
                    time_addition: 1,
                    kubun_alpha: "A".into(),
                    kubun_section: "001".into(),
                    min_age: AgeCode::NONE,
                    max_age: AgeCode(*b"06"),
                },
                "時間外等加算 for 112007410 再診料 on a 時間外 visit: 時間加算区分 1 in A001 (項番43), 6歳未満",
            ),
            (
                E::AgeAddition {
                    base_code: Code(160068410),
                    base_name: "ＥＣＧ１２".into(),
                    min_age: AgeCode::NONE,
                    max_age: AgeCode(*b"B6"),
                    code: Code(160000190),
                    date: date(2024, 7, 1),
                    age: 3,
                },
                "年齢加算 of 160068410 ＥＣＧ１２ (項番100–111: 6歳に達した日の翌月1日未満 → 160000190); age on 2024-07-01: 3歳",
            ),
            (
                E::OutpatientManagement {
                    code: Code(112007410),
                    name: "再診料".into(),
                },
                "外来管理加算 after 112007410 再診料: no item of the day has 外来管理加算区分 1 (A001 注8; visit.outpatient_management = true)",
            ),
            (
                E::JudgementFee {
                    group: 1,
                    code: Code(160008010),
                    name: "ＡＳＴ".into(),
                },
                "判断料 of group 1 (検査等実施判断グループ区分, 項番51) for 160008010 ＡＳＴ: first test of the group this month (D026: 月1回)",
            ),
            (
                E::RuleAddition {
                    rule: "A000.x".into(),
                    citation: "告示 A000".into(),
                },
                "added by rule A000.x (告示 A000)",
            ),
            (
                E::JoinedAgeAddition,
                "joined the 算定単位 of its item: a 注による加算 is part of the 所定点数 of the 通則 時間外等加算 (通知 第9部 通則10, 第10部 通則9)",
            ),
            (
                E::WardFee {
                    ward: 0,
                    from: date(2024, 7, 1),
                    day: 3,
                    start: date(2024, 7, 1),
                },
                "入院料 of the ward (stay.wards[0], from 2024-07-01), 入院期間 day 3 from the 起算日 2024-07-01",
            ),
            (
                E::Outing {
                    date: date(2024, 7, 5),
                    citation: "A100 注",
                },
                "外泊 on 2024-07-05 (stay.outings): 15/100 of the 基本点数, no 入院期間加算 (A100 注)",
            ),
            (
                E::AdmissionPeriod {
                    code: Code(190077410),
                    name: "急性期一般入院料１".into(),
                    day: 3,
                    start: date(2024, 7, 1),
                    lo: 1,
                    hi: 14,
                    special: true,
                    citation: "A100 注3",
                },
                "入院期間加算 of 190077410 急性期一般入院料１: day 3 of the 入院期間 (起算日 2024-07-01) is in 1–14, 特別入院基本料等 (A100 注3)",
            ),
            (
                E::StayAddition {
                    name: "診療録管理体制加算",
                    standards: vec![101, 102],
                    day: 1,
                    start: date(2024, 7, 1),
                    limit: Limit::FirstDay,
                    fee_code: Code(190077410),
                    fee_name: "急性期一般入院料１".into(),
                    citation: "A207",
                    group_citation: "04",
                },
                "診療録管理体制加算 from the 届出 (施設基準コード 101/102), day 1 of the 入院期間 (起算日 2024-07-01): 入院初日に限り; the 04 group of 190077410 急性期一般入院料１ lists it (A207; 04)",
            ),
            (
                E::StayAdditionNote {
                    code: Code(190000010),
                    name: "加算".into(),
                    note_code: 12,
                    serial: '1',
                    standards: vec![7],
                    limit: Limit::Days(14),
                    citation: "A207 注",
                },
                "注加算 of 190000010 加算 (注加算コード 12, 通番 1) from the 届出 (施設基準コード 7): 入院した日から起算して14日を限度 (A207 注)",
            ),
            (
                E::UnitPriced {
                    lines: 2,
                    base: 130,
                    percent: dec("70"),
                    outside: 5,
                    total: 226,
                    rounding: Rounding::HalfUp,
                    times: 1,
                },
                "算定単位 of 2 lines: 所定点数 130 × (100 + 70)/100 + 5 (項番62: outside the 所定点数) = 226点 (every % on the 所定点数, 四捨五入 once) × 1回",
            ),
            (
                E::UnitPriced {
                    lines: 2,
                    base: 100,
                    percent: dec("-30.0"),
                    outside: 0,
                    total: 70,
                    rounding: Rounding::HalfUp,
                    times: 2,
                },
                "算定単位 of 2 lines: 所定点数 100 × (100 − 30)/100 = 70点 (every % on the 所定点数, 四捨五入 once) × 2回",
            ),
            (
                E::Bundle {
                    kubun: "D007",
                    counted: 5,
                    of: 6,
                    points: 93,
                    item_by_item: 120,
                    citation: "告示 D007 注",
                },
                "まるめ D007: 5項目 (5 of 6 counted: a rule dropped the others) → 93点 (instead of 120点 item by item); 告示 D007 注",
            ),
            (
                E::BundlePercent {
                    points: 93,
                    percent: dec("70"),
                    total: 158,
                    rounding: Rounding::HalfUp,
                },
                "算定単位 with its %: 93 × (100 +70)/100 = 158点 (四捨五入 once)",
            ),
            (
                E::BelowBundle {
                    kubun: "D007",
                    counted: 2,
                    of: 2,
                    points: 17,
                    citation: "告示 D007 注",
                },
                "2項目 of D007: below the まるめ tiers, billed item by item: 17点; 告示 D007 注",
            ),
            (
                E::Polypharmacy {
                    kinds: KindsCounted {
                        by_brand: 6,
                        cheap: 1,
                        cheap_yen: 205,
                        mixed: 1,
                        kinds: 8,
                        temporary: 1,
                    },
                },
                "F200 注3 (告示 l.10857–10861): 1処方につき7種類以上の内服薬 → 所定点数の100分の90; 種類 per 通知 F200 (6)ア: 6銘柄 (1銘柄ごとに1種類, ア(イ)(ロ)) + 1剤 of 205円以下 per 1日分 (剤ごとに1種類, ア(ニ)) + 1剤 混合 (1種類, ア(ハ)) = 8種類; 1剤 臨時 (2週間以内) not counted (通知 F200 (6)ウ・エ)",
            ),
            (
                E::PolypharmacyBase {
                    terms: vec![(12, 14), (3, 7)],
                    base: 189,
                },
                "所定点数 = 1処方のうちの全ての内服薬の薬剤料 (通知 F200 (6)イ) = 12点×14 + 3点×7 = 189点",
            ),
            (
                E::PolypharmacyPerPrescription {
                    base: 189,
                    exact: dec("170.1"),
                    reduced: 170,
                    rounding: Rounding::HalfUp,
                    unit: "処方ごと",
                },
                "189 × 90/100 = 170.1 → 170点 (四捨五入, once over the 処方: 処方ごと); 減点 189 − 170 = 19点",
            ),
            (
                E::PolypharmacyPerRx {
                    rxs: vec![
                        RxCut {
                            points: 168,
                            exact: dec("151.2"),
                            reduced: 151,
                        },
                        RxCut {
                            points: 21,
                            exact: dec("18.9"),
                            reduced: 19,
                        },
                    ],
                    cut: 19,
                    rounding: Rounding::HalfUp,
                    unit: "剤ごと",
                },
                "168 × 90/100 = 151.2 → 151, 21 × 90/100 = 18.9 → 19 (四捨五入 per 剤: 剤ごと); 減点 19点",
            ),
            (
                E::PolypharmacyLine {
                    code: 630010002,
                    name: "薬剤料逓減".into(),
                    cut: 19,
                },
                "UKE: IY 630010002 薬剤料逓減 (医薬品マスター 金額種別 7 減点) records the 10/100 share, 19 (マスターファイル仕様説明書 R6 (3) 使用方法が特殊なコード 項番4); santei's line carries −19 so the totals subtract it",
            ),
            (
                E::PolypharmacyComment { code: 820000047 },
                "コメント 820000047 （減）: marks the 内服 lines reduced by F200 注3, as real UKE files carry it before them",
            ),
            (
                E::Meal {
                    code: Code(197000470),
                    name: "食事療養".into(),
                    part: "1食につき",
                    yen: 670,
                    times: 3,
                    total: 2010,
                    date: date(2024, 7, 1),
                    meal_kind: "入院時食事療養(Ⅰ)",
                    liquid: true,
                    per_meal_limit: true,
                },
                "197000470 食事療養 (1食につき): 670円 × 3 = 2010円 on 2024-07-01 (入院時食事療養(Ⅰ), 流動食のみ, 1日につき3食を限度)",
            ),
            (
                E::MealRow {
                    code: Code(197000470),
                    points: pts(67000),
                    from: date(2024, 6, 1),
                    to: date(2025, 3, 31),
                    revision: "r2024-06",
                },
                "master 197000470 新又は現点数 670.00 (項番12, 点数識別 1 金額, 円), valid 2024-06-01–2025-03-31 (r2024-06)",
            ),
            (
                E::MealCitation {
                    citation: "食事療養 告示",
                },
                "食事療養 告示; 診療識別 97, in yen, outside the 合計点数",
            ),
            (
                E::LivingRow {
                    code: 97000110,
                    name: "居住費",
                    yen: 370,
                    count: 2,
                    per_day: true,
                },
                "097000110 居住費: 370円 × 2日 = 740円",
            ),
            (
                E::MonthInsured {
                    points: 641,
                    cost: 6410,
                    copay: dec("1923.0"),
                    rate: "3割",
                    patient: 1923,
                    window: 1920,
                    days: 1,
                },
                "医療費 641点 × 10円 = 6410円; 一部負担金 1923円 (3割); patient 1923円 for the month, 窓口 1920円 over 1 day(s) (10円未満 四捨五入 per visit: 健保法75条 / 国保法42条の2; to the yen once a limit applies)",
            ),
            (
                E::MonthPublicOnly {
                    points: 641,
                    cost: 6410,
                    patient: 0,
                    window: 0,
                },
                "公費単独: 医療費 641点 × 10円 = 6410円, all of it left to the 公費; patient 0円, 窓口 0円",
            ),
            (
                E::PartLimit {
                    burden: "2",
                    copay: dec("30000"),
                    limit: dec("10000.5"),
                    why: "公費 上限",
                    citation: "健保令42条",
                },
                "負担区分 2: 一部負担金 30000円 capped at 10000.5円 (公費 上限; 健保令42条)",
            ),
            (
                E::HighCost {
                    class: "ウ",
                    limit: HighCostLimit::Household {
                        base: 80100,
                        threshold: Some(267000),
                        cost: dec("1000000"),
                        rounding: Rounding::HalfUp,
                        halved: false,
                        many_times: None,
                        amount: dec("87430"),
                    },
                    excess: dec("212570"),
                    floor: Some(21000),
                },
                "高額療養費 (ウ): the patient's amounts exceed the limit 80100 + (1000000 − 267000) × 1% (1円未満 四捨五入) = 87430円 by 212570円 (70歳未満: parts with 一部負担金 ≥ 21000円 combined); the insurance pays it",
            ),
            (
                E::HighCost {
                    class: "一般",
                    limit: HighCostLimit::Household {
                        base: 57600,
                        threshold: None,
                        cost: dec("500000"),
                        rounding: Rounding::HalfUp,
                        halved: true,
                        many_times: Some(22200),
                        amount: dec("22200"),
                    },
                    excess: dec("1000"),
                    floor: None,
                },
                "高額療養費 (一般): the patient's amounts exceed the limit 57600, 75歳到達月 1/2; 多数回該当 22200 = 22200円 by 1000円; the insurance pays it",
            ),
            (
                E::HighCost {
                    class: "一般",
                    limit: HighCostLimit::Outpatient {
                        limit: dec("18000"),
                    },
                    excess: dec("500"),
                    floor: None,
                },
                "高額療養費 (一般): the patient's amounts exceed the 外来 (個人) limit 18000円 by 500円; the insurance pays it",
            ),
            (
                E::Marucho {
                    limit: 10000,
                    cut: dec("5000"),
                },
                "特定疾病 (マル長) 10000円/月: 5000円 more paid by the insurance",
            ),
            (
                E::OutpatientAnnualLimit { limit: 144000 },
                "外来特例 年間上限 144000円 (8月〜翌7月) is refunded by the insurer; not applied at the 窓口",
            ),
            (
                E::AnnualLimit {
                    limit: 560000,
                    low_income_note: true,
                    citation: "健保令41条",
                },
                "年間上限 560000円 (8月〜翌7月, of what is left after the monthly limits; 410,000円 for 年収 about 200万円未満) is settled by the insurer; not applied at the 窓口 (健保令41条)",
            ),
            (
                E::FundShare {
                    points: 641,
                    target: dec("1923"),
                    pays: dec("923"),
                    keeps: 1000,
                    permille: Some(50),
                    cap: Some(1000),
                },
                "641点 covered; left to the patient when it applies 1923円; the 公費 pays 923円; the patient keeps 1000円 (5% of the 医療費, 上限 1000円/月)",
            ),
            (
                E::VisitLimited {
                    points: 641,
                    window: 577,
                },
                "641点 × 10円 = 6410円; a monthly limit applies: the 窓口 collects what is left under it, to the yen (577円)",
            ),
            (
                E::VisitShare {
                    points: 641,
                    share: dec("1923"),
                    rate: "3割",
                    after_funds: true,
                    window: 1920,
                    rounding: Rounding::HalfUp,
                },
                "641点 × 10円 = 6410円; patient share 1923円 (3割, after 公費) → 1920円 (10円未満 四捨五入, 健保法75条)",
            ),
            (
                E::MealStandard {
                    count: 9,
                    per_meal: 490,
                    class: "一般",
                    total: 4410,
                    patient: 4410,
                    citation: "告示",
                },
                "9食 × 標準負担額 490円 (一般) = 4410円; the patient pays 4410円 (not part of the 一部負担金 nor of 高額療養費; 告示)",
            ),
            (
                E::LivingStandard {
                    class: "一般",
                    food: 4410,
                    env: 1110,
                    total: 5520,
                    patient: 5520,
                    citation: "告示",
                },
                "生活療養標準負担額 (一般, 医療区分1): 食費 4410円 + 居住費 1110円 = 5520円; the patient pays 5520円 (not part of the 一部負担金 nor of 高額療養費; 告示)",
            ),
            (
                E::MealBenefit {
                    living: false,
                    cost: 6030,
                    standard: 4410,
                    benefit: 1620,
                },
                "入院時食事療養費 (保険者): 費用 6030円 − 標準負担額 4410円 = 1620円 (健保法85条2項; UKE HO 食事・生活療養 合計金額)",
            ),
            (
                E::MealBenefit {
                    living: true,
                    cost: 6030,
                    standard: 4410,
                    benefit: 1620,
                },
                "入院時生活療養費 (保険者): 費用 6030円 − 標準負担額 4410円 = 1620円 (健保法85条の2 第2項; UKE HO 食事・生活療養 合計金額)",
            ),
            (
                E::IncomeBandBefore13 {
                    class: "標報36万〜41万",
                    date: date(2027, 7, 1),
                    within: "ウ",
                },
                "所得区分 標報36万〜41万 on 2027-07-01: the 13 区分 start on 2027-08-01; before, the band lies within ウ (健保令42条1項, 標準報酬月額)",
            ),
            (
                E::IncomeClassAssumed {
                    class: "一般",
                    percent: 20,
                },
                "所得区分 not given: 一般 assumed from 20% (what applies without 限度額適用認定証; setting missing_over70_class = FromRate)",
            ),
            (
                E::BurdenRate {
                    tenths: 3,
                    why: "就学後〜70歳",
                },
                "負担割合 3割: 就学後〜70歳",
            ),
        ]
    }

    #[test]
    fn every_variant_renders_its_sentence() {
        for (e, text) in cases() {
            assert_eq!(e.to_string(), text, "{e:?}");
        }
    }

    #[test]
    fn below_lower_is_the_price_error_text() {
        let (quantity, limit, handling) = (dec("0.5"), dec("1"), 2);
        let e = Explanation::StepsBelowLower {
            quantity,
            limit,
            handling,
        };
        let p = crate::price::PriceError::BelowLower {
            quantity,
            limit,
            handling,
        };
        assert_eq!(e.to_string(), p.to_string());
        assert_eq!(
            e.to_string(),
            "数量 0.5 ≤ 下限値 − きざみ値 = 1 with 上下限エラー処理 2: 点数算定せず（返戻） (医科診療行為マスター 項番35)"
        );
    }

    #[test]
    fn serialized_as_text_unless_data_is_asked() {
        let e = Explanation::Times {
            points: 75,
            times: 2,
        };
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"75点 × 2回\"");
        let data = serialize_as(ExplainForm::Data, || serde_json::to_string(&e).unwrap());
        assert_eq!(data, r#"{"kind":"times","points":75,"times":2}"#);
        // The form is restored.
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"75点 × 2回\"");
        assert_eq!(
            e.to_data(),
            serde_json::json!({"kind": "times", "points": 75, "times": 2})
        );
    }

    #[test]
    fn data_form_names_the_fields_and_the_citation() {
        let e = Explanation::Bundle {
            kubun: "D007",
            counted: 5,
            of: 6,
            points: 93,
            item_by_item: 120,
            citation: "告示 D007 注",
        };
        let v = e.to_data();
        assert_eq!(v["kind"], "bundle");
        assert_eq!(v["citation"], "告示 D007 注");
        assert_eq!(v["points"], 93);
        // Every variant has a data form with its kind.
        for (e, _) in cases() {
            assert!(e.to_data()["kind"].is_string(), "{e:?}");
        }
    }

    #[test]
    fn schema_is_a_string() {
        let schema = schemars::schema_for!(Vec<Explanation>);
        let v = serde_json::to_value(&schema).unwrap();
        assert_eq!(v["type"], "array");
        assert_eq!(v["items"]["type"], "string");
    }
}
