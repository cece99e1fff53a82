//! santei-masters: loads the official 支払基金 基本マスター (医科診療行為, 医薬品, 特定器材, コメント,
//! 傷病名, 修飾語) and the 医科電子点数表 exactly as published: CP932 decoded strictly, every column
//! typed and named, every row dated, change files applied in date order. Errors name the file,
//! line and column; nothing panics on bad input.
//!
//! ```no_run
//! use santei_masters::{Date, MasterSet};
//! let set = MasterSet::load("../shared/masters/r06")?;
//! let shoshin = set.procedures.get(111000110, Date::parse_iso("2024-06-01").unwrap()).unwrap();
//! assert_eq!(shoshin.points.whole(), Some(291));
//! # Ok::<(), santei_masters::LoadError>(())
//! ```

pub mod age;
pub mod code_map;
pub mod csv;
pub mod demo;
pub mod diff;
pub mod error;
pub mod etensu;
pub mod field;
pub mod kinds;
mod load;
mod month;
pub mod record;
pub mod revision;
pub mod set;
pub mod source;
pub mod table;
pub mod text;

pub use diff::{DiffError, DiffOptions, MasterDiff};
pub use error::{DataError, LoadError, Position, Warning};
pub use field::{AgeCode, ChangeKind, Char, Code, Date, EndDate, Fixed2, OptDate, Text};
pub use kinds::comment::Comment;
pub use kinds::disease::Disease;
pub use kinds::drug::{DosageForm, Drug};
pub use kinds::material::Material;
pub use kinds::modifier::Modifier;
pub use kinds::procedure::{PointKind, Procedure};
pub use load::FileReport;
pub use month::MonthDays;
pub use record::{ColumnInfo, MasterRecord};
pub use revision::{REVISIONS, Revision};
pub use set::{
    Coverage, KindReport, LoadOptions, LoadReport, MasterCatalog, MasterSet, Provenance,
};
pub use table::{Table, Version};
pub use text::Encoding;

/// Where the official 基本マスター are published.
pub const OFFICIAL_DOWNLOAD_PAGE: &str =
    "https://www.ssk.or.jp/seikyushiharai/tensuhyo/kihonmasta/index.html (支払基金 基本マスター)";
/// Where the 医科電子点数表 is published.
pub const ETENSU_DOWNLOAD_PAGE: &str =
    "https://www.ssk.or.jp/seikyushiharai/tensuhyo/ikashika/index.html (支払基金 医科電子点数表)";

/// The six kinds of 基本マスター.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum MasterKind {
    /// 医科診療行為マスター (s)
    Procedure,
    /// 医薬品マスター (y)
    Drug,
    /// 特定器材マスター (t)
    Material,
    /// コメントマスター (c)
    Comment,
    /// 傷病名マスター (b)
    Disease,
    /// 修飾語マスター (z)
    Modifier,
}

impl MasterKind {
    pub const ALL: [MasterKind; 6] = [
        MasterKind::Procedure,
        MasterKind::Drug,
        MasterKind::Material,
        MasterKind::Comment,
        MasterKind::Disease,
        MasterKind::Modifier,
    ];

    /// The file-name letter (`s`, `y`, `t`, `c`, `b`, `z`).
    pub fn letter(self) -> &'static str {
        match self {
            MasterKind::Procedure => "s",
            MasterKind::Drug => "y",
            MasterKind::Material => "t",
            MasterKind::Comment => "c",
            MasterKind::Disease => "b",
            MasterKind::Modifier => "z",
        }
    }

    /// The マスター種別 column value (`S`, `Y` …).
    pub fn letter_upper(self) -> &'static str {
        match self {
            MasterKind::Procedure => "S",
            MasterKind::Drug => "Y",
            MasterKind::Material => "T",
            MasterKind::Comment => "C",
            MasterKind::Disease => "B",
            MasterKind::Modifier => "Z",
        }
    }

    pub fn japanese(self) -> &'static str {
        match self {
            MasterKind::Procedure => "医科診療行為",
            MasterKind::Drug => "医薬品",
            MasterKind::Material => "特定器材",
            MasterKind::Comment => "コメント",
            MasterKind::Disease => "傷病名",
            MasterKind::Modifier => "修飾語",
        }
    }

    pub fn from_letter(s: &str) -> Option<MasterKind> {
        MasterKind::ALL
            .into_iter()
            .find(|k| k.letter().eq_ignore_ascii_case(s))
    }

    /// True for the kinds published as `*_ALL*` complete files plus change files; 傷病名 and
    /// 修飾語 are published as dated complete files.
    pub fn has_all_files(self) -> bool {
        !matches!(self, MasterKind::Disease | MasterKind::Modifier)
    }

    /// Formats a key as the official code (9 digits; 傷病名 7; 修飾語 4).
    pub fn format_code(self, code: u32) -> String {
        match self {
            MasterKind::Disease => format!("{code:07}"),
            MasterKind::Modifier => format!("{code:04}"),
            _ => format!("{code:09}"),
        }
    }

    /// The kind a code belongs to by its shape: 9 digits starting 1 (診療行為), 6 (医薬品),
    /// 7 (特定器材), 8 (コメント); 7 digits (傷病名); 4 digits (修飾語).
    pub fn for_code(code: &str) -> Option<MasterKind> {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match (code.len(), code.as_bytes().first()) {
            (9, Some(b'1')) => Some(MasterKind::Procedure),
            (9, Some(b'6')) => Some(MasterKind::Drug),
            (9, Some(b'7')) => Some(MasterKind::Material),
            (9, Some(b'8')) => Some(MasterKind::Comment),
            (7, _) => Some(MasterKind::Disease),
            (4, _) => Some(MasterKind::Modifier),
            _ => None,
        }
    }
}

impl std::fmt::Display for MasterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.japanese(), self.letter())
    }
}
