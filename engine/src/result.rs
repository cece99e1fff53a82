//! What santei returns for a claim: lines shaped like UKE SI/IY/TO/CO records, totals per 診療識別
//! and per 点数欄, findings, and an explanation of every number. Format `santei.result/1`.

use rust_decimal::Decimal;
use santei_masters::Date;
use schemars::JsonSchema;
use serde::Serialize;

pub const RESULT_FORMAT: &str = "santei.result/1";

/// The result of a claim.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ClaimResult {
    pub format: &'static str,
    /// The revision whose masters and rules were used (`r2024-06`).
    pub revision: &'static str,
    /// 合計点数
    pub total_points: i64,
    /// Points per 診療識別 (11 初診, 12 再診, 21 内服 …), in 診療識別 order.
    pub sections: Vec<SectionTotal>,
    /// Points per 点数集計先識別 (the receipt's 点数欄: 110 初診, 120 再診, 122 外来管理加算 …) for
    /// 診療行為 lines; drug and material lines are under their 診療識別 in `sections`.
    pub aggregations: Vec<AggregationTotal>,
    /// Points per day of care (for the 窓口 charge of each visit).
    pub days: Vec<DayTotal>,
    /// Every billed line, in claim order, derived additions right after their base.
    pub lines: Vec<Line>,
    /// What the engine decided or could not decide: excluded lines, rules applied, warnings.
    pub findings: Vec<Finding>,
    /// The patient copayment (負担割合, 窓口, 高額療養費, 公費, UKE HO/KO amounts); absent when the
    /// claim has no insurance or its insurance data cannot give an amount (see the findings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copay: Option<crate::copay::Copay>,
    /// The 生活療養標準負担額 of the meals served with a 生活療養 kind, per 区分, from the masters of
    /// each day: for the copayment (not serialized).
    #[serde(skip)]
    #[schemars(skip)]
    pub living: Option<crate::meals::living::LivingTotals>,
}

impl ClaimResult {
    /// The `santei.result/1` JSON exactly as `santei calc --json` prints it and the service
    /// returns it: pretty-printed, ending in a newline. One function, so the two cannot differ.
    pub fn to_json_pretty(&self) -> Vec<u8> {
        // A typical visit's result is 10–20 KB: start there rather than grow (and copy) from 128 B.
        let mut out = Vec::with_capacity(16 << 10);
        // Serializing plain structs with string keys cannot fail.
        crate::pretty_json::write(&mut out, self).expect("a ClaimResult serializes");
        out.push(b'\n');
        out
    }

    /// [`ClaimResult::to_json_pretty`] with the explanations in `form`: [`ExplainForm::Text`] is
    /// `santei.result/1` itself; [`ExplainForm::Data`] writes each explanation as an object (its
    /// `kind` and fields, [`crate::Explanation::to_data`]) instead of its text.
    ///
    /// [`ExplainForm::Text`]: crate::ExplainForm::Text
    /// [`ExplainForm::Data`]: crate::ExplainForm::Data
    pub fn to_json_pretty_with(&self, form: crate::ExplainForm) -> Vec<u8> {
        crate::explain::serialize_as(form, || self.to_json_pretty())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SectionTotal {
    /// 診療識別 (2 digits)
    pub section: &'static str,
    pub name: &'static str,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AggregationTotal {
    /// 点数集計先識別（入院外, or （入院） on an 入院 claim）
    pub aggregation: u16,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DayTotal {
    #[serde(serialize_with = "ser_date")]
    #[schemars(with = "String")]
    pub date: Date,
    pub points: i64,
}

/// A date as its `Display` (`YYYY-MM-DD`), for the result and the copayment: the digits are put
/// in place directly rather than through `write!` (a date is on every line, and the formatting
/// machinery was a few percent of writing a result).
pub(crate) fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    match iso_date(*d) {
        Some(text) => s.serialize_str(std::str::from_utf8(&text).unwrap_or_default()),
        None => s.collect_str(d),
    }
}

/// `YYYY-MM-DD` of a date (the `Display` of [`Date`], whose years are 1000–9999); `None` for
/// any other year, which goes through `Display`.
fn iso_date(d: Date) -> Option<[u8; 10]> {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if y > 9999 || m > 99 || day > 99 {
        return None;
    }
    let digit = |n: u32| b'0' + (n % 10) as u8;
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn iso_date_is_the_display_of_the_date() {
        let dates = [(2026, 12, 1), (2024, 6, 30), (1000, 1, 1), (9999, 12, 31)]
            .map(|(y, m, d)| Date::from_ymd(y, m, d).expect("a calendar date"));
        for date in dates.into_iter().chain([Date::MIN, Date::MAX]) {
            let text = iso_date(date).expect("a four-digit year");
            assert_eq!(std::str::from_utf8(&text).unwrap(), date.to_string());
        }
    }
}

/// UKE record type of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub enum RecordKind {
    /// 診療行為
    SI,
    /// 医薬品
    IY,
    /// 特定器材
    TO,
    /// コメント
    CO,
}

/// Why a line is on the claim.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Origin {
    /// Listed in the claim at this path.
    // Both paths are stored inline up to 24 bytes (`visits[12].items[34]`, no allocation); a
    // drug's path (`visits[0].items[0].drugs[0]`, 27 bytes) is on the heap.
    Claimed {
        #[schemars(with = "String")]
        path: santei_masters::Text,
    },
    /// Added by santei (注加算, 判断料 …) under this rule.
    Derived {
        rule: &'static str,
        #[schemars(with = "String")]
        base_path: santei_masters::Text,
    },
}

/// One line, shaped like a UKE SI/IY/TO/CO record. Lines of one 算定単位 (a 剤, a まるめ group)
/// share `unit`; only the last one carries `points`, as in the UKE file.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Line {
    pub record: RecordKind,
    /// 診療識別
    pub section: &'static str,
    #[serde(serialize_with = "ser_date")]
    #[schemars(with = "String")]
    pub date: Date,
    /// 算定単位 number (lines with the same number are billed together).
    pub unit: usize,
    /// The 診療行為・医薬品・特定器材・コメント code (nine digits), stored inline: no allocation.
    #[schemars(with = "String")]
    pub code: santei_masters::Text,
    /// The name: the 省略名称 of an SI line, the 漢字名称 of an IY/TO line, a CO line's comment text
    /// with its free text (stored inline up to 24 bytes, eight kanji).
    #[schemars(with = "String")]
    pub name: santei_masters::Text,
    /// 数量データ / 使用量
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    #[schemars(with = "Option<String>")]
    pub quantity: Option<Decimal>,
    /// 点数 of the 算定単位 for one time, on its last line only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    /// 回数 (日数 for 内服)
    pub times: u32,
    /// 点数集計先識別 (the receipt's 点数欄)
    pub aggregation: u16,
    pub origin: Origin,
    /// How the numbers were obtained: master rows, rules, roundings.
    // Each is serialized as its text, and its schema is a string ([`crate::Explanation`]).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub explain: Vec<crate::Explanation>,
}

/// Severity of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A line was not billed, or the claim is wrong as submitted.
    Error,
    /// Needs a person's look (a rule santei cannot decide, a 特例条件).
    Warning,
    /// Something santei did that a reader may want to know (a 注加算 added, a まるめ applied).
    Info,
}

/// A rule outcome. Never an `Err`: the claim was judged, and this is part of the judgement.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// Stable rule id (see docs/FINDINGS.md); outlives the implementation.
    pub rule: &'static str,
    /// For outcomes of the rule files and the 電子点数表: the id of that rule
    /// (`A002-6.gairai-hokatsu`, `etensu.03-3.160171310.170000310`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    pub severity: Severity,
    pub message: String,
    /// Claim path of the item concerned (`visits[0].items[2]`).
    pub path: String,
    /// 告示/通知 citation or master column the rule comes from.
    pub citation: std::borrow::Cow<'static, str>,
    /// Codes involved.
    pub codes: Vec<String>,
}

/// A finding is built by name, so a call site reads what each part is:
/// `Finding::error(rules::UNKNOWN_CODE).at(path).cite(rules::CITE_MASTER).codes(codes).message(m)`.
/// The empty start allocates nothing; each part moves into place.
impl Finding {
    /// A finding of a built-in rule with the severity given (see [`Finding::error`] and the others
    /// when it is fixed).
    pub fn of(rule: &'static str, severity: Severity) -> Finding {
        Finding {
            rule,
            rule_id: None,
            severity,
            message: String::new(),
            path: String::new(),
            citation: std::borrow::Cow::Borrowed(""),
            codes: Vec::new(),
        }
    }

    /// An error finding: the line was not billed, or the claim is wrong as submitted.
    pub fn error(rule: &'static str) -> Finding {
        Finding::of(rule, Severity::Error)
    }

    /// A warning finding: a person must look.
    pub fn warning(rule: &'static str) -> Finding {
        Finding::of(rule, Severity::Warning)
    }

    /// An info finding: something santei did that a reader may want to know.
    pub fn info(rule: &'static str) -> Finding {
        Finding::of(rule, Severity::Info)
    }

    /// The claim path of the item concerned (`visits[0].items[2]`).
    pub fn at(mut self, path: impl Into<String>) -> Finding {
        self.path = path.into();
        self
    }

    /// The 告示/通知 citation or master column the rule comes from.
    pub fn cite(mut self, citation: impl Into<std::borrow::Cow<'static, str>>) -> Finding {
        self.citation = citation.into();
        self
    }

    /// The codes involved.
    pub fn codes(mut self, codes: Vec<String>) -> Finding {
        self.codes = codes;
        self
    }

    /// What happened, for the user.
    pub fn message(mut self, message: impl Into<String>) -> Finding {
        self.message = message.into();
        self
    }

    /// The id of the rule file or 電子点数表 rule behind the finding.
    pub fn rule_id(mut self, id: impl Into<String>) -> Finding {
        self.rule_id = Some(id.into());
        self
    }
}
