//! F200 注3 多剤投与の減算 (7種類以上の内服薬 → 内服薬の薬剤料 × 90/100), the 種類 count that also
//! selects 処方料 F100「2」, and the 向精神薬多剤 (注2) warning.
//!
//! Sources (r06 text in ../shared/law/r06):
//! - 告示 F200 注3 (kokuji_ika.txt l.10857–10861): 1処方につき7種類以上の内服薬の投薬 (臨時の投薬で
//!   投薬期間が2週間以内のもの, 地域包括診療加算 / 地域包括診療料を算定するものを除く) → 所定点数の
//!   100分の90. F100「2」 (l.10790–10796) and F400「2」 (l.10887–10893) use the same count.
//! - 通知 F200 (6) (tsuchi_ika.txt l.18225–18242): ア 外来のみ, 内服薬のみ; 1処方 = 処方料の算定単位;
//!   (イ) 錠剤・カプセル剤 1銘柄ごとに1種類, (ロ) 散剤・顆粒剤・液剤 1銘柄ごとに1種類, (ハ) (ロ)を混合
//!   したものは1種類, (ニ) 所定単位当たりの薬価が205円以下の場合は1種類; イ 所定点数 = 1処方のうちの
//!   全ての内服薬の薬剤料; ウ/エ 臨時 (連続する投与期間が2週間以内) の薬剤は対象としない.
//! - 通知 F100 (4) (l.18108–18110) and F400 (6) (l.18296–18298): 処方料・処方箋料「2」 count 内服薬
//!   the same way; 6種類以下 → 「3」.
//! - 通知 A001 (11)オ(ヌ) (l.651–652) and B001-2-9 シ (l.7273–7274): with 地域包括診療加算 / 地域包括
//!   診療料 the 7種類 rule does not apply. 認知症地域包括診療加算 keeps it ((12)イ excludes (ヌ)).
//! - UKE: 医薬品マスター 630010002 薬剤料逓減（９０／１００）（内服薬）, 金額種別 7 減点; 「電子レセプトに
//!   所定点数の１０／１００に相当する点数を記録する」 (マスターファイル仕様説明書 R6, (3) 使用方法が特殊な
//!   コード 項番4, ../shared/spec/R06rec1.txt l.235–242). A real 外来 UKE (../shared/uke/receparser/
//!   ikasample.csv, receipt 5) carries `CO 820000047 （減）` before the 内服 lines and one
//!   `IY 630010002` line of 534 = 10% of Σ(剤点数 × 日数) = 5,340 of its 7 内服 剤, subtracted from
//!   the 合計点数 (12,032 − 2 × 534 = 10,964 = HO).

use crate::explain::{Explanation, KindsCounted, RxCut};
use rust_decimal::Decimal;
use rustc_hash::FxHashSet;
use santei_masters::Date;

use super::price_stage::Work;
use super::{Deriver, MAX_UNIT_POINTS};
use crate::claim::{Item, RxForm, Visit};
use crate::result::{Finding, Line, Origin, RecordKind};
use crate::rounding::Rounding;
use crate::rules;

/// 医薬品 630010002 薬剤料逓減（９０／１００）（内服薬） (金額種別 7 減点).
const REDUCTION_CODE: u32 = 630_010_002;
const REDUCTION_NAME: &str = "薬剤料逓減（９０／１００）（内服薬）";
/// コメント 820000047 （減）, written before the reduced 内服 lines.
const REDUCTION_COMMENT: u32 = 820_000_047;
/// 処方料（７種類以上内服薬） F100「2」 29点.
const F100_SEVEN: &str = "120002610";
/// 処方料（その他） F100「3」 42点.
const F100_OTHER: &str = "120001210";
/// 処方料（向精神薬多剤投与） F100「1」 18点.
const F100_PSYCHOTROPIC: &str = "120003610";
/// 地域包括診療加算１ / ２ (A001 注12): same day.
const COMMUNITY_ADDITIONS: [&str; 2] = ["112021770", "112017270"];

/// The codes the checks of one 処方 ask about ([`F100_SEVEN`], [`F100_OTHER`],
/// [`F100_PSYCHOTROPIC`], [`COMMUNITY_ADDITIONS`]) that the visit's day bills: a few flags, not a
/// set of every code of the visit (which cost a String per line on every visit with a 処方).
#[derive(Debug, Default)]
struct Claimed(u8);

impl Claimed {
    const ASKED: [&'static str; 5] = [
        F100_SEVEN,
        F100_OTHER,
        F100_PSYCHOTROPIC,
        COMMUNITY_ADDITIONS[0],
        COMMUNITY_ADDITIONS[1],
    ];

    fn add(&mut self, code: &str) {
        if let Some(i) = Self::ASKED.iter().position(|c| *c == code) {
            self.0 |= 1 << i;
        }
    }

    /// Whether `code` (one of [`Claimed::ASKED`]) is billed; any other code answers false.
    fn contains(&self, code: &str) -> bool {
        Self::ASKED
            .iter()
            .position(|c| *c == code)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}
/// 地域包括診療料１ / ２ (B001-2-9, 月1回): the month.
const COMMUNITY_FEES: [&str; 2] = ["113024810", "113015810"];
/// 205円: a 剤 at or below it counts as one 種類 (通知 F200 (6)ア(ニ)).
const CHEAP_RX_YEN: i64 = 205;
/// 臨時の投薬: 連続する投与期間が2週間以内 (通知 F200 (6)エ).
const TEMPORARY_MAX_DAYS: u32 = 14;
/// 医薬品 項番14 麻薬・毒薬・覚醒剤原料・向精神薬: 5 = 向精神薬.
const PSYCHOTROPIC_FLAG: u8 = 5;

/// The unit the F200 注3 90/100 is rounded over. 通知 F200 (6)イ: not settled by an
/// official example; see docs/FINDINGS.md DRG-303.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolypharmacyRounding {
    /// 処方単位: Σ(剤点数 × 日数) of all 内服薬 of the 処方 × 90/100, 四捨五入 once. 通知 F200
    /// (6)イ makes that sum the 所定点数; the UKE carries one 630010002 line per 処方.
    #[default]
    PerPrescription,
    /// 剤単位: each 剤's 剤点数 × 日数 × 90/100, 四捨五入 per 剤; the deductions are summed.
    PerRx,
}

impl PolypharmacyRounding {
    pub fn japanese(self) -> &'static str {
        match self {
            PolypharmacyRounding::PerPrescription => "処方単位（内服薬の薬剤料の合計に1回）",
            PolypharmacyRounding::PerRx => "剤単位（剤ごとの薬剤料に）",
        }
    }
}

/// A billed 剤 of a visit, as the 多剤投与 rules need it.
#[derive(Debug, Clone)]
pub(super) struct RxDone {
    /// Claim path of the 剤.
    pub(super) path: String,
    pub(super) form: RxForm,
    /// 算定単位 of its lines.
    pub(super) unit: usize,
    /// 剤点数 (per 所定単位).
    pub(super) points: i64,
    /// 日数 / 回数.
    pub(super) days: u32,
    /// 所定単位当たりの薬価 (円).
    pub(super) yen: Decimal,
    /// 医薬品コード and 項番14 (麻薬・毒薬・覚醒剤原料・向精神薬) of each drug.
    pub(super) drugs: Vec<(String, u8)>,
    pub(super) temporary: bool,
    pub(super) mixed: bool,
}

impl RxDone {
    fn is_temporary(&self) -> bool {
        self.temporary && self.days <= TEMPORARY_MAX_DAYS
    }

    fn total(&self) -> i64 {
        self.points * i64::from(self.days)
    }
}

/// The 種類 of 内服薬 of one 処方 (通知 F200 (6)ア).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct KindCount {
    pub(super) kinds: usize,
    /// Distinct 医薬品コード of the counted 剤, before (ハ)/(ニ).
    pub(super) brands: usize,
    /// 種類 counted by 銘柄 (ア(イ)(ロ)), 剤 of 205円以下 (ア(ニ)), 混合 剤 (ア(ハ)).
    by_brand: usize,
    cheap: usize,
    mixed: usize,
}

impl KindCount {
    /// The count as the explanations and findings state it, with the `temporary` 剤 left out.
    pub(super) fn counted(&self, temporary: usize) -> KindsCounted {
        KindsCounted {
            by_brand: self.by_brand,
            cheap: self.cheap,
            cheap_yen: CHEAP_RX_YEN,
            mixed: self.mixed,
            kinds: self.kinds,
            temporary,
        }
    }
}

/// Counts the 種類 of the 常態 内服 剤 of a 処方: a 剤 of 205円以下 per 所定単位 is one 種類, a
/// 混合 剤 is one 種類, otherwise one 種類 per 銘柄 (医薬品コード), across 剤.
pub(super) fn count_kinds(rxs: &[&RxDone]) -> KindCount {
    let cheap_limit = Decimal::from(CHEAP_RX_YEN);
    // A 処方 has a handful of drugs: sorted lists, not hash sets.
    let mut brands: smallvec::SmallVec<[&str; 16]> = smallvec::SmallVec::new();
    let mut all: smallvec::SmallVec<[&str; 16]> = smallvec::SmallVec::new();
    let (mut cheap, mut mixed) = (0usize, 0usize);
    for r in rxs {
        all.extend(r.drugs.iter().map(|(c, _)| c.as_str()));
        if r.yen <= cheap_limit {
            cheap += 1;
        } else if r.mixed {
            mixed += 1;
        } else {
            brands.extend(r.drugs.iter().map(|(c, _)| c.as_str()));
        }
    }
    for codes in [&mut brands, &mut all] {
        codes.sort_unstable();
        codes.dedup();
    }
    KindCount {
        kinds: brands.len() + cheap + mixed,
        brands: all.len(),
        by_brand: brands.len(),
        cheap,
        mixed,
    }
}

/// Deduction of F200 注3 for the 内服 剤 of a 処方: the 所定点数, the 減点 and, when `explain`,
/// the arithmetic for the explanation.
pub(super) fn deduction(
    rxs: &[&RxDone],
    rounding: PolypharmacyRounding,
    explain: bool,
) -> (i64, i64, Option<Explanation>) {
    let base: i64 = rxs.iter().map(|r| r.total()).sum();
    let nine_tenths = |s: i64| Decimal::from(s) * Decimal::from(9) / Decimal::from(10);
    match rounding {
        PolypharmacyRounding::PerPrescription => {
            let exact = nine_tenths(base);
            let reduced = Rounding::HalfUp.to_int(exact);
            let how = explain.then(|| Explanation::PolypharmacyPerPrescription {
                base,
                exact,
                reduced,
                rounding: Rounding::HalfUp,
                unit: rounding.japanese(),
            });
            (base, base - reduced, how)
        }
        PolypharmacyRounding::PerRx => {
            let mut parts = Vec::new();
            let mut cut = 0;
            for r in rxs {
                let s = r.total();
                let exact = nine_tenths(s);
                let reduced = Rounding::HalfUp.to_int(exact);
                cut += s - reduced;
                if explain {
                    parts.push(RxCut {
                        points: s,
                        exact,
                        reduced,
                    });
                }
            }
            let how = explain.then(|| Explanation::PolypharmacyPerRx {
                rxs: parts,
                cut,
                rounding: Rounding::HalfUp,
                unit: rounding.japanese(),
            });
            (base, cut, how)
        }
    }
}

impl Deriver<'_> {
    /// F200 注3, the F100 「2」 check and the 向精神薬多剤 warning for one visit (one 処方).
    pub(super) fn polypharmacy(&mut self, vi: usize, visit: &Visit, done: &[RxDone]) {
        let seven_claimed = || {
            visit
                .items
                .iter()
                .any(|i| matches!(i, Item::Procedure { code, .. } if code.as_str() == F100_SEVEN))
        };
        if done.is_empty() && !seven_claimed() {
            return;
        }
        let vpath = format!("visits[{vi}]");
        let date = visit.date;
        for r in done {
            if r.temporary && r.form != RxForm::Internal {
                self.findings.push(
                    Finding::warning(rules::TEMPORARY_RX)
                        .at(r.path.clone())
                        .cite(rules::CITE_TEMPORARY)
                        .message("`temporary` (臨時の投薬) only matters for 内服 剤 (the 7種類 count of F200 注3); ignored here"),
                );
            } else if r.temporary && !r.is_temporary() {
                self.findings.push(
                    Finding::warning(rules::TEMPORARY_RX)
                        .at(r.path.clone())
                        .cite(rules::CITE_TEMPORARY)
                        .message(format!("`temporary` with {} days: 臨時の投薬 is a 連続する投与期間 of 2週間以内 (通知 F200 (6)エ), so this 剤 is counted as 常態 (常態として投与する薬剤)", r.days)),
                );
            }
        }
        let claimed = self.claimed_codes(&vpath, date);
        let psychotropic_claimed = claimed.contains(F100_PSYCHOTROPIC);
        self.psychotropic_warning(&vpath, done, psychotropic_claimed);

        let internal: Vec<&RxDone> = done.iter().filter(|r| r.form == RxForm::Internal).collect();
        let regular: Vec<&RxDone> = internal
            .iter()
            .copied()
            .filter(|r| !r.is_temporary())
            .collect();
        let temporary = internal.len() - regular.len();
        let count = count_kinds(&regular);
        let seven = count.kinds >= 7;
        let exempt = self.community_care(&claimed, date);
        // The count as findings state it; built only when one is reported.
        let counted = || count.counted(temporary).to_string();
        let codes = || -> Vec<String> {
            internal
                .iter()
                .flat_map(|r| r.drugs.iter().map(|(c, _)| c.clone()))
                .collect()
        };

        if !psychotropic_claimed {
            self.prescription_fee_check(&vpath, &claimed, &count, &counted, exempt.as_deref());
        }
        if !seven {
            if count.brands >= 7 {
                self.findings.push(
                    Finding::info(rules::POLYPHARMACY)
                        .at(vpath)
                        .cite(rules::CITE_POLYPHARMACY)
                        .codes(codes())
                        .message(format!("{} 銘柄 of 内服薬 (常態) but {} (通知 F200 (6)ア): F200 注3 does not apply", count.brands, counted())),
                );
            }
            return;
        }
        if let Some(why) = exempt {
            self.findings.push(
                Finding::info(rules::POLYPHARMACY)
                    .at(vpath)
                    .cite(rules::CITE_POLYPHARMACY)
                    .codes(codes())
                    .message(format!("{}, but {why} is billed: F200 注3 and F100「2」 do not apply (告示 F200 注3; 通知 A001 (11)オ(ヌ), B001-2-9 シ)", counted())),
            );
            return;
        }
        if psychotropic_claimed {
            self.findings.push(
                Finding::warning(rules::POLYPHARMACY)
                    .at(vpath)
                    .cite(rules::CITE_POLYPHARMACY)
                    .codes(codes())
                    .message(format!("{}, and 処方料（向精神薬多剤投与） {F100_PSYCHOTROPIC} is claimed: F200 注3 applies to the drugs other than the 向精神薬 reduced by 注2, if they are still 7種類 (疑義解釈 2016-04-25 その2 問22); santei cannot tell the 向精神薬 apart (see DRG-304), so nothing is reduced — check by hand", counted())),
            );
            return;
        }
        let (counted, codes) = (counted(), codes());
        // Units `reject_out_of_range_units` will drop are not part of the 所定点数.
        let reduced: Vec<&RxDone> = internal
            .iter()
            .copied()
            .filter(|r| {
                r.points
                    .checked_mul(i64::from(r.days))
                    .is_some_and(|v| v.abs() <= MAX_UNIT_POINTS)
            })
            .collect();
        let (base, cut, how) = deduction(&reduced, self.polypharmacy_rounding, self.explain);
        self.findings.push(
            Finding::info(rules::POLYPHARMACY)
                .at(vpath.clone())
                .cite(rules::CITE_POLYPHARMACY)
                .codes(codes)
                .message(format!("F200 注3 applied: {counted}; 内服薬の薬剤料 {base}点 × 90/100 → 630010002 −{cut}点. Interpretation: 四捨五入 of the 90/100 (x.5 up; the UKE's 10/100 share is the remainder), {} — no official example settles the unit (通知 F200 (6)イ); the default follows 通知 F200 (6)イ (所定点数 = the 処方's sum); per 剤 with `santei calc --polypharmacy-rounding rx` (EngineBuilder::polypharmacy_rounding)",
                    self.polypharmacy_rounding.japanese())),
        );
        if cut == 0 {
            return;
        }
        let units: FxHashSet<usize> = reduced.iter().map(|r| r.unit).collect();
        let (Some(first), Some(last)) = (
            self.lines.iter().position(|l| units.contains(&l.unit)),
            self.lines.iter().rposition(|l| units.contains(&l.unit)),
        ) else {
            return;
        };
        let set = &self.cx.p.set;
        let name = set
            .drugs
            .get(REDUCTION_CODE, date)
            .map_or(REDUCTION_NAME.to_string(), |d| d.name.as_str().to_owned());
        let comment = set
            .comments
            .get(REDUCTION_COMMENT, date)
            .map(|c| c.text.to_string());
        let explain = match how {
            None => Vec::new(),
            Some(how) => vec![
                Explanation::Polypharmacy {
                    kinds: count.counted(temporary),
                },
                Explanation::PolypharmacyBase {
                    terms: reduced.iter().map(|r| (r.points, r.days)).collect(),
                    base,
                },
                how,
                Explanation::PolypharmacyLine {
                    code: REDUCTION_CODE,
                    name: name.clone(),
                    cut,
                },
            ],
        };
        let unit = self.unit();
        let reduction = Line {
            record: RecordKind::IY,
            section: "21",
            date,
            unit,
            code: santei_masters::Code(REDUCTION_CODE).text(),
            name: name.into(),
            quantity: None,
            points: Some(-cut),
            times: 1,
            aggregation: 0,
            origin: Origin::Derived {
                rule: rules::POLYPHARMACY,
                base_path: vpath.as_str().into(),
            },
            explain,
        };
        self.lines.insert(last + 1, Work::priced(reduction));
        if let Some(text) = comment {
            let unit = self.unit();
            self.lines.insert(
                first,
                Work::priced(Line {
                    record: RecordKind::CO,
                    section: "21",
                    date,
                    unit,
                    code: santei_masters::Code(REDUCTION_COMMENT).text(),
                    name: text.into(),
                    quantity: None,
                    points: None,
                    times: 0,
                    aggregation: 0,
                    origin: Origin::Derived {
                        rule: rules::POLYPHARMACY,
                        base_path: vpath.into(),
                    },
                    explain: self.why(|| Explanation::PolypharmacyComment {
                        code: REDUCTION_COMMENT,
                    }),
                }),
            );
        }
    }

    /// Codes of the 診療行為 lines billed so far on this visit.
    fn claimed_codes(&self, vpath: &str, date: Date) -> Claimed {
        let mut claimed = Claimed::default();
        for l in &self.lines {
            if l.record != RecordKind::SI || l.date != date {
                continue;
            }
            let path = match &l.origin {
                Origin::Claimed { path } => path,
                Origin::Derived { base_path, .. } => base_path,
            };
            if path.strip_prefix(vpath).is_some_and(|p| p.starts_with('.')) {
                claimed.add(&l.code);
            }
        }
        claimed
    }

    /// 地域包括診療加算 on the day, or 地域包括診療料 in the month (claim or history).
    fn community_care(&self, claimed: &Claimed, date: Date) -> Option<String> {
        if let Some(c) = COMMUNITY_ADDITIONS.iter().find(|c| claimed.contains(c)) {
            return Some(format!("地域包括診療加算 ({c})"));
        }
        let in_claim = self
            .cx
            .claim
            .visits
            .iter()
            .flat_map(|v| &v.items)
            .find_map(|i| match i {
                Item::Procedure { code, .. } if COMMUNITY_FEES.contains(&code.as_str()) => {
                    Some(code.clone())
                }
                _ => None,
            });
        let in_history = || {
            self.cx
                .claim
                .history
                .iter()
                .find(|h| {
                    COMMUNITY_FEES.contains(&h.code.as_str())
                        && (h.date.year(), h.date.month()) == (date.year(), date.month())
                })
                .map(|h| h.code.clone())
        };
        in_claim
            .or_else(in_history)
            .map(|c| format!("地域包括診療料 ({c}, this month)"))
    }

    /// F100「2」 vs「3」: the claim names the 処方料; a code that disagrees with the count is a
    /// warning, never changed.
    fn prescription_fee_check(
        &mut self,
        vpath: &str,
        claimed: &Claimed,
        count: &KindCount,
        counted: &dyn Fn() -> String,
        exempt: Option<&str>,
    ) {
        let seven = count.kinds >= 7 && exempt.is_none();
        if seven && claimed.contains(F100_OTHER) {
            self.findings.push(
                Finding::warning(rules::PRESCRIPTION_FEE)
                    .at(vpath.to_string())
                    .cite(rules::CITE_PRESCRIPTION_FEE)
                    .codes(vec![F100_OTHER.into(), F100_SEVEN.into()])
                    .message(format!("処方料（その他） {F100_OTHER} F100「3」 42点 is claimed, but {} of 内服薬 (常態): F100「2」 {F100_SEVEN} 29点 applies (通知 F100 (4)); billed as claimed", counted())),
            );
        } else if !seven && claimed.contains(F100_SEVEN) {
            let why = match exempt {
                Some(e) => format!("{e} is billed (通知 A001 (11)オ(ヌ), B001-2-9 シ)"),
                None => format!("{} of 内服薬 (常態), 6種類以下", counted()),
            };
            self.findings.push(
                Finding::warning(rules::PRESCRIPTION_FEE)
                    .at(vpath.to_string())
                    .cite(rules::CITE_PRESCRIPTION_FEE)
                    .codes(vec![F100_SEVEN.into(), F100_OTHER.into()])
                    .message(format!("処方料（７種類以上内服薬） {F100_SEVEN} F100「2」 29点 is claimed, but {why}: F100「3」 {F100_OTHER} 42点 applies (通知 F100 (4)); billed as claimed")),
            );
        }
    }

    /// F200 注2 (向精神薬多剤, 80/100) needs the 抗不安薬/睡眠薬/抗うつ薬/抗精神病薬 class of each drug
    /// (通知 F100 (3)イ, 別紙36), which no 基本マスター carries: warn, never reduce.
    fn psychotropic_warning(&mut self, vpath: &str, done: &[RxDone], claimed: bool) {
        let mut flagged: Vec<&str> = done
            .iter()
            .filter(|r| matches!(r.form, RxForm::Internal | RxForm::AsNeeded))
            .flat_map(|r| r.drugs.iter())
            .filter(|(_, k)| *k == PSYCHOTROPIC_FLAG)
            .map(|(c, _)| c.as_str())
            .collect();
        flagged.sort_unstable();
        flagged.dedup();
        let why = "the 医薬品マスター marks only 麻向法 向精神薬 (項番14 = 5), not the 抗不安薬・睡眠薬・抗うつ薬・抗精神病薬 classes the rule counts (通知 F100 (3)イ, 別紙36; most 抗うつ薬 and 抗精神病薬 carry no flag), so santei cannot count them or tell which 薬剤料 to reduce";
        let message = if claimed {
            format!(
                "処方料（向精神薬多剤投与） {F100_PSYCHOTROPIC} is claimed: F200 注2 (抗不安薬等の薬剤料 × 80/100) applies, but {why}; not applied — reduce by hand (医薬品 630010005 薬剤料逓減（８０／１００）)"
            )
        } else if flagged.len() >= 3 {
            format!(
                "{} drugs flagged 向精神薬 in one 処方: F200 注2 (3種類以上の抗不安薬・睡眠薬・抗うつ薬・抗精神病薬 or 4種類以上の抗不安薬及び睡眠薬 → 80/100) and F100「1」 may apply, but {why}; not applied — check by hand",
                flagged.len()
            )
        } else {
            return;
        };
        let codes = flagged.iter().map(|c| c.to_string()).collect();
        self.findings.push(
            Finding::warning(rules::PSYCHOTROPIC_POLYPHARMACY)
                .at(vpath.to_string())
                .cite(rules::CITE_PSYCHOTROPIC)
                .codes(codes)
                .message(message),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claimed_flags_only_the_codes_asked() {
        let mut c = Claimed::default();
        c.add(F100_OTHER);
        c.add("112007410");
        c.add(COMMUNITY_ADDITIONS[1]);
        assert!(c.contains(F100_OTHER) && c.contains(COMMUNITY_ADDITIONS[1]));
        assert!(!c.contains(F100_SEVEN) && !c.contains(F100_PSYCHOTROPIC));
        assert!(
            !c.contains("112007410"),
            "a code no check asks about is not kept"
        );
    }
    use std::str::FromStr;

    fn rx(points: i64, days: u32, yen: &str, drugs: &[&str]) -> RxDone {
        RxDone {
            path: String::new(),
            form: RxForm::Internal,
            unit: 0,
            points,
            days,
            yen: Decimal::from_str(yen).unwrap(),
            drugs: drugs.iter().map(|c| (c.to_string(), 0)).collect(),
            temporary: false,
            mixed: false,
        }
    }

    #[test]
    fn kinds_per_brand_cheap_rx_and_mixed() {
        let a = rx(23, 28, "232.40", &["1", "2", "3", "4", "5"]);
        let b = rx(20, 28, "205.00", &["6", "7", "8", "9"]);
        let c = rx(24, 28, "241.60", &["1", "10"]);
        let k = count_kinds(&[&a, &b, &c]);
        // 1–5 and 10 by brand (1 twice counts once), the 205.00円 剤 as one.
        assert_eq!((k.kinds, k.brands), (7, 10));
        let mut m = rx(30, 28, "300.00", &["11", "12", "13"]);
        m.mixed = true;
        assert_eq!(count_kinds(&[&a, &m]).kinds, 6);
        // 205.01円 is above the limit: by brand.
        let d = rx(21, 28, "205.01", &["6", "7"]);
        assert_eq!(count_kinds(&[&d]).kinds, 2);
    }

    #[test]
    fn rounding_per_prescription_and_per_rx() {
        let a = rx(23, 28, "232.40", &["1"]);
        let b = rx(24, 28, "241.60", &["2"]);
        // 1316 × 0.9 = 1184.4 → 1184 (−132); per 剤: 644 → 580 (−64), 672 → 605 (−67).
        assert_eq!(
            deduction(&[&a, &b], PolypharmacyRounding::PerPrescription, false).1,
            132
        );
        assert_eq!(
            deduction(&[&a, &b], PolypharmacyRounding::PerRx, false).1,
            131
        );
        // 705 × 0.9 = 634.5 → 635 (四捨五入): −70, not 71.
        let a = rx(23, 15, "232.40", &["1"]);
        let b = rx(24, 15, "241.60", &["2"]);
        assert_eq!(
            deduction(&[&a, &b], PolypharmacyRounding::PerPrescription, false).1,
            70
        );
    }
}
