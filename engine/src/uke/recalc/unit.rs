//! The per-unit checks: one 算定単位 priced and compared with its claimed 点数.

use super::*;

/// The points of one 点数 (点数識別 3/4, or 7 減算) item of the 医科診療行為マスター, from the pricing
/// library ([`crate::price::procedure_points`] and its きざみ policy). Always inlined into its one
/// caller, the single-line unit of `compute_unit`, so that the (i64, [`How`]) sized for
/// [`price::Steps`] is not copied out of a call.
#[inline(always)]
pub(super) fn procedure_points(
    p: &Procedure,
    quantity: Option<Decimal>,
    revision: &'static str,
) -> Result<(i64, How), NotChecked> {
    match price::procedure_points(p, quantity) {
        Ok(priced) => Ok((
            priced.points,
            match priced.how {
                PricedHow::Steps(steps) => How::Steps { revision, steps },
                PricedHow::Master | PricedHow::Minus => How::Master { revision },
            },
        )),
        Err(e) => Err(not_priced(p, e)),
    }
}

/// [`procedure_points`] without the [`How`], for the lines of a multi-code unit (whose [`How`] is
/// the unit's): 8 bytes come back instead of a [`How`] sized for [`price::Steps`]. With the
/// pricing inlined, `multi_procedure` went from 1,677 to 1,059 instructions per multi-code unit
/// of 7.5 lines (callgrind, 10k receipts).
#[inline]
fn line_points(p: &Procedure, quantity: Option<Decimal>) -> Result<i64, NotChecked> {
    match price::procedure_points(p, quantity) {
        Ok(priced) => Ok(priced.points),
        Err(e) => Err(not_priced(p, e)),
    }
}

/// Why a line has no points of its own (its code with it).
#[cold]
fn not_priced(p: &Procedure, e: PriceError) -> NotChecked {
    match e {
        PriceError::NotPoints(kind) => (Cow::Owned(format!("点数識別 {kind:?}")), Some(p.code.0)),
        e => (Cow::Owned(e.to_string()), Some(p.code.0)),
    }
}

/// A 算定単位 of several SI codes, computed the way UKE groups them:
/// - every line in one 包括対象検査 group (項番16) that santei has まるめ tiers for on the date:
///   the tier for the number of distinct codes (Σ of their 点数 below the first tier);
/// - otherwise the 点数 lines (きざみ computed) before the first %加算/%減算 line (点数識別 5/6) are the
///   所定点数, every % line applies to that same 所定点数 and the unit is rounded half up once
///   ([`price::unit_total`], as the claim engine prices it: RECEIPTC_GAIRAI_SAMPLE ＥＣＧ１２ 130 +
///   ＥＦ 1,140, 乳幼児加算 70% → 2,159; 手術 500 with 乳幼児加算 100% and 休日加算２ 80% → 1,400);
///   点数 lines after the first % and those of 項番62 通則加算所定点数対象識別 1 add as they are.
///
/// Any other shape (金額, a まるめ group mixed with other items, a group without tiers in
/// santei) cannot be checked and says why.
pub(super) fn multi_procedure(
    set: &MasterSet,
    date: Date,
    u: &Unit,
    rows: &[Option<&Procedure>],
) -> Result<(i64, How), NotChecked> {
    let overflow = || (Cow::Borrowed("the Σ of the unit's points overflows"), None);
    // The 所定点数 (点数 lines before the first %, but 項番62 = 1), the Σ of the % lines, and the
    // points outside the 所定点数 (項番62 = 1, or after the first %).
    let (mut base, mut outside) = (0i64, 0i64);
    let mut percent_sum: Option<Decimal> = None;
    // The 包括対象検査 group shared by every line (Some(0): none), None when they differ.
    let mut group = None;
    let mut mixed = false;
    for (i, l) in u.lines.iter().enumerate() {
        let p = rows.get(i).copied().flatten().ok_or((
            Cow::Borrowed("code not in the 診療行為マスター of the 診療年月"),
            Some(l.code),
        ))?;
        if i == 0 {
            group = Some(p.bundled_test_group);
        } else if group != Some(p.bundled_test_group) {
            mixed = true;
        }
        match p.point_kind() {
            PointKind::Points | PointKind::PrefecturalPurchasePrice | PointKind::MinusPoints => {
                let pts = line_points(p, l.quantity)?;
                let into = if percent_sum.is_some() || p.general_addition_base == 1 {
                    &mut outside
                } else {
                    &mut base
                };
                *into = into.checked_add(pts).ok_or_else(overflow)?;
            }
            kind @ (PointKind::PercentAdd | PointKind::PercentSubtract) => {
                // Each 通則 or 注 % applies once to an item (告示 各部 通則); the same code twice
                // in one unit is not a shape the law prices.
                if u.lines[..i].iter().any(|o| o.code == l.code) {
                    return Err((
                        Cow::Borrowed(
                            "multi-code unit with two %加算/%減算 lines of the same code",
                        ),
                        Some(l.code),
                    ));
                }
                // The %, as a Decimal only for the % lines (most lines are 点数 lines).
                let value = p.points.to_decimal();
                let signed = if kind == PointKind::PercentAdd {
                    value
                } else {
                    -value
                };
                percent_sum = Some(percent_sum.unwrap_or_default() + signed);
            }
            _ => {
                return Err((
                    Cow::Owned(format!(
                        "multi-code unit with 点数識別 {} (master column 11)",
                        p.point_kind
                    )),
                    Some(l.code),
                ));
            }
        }
    }
    let sum = match percent_sum {
        Some(pct) => price::unit_total(base, pct, outside),
        None => base.checked_add(outside).ok_or_else(overflow)?,
    };
    if sum == i64::MAX {
        return Err(overflow());
    }
    let percent = percent_sum.map(|pct| (pct, base, sum - base - outside));
    let revision = set.revision.id;
    let summed = How::Sum {
        revision,
        codes: u.lines.len(),
        percent,
    };
    if mixed {
        group = None;
    }
    match group {
        Some(0) => Ok((sum, summed)),
        Some(g) if percent.is_none() => {
            let Some(bundling) = bundling(g, date) else {
                return Err((
                    Cow::Owned(format!(
                        "multi-code unit: まるめ of 包括対象検査 group {g}, for which santei has no tiers on {date}"
                    )),
                    None,
                ));
            };
            let mut codes: smallvec::SmallVec<[u32; 16]> = u.lines.iter().map(|l| l.code).collect();
            codes.sort_unstable();
            codes.dedup();
            let items = codes.len() as u32;
            Ok(match bundling.points(items) {
                Some(points) => (points, How::Bundle { bundling, items }),
                None => (sum, summed),
            })
        }
        _ => Err((
            Cow::Borrowed(
                "multi-code unit: 包括対象検査 (まるめ) items with other items or a %加算",
            ),
            None,
        )),
    }
}

/// A 薬剤料減点 unit: one IY record of a drug whose 医薬品マスター 金額種別 is 7 (減点), such as
/// 630010002 薬剤料逓減（９０／１００）（内服薬）. Its 点数 is recorded positive and subtracted
/// from the receipt (ikasample.csv receipt 5: Σ lines 12,032 − 2 × 534 = HO 10,964). Without the
/// month's 医薬品マスター, the 6300100xx family is taken (all six 金額種別 7 codes of r06).
/// `drug`: the unit's row from [`single_drug`].
pub(super) fn is_deduction(drug: Option<&Drug>, u: &Unit) -> bool {
    let [l] = u.lines.as_slice() else {
        return false;
    };
    if l.kind != LineKind::Drug {
        return false;
    }
    match drug {
        Some(d) => d.price_kind == 7,
        None => l.code / 1000 == 630_010,
    }
}

/// The 医薬品マスター row of a unit of one IY line (`None` for other units, or when the code is
/// not in the master of the date): looked up once for the 減点 test ([`is_deduction`]) and the
/// unit's price ([`compute_unit`]).
pub(super) fn single_drug<'s>(
    set: Option<&'s MasterSet>,
    date: Date,
    u: &Unit,
) -> Option<&'s Drug> {
    match u.lines.as_slice() {
        [l] if l.kind == LineKind::Drug => set.and_then(|s| s.drugs.get(l.code, date)),
        _ => None,
    }
}

pub(super) fn compare(
    kind: CheckKind,
    line: usize,
    claimed: Option<i64>,
    computed: i64,
    how: &'static str,
    what: &'static str,
) -> Check {
    let (status, reason) = match claimed {
        None => (Status::CannotCheck, Cow::Owned(format!("{what} is empty"))),
        Some(c) if c == computed => (Status::Match, Cow::Borrowed(how)),
        Some(c) => (
            Status::Differs,
            Cow::Owned(format!("{what} {c} ≠ {how} {computed}")),
        ),
    };
    Check {
        kind,
        status,
        line,
        code: None,
        section: None,
        claimed,
        computed: Some(computed),
        reason,
        rule: None,
    }
}

/// How a unit's points were computed, written out only when someone reads it (a difference).
pub(super) enum How {
    Master {
        revision: &'static str,
    },
    Steps {
        revision: &'static str,
        steps: price::Steps,
    },
    /// Several SI codes: Σ of their 点数, the %加算/%減算 on the 所定点数 before them.
    Sum {
        revision: &'static str,
        codes: usize,
        /// (Σ of the %, the 所定点数 it applies to, the points it adds (negative for %減算)).
        percent: Option<(Decimal, i64, i64)>,
    },
    /// A 検体検査 まるめ: the tier for the number of items.
    Bundle {
        bundling: &'static Bundling,
        items: u32,
    },
    Drug {
        yen: Decimal,
    },
    Material {
        price: Decimal,
        quantity: Decimal,
    },
    /// A 食事・生活療養 line (診療識別 97): the master's 金額 in yen.
    Yen {
        revision: &'static str,
    },
}

impl How {
    /// For a match: what was compared, without numbers.
    fn matched(&self) -> &'static str {
        match self {
            How::Master { .. } => "the master's 点数",
            How::Steps { .. } => "the master's きざみ",
            How::Sum { percent: None, .. } => "Σ of the master's 点数",
            How::Sum { .. } => "Σ of the master's 点数 with the %加算 on the 所定点数 before them",
            How::Bundle { .. } => "the 告示's まるめ tier",
            How::Drug { .. } => "Σ 薬価 × 使用量 五捨五超入",
            How::Material { .. } => "材料価格 × 使用量 ÷ 10円 (特定器材種別) 四捨五入",
            How::Yen { .. } => "the master's 金額 (点数識別 1, 円)",
        }
    }
    fn render(&self, points: i64) -> String {
        match self {
            How::Master { revision } => format!("{revision} master: {points}点"),
            How::Steps { revision, steps } => {
                let q = steps
                    .quantity
                    .map_or_else(|| "not given".to_string(), |q| q.to_string());
                let bound = match steps.bound {
                    Bound::Within => String::new(),
                    Bound::NoQuantity => " (no 数量: 基本点数)".to_string(),
                    Bound::AboveUpperWarned { upper } => {
                        format!(" (above the 上限値 {upper}: 点数算定式１, 警告)")
                    }
                    Bound::AboveUpperCapped { upper } => {
                        format!(" (above the 上限値 {upper}: 点数算定式２)")
                    }
                };
                format!(
                    "{revision} master きざみ: {} + {} × {} (数量 {q}){bound} = {} → {points}点 (項番30–35)",
                    steps.base,
                    steps.step_points,
                    steps.steps,
                    steps.exact.normalize()
                )
            }
            How::Sum {
                revision,
                codes,
                percent,
            } => match percent {
                None => format!("{revision} master: Σ 点数 of the {codes} codes = {points}点"),
                Some((pct, base, add)) => format!(
                    "{revision} master: Σ 点数 of the {codes} codes, the %加算 (Σ {pct}%) on the 所定点数 {base} before them: {add:+} (四捨五入 once) → {points}点"
                ),
            },
            How::Bundle { bundling, items } => format!(
                "まるめ {} {items}項目 → {points}点 ({})",
                bundling.kubun, bundling.citation
            ),
            How::Drug { yen } => format!("Σ 薬価 × 使用量 = {yen}円 → {points}点 (五捨五超入)"),
            How::Material { price, quantity } => {
                format!("{price}円 × {quantity} / 10 → {points}点 (四捨五入)")
            }
            How::Yen { revision } => format!(
                "{revision} master 金額 (点数識別 1): {points}円 (診療識別 97, {})",
                crate::meals::CITE
            ),
        }
    }
}

/// An SI line on one 算定日: (day, date, unit index, line index, master row, 回数 that day).
pub(super) type DayLine<'a> = (u8, Date, usize, usize, &'a Procedure, u32);

/// Why a unit cannot be checked, and the code concerned when it is one code.
pub(super) type NotChecked = (Cow<'static, str>, Option<u32>);

/// `deduction`: the unit is a 減点 drug ([`is_deduction`]); `drug`: its row from [`single_drug`]
/// (both looked up once by the caller). Pushes the unit's check onto `checks` and returns its
/// computed points: the check is written once, into the vector, instead of being built, returned
/// and pushed (three copies of ~90 bytes per unit).
pub(super) fn check_unit(
    set: Option<&MasterSet>,
    date: Date,
    month: YearMonth,
    u: &Unit,
    (deduction, drug): (bool, Option<&Drug>),
    rows: &[Option<&Procedure>],
    checks: &mut Vec<Check>,
) -> Option<i64> {
    let first = &u.lines[0];
    if let Some((kind, points, reason)) = plain_match(set.is_some(), u, rows, (deduction, drug)) {
        checks.push(Check {
            kind,
            status: Status::Match,
            line: first.line,
            code: Some(first.code),
            section: Some(u.section),
            claimed: u.points,
            computed: Some(points),
            reason: Cow::Borrowed(reason),
            rule: None,
        });
        return Some(points);
    }
    check_unit_general(set, date, month, u, (deduction, drug), rows, checks)
}

/// [`check_unit`] without its fast path ([`plain_match`]): every unit through [`compute_unit`].
fn check_unit_general(
    set: Option<&MasterSet>,
    date: Date,
    month: YearMonth,
    u: &Unit,
    (deduction, drug): (bool, Option<&Drug>),
    rows: &[Option<&Procedure>],
    checks: &mut Vec<Check>,
) -> Option<i64> {
    let first = &u.lines[0];
    let kind = match first.kind {
        LineKind::Procedure => CheckKind::Procedure,
        LineKind::Drug => CheckKind::Drug,
        LineKind::Material => CheckKind::Material,
    };
    let mut code = (u.lines.len() == 1).then_some(first.code);
    let (status, computed, reason) =
        match compute_unit(set, date, month, u, (deduction, drug), rows) {
            Err((reason, c)) => {
                if c.is_some() {
                    code = c;
                }
                (Status::CannotCheck, None, reason)
            }
            Ok((points, how)) => match u.points {
                Some(c) if c == points => {
                    (Status::Match, Some(points), Cow::Borrowed(how.matched()))
                }
                Some(c) => (
                    Status::Differs,
                    Some(points),
                    Cow::Owned(format!(
                        "claimed {c}, computed {points}: {}",
                        how.render(points)
                    )),
                ),
                None => (
                    Status::CannotCheck,
                    Some(points),
                    Cow::Borrowed("算定単位 without 点数"),
                ),
            },
        };
    checks.push(Check {
        kind,
        status,
        line: first.line,
        code,
        section: Some(u.section),
        claimed: u.points,
        computed,
        reason,
        rule: None,
    });
    computed
}

/// The most common units, checked without the general path, when their claimed 点数 are the
/// computed ones: one SI line (not 診療識別 97) whose master row is a plain 点数 (点数識別 3 or 4,
/// no きざみ), or one IY line of a drug in the master (not 減点) whose 薬価 × 使用量 is small
/// ([`price::drug::one_drug_points`]). `Some((kind, points, reason))` then, `None` for any other unit or a
/// difference (the general path checks it).
///
/// Equal to the general path: for such a unit (with masters, `has_set`) [`compute_unit`] passes
/// every test to [`procedure_points`], whose 点数 item without きざみ is
/// [`price::procedure::whole_points`] with [`How::Master`], or to the drug loop, whose one line
/// gives [`price::drug_points`] of [`price::drug::drug_yen`] (= [`price::drug::one_drug_points`]) with
/// [`How::Drug`]; [`check_unit`] then writes a match of the unit's one code with that [`How`]'s
/// reason. Skipping it saves building and moving the `Result<(i64, How), _>` sized for
/// [`price::Steps`], and the drug's Decimal arithmetic (test `plain_match_is_the_general_check`).
#[inline(always)]
fn plain_match(
    has_set: bool,
    u: &Unit,
    rows: &[Option<&Procedure>],
    (deduction, drug): (bool, Option<&Drug>),
) -> Option<(CheckKind, i64, &'static str)> {
    let claimed = u.points?;
    let [l] = u.lines.as_slice() else {
        return None;
    };
    if !has_set || u.section == SECTION_MEALS {
        return None;
    }
    let (kind, points, how) = match l.kind {
        LineKind::Procedure => {
            let p = rows.first().copied().flatten()?;
            if !matches!(
                p.point_kind(),
                PointKind::Points | PointKind::PrefecturalPurchasePrice
            ) || p.step_calc == 1
            {
                return None;
            }
            let how = How::Master { revision: "" };
            (CheckKind::Procedure, price::procedure::whole_points(p), how)
        }
        LineKind::Drug if !deduction => {
            let d = drug?;
            let floor = price::drug_floor(u.section);
            let amount = l.quantity.unwrap_or(Decimal::ONE);
            let points = price::drug::one_drug_points(d.price, amount, floor)?;
            let how = How::Drug { yen: Decimal::ZERO };
            (CheckKind::Drug, points, how)
        }
        _ => return None,
    };
    (points == claimed).then(|| (kind, points, how.matched()))
}

pub(super) fn compute_unit(
    set: Option<&MasterSet>,
    date: Date,
    month: YearMonth,
    u: &Unit,
    (deduction, drug): (bool, Option<&Drug>),
    rows: &[Option<&Procedure>],
) -> Result<(i64, How), NotChecked> {
    let no = |r: &'static str| (Cow::Borrowed(r), None);
    if u.points.is_none() {
        return Err(no("算定単位 without 点数 (incomplete unit)"));
    }
    let set = set.ok_or_else(|| {
        (
            Cow::Owned(format!("no masters loaded for 診療年月 {month}")),
            None,
        )
    })?;
    if u.section == SECTION_MEALS {
        return meal_unit(set, u, rows);
    }
    let first = &u.lines[0];
    if u.lines.iter().any(|l| l.kind != first.kind) {
        return Err(no("mixed unit (SI/IY/TO in one 算定単位)"));
    }
    let revision = set.revision.id;
    match first.kind {
        LineKind::Procedure => {
            if u.lines.len() > 1 {
                return multi_procedure(set, date, u, rows);
            }
            let p = rows.first().copied().flatten().ok_or((
                Cow::Borrowed("code not in the 診療行為マスター of the 診療年月"),
                Some(first.code),
            ))?;
            match p.point_kind() {
                PointKind::Points | PointKind::PrefecturalPurchasePrice => {}
                PointKind::PercentAdd | PointKind::PercentSubtract => {
                    return Err(no("percentage item (点数識別 5/6)"));
                }
                PointKind::Yen => return Err(no("amount in yen (点数識別 1)")),
                _ => {
                    return Err((
                        Cow::Owned(format!("点数識別 {} (master column 11)", p.point_kind)),
                        None,
                    ));
                }
            }
            procedure_points(p, first.quantity, revision)
        }
        LineKind::Drug => {
            if deduction {
                return Err(no(
                    "減点 (医薬品 金額種別 7): a share of the 処方's 薬剤料, subtracted from the total",
                ));
            }
            if set.drugs.is_empty() {
                return Err(no("no 医薬品マスター for the 診療年月"));
            }
            let mut yen = Decimal::ZERO;
            for l in &u.lines {
                // A one-line unit's row was looked up by the caller (the same lookup).
                let row = if u.lines.len() == 1 {
                    drug
                } else {
                    set.drugs.get(l.code, date)
                };
                let d = row.ok_or((
                    Cow::Borrowed("drug not in the 医薬品マスター of the 診療年月"),
                    Some(l.code),
                ))?;
                let qty = l.quantity.unwrap_or(Decimal::ONE);
                yen = price::drug::drug_yen(d, qty, yen)
                    .ok_or_else(|| {
                        (
                            Cow::Owned(format!("使用量 {qty}: the 薬価 × 使用量 overflows")),
                            Some(l.code),
                        )
                    })?
                    .1;
            }
            let points = price::drug_points(yen, price::drug_floor(u.section));
            Ok((points, How::Drug { yen }))
        }
        LineKind::Material => {
            if u.lines.len() > 1 {
                return Err(no("multi-code unit (several 特定器材 in one 算定単位)"));
            }
            if set.materials.is_empty() {
                return Err(no("no 特定器材マスター for the 診療年月"));
            }
            let m = set.materials.get(first.code, date).ok_or((
                Cow::Borrowed("code not in the 特定器材マスター of the 診療年月"),
                Some(first.code),
            ))?;
            let price = m.price.to_decimal();
            if price.is_zero() {
                return Err(no("no price in the master (price given on the record)"));
            }
            let quantity = first.quantity.unwrap_or(Decimal::ONE);
            let points = price::material_points(m, price, quantity)
                .ok_or_else(|| {
                    (
                        Cow::Owned(format!("使用量 {quantity}: the price × 使用量 overflows")),
                        Some(first.code),
                    )
                })?
                .points;
            Ok((points, How::Material { price, quantity }))
        }
    }
}

/// A 食事・生活療養 unit (診療識別 97): one SI code whose master row is a 金額 (点数識別 1, 円),
/// its 金額 on the 診療年月 (the change files date it: 197000110 670円 → 690円 from 2025-04-01);
/// the unit's 点数 field holds that 金額 in yen (記録条件仕様: 97 lines are yen). Several codes in
/// one 97 unit are not a shape santei prices.
fn meal_unit(
    set: &MasterSet,
    u: &Unit,
    rows: &[Option<&Procedure>],
) -> Result<(i64, How), NotChecked> {
    let first = &u.lines[0];
    if u.lines.len() > 1 || first.kind != LineKind::Procedure {
        return Err((
            Cow::Borrowed("食事・生活療養 (診療識別 97) unit of several lines or not SI"),
            None,
        ));
    }
    let p = rows.first().copied().flatten().ok_or((
        Cow::Borrowed("食事・生活療養 code not in the 診療行為マスター of the 診療年月"),
        Some(first.code),
    ))?;
    if p.point_kind() != PointKind::Yen {
        return Err((
            Cow::Owned(format!(
                "食事・生活療養 (診療識別 97) code with 点数識別 {} (not 1 金額)",
                p.point_kind
            )),
            Some(first.code),
        ));
    }
    let yen = p.points.whole().ok_or((
        Cow::Borrowed("the master's 金額 is not a whole number of yen"),
        Some(first.code),
    ))?;
    Ok((
        yen,
        How::Yen {
            revision: set.revision.id,
        },
    ))
}

#[cfg(test)]
mod tests;
