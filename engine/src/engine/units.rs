//! Derive and price the lines: procedures (点数識別, きざみ, % — their 算定単位 priced later by price_stage.rs), まるめ bundles, drugs, materials and
//! comments.

use rust_decimal::Decimal;
use santei_masters::{Comment, Date, PointKind, Procedure};

use super::polypharmacy::RxDone;
use super::price_stage::{Part, Work};
use super::{Deriver, Proc, resolve, why};
use crate::claim::RxForm;
use crate::explain::{Explanation, Joined};
use crate::price::drug_points;
use crate::result::{Finding, Line, Origin, RecordKind};
use crate::rounding::Rounding;
use crate::rules;
use crate::sections::{section_name, section_of, section_of_inpatient};
use crate::tables;

impl<'a> Deriver<'a> {
    /// Points of one procedure for one time, with its explanation: the pricing library
    /// ([`crate::price::procedure_points`], its きざみ policy; [`crate::price::percent_change`]
    /// for a %加算/%減算 on the preceding 所定点数). `None`: not computed here (金額, 減点, a % item
    /// without a preceding item, a 数量 the きざみ table refuses); the explanation says why.
    pub(super) fn points_of(
        &self,
        rec: &Procedure,
        quantity: Option<Decimal>,
        prev_unit_points: Option<i64>,
    ) -> (Option<i64>, Vec<Explanation>) {
        use crate::price::{Bound, PriceError, PricedHow, percent_change, procedure_points};
        let mut ex = Vec::new();
        why!(
            self,
            ex,
            Explanation::MasterRow {
                code: rec.code,
                name: rec.abbr_name.clone(),
                revision: self.rev(),
                changed_on: rec.changed_on,
                points: rec.points,
                point_kind: rec.point_kind,
            }
        );
        let kind = rec.point_kind();
        if matches!(kind, PointKind::PercentAdd | PointKind::PercentSubtract) {
            let Some(prev) = prev_unit_points else {
                return (None, ex);
            };
            let add = kind == PointKind::PercentAdd;
            let r = percent_change(prev, rec.points.to_decimal(), add);
            why!(
                self,
                ex,
                Explanation::PercentOfBase {
                    percent: rec.points,
                    add,
                    base: prev,
                    change: r,
                    rounding: Rounding::HalfUp,
                }
            );
            return (Some(r), ex);
        }
        match procedure_points(rec, quantity) {
            Ok(priced) => {
                if let (true, PricedHow::Steps(s)) = (self.explain, priced.how) {
                    ex.push(Explanation::Steps {
                        quantity: s.quantity,
                        lower: s.lower,
                        size: s.size,
                        step_points: rec.step_points,
                        points: rec.points,
                        steps: s.steps,
                        exact: s.exact,
                        steps_rounding: Rounding::Up,
                        rounding: Rounding::HalfUp,
                    });
                    let above = |upper, capped| Explanation::StepsAboveUpper {
                        upper,
                        handling: rec.step_bound_error,
                        capped,
                    };
                    match s.bound {
                        Bound::AboveUpperCapped { upper } => ex.push(above(upper, true)),
                        Bound::AboveUpperWarned { upper } => ex.push(above(upper, false)),
                        Bound::Within | Bound::NoQuantity => {}
                    }
                }
                (Some(priced.points), ex)
            }
            Err(PriceError::BelowLower {
                quantity,
                limit,
                handling,
            }) => {
                why!(
                    self,
                    ex,
                    Explanation::StepsBelowLower {
                        quantity,
                        limit,
                        handling,
                    }
                );
                (None, ex)
            }
            Err(_) => (None, ex),
        }
    }

    pub(super) fn procedure_line(&mut self, pr: &Proc<'a>, date: Date) -> Option<i64> {
        // The preceding item of the day (a %加算 applies to it): a claimed one, not a line santei
        // derived such as a 判断料.
        let base = self.lines.iter().rposition(|l| {
            l.date == date
                && l.record == RecordKind::SI
                && matches!(l.origin, Origin::Claimed { .. })
        });
        let prev = base.and_then(|k| self.base_points(k));
        let (pts, mut ex) = self.points_of(pr.rec, pr.quantity, prev);
        let Some(pts) = pts else {
            if let Err(
                e @ (crate::price::PriceError::BelowLower { .. }
                | crate::price::PriceError::Overflow(_)),
            ) = crate::price::procedure_points(pr.rec, pr.quantity)
            {
                self.findings.push(
                    Finding::error(rules::BAD_QUANTITY)
                        .at(format!("{}.quantity", pr.path))
                        .cite(crate::price::procedure::CITE_STEPS)
                        .codes(vec![pr.rec.code.to_string()])
                        .message(format!(
                            "{} {}: {e}; line not billed",
                            pr.rec.code, pr.rec.abbr_name
                        )),
                );
                return None;
            }
            self.findings.push(
                Finding::error(rules::UNSUPPORTED_POINT_KIND)
                    .at(pr.path.clone())
                    .cite(rules::CITE_MASTER)
                    .codes(vec![pr.rec.code.to_string()])
                    .message(format!("{} {}: 点数識別 {} is not computed here (金額・減点・%加算 without a preceding item); line not billed", pr.rec.code, pr.rec.abbr_name, pr.rec.point_kind)),
            );
            return None;
        };
        let (unit, part) = self.unit_for(pr.rec, base, pts, pr.times, &mut ex);
        self.lines.push(Work::new(
            si_line(
                self.cx.inpatient,
                pr.rec,
                date,
                unit,
                pr.quantity,
                (part == Part::Priced).then_some(pts),
                pr.times,
                Origin::Claimed {
                    path: pr.path.clone(),
                },
                ex,
            ),
            part,
        ));
        Some(pts)
    }

    /// The 所定点数 a %加算 on the unit of line `k` applies to, as the derive stage knows it: the
    /// unit's [`super::UnitAcc`] base, else the line's own (final) points.
    pub(super) fn base_points(&self, k: usize) -> Option<i64> {
        let l = &self.lines[k];
        match self.accs.get(l.unit) {
            Some(a) => Some(a.base),
            None => l.points,
        }
    }

    /// The 算定単位 of a new line and how it takes part in the unit's price ([`Part`], priced once
    /// after the rules by price_stage.rs). A %加算/%減算 (点数識別 5/6) joins the unit of the line it
    /// applies to, as UKE records it (RECEIPTC_GAIRAI_SAMPLE: ＥＣＧ１２ 130 + 乳幼児加算（生体検査） 70%
    /// → one unit of 221), every % on the same 所定点数 ([`crate::price::unit_total`]). A 注加算 joins
    /// the unit of a base that takes 通則 additions ([`super::UnitAcc::joins_notes`]). Any other line
    /// (or a base billed a different number of times) is a unit of its own; a % that joins nothing
    /// is a line of its own with the points `pts` it adds. The caller pushes the new line right after.
    pub(super) fn unit_for(
        &mut self,
        rec: &Procedure,
        base: Option<usize>,
        pts: i64,
        times: u32,
        ex: &mut Vec<Explanation>,
    ) -> (usize, Part) {
        let kind = rec.point_kind();
        let percent = matches!(kind, PointKind::PercentAdd | PointKind::PercentSubtract);
        if let Some(k) = base {
            let unit = self.lines[k].unit;
            let joins = |a: &super::UnitAcc| {
                a.times == times
                    && (percent
                        || (a.joins_notes
                            && rec.addition_serial.as_char() != '0'
                            && rec.addition_code != 0
                            && rec.addition_code == a.note_code))
            };
            if let Some(a) = self.accs.get_mut(unit).filter(|a| joins(a)) {
                let part = if percent {
                    let v = rec.points.to_decimal();
                    let signed = if kind == PointKind::PercentAdd { v } else { -v };
                    a.percent += signed;
                    Part::Percent(signed)
                } else if rec.general_addition_base == 1 {
                    a.outside += pts;
                    Part::Outside(pts)
                } else {
                    a.base += pts;
                    Part::Base(pts)
                };
                if self.explain {
                    let l = &self.lines[k];
                    ex.push(Explanation::SameUnit {
                        code: l.code.to_string(),
                        name: l.name.to_string(),
                        joined: match part {
                            Part::Outside(_) => Joined::Outside,
                            Part::Percent(_) => Joined::Percent,
                            _ => Joined::Base,
                        },
                    });
                }
                return (unit, part);
            }
        }
        let unit = self.unit();
        if percent {
            why!(self, ex, Explanation::Times { points: pts, times });
            return (unit, Part::Priced);
        }
        self.accs.insert(
            unit,
            super::UnitAcc {
                base: pts,
                percent: Decimal::ZERO,
                outside: 0,
                times,
                joins_notes: crate::tsusoku::takes_additions(rec),
                note_code: rec.addition_code,
            },
        );
        why!(self, ex, Explanation::Times { points: pts, times });
        (unit, Part::Base(pts))
    }

    pub(super) fn derived_line(
        &mut self,
        rec: &Procedure,
        date: Date,
        times: u32,
        rule: &'static str,
        base_path: &str,
        mut why: Vec<Explanation>,
    ) {
        // A %加算 (an age addition such as 乳幼児加算（生体検査） 70%) is a share of the line of the
        // item it belongs to.
        let base = self.lines.iter().rposition(|l| {
            l.date == date
                && l.record == RecordKind::SI
                && matches!(&l.origin, Origin::Claimed { path } if path == base_path)
        });
        let prev = base.and_then(|k| self.base_points(k));
        let (pts, ex) = self.points_of(rec, None, prev);
        let Some(pts) = pts else {
            self.findings.push(
                Finding::warning(rules::UNSUPPORTED_POINT_KIND)
                    .at(base_path.to_string())
                    .cite(rules::CITE_MASTER)
                    .codes(vec![rec.code.to_string()])
                    .message(format!(
                        "{} {} (点数識別 {}) would be added to the item but is not computed here; not billed — check by hand",
                        rec.code, rec.abbr_name, rec.point_kind
                    )),
            );
            return;
        };
        why.extend(ex);
        let (unit, part) = self.unit_for(rec, base, pts, times, &mut why);
        self.lines.push(Work::new(
            si_line(
                self.cx.inpatient,
                rec,
                date,
                unit,
                None,
                (part == Part::Priced).then_some(pts),
                times,
                Origin::Derived {
                    rule,
                    base_path: base_path.into(),
                },
                why,
            ),
            part,
        ));
    }

    /// Applies the まるめ of a 包括対象検査 group if the day has enough items; returns true if the
    /// group was billed as one unit.
    pub(super) fn bundle(
        &mut self,
        group: u8,
        members: &[usize],
        procs: &[Proc<'a>],
        date: Date,
    ) -> bool {
        // Distinct codes: a handful, sorted rather than hashed.
        let mut distinct: Vec<u32> = members.iter().map(|&m| procs[m].rec.code.0).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let n = distinct.len() as u32;
        let Some(b) = tables::bundling(group, date) else {
            if n >= 2 {
                let codes = members
                    .iter()
                    .map(|&m| procs[m].rec.code.to_string())
                    .collect();
                self.findings.push(
                    Finding::warning(rules::BUNDLING_UNKNOWN)
                        .at(procs[members[0]].path.clone())
                        .cite(rules::CITE_BUNDLING)
                        .codes(codes)
                        .message(format!("{n} items of 包括対象検査 group {group} on {date}: santei has no まるめ table for this group in {}; billed item by item — check by hand", self.rev())),
                );
            }
            return false;
        };
        let Some(points) = b.points(n) else {
            return false;
        };
        // The tier is priced after the rules (price_stage.rs), on the tests still billed; the
        // derive stage knows it as the unit's 所定点数 (a % of the unit applies to it).
        let unit = self.unit();
        self.accs.insert(
            unit,
            super::UnitAcc {
                base: points,
                percent: Decimal::ZERO,
                outside: 0,
                times: 1,
                joins_notes: false,
                note_code: 0,
            },
        );
        for &m in members {
            let pr = &procs[m];
            let mut ex = Vec::new();
            why!(
                self,
                ex,
                Explanation::BundleMember {
                    code: pr.rec.code,
                    name: pr.rec.abbr_name.clone(),
                    revision: self.rev(),
                    points: pr.rec.points,
                    group,
                }
            );
            let part = Part::Bundled {
                group,
                own: Rounding::HalfUp.to_int(pr.rec.points.to_decimal()),
                of: n,
            };
            self.lines.push(Work::new(
                si_line(
                    self.cx.inpatient,
                    pr.rec,
                    date,
                    unit,
                    pr.quantity,
                    None,
                    1,
                    Origin::Claimed {
                        path: pr.path.clone(),
                    },
                    ex,
                ),
                part,
            ));
        }
        true
    }

    pub(super) fn rx(
        &mut self,
        path: &str,
        date: Date,
        form: RxForm,
        rx: resolve::Rx<'a>,
    ) -> Option<RxDone> {
        let resolve::Rx {
            days,
            drugs: mut resolved,
        } = rx;
        let (section, section_no, unit_word, cite) = match form {
            RxForm::Internal => ("21", 21, "1剤1日分", rules::CITE_DRUG),
            RxForm::AsNeeded => ("22", 22, "1回分", rules::CITE_DRUG),
            RxForm::External => ("23", 23, "1調剤", rules::CITE_DRUG),
            RxForm::InjectionIntramuscular => ("31", 31, "1回分", rules::CITE_INJECTION_DRUG),
            RxForm::InjectionIntravenous => ("32", 32, "1回分", rules::CITE_INJECTION_DRUG),
            RxForm::InjectionOther => ("33", 33, "1回分", rules::CITE_INJECTION_DRUG),
            RxForm::Treatment => ("40", 40, "1回分", rules::CITE_DRUG_ZERO),
            RxForm::Test => ("60", 60, "1回分", rules::CITE_DRUG_ZERO),
            RxForm::Imaging => ("70", 70, "1回分", rules::CITE_DRUG_ZERO),
        };
        let floor = crate::price::drug_floor(section_no);
        let mut yen = Decimal::ZERO;
        let unit = self.unit();
        let last = resolved.len() - 1;
        let mut explain_unit = Vec::new();
        for resolve::RxDrug {
            path: dpath,
            rec,
            amount,
        } in &resolved
        {
            let Some((sub, sum)) = crate::price::drug::drug_yen(rec, *amount, yen) else {
                self.findings.push(
                    Finding::error(rules::BAD_QUANTITY)
                        .at(format!("{dpath}.amount"))
                        .cite(rules::CITE_DRUG)
                        .codes(vec![rec.code.to_string()])
                        .message(format!(
                            "使用量 {amount}: the 薬価 × 使用量 overflows; the 剤 is not billed"
                        )),
                );
                return None;
            };
            yen = sum;
            why!(
                self,
                explain_unit,
                Explanation::DrugAmount {
                    code: rec.code,
                    name: rec.name.clone(),
                    price: rec.price,
                    unit: rec.unit_name.clone(),
                    amount: *amount,
                    yen: sub,
                }
            );
            let expected_form = match form {
                RxForm::Internal | RxForm::AsNeeded => Some(1),
                RxForm::External => Some(6),
                RxForm::InjectionIntramuscular
                | RxForm::InjectionIntravenous
                | RxForm::InjectionOther => Some(4),
                _ => None,
            };
            if let Some(f) = expected_form {
                if rec.dosage_form != f {
                    self.findings.push(
                        Finding::warning(rules::DOSAGE_FORM)
                            .at(dpath.clone())
                            .cite(rules::CITE_DRUG)
                            .codes(vec![rec.code.to_string()])
                            .message(format!(
                                "{} {} has 剤形 {} but is in a {} 剤 (診療識別 {section})",
                                rec.code,
                                rec.name,
                                rec.dosage_form,
                                section_name(section)
                            )),
                    );
                }
            }
        }
        let points = drug_points(yen, floor);
        for (k, d) in resolved.iter_mut().enumerate() {
            let (rec, amount) = (d.rec, &d.amount);
            // The drug's path moves into its line (a drug's path is longer than a `Text` keeps
            // inline: copying it would allocate again).
            let dpath = std::mem::take(&mut d.path);
            let mut ex: Vec<Explanation> = explain_unit.get(k).cloned().into_iter().collect();
            if k == last && self.explain {
                ex.push(Explanation::RxPoints {
                    unit: unit_word,
                    yen,
                    points,
                    floor,
                    rounding: Rounding::HalfDown,
                    citation: cite,
                    days,
                });
            }
            self.lines.push(Work::priced(Line {
                record: RecordKind::IY,
                section,
                date,
                unit,
                code: rec.code.text(),
                name: rec.name.clone(),
                quantity: Some(*amount),
                points: (k == last).then_some(points),
                times: days,
                aggregation: 0,
                origin: Origin::Claimed { path: dpath.into() },
                explain: ex,
            }));
        }
        Some(RxDone {
            path: path.to_string(),
            form,
            unit,
            points,
            days,
            yen,
            drugs: resolved
                .iter()
                .map(|d| (d.rec.code.to_text(), d.rec.narcotic_kind))
                .collect(),
            temporary: false,
            mixed: false,
        })
    }

    /// The line of a resolved 特定保険医療材料 ([`resolve::material`]): its points (材料価格 ×
    /// 使用量 ÷ 10, [`crate::price::material_points`]) in a 算定単位 of its own, in the section of
    /// the day's last procedure (`section`) or 80.
    pub(super) fn material(
        &mut self,
        path: &str,
        date: Date,
        m: resolve::MaterialUse<'a>,
        section: Option<&'static str>,
    ) {
        let resolve::MaterialUse { rec, price, amount } = m;
        let code = rec.code;
        let Some(mp) = crate::price::material_points(rec, price, amount) else {
            self.findings.push(
                Finding::error(rules::BAD_QUANTITY)
                    .at(format!("{path}.amount"))
                    .cite(rules::CITE_MATERIAL)
                    .codes(vec![code.to_string()])
                    .message(format!(
                        "使用量 {amount}: the price × 使用量 overflows; line not billed"
                    )),
            );
            return;
        };
        let points = mp.points;
        let mut ex = Vec::new();
        if self.explain {
            ex.push(Explanation::Material {
                code: rec.code,
                name: rec.name.clone(),
                revision: self.rev(),
                price,
                unit: rec.unit_name.clone(),
                amount,
                yen: mp.yen,
                divisor: mp.divisor,
                material_kind: rec.material_kind,
                points: mp.capped.is_none().then_some(points),
                rounding: Rounding::HalfUp,
            });
        }
        if let Some(cap) = mp.capped {
            why!(self, ex, Explanation::MaterialCap { cap, points });
        }
        let unit = self.unit();
        self.lines.push(Work::priced(Line {
            record: RecordKind::TO,
            section: section.unwrap_or("80"),
            date,
            unit,
            code: rec.code.text(),
            name: rec.name.clone(),
            quantity: Some(amount),
            points: Some(points),
            times: 1,
            aggregation: 0,
            origin: Origin::Claimed { path: path.into() },
            explain: ex,
        }));
    }

    /// The line of a resolved comment ([`resolve::comment`]), in the section of the day's last
    /// line, with the claim's free text after the master's.
    pub(super) fn comment(&mut self, path: &str, date: Date, rec: &Comment, text: Option<&str>) {
        let section = self
            .lines
            .iter()
            .rev()
            .find(|l| l.date == date)
            .map_or("80", |l| l.section);
        let unit = self.unit();
        let mut name = rec.text.to_string();
        if let Some(t) = text {
            name.push_str(t);
        }
        self.lines.push(Work::priced(Line {
            record: RecordKind::CO,
            section,
            date,
            unit,
            code: rec.code.text(),
            name: name.into(),
            quantity: None,
            points: None,
            times: 0,
            aggregation: 0,
            origin: Origin::Claimed { path: path.into() },
            explain: self.why(|| Explanation::Comment {
                pattern: rec.pattern,
                code: rec.code,
            }),
        }));
    }
}

/// A 診療行為 (SI) line of a master row: section and 点数欄 from its 点数集計先識別（入院外）, or
/// （入院） on an 入院 claim.
#[allow(clippy::too_many_arguments)]
pub(super) fn si_line(
    inpatient: bool,
    rec: &Procedure,
    date: Date,
    unit: usize,
    quantity: Option<Decimal>,
    points: Option<i64>,
    times: u32,
    origin: Origin,
    explain: Vec<Explanation>,
) -> Line {
    let (section, aggregation) = if inpatient {
        (
            section_of_inpatient(rec.aggregation_inpatient),
            rec.aggregation_inpatient,
        )
    } else {
        (
            section_of(rec.aggregation_outpatient),
            rec.aggregation_outpatient,
        )
    };
    Line {
        record: RecordKind::SI,
        section,
        date,
        unit,
        code: rec.code.text(),
        name: rec.abbr_name.clone(),
        quantity,
        points,
        times,
        aggregation,
        origin,
        explain,
    }
}
