//! The 医科電子点数表 (支払基金): the five rule tables that accompany the 医科診療行為マスター.
//!
//! | table | file | rows |
//! |---|---|---|
//! | 01 補助マスターテーブル | `01補助マスターテーブル.csv` | [`AuxRow`] (27 columns), required |
//! | 02 包括・被包括テーブル | `02包括テーブル.csv` | [`InclusionRow`] (7 columns) |
//! | 03-1…03-4 背反関連テーブル | `03-1背反テーブル1.csv` … | [`ExclusionRow`] (10 columns) per [`ExclusionWindow`] |
//! | 04 入院基本料テーブル | `04入院基本料テーブル.csv` | [`AdmissionAdditionRow`] (8 columns) |
//! | 05 算定回数テーブル | `05算定回数テーブル.csv` | [`CountLimitRow`] (14 columns) |
//!
//! Layout: 「医科電子点数表の活用手引き」 §5 (docs/ETENSU_LAYOUT.md). The files are CP932, every field
//! quoted, no header, CRLF (LF accepted). They are read from a folder holding the extracted CSVs or
//! the distributed zip. Table 01 is required; a missing optional table is a [`Warning`] naming the
//! file and where to download it. Every row is validated (column count, 変更区分, codes, flags,
//! dates); errors name the file, line, column and the column's official 項目名. 抹消 rows are
//! dropped and counted in the [`EtensuReport`].
//!
//! ```no_run
//! use santei_masters::etensu::{Etensu, ExclusionWindow};
//! use santei_masters::Code;
//! let et = Etensu::load("../shared/etensu/r06")?;
//! let row = et.aux(Code(160171310)).unwrap();
//! assert_eq!(row.inclusion1.unwrap().group.as_str(), "D324001");
//! let same_time = et.exclusions_for(ExclusionWindow::Simultaneous, Code(160171310));
//! assert!(same_time.iter().any(|r| r.code2 == Code(170000310)));
//! # Ok::<(), santei_masters::LoadError>(())
//! ```

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use serde::{Serialize, Serializer};

use crate::csv::Rows;
use crate::error::{DataError, LoadError, Position, Warning};
use crate::field::{ChangeKind, Code, Date, EndDate, FieldValue, Text};
use crate::text::{Encoding, decode};

// ---------------------------------------------------------------------------------------------
// Tables and their official columns
// ---------------------------------------------------------------------------------------------

/// The window of a 背反関連テーブル (03-1 … 03-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ExclusionWindow {
    /// 03-1 背反関連テーブル（1日につき）
    SameDay,
    /// 03-2 背反関連テーブル（同一月内）
    SameMonth,
    /// 03-3 背反関連テーブル（同時）
    Simultaneous,
    /// 03-4 背反関連テーブル（1週間につき）
    SameWeek,
}

impl ExclusionWindow {
    pub const ALL: [ExclusionWindow; 4] = [
        ExclusionWindow::SameDay,
        ExclusionWindow::SameMonth,
        ExclusionWindow::Simultaneous,
        ExclusionWindow::SameWeek,
    ];

    /// 0 … 3 (03-1 … 03-4).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The official name of the window (`1日につき`, `同一月内`, `同時`, `1週間につき`).
    pub fn japanese(self) -> &'static str {
        match self {
            ExclusionWindow::SameDay => "1日につき",
            ExclusionWindow::SameMonth => "同一月内",
            ExclusionWindow::Simultaneous => "同時",
            ExclusionWindow::SameWeek => "1週間につき",
        }
    }

    pub fn table(self) -> EtensuTable {
        EtensuTable::Exclusion(self)
    }
}

/// One of the eight files of the 医科電子点数表.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EtensuTable {
    /// 01 医科診療行為マスター補助マスターテーブル
    Aux,
    /// 02 包括・被包括テーブル
    Inclusion,
    /// 03-1 … 03-4 背反関連テーブル
    Exclusion(ExclusionWindow),
    /// 04 入院基本料テーブル
    AdmissionAddition,
    /// 05 算定回数テーブル
    CountLimit,
}

const AUX_COLUMNS: [&str; 27] = [
    "変更区分",
    "診療行為コード",
    "診療行為省略名称",
    "包括単位①",
    "グループ番号①",
    "包括単位②",
    "グループ番号②",
    "包括単位③",
    "グループ番号③",
    "背反関連識別（1日につき）",
    "背反関連識別（同一月内）",
    "背反関連識別（同時）",
    "背反関連識別（1週間につき）",
    "予備",
    "予備",
    "予備",
    "予備",
    "予備",
    "予備",
    "入院基本料識別",
    "算定回数関連",
    "予備",
    "予備",
    "予備",
    "予備",
    "新設年月日",
    "廃止年月日",
];
const INCLUSION_COLUMNS: [&str; 7] = [
    "変更区分",
    "グループ番号",
    "診療行為コード",
    "診療行為省略名称",
    "特例条件",
    "新設年月日",
    "廃止年月日",
];
const EXCLUSION_COLUMNS: [&str; 10] = [
    "変更区分",
    "診療行為コード①",
    "診療行為省略名称①",
    "診療行為コード②",
    "診療行為省略名称②",
    "背反区分",
    "特例条件",
    "予備",
    "新設年月日",
    "廃止年月日",
];
const ADMISSION_COLUMNS: [&str; 8] = [
    "変更区分",
    "グループ番号",
    "診療行為コード",
    "診療行為省略名称",
    "加算識別",
    "予備",
    "新設年月日",
    "廃止年月日",
];
const COUNT_COLUMNS: [&str; 14] = [
    "変更区分",
    "診療行為コード",
    "診療行為省略名称",
    "算定単位コード",
    "算定単位名称",
    "算定回数",
    "特例条件",
    "予備",
    "予備",
    "予備",
    "予備",
    "予備",
    "新設年月日",
    "廃止年月日",
];

impl EtensuTable {
    /// All tables in file order.
    pub const ALL: [EtensuTable; 8] = [
        EtensuTable::Aux,
        EtensuTable::Inclusion,
        EtensuTable::Exclusion(ExclusionWindow::SameDay),
        EtensuTable::Exclusion(ExclusionWindow::SameMonth),
        EtensuTable::Exclusion(ExclusionWindow::Simultaneous),
        EtensuTable::Exclusion(ExclusionWindow::SameWeek),
        EtensuTable::AdmissionAddition,
        EtensuTable::CountLimit,
    ];

    /// The file number: `01`, `02`, `03-1` … `03-4`, `04`, `05`.
    pub fn id(self) -> &'static str {
        match self {
            EtensuTable::Aux => "01",
            EtensuTable::Inclusion => "02",
            EtensuTable::Exclusion(ExclusionWindow::SameDay) => "03-1",
            EtensuTable::Exclusion(ExclusionWindow::SameMonth) => "03-2",
            EtensuTable::Exclusion(ExclusionWindow::Simultaneous) => "03-3",
            EtensuTable::Exclusion(ExclusionWindow::SameWeek) => "03-4",
            EtensuTable::AdmissionAddition => "04",
            EtensuTable::CountLimit => "05",
        }
    }

    /// The official file name (00ファイル一覧表).
    pub fn file_name(self) -> &'static str {
        match self {
            EtensuTable::Aux => "01補助マスターテーブル.csv",
            EtensuTable::Inclusion => "02包括テーブル.csv",
            EtensuTable::Exclusion(ExclusionWindow::SameDay) => "03-1背反テーブル1.csv",
            EtensuTable::Exclusion(ExclusionWindow::SameMonth) => "03-2背反テーブル2.csv",
            EtensuTable::Exclusion(ExclusionWindow::Simultaneous) => "03-3背反テーブル3.csv",
            EtensuTable::Exclusion(ExclusionWindow::SameWeek) => "03-4背反テーブル4.csv",
            EtensuTable::AdmissionAddition => "04入院基本料テーブル.csv",
            EtensuTable::CountLimit => "05算定回数テーブル.csv",
        }
    }

    /// The official table name.
    pub fn japanese(self) -> &'static str {
        match self {
            EtensuTable::Aux => "医科診療行為マスター補助マスターテーブル",
            EtensuTable::Inclusion => "包括・被包括テーブル",
            EtensuTable::Exclusion(ExclusionWindow::SameDay) => "背反関連テーブル（1日につき）",
            EtensuTable::Exclusion(ExclusionWindow::SameMonth) => "背反関連テーブル（同一月内）",
            EtensuTable::Exclusion(ExclusionWindow::Simultaneous) => "背反関連テーブル（同時）",
            EtensuTable::Exclusion(ExclusionWindow::SameWeek) => "背反関連テーブル（1週間につき）",
            EtensuTable::AdmissionAddition => "入院基本料テーブル",
            EtensuTable::CountLimit => "算定回数テーブル",
        }
    }

    /// The official 項目名 of every column, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            EtensuTable::Aux => &AUX_COLUMNS,
            EtensuTable::Inclusion => &INCLUSION_COLUMNS,
            EtensuTable::Exclusion(_) => &EXCLUSION_COLUMNS,
            EtensuTable::AdmissionAddition => &ADMISSION_COLUMNS,
            EtensuTable::CountLimit => &COUNT_COLUMNS,
        }
    }

    /// Only table 01 is required.
    pub fn required(self) -> bool {
        self == EtensuTable::Aux
    }

    fn slot(self) -> usize {
        match self {
            EtensuTable::Aux => 0,
            EtensuTable::Inclusion => 1,
            EtensuTable::Exclusion(w) => 2 + w.index(),
            EtensuTable::AdmissionAddition => 6,
            EtensuTable::CountLimit => 7,
        }
    }
}

impl fmt::Display for EtensuTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id(), self.japanese())
    }
}

// ---------------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------------

/// A 包括・被包括 グループ番号 (英数 up to 7, e.g. `D324001`: 告示番号 letter, 告示番号, 枝番, serial).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupNo {
    bytes: [u8; 7],
    len: u8,
}

impl GroupNo {
    /// 1 to 7 ASCII letters or digits.
    pub fn new(s: &str) -> Option<GroupNo> {
        let b = s.as_bytes();
        if b.is_empty() || b.len() > 7 || !b.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        let mut bytes = [0u8; 7];
        bytes[..b.len()].copy_from_slice(b);
        Some(GroupNo {
            bytes,
            len: b.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl fmt::Display for GroupNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for GroupNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for GroupNo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::str::FromStr for GroupNo {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        GroupNo::new(s)
            .ok_or_else(|| format!("`{s}` is not a グループ番号 (1–7 letters or digits)"))
    }
}

/// The name of a 包括単位 (01 col 4/6/8): 1 1日につき, 2 同一月内, 3 同時, 5 手術前1週間,
/// 6 1手術につき. `None` for other values.
pub fn inclusion_unit_name(unit: u8) -> Option<&'static str> {
    Some(match unit {
        1 => "1日につき",
        2 => "同一月内",
        3 => "同時",
        5 => "手術前1週間",
        6 => "1手術につき",
        _ => return None,
    })
}

/// One (包括単位, グループ番号) pair of table 01: this code includes the group's 02 rows within
/// the window given by the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InclusionLink {
    /// 包括単位 (1 1日につき, 2 同一月内, 3 同時, 5 手術前1週間, 6 1手術につき)
    pub unit: u8,
    /// グループ番号 (reference into 02 包括・被包括テーブル)
    pub group: GroupNo,
}

impl InclusionLink {
    pub fn unit_name(&self) -> Option<&'static str> {
        inclusion_unit_name(self.unit)
    }
}

/// 背反区分 (03 col 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[repr(u8)]
pub enum ExclusionKind {
    /// 1: 診療行為コード①を算定する
    KeepFirst = 1,
    /// 2: 診療行為コード②を算定する
    KeepSecond = 2,
    /// 3: 何れか一方を算定する
    EitherOne = 3,
}

impl ExclusionKind {
    pub fn from_digit(s: &str) -> Option<ExclusionKind> {
        match s {
            "1" => Some(ExclusionKind::KeepFirst),
            "2" => Some(ExclusionKind::KeepSecond),
            "3" => Some(ExclusionKind::EitherOne),
            _ => None,
        }
    }

    pub fn digit(self) -> u8 {
        self as u8
    }

    /// The kind of the same pair stored the other way round (1 ↔ 2, 3 ↔ 3).
    pub fn mirrored(self) -> ExclusionKind {
        match self {
            ExclusionKind::KeepFirst => ExclusionKind::KeepSecond,
            ExclusionKind::KeepSecond => ExclusionKind::KeepFirst,
            ExclusionKind::EitherOne => ExclusionKind::EitherOne,
        }
    }

    pub fn japanese(self) -> &'static str {
        match self {
            ExclusionKind::KeepFirst => "診療行為コード①を算定する",
            ExclusionKind::KeepSecond => "診療行為コード②を算定する",
            ExclusionKind::EitherOne => "何れか一方を算定する",
        }
    }
}

/// 付表1 算定単位コード一覧 (the official names, full-width as published).
const COUNT_UNITS: [(u16, &str); 122] = [
    (1, "分"),
    (2, "回"),
    (3, "種"),
    (4, "箱"),
    (5, "巻"),
    (6, "枚"),
    (7, "本"),
    (8, "組"),
    (9, "セット"),
    (10, "個"),
    (11, "裂"),
    (12, "方向"),
    (13, "トローチ"),
    (14, "アンプル"),
    (15, "カプセル"),
    (16, "錠"),
    (17, "丸"),
    (18, "包"),
    (19, "瓶"),
    (20, "袋"),
    (21, "瓶（袋）"),
    (22, "管"),
    (23, "シリンジ"),
    (24, "回分"),
    (25, "テスト分"),
    (26, "ガラス筒"),
    (27, "桿錠"),
    (28, "単位"),
    (29, "万単位"),
    (30, "フィート"),
    (31, "滴"),
    (32, "ｍｇ"),
    (33, "ｇ"),
    (34, "Ｋｇ"),
    (35, "ｃｃ"),
    (36, "ｍＬ"),
    (37, "Ｌ"),
    (38, "ｍＬＶ"),
    (39, "バイアル"),
    (40, "ｃｍ"),
    (41, "ｃｍ２"),
    (42, "ｍ"),
    (43, "μＣｉ"),
    (44, "ｍＣｉ"),
    (45, "μｇ"),
    (46, "管（瓶）"),
    (47, "筒"),
    (48, "ＧＢｑ"),
    (49, "ＭＢｑ"),
    (50, "ＫＢｑ"),
    (51, "キット"),
    (52, "国際単位"),
    (53, "患者当り"),
    (54, "気圧"),
    (55, "缶"),
    (56, "手術当り"),
    (57, "容器"),
    (58, "ｍＬ（ｇ）"),
    (59, "ブリスター"),
    (60, "シート"),
    (61, "カセット"),
    (101, "分画"),
    (102, "染色"),
    (103, "種類"),
    (104, "株"),
    (105, "菌株"),
    (106, "照射"),
    (107, "臓器"),
    (108, "件"),
    (109, "部位"),
    (110, "肢"),
    (111, "局所"),
    (112, "種目"),
    (113, "スキャン"),
    (114, "コマ"),
    (115, "処理"),
    (116, "指"),
    (117, "歯"),
    (118, "面"),
    (119, "側"),
    (120, "個所"),
    (121, "日"),
    (122, "椎間"),
    (123, "筋"),
    (124, "菌種"),
    (125, "項目"),
    (126, "箇所"),
    (127, "椎弓"),
    (128, "食"),
    (129, "根管"),
    (130, "３分の１顎"),
    (131, "月"),
    (132, "入院初日"),
    (133, "入院中"),
    (134, "退院時"),
    (135, "初回"),
    (136, "口腔"),
    (137, "顎"),
    (138, "週"),
    (139, "窩洞"),
    (140, "神経"),
    (141, "一連"),
    (142, "２週"),
    (143, "２月"),
    (144, "３月"),
    (145, "４月"),
    (146, "６月"),
    (147, "１２月"),
    (148, "５年"),
    (149, "妊娠中"),
    (150, "検査当り"),
    (151, "１疾患当り"),
    (153, "装置"),
    (154, "１歯１回"),
    (155, "１口腔１回"),
    (156, "床"),
    (157, "１顎１回"),
    (158, "椎体"),
    (159, "初診時"),
    (160, "１分娩当り"),
    (161, "２年"),
    (162, "年度"),
];

/// A 算定単位コード (付表1; also used by 医科診療行為マスター データ規格コード). Unknown codes are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CountUnit(pub u16);

impl CountUnit {
    /// 53 患者当り
    pub const PER_PATIENT: CountUnit = CountUnit(53);
    /// 121 日
    pub const DAY: CountUnit = CountUnit(121);
    /// 131 月
    pub const MONTH: CountUnit = CountUnit(131);
    /// 133 入院中
    pub const ADMISSION: CountUnit = CountUnit(133);
    /// 138 週
    pub const WEEK: CountUnit = CountUnit(138);

    /// The official name (付表1), `None` for a code not in it.
    pub fn name(self) -> Option<&'static str> {
        COUNT_UNITS
            .binary_search_by_key(&self.0, |&(c, _)| c)
            .ok()
            .map(|i| COUNT_UNITS[i].1)
    }

    pub fn is_known(self) -> bool {
        self.name().is_some()
    }

    /// Every code of 付表1 with its name.
    pub fn all() -> &'static [(u16, &'static str)] {
        &COUNT_UNITS
    }
}

impl fmt::Display for CountUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{} {}", self.0, n),
            None => write!(f, "{} (not in 付表1)", self.0),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/// 01 医科診療行為マスター補助マスターテーブル: one row per 診療行為コード (and dated version).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuxRow {
    /// 変更区分 (1)
    pub change: ChangeKind,
    /// 診療行為コード (2)
    pub code: Code,
    /// 診療行為省略名称 (3)
    pub name: Text,
    /// 包括単位① (4) and グループ番号① (5); `None` when 包括単位 is 0 and グループ番号 is `0`
    pub inclusion1: Option<InclusionLink>,
    /// 包括単位② (6) and グループ番号② (7)
    pub inclusion2: Option<InclusionLink>,
    /// 包括単位③ (8) and グループ番号③ (9)
    pub inclusion3: Option<InclusionLink>,
    /// 背反関連識別 1日につき (10): has rows in 03-1
    pub exclusion_day: bool,
    /// 背反関連識別 同一月内 (11): has rows in 03-2
    pub exclusion_month: bool,
    /// 背反関連識別 同時 (12): has rows in 03-3
    pub exclusion_same_time: bool,
    /// 背反関連識別 1週間につき (13): has rows in 03-4
    pub exclusion_week: bool,
    /// 入院基本料識別 (20): the 04 group of this 入院料; 0 (`000`) = none
    pub admission_group: u16,
    /// 算定回数関連 (21): has rows in 05
    pub count_related: bool,
    /// 新設年月日 (26)
    pub established_on: Date,
    /// 廃止年月日 (27)
    pub abolished_on: EndDate,
}

impl AuxRow {
    /// The set 包括 pairs ①–③, in order.
    pub fn inclusions(&self) -> impl Iterator<Item = InclusionLink> + '_ {
        [self.inclusion1, self.inclusion2, self.inclusion3]
            .into_iter()
            .flatten()
    }

    /// The 背反関連識別 flag of `window`.
    pub fn has_exclusions(&self, window: ExclusionWindow) -> bool {
        match window {
            ExclusionWindow::SameDay => self.exclusion_day,
            ExclusionWindow::SameMonth => self.exclusion_month,
            ExclusionWindow::Simultaneous => self.exclusion_same_time,
            ExclusionWindow::SameWeek => self.exclusion_week,
        }
    }
}

/// 02 包括・被包括テーブル: `code` is included (cannot be billed) when a code whose 01 row names
/// `group` is billed within that row's 包括単位.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InclusionRow {
    /// 変更区分 (1)
    pub change: ChangeKind,
    /// グループ番号 (2)
    pub group: GroupNo,
    /// 診療行為コード (3): the included (被包括) item
    pub code: Code,
    /// 診療行為省略名称 (4)
    pub name: Text,
    /// 特例条件 (5): the 包括 has a special condition; do not apply it automatically
    pub special_condition: bool,
    /// 新設年月日 (6)
    pub established_on: Date,
    /// 廃止年月日 (7)
    pub abolished_on: EndDate,
}

/// 03-1 … 03-4 背反関連テーブル: `code1` and `code2` cannot both be billed within the window.
/// Every pair is published both ways.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExclusionRow {
    /// 変更区分 (1)
    pub change: ChangeKind,
    /// 診療行為コード① (2)
    pub code1: Code,
    /// 診療行為省略名称① (3)
    pub name1: Text,
    /// 診療行為コード② (4)
    pub code2: Code,
    /// 診療行為省略名称② (5)
    pub name2: Text,
    /// 背反区分 (6)
    pub kind: ExclusionKind,
    /// 特例条件 (7)
    pub special_condition: bool,
    /// 新設年月日 (9)
    pub established_on: Date,
    /// 廃止年月日 (10)
    pub abolished_on: EndDate,
}

/// 04 入院基本料テーブル: `code` is an 入院基本料等加算 that may be added to the 入院料 whose 01
/// 入院基本料識別 is `group`. Additions sharing an `addition_kind` exclude each other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdmissionAdditionRow {
    /// 変更区分 (1)
    pub change: ChangeKind,
    /// グループ番号 (2) (= 01 入院基本料識別)
    pub group: u16,
    /// 診療行為コード (3)
    pub code: Code,
    /// 診療行為省略名称 (4)
    pub name: Text,
    /// 加算識別 (5)
    pub addition_kind: u8,
    /// 新設年月日 (7)
    pub established_on: Date,
    /// 廃止年月日 (8)
    pub abolished_on: EndDate,
}

/// 05 算定回数テーブル: at most `count` per `unit_code`. A code may have several rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountLimitRow {
    /// 変更区分 (1)
    pub change: ChangeKind,
    /// 診療行為コード (2)
    pub code: Code,
    /// 診療行為省略名称 (3)
    pub name: Text,
    /// 算定単位コード (4) (付表1, see [`CountUnit`])
    pub unit_code: u16,
    /// 算定単位名称 (5)
    pub unit_name: Text,
    /// 算定回数 (6): the maximum count per unit
    pub count: u16,
    /// 特例条件 (7): the limit has a special condition (flag, do not reject automatically)
    pub special_condition: bool,
    /// 新設年月日 (13)
    pub established_on: Date,
    /// 廃止年月日 (14)
    pub abolished_on: EndDate,
}

impl CountLimitRow {
    pub fn unit(&self) -> CountUnit {
        CountUnit(self.unit_code)
    }
}

macro_rules! dated_rows {
    ($($t:ty),*) => {$(
        impl $t {
            /// 新設年月日 ≤ `date` ≤ 廃止年月日.
            pub fn is_valid_on(&self, date: Date) -> bool {
                self.established_on <= date && date <= self.abolished_on.last_day()
            }
        }
    )*};
}
dated_rows!(
    AuxRow,
    InclusionRow,
    ExclusionRow,
    AdmissionAdditionRow,
    CountLimitRow
);

// ---------------------------------------------------------------------------------------------
// Field parsing
// ---------------------------------------------------------------------------------------------

/// One CSV row with what is needed to report an error at a column.
struct Row<'r, 'a> {
    file: &'r str,
    line: usize,
    fields: &'r [&'a str],
    columns: &'static [&'static str],
}

impl<'a> Row<'_, 'a> {
    fn pos(&self, col: usize) -> Position {
        Position {
            file: self.file.to_owned(),
            line: self.line,
            column: Some(col),
            column_name: self.columns.get(col - 1).copied(),
            byte: None,
        }
    }

    #[inline]
    fn s(&self, col: usize) -> &'a str {
        self.fields[col - 1]
    }

    #[cold]
    fn bad(&self, col: usize, expected: &'static str) -> LoadError {
        LoadError::data(
            self.pos(col),
            DataError::BadField {
                value: self.s(col).to_owned(),
                expected,
            },
        )
    }

    #[inline]
    fn parse<T: FieldValue>(&self, col: usize) -> Result<T, LoadError> {
        T::parse(self.s(col)).ok_or_else(|| self.bad(col, T::EXPECTED))
    }

    /// A 診療行為コード: exactly 9 digits.
    #[inline]
    fn code(&self, col: usize) -> Result<Code, LoadError> {
        let s = self.s(col);
        if s.len() == 9 {
            if let Some(c) = Code::parse(s) {
                return Ok(c);
            }
        }
        Err(self.bad(col, "a 9-digit 診療行為コード"))
    }

    /// A 0/1 flag.
    #[inline]
    fn flag(&self, col: usize) -> Result<bool, LoadError> {
        match self.s(col) {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(self.bad(col, "0 or 1")),
        }
    }

    #[inline]
    fn text(&self, col: usize) -> Text {
        Text::from(self.s(col))
    }

    /// 包括単位 at `col`, グループ番号 at `col + 1`.
    fn inclusion(&self, col: usize) -> Result<Option<InclusionLink>, LoadError> {
        let unit: u8 = self.parse(col)?;
        let g = self.s(col + 1);
        let group =
            if g == "0" || g.is_empty() {
                None
            } else {
                Some(GroupNo::new(g).ok_or_else(|| {
                    self.bad(col + 1, "a グループ番号 (1–7 letters or digits) or 0")
                })?)
            };
        match (unit, group) {
            (0, None) => Ok(None),
            (unit, Some(group)) if unit != 0 => Ok(Some(InclusionLink { unit, group })),
            (0, Some(_)) => Err(self.bad(col, "a 包括単位 other than 0 (a グループ番号 is set)")),
            _ => Err(self.bad(col + 1, "a グループ番号 (包括単位 is not 0)")),
        }
    }
}

/// What each table's row type needs for loading.
trait EtensuRecord: Sized + Send {
    fn from_row(row: &Row<'_, '_>, change: ChangeKind) -> Result<Self, LoadError>;
}

impl EtensuRecord for AuxRow {
    fn from_row(r: &Row<'_, '_>, change: ChangeKind) -> Result<Self, LoadError> {
        Ok(AuxRow {
            change,
            code: r.code(2)?,
            name: r.text(3),
            inclusion1: r.inclusion(4)?,
            inclusion2: r.inclusion(6)?,
            inclusion3: r.inclusion(8)?,
            exclusion_day: r.flag(10)?,
            exclusion_month: r.flag(11)?,
            exclusion_same_time: r.flag(12)?,
            exclusion_week: r.flag(13)?,
            admission_group: r.parse(20)?,
            count_related: r.flag(21)?,
            established_on: r.parse(26)?,
            abolished_on: r.parse(27)?,
        })
    }
}

impl EtensuRecord for InclusionRow {
    fn from_row(r: &Row<'_, '_>, change: ChangeKind) -> Result<Self, LoadError> {
        Ok(InclusionRow {
            change,
            group: GroupNo::new(r.s(2))
                .ok_or_else(|| r.bad(2, "a グループ番号 (1–7 letters or digits)"))?,
            code: r.code(3)?,
            name: r.text(4),
            special_condition: r.flag(5)?,
            established_on: r.parse(6)?,
            abolished_on: r.parse(7)?,
        })
    }
}

impl EtensuRecord for ExclusionRow {
    fn from_row(r: &Row<'_, '_>, change: ChangeKind) -> Result<Self, LoadError> {
        Ok(ExclusionRow {
            change,
            code1: r.code(2)?,
            name1: r.text(3),
            code2: r.code(4)?,
            name2: r.text(5),
            kind: ExclusionKind::from_digit(r.s(6))
                .ok_or_else(|| r.bad(6, "a 背反区分 (1, 2 or 3)"))?,
            special_condition: r.flag(7)?,
            established_on: r.parse(9)?,
            abolished_on: r.parse(10)?,
        })
    }
}

impl EtensuRecord for AdmissionAdditionRow {
    fn from_row(r: &Row<'_, '_>, change: ChangeKind) -> Result<Self, LoadError> {
        Ok(AdmissionAdditionRow {
            change,
            group: r.parse(2)?,
            code: r.code(3)?,
            name: r.text(4),
            addition_kind: r.parse(5)?,
            established_on: r.parse(7)?,
            abolished_on: r.parse(8)?,
        })
    }
}

impl EtensuRecord for CountLimitRow {
    fn from_row(r: &Row<'_, '_>, change: ChangeKind) -> Result<Self, LoadError> {
        Ok(CountLimitRow {
            change,
            code: r.code(2)?,
            name: r.text(3),
            unit_code: r.parse(4)?,
            unit_name: r.text(5),
            count: r.parse(6)?,
            special_condition: r.flag(7)?,
            established_on: r.parse(13)?,
            abolished_on: r.parse(14)?,
        })
    }
}

/// 変更区分 of the 電子点数表: 0, 1, 3, 5 or 9 (2 復活 exists only in 傷病名/修飾語).
fn change_kind(row: &Row<'_, '_>) -> Result<ChangeKind, LoadError> {
    let s = row.s(1);
    match ChangeKind::from_field(s) {
        Some(ChangeKind::Restored) => {
            Err(row.bad(1, "a 変更区分 of the 電子点数表 (0, 1, 3, 5 or 9)"))
        }
        Some(k) => Ok(k),
        None => Err(LoadError::data(
            row.pos(1),
            DataError::UnknownChangeKind(s.to_owned()),
        )),
    }
}

/// Rows with the line they were read from (for errors found after parsing).
type Lined<R> = Vec<(R, u32)>;

/// One decoded and parsed table.
struct ParsedTable<R> {
    /// Kept rows in file order.
    rows: Lined<R>,
    /// Data lines read.
    read: usize,
    /// 抹消 rows dropped.
    erased: usize,
}

/// Parses one decoded table. Rows come back in file order with their line numbers.
fn parse_table<R: EtensuRecord>(
    table: EtensuTable,
    file: &str,
    text: &str,
) -> Result<ParsedTable<R>, LoadError> {
    let columns = table.columns();
    let mut rows = Rows::new(text, file);
    let mut out = Vec::with_capacity(text.len() / (columns.len() * 8 + 40));
    let mut fields = Vec::with_capacity(columns.len());
    let (mut read, mut erased) = (0, 0);
    while let Some(line) = rows.next_into(&mut fields)? {
        read += 1;
        if fields.len() != columns.len() {
            return Err(LoadError::data(
                Position {
                    file: file.to_owned(),
                    line,
                    column: None,
                    column_name: None,
                    byte: None,
                },
                DataError::ColumnCount {
                    expected: columns.len().to_string(),
                    found: fields.len(),
                },
            ));
        }
        let row = Row {
            file,
            line,
            fields: &fields,
            columns,
        };
        let change = change_kind(&row)?;
        let record = R::from_row(&row, change)?;
        if change == ChangeKind::Erased {
            erased += 1;
            continue;
        }
        out.push((record, line as u32));
    }
    Ok(ParsedTable {
        rows: out,
        read,
        erased,
    })
}

// ---------------------------------------------------------------------------------------------
// Indexes
// ---------------------------------------------------------------------------------------------

type Span = (u32, u32);

/// Sorts `rows` by `key` (stable: file order within a key) and indexes the runs of equal keys.
fn index_by<R, K: std::hash::Hash + Eq + Ord + Copy>(
    rows: &mut [(R, u32)],
    key: impl Fn(&R) -> K,
) -> FxHashMap<K, Span> {
    if !rows.is_sorted_by_key(|(r, _)| key(r)) {
        rows.sort_by_key(|(r, _)| key(r));
    }
    let mut index = FxHashMap::default();
    let mut start = 0usize;
    for i in 1..=rows.len() {
        if i == rows.len() || key(&rows[i].0) != key(&rows[start].0) {
            index.insert(key(&rows[start].0), (start as u32, i as u32));
            start = i;
        }
    }
    index
}

fn strip_lines<R>(rows: Lined<R>) -> Vec<R> {
    rows.into_iter().map(|(r, _)| r).collect()
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

fn ser_ms<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

fn ser_warnings<S: Serializer>(w: &[Warning], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(w.iter().map(|w| w.message.as_str()))
}

/// What loading one table did.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    pub table: EtensuTable,
    /// The file as the user knows it (`tensuhyo_02.zip!01補助マスターテーブル.csv` for a zip member).
    pub file: String,
    /// Data rows read (every line).
    pub rows: usize,
    /// Rows kept (all but 抹消).
    pub kept: usize,
    /// Rows with 変更区分 1 (抹消), dropped.
    pub erased: usize,
    /// Read, decode, parse and index.
    #[serde(serialize_with = "ser_ms")]
    pub elapsed: Duration,
}

/// What loading a 電子点数表 folder did.
#[derive(Debug, Clone, Serialize)]
pub struct EtensuReport {
    pub dir: PathBuf,
    pub encoding: &'static str,
    /// The tables loaded, in file order.
    pub tables: Vec<TableReport>,
    /// Missing optional tables and other non-fatal findings.
    #[serde(serialize_with = "ser_warnings")]
    pub warnings: Vec<Warning>,
    #[serde(serialize_with = "ser_ms")]
    pub elapsed: Duration,
}

impl EtensuReport {
    pub fn table(&self, table: EtensuTable) -> Option<&TableReport> {
        self.tables.iter().find(|t| t.table == table)
    }
}

impl fmt::Display for EtensuReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "医科電子点数表 `{}` ({}), {:.1} ms",
            self.dir.display(),
            self.encoding,
            self.elapsed.as_secs_f64() * 1000.0
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "  {:<5} {:>7} rows ({} 抹消) {:>7.2} ms  {}",
                t.table.id(),
                t.rows,
                t.erased,
                t.elapsed.as_secs_f64() * 1000.0,
                t.file
            )?;
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Finding the files
// ---------------------------------------------------------------------------------------------

/// Where a table's bytes are.
#[derive(Debug, Clone)]
enum Source {
    File(PathBuf),
    ZipMember { zip: PathBuf, index: usize },
}

#[derive(Debug, Clone)]
struct Located {
    display: String,
    source: Source,
}

/// 2 = the official name, 1 = starts with the table's number (`01…csv`: a renamed or
/// differently normalised file), 0 = no.
fn name_match(table: EtensuTable, name: &str) -> u8 {
    let lower = name.to_ascii_lowercase();
    let Some(stem_len) = lower.strip_suffix(".csv").map(str::len) else {
        return 0;
    };
    let stem = &name[..stem_len];
    let official = &table.file_name()[..table.file_name().len() - 4];
    if stem == official {
        return 2;
    }
    match stem.strip_prefix(table.id()) {
        Some(rest) if !rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') => 1,
        _ => 0,
    }
}

/// The best candidate for `table` among `names` (already sorted), with a warning when the pick
/// is ambiguous.
fn pick<'n, T>(
    table: EtensuTable,
    names: &'n [(String, T)],
    warnings: &mut Vec<Warning>,
    where_: &str,
) -> Option<&'n (String, T)> {
    let best = names
        .iter()
        .map(|n| name_match(table, &n.0))
        .max()
        .unwrap_or(0);
    if best == 0 {
        return None;
    }
    let hits: Vec<&(String, T)> = names
        .iter()
        .filter(|n| name_match(table, &n.0) == best)
        .collect();
    if hits.len() > 1 {
        warnings.push(Warning {
            message: format!(
                "{} files in {where_} look like table {} ({}): {}; using `{}`",
                hits.len(),
                table.id(),
                table.file_name(),
                hits.iter()
                    .map(|h| format!("`{}`", h.0))
                    .collect::<Vec<_>>()
                    .join(", "),
                hits[0].0
            ),
        });
    }
    Some(hits[0])
}

/// Zip member names: UTF-8 when flagged or valid, CP932 otherwise (Japanese Windows zips).
fn member_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(raw).0.into_owned(),
    }
}

fn zip_err(path: &Path, e: impl fmt::Display) -> LoadError {
    LoadError::Zip {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// The `.csv` members of a zip, by their base name: (base name, (index, full name)).
type ZipMembers = Vec<(String, (usize, String))>;

fn zip_members(path: &Path) -> Result<ZipMembers, LoadError> {
    let f = std::fs::File::open(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut archive =
        zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(|e| zip_err(path, e))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| zip_err(path, e))?;
        if entry.is_dir() {
            continue;
        }
        let full = member_name(entry.name_raw());
        let base = full.rsplit(['/', '\\']).next().unwrap_or(&full).to_owned();
        out.push((base, (i, full)));
    }
    out.sort();
    Ok(out)
}

/// Finds every table in `dir` (a folder, or a zip): extracted CSVs first, then the members of
/// the zips in the folder.
fn locate(dir: &Path, warnings: &mut Vec<Warning>) -> Result<[Option<Located>; 8], LoadError> {
    let mut found: [Option<Located>; 8] = Default::default();
    let mut zips: Vec<PathBuf> = Vec::new();
    if dir.is_file()
        && dir
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        zips.push(dir.to_owned());
    } else if dir.is_dir() {
        let io = |source| LoadError::Io {
            path: dir.to_owned(),
            source,
        };
        let mut files: Vec<(String, PathBuf)> = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.to_ascii_lowercase().ends_with(".zip") {
                zips.push(path);
            } else {
                files.push((name, path));
            }
        }
        files.sort();
        zips.sort();
        let where_ = format!("`{}`", dir.display());
        for table in EtensuTable::ALL {
            if let Some((name, path)) = pick(table, &files, warnings, &where_) {
                found[table.slot()] = Some(Located {
                    display: name.clone(),
                    source: Source::File(path.clone()),
                });
            }
        }
    } else {
        return Err(LoadError::NotADirectory {
            path: dir.to_owned(),
        });
    }
    for zip in zips {
        if found.iter().all(Option::is_some) {
            break;
        }
        let members = zip_members(&zip)?;
        let zip_name = zip
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let where_ = format!("`{}`", zip.display());
        for table in EtensuTable::ALL {
            if found[table.slot()].is_some() {
                continue;
            }
            if let Some((_, (index, full))) = pick(table, &members, warnings, &where_) {
                found[table.slot()] = Some(Located {
                    display: format!("{zip_name}!{full}"),
                    source: Source::ZipMember {
                        zip: zip.clone(),
                        index: *index,
                    },
                });
            }
        }
    }
    Ok(found)
}

fn read_located(loc: &Located) -> Result<Vec<u8>, LoadError> {
    match &loc.source {
        Source::File(path) => Ok(crate::source::read_raw(path)?.bytes),
        Source::ZipMember { zip, index } => {
            let f = std::fs::File::open(zip).map_err(|source| LoadError::Io {
                path: zip.clone(),
                source,
            })?;
            let mut archive =
                zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(|e| zip_err(zip, e))?;
            let mut entry = archive.by_index(*index).map_err(|e| zip_err(zip, e))?;
            let mut bytes = Vec::with_capacity(entry.size() as usize);
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| zip_err(zip, format!("{}: {e}", loc.display)))?;
            Ok(bytes)
        }
    }
}

/// Decodes a table strictly; an encoding error gets the column's official name.
fn decode_table(
    table: EtensuTable,
    file: &str,
    bytes: &[u8],
    encoding: Encoding,
) -> Result<String, LoadError> {
    decode(bytes, encoding, file).map_err(|mut e| {
        if let LoadError::Data { pos, .. } = &mut e {
            pos.column_name = pos
                .column
                .and_then(|c| table.columns().get(c.wrapping_sub(1)).copied());
        }
        e
    })
}

type TableResult<R> = Result<(Lined<R>, TableReport), LoadError>;

/// Reads, decodes and parses one table.
fn load_one<R: EtensuRecord>(
    table: EtensuTable,
    loc: &Located,
    encoding: Encoding,
) -> TableResult<R> {
    let start = Instant::now();
    let bytes = read_located(loc)?;
    let text = decode_table(table, &loc.display, &bytes, encoding)?;
    drop(bytes);
    let parsed = parse_table::<R>(table, &loc.display, &text)?;
    let report = TableReport {
        table,
        file: loc.display.clone(),
        rows: parsed.read,
        kept: parsed.rows.len(),
        erased: parsed.erased,
        elapsed: start.elapsed(),
    };
    Ok((parsed.rows, report))
}

// ---------------------------------------------------------------------------------------------
// Etensu
// ---------------------------------------------------------------------------------------------

/// A loaded 医科電子点数表: every table's rows with indexes by code or group. Immutable once
/// loaded, `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Etensu {
    /// 01, sorted by (code, 新設年月日).
    aux: Vec<AuxRow>,
    aux_index: FxHashMap<Code, Span>,
    /// 02, sorted by group (file order within a group).
    inclusions: Vec<InclusionRow>,
    inclusion_index: FxHashMap<GroupNo, Span>,
    /// 03-1 … 03-4, each sorted by code1 (file order within a code).
    exclusions: [Vec<ExclusionRow>; 4],
    exclusion_index: [FxHashMap<Code, Span>; 4],
    /// 04, sorted by group.
    admission_additions: Vec<AdmissionAdditionRow>,
    admission_index: FxHashMap<u16, Span>,
    /// 05, sorted by code.
    count_limits: Vec<CountLimitRow>,
    count_index: FxHashMap<Code, Span>,
    loaded: [bool; 8],
    pub report: EtensuReport,
}

#[inline]
fn slice_of<'s, R, K: std::hash::Hash + Eq>(
    rows: &'s [R],
    index: &FxHashMap<K, Span>,
    key: &K,
) -> &'s [R] {
    match index.get(key) {
        Some(&(a, b)) => &rows[a as usize..b as usize],
        None => &[],
    }
}

/// The parsed tables before indexing.
#[derive(Default)]
struct Parsed {
    aux: Option<Lined<AuxRow>>,
    inclusions: Option<Lined<InclusionRow>>,
    exclusions: [Option<Lined<ExclusionRow>>; 4],
    admission: Option<Lined<AdmissionAdditionRow>>,
    counts: Option<Lined<CountLimitRow>>,
}

/// The 01 flag that rows of a table imply.
#[derive(Clone, Copy)]
enum Implied {
    Exclusion(ExclusionWindow),
    Count,
}

impl Etensu {
    /// Loads a folder (or zip) of CP932 tables.
    pub fn load(dir: impl AsRef<Path>) -> Result<Etensu, LoadError> {
        Etensu::load_with(dir, Encoding::Cp932)
    }

    /// Loads a folder (or zip) of tables in `encoding`. The tables are read on parallel threads.
    pub fn load_with(dir: impl AsRef<Path>, encoding: Encoding) -> Result<Etensu, LoadError> {
        let start = Instant::now();
        let dir = dir.as_ref();
        let mut warnings = Vec::new();
        let found = locate(dir, &mut warnings)?;
        if found[EtensuTable::Aux.slot()].is_none() {
            return Err(LoadError::MissingEtensu {
                table: "01 医科診療行為マスター補助マスターテーブル",
                file: EtensuTable::Aux.file_name(),
                dir: dir.to_owned(),
            });
        }
        for table in EtensuTable::ALL {
            if found[table.slot()].is_none() {
                warnings.push(Warning {
                    message: format!(
                        "電子点数表 table {table} not loaded: `{}` is not in `{}`; its rules are not checked. Download the 医科電子点数表 zip from {}",
                        table.file_name(),
                        dir.display(),
                        crate::ETENSU_DOWNLOAD_PAGE
                    ),
                });
            }
        }

        let mut parsed = Parsed::default();
        let mut reports: Vec<TableReport> = Vec::new();
        std::thread::scope(|s| -> Result<(), LoadError> {
            let get = |t: EtensuTable| found[t.slot()].as_ref();
            let aux = get(EtensuTable::Aux)
                .map(|l| s.spawn(move || load_one::<AuxRow>(EtensuTable::Aux, l, encoding)));
            let inc = get(EtensuTable::Inclusion).map(|l| {
                s.spawn(move || load_one::<InclusionRow>(EtensuTable::Inclusion, l, encoding))
            });
            let exc = ExclusionWindow::ALL.map(|w| {
                get(w.table())
                    .map(|l| s.spawn(move || load_one::<ExclusionRow>(w.table(), l, encoding)))
            });
            let adm = get(EtensuTable::AdmissionAddition).map(|l| {
                s.spawn(move || {
                    load_one::<AdmissionAdditionRow>(EtensuTable::AdmissionAddition, l, encoding)
                })
            });
            let cnt = get(EtensuTable::CountLimit).map(|l| {
                s.spawn(move || load_one::<CountLimitRow>(EtensuTable::CountLimit, l, encoding))
            });
            fn join<T>(
                h: Option<std::thread::ScopedJoinHandle<'_, TableResult<T>>>,
                reports: &mut Vec<TableReport>,
            ) -> Result<Option<Lined<T>>, LoadError> {
                match h {
                    None => Ok(None),
                    Some(h) => {
                        let (rows, report) =
                            h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
                        reports.push(report);
                        Ok(Some(rows))
                    }
                }
            }
            // Joined in file order, so the first error reported is the first table's.
            parsed.aux = join(aux, &mut reports)?;
            parsed.inclusions = join(inc, &mut reports)?;
            for (slot, h) in parsed.exclusions.iter_mut().zip(exc) {
                *slot = join(h, &mut reports)?;
            }
            parsed.admission = join(adm, &mut reports)?;
            parsed.counts = join(cnt, &mut reports)?;
            Ok(())
        })?;

        let mut loaded = [false; 8];
        for t in &reports {
            loaded[t.table.slot()] = true;
        }
        let file_of = |t: EtensuTable| {
            found[t.slot()]
                .as_ref()
                .map(|l| l.display.clone())
                .unwrap_or_default()
        };

        // 01: one row per (code, 新設年月日); several dated rows of a code are kept.
        let mut aux = parsed.aux.unwrap_or_default();
        let aux_key = |r: &AuxRow| (r.code, r.established_on);
        if !aux.is_sorted_by_key(|(r, _)| aux_key(r)) {
            aux.sort_by_key(|(r, _)| aux_key(r));
        }
        for w in aux.windows(2) {
            if aux_key(&w[0].0) == aux_key(&w[1].0) {
                return Err(LoadError::data(
                    Position {
                        file: file_of(EtensuTable::Aux),
                        line: w[0].1.max(w[1].1) as usize,
                        column: Some(2),
                        column_name: Some(AUX_COLUMNS[1]),
                        byte: None,
                    },
                    DataError::DuplicateCode(w[0].0.code.to_string()),
                ));
            }
        }
        let aux_index = index_by(&mut aux, |r| r.code);
        let mut inclusions = parsed.inclusions.unwrap_or_default();
        let inclusion_index = index_by(&mut inclusions, |r| r.group);
        let mut exclusion_index: [FxHashMap<Code, Span>; 4] = Default::default();
        let mut exclusions: [Vec<ExclusionRow>; 4] = Default::default();
        for (i, rows) in parsed.exclusions.into_iter().enumerate() {
            let mut rows = rows.unwrap_or_default();
            exclusion_index[i] = index_by(&mut rows, |r| r.code1);
            exclusions[i] = strip_lines(rows);
        }
        let mut admission = parsed.admission.unwrap_or_default();
        let admission_index = index_by(&mut admission, |r| r.group);
        let mut counts = parsed.counts.unwrap_or_default();
        let count_index = index_by(&mut counts, |r| r.code);

        Ok(Etensu {
            aux: strip_lines(aux),
            aux_index,
            inclusions: strip_lines(inclusions),
            inclusion_index,
            exclusions,
            exclusion_index,
            admission_additions: strip_lines(admission),
            admission_index,
            count_limits: strip_lines(counts),
            count_index,
            loaded,
            report: EtensuReport {
                dir: dir.to_owned(),
                encoding: encoding.name(),
                tables: reports,
                warnings,
                elapsed: start.elapsed(),
            },
        })
    }

    /// True when `table`'s file was found and loaded.
    pub fn has_table(&self, table: EtensuTable) -> bool {
        self.loaded[table.slot()]
    }

    // --- 01 -----------------------------------------------------------------------------------

    /// The 01 row of `code` (the one with the latest 新設年月日 when there are several).
    pub fn aux(&self, code: Code) -> Option<&AuxRow> {
        self.aux_versions(code).last()
    }

    /// The 01 row of `code` valid on `date`.
    pub fn aux_on(&self, code: Code, date: Date) -> Option<&AuxRow> {
        self.aux_versions(code)
            .iter()
            .rev()
            .find(|r| r.is_valid_on(date))
    }

    /// Every 01 row of `code`, oldest 新設年月日 first.
    pub fn aux_versions(&self, code: Code) -> &[AuxRow] {
        slice_of(&self.aux, &self.aux_index, &code)
    }

    /// All 01 rows, sorted by (code, 新設年月日).
    pub fn aux_rows(&self) -> &[AuxRow] {
        &self.aux
    }

    // --- 02 -----------------------------------------------------------------------------------

    /// The 02 rows of `group`: the codes included by the 01 rows naming it.
    pub fn inclusions_of_group(&self, group: GroupNo) -> &[InclusionRow] {
        slice_of(&self.inclusions, &self.inclusion_index, &group)
    }

    /// Every 02 row, sorted by group.
    pub fn inclusions(&self) -> &[InclusionRow] {
        &self.inclusions
    }

    /// The codes `code` includes, per 包括 pair of its 01 row valid on `date`.
    pub fn included_by(
        &self,
        code: Code,
        date: Date,
    ) -> impl Iterator<Item = (InclusionLink, &InclusionRow)> + '_ {
        self.aux_on(code, date)
            .into_iter()
            .flat_map(AuxRow::inclusions)
            .flat_map(move |link| {
                self.inclusions_of_group(link.group)
                    .iter()
                    .filter(move |r| r.is_valid_on(date))
                    .map(move |r| (link, r))
            })
    }

    // --- 03 -----------------------------------------------------------------------------------

    /// Every row of the 背反 table of `window`, sorted by code1 (file order within a code).
    pub fn exclusions(&self, window: ExclusionWindow) -> &[ExclusionRow] {
        &self.exclusions[window.index()]
    }

    /// The rows of `window` whose code1 is `code`.
    pub fn exclusions_for(&self, window: ExclusionWindow, code: Code) -> &[ExclusionRow] {
        slice_of(
            &self.exclusions[window.index()],
            &self.exclusion_index[window.index()],
            &code,
        )
    }

    /// The row of `window` for the pair (`code1`, `code2`) valid on `date`.
    pub fn exclusion(
        &self,
        window: ExclusionWindow,
        code1: Code,
        code2: Code,
        date: Date,
    ) -> Option<&ExclusionRow> {
        self.exclusions_for(window, code1)
            .iter()
            .find(|r| r.code2 == code2 && r.is_valid_on(date))
    }

    // --- 04 -----------------------------------------------------------------------------------

    /// The additions allowed with the 入院料 of 入院基本料識別 `group`.
    pub fn admission_additions(&self, group: u16) -> &[AdmissionAdditionRow] {
        slice_of(&self.admission_additions, &self.admission_index, &group)
    }

    /// Every 04 row, sorted by group.
    pub fn admission_additions_all(&self) -> &[AdmissionAdditionRow] {
        &self.admission_additions
    }

    /// The 04 groups, ascending.
    pub fn admission_groups(&self) -> Vec<u16> {
        let mut g: Vec<u16> = self.admission_index.keys().copied().collect();
        g.sort_unstable();
        g
    }

    // --- 05 -----------------------------------------------------------------------------------

    /// The count limits of `code` (several units are possible).
    pub fn count_limits(&self, code: Code) -> &[CountLimitRow] {
        slice_of(&self.count_limits, &self.count_index, &code)
    }

    /// Every 05 row, sorted by code.
    pub fn count_limits_all(&self) -> &[CountLimitRow] {
        &self.count_limits
    }

    // --- cross checks ---------------------------------------------------------------------------

    /// Cross-checks the tables (not done by `load`): 01 flags and groups against the loaded
    /// tables (both ways), codes and names of 03/04/05 against 01, 05 unit names against 付表1.
    pub fn check_links(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        let mut warn = |message: String| out.push(Warning { message });
        let has = |t: EtensuTable| self.has_table(t);
        for r in &self.aux {
            let c = r.code;
            for w in ExclusionWindow::ALL {
                if has(w.table()) && r.has_exclusions(w) && self.exclusions_for(w, c).is_empty() {
                    warn(format!(
                        "01 {c} {}: 背反関連識別（{}）= 1 but no row in {}",
                        r.name,
                        w.japanese(),
                        w.table().id()
                    ));
                }
            }
            if has(EtensuTable::CountLimit) && r.count_related && self.count_limits(c).is_empty() {
                warn(format!(
                    "01 {c} {}: 算定回数関連 = 1 but no row in 05",
                    r.name
                ));
            }
            if has(EtensuTable::AdmissionAddition)
                && r.admission_group != 0
                && self.admission_additions(r.admission_group).is_empty()
            {
                warn(format!(
                    "01 {c} {}: 入院基本料識別 {:03} has no row in 04",
                    r.name, r.admission_group
                ));
            }
            if has(EtensuTable::Inclusion) {
                for l in r.inclusions() {
                    if self.inclusions_of_group(l.group).is_empty() {
                        warn(format!(
                            "01 {c} {}: グループ番号 {} has no row in 02",
                            r.name, l.group
                        ));
                    }
                }
            }
        }
        // Codes and names against 01, and the 01 flag (if any) the first row of a code implies.
        let mut check = |table: &str, c: Code, name: &Text, implied: Option<Implied>| {
            let Some(a) = self.aux(c) else {
                warn(format!("{table} {c} {name}: code not in 01"));
                return;
            };
            if a.name != *name {
                warn(format!(
                    "{table} {c}: name `{name}` differs from 01 `{}`",
                    a.name
                ));
            }
            let (set, col) = match implied {
                None => return,
                Some(Implied::Exclusion(w)) => (a.has_exclusions(w), 10 + w.index()),
                Some(Implied::Count) => (a.count_related, 21),
            };
            if !set {
                warn(format!(
                    "{table} {c} {name}: has rows but 01 {} = 0",
                    AUX_COLUMNS[col - 1]
                ));
            }
        };
        for w in ExclusionWindow::ALL {
            let rows = self.exclusions(w);
            for (i, r) in rows.iter().enumerate() {
                let first = i == 0 || rows[i - 1].code1 != r.code1;
                let implied = first.then_some(Implied::Exclusion(w));
                check(w.table().id(), r.code1, &r.name1, implied);
                check(w.table().id(), r.code2, &r.name2, None);
            }
        }
        for r in &self.inclusions {
            check("02", r.code, &r.name, None);
        }
        for r in &self.admission_additions {
            check("04", r.code, &r.name, None);
        }
        for (i, r) in self.count_limits.iter().enumerate() {
            let first = i == 0 || self.count_limits[i - 1].code != r.code;
            check("05", r.code, &r.name, first.then_some(Implied::Count));
        }
        let groups: rustc_hash::FxHashSet<u16> =
            self.aux.iter().map(|r| r.admission_group).collect();
        for g in self.admission_groups() {
            if !groups.contains(&g) {
                warn(format!(
                    "04 グループ番号 {g:03}: no 01 row has this 入院基本料識別"
                ));
            }
        }
        let mut units: Vec<(u16, &str)> = self
            .count_limits
            .iter()
            .map(|r| (r.unit_code, r.unit_name.as_str()))
            .collect();
        units.sort_unstable();
        units.dedup();
        for (code, name) in units {
            match CountUnit(code).name() {
                Some(n) if n == name => {}
                Some(n) => warn(format!(
                    "05 算定単位コード {code}: name `{name}`, 付表1 says `{n}`"
                )),
                None => warn(format!("05 算定単位コード {code} `{name}` is not in 付表1")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUX: [&str; 27] = [
        "0",
        "160171310",
        "血管内視鏡検査",
        "3",
        "D324001",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
        "0",
        "0",
        "",
        "0",
        "0",
        "000",
        "1",
        "0",
        "0",
        "0",
        "0",
        "20100401",
        "99999999",
    ];
    const EXC: [&str; 10] = [
        "0",
        "160171310",
        "血管内視鏡検査",
        "170000310",
        "透視診断",
        "1",
        "0",
        "0",
        "20100401",
        "99999999",
    ];
    const INC: [&str; 7] = [
        "0",
        "J028001",
        "140005610",
        "酸素吸入",
        "0",
        "20100401",
        "99999999",
    ];
    const ADM: [&str; 8] = [
        "0",
        "067",
        "190117170",
        "基幹型臨床研修病院入院診療加算",
        "1",
        "0",
        "20100401",
        "99999999",
    ];
    const CNT: [&str; 14] = [
        "0",
        "180046410",
        "リンパ浮腫複合的治療料（重症）",
        "131",
        "月",
        "1",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "20160401",
        "99999999",
    ];

    /// One CP932 CSV line (CRLF) of `fields`, with `(column, value)` replaced.
    fn line(fields: &[&str], set: &[(usize, &str)]) -> Vec<u8> {
        let mut f: Vec<&str> = fields.to_vec();
        for &(c, v) in set {
            f[c - 1] = v;
        }
        let s: Vec<String> = f.iter().map(|v| format!("\"{v}\"")).collect();
        let text = s.join(",") + "\r\n";
        encoding_rs::SHIFT_JIS.encode(&text).0.into_owned()
    }

    fn parse<R: EtensuRecord>(
        table: EtensuTable,
        bytes: &[u8],
    ) -> Result<(Vec<R>, usize, usize), LoadError> {
        let file = table.file_name();
        let text = decode_table(table, file, bytes, Encoding::Cp932)?;
        let p = parse_table::<R>(table, file, &text)?;
        Ok((strip_lines(p.rows), p.read, p.erased))
    }

    fn err_at<R: EtensuRecord + fmt::Debug>(
        table: EtensuTable,
        bytes: &[u8],
    ) -> (LoadError, Position) {
        let err = parse::<R>(table, bytes).unwrap_err();
        let pos = err.position().expect("a data error").clone();
        (err, pos)
    }

    #[test]
    fn parses_one_row_of_each_table() {
        let (aux, read, erased) = parse::<AuxRow>(EtensuTable::Aux, &line(&AUX, &[])).unwrap();
        assert_eq!((read, erased), (1, 0));
        let r = &aux[0];
        assert_eq!(r.code, Code(160171310));
        assert_eq!(r.name.as_str(), "血管内視鏡検査");
        let link = r.inclusion1.unwrap();
        assert_eq!((link.unit, link.group.as_str()), (3, "D324001"));
        assert_eq!(link.unit_name(), Some("同時"));
        assert_eq!((r.inclusion2, r.inclusion3), (None, None));
        assert!(r.exclusion_same_time && !r.exclusion_day && !r.exclusion_month);
        assert!(r.has_exclusions(ExclusionWindow::Simultaneous));
        assert_eq!(r.admission_group, 0);
        assert!(r.count_related);
        assert_eq!(r.established_on, Date::from_ymd(2010, 4, 1).unwrap());
        assert_eq!(r.abolished_on, EndDate(None));
        assert!(r.is_valid_on(Date::from_ymd(2024, 6, 1).unwrap()));
        assert!(!r.is_valid_on(Date::from_ymd(2010, 3, 31).unwrap()));

        let t = EtensuTable::Exclusion(ExclusionWindow::Simultaneous);
        let (exc, ..) = parse::<ExclusionRow>(t, &line(&EXC, &[])).unwrap();
        assert_eq!(exc[0].kind, ExclusionKind::KeepFirst);
        assert_eq!(
            (exc[0].code2, exc[0].name2.as_str()),
            (Code(170000310), "透視診断")
        );

        let (inc, ..) = parse::<InclusionRow>(EtensuTable::Inclusion, &line(&INC, &[])).unwrap();
        assert_eq!(inc[0].group, GroupNo::new("J028001").unwrap());
        assert!(!inc[0].special_condition);

        let (adm, ..) =
            parse::<AdmissionAdditionRow>(EtensuTable::AdmissionAddition, &line(&ADM, &[]))
                .unwrap();
        assert_eq!((adm[0].group, adm[0].addition_kind), (67, 1));

        let (cnt, ..) = parse::<CountLimitRow>(EtensuTable::CountLimit, &line(&CNT, &[])).unwrap();
        assert_eq!((cnt[0].unit(), cnt[0].count), (CountUnit::MONTH, 1));
        assert!(cnt[0].special_condition);
        assert_eq!(cnt[0].unit_name.as_str(), "月");
    }

    #[test]
    fn lf_and_crlf_and_one_digit_or_two_digit_units() {
        let mut bytes = line(&AUX, &[(4, "01"), (5, "J028001")]);
        bytes.truncate(bytes.len() - 2);
        bytes.push(b'\n');
        bytes.extend(line(&AUX, &[(2, "140028410")]));
        let (rows, read, _) = parse::<AuxRow>(EtensuTable::Aux, &bytes).unwrap();
        assert_eq!(read, 2);
        assert_eq!(rows[0].inclusion1.unwrap().unit, 1);
        assert_eq!(rows[1].code, Code(140028410));
    }

    #[test]
    fn wrong_column_count_names_file_and_line() {
        let mut bytes = line(&AUX, &[]);
        bytes.extend(line(&AUX[..26], &[]));
        let (err, pos) = err_at::<AuxRow>(EtensuTable::Aux, &bytes);
        assert_eq!(pos.file, "01補助マスターテーブル.csv");
        assert_eq!((pos.line, pos.column), (2, None));
        assert!(err.to_string().contains("expected 27, found 26"), "{err}");

        let mut long = EXC.to_vec();
        long.push("0");
        let t = EtensuTable::Exclusion(ExclusionWindow::SameMonth);
        let (err, pos) = err_at::<ExclusionRow>(t, &line(&long, &[]));
        assert_eq!(pos.file, "03-2背反テーブル2.csv");
        assert!(err.to_string().contains("expected 10, found 11"), "{err}");
    }

    #[test]
    fn bad_dates_name_the_column() {
        let mut bytes = line(&AUX, &[]);
        bytes.extend(line(&AUX, &[(26, "20230229")]));
        let (err, pos) = err_at::<AuxRow>(EtensuTable::Aux, &bytes);
        assert_eq!(
            (pos.line, pos.column, pos.column_name),
            (2, Some(26), Some("新設年月日"))
        );
        assert!(err.to_string().contains("`20230229`"), "{err}");

        let (_, pos) =
            err_at::<CountLimitRow>(EtensuTable::CountLimit, &line(&CNT, &[(14, "2024-06-01")]));
        assert_eq!((pos.line, pos.column_name), (1, Some("廃止年月日")));
        let (_, pos) = err_at::<InclusionRow>(EtensuTable::Inclusion, &line(&INC, &[(6, "")]));
        assert_eq!(pos.column, Some(6));
    }

    #[test]
    fn unknown_change_kind_is_an_error() {
        let (err, pos) = err_at::<AuxRow>(EtensuTable::Aux, &line(&AUX, &[(1, "7")]));
        assert_eq!(
            (pos.line, pos.column, pos.column_name),
            (1, Some(1), Some("変更区分"))
        );
        assert!(err.to_string().contains("変更区分 `7`"), "{err}");
        // 2 (復活) exists only in 傷病名/修飾語.
        let (_, pos) = err_at::<AdmissionAdditionRow>(
            EtensuTable::AdmissionAddition,
            &line(&ADM, &[(1, "2")]),
        );
        assert_eq!(pos.column, Some(1));
    }

    #[test]
    fn erased_rows_are_dropped_and_counted() {
        let mut bytes = line(&CNT, &[(1, "1")]);
        bytes.extend(line(&CNT, &[(1, "3")]));
        bytes.extend(line(&CNT, &[(1, "9"), (14, "20240531")]));
        let (rows, read, erased) = parse::<CountLimitRow>(EtensuTable::CountLimit, &bytes).unwrap();
        assert_eq!((rows.len(), read, erased), (2, 3, 1));
        assert_eq!(rows[0].change, ChangeKind::New);
        assert_eq!(rows[1].change, ChangeKind::Abolished);
        assert!(!rows[1].is_valid_on(Date::from_ymd(2024, 6, 1).unwrap()));
        assert!(rows[1].is_valid_on(Date::from_ymd(2024, 5, 31).unwrap()));
    }

    #[test]
    fn malformed_cp932_names_file_line_and_column() {
        let mut bytes = line(&EXC, &[]);
        let mut bad = line(&EXC, &[(5, "X")]);
        let at = bad.iter().position(|&b| b == b'X').unwrap();
        bad[at] = 0x82; // lead byte followed by `"`: not a CP932 character
        bytes.extend(bad);
        let t = EtensuTable::Exclusion(ExclusionWindow::SameWeek);
        let (err, pos) = err_at::<ExclusionRow>(t, &bytes);
        assert_eq!(pos.file, "03-4背反テーブル4.csv");
        assert_eq!(
            (pos.line, pos.column, pos.column_name),
            (2, Some(5), Some("診療行為省略名称②"))
        );
        assert!(err.to_string().contains("CP932"), "{err}");
        assert!(err.to_string().contains("line 2, column 5"), "{err}");
    }

    #[test]
    fn bad_codes_flags_and_kinds() {
        let t = EtensuTable::Exclusion(ExclusionWindow::SameDay);
        let cases: [(&[(usize, &str)], usize); 5] = [
            (&[(2, "16017131")], 2),
            (&[(4, "17000031a")], 4),
            (&[(6, "4")], 6),
            (&[(7, "2")], 7),
            (&[(9, "")], 9),
        ];
        for (set, col) in cases {
            let (err, pos) = err_at::<ExclusionRow>(t, &line(&EXC, set));
            assert_eq!(pos.column, Some(col), "{err}");
            assert_eq!(pos.column_name, Some(EXCLUSION_COLUMNS[col - 1]));
        }
        // 包括単位 and グループ番号 must agree.
        let (_, pos) = err_at::<AuxRow>(EtensuTable::Aux, &line(&AUX, &[(4, "0")]));
        assert_eq!(pos.column_name, Some("包括単位①"));
        let (_, pos) = err_at::<AuxRow>(EtensuTable::Aux, &line(&AUX, &[(7, "B001034")]));
        assert_eq!(pos.column_name, Some("包括単位②"));
        let (_, pos) = err_at::<AuxRow>(EtensuTable::Aux, &line(&AUX, &[(5, "D324-01")]));
        assert_eq!(pos.column_name, Some("グループ番号①"));
        let (_, pos) = err_at::<AuxRow>(EtensuTable::Aux, &line(&AUX, &[(20, "abc")]));
        assert_eq!(pos.column_name, Some("入院基本料識別"));
    }

    #[test]
    fn count_units_and_kinds() {
        assert_eq!(CountUnit(121).name(), Some("日"));
        assert_eq!(CountUnit(147).name(), Some("１２月"));
        assert_eq!(CountUnit(999).name(), None);
        assert_eq!(CountUnit(999).to_string(), "999 (not in 付表1)");
        assert_eq!(CountUnit(133).to_string(), "133 入院中");
        assert!(COUNT_UNITS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(
            ExclusionKind::KeepFirst.mirrored(),
            ExclusionKind::KeepSecond
        );
        assert_eq!(
            ExclusionKind::EitherOne.mirrored(),
            ExclusionKind::EitherOne
        );
        assert_eq!(inclusion_unit_name(4), None);
        assert_eq!(
            name_match(EtensuTable::Aux, "01補助マスターテーブル.CSV"),
            2
        );
        assert_eq!(name_match(EtensuTable::Aux, "01_hojo.csv"), 1);
        assert_eq!(
            name_match(EtensuTable::Aux, "01補助マスターテーブル.csv"),
            2
        );
        assert_eq!(
            name_match(
                EtensuTable::Exclusion(ExclusionWindow::SameDay),
                "03-2背反テーブル2.csv"
            ),
            0
        );
        assert_eq!(name_match(EtensuTable::Aux, "010.csv"), 0);
    }

    struct TempDir(PathBuf);
    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("santei-etensu-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
        fn write(&self, name: &str, bytes: &[u8]) {
            std::fs::write(self.0.join(name), bytes).unwrap();
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn missing_required_and_optional_tables() {
        let dir = TempDir::new("missing");
        let err = Etensu::load(&dir.0).unwrap_err();
        assert!(matches!(err, LoadError::MissingEtensu { .. }), "{err}");
        assert!(
            err.to_string().contains("01補助マスターテーブル.csv"),
            "{err}"
        );
        assert!(
            err.to_string().contains(crate::ETENSU_DOWNLOAD_PAGE),
            "{err}"
        );

        dir.write("01補助マスターテーブル.csv", &line(&AUX, &[]));
        let et = Etensu::load(&dir.0).unwrap();
        assert_eq!(et.report.warnings.len(), 7);
        for t in EtensuTable::ALL.into_iter().skip(1) {
            assert!(!et.has_table(t));
            assert!(
                et.report
                    .warnings
                    .iter()
                    .any(|w| w.message.contains(t.file_name())
                        && w.message.contains(crate::ETENSU_DOWNLOAD_PAGE)),
                "{t}"
            );
        }
        assert!(et.exclusions(ExclusionWindow::SameDay).is_empty());
        assert!(et.count_limits(Code(160171310)).is_empty());

        let err = Etensu::load(dir.0.join("nope")).unwrap_err();
        assert!(matches!(err, LoadError::NotADirectory { .. }), "{err}");
    }

    #[test]
    fn dated_versions_and_duplicates_in_01() {
        let dir = TempDir::new("versions");
        let mut bytes = line(&AUX, &[(1, "9"), (27, "20240531")]);
        bytes.extend(line(&AUX, &[(4, "0"), (5, "0"), (26, "20240601")]));
        bytes.extend(line(&AUX, &[(2, "111000110")]));
        dir.write("01補助マスターテーブル.csv", &bytes);
        let et = Etensu::load(&dir.0).unwrap();
        let code = Code(160171310);
        assert_eq!(et.aux_versions(code).len(), 2);
        assert!(et.aux(code).unwrap().inclusion1.is_none());
        let d = |y, m, dd| Date::from_ymd(y, m, dd).unwrap();
        assert!(
            et.aux_on(code, d(2024, 5, 31))
                .unwrap()
                .inclusion1
                .is_some()
        );
        assert!(et.aux_on(code, d(2024, 6, 1)).unwrap().inclusion1.is_none());
        assert!(et.aux_on(code, d(2009, 1, 1)).is_none());
        assert_eq!(et.aux_rows().len(), 3);

        bytes.extend(line(&AUX, &[(26, "20240601")]));
        dir.write("01補助マスターテーブル.csv", &bytes);
        let err = Etensu::load(&dir.0).unwrap_err();
        let pos = err.position().unwrap();
        assert_eq!((pos.line, pos.column), (4, Some(2)));
        assert!(err.to_string().contains("160171310"), "{err}");
    }

    #[test]
    fn inclusions_by_group_and_by_parent_code() {
        let dir = TempDir::new("inclusions");
        dir.write(
            "01補助マスターテーブル.csv",
            &line(&AUX, &[(2, "140028410"), (4, "1"), (5, "J028001")]),
        );
        let mut inc = line(&INC, &[]);
        inc.extend(line(&INC, &[(2, "D324001"), (3, "170000310")]));
        inc.extend(line(&INC, &[(3, "140005810"), (7, "20240531")]));
        dir.write("02包括テーブル.csv", &inc);
        let et = Etensu::load(&dir.0).unwrap();
        let g = GroupNo::new("J028001").unwrap();
        assert_eq!(et.inclusions_of_group(g).len(), 2);
        assert!(et.inclusions_of_group(g).iter().all(|r| r.group == g));
        let d = Date::from_ymd(2024, 6, 1).unwrap();
        let got: Vec<(u8, Code)> = et
            .included_by(Code(140028410), d)
            .map(|(l, r)| (l.unit, r.code))
            .collect();
        assert_eq!(got, vec![(1, Code(140005610))]);
        // Only 140028410 is in this 01, so the three included codes are reported.
        let findings = et.check_links();
        assert_eq!(findings.len(), 3, "{findings:?}");
        assert!(
            findings
                .iter()
                .all(|w| w.message.contains("code not in 01"))
        );
    }

    #[test]
    fn tables_inside_a_zip_in_the_folder() {
        use std::io::Write;
        let dir = TempDir::new("zip");
        let f = std::fs::File::create(dir.0.join("tensuhyo_02.zip")).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("tensuhyo/01補助マスターテーブル.csv", opts)
            .unwrap();
        z.write_all(&line(&AUX, &[])).unwrap();
        z.start_file("tensuhyo/03-3背反テーブル3.csv", opts)
            .unwrap();
        z.write_all(&line(&EXC, &[])).unwrap();
        z.finish().unwrap();
        // An extracted file wins over the zip member.
        let mut cnt = line(&CNT, &[]);
        cnt.extend(line(&CNT, &[(4, "121"), (5, "日")]));
        dir.write("05算定回数テーブル.csv", &cnt);
        let et = Etensu::load(&dir.0).unwrap();
        assert_eq!(et.report.warnings.len(), 5, "{:?}", et.report.warnings);
        let rep = et.report.table(EtensuTable::Aux).unwrap();
        assert_eq!(
            rep.file,
            "tensuhyo_02.zip!tensuhyo/01補助マスターテーブル.csv"
        );
        let rows = et.exclusions_for(ExclusionWindow::Simultaneous, Code(160171310));
        assert_eq!(rows.len(), 1);
        assert_eq!(et.count_limits(Code(180046410)).len(), 2);
        // The zip itself can be given too.
        let et = Etensu::load(dir.0.join("tensuhyo_02.zip")).unwrap();
        assert!(et.has_table(EtensuTable::Exclusion(ExclusionWindow::Simultaneous)));
        assert!(!et.has_table(EtensuTable::CountLimit));
    }
}
