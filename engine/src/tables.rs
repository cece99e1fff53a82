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
    // 令和2年度 (../shared/law/r02/kokuji_ika.txt), 2020-04-01 to 2022-03-31. D007 ハ, D009 ハ and
    // D013 ハ differ from r04 and r06.
    Bundling {
        group: 1,
        kubun: "D007 生化学的検査(Ⅰ)",
        from: d(20200401),
        until: Some(d(20220331)),
        tiers: &[(5, 93), (8, 99), (10, 109)],
        citation: "告示 D007 注 (r02 kokuji_ika.txt l.6439–6446): 5〜7項目 93点, 8・9項目 99点, 10項目以上 109点",
    },
    Bundling {
        group: 2,
        kubun: "D008 内分泌学的検査",
        from: d(20200401),
        until: Some(d(20220331)),
        tiers: &[(3, 410), (6, 623), (8, 900)],
        citation: "告示 D008 注 (r02 kokuji_ika.txt l.6515–6520): 3〜5項目 410点, 6・7項目 623点, 8項目以上 900点",
    },
    Bundling {
        group: 3,
        kubun: "D013 肝炎ウイルス関連検査",
        from: d(20200401),
        until: Some(d(20220331)),
        tiers: &[(3, 290), (4, 360), (5, 438)],
        citation: "告示 D013 注 (r02 kokuji_ika.txt l.6701–6706): 3項目 290点, 4項目 360点, 5項目以上 438点",
    },
    Bundling {
        group: 5,
        kubun: "D009 腫瘍マーカー",
        from: d(20200401),
        until: Some(d(20220331)),
        tiers: &[(2, 230), (3, 290), (4, 408)],
        citation: "告示 D009 注2 (r02 kokuji_ika.txt l.6560–6565): 2項目 230点, 3項目 290点, 4項目以上 408点",
    },
    Bundling {
        group: 6,
        kubun: "D006 出血・凝固検査",
        from: d(20200401),
        until: Some(d(20220331)),
        tiers: &[(3, 530), (5, 722)],
        citation: "告示 D006 注 (r02 kokuji_ika.txt l.6297–6301): 3・4項目 530点, 5項目以上 722点",
    },
    // 令和4年度 (告示 令和4年厚生労働省告示第54号, named at r04 kokuji_ika.txt l.16077;
    // ../shared/law/r04/kokuji_ika.txt), 2022-04-01 to 2024-05-31. D007 ハ and D009 ハ differ from r06.
    Bundling {
        group: 1,
        kubun: "D007 生化学的検査(Ⅰ)",
        from: d(20220401),
        until: Some(d(20240531)),
        tiers: &[(5, 93), (8, 99), (10, 106)],
        citation: "告示 D007 注 (r04 kokuji_ika.txt l.7446–7451): 5〜7項目 93点, 8・9項目 99点, 10項目以上 106点",
    },
    Bundling {
        group: 2,
        kubun: "D008 内分泌学的検査",
        from: d(20220401),
        until: Some(d(20240531)),
        tiers: &[(3, 410), (6, 623), (8, 900)],
        citation: "告示 D008 注 (r04 kokuji_ika.txt l.7523–7528): 3〜5項目 410点, 6・7項目 623点, 8項目以上 900点",
    },
    Bundling {
        group: 3,
        kubun: "D013 肝炎ウイルス関連検査",
        from: d(20220401),
        until: Some(d(20240531)),
        tiers: &[(3, 290), (4, 360), (5, 425)],
        citation: "告示 D013 注 (r04 kokuji_ika.txt l.7717–7722): 3項目 290点, 4項目 360点, 5項目以上 425点",
    },
    Bundling {
        group: 5,
        kubun: "D009 腫瘍マーカー",
        from: d(20220401),
        until: Some(d(20240531)),
        tiers: &[(2, 230), (3, 290), (4, 396)],
        citation: "告示 D009 注2 (r04 kokuji_ika.txt l.7569–7574): 2項目 230点, 3項目 290点, 4項目以上 396点",
    },
    Bundling {
        group: 6,
        kubun: "D006 出血・凝固検査",
        from: d(20220401),
        until: Some(d(20240531)),
        tiers: &[(3, 530), (5, 722)],
        citation: "告示 D006 注 (r04 kokuji_ika.txt l.7267–7271): 3・4項目 530点, 5項目以上 722点",
    },
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each tabled group has one row per revision, back to back from 2020-04-01 with no gap or
    /// overlap, and its tiers ascend.
    #[test]
    fn rows_are_contiguous_per_group() {
        for group in [1, 2, 3, 5, 6] {
            let mut rows: Vec<&Bundling> = BUNDLINGS.iter().filter(|b| b.group == group).collect();
            rows.sort_by_key(|b| b.from);
            assert_eq!(rows.len(), 4, "group {group}");
            assert_eq!(rows[0].from, d(20200401));
            for w in rows.windows(2) {
                let until = w[0].until.expect("only the last row is open");
                let next = until.succ();
                assert_eq!(w[1].from, next, "group {group}: {}", w[1].citation);
            }
            assert!(rows[3].until.is_none());
            for r in &rows {
                assert!(
                    r.tiers
                        .windows(2)
                        .all(|t| t[0].0 < t[1].0 && t[0].1 < t[1].1)
                );
            }
        }
    }

    #[test]
    fn tiers_differ_where_the_kokuji_does() {
        let at = |g, ymd| bundling(g, d(ymd)).unwrap();
        // D007 10項目以上: r02 109, r04 106, r06 103.
        assert_eq!(at(1, 20211001).points(10), Some(109));
        assert_eq!(at(1, 20230701).points(12), Some(106));
        assert_eq!(at(1, 20240601).points(10), Some(103));
        assert_eq!(at(1, 20220331).points(7), Some(93));
        // D009 4項目以上: r02 408, r04 396, r06 385; D013 5項目以上: r02 438, then 425.
        assert_eq!(at(5, 20210401).points(4), Some(408));
        assert_eq!(at(5, 20240531).points(4), Some(396));
        assert_eq!(at(3, 20220331).points(5), Some(438));
        assert_eq!(at(3, 20220401).points(5), Some(425));
        assert_eq!(at(6, 20200401).points(2), None);
        assert!(bundling(1, d(20200331)).is_none());
    }
}
