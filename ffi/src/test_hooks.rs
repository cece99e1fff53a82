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
    quiet_for_the_deliberate_panic();
    guard::run(error_out, || panic!("{DELIBERATE}"))
}

const DELIBERATE: &str = "santei_test_panic: a deliberate panic";

/// The deliberate panic is expected: the default hook would print it, with a full backtrace when
/// RUST_BACKTRACE is set, in the middle of a passing test. Installed once; every other panic
/// still goes to the previous hook.
fn quiet_for_the_deliberate_panic() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if message != Some(DELIBERATE) {
                previous(info);
            }
        }));
    });
}
