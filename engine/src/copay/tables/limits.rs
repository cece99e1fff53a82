//! 高額療養費: 自己負担限度額 rows (70歳未満 / 70歳以上), the 70歳未満 合算 floor, the 後期 2割
//! 配慮措置 and マル長.

use santei_masters::Date;

use super::{Formula, d, in_force};
use crate::copay::IncomeClass;

/// Which band a limit row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// 70歳未満 (健保令42条1項1号〜5号 / 国保令29条の3)
    Under70,
    /// 70歳以上 (高齢受給者 and 後期高齢者; 健保令42条1項6号〜, 高確法施行令15条)
    Over70,
}

/// 高額療養費 自己負担限度額 of one 所得区分, in force from `from` to `until`.
#[derive(Debug, Clone, Copy)]
pub struct LimitRow {
    pub band: Band,
    /// The 区分 (後期 一般Ⅰ/一般Ⅱ use the 一般 row).
    pub class: IncomeClass,
    pub from: Date,
    pub until: Option<Date>,
    /// 世帯 limit (外来+入院; for under 70 the only one).
    pub household: Formula,
    /// 多数回該当 limit (flat), when the 区分 has one.
    pub many_times: Option<i64>,
    /// 外来 (個人ごと) limit, 70歳以上 一般・低所得 only (外来特例).
    pub outpatient: Option<i64>,
    /// 外来特例 年間上限 (計算期間 8月1日〜翌7月31日), refunded by the insurer; noted, not applied at
    /// the 窓口.
    pub outpatient_annual: Option<i64>,
    /// 年間上限 (計算期間 8月1日〜翌7月31日, 2026-08-01〜) of what is still paid after the monthly
    /// refunds: settled by the insurer afterwards like 世帯合算; noted, not applied at the 窓口.
    pub annual: Option<i64>,
    pub citation: &'static str,
    /// What the amounts rest on when it is not the 政令 text itself; repeated in the finding that
    /// applies the limit (CPY-520).
    pub note: Option<&'static str>,
}

const U70_CITE: &str = "健保令42条1項 / 国保令29条の3 (2015-01 改正); MHLW 「高額療養費の自己負担限度額の見直しに係る計算事例（平成27年1月）」";
const O70_CITE: &str = "健保令42条 / 高確法施行令15条 (2018-08 改正); MHLW 「高額療養費制度を利用される皆さまへ（平成30年8月診療分から）」 https://www.mhlw.go.jp/content/000333279.pdf";
/// The 2026-08 and 2027-08 見直し.
const R8_CITE: &str = "MHLW 「高額療養費制度の見直しについて（令和8年8月診療分から）」 https://www.mhlw.go.jp/content/001726232.pdf; amending 政令 (健保令42条 / 国保令29条の3 / 高確法施行令15条) not found";
const R8_NOTE: &str = "amounts from the MHLW explanation 「高額療養費制度の見直しについて（令和8年8月診療分から）」 (https://www.mhlw.go.jp/content/001726232.pdf); the amending 政令 text (健康保険法施行令 第42条) was not found";

const fn u70(
    class: IncomeClass,
    from: Date,
    until: Option<Date>,
    household: Formula,
    many_times: i64,
    annual: i64,
) -> LimitRow {
    LimitRow {
        band: Band::Under70,
        class,
        from,
        until,
        household,
        many_times: Some(many_times),
        outpatient: None,
        outpatient_annual: None,
        annual: Some(annual),
        citation: R8_CITE,
        note: Some(R8_NOTE),
    }
}

const fn o70(
    class: IncomeClass,
    household: Formula,
    many_times: Option<i64>,
    outpatient: Option<i64>,
    outpatient_annual: Option<i64>,
) -> LimitRow {
    LimitRow {
        band: Band::Over70,
        class,
        from: d(20260801),
        until: Some(d(20270731)),
        household,
        many_times,
        outpatient,
        outpatient_annual,
        annual: None,
        citation: R8_CITE,
        note: Some(R8_NOTE),
    }
}

/// First day of the 13 区分 (70歳未満) of the 見直し.
pub const THIRTEEN_FROM: Date = d(20270801);

/// The limits santei knows. The 2026-08 and 2027-08 見直し are rows from the MHLW explanation
/// (no 政令 text found: each says so in `note`). 70歳以上 from 2027-08-01 has no rows: the MHLW
/// explanation gives only the new 外来特例 amounts, not the 世帯 limits nor how 現役並み maps to the 13
/// 区分 ([`missing`] says so in the finding).
pub static LIMITS: &[LimitRow] = &[
    // 70歳未満, 2015-01-01 (5区分) – 2026-07-31.
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::A,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::plus1(252_600, 842_000),
        many_times: Some(140_100),
        outpatient: None,
        outpatient_annual: None,
        annual: None,
        citation: U70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::I,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::plus1(167_400, 558_000),
        many_times: Some(93_000),
        outpatient: None,
        outpatient_annual: None,
        annual: None,
        citation: U70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::U,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::plus1(80_100, 267_000),
        many_times: Some(44_400),
        outpatient: None,
        outpatient_annual: None,
        annual: None,
        citation: U70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::E,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::flat(57_600),
        many_times: Some(44_400),
        outpatient: None,
        outpatient_annual: None,
        annual: None,
        citation: U70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Under70,
        class: IncomeClass::O,
        from: d(20150101),
        until: Some(d(20260731)),
        household: Formula::flat(35_400),
        many_times: Some(24_600),
        outpatient: None,
        outpatient_annual: None,
        annual: None,
        citation: U70_CITE,
        note: None,
    },
    // 70歳以上 (高齢受給者・後期高齢者), 2018-08-01 – 2026-07-31.
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Genekinami3,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::plus1(252_600, 842_000),
        many_times: Some(140_100),
        outpatient: None,
        outpatient_annual: None,
        annual: None,
        citation: O70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Genekinami2,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::plus1(167_400, 558_000),
        many_times: Some(93_000),
        outpatient: None,
        outpatient_annual: None,
        annual: None,
        citation: O70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Genekinami1,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::plus1(80_100, 267_000),
        many_times: Some(44_400),
        outpatient: None,
        outpatient_annual: None,
        annual: None,
        citation: O70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Ippan,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::flat(57_600),
        many_times: Some(44_400),
        outpatient: Some(18_000),
        outpatient_annual: Some(144_000),
        annual: None,
        citation: O70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Teishotoku2,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::flat(24_600),
        many_times: None,
        outpatient: Some(8_000),
        outpatient_annual: None,
        annual: None,
        citation: O70_CITE,
        note: None,
    },
    LimitRow {
        band: Band::Over70,
        class: IncomeClass::Teishotoku1,
        from: d(20180801),
        until: Some(d(20260731)),
        household: Formula::flat(15_000),
        many_times: None,
        outpatient: Some(8_000),
        outpatient_annual: None,
        annual: None,
        citation: O70_CITE,
        note: None,
    },
    // 70歳未満, 2026-08-01 – 2027-07-31 (5 区分; 多数回 unchanged).
    u70(
        IncomeClass::A,
        d(20260801),
        Some(d(20270731)),
        Formula::plus1(270_300, 901_000),
        140_100,
        1_680_000,
    ),
    u70(
        IncomeClass::I,
        d(20260801),
        Some(d(20270731)),
        Formula::plus1(179_100, 597_000),
        93_000,
        1_110_000,
    ),
    u70(
        IncomeClass::U,
        d(20260801),
        Some(d(20270731)),
        Formula::plus1(85_800, 286_000),
        44_400,
        530_000,
    ),
    // エ 年間上限 530,000 (410,000 for 年収 about 200万円未満: not told by the 区分; the larger is kept
    // and the explanation says so).
    u70(
        IncomeClass::E,
        d(20260801),
        Some(d(20270731)),
        Formula::flat(61_500),
        44_400,
        530_000,
    ),
    u70(
        IncomeClass::O,
        d(20260801),
        Some(d(20270731)),
        Formula::flat(36_900),
        24_600,
        290_000,
    ),
    // 70歳未満, 2027-08-01 –: 13 区分 by 標準報酬月額 (住民税非課税 = オ).
    u70(
        IncomeClass::Hyoho127,
        THIRTEEN_FROM,
        None,
        Formula::plus1(342_000, 1_140_000),
        140_100,
        1_680_000,
    ),
    u70(
        IncomeClass::Hyoho103,
        THIRTEEN_FROM,
        None,
        Formula::plus1(303_000, 1_010_000),
        140_100,
        1_680_000,
    ),
    u70(
        IncomeClass::Hyoho83,
        THIRTEEN_FROM,
        None,
        Formula::plus1(270_300, 901_000),
        140_100,
        1_680_000,
    ),
    u70(
        IncomeClass::Hyoho71,
        THIRTEEN_FROM,
        None,
        Formula::plus1(209_400, 698_000),
        93_000,
        1_110_000,
    ),
    u70(
        IncomeClass::Hyoho62,
        THIRTEEN_FROM,
        None,
        Formula::plus1(194_400, 648_000),
        93_000,
        1_110_000,
    ),
    u70(
        IncomeClass::Hyoho53,
        THIRTEEN_FROM,
        None,
        Formula::plus1(179_100, 597_000),
        93_000,
        1_110_000,
    ),
    u70(
        IncomeClass::Hyoho44,
        THIRTEEN_FROM,
        None,
        Formula::plus1(110_400, 368_000),
        44_400,
        530_000,
    ),
    u70(
        IncomeClass::Hyoho36,
        THIRTEEN_FROM,
        None,
        Formula::plus1(98_100, 327_000),
        44_400,
        530_000,
    ),
    u70(
        IncomeClass::Hyoho28,
        THIRTEEN_FROM,
        None,
        Formula::plus1(85_800, 286_000),
        44_400,
        530_000,
    ),
    u70(
        IncomeClass::Hyoho20,
        THIRTEEN_FROM,
        None,
        Formula::flat(69_600),
        44_400,
        530_000,
    ),
    u70(
        IncomeClass::Hyoho16,
        THIRTEEN_FROM,
        None,
        Formula::flat(65_400),
        44_400,
        530_000,
    ),
    u70(
        IncomeClass::Hyoho15,
        THIRTEEN_FROM,
        None,
        Formula::flat(61_500),
        34_500,
        410_000,
    ),
    u70(
        IncomeClass::O,
        THIRTEEN_FROM,
        None,
        Formula::flat(36_900),
        24_600,
        290_000,
    ),
    // 70歳以上, 2026-08-01 – 2027-07-31: 現役並みⅢ/Ⅱ/Ⅰ take the ア/イ/ウ formulas.
    o70(
        IncomeClass::Genekinami3,
        Formula::plus1(270_300, 901_000),
        Some(140_100),
        None,
        None,
    ),
    o70(
        IncomeClass::Genekinami2,
        Formula::plus1(179_100, 597_000),
        Some(93_000),
        None,
        None,
    ),
    o70(
        IncomeClass::Genekinami1,
        Formula::plus1(85_800, 286_000),
        Some(44_400),
        None,
        None,
    ),
    o70(
        IncomeClass::Ippan,
        Formula::flat(61_500),
        Some(44_400),
        Some(22_000),
        Some(216_000),
    ),
    o70(
        IncomeClass::Teishotoku2,
        Formula::flat(25_700),
        None,
        Some(11_000),
        None,
    ),
    o70(
        IncomeClass::Teishotoku1,
        Formula::flat(15_700),
        None,
        Some(8_000),
        None,
    ),
];

/// Why a 区分 has no limit row on a date, when santei knows: the 5 区分 ア〜エ split into the 13
/// 区分 from 2027-08-01, a 13-区分 band exists only from then, and 70歳以上 has no published 世帯
/// limits from 2027-08-01. `None`: no row and nothing more to say (a date before every row).
pub fn missing(band: Band, class: IncomeClass, date: Date) -> Option<String> {
    if band == Band::Over70 && date >= THIRTEEN_FROM {
        return Some(format!(
            "{} on {date}: from 2027-08-01 the MHLW explanation ({R8_CITE}) gives only the 70歳以上 外来特例 (一般 28,000 for 標準報酬月額 16万〜26万円 or 22,000 for 15万円以下, 低所得Ⅱ 13,000, 低所得Ⅰ 8,000); the 世帯 limits, the 現役並み limits under the 13 区分 and the 所得区分 codes that tell 一般 apart are not published there, so santei has no limit",
            class.japanese()
        ));
    }
    if band == Band::Under70 && date >= THIRTEEN_FROM {
        let bands = class.bands_of();
        if !bands.is_empty() {
            let names: Vec<&str> = bands.iter().map(|c| c.japanese()).collect();
            return Some(format!(
                "{} on {date}: from 2027-08-01 the 70歳未満 limits have 13 区分 and {} splits into {} ({R8_CITE}); the claim must name the 標準報酬月額 band (income_class)",
                class.japanese(),
                class.japanese(),
                names.join(" / ")
            ));
        }
    }
    None
}

/// The limit row of a 区分 on a date.
pub fn limit(band: Band, class: IncomeClass, date: Date) -> Option<&'static LimitRow> {
    let class = class.limit_class();
    LIMITS
        .iter()
        .find(|r| r.band == band && r.class == class && in_force(r.from, r.until, date))
}

/// 70歳未満の世帯合算: a レセ (here: a 負担区分 part of the claim) counts only if its 一部負担金 is at
/// least this amount.
#[derive(Debug, Clone, Copy)]
pub struct Floor {
    pub from: Date,
    pub until: Option<Date>,
    pub yen: i64,
    pub citation: &'static str,
}

pub static COMBINE_FLOOR: &[Floor] = &[Floor {
    from: d(20020101),
    until: None,
    yen: 21_000,
    citation: "健保令41条1項 (70歳未満の合算対象: 一部負担金 21,000円以上); MHLW H27 事例13, 15, 19",
}];

pub fn combine_floor(date: Date) -> Option<&'static Floor> {
    COMBINE_FLOOR
        .iter()
        .find(|f| in_force(f.from, f.until, date))
}

/// 後期高齢者 2割負担 (一般Ⅱ) 外来 配慮措置: the 外来 個人 limit is
/// `min(base + (医療費 − threshold) × percent%, 外来 limit)`.
#[derive(Debug, Clone, Copy)]
pub struct Hairyo {
    pub from: Date,
    pub until: Option<Date>,
    pub base: i64,
    pub threshold: i64,
    pub percent: i64,
    pub citation: &'static str,
}

pub static HAIRYO: &[Hairyo] = &[Hairyo {
    from: d(20221001),
    until: Some(d(20250930)),
    base: 6_000,
    threshold: 30_000,
    percent: 10,
    citation: "高確法施行令 附則 (令和4年10月〜令和7年9月 配慮措置); MHLW 「後期高齢者医療制度の負担割合見直しに係る計算事例集（令和5年4月）」",
}];

pub fn hairyo(date: Date) -> Option<&'static Hairyo> {
    HAIRYO.iter().find(|h| in_force(h.from, h.until, date))
}

/// マル長 (特定疾病) amounts accepted.
pub static SPECIFIED_DISEASE_CAPS: &[i64] = &[10_000, 20_000];
pub const CITE_SPECIFIED_DISEASE: &str =
    "健保令42条9項 / 高確法施行令15条 (特定疾病 10,000円; 70歳未満 上位所得の人工透析 20,000円)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copay::tables::MEALS;

    #[test]
    fn rows_do_not_overlap() {
        for (i, a) in LIMITS.iter().enumerate() {
            for b in &LIMITS[i + 1..] {
                if a.band == b.band && a.class == b.class {
                    let a_end = a.until.unwrap_or(Date::MAX);
                    let b_end = b.until.unwrap_or(Date::MAX);
                    assert!(a_end < b.from || b_end < a.from, "{:?}", a.class);
                }
            }
        }
        for w in MEALS.windows(2) {
            assert!(w[0].until.unwrap() < w[1].from);
        }
    }

    fn limit_of(band: Band, class: IncomeClass, date: &str, cost: i64) -> i64 {
        let date = Date::parse_iso(date).unwrap();
        let row = limit(band, class, date).unwrap_or_else(|| panic!("{class:?} {date}"));
        let v = row.household.amount(rust_decimal::Decimal::from(cost));
        i64::try_from(v.mantissa()).unwrap() / 10i64.pow(v.scale())
    }

    /// MHLW 「高額療養費制度の見直しについて（令和8年8月診療分から）」 check values (医療費 1,000,000円).
    #[test]
    fn published_check_values_2026_08() {
        let u = |c, cost| limit_of(Band::Under70, c, "2026-08-01", cost);
        assert_eq!(u(IncomeClass::U, 1_000_000), 92_940);
        assert_eq!(u(IncomeClass::I, 1_000_000), 183_130);
        assert_eq!(u(IncomeClass::A, 1_000_000), 271_290);
        assert_eq!(u(IncomeClass::E, 1_000_000), 61_500);
        assert_eq!(u(IncomeClass::O, 1_000_000), 36_900);
        // The previous table ends the day before.
        assert_eq!(
            limit_of(Band::Under70, IncomeClass::U, "2026-07-31", 1_000_000),
            87_430
        );
        let o = |c| limit(Band::Over70, c, Date::parse_iso("2027-07-31").unwrap()).unwrap();
        assert_eq!(o(IncomeClass::Ippan).outpatient, Some(22_000));
        assert_eq!(o(IncomeClass::Ippan).household, Formula::flat(61_500));
        assert_eq!(o(IncomeClass::Teishotoku2).outpatient, Some(11_000));
        assert_eq!(o(IncomeClass::Teishotoku2).household, Formula::flat(25_700));
        assert_eq!(o(IncomeClass::Teishotoku1).outpatient, Some(8_000));
        assert_eq!(o(IncomeClass::Teishotoku1).household, Formula::flat(15_700));
        assert_eq!(
            o(IncomeClass::Genekinami1).household,
            Formula::plus1(85_800, 286_000)
        );
        // Every 2026-08 row says where its amounts come from.
        for r in LIMITS.iter().filter(|r| r.from >= d(20260801)) {
            assert!(r.note.is_some_and(|n| n.contains("政令")), "{:?}", r.class);
            assert!(r.citation.contains("mhlw.go.jp"), "{}", r.citation);
        }
    }

    #[test]
    fn published_check_values_2027_08() {
        let u = |c, cost| limit_of(Band::Under70, c, "2027-08-01", cost);
        assert_eq!(u(IncomeClass::Hyoho36, 1_000_000), 104_830);
        assert_eq!(u(IncomeClass::Hyoho62, 1_000_000), 197_920);
        assert_eq!(u(IncomeClass::Hyoho103, 1_000_000), 303_000);
        assert_eq!(u(IncomeClass::Hyoho103, 2_000_000), 312_900);
        assert_eq!(u(IncomeClass::Hyoho127, 1_000_000), 342_000);
        assert_eq!(u(IncomeClass::Hyoho28, 1_000_000), 92_940);
        assert_eq!(u(IncomeClass::Hyoho20, 1_000_000), 69_600);
        assert_eq!(u(IncomeClass::Hyoho15, 1_000_000), 61_500);
        // 13 区分: 12 bands and オ; ア〜エ have no row from 2027-08-01, and say why.
        let on = d(20270801);
        let n = LIMITS
            .iter()
            .filter(|r| r.band == Band::Under70 && in_force(r.from, r.until, on))
            .count();
        assert_eq!(n, 13);
        for c in [
            IncomeClass::A,
            IncomeClass::I,
            IncomeClass::U,
            IncomeClass::E,
        ] {
            assert!(limit(Band::Under70, c, on).is_none());
            assert_eq!(c.bands_of().len(), 3);
            assert!(missing(Band::Under70, c, on).is_some());
        }
        assert!(limit(Band::Over70, IncomeClass::Ippan, on).is_none());
        assert!(missing(Band::Over70, IncomeClass::Ippan, on).is_some());
        // 多数回: 34,500 for 15万以下.
        assert_eq!(
            limit(Band::Under70, IncomeClass::Hyoho15, on)
                .unwrap()
                .many_times,
            Some(34_500)
        );
    }
}
