//! Load errors. Every data error names the file, the line and (where it applies) the column, so a
//! user can open the file and find the problem; nothing here ever panics on bad input.

use std::fmt;
use std::path::PathBuf;

use crate::MasterKind;

/// Where in a source file a problem was found. Lines and columns are 1-based; the column is the
/// official 項番 (CSV field number), not a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// File name as the user knows it (`s_ALL20240531.zip!s_ALL20240531.csv` for a zip member).
    pub file: String,
    pub line: usize,
    pub column: Option<usize>,
    /// Official column name (項目名) when the column is known.
    pub column_name: Option<&'static str>,
    /// Byte offset in the decompressed file, for encoding errors.
    pub byte: Option<usize>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` line {}", self.file, self.line)?;
        if let Some(c) = self.column {
            write!(f, ", column {c}")?;
            if let Some(name) = self.column_name {
                write!(f, " ({name})")?;
            }
        }
        if let Some(b) = self.byte {
            write!(f, ", byte {b}")?;
        }
        Ok(())
    }
}

/// What is wrong with a row or a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    #[error("malformed {encoding} byte sequence {bytes}")]
    MalformedEncoding {
        encoding: &'static str,
        bytes: String,
    },
    #[error("wrong column count: expected {expected}, found {found}")]
    ColumnCount { expected: String, found: usize },
    #[error("unterminated quoted field (truncated row?)")]
    UnterminatedQuote,
    #[error("unexpected character after a closing quote")]
    TextAfterQuote,
    #[error("empty line")]
    EmptyLine,
    #[error("bad value `{value}`: expected {expected}")]
    BadField {
        value: String,
        expected: &'static str,
    },
    #[error("unknown 変更区分 `{0}` (expected 0, 1, 2, 3, 5 or 9)")]
    UnknownChangeKind(String),
    #[error("wrong マスター種別 `{found}`: this file should hold `{expected}` rows")]
    WrongMasterKind {
        expected: &'static str,
        found: String,
    },
    #[error("code `{0}` appears twice in a complete master file")]
    DuplicateCode(String),
    #[error("コメントコード `{found}` does not match 区分+パターン+一連番号 `{expected}`")]
    CommentCodeMismatch { found: String, expected: String },
    #[error("change for code `{0}`, which is not in the master")]
    UnknownCodeInUpdate(String),
}

/// An error while loading masters or 電子点数表 tables.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{pos}: {error}")]
    Data {
        pos: Box<Position>,
        error: DataError,
    },
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read zip `{}`: {message}", path.display())]
    Zip { path: PathBuf, message: String },
    #[error(
        "the {} master ({}) is required but no `{}_ALL*.csv`/`.zip` file is in `{}`; download it from {}",
        kind.japanese(), kind.letter(), kind.letter(), dir.display(), crate::OFFICIAL_DOWNLOAD_PAGE
    )]
    MissingRequired { kind: MasterKind, dir: PathBuf },
    #[error("the 電子点数表 table {table} is required but `{file}` is not in `{}`; download the 医科電子点数表 zip from {}", dir.display(), crate::ETENSU_DOWNLOAD_PAGE)]
    MissingEtensu {
        table: &'static str,
        file: &'static str,
        dir: PathBuf,
    },
    /// A folder of files that is not there, or is a file.
    #[error("{}", not_a_folder(path))]
    NotADirectory { path: PathBuf },
    #[error("no revision is known for the date {0}")]
    NoRevision(String),
}

/// "does not exist" for a path that is not there (the usual mistake), else "is a file".
fn not_a_folder(path: &std::path::Path) -> String {
    if path.exists() {
        format!(
            "`{}` is a file, not a folder: pass the folder that holds the files",
            path.display()
        )
    } else {
        format!("`{}` does not exist", path.display())
    }
}

impl LoadError {
    pub(crate) fn data(pos: Position, error: DataError) -> Self {
        LoadError::Data {
            pos: Box::new(pos),
            error,
        }
    }

    /// The position of a data error, if this is one.
    pub fn position(&self) -> Option<&Position> {
        match self {
            LoadError::Data { pos, .. } => Some(pos),
            _ => None,
        }
    }
}

/// A field-level parse failure, before the file and line are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub column: usize,
    pub label: &'static str,
    pub error: DataError,
}

/// A non-fatal problem: a missing optional file, an update file skipped, and so on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
