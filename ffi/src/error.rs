//! `SanteiError`: why a call failed, with a code, a message and a position.

use std::ffi::{CString, c_char};

use santei_engine::masters::LoadError;
use santei_engine::{BuildError, ClaimError};

use crate::status::*;

/// Why a call failed: a status code, a message, and where (a JSON path or a masters file, with a
/// line and column when known).
///
/// Ownership: returned through an `error_out` argument, owned by the caller, released with
/// `santei_error_free`. The strings it hands out live until then.
///
/// Thread safety: immutable; may be read from several threads at once and freed from any thread.
pub struct SanteiError {
    pub(crate) status: SanteiStatus,
    message: CString,
    path: CString,
    line: usize,
    column: usize,
}

/// A CString of `s`, with any NUL (possible only inside user data) replaced by U+FFFD.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| {
        CString::new(s.replace('\0', "\u{FFFD}")).expect("no NUL left after replacing them")
    })
}

impl SanteiError {
    pub(crate) fn new(status: SanteiStatus, message: impl AsRef<str>) -> SanteiError {
        SanteiError {
            status,
            message: c_string(message.as_ref()),
            path: CString::default(),
            line: 0,
            column: 0,
        }
    }

    pub(crate) fn at(mut self, path: &str, line: usize, column: usize) -> SanteiError {
        self.path = c_string(path);
        self.line = line;
        self.column = column;
        self
    }

    /// A claim that could not be computed. For malformed JSON, the line and column.
    pub(crate) fn claim(e: &ClaimError, json: &[u8]) -> SanteiError {
        let status = of_claim_code(e.code);
        let message = if status == SANTEI_STATUS_CLAIM_OTHER {
            format!("{e} ({})", e.code)
        } else {
            e.to_string()
        };
        let (line, column) = if status == SANTEI_STATUS_CLAIM_JSON {
            // The engine's claim error carries the position only in its message; the first syntax
            // error of the typed parse is the first syntax error of the document, found again here.
            match serde_json::from_slice::<serde::de::IgnoredAny>(json) {
                Err(j) => (j.line(), j.column()),
                Ok(_) => (0, 0),
            }
        } else {
            (0, 0)
        };
        SanteiError::new(status, message).at(&e.path, line, column)
    }

    /// Rule files that do not compile.
    pub(crate) fn rules(message: String, file: &str, line: usize, column: usize) -> SanteiError {
        SanteiError::new(SANTEI_STATUS_RULES_INVALID, message).at(file, line, column)
    }

    /// An engine that could not be built: the status of what went wrong, the message naming the
    /// folder, the path of the file or folder at fault.
    pub(crate) fn build(e: &BuildError) -> SanteiError {
        let message = e.to_string();
        let with_message = |mut err: SanteiError| {
            err.message = c_string(&message);
            err
        };
        match e {
            BuildError::NoMasters => SanteiError::new(SANTEI_STATUS_INVALID_ARGUMENT, &message),
            BuildError::FolderMissing { dir, .. } | BuildError::NotAFolder { dir, .. } => {
                SanteiError::new(SANTEI_STATUS_MASTERS_NOT_A_DIRECTORY, &message).at(
                    &dir.to_string_lossy(),
                    0,
                    0,
                )
            }
            BuildError::Masters { source, .. }
            | BuildError::Etensu { source, .. }
            | BuildError::Demo(source) => with_message(SanteiError::load(source)),
            BuildError::EtensuRevisionNotLoaded { dir, .. } => SanteiError::new(
                SANTEI_STATUS_MASTERS_REVISION_NOT_LOADED,
                &message,
            )
            .at(&dir.to_string_lossy(), 0, 0),
            BuildError::RevisionNotLoaded { .. } => {
                SanteiError::new(SANTEI_STATUS_MASTERS_REVISION_NOT_LOADED, &message)
            }
            BuildError::EtensuAmbiguous { dir, .. } => SanteiError::new(
                SANTEI_STATUS_MASTERS_ETENSU_AMBIGUOUS,
                &message,
            )
            .at(&dir.to_string_lossy(), 0, 0),
            BuildError::Rules { diagnostics } => {
                let first = diagnostics.first();
                SanteiError::rules(
                    diagnostics
                        .iter()
                        .map(|d| {
                            format!(
                                "`{}` line {}, column {}: {}",
                                d.file, d.line, d.col, d.message
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    first.map_or("", |d| d.file.as_str()),
                    first.map_or(0, |d| d.line),
                    first.map_or(0, |d| d.col),
                )
            }
            BuildError::LocalSchemes {
                file, line, column, ..
            } => SanteiError::new(SANTEI_STATUS_INVALID_ARGUMENT, &message).at(
                &file.to_string_lossy(),
                *line,
                *column,
            ),
            BuildError::LocalSchemesUnreadable { file, .. } => SanteiError::new(
                SANTEI_STATUS_INVALID_ARGUMENT,
                &message,
            )
            .at(&file.to_string_lossy(), 0, 0),
            _ => SanteiError::new(SANTEI_STATUS_INVALID_ARGUMENT, &message),
        }
    }

    /// Masters that could not be loaded.
    pub(crate) fn load(e: &LoadError) -> SanteiError {
        let message = e.to_string();
        match e {
            LoadError::Data { pos, .. } => SanteiError::new(SANTEI_STATUS_MASTERS_DATA, message)
                .at(&pos.file, pos.line, pos.column.unwrap_or(0)),
            LoadError::Io { path, .. } => SanteiError::new(SANTEI_STATUS_MASTERS_IO, message).at(
                &path.to_string_lossy(),
                0,
                0,
            ),
            LoadError::Zip { path, .. } => SanteiError::new(SANTEI_STATUS_MASTERS_ZIP, message).at(
                &path.to_string_lossy(),
                0,
                0,
            ),
            LoadError::MissingRequired { dir, .. } => SanteiError::new(
                SANTEI_STATUS_MASTERS_MISSING_REQUIRED,
                message,
            )
            .at(&dir.to_string_lossy(), 0, 0),
            LoadError::MissingEtensu { dir, .. } => SanteiError::new(
                SANTEI_STATUS_MASTERS_MISSING_ETENSU,
                message,
            )
            .at(&dir.to_string_lossy(), 0, 0),
            LoadError::NotADirectory { path } => SanteiError::new(
                SANTEI_STATUS_MASTERS_NOT_A_DIRECTORY,
                message,
            )
            .at(&path.to_string_lossy(), 0, 0),
            LoadError::NoRevision(_) => {
                SanteiError::new(SANTEI_STATUS_MASTERS_NO_REVISION, message)
            }
        }
    }
}

/// The status code of an error (one of `SANTEI_STATUS_*`, the same number the failing call
/// returned). `SANTEI_STATUS_NULL_ARGUMENT` when `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error from santei.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_error_code(error: *const SanteiError) -> SanteiStatus {
    // SAFETY: NULL or a live error, per the contract.
    unsafe { error.as_ref() }.map_or(SANTEI_STATUS_NULL_ARGUMENT, |e| e.status)
}

/// The message of an error: UTF-8, NUL-terminated, complete on its own (it repeats the position),
/// lower-case with user data in backticks, for example
/// ``visits[0].date: 2024-07-01 is not in the claim's month 2024-06-…``.
/// Valid until `santei_error_free(error)`. NULL when `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error from santei.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_error_message(error: *const SanteiError) -> *const c_char {
    // SAFETY: NULL or a live error, per the contract.
    unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| e.message.as_ptr())
}

/// Where the error is: for a claim error the JSON path (`visits[0].items[1].days`, `$` for the
/// whole document); for a masters error the file (`s_ALL20240531.zip!s_ALL20240531.csv`) or
/// folder; `""` when there is no position (argument errors, panics). UTF-8, NUL-terminated, valid
/// until `santei_error_free(error)`. NULL when `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error from santei.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_error_path(error: *const SanteiError) -> *const c_char {
    // SAFETY: NULL or a live error, per the contract.
    unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| e.path.as_ptr())
}

/// The 1-based line of the error: in the claim JSON (`SANTEI_STATUS_CLAIM_JSON`) or in the
/// masters file (`SANTEI_STATUS_MASTERS_DATA`). 0 when unknown or when `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error from santei.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_error_line(error: *const SanteiError) -> usize {
    // SAFETY: NULL or a live error, per the contract.
    unsafe { error.as_ref() }.map_or(0, |e| e.line)
}

/// The 1-based column of the error: the byte column in the line of the claim JSON, or the
/// official column number (項番) in a masters file. 0 when unknown or when `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error from santei.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_error_column(error: *const SanteiError) -> usize {
    // SAFETY: NULL or a live error, per the contract.
    unsafe { error.as_ref() }.map_or(0, |e| e.column)
}

/// Releases an error. NULL is allowed and does nothing. The error and its strings must not be
/// used afterwards.
///
/// # Safety
/// `error` is NULL or an error from santei not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_error_free(error: *mut SanteiError) {
    if !error.is_null() {
        // SAFETY: created by `Box::into_raw` in `guard::run`, and not freed yet (contract).
        // Dropping CStrings cannot panic.
        drop(unsafe { Box::from_raw(error) });
    }
}
