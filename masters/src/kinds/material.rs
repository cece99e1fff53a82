//! 特定器材マスター (T): spec p.20–23. 37 columns (r04 edition) or 38 (R6).

use crate::MasterKind;
use crate::error::FieldError;
use crate::field::{ChangeKind, Code, Date, EndDate, Fixed2, OptDate, Text};
use crate::record::{ColumnInfo, MasterRecord, code_at, master_record};

master_record! {
    /// One row of the 特定器材マスター.
    pub struct Material {
        1 change_kind: ChangeKind = "変更区分",
        2 master_kind: Text = "マスター種別",
        3 code: Code = "特定器材コード",
        4 name_len: u8 = "特定器材名・規格名 漢字有効桁数",
        5 name: Text = "特定器材名・規格名 漢字名称",
        6 kana_len: u8 = "特定器材名・規格名 カナ有効桁数",
        7 kana: Text = "特定器材名・規格名 カナ名称",
        8 unit_code: u16 = "単位 コード",
        9 unit_name_len: u8 = "単位 漢字有効桁数",
        10 unit_name: Text = "単位 漢字名称",
        11 price_kind: u8 = "新又は現金額 金額種別",
        12 price: Fixed2 = "新又は現金額",
        13 reserved_13: Text = "予備",
        14 age_addition: u8 = "年齢加算区分",
        15 min_age: Text = "上下限年齢 下限年齢",
        16 max_age: Text = "上下限年齢 上限年齢",
        17 old_price_kind: u8 = "旧金額 金額種別",
        18 old_price: Fixed2 = "旧金額",
        19 kanji_name_changed: u8 = "漢字名称変更区分",
        20 kana_name_changed: u8 = "カナ名称変更区分",
        21 oxygen_kind: u8 = "酸素等区分",
        22 material_kind: u8 = "特定器材種別",
        23 price_cap: u8 = "上限価格",
        24 point_cap: u32 = "上限点数",
        25 reserved_25: Text = "予備",
        26 publication_order: u32 = "公表順序番号",
        27 successor_code: Code = "廃止・新設関連",
        28 changed_on: Date = "変更年月日",
        29 transitional_until: OptDate = "経過措置年月日",
        30 abolished_on: EndDate = "廃止年月日",
        31 notice_table: u8 = "告示番号 別表番号",
        32 notice_section: Text = "告示番号 区分番号",
        33 dpc_applicability: u8 = "ＤＰＣ適用区分",
        34 reserved_34: Text = "予備",
        35 reserved_35: Text = "予備",
        36 reserved_36: Text = "予備",
        37 base_name: Text = "基本漢字名称",
        38 reprocessed_sud: u16 = "再製造単回使用医療機器",
    }
}

impl MasterRecord for Material {
    const KIND: MasterKind = MasterKind::Material;
    const COLUMNS: &'static [ColumnInfo] = Material::COLUMN_INFO;
    const MIN_COLUMNS: usize = 37;
    const CHANGED_ON_COLUMN: usize = 28;
    const ABOLISHED_ON_COLUMN: usize = 30;

    fn from_fields(fields: &[&str]) -> Result<Self, FieldError> {
        Material::parse_fields(fields)
    }
    fn patch(&mut self, fields: &[&str]) -> Result<(), FieldError> {
        self.patch_fields(fields)
    }
    fn values(&self) -> Vec<(&'static ColumnInfo, String)> {
        self.render_values()
    }
    fn key_of_fields(fields: &[&str]) -> Result<u32, FieldError> {
        code_at(fields, 3, "特定器材コード")
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
