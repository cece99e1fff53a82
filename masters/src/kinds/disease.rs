//! 傷病名マスター (B): spec p.7–11, 46 columns. The 7-digit 傷病名コード keeps its leading zeros.

use crate::MasterKind;
use crate::error::FieldError;
use crate::field::{ChangeKind, Date, EndDate, OptDate, Text};
use crate::record::{ColumnInfo, MasterRecord, code_at, master_record};

master_record! {
    /// One row of the 傷病名マスター.
    pub struct Disease {
        1 change_kind: ChangeKind = "変更区分",
        2 master_kind: Text = "マスター種別",
        3 code: Text = "傷病名コード",
        4 successor_code: Text = "移行先コード",
        5 name_len: u8 = "傷病名基本名称桁数",
        6 name: Text = "傷病名基本名称",
        7 abbr_name_len: u8 = "傷病名省略名称桁数",
        8 abbr_name: Text = "傷病名省略名称",
        9 kana_len: u8 = "傷病名カナ名称桁数",
        10 kana: Text = "傷病名カナ名称",
        11 management_number: Text = "病名管理番号",
        12 adoption_class: Text = "採択区分",
        13 exchange_code: Text = "病名交換用コード",
        14 reserved_14: Text = "予備",
        15 reserved_15: Text = "予備",
        16 icd10_1: Text = "ＩＣＤ－１０－１（２０１３）",
        17 icd10_2: Text = "ＩＣＤ－１０－２（２０１３）",
        18 reserved_18: Text = "予備",
        19 standalone_prohibited: Text = "単独使用禁止区分",
        20 non_billable: u8 = "保険請求外区分",
        21 specific_disease: Text = "特定疾患等対象区分",
        22 listed_on: OptDate = "収載年月日",
        23 changed_on: OptDate = "変更年月日",
        24 abolished_on: EndDate = "廃止年月日",
        25 name_changed: u8 = "傷病名基本名称（変更情報）",
        26 abbr_name_changed: u8 = "傷病名省略名称（変更情報）",
        27 kana_changed: u8 = "傷病名カナ名称（変更情報）",
        28 adoption_class_changed: u8 = "採択区分（変更情報）",
        29 exchange_code_changed: u8 = "病名交換用コード（変更情報）",
        30 reserved_30: Text = "予備",
        31 reserved_31: Text = "予備",
        32 dental_abbr_name_changed: u8 = "歯科傷病名省略名称（変更情報）",
        33 intractable_outpatient_changed: u8 = "難病外来対象区分（変更情報）",
        34 dental_specific_changed: u8 = "歯科特定疾患対象区分（変更情報）",
        35 standalone_prohibited_changed: u8 = "単独使用禁止区分（変更情報）",
        36 non_billable_changed: u8 = "保険請求外区分（変更情報）",
        37 specific_disease_changed: u8 = "特定疾患等対象区分（変更情報）",
        38 successor_management_number: Text = "移行先病名管理番号",
        39 dental_abbr_name: Text = "歯科傷病名省略名称",
        40 reserved_40: Text = "予備",
        41 reserved_41: Text = "予備",
        42 dental_abbr_name_len: u8 = "歯科傷病名省略名称桁数",
        43 intractable_outpatient: Text = "難病外来対象区分",
        44 dental_specific: Text = "歯科特定疾患対象区分",
        45 icd10_1_changed: u8 = "ＩＣＤ－１０－１（２０１３）（変更情報）",
        46 icd10_2_changed: u8 = "ＩＣＤ－１０－２（２０１３）（変更情報）",
    }
}

impl MasterRecord for Disease {
    const KIND: MasterKind = MasterKind::Disease;
    const COLUMNS: &'static [ColumnInfo] = Disease::COLUMN_INFO;
    const MIN_COLUMNS: usize = 46;
    const CHANGED_ON_COLUMN: usize = 23;
    const ABOLISHED_ON_COLUMN: usize = 24;

    fn from_fields(fields: &[&str]) -> Result<Self, FieldError> {
        Self::key_of_fields(fields)?;
        Disease::parse_fields(fields)
    }
    fn patch(&mut self, fields: &[&str]) -> Result<(), FieldError> {
        self.patch_fields(fields)
    }
    fn values(&self) -> Vec<(&'static ColumnInfo, String)> {
        self.render_values()
    }
    fn key_of_fields(fields: &[&str]) -> Result<u32, FieldError> {
        code_at(fields, 3, "傷病名コード")
    }
    fn key(&self) -> u32 {
        self.code.parse().unwrap_or(0)
    }
    fn change_kind(&self) -> ChangeKind {
        self.change_kind
    }
    fn changed_on(&self) -> Option<Date> {
        self.changed_on.0.or(self.listed_on.0)
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
