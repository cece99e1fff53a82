//! Stable ids and citations of the rules the point engine applies. An id outlives its
//! implementation: never reuse or renumber one (docs/FINDINGS.md lists them for people).

// Input and master rules.
pub const UNKNOWN_CODE: &str = "MST-001.unknown-code";
pub const BAD_QUANTITY: &str = "MST-002.bad-quantity";
pub const INPATIENT_ONLY: &str = "MST-003.inpatient-only";
pub const FACILITY_KIND: &str = "MST-004.hospital-or-clinic";
pub const BED_COUNT: &str = "MST-005.bed-count";
pub const FACILITY_STANDARD: &str = "MST-006.facility-standard";
pub const AGE_LIMIT: &str = "MST-007.age-limit";
pub const SCHEME: &str = "MST-008.late-elderly-scheme";
pub const UNSUPPORTED_POINT_KIND: &str = "MST-009.unsupported-price-kind";
pub const LINK_MISSING: &str = "MST-010.linked-code-missing";
pub const OUTPATIENT_ONLY: &str = "MST-011.outpatient-only";
pub const UNKNOWN_DISEASE: &str = "MST-013.unknown-disease";
pub const ADDITION_WITHOUT_BASE: &str = "MST-014.addition-without-base";
/// The claim's revision was computed with an excerpt of its masters.
pub const PARTIAL_MASTERS: &str = "MST-012.partial-masters";

// 入院 claims: what santei does not compute for them yet.
pub const INPATIENT_PARTIAL: &str = "INP-701.inpatient-partial";

// Additions and monthly items.
pub const AGE_ADDITION: &str = "BAS-101.age-addition";
pub const TIME_ADDITION: &str = "BAS-102.time-addition";
pub const OUTPATIENT_MANAGEMENT: &str = "BAS-103.outpatient-management";
pub const HOLIDAY_CALENDAR: &str = "BAS-104.not-a-holiday";
pub const JUDGEMENT_FEE: &str = "TST-201.judgement-fee";
pub const BUNDLING: &str = "TST-202.test-bundling";
pub const BUNDLING_UNKNOWN: &str = "TST-203.test-bundling-not-tabled";

// Drugs and materials.
pub const RX_DAYS: &str = "DRG-301.rx-days";
pub const DOSAGE_FORM: &str = "DRG-302.dosage-form";
pub const POLYPHARMACY: &str = "DRG-303.seven-or-more-internal";
pub const PSYCHOTROPIC_POLYPHARMACY: &str = "DRG-304.psychotropic-polypharmacy";
pub const PRESCRIPTION_FEE: &str = "DRG-305.prescription-fee-kind";
pub const TEMPORARY_RX: &str = "DRG-306.temporary-rx";
pub const MATERIAL_PRICE: &str = "MAT-401.material-price";

// Outcomes of the rule files and the 電子点数表 (the finding's `rule_id` names the rule).
/// The claim's revision runs without santei's hand rules (engine/src/revisions.rs).
pub const REVISION_WITHOUT_RULES: &str = "RUL-500.revision-without-rules";
pub const RULE_EXCLUSION: &str = "RUL-501.exclusion";
pub const RULE_INCLUSION: &str = "RUL-502.inclusion";
pub const RULE_LIMIT: &str = "RUL-503.count-limit";
pub const RULE_REQUIREMENT: &str = "RUL-504.requirement";
pub const RULE_ADDITION: &str = "RUL-505.addition";

pub const CITE_ADDITION_BASE: &str = "医科診療行為マスター 項番38 注加算コード / 項番39 注加算通番 (0 = the base item, 1–9・A–Z = its 注加算): a 注加算 is added to the 所定点数 of its base (告示: 「…所定点数に加算する」)";
pub const CITE_MASTER: &str =
    "医科診療行為・医薬品・特定器材・コメントマスター (支払基金 基本マスター)";
pub const CITE_INOUT: &str =
    "医科診療行為マスター 項番13 入外適用区分 / 項番15 点数集計先識別（入院外）";
pub const CITE_INPATIENT: &str =
    "医科診療行為マスター 項番13 入外適用区分 / 項番66 点数集計先識別（入院）";
pub const CITE_INPATIENT_PARTIAL: &str = "告示 第1章第2部 入院料等 (通則, 第1節–第5節 各区分の注, 入院期間による区分; 第2節 A200–A252 の注; 第3節 A308 注3, A308-3 注7); 通知 第1章第2部 通則8 (入院初日 = 起算日); 入院時食事療養費に係る食事療養及び生活療養の費用の額の算定に関する基準; 告示 F200 注1・注2; 通知 F200 (6)ア (注3 は外来の場合に限る)";
pub const CITE_HOSPITAL_CLINIC: &str = "医科診療行為マスター 項番19 病院・診療所区分";
pub const CITE_BED_COUNT: &str =
    "医科診療行為マスター 項番71 病床数区分; 告示 A001 (200床未満), A002 (200床以上)";
pub const CITE_FACILITY_STANDARD: &str = "医科診療行為マスター 項番72–81 施設基準コード";
pub const CITE_AGE: &str =
    "医科診療行為マスター 項番41/42 下限・上限年齢; 特定器材マスター 項番15/16";
pub const CITE_SCHEME: &str = "医科診療行為マスター 項番14 後期高齢者医療適用区分";
pub const CITE_AGE_LINK: &str = "医科診療行為マスター 項番100–111 年齢加算";
pub const CITE_INFANT_WITH_TIME: &str = "告示 A000 注6 ただし書 (注7・注8), A001 注4 ただし書 (注5・注6), A002 注7 ただし書 (注8・注9) (r06 kokuji_ika.txt l.165–167, 235–237, 392–394): 時間外・休日・深夜加算 (6歳未満の点数) 又は小児科の夜間等加算を算定する場合は乳幼児加算を算定しない";
pub const CITE_OUTPATIENT_MANAGEMENT: &str =
    "告示 A001 注8; 通知 A001 (7); 医科診療行為マスター 項番56 外来管理加算区分";
pub const CITE_JUDGEMENT: &str =
    "告示 D026 (各区分 月1回); 医科診療行為マスター 項番50/51 検査等実施判断区分・グループ区分";
pub const CITE_BUNDLING: &str = "医科診療行為マスター 項番16 包括対象検査; 告示 各区分の注 (患者から1回に採取した血液を用いて…)";
pub const CITE_DRUG: &str =
    "告示 F200 薬剤: 15円以下は1点、15円を超える場合は10円又はその端数を増すごとに1点 (五捨五超入)";
pub const CITE_INJECTION_DRUG: &str =
    "告示 G100 薬剤: 15円以下は1点、超える場合は10円又はその端数を増すごとに1点";
pub const CITE_DRUG_ZERO: &str = "告示 J300/D500/E300 薬剤: 薬価が15円以下である場合は算定しない";
pub const CITE_POLYPHARMACY: &str = "告示 F200 注3 (7種類以上の内服薬 → 100分の90); 通知 F200 (6)ア–オ (種類の数え方, 所定点数 = 1処方の全ての内服薬の薬剤料, 臨時の除外); 医薬品マスター 630010002 薬剤料逓減（９０／１００）（内服薬） (金額種別 7 減点; マスターファイル仕様説明書 R6 (3) 項番4)";
pub const CITE_PSYCHOTROPIC: &str = "告示 F200 注2, F100 1; 通知 F100 (3) (向精神薬多剤投与, 種類は一般名・別紙36); 医薬品マスター 項番14 (向精神薬 = 5 only)";
pub const CITE_PRESCRIPTION_FEE: &str = "告示 F100 2 (29点) / 3 (42点); 通知 F100 (4) (内服薬の種類は F200 注3 と同様, 6種類以下は「3」)";
pub const CITE_TEMPORARY: &str =
    "告示 F200 注3 (臨時の投薬であって投薬期間が2週間以内のもの); 通知 F200 (6)ウ・エ";
pub const CITE_MATERIAL: &str = "告示 F300/G200/J400/K950 等: 材料価格を10円で除して得た点数 (四捨五入; 特定保険医療材料の材料価格算定に関する留意事項)";

/// The 数量データ of a rule item ([`santei_rules_dsl::Item::quantity`]), read one way by the claim
/// engine (rules_stage.rs) and the UKE recalculation: whole units only. A fractional or negative
/// 数量, or one past u32, is no count of units and answers no 数量 condition (UKE 記録条件仕様: the
/// SI 数量データ is a whole number, N8).
#[inline]
pub(crate) fn item_quantity(q: Option<rust_decimal::Decimal>) -> Option<u32> {
    use rust_decimal::prelude::ToPrimitive;
    q.filter(|q| q.fract().is_zero()).and_then(|q| q.to_u32())
}

/// The facts a rule asks about a patient and a facility ([`santei_rules_dsl::Subject`]), built in
/// one place for the claim engine (rules_stage.rs, from the claim) and the UKE recalculation (from
/// the RE record and the run's facility facts). `facility`: 病院・診療所, 許可病床数, 施設基準 届出
/// codes; `disease_specific`: 特定疾患等対象区分 of the 傷病名 (傷病名マスター 項番21); `comments`:
/// (date, コメントコード).
pub(crate) fn subject<'a>(
    birth: santei_masters::Date,
    female: bool,
    inpatient: bool,
    facility: (crate::claim::FacilityKind, u32, &'a [u16]),
    disease_specific: &'a [u8],
    comments: &'a [(santei_masters::Date, u32)],
) -> santei_rules_dsl::Subject<'a> {
    use santei_rules_dsl::ast;
    let (kind, beds, standards) = facility;
    santei_rules_dsl::Subject {
        birth,
        sex: if female {
            ast::Sex::Female
        } else {
            ast::Sex::Male
        },
        setting: if inpatient {
            ast::Setting::Inpatient
        } else {
            ast::Setting::Outpatient
        },
        facility: match kind {
            crate::claim::FacilityKind::Clinic => ast::FacilityKind::Clinic,
            crate::claim::FacilityKind::Hospital => ast::FacilityKind::Hospital,
        },
        beds,
        standards,
        disease_specific,
        comments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use santei_rules_dsl::ast;

    #[test]
    fn a_rule_item_quantity_is_whole_units_only() {
        let d = |s: &str| Some(s.parse::<rust_decimal::Decimal>().unwrap());
        assert_eq!(item_quantity(d("3")), Some(3));
        assert_eq!(item_quantity(d("3.00")), Some(3));
        assert_eq!(item_quantity(d("0")), Some(0));
        assert_eq!(item_quantity(d("1.5")), None);
        assert_eq!(item_quantity(d("-2")), None);
        assert_eq!(item_quantity(d("4294967296")), None);
        assert_eq!(item_quantity(None), None);
    }

    #[test]
    fn one_subject_for_claims_and_receipts() {
        let birth = santei_masters::Date::parse_iso("2023-05-01").unwrap();
        let standards = [3526u16];
        let s = subject(
            birth,
            true,
            false,
            (crate::claim::FacilityKind::Hospital, 199, &standards),
            &[],
            &[],
        );
        assert_eq!(s.sex, ast::Sex::Female);
        assert_eq!(s.setting, ast::Setting::Outpatient);
        assert_eq!(s.facility, ast::FacilityKind::Hospital);
        assert_eq!((s.birth, s.beds, s.standards), (birth, 199, &standards[..]));
        let s = subject(
            birth,
            false,
            true,
            (crate::claim::FacilityKind::Clinic, 0, &[]),
            &[],
            &[],
        );
        assert_eq!(
            (s.sex, s.setting, s.facility),
            (
                ast::Sex::Male,
                ast::Setting::Inpatient,
                ast::FacilityKind::Clinic
            )
        );
    }
}
