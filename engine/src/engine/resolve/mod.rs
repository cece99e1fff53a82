//! Resolve: the claim's items against the masters on their date (code lookups, the master
//! gates, the stay's refusals) and the history of the month. Functions of the claim's
//! [`Context`] and of the lines billed before the visit that day; what the resolved items bill is derived in
//! derive_stage.rs.

use rustc_hash::FxHashSet;
use santei_masters::{Date, Procedure};

use super::price_stage::Work;
use super::{Context, Proc, code_of, same_month};
use crate::age;
use crate::claim::{FacilityKind, Item, Scheme, Visit};
use crate::result::{Finding, RecordKind, Severity};
use crate::rules;

mod items;
pub(super) use items::{MaterialUse, Rx, RxDrug, comment, material, rx};

/// The 判断料 groups billed earlier this month (the claim's `history`: 月1回, 告示 D026 注1), with a
/// warning for each history entry santei cannot read.
pub(super) fn history(cx: Context<'_>, findings: &mut Vec<Finding>) -> FxHashSet<u8> {
    let mut judged = FxHashSet::default();
    for (i, h) in cx.claim.history.iter().enumerate() {
        let Some(r) = code_of(&h.code).and_then(|c| cx.p.set.procedures.get(c, h.date)) else {
            let why = match code_of(&h.code) {
                None => "is not a 9-digit 診療行為コード".to_string(),
                Some(_) => format!("is not in the 医科診療行為マスター on {}", h.date),
            };
            findings.push(
                Finding::warning(rules::UNKNOWN_CODE)
                    .at(format!("history[{i}].code"))
                    .cite(rules::CITE_MASTER)
                    .codes(vec![h.code.clone()])
                    .message(format!("`{}` {why}; history entry ignored", h.code)),
            );
            continue;
        };
        // 判断料 are 月1回 per calendar month (D026 注1): history of other months is kept for
        // longer windows but does not count here.
        if same_month(h.date, cx.month) && crate::derive::judgement_fee_group(r).is_some() {
            judged.insert(r.test_judgement_group);
        }
    }
    judged
}

/// One visit's 診療行為 as the resolve stage leaves them.
pub(super) struct Procedures<'a> {
    /// The items billed, in claim order, each with its master row on the visit's date.
    pub procs: Vec<Proc<'a>>,
    /// The first of them that blocks 外来管理加算 (外来管理加算区分 1, 告示 A001 注8).
    pub blocker: Option<&'a Procedure>,
}

/// The resolve stage of visit `vi`'s 診療行為 (its drugs, materials and comments: [`rx`],
/// [`material`], [`comment`]): each item's row on the visit's date, or a finding and the item
/// left out when its code is unknown or not valid that day (MST-001), its 数量・回数 impossible,
/// the stay bills or includes it, or a master gate keeps it from this patient, facility and day;
/// a claimed 外来管理加算 on a day with a blocking item left out (告示 A001 注8); a 注加算 whose
/// base is not billed that day (MST-014). `earlier` are the lines billed before this visit (the
/// stay's lines of the day come first).
pub(super) fn procedures<'a>(
    cx: Context<'a>,
    earlier: &[Work],
    vi: usize,
    visit: &'a Visit,
    findings: &mut Vec<Finding>,
) -> Procedures<'a> {
    let date = visit.date;
    let set = &cx.p.set;
    let mut procs: Vec<Proc<'a>> = Vec::with_capacity(visit.items.len());
    for (ii, item) in visit.items.iter().enumerate() {
        if let Item::Procedure {
            code,
            quantity,
            times,
            time,
            emergency,
            weight_g,
        } = item
        {
            // The path of the procedures only: the drugs, materials and comments get theirs when
            // they are resolved (derive_stage.rs).
            let path = super::item_path(vi, ii);
            let Some(rec) = code_of(code).and_then(|c| set.procedures.get(c, date)) else {
                let msg = match code_of(code) {
                    None => format!("`{code}` is not a 9-digit 診療行為コード; line not billed"),
                    Some(c) if set.procedures.latest(c).is_some() => format!(
                        "{code} is not valid on {date} (outside its 変更年月日〜廃止年月日); line not billed"
                    ),
                    Some(_) => format!(
                        "{code} is not in the 医科診療行為マスター of {}; line not billed",
                        set.revision.id
                    ),
                };
                findings.push(
                    Finding::error(rules::UNKNOWN_CODE)
                        .at(format!("{path}.code"))
                        .cite(rules::CITE_MASTER)
                        .codes(vec![code.clone()])
                        .message(msg),
                );
                continue;
            };
            if quantity.is_some_and(|q| q.is_sign_negative()) || *times == 0 {
                findings.push(
                    Finding::error(rules::BAD_QUANTITY)
                        .at(format!("{path}.quantity"))
                        .cite(rules::CITE_MASTER)
                        .codes(vec![code.clone()])
                        .message("数量 must be positive and 回数 at least 1; line not billed"),
                );
                continue;
            }
            // The stay's refusals first, then the master gates.
            let refusal = cx
                .stay_refusal(earlier, rec, date)
                .or_else(|| cx.gate(rec, date));
            if let Some((rule, cite, why)) = refusal {
                findings.push(
                    Finding::error(rule)
                        .at(path.clone())
                        .cite(cite)
                        .codes(vec![code.clone()])
                        .message(format!(
                            "{} {}: {why}; line not billed",
                            code, rec.abbr_name
                        )),
                );
                continue;
            }
            procs.push(Proc {
                path,
                rec,
                quantity: *quantity,
                times: *times,
                time: time.unwrap_or(visit.time),
                emergency: *emergency,
                weight_g: *weight_g,
            });
        }
    }
    let blocker = crate::derive::outpatient_management_blocker(procs.iter().map(|p| p.rec));
    // A claimed 外来管理加算 on a day with a blocking item is not billed (A001 注8).
    if let Some(b) = blocker {
        let mut kept = Vec::with_capacity(procs.len());
        for pr in procs {
            if crate::derive::is_outpatient_management(pr.rec) {
                findings.push(
                    Finding::error(rules::OUTPATIENT_MANAGEMENT)
                        .at(pr.path.clone())
                        .cite(rules::CITE_OUTPATIENT_MANAGEMENT)
                        .codes(vec![pr.rec.code.to_string()])
                        .message(format!("外来管理加算 cannot be billed on a day with {} {} (外来管理加算区分 1); line not billed", b.code, b.abbr_name)),
                );
            } else {
                kept.push(pr);
            }
        }
        procs = kept;
    }
    let procs = additions_with_base(cx, earlier, procs, visit, date, findings);
    Procedures { procs, blocker }
}

/// A claimed 注加算 (項番39 注加算通番 ≠ 0) whose base (same 注加算コード 項番38, 通番 0) is not
/// billed that day (MST-014): when its base was claimed and refused (a gate, a count), the
/// addition is not billed either (error: a 注加算 is added to its base's 所定点数 and has none
/// of its own); when no base was claimed at all, it is billed with a warning — the master's
/// 注加算コード does not always group an addition with every item the 告示 adds it to (e.g.
/// 抗菌薬適正使用体制加算 190833870, 9101, goes with 感染対策向上加算１, 9071: 告示 A234-2 注5).
fn additions_with_base<'a>(
    cx: Context<'a>,
    earlier: &[Work],
    procs: Vec<Proc<'a>>,
    visit: &Visit,
    date: Date,
    findings: &mut Vec<Finding>,
) -> Vec<Proc<'a>> {
    let is_addition = |r: &Procedure| r.addition_code != 0 && r.addition_serial.as_char() != '0';
    if !procs.iter().any(|p| is_addition(p.rec)) {
        return procs;
    }
    let set = &cx.p.set;
    let mut bases: FxHashSet<u16> = procs
        .iter()
        .filter(|p| p.rec.addition_code != 0 && p.rec.addition_serial.as_char() == '0')
        .map(|p| p.rec.addition_code)
        .collect();
    // Most claimed 注加算 come with their base among the day's items: only then are the
    // day's lines and the refused items looked up.
    if procs
        .iter()
        .all(|p| !is_addition(p.rec) || bases.contains(&p.rec.addition_code))
    {
        return procs;
    }
    // The day's 入院料 (and other lines already billed, such as the stay's).
    for l in earlier
        .iter()
        .filter(|l| l.date == date && l.record == RecordKind::SI)
    {
        if let Some(r) = code_of(&l.code).and_then(|c| set.procedures.get(c, date)) {
            if r.addition_code != 0 && r.addition_serial.as_char() == '0' {
                bases.insert(r.addition_code);
            }
        }
    }
    // Bases claimed that day, billed or not.
    let claimed_bases: FxHashSet<u16> = visit
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Procedure { code, .. } => code_of(code),
            _ => None,
        })
        .filter_map(|c| set.procedures.get(c, date))
        .filter(|r| r.addition_code != 0 && r.addition_serial.as_char() == '0')
        .map(|r| r.addition_code)
        .collect();
    let mut kept = Vec::with_capacity(procs.len());
    for pr in procs {
        if !is_addition(pr.rec) || bases.contains(&pr.rec.addition_code) {
            kept.push(pr);
            continue;
        }
        let refused = claimed_bases.contains(&pr.rec.addition_code);
        findings.push(
            Finding::of(rules::ADDITION_WITHOUT_BASE, if refused {
                Severity::Error
            } else {
                Severity::Warning
            })
                .at(pr.path.clone())
                .cite(rules::CITE_ADDITION_BASE)
                .codes(vec![pr.rec.code.to_text()])
                .message(format!(
                    "{} {} is a 注加算 (注加算コード {}, 通番 {}), but no item it adds to (same 注加算コード, 通番 0) is billed on {date}{}",
                    pr.rec.code,
                    pr.rec.abbr_name,
                    pr.rec.addition_code,
                    pr.rec.addition_serial.as_char(),
                    if refused {
                        ": its base was claimed and not billed (see its finding); line not billed"
                    } else {
                        "; billed as claimed — check that its base is billed (the master's grouping does not cover every base the 告示 names)"
                    }
                )),
        );
        if !refused {
            kept.push(pr);
        }
    }
    kept
}

impl Context<'_> {
    /// Why a row cannot be billed for this patient (the claim's 生年月日), facility and day, if it
    /// cannot.
    pub(super) fn gate(
        &self,
        rec: &Procedure,
        date: Date,
    ) -> Option<(&'static str, &'static str, String)> {
        self.blocked_by(rec, date).map(|b| b.explain(rec))
    }

    /// Whether a row can be billed for this patient, facility and day: [`Context::gate`] without
    /// building the reason, for the derivations that try candidate rows (判断料, 年齢・時間加算)
    /// and only want the answer.
    pub(super) fn billable(&self, rec: &Procedure, date: Date) -> bool {
        self.blocked_by(rec, date).is_none()
    }

    /// The master gate that keeps a row from being billed, if one does ([`blocked`]).
    pub(super) fn blocked_by(&self, rec: &Procedure, date: Date) -> Option<Blocked> {
        blocked_for(
            self.claim,
            self.inpatient,
            rec,
            date,
            self.claim.patient.birth_date,
        )
    }
}

/// [`blocked`] for a claim's facility and insurance (the claim engine's stages ask it so).
pub(super) fn blocked_for(
    claim: &crate::claim::Claim,
    inpatient: bool,
    rec: &Procedure,
    date: Date,
    birth: Date,
) -> Option<Blocked> {
    blocked(
        rec,
        date,
        birth,
        inpatient,
        &claim.facility,
        claim.insurance.scheme,
    )
}

/// Which master gate keeps a row from being billed ([`gate`] without building the reason: the
/// UKE recalculation asks it of many candidate rows and only wants the answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocked {
    OutpatientOnly,
    InpatientOnly,
    HospitalOnly,
    ClinicOnly,
    NotLargeHospital,
    LargeHospitalOnly,
    FacilityStandard,
    Age,
    NotLateElderly,
    LateElderlyOnly,
}

impl Blocked {
    /// The rule id, its citation and the reason, for `rec` (the row that was blocked).
    fn explain(self, rec: &Procedure) -> (&'static str, &'static str, String) {
        match self {
            Blocked::OutpatientOnly => (
                rules::OUTPATIENT_ONLY,
                rules::CITE_INPATIENT,
                "入院外のみ算定できる項目 (入外適用区分 2 / 点数集計先識別（入院） 0)".into(),
            ),
            Blocked::InpatientOnly => (
                rules::INPATIENT_ONLY,
                rules::CITE_INOUT,
                "入院のみ算定できる項目 (入外適用区分 1 / 点数集計先識別（入院外） 0)".into(),
            ),
            Blocked::HospitalOnly => (
                rules::FACILITY_KIND,
                rules::CITE_HOSPITAL_CLINIC,
                "病院のみ算定できる項目 (病院・診療所区分 1)".into(),
            ),
            Blocked::ClinicOnly => (
                rules::FACILITY_KIND,
                rules::CITE_HOSPITAL_CLINIC,
                "診療所のみ算定できる項目 (病院・診療所区分 2)".into(),
            ),
            Blocked::NotLargeHospital => (
                rules::BED_COUNT,
                rules::CITE_BED_COUNT,
                "一般病床200床以上の病院では算定できない (病床数区分 5; A002 外来診療料を算定)"
                    .into(),
            ),
            Blocked::LargeHospitalOnly => (
                rules::BED_COUNT,
                rules::CITE_BED_COUNT,
                "一般病床200床以上の病院に限る (病床数区分 6)".into(),
            ),
            Blocked::FacilityStandard => {
                let list: Vec<String> = rec.facility_standards().map(|s| s.to_string()).collect();
                (
                    rules::FACILITY_STANDARD,
                    rules::CITE_FACILITY_STANDARD,
                    format!(
                        "施設基準の届出が必要 (施設基準コード {} のいずれか)",
                        list.join("/")
                    ),
                )
            }
            Blocked::Age => (
                rules::AGE_LIMIT,
                rules::CITE_AGE,
                format!(
                    "年齢制限 {} に該当しない",
                    age::describe(rec.min_age, rec.max_age)
                ),
            ),
            Blocked::NotLateElderly => (
                rules::SCHEME,
                rules::CITE_SCHEME,
                "後期高齢者には算定できない (後期高齢者医療適用区分 1)".into(),
            ),
            Blocked::LateElderlyOnly => (
                rules::SCHEME,
                rules::CITE_SCHEME,
                "後期高齢者に限る (後期高齢者医療適用区分 2)".into(),
            ),
        }
    }
}

/// Why a row of the 医科診療行為マスター cannot be billed for this patient, facility and day, if it
/// cannot: the master gates in order (入外, 病院・診療所, 病床数, 施設基準, 年齢, 後期高齢者);
/// [`Blocked::explain`] gives the rule id, its citation and the reason. Shared by the claim engine
/// ([`Context::gate`], [`Context::billable`]) and the UKE recalculation's derived checks.
pub(crate) fn blocked(
    rec: &Procedure,
    date: Date,
    birth: Date,
    inpatient: bool,
    f: &crate::claim::Facility,
    scheme: Option<Scheme>,
) -> Option<Blocked> {
    if inpatient {
        if rec.inout_applicability == 2 || rec.aggregation_inpatient == 0 {
            return Some(Blocked::OutpatientOnly);
        }
    } else if rec.inout_applicability == 1 || rec.aggregation_outpatient == 0 {
        return Some(Blocked::InpatientOnly);
    }
    match (rec.hospital_clinic, f.kind) {
        (1, FacilityKind::Clinic) => return Some(Blocked::HospitalOnly),
        (2, FacilityKind::Hospital) => return Some(Blocked::ClinicOnly),
        _ => {}
    }
    // 病床数区分 (項番71) 5: not in a hospital of 200 or more 一般病床 (告示 A001 注1 「許可病床のうち
    // 一般病床に係るものの数が200以上のものを除く」), 6: only there (告示 A002 注1).
    let large_hospital = f.kind == FacilityKind::Hospital && f.beds >= 200;
    match rec.bed_count_class {
        5 if large_hospital => return Some(Blocked::NotLargeHospital),
        6 if !large_hospital => return Some(Blocked::LargeHospitalOnly),
        _ => {}
    }
    // The row's 施設基準 are read where they are (no list is built).
    if rec.facility_standards().next().is_some()
        && !rec.facility_standards().any(|s| f.standards.contains(&s))
    {
        return Some(Blocked::FacilityStandard);
    }
    if !age::in_range(birth, date, rec.min_age, rec.max_age) {
        return Some(Blocked::Age);
    }
    match (rec.late_elderly_applicability, scheme) {
        (1, Some(Scheme::Kouki)) => return Some(Blocked::NotLateElderly),
        (2, Some(s)) if s != Scheme::Kouki => return Some(Blocked::LateElderlyOnly),
        _ => {}
    }
    None
}

#[cfg(test)]
mod tests;
