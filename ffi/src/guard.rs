//! The frame of every entry point: pointer checks, panic catching, error output.

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::SanteiError;
use crate::status::*;

/// Runs `f`, turning a panic into `SANTEI_STATUS_PANIC`. On failure the error is stored in
/// `*error_out` when `error_out` is not NULL; on success nothing is written there.
///
/// `f` writes its outputs last, after everything that can fail, so outputs are written only on
/// success. Unwind safety: the handles santei shares (the engine) are immutable, and a result or
/// error being built is dropped with the unwinding frame, so no broken state can be observed.
pub(crate) fn run(
    error_out: *mut *mut SanteiError,
    f: impl FnOnce() -> Result<(), SanteiError>,
) -> SanteiStatus {
    let error = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => return SANTEI_STATUS_OK,
        Ok(Err(e)) => e,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic payload".into());
            // A payload whose destructor panics must not escape either.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            SanteiError::new(
                SANTEI_STATUS_PANIC,
                format!("santei panicked (a bug; please report it): {message}"),
            )
        }
    };
    let status = error.status;
    if !error_out.is_null() {
        // SAFETY: the caller passes either NULL (checked) or a pointer to writable storage for
        // one `SanteiError *`, as documented on every function taking `error_out`.
        unsafe { error_out.write(Box::into_raw(Box::new(error))) };
    }
    status
}

/// Checks that `ptr` is not NULL.
pub(crate) fn non_null<T>(ptr: *const T, name: &str) -> Result<(), SanteiError> {
    if ptr.is_null() {
        Err(SanteiError::new(
            SANTEI_STATUS_NULL_ARGUMENT,
            format!("`{name}` is NULL"),
        ))
    } else {
        Ok(())
    }
}

/// Checks an output pointer (`T **` or `T *` to write through).
pub(crate) fn out<T>(ptr: *mut T, name: &str) -> Result<(), SanteiError> {
    non_null(ptr.cast_const(), name)
}

/// Borrows (pointer, length) bytes.
///
/// # Safety
/// `ptr` must be NULL or valid for reads of `len` bytes for `'a`, not mutated meanwhile.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const c_char,
    len: usize,
    name: &str,
) -> Result<&'a [u8], SanteiError> {
    non_null(ptr, name)?;
    if len > isize::MAX as usize {
        return Err(SanteiError::new(
            SANTEI_STATUS_INVALID_ARGUMENT,
            format!("`{name}_len` {len} is larger than PTRDIFF_MAX"),
        ));
    }
    // SAFETY: non-NULL, length at most isize::MAX, and the caller guarantees `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Borrows (pointer, length) UTF-8 text.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    len: usize,
    name: &str,
) -> Result<&'a str, SanteiError> {
    // SAFETY: forwarded from the caller.
    let b = unsafe { bytes(ptr, len, name) }?;
    utf8(b, name)
}

pub(crate) fn utf8<'a>(b: &'a [u8], name: &str) -> Result<&'a str, SanteiError> {
    std::str::from_utf8(b).map_err(|e| {
        SanteiError::new(
            SANTEI_STATUS_INVALID_UTF8,
            format!(
                "`{name}` is not UTF-8: invalid byte sequence at byte {}",
                e.valid_up_to()
            ),
        )
    })
}
