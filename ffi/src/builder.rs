//! `SanteiEngineBuilder`: every setting of an engine (the same as `santei calc`'s options), then
//! `santei_builder_build`. The one-call constructors (`santei_engine_load` …) are built on it.

use std::ffi::c_char;
use std::path::PathBuf;

use santei_engine::copay::{
    HoCopay, MissingOver70Class, PublicReceiptRounding, Under70PublicLimit,
};
use santei_engine::masters::{Encoding, Revision};
use santei_engine::{
    CopaySettings, Engine, EngineBuilder, LocalSchemes, MastersFolder, PolypharmacyRounding,
};

use crate::engine::{SanteiEngine, publish};
use crate::error::SanteiError;
use crate::guard::{self, non_null, out};
use crate::status::*;

/// The settings of an engine to build: masters folders (each with its change files and
/// 医科電子点数表), the demo data, rule folders, the 多剤投与 rounding, the encoding of the files.
/// What `santei calc` can set, a builder can set:
///
/// | `santei calc`                 | C                                          |
/// |-------------------------------|--------------------------------------------|
/// | `--masters DIR` (none: demo)  | `santei_builder_add_masters`, `santei_builder_demo` |
/// | `--updates DIR`               | `santei_builder_updates` (or per folder)   |
/// | `--etensu [REV=]DIR`          | `santei_builder_etensu` (or per folder)    |
/// | `--complete-prefixes P,…`     | `santei_builder_complete_prefixes`         |
/// | `--revision REV`              | `santei_builder_revision`                  |
/// | `--encoding ENCODING`         | `santei_builder_encoding`                  |
/// | `--rules DIR`                 | `santei_builder_rules_dir`                 |
/// | `--polypharmacy-rounding U`   | `santei_builder_polypharmacy_rounding`     |
/// | `--under70-public-limit HOW`  | `santei_builder_under70_public_limit`      |
/// | `--public-receipt-rounding H` | `santei_builder_public_receipt_rounding`   |
/// | `--missing-over70-class WHAT` | `santei_builder_missing_over70_class`      |
/// | `--ho-copay WHEN`             | `santei_builder_ho_copay`                  |
/// | `--local-schemes FILE`        | `santei_builder_local_schemes_file`, `santei_builder_local_schemes` (JSON) |
/// | (library only)                | `santei_builder_without_bundled_rules`     |
///
/// The setters only record (paths are not checked until the build); `santei_builder_build` loads
/// everything and reports the first problem, naming the folder.
///
/// Ownership: created by `santei_builder_new`, owned by the caller, released with
/// `santei_builder_free`. `santei_builder_build` does not consume it: build again, or free it.
///
/// Thread safety: not synchronised. Use a builder from one thread at a time (it may move between
/// threads); the engines it builds are shared freely.
pub struct SanteiEngineBuilder {
    builder: EngineBuilder,
}

/// The unit the F200 注3 多剤投与 90/100 is rounded over (`--polypharmacy-rounding`).
pub type SanteiPolypharmacyRounding = u32;
/// 処方単位 (the default): once over the sum of the 処方's 内服薬 (通知 F200 (6)イ).
pub const SANTEI_POLYPHARMACY_ROUNDING_PRESCRIPTION: SanteiPolypharmacyRounding = 0;
/// 剤単位: per 剤, the reductions summed.
pub const SANTEI_POLYPHARMACY_ROUNDING_RX: SanteiPolypharmacyRounding = 1;

/// How the 公費 part of a 70歳未満 claim is capped (`--under70-public-limit`; MHLW H27 高額療養費
/// 事例14–31 use the ウ formula, the W-C10 難病 事例2 the own 区分; no 保険局 通知 found settles it).
pub type SanteiUnder70PublicLimit = u32;
/// Per 法別番号 (the default): the ウ formula for 特定給付対象療養 (結核, 自立支援 …), the own 区分
/// for 難病 54 / 小慢 52 / 生活保護 12.
pub const SANTEI_UNDER70_PUBLIC_LIMIT_BY_LAW: SanteiUnder70PublicLimit = 0;
/// The ウ formula for every 公費.
pub const SANTEI_UNDER70_PUBLIC_LIMIT_U_FORMULA: SanteiUnder70PublicLimit = 1;
/// The patient's own 区分 for every 公費.
pub const SANTEI_UNDER70_PUBLIC_LIMIT_OWN_CLASS: SanteiUnder70PublicLimit = 2;

/// How the KO 負担金額 (the patient's share under a 公費) is rounded (`--public-receipt-rounding`;
/// the 記載要領 text on its rounding was not found).
pub type SanteiPublicReceiptRounding = u32;
/// 10円 四捨五入 like the 窓口 (健保法75条), except an amount fixed by a limit or cap, written to
/// the yen (the default).
pub const SANTEI_PUBLIC_RECEIPT_ROUNDING_TEN_YEN_UNLESS_LIMITED: SanteiPublicReceiptRounding = 0;
/// Always to the yen.
pub const SANTEI_PUBLIC_RECEIPT_ROUNDING_YEN: SanteiPublicReceiptRounding = 1;

/// What a 70歳以上 claim without 所得区分 gets (`--missing-over70-class`; 健保令42条 / 高確法施行令
/// 15条: the 所得区分 decides the limits).
pub type SanteiMissingOver70Class = u32;
/// An error finding (CPY-502) and no copayment (the default).
pub const SANTEI_MISSING_OVER70_CLASS_REFUSE: SanteiMissingOver70Class = 0;
/// The 区分 that applies without 限度額適用認定証: 現役並みⅢ for 3割, 一般 for 1割/2割 (the claim's
/// `burden_percent` is required).
pub const SANTEI_MISSING_OVER70_CLASS_FROM_RATE: SanteiMissingOver70Class = 1;

/// When the HO 負担金額 (医療保険) is written (`--ho-copay`; UKE_LAYOUT HO 11: "written only when
/// required").
pub type SanteiHoCopay = u32;
/// Only when a limit (高額療養費, マル長, 配慮措置) changed the 一部負担金, and on 入院 claims (the
/// default).
pub const SANTEI_HO_COPAY_WHEN_LIMITED: SanteiHoCopay = 0;
/// Always.
pub const SANTEI_HO_COPAY_ALWAYS: SanteiHoCopay = 1;

/// The text encoding of master files (`--encoding`).
pub type SanteiEncoding = u32;
/// CP932 (Windows-31J), as 支払基金 publishes: the default.
pub const SANTEI_ENCODING_CP932: SanteiEncoding = 0;
/// UTF-8 (hand-written or converted files).
pub const SANTEI_ENCODING_UTF8: SanteiEncoding = 1;

/// Updates the builder behind a live pointer.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread meanwhile.
unsafe fn with(
    builder: *mut SanteiEngineBuilder,
    f: impl FnOnce(EngineBuilder) -> Result<EngineBuilder, SanteiError>,
) -> Result<(), SanteiError> {
    non_null(builder.cast_const(), "builder")?;
    // SAFETY: a live builder, used by this thread only (contract).
    let b = unsafe { &mut *builder };
    b.builder = f(std::mem::take(&mut b.builder))?;
    Ok(())
}

/// A path argument: (pointer, length) UTF-8.
///
/// # Safety
/// `ptr` is NULL or valid for reading `len` bytes.
unsafe fn path(ptr: *const c_char, len: usize, name: &str) -> Result<PathBuf, SanteiError> {
    // SAFETY: forwarded from the caller.
    unsafe { guard::text(ptr, len, name) }.map(PathBuf::from)
}

/// An optional path argument: NULL is none.
///
/// # Safety
/// `ptr` is NULL or valid for reading `len` bytes.
unsafe fn optional_path(
    ptr: *const c_char,
    len: usize,
    name: &str,
) -> Result<Option<PathBuf>, SanteiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { path(ptr, len, name) }.map(Some)
}

fn revision(text: &str, name: &str) -> Result<Revision, SanteiError> {
    Revision::parse(text).ok_or_else(|| {
        SanteiError::new(
            SANTEI_STATUS_INVALID_ARGUMENT,
            format!("`{name}`: unknown revision `{text}` (write r2024-06 or r06)"),
        )
    })
}

/// Creates an empty builder: no masters yet, santei's bundled rules, CP932 files, the 多剤投与
/// rounding per 処方.
///
/// On success writes a new builder to `*builder_out` (free it with `santei_builder_free`).
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT` or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_new(
    builder_out: *mut *mut SanteiEngineBuilder,
) -> SanteiStatus {
    guard::run(std::ptr::null_mut(), || {
        out(builder_out, "builder_out")?;
        let handle = Box::into_raw(Box::new(SanteiEngineBuilder {
            builder: EngineBuilder::new(),
        }));
        // SAFETY: checked non-NULL, writable (contract).
        unsafe { builder_out.write(handle) };
        Ok(())
    })
}

/// Releases a builder. NULL is allowed and does nothing. Engines built with it stay valid.
///
/// # Safety
/// `builder` is NULL or a builder from `santei_builder_new` not released yet; it must not be
/// used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_free(builder: *mut SanteiEngineBuilder) {
    if builder.is_null() {
        return;
    }
    let _ = guard::run(std::ptr::null_mut(), || {
        // SAFETY: a box from `santei_builder_new`, released once (contract).
        drop(unsafe { Box::from_raw(builder) });
        Ok(())
    });
}

/// Adds one folder of official masters (the `*_ALL*` files of one revision, zip or CSV, as
/// published), with an optional folder of change files (NULL: the builder's
/// `santei_builder_updates`, if any) and an optional 医科電子点数表 folder of the same revision
/// (NULL for none). A later folder of the same revision replaces an earlier one. Paths are UTF-8
/// (pointer, length), read during the call only; they are checked by `santei_builder_build`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` or `SANTEI_STATUS_PANIC`; on failure the builder is
/// unchanged and, when `error_out` is not NULL, a new error is written there.
///
/// # Safety
/// `builder` is NULL or a live builder; `dir` is NULL or valid for `dir_len` bytes; `updates` and
/// `etensu` are NULL or valid for their lengths; `error_out` is NULL or valid for writing one
/// pointer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn santei_builder_add_masters(
    builder: *mut SanteiEngineBuilder,
    dir: *const c_char,
    dir_len: usize,
    updates: *const c_char,
    updates_len: usize,
    etensu: *const c_char,
    etensu_len: usize,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        // SAFETY: per the contract.
        let dir = unsafe { path(dir, dir_len, "dir") }?;
        // SAFETY: per the contract.
        let updates = unsafe { optional_path(updates, updates_len, "updates") }?;
        // SAFETY: per the contract.
        let etensu = unsafe { optional_path(etensu, etensu_len, "etensu") }?;
        let mut folder = MastersFolder::new(dir);
        folder.updates = updates;
        folder.etensu = etensu;
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.masters(folder))) }
    })
}

/// Adds every revision of santei's embedded demo data (r2024-06, r2026-06: hand-picked subsets
/// of the masters, not official), as `santei calc` does without `--masters`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT` or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_demo(builder: *mut SanteiEngineBuilder) -> SanteiStatus {
    guard::run(std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.demo())) }
    })
}

/// A folder of change files (`s_20240621.csv` …) for every masters folder added without its own
/// (`santei calc --updates DIR`).
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `dir` is NULL or valid for `dir_len` bytes; `error_out`
/// is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_updates(
    builder: *mut SanteiEngineBuilder,
    dir: *const c_char,
    dir_len: usize,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        // SAFETY: per the contract.
        let dir = unsafe { path(dir, dir_len, "dir") }?;
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.updates(dir))) }
    })
}

/// A 医科電子点数表 folder (or zip) for a revision (`santei calc --etensu REV=DIR`): `revision` is
/// `r2024-06` or `r06` …, or NULL for the only revision loaded (`--etensu DIR`; the build fails
/// with `SANTEI_STATUS_MASTERS_ETENSU_AMBIGUOUS` when several are). Its 背反・包括・算定回数
/// tables become rules of the engine.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` (an unknown revision) or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `revision` is NULL or valid for `revision_len` bytes;
/// `dir` is NULL or valid for `dir_len` bytes; `error_out` is NULL or valid for writing one
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_etensu(
    builder: *mut SanteiEngineBuilder,
    revision: *const c_char,
    revision_len: usize,
    dir: *const c_char,
    dir_len: usize,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        let rev = if revision.is_null() {
            None
        } else {
            // SAFETY: per the contract.
            let text = unsafe { guard::text(revision, revision_len, "revision") }?;
            Some(self::revision(text, "revision")?)
        };
        // SAFETY: per the contract.
        let dir = unsafe { path(dir, dir_len, "dir") }?;
        // SAFETY: per the contract.
        unsafe {
            with(builder, |b| {
                Ok(match rev {
                    Some(r) => b.etensu_for(r, dir),
                    None => b.etensu(dir),
                })
            })
        }
    })
}

/// For an excerpt of the masters (`s_excerpt_ALL….csv`): the 医科診療行為 code prefixes it holds
/// completely, comma-separated (`"111,112,113,120,130"`), for every masters folder
/// (`santei calc --complete-prefixes`). A code of another prefix that the excerpt lacks is then
/// "not verifiable", never "unknown". An empty text clears them.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `prefixes` is NULL or valid for `prefixes_len` bytes;
/// `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_complete_prefixes(
    builder: *mut SanteiEngineBuilder,
    prefixes: *const c_char,
    prefixes_len: usize,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        // SAFETY: per the contract.
        let text = unsafe { guard::text(prefixes, prefixes_len, "prefixes") }?;
        let list: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect();
        if let Some(bad) = list.iter().find(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(SanteiError::new(
                SANTEI_STATUS_INVALID_ARGUMENT,
                format!("`prefixes`: `{bad}` is not a code prefix (digits, e.g. 111,120)"),
            ));
        }
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.complete_prefixes(list))) }
    })
}

/// The revision of the masters folders' files when it should not be inferred from them
/// (`santei calc --revision`): `r2024-06` or `r06` …; the build fails with
/// `SANTEI_STATUS_MASTERS_REVISION_NOT_LOADED` when no masters of it are loaded.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` (an unknown revision) or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `revision` is NULL or valid for `revision_len` bytes;
/// `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_revision(
    builder: *mut SanteiEngineBuilder,
    revision: *const c_char,
    revision_len: usize,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        // SAFETY: per the contract.
        let text = unsafe { guard::text(revision, revision_len, "revision") }?;
        let rev = self::revision(text, "revision")?;
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.revision(rev))) }
    })
}

/// The text encoding of the master files (`santei calc --encoding`): `SANTEI_ENCODING_CP932`
/// (the default, as published) or `SANTEI_ENCODING_UTF8`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (another number) or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_encoding(
    builder: *mut SanteiEngineBuilder,
    encoding: SanteiEncoding,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        let e = match encoding {
            SANTEI_ENCODING_CP932 => Encoding::Cp932,
            SANTEI_ENCODING_UTF8 => Encoding::Utf8,
            other => {
                return Err(SanteiError::new(
                    SANTEI_STATUS_INVALID_ARGUMENT,
                    format!("`encoding` {other} is not a SANTEI_ENCODING_* value"),
                ));
            }
        };
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.encoding(e))) }
    })
}

/// Adds a folder of `*.rules` files (`santei calc --rules DIR`; each file declares its
/// `revision`). A file that does not compile fails the build with `SANTEI_STATUS_RULES_INVALID`
/// and its file, line and column.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `dir` is NULL or valid for `dir_len` bytes; `error_out`
/// is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_rules_dir(
    builder: *mut SanteiEngineBuilder,
    dir: *const c_char,
    dir_len: usize,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        // SAFETY: per the contract.
        let dir = unsafe { path(dir, dir_len, "dir") }?;
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.rules_dir(dir))) }
    })
}

/// Leaves out santei's bundled rule files (`rules-dsl/rules/<revision>/`): only the rule folders
/// and 電子点数表 given are applied.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT` or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_without_bundled_rules(
    builder: *mut SanteiEngineBuilder,
) -> SanteiStatus {
    guard::run(std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.without_bundled_rules())) }
    })
}

/// The unit the F200 注3 多剤投与 90/100 is rounded over (`santei calc
/// --polypharmacy-rounding`): `SANTEI_POLYPHARMACY_ROUNDING_PRESCRIPTION` (the default) or
/// `SANTEI_POLYPHARMACY_ROUNDING_RX`. Finding DRG-303 of each result says which was used.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (another number) or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_polypharmacy_rounding(
    builder: *mut SanteiEngineBuilder,
    rounding: SanteiPolypharmacyRounding,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        let r = match rounding {
            SANTEI_POLYPHARMACY_ROUNDING_PRESCRIPTION => PolypharmacyRounding::PerPrescription,
            SANTEI_POLYPHARMACY_ROUNDING_RX => PolypharmacyRounding::PerRx,
            other => {
                return Err(SanteiError::new(
                    SANTEI_STATUS_INVALID_ARGUMENT,
                    format!("`rounding` {other} is not a SANTEI_POLYPHARMACY_ROUNDING_* value"),
                ));
            }
        };
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.polypharmacy_rounding(r))) }
    })
}

/// A `SANTEI_*` value of a setting, or the error naming the argument and its constants.
fn choice<T: Copy>(
    value: u32,
    values: &[(u32, T)],
    name: &str,
    prefix: &str,
) -> Result<T, SanteiError> {
    values
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            SanteiError::new(
                SANTEI_STATUS_INVALID_ARGUMENT,
                format!("`{name}` {value} is not a {prefix}* value"),
            )
        })
}

/// Changes one copayment setting of the builder.
///
/// # Safety
/// As [`with`].
unsafe fn set_copay(
    builder: *mut SanteiEngineBuilder,
    f: impl FnOnce(&mut CopaySettings),
) -> Result<(), SanteiError> {
    // SAFETY: forwarded from the caller.
    unsafe {
        with(builder, |b| {
            let mut s = b.copay();
            f(&mut s);
            Ok(b.copay_settings(s))
        })
    }
}

/// How the 公費 part of a 70歳未満 claim is capped (`santei calc --under70-public-limit`):
/// `SANTEI_UNDER70_PUBLIC_LIMIT_BY_LAW` (the default), `_U_FORMULA` or `_OWN_CLASS`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (another number) or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_under70_public_limit(
    builder: *mut SanteiEngineBuilder,
    limit: SanteiUnder70PublicLimit,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        let v = choice(
            limit,
            &[
                (
                    SANTEI_UNDER70_PUBLIC_LIMIT_BY_LAW,
                    Under70PublicLimit::ByLaw,
                ),
                (
                    SANTEI_UNDER70_PUBLIC_LIMIT_U_FORMULA,
                    Under70PublicLimit::UFormula,
                ),
                (
                    SANTEI_UNDER70_PUBLIC_LIMIT_OWN_CLASS,
                    Under70PublicLimit::OwnClass,
                ),
            ],
            "limit",
            "SANTEI_UNDER70_PUBLIC_LIMIT_",
        )?;
        // SAFETY: per the contract.
        unsafe { set_copay(builder, |s| s.under70_public_limit = v) }
    })
}

/// How the KO 負担金額 is rounded (`santei calc --public-receipt-rounding`):
/// `SANTEI_PUBLIC_RECEIPT_ROUNDING_TEN_YEN_UNLESS_LIMITED` (the default) or `_YEN`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (another number) or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_public_receipt_rounding(
    builder: *mut SanteiEngineBuilder,
    rounding: SanteiPublicReceiptRounding,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        let v = choice(
            rounding,
            &[
                (
                    SANTEI_PUBLIC_RECEIPT_ROUNDING_TEN_YEN_UNLESS_LIMITED,
                    PublicReceiptRounding::TenYenUnlessLimited,
                ),
                (
                    SANTEI_PUBLIC_RECEIPT_ROUNDING_YEN,
                    PublicReceiptRounding::Yen,
                ),
            ],
            "rounding",
            "SANTEI_PUBLIC_RECEIPT_ROUNDING_",
        )?;
        // SAFETY: per the contract.
        unsafe { set_copay(builder, |s| s.public_receipt_rounding = v) }
    })
}

/// What a 70歳以上 claim without 所得区分 gets (`santei calc --missing-over70-class`):
/// `SANTEI_MISSING_OVER70_CLASS_REFUSE` (the default: finding CPY-502, no copayment) or
/// `SANTEI_MISSING_OVER70_CLASS_FROM_RATE`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (another number) or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_missing_over70_class(
    builder: *mut SanteiEngineBuilder,
    what: SanteiMissingOver70Class,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        let v = choice(
            what,
            &[
                (
                    SANTEI_MISSING_OVER70_CLASS_REFUSE,
                    MissingOver70Class::Refuse,
                ),
                (
                    SANTEI_MISSING_OVER70_CLASS_FROM_RATE,
                    MissingOver70Class::FromRate,
                ),
            ],
            "what",
            "SANTEI_MISSING_OVER70_CLASS_",
        )?;
        // SAFETY: per the contract.
        unsafe { set_copay(builder, |s| s.missing_over70_class = v) }
    })
}

/// When the HO 負担金額 is written (`santei calc --ho-copay`): `SANTEI_HO_COPAY_WHEN_LIMITED`
/// (the default) or `SANTEI_HO_COPAY_ALWAYS`.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (another number) or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_ho_copay(
    builder: *mut SanteiEngineBuilder,
    when: SanteiHoCopay,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        let v = choice(
            when,
            &[
                (SANTEI_HO_COPAY_WHEN_LIMITED, HoCopay::WhenLimited),
                (SANTEI_HO_COPAY_ALWAYS, HoCopay::Always),
            ],
            "when",
            "SANTEI_HO_COPAY_",
        )?;
        // SAFETY: per the contract.
        unsafe { set_copay(builder, |s| s.ho_copay = v) }
    })
}

/// 地方単独 公費 (医療費助成) schemes as JSON text (what `santei calc --local-schemes FILE`
/// reads): an array of objects with `law_number` (法別番号) and optionally `payer_prefix`,
/// `name`, `patient_percent`, `per_visit_yen`, `max_charged_visits`, `monthly_cap_yen`,
/// `recipient_required`. A 公費 of a claim without its own `local` scheme takes the entry of its
/// 法別番号 with the longest matching 負担者番号 prefix. Replaces schemes given before.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` (not such JSON: the error gives the line and column, its path
/// is `json`) or `SANTEI_STATUS_PANIC`; on failure the builder is unchanged.
///
/// # Safety
/// `builder` is NULL or a live builder; `json` is NULL or valid for `json_len` bytes;
/// `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_local_schemes(
    builder: *mut SanteiEngineBuilder,
    json: *const c_char,
    json_len: usize,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        // SAFETY: per the contract.
        let text = unsafe { guard::text(json, json_len, "json") }?;
        let schemes = LocalSchemes::from_json(text.as_bytes()).map_err(|e| {
            SanteiError::new(
                SANTEI_STATUS_INVALID_ARGUMENT,
                format!("`json`: not a JSON array of 地方単独 公費 schemes: {e}"),
            )
            .at("json", e.line(), e.column())
        })?;
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.local_schemes(schemes))) }
    })
}

/// 地方単独 公費 schemes read from a JSON file when the engine is built (`santei calc
/// --local-schemes FILE`; the format of `santei_builder_local_schemes`). A file that cannot be
/// read or parsed fails `santei_builder_build` with `SANTEI_STATUS_INVALID_ARGUMENT`, the file
/// as the error's path and the line and column. Replaces schemes given before.
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_UTF8`,
/// `SANTEI_STATUS_INVALID_ARGUMENT` or `SANTEI_STATUS_PANIC`.
///
/// # Safety
/// `builder` is NULL or a live builder; `path` is NULL or valid for `path_len` bytes;
/// `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_local_schemes_file(
    builder: *mut SanteiEngineBuilder,
    path: *const c_char,
    path_len: usize,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        // SAFETY: per the contract.
        let file = unsafe { self::path(path, path_len, "path") }?;
        // SAFETY: per the contract.
        unsafe { with(builder, |b| Ok(b.local_schemes_file(file))) }
    })
}

/// Loads everything the builder names and creates an engine. Takes about 0.1–0.3 s and 70 MB per
/// full revision. The builder is not consumed: free it with `santei_builder_free`.
///
/// On success writes a new engine reference to `*engine_out` (free it with
/// `santei_engine_free`). On failure writes nothing to `*engine_out` and, when `error_out` is not
/// NULL, a new error naming the folder at fault (its path in `santei_error_path`; a malformed
/// file gives the file, line and column).
///
/// Returns `SANTEI_STATUS_OK`, `SANTEI_STATUS_NULL_ARGUMENT`, `SANTEI_STATUS_INVALID_ARGUMENT`
/// (no masters and no demo data added), a `SANTEI_STATUS_MASTERS_*` code (a folder that is not
/// there is `SANTEI_STATUS_MASTERS_NOT_A_DIRECTORY`), `SANTEI_STATUS_RULES_INVALID` or
/// `SANTEI_STATUS_PANIC`. Thread-safe as long as no other thread changes the builder.
///
/// # Safety
/// `builder` is NULL or a live builder; `engine_out` and `error_out` are NULL or valid for
/// writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_builder_build(
    builder: *const SanteiEngineBuilder,
    engine_out: *mut *mut SanteiEngine,
    error_out: *mut *mut SanteiError,
) -> SanteiStatus {
    guard::run(error_out, || {
        non_null(builder, "builder")?;
        out(engine_out, "engine_out")?;
        // SAFETY: a live builder (contract).
        let b = unsafe { &(*builder).builder };
        let engine = build(b.clone())?;
        publish(engine, engine_out);
        Ok(())
    })
}

/// Builds, turning a `BuildError` into the C error.
pub(crate) fn build(builder: EngineBuilder) -> Result<Engine, SanteiError> {
    builder.build().map_err(|e| SanteiError::build(&e))
}
