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

/// [`small_drug_points`] against the Decimal path ([`price::drug_points`] of
/// [`price::drug::drug_yen`]): prices and 使用量 around 15円 and the 五捨五超入 midpoints, of
/// every scale up to 8, negative and zero ones, a blank 使用量, and the bounds where the integer
/// path gives way.
#[test]
fn small_drug_points_are_the_decimal_ones() {
    use std::str::FromStr;
    let general = |hundredths: i64, q: Option<Decimal>, floor: i64| {
        let price = crate::masters::Fixed2::from_hundredths(hundredths);
        let yen = price
            .to_decimal()
            .checked_mul(q.unwrap_or(Decimal::ONE))
            .unwrap();
        price::drug_points(Decimal::ZERO + yen, floor)
    };
    let prices = [
        0,
        1,
        640,
        1500,
        1501,
        2500,
        2501,
        3500,
        12345,
        99999,
        -640,
        1 << 39,
        (1 << 40) - 1,
    ];
    let quantities = [
        "1",
        "0",
        "-1",
        "0.5",
        "2",
        "3",
        "7",
        "14",
        "1.5",
        "0.25",
        "0.001",
        "0.00000001",
        "12.5",
        "1048575",
        "0.1048575",
        "104857.5",
        "2.3333",
        "28",
        "100",
    ];
    let mut fast = 0;
    for p in prices {
        for q in quantities
            .iter()
            .map(|q| Some(Decimal::from_str(q).unwrap()))
            .chain([None])
        {
            for floor in [0, 1] {
                let price = crate::masters::Fixed2::from_hundredths(p);
                if let Some(points) = small_drug_points(price, q, floor) {
                    fast += 1;
                    assert_eq!(points, general(p, q, floor), "{p} × {q:?}");
                }
            }
        }
    }
    assert!(fast > 400, "{fast}");
    // Every yen value of 0.01 steps from 14.90 to 35.10 (the floor and two midpoints).
    for h in 1490..=3510 {
        let q = Some(Decimal::ONE);
        let price = crate::masters::Fixed2::from_hundredths(h);
        assert_eq!(
            small_drug_points(price, q, 1),
            Some(general(h, q, 1)),
            "{h}"
        );
    }
    // The bounds: the Decimal path then.
    let price = crate::masters::Fixed2::from_hundredths(640);
    for q in ["1048576", "0.000000001", "79228162514264337593543950335"] {
        assert_eq!(
            small_drug_points(price, Decimal::from_str(q).ok(), 1),
            None,
            "{q}"
        );
    }
    let big = crate::masters::Fixed2::from_hundredths(1 << 40);
    assert_eq!(small_drug_points(big, None, 1), None);
}
