//! The unit checks' fast paths against the general ones.

use super::*;
use crate::uke::{Item, UkeReader};

/// [`check_unit`] (with [`plain_match`]) writes the check and returns the points that
/// [`check_unit_general`] does, on r06 units of every shape: a plain 点数 line that matches,
/// one that differs, one without 点数, a きざみ item with and without 数量, a %加算 item alone,
/// a 金額 item in and out of 診療識別 97, a multi-code unit, an unknown code, drugs that match
/// and differ in 投薬 and in 処置 (the 15円 floor), a 減点 drug; and without masters.
#[test]
fn plain_match_is_the_general_check() {
    let prep = crate::test_masters::r06();
    let set = &prep.set;
    let date = Date::from_ymd(2024, 7, 1).unwrap();
    let find = |f: &dyn Fn(&Procedure) -> bool| {
        let mut codes: Vec<u32> = set
            .procedures
            .codes()
            .filter(|&c| set.procedures.get(c, date).is_some_and(f))
            .collect();
        codes.sort_unstable();
        codes[0]
    };
    let steps = find(&|p| p.step_calc == 1 && p.point_kind() == PointKind::Points);
    let percent = find(&|p| p.point_kind() == PointKind::PercentAdd);
    let yen = find(&|p| p.point_kind() == PointKind::Yen);
    let drug_price = set.drugs.get(620004416, date).unwrap().price;
    let drug_points = price::drug_points(drug_price.to_decimal(), 1);
    let text = format!(
        "RE,1,1112,202407,a,1,19800101\n\
        HO,06132013,1,1,1,145,,,,,,,,,\n\
        SI,12,1,112007410,,75,1\n\
        SI,12,1,112007410,,76,1\n\
        SI,40,1,{steps},3,1,1\n\
        SI,40,1,{steps},,1,1\n\
        SI,50,1,{percent},,10,1\n\
        SI,97,1,{yen},,670,1\n\
        SI,80,1,{yen},,670,1\n\
        SI,12,1,112007410,,,1\n\
        SI,12,1,112011010,,127,1\n\
        SI,12,1,999999999,,10,1\n\
        IY,21,1,620004416,1,1,7\n\
        IY,21,1,620004416,1,{drug_points},7\n\
        IY,40,1,620004416,0.5,0,7\n\
        IY,40,1,620004416,0.5,1,7\n\
        IY,21,1,630010002,1,1,7\n\
        SI,12,1,112007410,,,1\n"
    );
    let items: Vec<_> =
        UkeReader::new(text.as_bytes(), "t", crate::masters::Encoding::Utf8).collect();
    let Ok(Item::Receipt(r)) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(r.units.len(), 15);
    let mut fast_seen = 0;
    for masters in [Some(set), None] {
        for u in &r.units {
            let rows: Vec<Option<&Procedure>> = u
                .lines
                .iter()
                .map(|l| {
                    (l.kind == LineKind::Procedure)
                        .then(|| masters.and_then(|s| s.procedures.get(l.code, date)))
                        .flatten()
                })
                .collect();
            let drug = single_drug(masters, date, u);
            let deduction = is_deduction(drug, u);
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            let a = check_unit(
                masters,
                date,
                r.month,
                u,
                (deduction, drug),
                &rows,
                &mut fast,
            );
            let b = check_unit_general(
                masters,
                date,
                r.month,
                u,
                (deduction, drug),
                &rows,
                &mut general,
            );
            assert_eq!((a, fast), (b, general), "{u:?}");
            fast_seen +=
                usize::from(plain_match(masters.is_some(), u, &rows, (deduction, drug)).is_some());
        }
    }
    // With masters: the matching 112007410 and the drug billed with its computed points (the
    // drug's 薬価 is above 15円, so the 1点 and the 処置 units differ and take the general path).
    assert_eq!(fast_seen, 2);
}
