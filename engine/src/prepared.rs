//! A MasterSet with the indexes the calculation needs, built once per revision so that a claim
//! only touches the rows its items can reach.

use rustc_hash::FxHashMap;
use santei_masters::{MasterSet, Procedure};
use santei_rules_dsl::{Diagnostic, RuleSet};

/// A revision ready for calculation.
pub struct Prepared {
    pub set: MasterSet,
    /// 時間外等加算 candidates by コード表 区分 (`A000`, `A001`, `A002`): codes whose 時間加算区分 is set
    /// and that are 加算 in the 点数表 (告示等識別区分（２） 7).
    pub time_additions: FxHashMap<String, Vec<u32>>,
    /// 判断料 codes (検査等実施判断区分 2) by 検査等実施判断グループ区分.
    pub judgement_fees: FxHashMap<u8, Vec<u32>>,
    /// 外来管理加算 codes (外来管理加算区分 2).
    pub outpatient_management: Vec<u32>,
    /// The compiled rules of the revision (bundled files, user files, 電子点数表).
    pub rules: RuleSet,
    /// What compiling the rules reported (warnings; errors of bundled rules that were left out).
    pub rule_diagnostics: Vec<Diagnostic>,
    /// Why this revision runs without santei's hand rules, when it does (see `revisions.rs`).
    pub rules_gap: Option<String>,
    /// 物価対応料 (r08 告示 O100): whether any row is a base item after which one is due
    /// (医科診療行為 項番132 = 2), and the 物価対応料 rows themselves (項番132 = 1) by
    /// 物価対応料グループ区分 (項番133). Built once so a claim never scans the master.
    pub price_response_bases: bool,
    pub price_response_items: FxHashMap<u32, Vec<u32>>,
    /// 入院期間加算 rows (入院基本料等減算対象識別 項番48 = 2) by the 注加算コード (項番38) they share
    /// with their 入院基本料 (engine/src/stay/mod.rs).
    pub admission_period: FxHashMap<u16, Vec<crate::stay::PeriodRow>>,
    /// 入院基本料等加算 derived from the 届出 and the 04 入院基本料テーブル (engine/src/stay/kasan.rs).
    pub stay_additions: crate::stay::kasan::Index,
}

/// `A000`-style key of a row's コード表用番号 (letter + 区分番号).
pub fn kubun_key(p: &Procedure) -> String {
    format!("{}{}", p.code_table_alpha, p.code_table_section)
}

impl Prepared {
    pub fn new(set: MasterSet) -> Prepared {
        let mut time_additions: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut judgement_fees: FxHashMap<u8, Vec<u32>> = FxHashMap::default();
        let mut outpatient_management = Vec::new();
        let mut price_response_bases = false;
        let mut price_response_items: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mut admission_period: FxHashMap<u16, Vec<crate::stay::PeriodRow>> =
            FxHashMap::default();
        let mut stay_additions = crate::stay::kasan::Index::default();
        for code in set.procedures.codes() {
            for v in set.procedures.versions(code) {
                let p = &v.record;
                if p.time_addition != 0 && p.notice_kind_2.as_char() == '7' {
                    let e = time_additions.entry(kubun_key(p)).or_default();
                    if !e.contains(&code) {
                        e.push(code);
                    }
                }
                if p.test_judgement == 2 && p.test_judgement_group != 0 {
                    let e = judgement_fees.entry(p.test_judgement_group).or_default();
                    if !e.contains(&code) {
                        e.push(code);
                    }
                }
                if p.admission_fee_reduction == 2 && p.addition_code != 0 {
                    if let Some(row) = crate::stay::PeriodRow::of(p) {
                        let e = admission_period.entry(p.addition_code).or_default();
                        if !e.contains(&row) {
                            e.push(row);
                        }
                    }
                }
                stay_additions.offer(p);
                if p.outpatient_management == 2 && !outpatient_management.contains(&code) {
                    outpatient_management.push(code);
                }
                match p.price_response {
                    Some(crate::price_response::BASE) => price_response_bases = true,
                    Some(crate::price_response::ITEM) => {
                        let e = price_response_items
                            .entry(p.price_response_group.unwrap_or(0))
                            .or_default();
                        if !e.contains(&code) {
                            e.push(code);
                        }
                    }
                    _ => {}
                }
            }
        }
        // Deterministic order, whatever the hash map's.
        for v in time_additions.values_mut() {
            v.sort_unstable();
        }
        for v in judgement_fees.values_mut() {
            v.sort_unstable();
        }
        outpatient_management.sort_unstable();
        for v in price_response_items.values_mut() {
            v.sort_unstable();
        }
        for v in admission_period.values_mut() {
            v.sort_unstable_by_key(|r| (r.code, r.lo));
        }
        stay_additions.sort();
        Prepared {
            set,
            time_additions,
            judgement_fees,
            outpatient_management,
            rules: RuleSet::default(),
            rule_diagnostics: Vec::new(),
            rules_gap: None,
            price_response_bases,
            price_response_items,
            admission_period,
            stay_additions,
        }
    }
}
