//! Test-only entry points (cargo feature `test-hooks`, header macro `SANTEI_TEST_HOOKS`).

use crate::error::SanteiError;
use crate::guard;
use crate::status::SanteiStatus;

/// TEST ONLY (built with the cargo feature `test-hooks`; declared when `SANTEI_TEST_HOOKS` is
/// defined): panics inside the same guard as every entry point, to prove that a panic comes back
/// as `SANTEI_STATUS_PANIC` (with an error when `error_out` is not NULL) and that the process and
/// every handle stay usable.
///
/// # Safety
/// `error_out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn santei_test_panic(error_out: *mut *mut SanteiError) -> SanteiStatus {
    guard::run(error_out, || {
        panic!("santei_test_panic: a deliberate panic")
    })
}
