//! 医科診療行為マスター (S): all 150 columns of the official layout (R6 活用手引き pp.10–14,
//! ../shared/docs/MASTER_S_LAYOUT.md), with the R8 (2026-06) meanings of 項番132–137.

use crate::MasterKind;
use crate::error::FieldError;
use crate::field::{AgeCode, ChangeKind, Char, Code, Date, EndDate, Fixed2, Text};
use crate::record::{ColumnInfo, MasterRecord, code_at, master_record};

master_record! {
    /// One row of the 医科診療行為マスター.
    pub struct Procedure {
        1 change_kind: ChangeKind = "変更区分",
        2 master_kind: Text = "マスター種別",
        3 code: Code = "診療行為コード",
        4 abbr_name_len: u8 = "省略漢字有効桁数",
        5 abbr_name: Text = "省略漢字名称",
        6 abbr_kana_len: u8 = "省略カナ有効桁数",
        7 abbr_kana: Text = "省略カナ名称",
        8 data_unit_code: u16 = "データ規格コード",
        9 data_unit_name_len: u8 = "データ規格漢字有効桁数",
        10 data_unit_name: Text = "データ規格漢字名称",
        11 point_kind: u8 = "点数識別（新又は現点数）",
        12 points: Fixed2 = "新又は現点数",
        13 inout_applicability: u8 = "入外適用区分",
        14 late_elderly_applicability: u8 = "後期高齢者医療適用区分",
        15 aggregation_outpatient: u16 = "点数集計先識別（入院外）",
        16 bundled_test_group: u8 = "包括対象検査",
        17 reserved_17: Text = "予備",
        18 dpc_applicability: u8 = "DPC適用区分",
        19 hospital_clinic: u8 = "病院・診療所区分",
        20 image_surgery_support: u8 = "画像等手術支援加算",
        21 medical_observation_act: u8 = "医療観察法対象区分",
        22 nursing_addition: u8 = "看護加算",
        23 anesthesia_kind: u8 = "麻酔識別区分",
        24 reserved_24: Text = "予備",
        25 disease_relation: u8 = "傷病名関連区分",
        26 reserved_26: Text = "予備",
        27 actual_days: u8 = "実日数",
        28 days_times: u8 = "日数・回数",
        29 drug_relation: u8 = "医薬品関連区分",
        30 step_calc: u8 = "きざみ計算識別",
        31 step_lower: u32 = "きざみ値 下限値",
        32 step_upper: u32 = "きざみ値 上限値",
        33 step_size: u32 = "きざみ値",
        34 step_points: Fixed2 = "きざみ点数",
        35 step_bound_error: u8 = "きざみ値 上下限エラー処理",
        36 max_count: u16 = "上限回数",
        37 max_count_error: u8 = "上限回数エラー処理",
        38 addition_code: u16 = "注加算コード",
        39 addition_serial: Char = "注加算通番",
        40 general_age: u8 = "通則年齢",
        41 min_age: AgeCode = "下限年齢",
        42 max_age: AgeCode = "上限年齢",
        43 time_addition: u8 = "時間加算区分",
        44 standard_conformity: u8 = "基準適合識別 適合区分",
        45 standard_conformity_facility: u16 = "基準適合識別 対象施設基準",
        46 treatment_infant_addition: u8 = "処置乳幼児加算区分",
        47 low_birth_weight_addition: u8 = "極低出生体重児加算区分",
        48 admission_fee_reduction: u8 = "入院基本料等減算対象識別",
        49 donor_aggregation: u8 = "ドナー集計区分",
        50 test_judgement: u8 = "検査等実施判断区分",
        51 test_judgement_group: u8 = "検査等実施判断グループ区分",
        52 diminishing: u8 = "逓減対象区分",
        53 spinal_evoked_potential: u8 = "脊髄誘発電位測定等加算区分",
        54 neck_dissection: u8 = "頸部郭清術併施加算区分",
        55 auto_suture: u8 = "自動縫合器加算区分",
        56 outpatient_management: u8 = "外来管理加算区分",
        57 old_point_kind: u8 = "点数識別（旧点数）",
        58 old_points: Fixed2 = "旧点数",
        59 kanji_name_changed: u8 = "漢字名称変更区分",
        60 kana_name_changed: u8 = "カナ名称変更区分",
        61 specimen_comment: u8 = "検体検査コメント",
        62 general_addition_base: u8 = "通則加算所定点数対象識別",
        63 bundled_diminishing: u16 = "包括逓減区分",
        64 endoscopic_ultrasound: u8 = "超音波内視鏡検査加算区分",
        65 reserved_65: Text = "予備",
        66 aggregation_inpatient: u16 = "点数集計先識別（入院）",
        67 auto_anastomosis: u8 = "自動吻合器加算区分",
        68 notice_kind_1: Char = "告示等識別区分（１）",
        69 notice_kind_2: Char = "告示等識別区分（２）",
        70 regional_addition: u8 = "地域加算",
        71 bed_count_class: u8 = "病床数区分",
        72 facility_standard_1: u16 = "施設基準コード（１）",
        73 facility_standard_2: u16 = "施設基準コード（２）",
        74 facility_standard_3: u16 = "施設基準コード（３）",
        75 facility_standard_4: u16 = "施設基準コード（４）",
        76 facility_standard_5: u16 = "施設基準コード（５）",
        77 facility_standard_6: u16 = "施設基準コード（６）",
        78 facility_standard_7: u16 = "施設基準コード（７）",
        79 facility_standard_8: u16 = "施設基準コード（８）",
        80 facility_standard_9: u16 = "施設基準コード（９）",
        81 facility_standard_10: u16 = "施設基準コード（１０）",
        82 ultrasonic_coagulation: u8 = "超音波凝固切開装置等加算区分",
        83 short_stay_surgery: u8 = "短期滞在手術",
        84 dental_applicability: u8 = "歯科適用区分",
        85 code_table_alpha: Text = "コード表用番号（アルファベット部）",
        86 notice_alpha: Text = "告示・通知関連番号（アルファベット部）",
        87 changed_on: Date = "変更年月日",
        88 abolished_on: EndDate = "廃止年月日",
        89 publication_order: u32 = "公表順序番号",
        90 code_table_chapter: Text = "コード表用番号 章",
        91 code_table_part: Text = "コード表用番号 部",
        92 code_table_section: Text = "コード表用番号 区分番号",
        93 code_table_branch: Text = "コード表用番号 枝番",
        94 code_table_item: Text = "コード表用番号 項番",
        95 notice_chapter: Text = "告示・通知関連番号 章",
        96 notice_part: Text = "告示・通知関連番号 部",
        97 notice_section: Text = "告示・通知関連番号 区分番号",
        98 notice_branch: Text = "告示・通知関連番号 枝番",
        99 notice_item: Text = "告示・通知関連番号 項番",
        100 age_addition_1_min: AgeCode = "年齢加算（１）下限年齢",
        101 age_addition_1_max: AgeCode = "年齢加算（１）上限年齢",
        102 age_addition_1_code: Code = "年齢加算（１）注加算診療行為コード",
        103 age_addition_2_min: AgeCode = "年齢加算（２）下限年齢",
        104 age_addition_2_max: AgeCode = "年齢加算（２）上限年齢",
        105 age_addition_2_code: Code = "年齢加算（２）注加算診療行為コード",
        106 age_addition_3_min: AgeCode = "年齢加算（３）下限年齢",
        107 age_addition_3_max: AgeCode = "年齢加算（３）上限年齢",
        108 age_addition_3_code: Code = "年齢加算（３）注加算診療行為コード",
        109 age_addition_4_min: AgeCode = "年齢加算（４）下限年齢",
        110 age_addition_4_max: AgeCode = "年齢加算（４）上限年齢",
        111 age_addition_4_code: Code = "年齢加算（４）注加算診療行為コード",
        112 related_code: Code = "異動関連",
        113 base_name: Text = "基本漢字名称",
        114 sinus_endoscope: u8 = "副鼻腔手術用内視鏡加算",
        115 sinus_bone_cutter: u8 = "副鼻腔手術用骨軟部組織切除機器加算",
        116 long_anesthesia: u8 = "長時間麻酔管理加算",
        117 section_number: Text = "点数表区分番号",
        118 hemodynamic_monitoring: u8 = "モニタリング加算",
        119 frozen_tissue: u8 = "凍結保存同種組織加算",
        120 malignant_pathology: u8 = "悪性腫瘍病理組織標本加算",
        121 external_fixator: u8 = "創外固定器加算",
        122 ultrasonic_cutting: u8 = "超音波切削機器加算",
        123 left_atrial_appendage: u8 = "左心耳閉鎖術併施区分",
        124 outpatient_infection: Option<Char> = "外来感染対策向上加算等",
        125 ent_infant: Option<u8> = "耳鼻咽喉科乳幼児処置加算",
        126 ent_antibiotic: Option<u8> = "耳鼻咽喉科小児抗菌薬適正使用支援加算",
        127 negative_pressure_wound: Option<u8> = "切開創局所陰圧閉鎖処置機器加算",
        128 nursing_staff_wage: Option<u8> = "看護職員処遇改善評価料等",
        129 base_up_1: Option<u8> = "外来・在宅ベースアップ評価料（１）",
        130 base_up_2: Option<u8> = "外来・在宅ベースアップ評価料（２）",
        131 reprocessed_sud: Option<u16> = "再製造単回使用医療機器使用加算",
        // 項番124–131 were empty 予備 before the R4/R6 editions, so they are optional.
        132 price_response: Option<u32> = "物価対応料区分（R8）",
        133 price_response_group: Option<u32> = "物価対応料グループ区分（R8）",
        134 organ_transplant_system: Option<u32> = "臓器移植実施体制確保加算（R8）",
        135 robotic_surgery: Option<u32> = "内視鏡手術用支援機器加算（R8）",
        136 remote_eprescription: Option<u32> = "遠隔電子処方箋活用加算等（R8）",
        137 surgery_security: Option<u32> = "外科医療確保特別加算（R8）",
        138 reserved_138: Text = "予備",
        139 reserved_139: Text = "予備",
        140 reserved_140: Text = "予備",
        141 reserved_141: Text = "予備",
        142 reserved_142: Text = "予備",
        143 reserved_143: Text = "予備",
        144 reserved_144: Text = "予備",
        145 reserved_145: Text = "予備",
        146 reserved_146: Text = "予備",
        147 reserved_147: Text = "予備",
        148 reserved_148: Text = "予備",
        149 reserved_149: Text = "予備",
        150 reserved_150: Text = "予備",
    }
}

/// 点数識別 (項番11/57): how 新又は現点数 is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PointKind {
    /// 1 金額 (円)
    Yen,
    /// 3 点数 (プラス)
    Points,
    /// 4 都道府県購入価格 (点数)
    PrefecturalPurchasePrice,
    /// 5 %加算
    PercentAdd,
    /// 6 %減算
    PercentSubtract,
    /// 7 減点診療行為
    Deduction,
    /// 8 点数 (マイナス)
    MinusPoints,
    /// Any other code, kept so that nothing is lost.
    Other(u8),
}

impl PointKind {
    pub fn from_code(c: u8) -> PointKind {
        match c {
            1 => PointKind::Yen,
            3 => PointKind::Points,
            4 => PointKind::PrefecturalPurchasePrice,
            5 => PointKind::PercentAdd,
            6 => PointKind::PercentSubtract,
            7 => PointKind::Deduction,
            8 => PointKind::MinusPoints,
            other => PointKind::Other(other),
        }
    }
}

impl Procedure {
    /// 点数識別 as an enum.
    pub fn point_kind(&self) -> PointKind {
        PointKind::from_code(self.point_kind)
    }

    /// The 施設基準コード columns (項番72–81) that are set.
    pub fn facility_standards(&self) -> impl Iterator<Item = u16> + '_ {
        [
            self.facility_standard_1,
            self.facility_standard_2,
            self.facility_standard_3,
            self.facility_standard_4,
            self.facility_standard_5,
            self.facility_standard_6,
            self.facility_standard_7,
            self.facility_standard_8,
            self.facility_standard_9,
            self.facility_standard_10,
        ]
        .into_iter()
        .filter(|&c| c != 0)
    }

    /// The 年齢加算 links (項番100–111) that are set: (下限年齢, 上限年齢, 注加算診療行為コード).
    pub fn age_additions(&self) -> impl Iterator<Item = (AgeCode, AgeCode, Code)> + '_ {
        [
            (
                self.age_addition_1_min,
                self.age_addition_1_max,
                self.age_addition_1_code,
            ),
            (
                self.age_addition_2_min,
                self.age_addition_2_max,
                self.age_addition_2_code,
            ),
            (
                self.age_addition_3_min,
                self.age_addition_3_max,
                self.age_addition_3_code,
            ),
            (
                self.age_addition_4_min,
                self.age_addition_4_max,
                self.age_addition_4_code,
            ),
        ]
        .into_iter()
        .filter(|(_, _, c)| c.0 != 0)
    }
}

impl MasterRecord for Procedure {
    const KIND: MasterKind = MasterKind::Procedure;
    const COLUMNS: &'static [ColumnInfo] = Procedure::COLUMN_INFO;
    const MIN_COLUMNS: usize = 150;
    const CHANGED_ON_COLUMN: usize = 87;
    const ABOLISHED_ON_COLUMN: usize = 88;

    fn from_fields(fields: &[&str]) -> Result<Self, FieldError> {
        Procedure::parse_fields(fields)
    }
    fn patch(&mut self, fields: &[&str]) -> Result<(), FieldError> {
        self.patch_fields(fields)
    }
    fn values(&self) -> Vec<(&'static ColumnInfo, String)> {
        self.render_values()
    }
    fn key_of_fields(fields: &[&str]) -> Result<u32, FieldError> {
        code_at(fields, 3, "診療行為コード")
    }
    fn key(&self) -> u32 {
        self.code.0
    }
    fn change_kind(&self) -> ChangeKind {
        self.change_kind
    }
    fn changed_on(&self) -> Option<Date> {
        Some(self.changed_on)
    }
    fn abolished_on(&self) -> EndDate {
        self.abolished_on
    }
    // The printed name: 省略名称 where the master has one.
    #[allow(clippy::misnamed_getters)]
    fn name(&self) -> &str {
        &self.abbr_name
    }
}
