//! santei-python: Python bindings (PyO3 + maturin, abi3). Not written yet: see issue 6; PyO3 is
//! added with the bindings so the default build needs no Python toolchain meanwhile.
