//! Dated data the masters do not carry: the 検体検査 まるめ tiers of the 告示, one row per
//! (包括対象検査 group, revision), each with its citation. Changing a value at a 改定 is a data edit.

use santei_masters::Date;

/// Tiers of one まるめ: from `min_items` items on, the group is billed at `points`.
#[derive(Debug, Clone, Copy)]
pub struct Bundling {
    /// 包括対象検査 (医科診療行為マスター 項番16).
    pub group: u8,
    /// The 区分 and its name, for explanations.
    pub kubun: &'static str,
    /// First and last day the tiers apply.
    pub from: Date,
    pub until: Option<Date>,
    /// (minimum item count, points), ascending.
    pub tiers: &'static [(u32, i64)],
    pub citation: &'static str,
}

const fn d(yyyymmdd: u32) -> Date {
    Date::from_yyyymmdd_const(yyyymmdd)
}

/// The まるめ tiers santei knows. Groups 7 (D014 自己抗体: 主たるもの2つ), 8–11 and 13–16 are
/// limits of other shapes and are reported as findings until written (see docs/FINDINGS.md).
pub static BUNDLINGS: &[Bundling] = &[
    // 令和6年度 (告示 令和6年厚生労働省告示第57号; ../shared/law/r06/kokuji_ika.txt)
    Bundling {
        group: 1,
        kubun: "D007 生化学的検査(Ⅰ)",
        from: d(20240601),
        until: Some(d(20260531)),
        tiers: &[(5, 93), (8, 99), (10, 103)],
        citation: "告示 D007 注 (r06 kokuji_ika.txt l.8747–8752): 5〜7項目 93点, 8・9項目 99点, 10項目以上 103点",
    },
    Bundling {
        group: 2,
        kubun: "D008 内分泌学的検査",
        from: d(20240601),
        until: Some(d(20260531)),
        tiers: &[(3, 410), (6, 623), (8, 900)],
        citation: "告示 D008 注 (r06 kokuji_ika.txt l.8822–8827): 3〜5項目 410点, 6・7項目 623点, 8項目以上 900点",
    },
    Bundling {
        group: 3,
        kubun: "D013 肝炎ウイルス関連検査",
        from: d(20240601),
        until: Some(d(20260531)),
        tiers: &[(3, 290), (4, 360), (5, 425)],
        citation: "告示 D013 注 (r06 kokuji_ika.txt l.9030–9035): 3項目 290点, 4項目 360点, 5項目以上 425点",
    },
    Bundling {
        group: 5,
        kubun: "D009 腫瘍マーカー",
        from: d(20240601),
        until: Some(d(20260531)),
        tiers: &[(2, 230), (3, 290), (4, 385)],
        citation: "告示 D009 注2 (r06 kokuji_ika.txt l.8874–8878): 2項目 230点, 3項目 290点, 4項目以上 385点",
    },
    Bundling {
        group: 6,
        kubun: "D006 出血・凝固検査",
        from: d(20240601),
        until: Some(d(20260531)),
        tiers: &[(3, 530), (5, 722)],
        citation: "告示 D006 注 (r06 kokuji_ika.txt l.8551–8555): 3・4項目 530点, 5項目以上 722点",
    },
    // 令和8年度 (../shared/law/r08/kokuji_ika.txt): the same tiers.
    Bundling {
        group: 1,
        kubun: "D007 生化学的検査(Ⅰ)",
        from: d(20260601),
        until: None,
        tiers: &[(5, 93), (8, 99), (10, 103)],
        citation: "告示 D007 注 (r08 kokuji_ika.txt l.9362–9364)",
    },
    Bundling {
        group: 2,
        kubun: "D008 内分泌学的検査",
        from: d(20260601),
        until: None,
        tiers: &[(3, 410), (6, 623), (8, 900)],
        citation: "告示 D008 注 (r08 kokuji_ika.txt l.9438–9440)",
    },
    Bundling {
        group: 3,
        kubun: "D013 肝炎ウイルス関連検査",
        from: d(20260601),
        until: None,
        tiers: &[(3, 290), (4, 360), (5, 425)],
        citation: "告示 D013 注 (r08 kokuji_ika.txt l.9651–9653)",
    },
    Bundling {
        group: 5,
        kubun: "D009 腫瘍マーカー",
        from: d(20260601),
        until: None,
        tiers: &[(2, 230), (3, 290), (4, 385)],
        citation: "告示 D009 注2 (r08 kokuji_ika.txt l.9489–9491)",
    },
    Bundling {
        group: 6,
        kubun: "D006 出血・凝固検査",
        from: d(20260601),
        until: None,
        tiers: &[(3, 530), (5, 722)],
        citation: "告示 D006 注 (r08 kokuji_ika.txt l.9162–9163)",
    },
];

/// The まるめ of `group` in force on `date`.
pub fn bundling(group: u8, date: Date) -> Option<&'static Bundling> {
    BUNDLINGS
        .iter()
        .find(|b| b.group == group && b.from <= date && b.until.is_none_or(|u| date <= u))
}

impl Bundling {
    /// Points for `items` items, `None` below the first tier.
    pub fn points(&self, items: u32) -> Option<i64> {
        self.tiers
            .iter()
            .rev()
            .find(|(min, _)| items >= *min)
            .map(|(_, p)| *p)
    }
}
