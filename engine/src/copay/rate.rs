//! 負担割合 and 所得区分: the age band at the date of care, the rate it gives, and the checks that
//! the given rate and 区分 agree with the age.

use crate::Explanation;
use santei_masters::Date;
use serde::Serialize;

use super::tables::{self, Band, Hairyo, LimitRow};
use super::{
    BURDEN_CONTRADICTS_AGE, CITE_CLASS, CITE_HIGH_COST, CITE_RATE, CLASS_NOT_IN_FORCE,
    CopaySettings, HALVED, INCOME_CLASS_INVALID, INCOME_CLASS_MISSING, IncomeClass,
    MissingOver70Class, NO_CERTIFICATE, NO_TABLE, SCHEME_AGE, SPECIFIED_DISEASE,
};
use crate::age::{age_years, reaches};
use crate::claim::{Claim, Insurance, Scheme};
use crate::result::Finding;

/// Age band of the 負担割合 at the date of care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// 未就学 (until the first 31 March on or after the day one reaches 6)
    Preschool,
    /// 就学 〜 70歳に達する日の属する月
    Under70,
    /// 70歳に達する日の属する月の翌月 〜 75歳の誕生日の前日 (高齢受給者)
    From70,
    /// 75歳の誕生日以後 (後期高齢者)
    From75,
}

/// The first 31 March on or after the day one reaches 6 (国保法42条1項2号).
pub fn preschool_until(birth: Date) -> Date {
    let r = reaches(birth, 6);
    let year = if r.month() <= 3 {
        r.year()
    } else {
        r.year() + 1
    };
    Date::from_ymd(year, 3, 31).unwrap_or(Date::MAX)
}

/// The first day of the 70–74 rate: the 1st of the month after the month one reaches 70 (born on
/// the 1st: reaches 70 on the last day of the month before, so the birthday month).
pub fn from70(birth: Date) -> Date {
    let r = reaches(birth, 70);
    let (y, m) = if r.month() == 12 {
        (r.year() + 1, 1)
    } else {
        (r.year(), r.month() + 1)
    };
    Date::from_ymd(y, m, 1).unwrap_or(Date::MAX)
}

/// The 75th birthday: 後期高齢者 from this day (高確法50条, 52条).
pub fn birthday75(birth: Date) -> Date {
    reaches(birth, 75).succ()
}

/// The three days that bound the age bands of a patient ([`preschool_until`], [`from70`],
/// [`birthday75`]), computed once for the first and the last day of care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AgeDates {
    preschool_until: Date,
    from70: Date,
    birthday75: Date,
}

impl AgeDates {
    fn of(birth: Date) -> AgeDates {
        AgeDates {
            preschool_until: preschool_until(birth),
            from70: from70(birth),
            birthday75: birthday75(birth),
        }
    }

    fn band(self, on: Date) -> AgeBand {
        if on <= self.preschool_until {
            AgeBand::Preschool
        } else if on < self.from70 {
            AgeBand::Under70
        } else if on < self.birthday75 {
            AgeBand::From70
        } else {
            AgeBand::From75
        }
    }
}

/// Everything the calculation needs to know about the insurance.
#[derive(Debug, Clone)]
pub(crate) struct Rates {
    pub insured: bool,
    /// 負担割合 (%)
    pub rate: Option<u8>,
    pub band: AgeBand,
    /// 70歳以上 limits (高齢受給者, 後期).
    pub elder: bool,
    pub class: Option<IncomeClass>,
    /// The limits of the 区分 (None under 70 without 所得区分: no 高額療養費 at the 窓口).
    pub row: Option<&'static LimitRow>,
    /// The ウ row, for 公費 parts under 70.
    pub u_row: Option<&'static LimitRow>,
    pub halved: bool,
    pub many: bool,
    pub marucho: Option<i64>,
    pub hairyo: Option<&'static Hairyo>,
    pub floor: i64,
    /// The first day of care (the date the tables are read on).
    pub date: Date,
    pub explain: Vec<crate::Explanation>,
}

pub(crate) fn decide(
    claim: &Claim,
    first: Date,
    last: Date,
    insured: bool,
    settings: &CopaySettings,
    findings: &mut Vec<Finding>,
) -> Option<Rates> {
    let ins = &claim.insurance;
    let birth = claim.patient.birth_date;
    let ages = AgeDates::of(birth);
    let band = ages.band(first);
    let b75 = ages.birthday75;
    if band != ages.band(last) && (first < b75) != (last < b75) {
        findings.push(Finding::error(SCHEME_AGE).at("visits").cite(CITE_RATE).message(format!(
                "the visits straddle the 75th birthday ({b75}): care before it is billed to the 健保/国保, from it to 後期高齢者医療 (two claims)"
            )));
        return None;
    }
    let mut d = Decision {
        ins,
        first,
        insured,
        settings,
        findings,
        explain: Vec::new(),
        ok: true,
    };
    let kouki = d.kouki(band, birth, b75);
    let elder = kouki || matches!(band, AgeBand::From70 | AgeBand::From75);
    let class = d.income_class(elder, kouki);
    let rate = d.burden_rate(band, kouki, class);
    let row = d.limit_row(elder, class);
    // The ウ row for 特定給付対象療養 parts under 70; none from 2027-08-01, when ウ splits (a claim
    // that needs it is refused in calc::run).
    let u_row = tables::limit(Band::Under70, IncomeClass::U, first);
    if insured && !elder && ins.income_class.is_none() {
        d.findings.push(Finding::info(NO_CERTIFICATE).at("insurance.income_class").cite(CITE_HIGH_COST).message("70歳未満 without 所得区分 (限度額適用認定証 / マイナ保険証): no 高額療養費 at the 窓口; the insurer refunds any excess later"));
    }
    let auto_halved = b75.year() == first.year() && b75.month() == first.month() && b75.day() != 1;
    let halved = ins.limit_halved.unwrap_or(auto_halved);
    if halved && insured {
        d.findings.push(
            Finding::info(HALVED)
                .at("insurance.limit_halved")
                .cite("健保令42条, 高確法施行令16条 (75歳到達月の自己負担限度額の特例: 2分の1)")
                .message(format!(
                    "75歳到達月 (75th birthday {b75}): every 高額療養費 limit is halved this month"
                )),
        );
    }
    let marucho = d.marucho(elder, class);
    // 配慮措置: 一般Ⅱ 外来 only, and not on a マル長 (特定疾病) claim, whose limit is the 特定疾病 one
    // (INFERRED from R5-04 事例21: マル長, 40,000円 → 8,000円, not 7,000円).
    let hairyo = match class {
        Some(IncomeClass::Ippan2)
            if kouki && claim.setting == crate::claim::Setting::Outpatient && marucho.is_none() =>
        {
            tables::hairyo(first)
        }
        _ => None,
    };
    let floor = tables::combine_floor(first).map_or(0, |f| f.yen);
    d.ok.then_some(Rates {
        insured,
        rate,
        band,
        elder,
        class,
        row,
        u_row,
        halved,
        many: ins.many_times,
        marucho,
        hairyo,
        floor,
        date: first,
        explain: d.explain,
    })
}

/// The checks of [`decide`] on one claim: what they read, and the errors and explanations they
/// add (`ok` false once an error was added).
struct Decision<'a> {
    ins: &'a Insurance,
    first: Date,
    insured: bool,
    settings: &'a CopaySettings,
    findings: &'a mut Vec<Finding>,
    explain: Vec<crate::Explanation>,
    ok: bool,
}

impl Decision<'_> {
    /// Whether the claim is 後期高齢者医療: the scheme given, checked against the age (CPY-509).
    fn kouki(&mut self, band: AgeBand, birth: Date, b75: Date) -> bool {
        let (ins, first) = (self.ins, self.first);
        let findings = &mut *self.findings;
        let mut ok = true;
        let kouki = match ins.scheme {
            Some(Scheme::Kouki) => {
                if age_years(birth, first) < 65 {
                    findings.push(
                        Finding::error(SCHEME_AGE)
                            .at("insurance.scheme")
                            .cite(CITE_RATE)
                            .message(format!(
                                "後期高齢者医療 at {} years (from 75, or 65 with 障害認定)",
                                age_years(birth, first)
                            )),
                    );
                    ok = false;
                }
                true
            }
            Some(s) if band == AgeBand::From75 => {
                findings.push(Finding::error(SCHEME_AGE).at("insurance.scheme").cite(CITE_RATE).message(format!(
                        "{} on {first}, on or after the 75th birthday {b75}: the patient is in 後期高齢者医療",
                        if s == Scheme::Shaho {
                            "社保"
                        } else {
                            "国保"
                        }
                    )));
                ok = false;
                false
            }
            Some(_) => false,
            None => band == AgeBand::From75,
        };
        self.ok &= ok;
        kouki
    }

    /// The 所得区分 (健保令42条 / 高確法施行令15条): as given ([`Self::given_class`]), or assumed
    /// from the rate for a 70歳以上 claim without it when the setting allows
    /// ([`Self::missing_elder_class`]).
    fn income_class(&mut self, elder: bool, kouki: bool) -> Option<IncomeClass> {
        let ins = self.ins;
        if let Some(s) = &ins.income_class {
            self.given_class(s, elder, kouki)
        } else if self.insured && elder {
            self.missing_elder_class(kouki)
        } else {
            None
        }
    }

    /// The 所得区分 given (健保令42条 / 高確法施行令15条), parsed and checked against the age and
    /// the scheme (CPY-502, CPY-503, [`Self::class_fits`]); a 後期 一般 is told 一般Ⅰ/Ⅱ by the
    /// rate ([`Self::kouki_ippan`]), a 2027-08 標準報酬月額 band before 2027-08-01 read as its
    /// 5-区分 class.
    fn given_class(&mut self, s: &str, elder: bool, kouki: bool) -> Option<IncomeClass> {
        let Some(c) = IncomeClass::parse(s) else {
            self.findings.push(Finding::error(INCOME_CLASS_INVALID).at("insurance.income_class").cite(CITE_CLASS).message(format!(
                    "`{s}` is not a 所得区分 (ア〜オ, 標報…万 (2027-08 bands), 現役並みⅠ〜Ⅲ, 一般, 一般Ⅰ/Ⅱ, 低所得Ⅰ/Ⅱ)"
                )));
            self.ok = false;
            return None;
        };
        if !self.class_fits(c, elder, kouki) {
            return None;
        }
        match c {
            IncomeClass::Ippan if kouki => self.kouki_ippan(),
            c if c.is_hyoho_band() && self.first < tables::THIRTEEN_FROM => {
                // A 2027-08 標準報酬月額 band before 2027-08-01: the 5-区分 class whose range holds it
                // (標報36〜41万 lies within ウ 28万〜50万), no guess involved.
                let old = c.five_class().unwrap_or(c);
                if self.settings.explain {
                    self.explain.push(Explanation::IncomeBandBefore13 {
                        class: c.japanese(),
                        date: self.first,
                        within: old.japanese(),
                    });
                }
                Some(old)
            }
            c => Some(c),
        }
    }

    /// Whether a 区分 given fits the patient (健保令42条 / 高確法施行令15条): a 70歳未満 区分 under
    /// 70 and a 70歳以上 one from 70, 一般Ⅰ/Ⅱ only in 後期高齢者医療, 一般Ⅱ (後期 2割) only from
    /// 2022-10-01. The first misfit is an error (CPY-503).
    fn class_fits(&mut self, c: IncomeClass, elder: bool, kouki: bool) -> bool {
        let first = self.first;
        let message = if elder == c.is_under70() {
            format!(
                "{} is a {} 区分, but the patient is {} on {first}",
                c.japanese(),
                if c.is_under70() {
                    "70歳未満"
                } else {
                    "70歳以上"
                },
                if elder {
                    "70歳以上 (高齢受給者/後期)"
                } else {
                    "70歳未満"
                }
            )
        } else if matches!(c, IncomeClass::Ippan1 | IncomeClass::Ippan2) && !kouki {
            format!(
                "{} is a 後期高齢者医療 区分; 70〜74歳 use 一般",
                c.japanese()
            )
        } else if c == IncomeClass::Ippan2 && first < date_2022_10() {
            "一般Ⅱ (後期 2割) exists from 2022-10-01".to_owned()
        } else {
            return true;
        };
        self.findings.push(
            Finding::error(INCOME_CLASS_INVALID)
                .at("insurance.income_class")
                .cite(CITE_CLASS)
                .message(message),
        );
        self.ok = false;
        false
    }

    /// 後期高齢者 一般: 一般Ⅰ (1割) or 一般Ⅱ (2割, from 2022-10-01), told by the rate given
    /// (高確法67条1項1号・2号); before 2022-10-01 always 一般Ⅰ.
    fn kouki_ippan(&mut self) -> Option<IncomeClass> {
        let first = self.first;
        match self.ins.burden_percent {
            Some(10) => Some(IncomeClass::Ippan1),
            Some(20) if first >= date_2022_10() => Some(IncomeClass::Ippan2),
            None if first < date_2022_10() => Some(IncomeClass::Ippan1),
            None => {
                self.findings.push(
                    Finding::error(INCOME_CLASS_MISSING)
                        .at("insurance.income_class")
                        .cite(CITE_CLASS)
                        .message(
                            "後期高齢者 一般: give 一般Ⅰ or 一般Ⅱ (or burden_percent 10 / 20)",
                        ),
                );
                self.ok = false;
                None
            }
            Some(p) => {
                self.findings.push(
                    Finding::error(BURDEN_CONTRADICTS_AGE)
                        .at("insurance.burden_percent")
                        .cite(CITE_RATE)
                        .message(format!("後期高齢者 一般 pays 1割 or 2割, not {p}%")),
                );
                self.ok = false;
                None
            }
        }
    }

    /// A 70歳以上 claim without 所得区分: the 区分 decides the 負担割合 and the limits
    /// (健保令42条 / 高確法施行令15条), so it is required (CPY-502), unless the setting
    /// `missing_over70_class` assumes it from a rate given (3割: 現役並みⅢ, 後期 2割: 一般Ⅱ, 後期
    /// 1割: 一般Ⅰ, else 一般).
    fn missing_elder_class(&mut self, kouki: bool) -> Option<IncomeClass> {
        match (self.settings.missing_over70_class, self.ins.burden_percent) {
            (MissingOver70Class::FromRate, Some(p @ (10 | 20 | 30))) => {
                let c = match (p, kouki) {
                    (30, _) => IncomeClass::Genekinami3,
                    (20, true) => IncomeClass::Ippan2,
                    (10, true) => IncomeClass::Ippan1,
                    _ => IncomeClass::Ippan,
                };
                if self.settings.explain {
                    self.explain.push(Explanation::IncomeClassAssumed {
                        class: c.japanese(),
                        percent: p,
                    });
                }
                Some(c)
            }
            _ => {
                let first = self.first;
                self.findings.push(Finding::error(INCOME_CLASS_MISSING).at("insurance.income_class").cite(CITE_CLASS).message(format!(
                        "the patient is 70歳以上 on {first}: the 所得区分 (現役並みⅠ〜Ⅲ, 一般, 低所得Ⅰ/Ⅱ) decides the 負担割合 and the limits; it is required"
                    )));
                self.ok = false;
                None
            }
        }
    }

    /// The 負担割合 from the age band and the 区分, checked against the one given (CPY-501).
    fn burden_rate(
        &mut self,
        band: AgeBand,
        kouki: bool,
        class: Option<IncomeClass>,
    ) -> Option<u8> {
        let (ins, first, insured, settings) = (self.ins, self.first, self.insured, self.settings);
        let findings = &mut *self.findings;
        let explain = &mut self.explain;
        let mut ok = true;
        let rate = if !insured {
            None
        } else {
            let derived: Option<(u8, &str)> = match (band, kouki, class) {
                (_, true, Some(c)) if c.is_genekinami() => {
                    Some((30, "後期高齢者 現役並み所得 (高確法67条1項3号)"))
                }
                (_, true, Some(IncomeClass::Ippan2)) => {
                    Some((20, "後期高齢者 一般Ⅱ (高確法67条1項2号, 2022-10-01〜)"))
                }
                (_, true, Some(_)) => Some((10, "後期高齢者 一般Ⅰ・低所得 (高確法67条1項1号)")),
                (_, true, None) => None,
                (AgeBand::Preschool, _, _) => Some((
                    20,
                    "未就学: 6歳に達する日以後の最初の3月31日以前 (国保法42条1項2号, 健保法110条2項1号ロ)",
                )),
                (AgeBand::Under70, _, _) => Some((
                    30,
                    "就学後〜70歳に達する日の属する月 (健保法74条1項1号, 国保法42条1項1号)",
                )),
                (_, false, Some(c)) if c.is_genekinami() => Some((
                    30,
                    "70〜74歳 現役並み所得 (健保法74条1項3号, 国保法42条1項4号)",
                )),
                (_, false, Some(_)) => Some((
                    20,
                    "70〜74歳: 70歳に達する日の属する月の翌月以後 (健保法74条1項2号, 国保法42条1項3号)",
                )),
                (_, false, None) => None,
            };
            match (derived, ins.burden_percent) {
                (Some((r, why)), Some(p)) if p != r => {
                    findings.push(
                        Finding::error(BURDEN_CONTRADICTS_AGE)
                            .at("insurance.burden_percent")
                            .cite(CITE_RATE)
                            .message(format!(
                                "burden_percent {p} contradicts the age and 区分 on {first}: {why}"
                            )),
                    );
                    ok = false;
                    None
                }
                (Some((r, why)), _) => {
                    if settings.explain {
                        explain.push(Explanation::BurdenRate {
                            tenths: r / 10,
                            why,
                        });
                    }
                    Some(r)
                }
                (None, Some(p)) if matches!(p, 10 | 20 | 30) => Some(p),
                (None, Some(p)) => {
                    findings.push(
                        Finding::error(BURDEN_CONTRADICTS_AGE)
                            .at("insurance.burden_percent")
                            .cite(CITE_RATE)
                            .message(format!("burden_percent {p}: 負担割合 is 10, 20 or 30")),
                    );
                    ok = false;
                    None
                }
                (None, None) => None, // 70歳以上 without 区分: already an error
            }
        };
        self.ok &= ok;
        rate
    }

    /// The limits of the 区分 on the first day of care (CPY-525, CPY-513 when none).
    fn limit_row(&mut self, elder: bool, class: Option<IncomeClass>) -> Option<&'static LimitRow> {
        let (first, insured) = (self.first, self.insured);
        let findings = &mut *self.findings;
        let mut ok = true;
        let limit_band = if elder { Band::Over70 } else { Band::Under70 };
        let mut row = None;
        if let (true, Some(c)) = (insured, class) {
            row = tables::limit(limit_band, c, first);
            if row.is_none() {
                match tables::missing(limit_band, c, first) {
                    Some(why) => findings.push(
                        Finding::error(CLASS_NOT_IN_FORCE)
                            .at("insurance.income_class")
                            .cite(CITE_HIGH_COST)
                            .message(why),
                    ),
                    None => findings.push(
                        Finding::error(NO_TABLE)
                            .at("insurance.income_class")
                            .cite(CITE_HIGH_COST)
                            .message(format!(
                                "no 高額療養費 limits for {} on {first} in santei's tables",
                                c.japanese()
                            )),
                    ),
                }
                ok = false;
            }
        }
        self.ok &= ok;
        row
    }

    /// The 特定疾病 (マル長) limit given, checked (CPY-515).
    fn marucho(&mut self, elder: bool, class: Option<IncomeClass>) -> Option<i64> {
        let ins = self.ins;
        let findings = &mut *self.findings;
        let mut ok = true;
        let mut marucho = None;
        if let Some(m) = ins.specified_disease_cap_yen {
            let m = i64::from(m);
            let allowed = tables::SPECIFIED_DISEASE_CAPS.contains(&m)
                && (m == 10_000 || (!elder && class.is_none_or(IncomeClass::is_upper_under70)));
            if !allowed {
                findings.push(Finding::error(SPECIFIED_DISEASE).at("insurance.specified_disease_cap_yen").cite(tables::CITE_SPECIFIED_DISEASE).message(format!(
                        "マル長 {m}円: the 特定疾病 limit is 10,000円 (20,000円 only under 70 in 区分ア・イ with 人工透析)"
                    )));
                ok = false;
            }
            marucho = Some(m);
        }
        self.ok &= ok;
        marucho
    }
}

fn date_2022_10() -> Date {
    Date::from_yyyymmdd_const(20221001)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn preschool_boundary() {
        // Born 2018-04-01 reaches 6 on 2024-03-31 → 未就学 until 2024-03-31.
        assert_eq!(preschool_until(d("2018-04-01")), d("2024-03-31"));
        // Born 2018-04-02 reaches 6 on 2024-04-01 → until 2025-03-31.
        assert_eq!(preschool_until(d("2018-04-02")), d("2025-03-31"));
    }

    #[test]
    fn seventy_from_the_next_month_or_the_birthday_month_for_the_1st() {
        assert_eq!(from70(d("1954-07-15")), d("2024-08-01"));
        // Born on the 1st: reaches 70 on 2024-06-30 → from 2024-07-01.
        assert_eq!(from70(d("1954-07-01")), d("2024-07-01"));
        assert_eq!(from70(d("1954-12-20")), d("2025-01-01"));
    }

    #[test]
    fn kouki_from_the_birthday() {
        assert_eq!(birthday75(d("1949-07-15")), d("2024-07-15"));
        assert_eq!(
            AgeDates::of(d("1949-07-15")).band(d("2024-07-14")),
            AgeBand::From70
        );
        assert_eq!(
            AgeDates::of(d("1949-07-15")).band(d("2024-07-15")),
            AgeBand::From75
        );
        // 29 February: reaches 75 on 28 February, birthday taken as 1 March.
        assert_eq!(birthday75(d("1952-02-29")), d("2027-03-01"));
    }

    fn decision<'a>(ins: &'a Insurance, findings: &'a mut Vec<Finding>) -> Decision<'a> {
        Decision {
            ins,
            first: d("2024-07-09"),
            insured: true,
            settings: &CopaySettings::DEFAULT,
            findings,
            explain: Vec::new(),
            ok: true,
        }
    }

    #[test]
    fn marucho_20000_only_under_70_in_upper_classes() {
        let ins = Insurance {
            specified_disease_cap_yen: Some(20_000),
            ..Default::default()
        };
        let mut f = Vec::new();
        let mut c = decision(&ins, &mut f);
        assert_eq!(c.marucho(false, Some(IncomeClass::A)), Some(20_000));
        assert!(c.ok);
        assert_eq!(c.marucho(true, Some(IncomeClass::Ippan)), Some(20_000));
        assert!(!c.ok);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, SPECIFIED_DISEASE);
    }

    #[test]
    fn limit_row_of_the_class_on_the_first_day() {
        let ins = Insurance::default();
        let mut f = Vec::new();
        let mut c = decision(&ins, &mut f);
        let row = c.limit_row(false, Some(IncomeClass::U));
        assert_eq!(row.map(|r| r.class), Some(IncomeClass::U));
        assert!(c.limit_row(false, None).is_none());
        assert!(c.ok);
        assert!(f.is_empty());
    }

    #[test]
    fn burden_rate_from_the_age_and_checked() {
        let ins = Insurance {
            burden_percent: Some(20),
            ..Default::default()
        };
        let mut f = Vec::new();
        let mut c = decision(&ins, &mut f);
        assert_eq!(c.burden_rate(AgeBand::Under70, false, None), None);
        assert!(!c.ok);
        assert_eq!(f[0].rule, BURDEN_CONTRADICTS_AGE);
        let ins = Insurance::default();
        let mut f = Vec::new();
        let mut c = decision(&ins, &mut f);
        assert_eq!(c.burden_rate(AgeBand::Under70, false, None), Some(30));
        assert_eq!(c.burden_rate(AgeBand::Preschool, false, None), Some(20));
        assert_eq!(
            c.burden_rate(AgeBand::From75, true, Some(IncomeClass::Genekinami1)),
            Some(30)
        );
        assert!(c.ok);
        assert_eq!(c.explain.len(), 3);
    }

    #[test]
    fn age_dates_give_each_band_at_its_first_day() {
        let a = AgeDates::of(d("1954-07-15"));
        assert_eq!(a.band(d("1961-03-31")), AgeBand::Preschool);
        assert_eq!(a.band(d("1961-04-01")), AgeBand::Under70);
        assert_eq!(a.band(d("2024-07-31")), AgeBand::Under70);
        assert_eq!(a.band(d("2024-08-01")), AgeBand::From70);
        assert_eq!(a.band(d("2029-07-14")), AgeBand::From70);
        assert_eq!(a.band(d("2029-07-15")), AgeBand::From75);
    }
}
