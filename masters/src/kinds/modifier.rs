//! 修飾語マスター (Z): spec p.12–13, 19 columns. 修飾語区分 is the 2nd character of 項番19.

use crate::MasterKind;
use crate::error::FieldError;
use crate::field::{ChangeKind, Date, EndDate, OptDate, Text};
use crate::record::{ColumnInfo, MasterRecord, code_at, master_record};

master_record! {
    /// One row of the 修飾語マスター.
    pub struct Modifier {
        1 change_kind: ChangeKind = "変更区分",
        2 master_kind: Text = "マスター種別",
        3 code: Text = "修飾語コード",
        4 reserved_4: Text = "予備",
        5 reserved_5: Text = "予備",
        6 name_len: u8 = "修飾語名称桁数",
        7 name: Text = "修飾語名称",
        8 reserved_8: Text = "予備",
        9 kana_len: u8 = "修飾語カナ名称桁数",
        10 kana: Text = "修飾語カナ名称",
        11 reserved_11: Text = "予備",
        12 name_changed: u8 = "修飾語名称（変更情報）",
        13 kana_changed: u8 = "修飾語カナ名称（変更情報）",
        14 listed_on: OptDate = "収載年月日",
        15 changed_on: OptDate = "変更年月日",
        16 abolished_on: EndDate = "廃止年月日",
        17 management_number: Text = "修飾語管理番号",
        18 exchange_code: Text = "修飾語交換用コード",
        19 modifier_class: Text = "修飾語区分",
    }
}

impl Modifier {
    /// True for 接尾語 (codes 8000–8999).
    pub fn is_suffix(&self) -> bool {
        self.code.starts_with('8')
    }
}

impl MasterRecord for Modifier {
    const KIND: MasterKind = MasterKind::Modifier;
    const COLUMNS: &'static [ColumnInfo] = Modifier::COLUMN_INFO;
    const MIN_COLUMNS: usize = 19;
    const CHANGED_ON_COLUMN: usize = 15;
    const ABOLISHED_ON_COLUMN: usize = 16;

    fn from_fields(fields: &[&str]) -> Result<Self, FieldError> {
        Self::key_of_fields(fields)?;
        Modifier::parse_fields(fields)
    }
    fn patch(&mut self, fields: &[&str]) -> Result<(), FieldError> {
        self.patch_fields(fields)
    }
    fn values(&self) -> Vec<(&'static ColumnInfo, String)> {
        self.render_values()
    }
    fn key_of_fields(fields: &[&str]) -> Result<u32, FieldError> {
        code_at(fields, 3, "修飾語コード")
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
        &self.name
    }
}
