//! The claim's 公費 resolved to their rules and checked (法別番号, 負担者番号 and its 検証番号,
//! 受給者番号, caps, covered lines, order).

use super::*;

/// A 公費 of the claim, resolved to its rules.
#[derive(Debug, Clone)]
pub(crate) struct Fund {
    pub law: String,
    pub name: Cow<'static, str>,
    pub payer: Option<String>,
    pub recipient: Option<String>,
    /// ‰ of the 医療費 the patient keeps under the 公費 (`None`: what is left to them).
    pub permille: Option<i64>,
    pub per_visit: Option<i64>,
    pub max_visits: Option<u32>,
    pub cap: Option<i64>,
    pub under70: tables::Under70PartLimit,
    /// 70歳以上: the 区分 whose limit caps this 公費's part when not the patient's own (生活保護).
    pub elder_part_class: Option<IncomeClass>,
    pub meals: tables::MealCover,
    /// Claim paths it covers (`None`: all).
    pub covers: Option<Vec<String>>,
    pub citation: &'static str,
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// 公費負担者番号 検証番号: weights 2,1,2,1,2,1,2 from the left, digits of products ≥ 10 added,
/// check = (10 − sum mod 10) mod 10 (a published 負担者番号: 54016027 → 7).
pub fn payer_check_digit(first7: &str) -> Option<u8> {
    if !digits(first7, 7) {
        return None;
    }
    let mut sum = 0u32;
    for (i, b) in first7.bytes().enumerate() {
        let v = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
        sum += v / 10 + v % 10;
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// The claim's 公費 (第1〜第4公費, 記載要領 別添 法別番号及び制度の略称表), each resolved to its rules
/// ([`resolve_fund`]) and checked, then checked together: their order ([`check_order`]) and, on a
/// 公費単独 claim, that every billed line has one ([`check_kohi_only`]). `None` when any check
/// failed (the findings say which).
pub(super) fn resolve_funds(
    claim: &Claim,
    lines: &[LinePoints<'_>],
    date: Date,
    insured: bool,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
) -> Option<Vec<Fund>> {
    let list = &claim.insurance.public_funds;
    if list.is_empty() {
        return Some(Vec::new());
    }
    if list.len() > 4 {
        findings.push(
            Finding::error(TOO_MANY_FUNDS)
                .at("insurance.public_funds")
                .cite(CITE_FUND)
                .message(format!(
                    "{} 公費 given: a receipt carries at most four (第1〜第4公費)",
                    list.len()
                )),
        );
        return None;
    }
    let mut ok = true;
    let mut out = Vec::with_capacity(list.len());
    for (i, f) in list.iter().enumerate() {
        ok &= resolve_fund(i, f, lines, date, schemes, findings, &mut out);
    }
    check_order(list, date, schemes, findings);
    if !insured {
        ok &= check_kohi_only(list, lines, findings);
    }
    ok.then_some(out)
}

/// One 公費 of the claim: its 法別番号 (two digits), its rules from the 地方単独 scheme given as
/// data ([`local_fund`]) or else santei's national 法別番号 table ([`national_fund`]), then its
/// 公費負担者番号 ([`check_payer_number`]), 受給者番号 ([`check_recipient`]) and covered lines
/// ([`check_covers`]). The fund goes onto `out` when it resolves to rules (in place: a `Fund` is
/// large); whether it did and every check passed.
fn resolve_fund(
    i: usize,
    f: &PublicFund,
    lines: &[LinePoints<'_>],
    date: Date,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
    out: &mut Vec<Fund>,
) -> bool {
    let path = format!("insurance.public_funds[{i}]");
    if !digits(&f.law_number, 2) {
        findings.push(
            Finding::error(UNKNOWN_FUND)
                .at(format!("{path}.law_number"))
                .cite(CITE_FUND)
                .message(format!("法別番号 `{}` is not two digits", f.law_number)),
        );
        return false;
    }
    let mut ok = true;
    let local = f.local.as_ref().or_else(|| schemes.find(f));
    let national = tables::national(&f.law_number, date);
    if let Some(p) = local.and_then(|l| l.patient_percent).filter(|p| *p > 100) {
        findings.push(
            Finding::error(UNKNOWN_FUND)
                .at(format!("{path}.local.patient_percent"))
                .cite(CITE_FUND)
                .message(format!(
                    "patient_percent {p}: a share of the 医療費 is 0–100%"
                )),
        );
        ok = false;
    }
    let fund = match (local, national) {
        (Some(l), _) => local_fund(f, l),
        (None, Some(n)) => {
            ok &= check_national(f, n, &path, findings);
            national_fund(f, n)
        }
        (None, None) => {
            findings.push(
                Finding::error(UNKNOWN_FUND)
                    .at(format!("{path}.law_number"))
                    .cite(CITE_FUND)
                    .message(format!(
                        "法別{} is not a national 公費 santei knows on {date}; a 地方単独 公費 needs its scheme (`local`, or a LocalSchemes file)",
                        f.law_number
                    )),
            );
            return false;
        }
    };
    ok &= check_payer_number(f, &path, findings);
    let recipient_required = local
        .map(|l| l.recipient_required.unwrap_or(true))
        .unwrap_or_else(|| national.is_none_or(|n| n.recipient_required));
    ok &= check_recipient(f, &fund, recipient_required, &path, findings);
    ok &= check_covers(f, lines, &path, findings);
    out.push(fund);
    ok
}

/// A 地方単独 公費: the scheme given as data (PublicFund.local / LocalSchemes), its share, per-visit
/// amount, charged visits and monthly cap (the 受給者証's before the scheme's); its 公費 part under
/// 70 capped with the 区分ウ formula.
fn local_fund(f: &PublicFund, l: &LocalScheme) -> Fund {
    Fund {
        law: f.law_number.clone(),
        name: Cow::Owned(
            l.name
                .clone()
                .unwrap_or_else(|| format!("地方単独 公費 (法別{})", f.law_number)),
        ),
        payer: f.payer_number.clone(),
        recipient: f.recipient_number.clone(),
        permille: l.patient_percent.map(|p| i64::from(p) * 10),
        per_visit: l.per_visit_yen.map(i64::from),
        max_visits: l.max_charged_visits,
        cap: f.monthly_cap_yen.or(l.monthly_cap_yen).map(i64::from),
        under70: tables::Under70PartLimit::UFormula,
        elder_part_class: None,
        meals: tables::MealCover::None,
        covers: f.covers.clone(),
        citation: "地方単独 公費: the scheme given as data (PublicFund.local / LocalSchemes)",
    }
}

/// A national 公費 from santei's 法別番号 table (記載要領 別添 法別番号表; each row cites its law):
/// its share and limits, the monthly cap of the 受給者証 before the table's default.
fn national_fund(f: &PublicFund, n: &'static tables::PublicScheme) -> Fund {
    Fund {
        law: f.law_number.clone(),
        name: Cow::Borrowed(n.name),
        payer: f.payer_number.clone(),
        recipient: f.recipient_number.clone(),
        permille: n.patient_permille,
        per_visit: None,
        max_visits: None,
        cap: f.monthly_cap_yen.map(i64::from).or(n.default_cap),
        under70: n.under70,
        elder_part_class: n.elder_part_class,
        meals: n.meals,
        covers: f.covers.clone(),
        citation: n.citation,
    }
}

/// The 受給者証's 自己負担上限額 of a national 公費 whose law requires one (an error when missing),
/// a warning when a 1割 公費 without a default cap (自立支援医療 and the like) has none, and an
/// info when the table's row was not checked against the 実施要綱. Whether no error was added.
fn check_national(
    f: &PublicFund,
    n: &tables::PublicScheme,
    path: &str,
    findings: &mut Vec<Finding>,
) -> bool {
    let mut ok = true;
    if n.cap_required && f.monthly_cap_yen.is_none() {
        findings.push(
            Finding::error(FUND_CAP_MISSING)
                .at(format!("{path}.monthly_cap_yen"))
                .cite(n.citation)
                .message(format!(
                    "法別{} {}: the 受給者証's 自己負担上限額 is required",
                    n.law, n.name
                )),
        );
        ok = false;
    } else if f.monthly_cap_yen.is_none()
        && n.default_cap.is_none()
        && n.patient_permille == Some(100)
    {
        // 自立支援医療 and the like: 1割 with a 負担上限月額 on the 受給者証.
        findings.push(Finding::warning(FUND_CAP_MISSING)
            .at(format!("{path}.monthly_cap_yen"))
            .cite(n.citation)
            .message(format!(
                "法別{} {}: no 負担上限月額 given; only the {}% share and the insurance limits apply",
                n.law,
                n.name,
                n.patient_permille.unwrap_or(0) / 10
            )));
    }
    if !n.verified {
        findings.push(Finding::info(FUND_UNVERIFIED)
            .at(path.to_owned())
            .cite(n.citation)
            .message(format!(
                "法別{} {}: the patient share comes from santei's 法別番号 table, not checked against the 実施要綱 (記載要領 別添 法別番号表 only)",
                n.law, n.name
            )));
    }
    ok
}

/// The 公費負担者番号 (KO 1): required, 8 digits, the 法別番号 first and the 検証番号
/// ([`payer_check_digit`]) last. Whether it passed.
fn check_payer_number(f: &PublicFund, path: &str, findings: &mut Vec<Finding>) -> bool {
    let message = match &f.payer_number {
        None => format!(
            "法別{}: the 公費負担者番号 (8 digits) is required (KO 1)",
            f.law_number
        ),
        Some(p) => {
            let check = payer_check_digit(p.get(..7).unwrap_or(""));
            if !digits(p, 8) || !p.starts_with(&f.law_number) {
                format!(
                    "公費負担者番号 `{p}` must be 8 digits beginning with the 法別番号 {}",
                    f.law_number
                )
            } else if check != Some(p.as_bytes()[7] - b'0') {
                format!(
                    "公費負担者番号 `{p}`: 検証番号 should be {}",
                    check.unwrap_or(0)
                )
            } else {
                return true;
            }
        }
    };
    findings.push(
        Finding::error(PAYER_NUMBER)
            .at(format!("{path}.payer_number"))
            .cite(CITE_FUND)
            .message(message),
    );
    false
}

/// The 受給者番号 (KO 2): 7 digits, required unless the 公費 (its scheme or its table row) says
/// otherwise. Whether it passed.
fn check_recipient(
    f: &PublicFund,
    fund: &Fund,
    required: bool,
    path: &str,
    findings: &mut Vec<Finding>,
) -> bool {
    let message = match &f.recipient_number {
        None if required => format!(
            "法別{} {}: the 受給者番号 (7 digits) is required (KO 2)",
            f.law_number, fund.name
        ),
        Some(r) if !digits(r, 7) => format!("受給者番号 `{r}` must be 7 digits"),
        _ => return true,
    };
    findings.push(
        Finding::error(RECIPIENT_MISSING)
            .at(format!("{path}.recipient_number"))
            .cite(CITE_FUND)
            .message(message),
    );
    false
}

/// Each claim path a 公費 covers names a billed line. Whether they all do.
fn check_covers(
    f: &PublicFund,
    lines: &[LinePoints<'_>],
    path: &str,
    findings: &mut Vec<Finding>,
) -> bool {
    let mut ok = true;
    if let Some(c) = &f.covers {
        for (k, p) in c.iter().enumerate() {
            let hit = lines.iter().any(|l| covers_path(p, l.path));
            if !hit {
                findings.push(
                    Finding::error(FUND_COVERS)
                        .at(format!("{path}.covers[{k}]"))
                        .cite(CITE_FUND)
                        .message(format!("`{p}` names no billed line of the claim")),
                );
                ok = false;
            }
        }
    }
    ok
}

/// 記載要領: 公費の順位. 法別 order among national 公費, 生活保護 (12, 25) last among them, 地方単独
/// after; a warning when the claim's order differs (santei applies them in the order given).
fn check_order(
    list: &[PublicFund],
    date: Date,
    schemes: &LocalSchemes,
    findings: &mut Vec<Finding>,
) {
    let key = |f: &PublicFund| -> (u8, u8) {
        let law: u8 = f.law_number.parse().unwrap_or(99);
        match tables::national(&f.law_number, date) {
            _ if f.local.is_some() || schemes.find(f).is_some() => (2, law),
            Some(n) if n.last => (1, law),
            Some(_) => (0, law),
            None => (2, law),
        }
    };
    if list.windows(2).any(|w| key(&w[0]) > key(&w[1])) {
        findings.push(Finding::warning(FUND_ORDER)
            .at("insurance.public_funds")
            .cite("記載要領: 公費の順位 (法別番号順, 生活保護は国の公費の最後, 地方単独はその後)")
            .message("the 公費 are not in the usual priority order; santei applies them in the order given"));
    }
}

/// 公費単独 (no insurance): when every 公費 names the lines it covers, every billed line needs one.
/// Whether they all have one.
fn check_kohi_only(
    list: &[PublicFund],
    lines: &[LinePoints<'_>],
    findings: &mut Vec<Finding>,
) -> bool {
    if !list.iter().all(|f| f.covers.is_some()) {
        return true;
    }
    let uncovered = lines.iter().any(|l| {
        l.points != 0
            && !list.iter().any(|f| {
                f.covers
                    .as_ref()
                    .is_some_and(|c| c.iter().any(|p| covers_path(p, l.path)))
            })
    });
    if uncovered {
        findings.push(
            Finding::error(FUND_COVERS)
                .at("insurance.public_funds")
                .cite(CITE_FUND)
                .message(
                    "公費単独 claim: some billed lines are covered by no 公費 (and there is no insurance)",
                ),
        );
    }
    !uncovered
}

pub(crate) fn line_path(o: &Origin) -> &str {
    match o {
        Origin::Claimed { path } => path,
        Origin::Derived { base_path, .. } => base_path,
    }
}

/// `visits[0]` covers `visits[0].items[3]`, not `visits[01]…` nor `visits[0]x`.
pub(crate) fn covers_path(cover: &str, path: &str) -> bool {
    path.strip_prefix(cover)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_of_a_published_number() {
        assert_eq!(payer_check_digit("5401602"), Some(7));
    }

    #[test]
    fn cover_paths() {
        assert!(covers_path("visits[1]", "visits[1].items[0]"));
        assert!(covers_path("visits[1].items[0]", "visits[1].items[0]"));
        assert!(covers_path(
            "visits[1].items[0]",
            "visits[1].items[0].drugs[2]"
        ));
        assert!(!covers_path("visits[1]", "visits[10].items[0]"));
        assert!(!covers_path("visits[1].items[1]", "visits[1].items[10]"));
    }
}
