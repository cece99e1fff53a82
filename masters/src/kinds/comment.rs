//! コメントマスター (C): spec p.24–25, 30 columns. The コメントコード (項番23) is `8` + パターン (2
//! digits) + 一連番号 (6 digits); change rows leave 項番23 empty, so the key is built from 項番3–5.

use crate::MasterKind;
use crate::error::{DataError, FieldError};
use crate::field::{ChangeKind, Code, Date, EndDate, Text};
use crate::record::{ColumnInfo, MasterRecord, code_at, master_record};

master_record! {
    /// One row of the コメントマスター.
    pub struct Comment {
        1 change_kind: ChangeKind = "変更区分",
        2 master_kind: Text = "マスター種別",
        3 class: u8 = "区分",
        4 pattern: u8 = "パターン",
        5 serial: u32 = "一連番号",
        6 text_len: u16 = "コメント文 漢字有効桁数",
        7 text: Text = "コメント文 漢字名称",
        8 kana_len: u8 = "コメント文 カナ有効桁数",
        9 kana: Text = "コメント文 カナ名称",
        10 edit_1_position: u8 = "レセプト編集情報① カラム位置",
        11 edit_1_width: u8 = "レセプト編集情報① 桁数",
        12 edit_2_position: u8 = "レセプト編集情報② カラム位置",
        13 edit_2_width: u8 = "レセプト編集情報② 桁数",
        14 edit_3_position: u8 = "レセプト編集情報③ カラム位置",
        15 edit_3_width: u8 = "レセプト編集情報③ 桁数",
        16 edit_4_position: u8 = "レセプト編集情報④ カラム位置",
        17 edit_4_width: u8 = "レセプト編集情報④ 桁数",
        18 reserved_18: Text = "予備",
        19 reserved_19: Text = "予備",
        20 selectable: u8 = "選択式コメント識別",
        21 changed_on: Date = "変更年月日",
        22 abolished_on: EndDate = "廃止年月日",
        23 code: Code = "コメントコード",
        24 publication_order: u32 = "公表順序番号",
        25 reserved_25: Text = "予備",
        26 reserved_26: Text = "予備",
        27 reserved_27: Text = "予備",
        28 reserved_28: Text = "予備",
        29 reserved_29: Text = "予備",
        30 reserved_30: Text = "予備",
    }
}

fn key_from_parts(fields: &[&str]) -> Result<u32, FieldError> {
    let class = code_at(fields, 3, "区分")?;
    let pattern = code_at(fields, 4, "パターン")?;
    let serial = code_at(fields, 5, "一連番号")?;
    if class > 9 || pattern > 99 || serial > 999_999 {
        return Err(FieldError {
            column: 5,
            label: "一連番号",
            error: DataError::BadField {
                value: format!("{class}/{pattern}/{serial}"),
                expected: "区分 (1 digit), パターン (2 digits) and 一連番号 (6 digits)",
            },
        });
    }
    Ok(class * 100_000_000 + pattern * 1_000_000 + serial)
}

impl MasterRecord for Comment {
    const KIND: MasterKind = MasterKind::Comment;
    const COLUMNS: &'static [ColumnInfo] = Comment::COLUMN_INFO;
    const MIN_COLUMNS: usize = 30;
    const CHANGED_ON_COLUMN: usize = 21;
    const ABOLISHED_ON_COLUMN: usize = 22;

    fn from_fields(fields: &[&str]) -> Result<Self, FieldError> {
        let c = Comment::parse_fields(fields)?;
        let key = key_from_parts(fields)?;
        if c.code.0 != 0 && c.code.0 != key {
            return Err(FieldError {
                column: 23,
                label: "コメントコード",
                error: DataError::CommentCodeMismatch {
                    found: c.code.to_string(),
                    expected: format!("{key:09}"),
                },
            });
        }
        Ok(Comment {
            code: Code(key),
            ..c
        })
    }
    fn patch(&mut self, fields: &[&str]) -> Result<(), FieldError> {
        self.patch_fields(fields)
    }
    fn values(&self) -> Vec<(&'static ColumnInfo, String)> {
        self.render_values()
    }
    fn key_of_fields(fields: &[&str]) -> Result<u32, FieldError> {
        key_from_parts(fields)
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
        &self.text
    }
}
