//! 物価対応料 (令和8年度改定, 告示 第2章第14部第2節 O100): 外来・在宅物価対応料 イ 初診時 2点 and
//! ロ 再診時等 2点 are due on every 外来 初診 / 再診 (告示 O100 注1・注2, r08 kokuji_ika.txt
//! l.20688–20693), only with the base items the 通知 lists (通知 O100 (2)・(3), r08 tsuchi_ika.txt
//! l.30022–30034: A000, A001, A002, A400 1, B001-2, B001-2-7, B001-2-8, B001-2-9, B001-2-11,
//! B001-2-12).
//!
//! The r08 医科診療行為マスター marks those base items with 物価対応料区分 (項番132) = 2 and the
//! kind due in 物価対応料グループ区分 (項番133: 1 初診時, 2 再診時等); in the r08 rows read here the
//! marked rows are exactly the 通知's list. santei does not add the 物価対応料 line itself: the
//! column layout of the 物価対応料 rows is not confirmed against the official R8 仕様説明書, and the
//! r08 excerpt in ../shared holds none of them. It says, per day, that the item is due and not
//! billed: a warning naming the code when the loaded masters hold exactly one 物価対応料 row
//! (項番132 = 1) of that group, otherwise an info finding naming what is missing.

use santei_masters::Date;

use crate::claim::{Claim, Setting};
use crate::prepared::Prepared;
use crate::result::{ClaimResult, Finding, RecordKind};

pub const RULE: &str = "PRC-100.price-response";
pub const CITE: &str = "告示 O100 注1・注2 (r08 kokuji_ika.txt l.20688–20693); 通知 O100 (1)〜(3) (r08 tsuchi_ika.txt l.30020–30034); 医科診療行為マスター 項番132 物価対応料区分, 項番133 物価対応料グループ区分";

/// 項番132: the row is a base item after which a 物価対応料 is due.
pub(crate) const BASE: u32 = 2;
/// 項番132: the row is a 物価対応料 itself.
pub(crate) const ITEM: u32 = 1;

fn kind_name(group: u32) -> &'static str {
    match group {
        1 => "外来・在宅物価対応料 イ 初診時 (2点)",
        2 => "外来・在宅物価対応料 ロ 再診時等 (2点)",
        3 => "外来・在宅物価対応料 ハ 訪問診療時 (3点)",
        _ => "物価対応料",
    }
}

/// One finding per 外来 day on which a base item is billed without its 物価対応料.
pub(crate) fn check(claim: &Claim, prepared: &Prepared, result: &ClaimResult) -> Vec<Finding> {
    // Masters without the r08 column (every revision before r2026-06) cost nothing here.
    if claim.setting == Setting::Inpatient || !prepared.price_response_bases {
        return Vec::new();
    }
    let set = &prepared.set;
    let mut out = Vec::new();
    let mut days: Vec<Date> = result.lines.iter().map(|l| l.date).collect();
    days.sort();
    days.dedup();
    for day in days {
        let mut due: Option<(u32, String)> = None;
        let mut billed = false;
        for l in result.lines.iter().filter(|l| l.date == day) {
            if l.record != RecordKind::SI {
                continue;
            }
            let Some(rec) = l.code.parse().ok().and_then(|c| set.procedures.get(c, day)) else {
                continue;
            };
            match rec.price_response {
                Some(BASE) if due.is_none() => {
                    due = Some((rec.price_response_group.unwrap_or(0), l.code.to_string()))
                }
                Some(ITEM) => billed = true,
                _ => {}
            }
        }
        let Some((group, base)) = due else { continue };
        if billed {
            continue;
        }
        // The 物価対応料 rows of the group valid on the day (an index built once per revision).
        let candidates: Vec<u32> = prepared
            .price_response_items
            .get(&group)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&c| set.procedures.get(c, day).is_some())
            .collect();
        let path = match claim.visits.iter().position(|v| v.date == day) {
            Some(i) => format!("visits[{i}]"),
            None => "visits".into(),
        };
        let f = if let [code] = candidates[..] {
            Finding::warning(RULE)
                .at(path)
                .cite(CITE)
                .codes(vec![base.clone(), format!("{code:09}")])
                .message(format!(
                    "{} is due with {base} on {day} and is not billed: claim {code:09}",
                    kind_name(group)
                ))
        } else {
            Finding::info(RULE)
                .at(path)
                .cite(CITE)
                .codes(vec![base.clone()])
                .message(format!(
                    "{} is due with {base} on {day}; santei cannot bill it: the loaded {} masters hold {} 物価対応料 row of group {group} (項番132 = 1), so claim the item from the complete r08 医科診療行為マスター",
                    kind_name(group),
                    set.revision.id,
                    if candidates.is_empty() {
                        "no"
                    } else {
                        "more than one"
                    }
                ))
        };
        out.push(f);
    }
    out
}
