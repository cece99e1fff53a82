//! The declaration macro for master records: one line per official column (項番, field name, type,
//! 項目名), from which the struct, the strict parser, the sparse-update patcher and the labelled
//! view for `santei masters show` are all generated, so the four can never disagree.

use serde::Serialize;

use crate::MasterKind;
use crate::error::FieldError;
use crate::field::{ChangeKind, Date, EndDate};

/// One column of an official master layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    /// 項番 (1-based).
    pub no: usize,
    /// Field name in santei (see GLOSSARY.md).
    pub name: &'static str,
    /// Official 項目名.
    pub label: &'static str,
}

/// What every kind of master record offers to the loader and the [`crate::MasterSet`].
pub trait MasterRecord: Sized + Clone + PartialEq + Serialize + Send + Sync + 'static {
    const KIND: MasterKind;
    /// Every column of the newest layout this loader knows.
    const COLUMNS: &'static [ColumnInfo];
    /// Fewest columns accepted (older editions lack trailing columns).
    const MIN_COLUMNS: usize;
    /// 項番 of 変更年月日.
    const CHANGED_ON_COLUMN: usize;
    /// 項番 of 廃止年月日.
    const ABOLISHED_ON_COLUMN: usize;

    /// Parses a complete row.
    fn from_fields(fields: &[&str]) -> Result<Self, FieldError>;
    /// Applies a sparse change row: every non-empty field replaces the current value.
    fn patch(&mut self, fields: &[&str]) -> Result<(), FieldError>;
    /// Every column with its rendered value.
    fn values(&self) -> Vec<(&'static ColumnInfo, String)>;
    /// The code of a row, read from its fields (works for sparse change rows).
    fn key_of_fields(fields: &[&str]) -> Result<u32, FieldError>;
    fn key(&self) -> u32;
    fn change_kind(&self) -> ChangeKind;
    /// 変更年月日 (or 収載年月日 where 変更年月日 is empty), when the row gives one.
    fn changed_on(&self) -> Option<Date>;
    fn abolished_on(&self) -> EndDate;
    /// Last day of use under a 経過措置, when there is one.
    fn transitional_until(&self) -> Option<Date> {
        None
    }
    /// The printed name (省略名称 or equivalent).
    fn name(&self) -> &str;
}

macro_rules! master_record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $col:literal $field:ident : $ty:ty = $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        pub struct $name {
            $(
                #[doc = concat!("項番", stringify!($col), " ", $label)]
                pub $field: $ty,
            )+
        }

        impl $name {
            /// Every column, in 項番 order.
            pub const COLUMN_INFO: &'static [$crate::record::ColumnInfo] = &[
                $( $crate::record::ColumnInfo { no: $col, name: stringify!($field), label: $label }, )+
            ];

            fn parse_fields(fields: &[&str]) -> Result<Self, $crate::error::FieldError> {
                Ok(Self {
                    $( $field: $crate::field::parse_col::<$ty>(fields, $col, $label)?, )+
                })
            }

            fn patch_fields(&mut self, fields: &[&str]) -> Result<(), $crate::error::FieldError> {
                $(
                    if fields.get($col - 1).is_some_and(|s| !s.is_empty()) {
                        self.$field = $crate::field::parse_col::<$ty>(fields, $col, $label)?;
                    }
                )+
                Ok(())
            }

            fn render_values(&self) -> Vec<(&'static $crate::record::ColumnInfo, String)> {
                let mut out = Vec::with_capacity(Self::COLUMN_INFO.len());
                let mut i = 0;
                $(
                    out.push((&Self::COLUMN_INFO[i], $crate::field::FieldValue::render(&self.$field)));
                    i += 1;
                )+
                let _ = i;
                out
            }
        }
    };
}

pub(crate) use master_record;

/// Reads a code column of a (possibly sparse) row.
pub(crate) fn code_at(fields: &[&str], col: usize, label: &'static str) -> Result<u32, FieldError> {
    let s = fields.get(col - 1).copied().unwrap_or("");
    let ok = !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(s.parse::<u32>().unwrap_or(0))
    } else {
        Err(FieldError {
            column: col,
            label,
            error: crate::error::DataError::BadField {
                value: s.to_owned(),
                expected: "a code",
            },
        })
    }
}
