//! santei-ffi: the C ABI (cdylib + staticlib) over santei-engine. Not written yet: see issue 6.
