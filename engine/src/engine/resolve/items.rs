//! Resolve a visit's drugs (剤), 特定保険医療材料 and comments against their masters on the visit's
//! date: the rows, or a finding and the item left out. What they bill (剤 points, 材料 points, the
//! comment line) is built from these in units.rs.

use rust_decimal::Decimal;
use santei_masters::{Comment, Date, Drug, Material};

use super::super::{Context, code_of, push_index};
use crate::age;
use crate::result::Finding;
use crate::rules;

/// A 剤 as the resolve stage leaves it: its 日数 (内服), 回数 (頓服・注射) or 調剤数 (外用), at least
/// 1, and each of its drugs.
pub(in crate::engine) struct Rx<'a> {
    pub days: u32,
    pub drugs: Vec<RxDrug<'a>>,
}

/// One drug of a 剤: its claim path (`visits[i].items[j].drugs[k]`), its 医薬品マスター row (金額種別
/// 1) and its 使用量 (> 0).
pub(in crate::engine) struct RxDrug<'a> {
    pub path: String,
    pub rec: &'a Drug,
    pub amount: Decimal,
}

/// The 剤 at `path`: refused whole (a finding, `None`) without 日数 or drugs, or when one of its
/// drugs is not in the 医薬品マスター that day, has no positive 使用量, or is not priced by 金額
/// (金額種別 1): a 剤's points are those of all its drugs together.
pub(in crate::engine) fn rx<'a>(
    cx: Context<'a>,
    path: &str,
    date: Date,
    days: Option<u32>,
    drugs: &[crate::claim::DrugUse],
    findings: &mut Vec<Finding>,
) -> Option<Rx<'a>> {
    let Some(days) = days.filter(|&d| d > 0) else {
        findings.push(
            Finding::error(rules::RX_DAYS)
                .at(format!("{path}.days"))
                .cite(rules::CITE_DRUG)
                .message("a 剤 needs 日数 (内服), 回数 (頓服・注射) or 調剤数 (外用) of at least 1; 剤 not billed"),
        );
        return None;
    };
    if drugs.is_empty() {
        findings.push(
            Finding::error(rules::RX_DAYS)
                .at(format!("{path}.drugs"))
                .cite(rules::CITE_DRUG)
                .message("a 剤 without drugs; not billed"),
        );
        return None;
    }
    let set = &cx.p.set;
    let mut resolved = Vec::with_capacity(drugs.len());
    for (k, d) in drugs.iter().enumerate() {
        let mut dpath = String::with_capacity(path.len() + 12);
        dpath.push_str(path);
        push_index(&mut dpath, ".drugs", k);
        let found = code_of(&d.code).and_then(|c| set.drugs.get(c, date));
        let Some(rec) = found else {
            findings.push(unknown_code(
                &dpath,
                &d.code,
                "医薬品",
                "医薬品マスター",
                cx,
                date,
                "; the 剤 is not billed",
            ));
            return None;
        };
        if d.amount <= Decimal::ZERO {
            findings.push(bad_amount(
                &dpath,
                &d.code,
                rules::CITE_DRUG,
                "使用量 must be positive; the 剤 is not billed",
            ));
            return None;
        }
        if rec.price_kind != 1 {
            findings.push(
                Finding::error(rules::UNSUPPORTED_POINT_KIND)
                    .at(dpath.clone())
                    .cite(rules::CITE_DRUG)
                    .codes(vec![d.code.clone()])
                    .message(format!(
                        "医薬品 {} has 金額種別 {} (not 1 金額); the 剤 is not billed",
                        d.code, rec.price_kind
                    )),
            );
            return None;
        }
        resolved.push(RxDrug {
            path: dpath,
            rec,
            amount: d.amount,
        });
    }
    Some(Rx {
        days,
        drugs: resolved,
    })
}

/// A 特定保険医療材料 as the resolve stage leaves it: its row, the price per unit it is billed at
/// (the master's 金額, or the claimed 購入価格 of a 金額種別 2 row) and its 使用量 (> 0).
pub(in crate::engine) struct MaterialUse<'a> {
    pub rec: &'a Material,
    pub price: Decimal,
    pub amount: Decimal,
}

/// The 特定保険医療材料 at `path`: refused (a finding, `None`) when its code is not in the
/// 特定器材マスター that day, its 使用量 is not positive, the patient's age is outside the row's
/// 年齢制限 (項番15/16), or its price is unknown (金額種別 2 without `unit_price`, another 金額種別).
pub(in crate::engine) fn material<'a>(
    cx: Context<'a>,
    path: &str,
    date: Date,
    code: &str,
    amount: Decimal,
    unit_price: Option<Decimal>,
    findings: &mut Vec<Finding>,
) -> Option<MaterialUse<'a>> {
    let set = &cx.p.set;
    let Some(rec) = code_of(code).and_then(|c| set.materials.get(c, date)) else {
        findings.push(unknown_code(
            path,
            code,
            "特定器材",
            "特定器材マスター",
            cx,
            date,
            "; line not billed",
        ));
        return None;
    };
    if amount <= Decimal::ZERO {
        findings.push(bad_amount(
            path,
            code,
            rules::CITE_MATERIAL,
            "使用量 must be positive; line not billed",
        ));
        return None;
    }
    let age_code = |s: &str| santei_masters::AgeCode::from_field(s);
    let birth = cx.claim.patient.birth_date;
    if !age::in_range(birth, date, age_code(&rec.min_age), age_code(&rec.max_age)) {
        findings.push(
            Finding::error(rules::AGE_LIMIT)
                .at(path.to_string())
                .cite(rules::CITE_AGE)
                .codes(vec![code.to_string()])
                .message(format!(
                    "{} {}: 年齢制限 (項番15/16) に該当しない; line not billed",
                    rec.code, rec.name
                )),
        );
        return None;
    }
    // The price per unit: the master's 金額 (金額種別 1), or the claimed 購入価格 (2); another 金額種別
    // is not computed. A refusal names the field to mend.
    let price = match (rec.price_kind, unit_price) {
        (1, _) => Ok(rec.price.to_decimal()),
        (2, Some(p)) => Ok(p),
        (2, None) => Err((
            rules::MATERIAL_PRICE,
            format!("{path}.unit_price"),
            format!(
                "{} {} is priced at its 購入価格 (金額種別 2): give unit_price; line not billed",
                rec.code, rec.name
            ),
        )),
        (k, _) => Err((
            rules::UNSUPPORTED_POINT_KIND,
            path.to_string(),
            format!(
                "{} {} has 金額種別 {k}, not computed yet; line not billed",
                rec.code, rec.name
            ),
        )),
    };
    let price = match price {
        Ok(p) => p,
        Err((rule, at, message)) => {
            findings.push(
                Finding::error(rule)
                    .at(at)
                    .cite(rules::CITE_MATERIAL)
                    .codes(vec![code.to_string()])
                    .message(message),
            );
            return None;
        }
    };
    Some(MaterialUse { rec, price, amount })
}

/// The comment at `path`: its コメントマスター row that day, or a finding and `None`.
pub(in crate::engine) fn comment<'a>(
    cx: Context<'a>,
    path: &str,
    date: Date,
    code: &str,
    findings: &mut Vec<Finding>,
) -> Option<&'a Comment> {
    let set = &cx.p.set;
    let found = code_of(code).and_then(|c| set.comments.get(c, date));
    if found.is_none() {
        findings.push(unknown_code(
            path,
            code,
            "コメント",
            "コメントマスター",
            cx,
            date,
            "",
        ));
    }
    found
}

/// The error of an item at `path` whose code is not in `master` (the 基本マスター of `kind`) of the
/// claim's revision on `date`; `outcome` ends the message (what is not billed).
fn unknown_code(
    path: &str,
    code: &str,
    kind: &str,
    master: &str,
    cx: Context<'_>,
    date: Date,
    outcome: &str,
) -> Finding {
    Finding::error(rules::UNKNOWN_CODE)
        .at(format!("{path}.code"))
        .cite(rules::CITE_MASTER)
        .codes(vec![code.to_string()])
        .message(format!(
            "{kind} `{code}` is not in the {master} of {} on {date}{outcome}",
            cx.p.set.revision.id
        ))
}

/// The error of a drug or 材料 at `path` whose 使用量 is not positive (`cite`: its 通則).
fn bad_amount(path: &str, code: &str, cite: &'static str, message: &'static str) -> Finding {
    Finding::error(rules::BAD_QUANTITY)
        .at(format!("{path}.amount"))
        .cite(cite)
        .codes(vec![code.to_string()])
        .message(message)
}
