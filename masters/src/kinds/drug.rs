//! 医薬品マスター (Y): spec p.16–19. 35 columns (r04 edition) to 42 (R6 spec, 2024-10 on).

use crate::MasterKind;
use crate::error::FieldError;
use crate::field::{ChangeKind, Code, Date, EndDate, Fixed2, OptDate, Text};
use crate::record::{ColumnInfo, MasterRecord, code_at, master_record};

master_record! {
    /// One row of the 医薬品マスター.
    pub struct Drug {
        1 change_kind: ChangeKind = "変更区分",
        2 master_kind: Text = "マスター種別",
        3 code: Code = "医薬品コード",
        4 name_len: u8 = "医薬品名・規格名 漢字有効桁数",
        5 name: Text = "医薬品名・規格名 漢字名称",
        6 kana_len: u8 = "医薬品名・規格名 カナ有効桁数",
        7 kana: Text = "医薬品名・規格名 カナ名称",
        8 unit_code: u16 = "単位 コード",
        9 unit_name_len: u8 = "単位 漢字有効桁数",
        10 unit_name: Text = "単位 漢字名称",
        11 price_kind: u8 = "新又は現金額 金額種別",
        12 price: Fixed2 = "新又は現金額",
        13 reserved_13: Text = "予備",
        14 narcotic_kind: u8 = "麻薬・毒薬・覚醒剤原料・向精神薬",
        15 neurolytic: u8 = "神経破壊剤",
        16 biological: u8 = "生物学的製剤",
        17 generic: u8 = "後発品",
        18 reserved_18: Text = "予備",
        19 dental_specific: u8 = "歯科特定薬剤",
        20 contrast_agent: u8 = "造影（補助）剤",
        21 injection_volume: u32 = "注射容量",
        22 listing_method: u8 = "収載方式等識別",
        23 brand_relation: Code = "商品名等関連",
        24 old_price_kind: u8 = "旧金額 金額種別",
        25 old_price: Fixed2 = "旧金額",
        26 kanji_name_changed: u8 = "漢字名称変更区分",
        27 kana_name_changed: u8 = "カナ名称変更区分",
        28 dosage_form: u8 = "剤形",
        29 reserved_29: Text = "予備",
        30 changed_on: Date = "変更年月日",
        31 abolished_on: EndDate = "廃止年月日",
        32 price_list_code: Text = "薬価基準収載医薬品コード",
        33 publication_order: u32 = "公表順序番号",
        34 transitional_until: OptDate = "経過措置年月日又は商品名医薬品コード使用期限",
        35 base_name: Text = "基本漢字名称",
        36 listed_on: OptDate = "薬価基準収載年月日",
        37 generic_name_code: Text = "一般名コード",
        38 generic_name_rx: Text = "一般名処方の標準的な記載",
        39 generic_rx_addition: Text = "一般名処方加算対象区分",
        40 anti_hiv: Text = "抗ＨＩＶ薬区分",
        41 long_listed_relation: Code = "長期収載品関連",
        42 selective_care: u8 = "選定療養区分",
    }
}

/// 剤形 (項番28).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum DosageForm {
    /// 1 内用薬
    Internal,
    /// 3 その他
    Other,
    /// 4 注射薬
    Injection,
    /// 6 外用薬
    External,
    /// 8 歯科用薬剤
    Dental,
    Unknown(u8),
}

impl Drug {
    pub fn dosage_form(&self) -> DosageForm {
        match self.dosage_form {
            1 => DosageForm::Internal,
            3 => DosageForm::Other,
            4 => DosageForm::Injection,
            6 => DosageForm::External,
            8 => DosageForm::Dental,
            o => DosageForm::Unknown(o),
        }
    }
}

impl MasterRecord for Drug {
    const KIND: MasterKind = MasterKind::Drug;
    const COLUMNS: &'static [ColumnInfo] = Drug::COLUMN_INFO;
    const MIN_COLUMNS: usize = 35;
    const CHANGED_ON_COLUMN: usize = 30;
    const ABOLISHED_ON_COLUMN: usize = 31;

    fn from_fields(fields: &[&str]) -> Result<Self, FieldError> {
        Drug::parse_fields(fields)
    }
    fn patch(&mut self, fields: &[&str]) -> Result<(), FieldError> {
        self.patch_fields(fields)
    }
    fn values(&self) -> Vec<(&'static ColumnInfo, String)> {
        self.render_values()
    }
    fn key_of_fields(fields: &[&str]) -> Result<u32, FieldError> {
        code_at(fields, 3, "医薬品コード")
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
    fn transitional_until(&self) -> Option<Date> {
        self.transitional_until.0
    }
    // The printed name: 省略名称 where the master has one.
    #[allow(clippy::misnamed_getters)]
    fn name(&self) -> &str {
        &self.name
    }
}
