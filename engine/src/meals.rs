//! 入院時食事療養・入院時生活療養 from the meals served (`stay.meals`), and the claim's `meals`
//! (the copayment's 標準負担額 input).
//!
//! - The facts: per day (or run of days, `on`–`until`) of the stay, the meals served (`count`,
//!   1日3食を限度), the 療養 (`kind`: 入院時食事療養(Ⅰ)/(Ⅱ), 入院時生活療養(Ⅰ)/(Ⅱ)), 流動食のみ,
//!   the 特別食 meals and the 食堂加算 day. Checked by [`validate`]: a day of the stay in the
//!   claim's month, not an 外泊 day, at most 3 meals a day over all entries, 特別食加算 and
//!   食堂加算 only with (Ⅰ), no 特別食加算 with 流動食のみ.
//! - The amounts: the 医科診療行為マスター rows 1970xxxxx (点数識別 1 金額, 円, 点数集計先識別（入院）
//!   970), valid on each day (the change files raise them on 2025-04-01), one 算定単位 per code
//!   and day, 診療識別 97, outside the 合計点数. The 告示 (入院時食事療養費に係る食事療養及び入院時
//!   生活療養費に係る生活療養の費用の額の算定に関する基準, 平成18年厚生労働省告示第99号) is not in
//!   ../shared: every line cites it by name and takes its amount from the master row.
//! - A date whose masters hold no row of the code: nothing of that entry's day is billed, and a
//!   finding (INP-201) names the code and the date; no amount of another period is used.
//!
//! Simplified (said in docs/CLAIM_FORMAT.md): the 生活療養 環境療養 (1日につき) is billed once on each
//! day that `stay.meals` lists with a 生活療養 kind (a 生活療養 day without meals is not seen); the
//! 生活療養 標準負担額 of the copayment comes from the master rows of each day ([`living`]), for
//! the 区分 it decides (CPY-529 refuses the others).

use santei_masters::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::claim::Stay;
use crate::error::ClaimError;

pub mod living;

/// Rule id of the 食事・生活療養 lines (their origin).
pub const MEALS: &str = "INP-200.inpatient-meals";
/// A 食事療養 row the masters of the date do not hold.
pub const ROW_MISSING: &str = "INP-201.meal-row-missing";
/// The copayment of a 生活療養 month whose 標準負担額 santei does not decide ([`living`]).
pub const LIVING_STANDARD_UNKNOWN: &str = "CPY-529.living-standard-unknown";

pub const CITE: &str = "入院時食事療養費に係る食事療養及び入院時生活療養費に係る生活療養の費用の額の算定に関する基準 (平成18年厚生労働省告示第99号) 別表 (text not in ../shared: the amount is the 医科診療行為マスター row's 新又は現点数, 項番12, 点数識別 1 金額)";
pub const CITE_LIMIT: &str = "入院時食事療養費に係る食事療養及び入院時生活療養費に係る生活療養の費用の額の算定に関する基準 別表 第一 1 (1)・(2) 「１食につき」 「１日につき３食を限度として算定する」; 同 注 (特別食加算 １食につき, 食堂加算 １日につき: (Ⅰ) のみ; 流動食のみを提供する場合は特別食加算を算定しない); master 197000110 / 197003110 / 197000470 / 197000570";

/// 食事療養・生活療養 of a meal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MealKind {
    /// 入院時食事療養(Ⅰ) (届出)
    #[serde(rename = "I")]
    I,
    /// 入院時食事療養(Ⅱ)
    #[serde(rename = "II")]
    II,
    /// 入院時生活療養(Ⅰ) (療養病床, 65歳以上; 届出)
    #[serde(rename = "seikatsu_I")]
    LivingI,
    /// 入院時生活療養(Ⅱ)
    #[serde(rename = "seikatsu_II")]
    LivingII,
}

impl MealKind {
    pub fn name(self) -> &'static str {
        match self {
            MealKind::I => "入院時食事療養(Ⅰ)",
            MealKind::II => "入院時食事療養(Ⅱ)",
            MealKind::LivingI => "入院時生活療養(Ⅰ)",
            MealKind::LivingII => "入院時生活療養(Ⅱ)",
        }
    }

    fn first(self) -> bool {
        matches!(self, MealKind::I | MealKind::LivingI)
    }

    pub fn living(self) -> bool {
        matches!(self, MealKind::LivingI | MealKind::LivingII)
    }
}

/// The meals served on a day of the stay, or on each day of `on`–`until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MealDay {
    /// The day (the first day of a run).
    #[serde(deserialize_with = "crate::claim::input::date")]
    #[schemars(with = "String")]
    pub on: Date,
    /// The last day of a run of days with the same meals (included). Default: `on` alone.
    #[serde(default, deserialize_with = "crate::claim::input::opt_date")]
    #[schemars(with = "Option<String>")]
    pub until: Option<Date>,
    /// 食数 served on each day (1–3: 1日につき3食を限度).
    pub count: u32,
    /// 入院時食事療養(Ⅰ)/(Ⅱ) or 入院時生活療養(Ⅰ)/(Ⅱ), as 届出.
    pub kind: MealKind,
    /// 流動食のみを提供 (市販の流動食のみ): the 流動食 amount.
    #[serde(default)]
    pub liquid: bool,
    /// Of the meals, how many are 特別食 (特別食加算, (Ⅰ) only, 1食につき).
    #[serde(default)]
    pub special: u32,
    /// 食堂加算 on the day ((Ⅰ) only, 1日につき).
    #[serde(default)]
    pub dining: bool,
}

impl MealDay {
    /// The days the entry covers.
    pub fn days(&self) -> impl Iterator<Item = Date> + '_ {
        let last = self.until.unwrap_or(self.on);
        std::iter::successors(Some(self.on), move |d| {
            Some(d.succ()).filter(|n| *n <= last)
        })
        .take_while(move |d| *d <= last)
    }
}

/// 入院時食事療養 of the month given by hand: how many meals, at which 標準負担額 区分.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meals {
    /// 食数 (3 per day at most).
    pub count: u32,
    /// 標準負担額の区分; derived from the 所得区分 and the 公費 when absent.
    #[serde(default)]
    pub class: Option<MealClass>,
    /// 食事療養に要した費用 (円, the 診療識別 97 lines), when known: the UKE HO 食事 合計金額 is
    /// this minus the 標準負担額.
    #[serde(default)]
    pub cost_yen: Option<u32>,
    /// Set by the engine for the meals served with a 生活療養 kind: the month's
    /// 生活療養標準負担額 per 区分 (not part of the claim format).
    #[serde(skip)]
    #[schemars(skip)]
    pub living: Option<living::LivingTotals>,
}

/// 入院時食事療養 標準負担額の区分 (健保法85条2項; 告示 入院時食事療養費に係る食事療養標準負担額).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MealClass {
    /// 一般 (住民税課税世帯)
    General,
    /// 指定難病・小児慢性特定疾病の患者 (課税世帯)
    Nanbyo,
    /// 住民税非課税世帯 / 低所得Ⅱ (過去1年の入院 90日以下)
    LowIncome,
    /// 同 (過去1年の入院 90日超, 申請)
    LowIncomeLongStay,
    /// 低所得Ⅰ (70歳以上)
    LowIncome1,
}

/// What a master row is for, on a line of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The 食事療養 (1食につき) × 食数.
    Meal,
    /// 特別食加算 (1食につき) × 特別食.
    Special,
    /// 食堂加算 (1日につき).
    Dining,
    /// 生活療養 環境療養 (1日につき).
    Environment,
}

/// One row to bill: the code, its 回数, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub code: u32,
    pub times: u32,
    pub part: Part,
    /// The row's name in the r06 master (for a finding when the masters lack it).
    pub name: &'static str,
}

/// The 食事療養 row of a kind (r06 s_ALL20240531 names).
fn meal_row(kind: MealKind, liquid: bool) -> Option<(u32, &'static str)> {
    Some(match (kind, liquid) {
        (MealKind::I, false) => (
            197_000_110,
            "入院時食事療養（１）（１食につき）（２以外の食事療養）",
        ),
        (MealKind::I, true) => (
            197_003_110,
            "入院時食事療養（１）（１食につき）（流動食のみを提供）",
        ),
        (MealKind::II, false) => (
            197_000_710,
            "入院時食事療養（２）（１食につき）（２以外の食事療養）",
        ),
        (MealKind::II, true) => (
            197_003_210,
            "入院時食事療養（２）（１食につき）（流動食のみを提供）",
        ),
        (MealKind::LivingI, false) => (
            197_001_310,
            "入院時生活療養（１）食事療養（ロ以外の食事の提供たる療養）",
        ),
        (MealKind::LivingI, true) => (
            197_003_510,
            "入院時生活療養（１）食事療養（流動食のみを提供）",
        ),
        (MealKind::LivingII, false) => (197_001_710, "入院時生活療養（２）食事療養"),
        (MealKind::LivingII, true) => return None,
    })
}

fn special_row(kind: MealKind) -> Option<(u32, &'static str)> {
    match kind {
        MealKind::I => Some((197_000_470, "特別食加算（食事療養）")),
        MealKind::LivingI => Some((197_001_570, "特別食加算（生活療養）")),
        _ => None,
    }
}

fn dining_row(kind: MealKind) -> Option<(u32, &'static str)> {
    match kind {
        MealKind::I => Some((197_000_570, "食堂加算（食事療養）")),
        MealKind::LivingI => Some((197_001_670, "食堂加算（生活療養）")),
        _ => None,
    }
}

fn environment_row(kind: MealKind) -> Option<(u32, &'static str)> {
    match kind {
        MealKind::LivingI => Some((197_001_410, "入院時生活療養（１）環境療養")),
        MealKind::LivingII => Some((197_001_810, "入院時生活療養（２）環境療養")),
        _ => None,
    }
}

/// The rows one day of an entry bills (validated entry); `environment`: bill the 生活療養
/// 環境療養 of the day here (the first 生活療養 entry of the day).
pub fn rows(m: &MealDay, environment: bool) -> Vec<Row> {
    let mut out = Vec::with_capacity(4);
    let mut push = |r: Option<(u32, &'static str)>, times: u32, part: Part| {
        if let Some((code, name)) = r.filter(|_| times > 0) {
            out.push(Row {
                code,
                times,
                part,
                name,
            });
        }
    };
    push(meal_row(m.kind, m.liquid), m.count, Part::Meal);
    push(special_row(m.kind), m.special, Part::Special);
    push(dining_row(m.kind), u32::from(m.dining), Part::Dining);
    if environment {
        push(environment_row(m.kind), 1, Part::Environment);
    }
    out
}

/// The meals of the stay, checked against the days of the stay in the month (`days`) and the
/// 外泊 days: one error naming the claim path of the first fault.
pub fn validate(s: &Stay, days: &[Date]) -> Result<(), ClaimError> {
    let err = |path: String, m: String| Err(ClaimError::new("claim.value", path, m));
    // Per day: meals, 食堂加算 entries.
    let mut per_day: Vec<(Date, u32, bool)> = Vec::new();
    for (i, m) in s.meals.iter().enumerate() {
        let at = |f: &str| format!("stay.meals[{i}].{f}");
        if !(1..=3).contains(&m.count) {
            return err(
                at("count"),
                format!(
                    "{} meals a day: 1 to 3 (1日につき3食を限度, {})",
                    m.count, CITE_LIMIT
                ),
            );
        }
        if m.until.is_some_and(|u| u < m.on) {
            return err(at("until"), format!("until is before on ({})", m.on));
        }
        if m.special > m.count {
            return err(
                at("special"),
                format!("{} 特別食 of {} meals served a day", m.special, m.count),
            );
        }
        if m.special > 0 && !m.kind.first() {
            return err(
                at("special"),
                format!(
                    "特別食加算 is for 食事療養(Ⅰ)/生活療養(Ⅰ), not {}",
                    m.kind.name()
                ),
            );
        }
        if m.special > 0 && m.liquid {
            return err(
                at("special"),
                "特別食加算 is not added to 流動食のみ meals (基準 注)".into(),
            );
        }
        if m.dining && !m.kind.first() {
            return err(
                at("dining"),
                format!(
                    "食堂加算 is for 食事療養(Ⅰ)/生活療養(Ⅰ), not {}",
                    m.kind.name()
                ),
            );
        }
        if m.liquid && meal_row(m.kind, true).is_none() {
            return err(
                at("liquid"),
                format!("{} has no 流動食のみ amount", m.kind.name()),
            );
        }
        for d in m.days() {
            if !days.contains(&d) {
                return err(
                    format!("stay.meals[{i}]"),
                    format!("{d} is not a day of the stay in the claim's month"),
                );
            }
            if s.outings.contains(&d) {
                return err(
                    format!("stay.meals[{i}]"),
                    format!("{d} is an 外泊 day (stay.outings): no meal is served in hospital"),
                );
            }
            let e = match per_day.iter_mut().find(|e| e.0 == d) {
                Some(e) => e,
                None => {
                    per_day.push((d, 0, false));
                    per_day.last_mut().expect("just pushed")
                }
            };
            e.1 += m.count;
            if e.1 > 3 {
                return err(
                    format!("stay.meals[{i}].count"),
                    format!(
                        "{} meals on {d}: at most 3 a day (1日につき3食を限度, {CITE_LIMIT})",
                        e.1
                    ),
                );
            }
            if m.dining && e.2 {
                return err(
                    at("dining"),
                    format!("食堂加算 twice on {d}: it is 1日につき"),
                );
            }
            e.2 |= m.dining;
        }
    }
    Ok(())
}

/// The month's meals of the copayment from the meals served: Σ 食数 (each day at most 3, checked
/// by [`validate`]). `None` when the stay lists no meal.
pub fn served_count(s: &Stay) -> Option<u32> {
    // Saturating: a claim that skipped [`validate`] (a library caller) cannot overflow here.
    let n = s.meals.iter().fold(0u32, |n, m| {
        let days = m
            .until
            .map_or(1, |u| u.day_number() - m.on.day_number() + 1);
        n.saturating_add(
            m.count
                .saturating_mul(u32::try_from(days.max(0)).unwrap_or(u32::MAX)),
        )
    });
    (!s.meals.is_empty()).then_some(n)
}

/// Whether the stay serves 生活療養 meals.
pub fn any_living(s: &Stay) -> bool {
    s.meals.iter().any(|m| m.kind.living())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        let n: u32 = s.replace('-', "").parse().unwrap();
        Date::from_ymd(n / 10000, (n / 100) % 100, n % 100).unwrap()
    }

    fn day(on: &str, count: u32, kind: MealKind) -> MealDay {
        MealDay {
            on: d(on),
            until: None,
            count,
            kind,
            liquid: false,
            special: 0,
            dining: false,
        }
    }

    fn stay(meals: Vec<MealDay>, outings: Vec<Date>) -> Stay {
        Stay {
            admitted_on: None,
            discharged_on: None,
            wards: vec![],
            outings,
            meals,
            meal_class: None,
            iryo_kubun: None,
        }
    }

    fn july(a: u32, b: u32) -> Vec<Date> {
        (a..=b)
            .map(|k| Date::from_ymd(2024, 7, k).unwrap())
            .collect()
    }

    #[test]
    fn rows_of_a_day() {
        let mut m = day("2024-07-01", 3, MealKind::I);
        m.special = 2;
        m.dining = true;
        let r = rows(&m, true);
        assert_eq!(
            r.iter().map(|r| (r.code, r.times)).collect::<Vec<_>>(),
            vec![(197_000_110, 3), (197_000_470, 2), (197_000_570, 1)]
        );
        let mut l = day("2024-07-01", 2, MealKind::LivingII);
        l.liquid = false;
        assert_eq!(
            rows(&l, true)
                .iter()
                .map(|r| (r.code, r.times))
                .collect::<Vec<_>>(),
            vec![(197_001_710, 2), (197_001_810, 1)]
        );
        assert_eq!(rows(&l, false).len(), 1);
        let mut q = day("2024-07-01", 1, MealKind::II);
        q.liquid = true;
        assert_eq!(rows(&q, false)[0].code, 197_003_210);
    }

    #[test]
    fn a_run_of_days() {
        let mut m = day("2024-07-30", 3, MealKind::I);
        m.until = Some(d("2024-08-02"));
        assert_eq!(m.days().count(), 4);
        assert_eq!(served_count(&stay(vec![m], vec![])), Some(12));
        assert_eq!(served_count(&stay(vec![], vec![])), None);
    }

    #[test]
    fn refusals_name_the_path() {
        let days = july(1, 10);
        let path = |s: Stay| validate(&s, &days).unwrap_err().path;
        assert_eq!(
            path(stay(vec![day("2024-07-01", 4, MealKind::I)], vec![])),
            "stay.meals[0].count"
        );
        assert_eq!(
            path(stay(
                vec![
                    day("2024-07-01", 3, MealKind::I),
                    day("2024-07-01", 1, MealKind::I)
                ],
                vec![]
            )),
            "stay.meals[1].count"
        );
        assert_eq!(
            path(stay(vec![day("2024-07-11", 3, MealKind::I)], vec![])),
            "stay.meals[0]"
        );
        assert_eq!(
            path(stay(
                vec![day("2024-07-05", 3, MealKind::I)],
                vec![d("2024-07-05")]
            )),
            "stay.meals[0]"
        );
        let mut s = day("2024-07-02", 3, MealKind::II);
        s.dining = true;
        assert_eq!(path(stay(vec![s], vec![])), "stay.meals[0].dining");
        let mut s = day("2024-07-02", 3, MealKind::I);
        s.liquid = true;
        s.special = 1;
        assert_eq!(path(stay(vec![s], vec![])), "stay.meals[0].special");
        let mut s = day("2024-07-02", 2, MealKind::LivingII);
        s.liquid = true;
        assert_eq!(path(stay(vec![s], vec![])), "stay.meals[0].liquid");
        assert!(
            validate(
                &stay(vec![day("2024-07-02", 3, MealKind::I)], vec![]),
                &days
            )
            .is_ok()
        );
    }
}
