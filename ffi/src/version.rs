//! The library version.

use std::ffi::c_char;

const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(v) => v,
    Err(_) => panic!("the package version has no NUL"),
};

/// The version of the santei library, `"MAJOR.MINOR.PATCH"` (static, NUL-terminated, never
/// freed). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn santei_version() -> *const c_char {
    VERSION.as_ptr()
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_package_version() {
        // SAFETY: a static NUL-terminated string.
        let v = unsafe { std::ffi::CStr::from_ptr(super::santei_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
