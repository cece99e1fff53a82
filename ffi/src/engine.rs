//! `SanteiEngine`: masters loaded once, shared by every thread, and the calculation of a claim.

use std::ffi::c_char;
use std::sync::Arc;

use santei_engine::{Engine, EngineBuilder, MastersFolder};

use crate::builder::build;
use crate::error::SanteiError;
use crate::guard::{self, non_null, out};
use crate::result::SanteiResult;
use crate::status::*;

/// A loaded engine: the official masters of one or more 改定 (revisions) with their indexes, ready
/// to compute claims.
///
/// Ownership: reference-counted. Every function that hands out a `SanteiEngine *` (the
/// constructors, `santei_engine_clone`) gives the caller one reference, released with
/// `santei_engine_free`; the masters are freed with the last reference.
///
/// Thread safety: immutable once built. One engine may be used by any number of threads at once
/// without locking (`santei_engine_calculate` takes a `const SanteiEngine *`); a reference may be
/// freed from any thread.
pub struct SanteiEngine {
    engine: Engine,
}

const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<SanteiEngine>();
};

/// One folder of official masters to load, and optionally a folder of change files for it.
/// Paths are UTF-8 (pointer, length), not NUL-terminated.
#[repr(C)]
pub struct SanteiMastersFolder {
    /// The folder of the `*_ALL*` files of one revision (zip or CSV, CP932, as published).
    pub dir: *const c_char,
    /// Length of `dir` in bytes.
    pub dir_len: usize,
    /// A folder of change files (`s_20240621.csv` …) to apply after the base files, or NULL for
    /// none. Files older than the complete file are skipped.
    pub updates: *const c_char,
    /// Length of `updates` in bytes (ignored when `updates` is NULL).
    pub updates_len: usize,
    /// The folder (or zip) of the 医科電子点数表 of the same revision, as published (CP932), or
    /// NULL for none. Its 背反・包括・算定回数 tables become rules of the engine, as in a real
    /// deployment; without it santei applies only its bundled rules.
    pub etensu: *const c_char,
    /// Length of `etensu` in bytes (ignored when `etensu` is NULL).
    pub etensu_len: usize,
}

pub(crate) fn publish(engine: Engine, engine_out: *mut *mut SanteiEngine) {
    let handle = Arc::into_raw(Arc::new(SanteiEngine { engine })).cast_mut();
    // SAFETY: `engine_out` was checked non-NULL and points to writable storage (contract).
    unsafe { engine_out.write(handle) };
}

/// Creates an engine over santei's embedded demo data: a few hundred rows hand-picked from the
/// r06 (令和6年度) and r08 masters. For trying santei out; it is not a master, use
/// `santei_engine_load` for real claims. The same as a builder with `santei_builder_demo`.
///
/// On success writes a new engine reference to `*engine_out` (free it with
/// `santei_engine_free`). On failure writes nothing to `*engine_out` and, when `error_out` is not
/// NULL, a new error to `*error_out` (free it with `santei_error_free`).
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT` (`engine_out` NULL), a
/// `SANTEI_STATUS_MASTERS_*` code, or `SANTEI_STATUS_PANIC`. Thread-safe.
///
/// # Safety
/// `engine_out` is NULL or valid for writing one pointer; so is `error_out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_engine_new_demo(
    engine_out: *mut *mut SanteiEngine,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        out(engine_out, "engine_out")?;
        publish(build(EngineBuilder::new().demo())?, engine_out);
        Ok(())
    })
}

/// Loads one folder of official 支払基金 基本マスター (the `s`, `y`, `t`, `c`, `b`, `z` files of
/// one revision, zip or CSV, CP932, as published) and creates an engine over it. The revision is
/// inferred from the 医科診療行為 file. Takes about 0.1–0.3 s and 70 MB for a full revision.
/// For change files, several revisions or the 医科電子点数表, use `santei_engine_load_folders`;
/// for every other setting (rule folders, 多剤投与 rounding …), a `SanteiEngineBuilder`.
///
/// `dir`/`dir_len`: the folder path, UTF-8, not NUL-terminated.
///
/// On success writes a new engine reference to `*engine_out` (free it with
/// `santei_engine_free`). On failure writes nothing to `*engine_out` and, when `error_out` is not
/// NULL, a new error to `*error_out` (free it with `santei_error_free`); a malformed file gives
/// `SANTEI_STATUS_MASTERS_DATA` with the file, line and column.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`, a
/// `SANTEI_STATUS_MASTERS_*` code, or `SANTEI_STATUS_PANIC`. Thread-safe.
///
/// # Safety
/// `dir` is NULL or valid for reading `dir_len` bytes; `engine_out` and `error_out` are NULL or
/// valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_engine_load(
    dir: *const c_char,
    dir_len: usize,
    engine_out: *mut *mut SanteiEngine,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        // SAFETY: per the contract.
        let dir = unsafe { guard::text(dir, dir_len, "dir") }?;
        out(engine_out, "engine_out")?;
        publish(build(EngineBuilder::new().masters(dir))?, engine_out);
        Ok(())
    })
}

/// Loads several folders of masters, typically one per revision (r04, r06 …), each with an
/// optional folder of change files and an optional 医科電子点数表, and creates one engine over all
/// of them: a claim is computed
/// with the revision in force on its dates (`SANTEI_STATUS_CLAIM_REVISION` when none is). A later
/// folder of the same revision replaces an earlier one.
///
/// `folders`: an array of `folder_count` (at least 1) folder descriptions, read only during the
/// call. To apply one updates folder to every revision (as `santei calc --updates` does), give it
/// in each element.
///
/// On success writes a new engine reference to `*engine_out` (free it with
/// `santei_engine_free`). On failure writes nothing to `*engine_out` and, when `error_out` is not
/// NULL, a new error to `*error_out` (free it with `santei_error_free`).
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (`folder_count` is 0), `SANTEI_STATUS_INVALID_UTF8`, a `SANTEI_STATUS_MASTERS_*` code,
/// `SANTEI_STATUS_RULES_INVALID`, or `SANTEI_STATUS_PANIC`. Thread-safe.
///
/// # Safety
/// `folders` is NULL or valid for reading `folder_count` elements, each with `dir` valid for
/// `dir_len` bytes, `updates` NULL or valid for `updates_len` bytes, and `etensu` NULL or valid
/// for `etensu_len` bytes; `engine_out` and `error_out` are NULL or valid for writing one
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_engine_load_folders(
    folders: *const SanteiMastersFolder,
    folder_count: usize,
    engine_out: *mut *mut SanteiEngine,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        non_null(folders, "folders")?;
        if folder_count == 0
            || folder_count > isize::MAX as usize / size_of::<SanteiMastersFolder>()
        {
            return Err(SanteiError::new(
                SANTEI_STATUS_INVALID_ARGUMENT,
                format!("`folder_count` is {folder_count}: give at least one folder"),
            ));
        }
        // SAFETY: non-NULL, `folder_count` readable elements (contract), size checked above.
        let folders = unsafe { std::slice::from_raw_parts(folders, folder_count) };
        let mut paths = Vec::with_capacity(folders.len());
        for (i, f) in folders.iter().enumerate() {
            // SAFETY: per the contract.
            let dir = unsafe { guard::text(f.dir, f.dir_len, &format!("folders[{i}].dir")) }?;
            // SAFETY: per the contract.
            let updates = unsafe { optional_text(f.updates, f.updates_len, i, "updates") }?;
            // SAFETY: per the contract.
            let etensu = unsafe { optional_text(f.etensu, f.etensu_len, i, "etensu") }?;
            paths.push((dir, updates, etensu));
        }
        out(engine_out, "engine_out")?;
        let mut builder = EngineBuilder::new();
        for (dir, updates, etensu) in paths {
            let mut folder = MastersFolder::new(dir);
            folder.updates = updates.map(Into::into);
            folder.etensu = etensu.map(Into::into);
            builder = builder.masters(folder);
        }
        publish(build(builder)?, engine_out);
        Ok(())
    })
}

/// Borrows an optional (pointer, length) text: NULL is `None`.
///
/// # Safety
/// `ptr` is NULL or valid for reading `len` bytes.
unsafe fn optional_text<'a>(
    ptr: *const c_char,
    len: usize,
    i: usize,
    field: &str,
) -> Result<Option<&'a str>, SanteiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { guard::text(ptr, len, &format!("folders[{i}].{field}")) }.map(Some)
}

/// Takes one more reference to an engine, for another owner (another thread, a cache): writes
/// `engine` itself to `*engine_out`. Each reference is released with its own
/// `santei_engine_free`; the masters stay loaded until the last one is.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT` or `SANTEI_STATUS_PANIC`.
/// Thread-safe.
///
/// # Safety
/// `engine` is NULL or a live engine reference; `engine_out` is NULL or valid for writing one
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_engine_clone(
    engine: *const SanteiEngine,
    engine_out: *mut *mut SanteiEngine,
) -> SanteiStatus {
    guard::run(std::ptr::null_mut(), || {
        non_null(engine, "engine")?;
        out(engine_out, "engine_out")?;
        // SAFETY: a live reference from `Arc::into_raw` (contract); the count stays ≥ 1 meanwhile.
        unsafe { Arc::increment_strong_count(engine) };
        // SAFETY: checked non-NULL, writable (contract).
        unsafe { engine_out.write(engine.cast_mut()) };
        Ok(())
    })
}

/// Releases one reference to an engine; the masters are freed with the last reference. NULL is
/// allowed and does nothing. Results computed by the engine stay valid: they do not borrow it.
///
/// # Safety
/// `engine` is NULL or a reference from santei not released yet; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_engine_free(engine: *mut SanteiEngine) {
    if engine.is_null() {
        return;
    }
    // Dropping the last reference drops the masters; a panic there (none is expected) must not
    // cross the C boundary.
    let _ = guard::run(std::ptr::null_mut(), || {
        // SAFETY: one reference from `Arc::into_raw`/`increment_strong_count`, released once.
        drop(unsafe { Arc::from_raw(engine.cast_const()) });
        Ok(())
    });
}

/// Computes one claim: `json`/`json_len` is a `santei.claim/1` document (UTF-8, not
/// NUL-terminated; see docs/CLAIM_FORMAT.md), read only during the call.
///
/// On success writes a new result to `*result_out` (free it with `santei_result_free`). Rule
/// outcomes (a line not billed, a warning) are findings in the result, not errors. On failure —
/// the claim cannot be judged at all — writes nothing to `*result_out` and, when `error_out` is
/// not NULL, a new error to `*error_out` with the JSON path (free it with `santei_error_free`).
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT`, a `SANTEI_STATUS_CLAIM_*` code, or `SANTEI_STATUS_PANIC`.
///
/// Thread safety: any number of threads may compute with one engine at once.
///
/// # Safety
/// `engine` is NULL or a live engine; `json` is NULL or valid for reading `json_len` bytes;
/// `result_out` and `error_out` are NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_engine_calculate(
    engine: *const SanteiEngine,
    json: *const c_char,
    json_len: usize,
    result_out: *mut *mut SanteiResult,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        non_null(engine, "engine")?;
        // SAFETY: per the contract.
        let json = unsafe { guard::bytes(json, json_len, "json") }?;
        guard::utf8(json, "json")?;
        out(result_out, "result_out")?;
        // SAFETY: a live engine (contract).
        let engine = unsafe { &(*engine).engine };
        let result = engine
            .calculate_json(json)
            .map_err(|e| SanteiError::claim(&e, json))?;
        let handle = Box::into_raw(Box::new(SanteiResult::new(result)));
        // SAFETY: checked non-NULL, writable (contract).
        unsafe { result_out.write(handle) };
        Ok(())
    })
}

/// `santei_engine_calculate_with` flag: every line and amount of the result carries its
/// `explain` (master rows, roundings, rules), as `santei_engine_calculate` gives it and `santei
/// calc --json --explain` prints it.
pub const SANTEI_CALC_EXPLAIN: u32 = 1;

/// Computes one claim as `santei_engine_calculate` does, with options: `flags` is 0 or
/// `SANTEI_CALC_EXPLAIN`. Without it no explanation is built (about half the time of a typical
/// 外来 claim, and a smaller JSON), as `santei calc --json` without `--explain`. Unknown flag
/// bits are `SANTEI_STATUS_INVALID_ARGUMENT`.
///
/// Returns as `santei_engine_calculate`.
///
/// # Safety
/// As `santei_engine_calculate`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_engine_calculate_with(
    engine: *const SanteiEngine,
    json: *const c_char,
    json_len: usize,
    flags: u32,
    result_out: *mut *mut SanteiResult,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        non_null(engine, "engine")?;
        if flags & !SANTEI_CALC_EXPLAIN != 0 {
            return Err(SanteiError::new(
                SANTEI_STATUS_INVALID_ARGUMENT,
                format!(
                    "flags {flags:#x}: only SANTEI_CALC_EXPLAIN ({SANTEI_CALC_EXPLAIN}) is defined"
                ),
            ));
        }
        // SAFETY: per the contract.
        let json = unsafe { guard::bytes(json, json_len, "json") }?;
        guard::utf8(json, "json")?;
        out(result_out, "result_out")?;
        // SAFETY: a live engine (contract).
        let engine = unsafe { &(*engine).engine };
        let options = santei_engine::CalcOptions {
            explain: flags & SANTEI_CALC_EXPLAIN != 0,
        };
        let result = engine
            .calculate_json_with(json, options)
            .map_err(|e| SanteiError::claim(&e, json))?;
        let handle = Box::into_raw(Box::new(SanteiResult::new(result)));
        // SAFETY: checked non-NULL, writable (contract).
        unsafe { result_out.write(handle) };
        Ok(())
    })
}
