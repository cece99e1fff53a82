//! The committed header `include/santei.h` must be what cbindgen generates from the sources: this
//! test fails when they differ (so `cargo test` is the CI check). To update the header after
//! changing the API or its docs: `SANTEI_BLESS_HEADER=1 cargo test -p santei-ffi --test header`.

use std::path::PathBuf;

#[test]
fn committed_header_is_up_to_date() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/lib.rs"))
        .generate()
        .expect("cbindgen parses ffi/src");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("UTF-8 header");
    let path = root.join("include/santei.h");
    if std::env::var_os("SANTEI_BLESS_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write include/santei.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(generated.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "ffi/include/santei.h is out of date (first difference at line {line}); regenerate it \
             with `SANTEI_BLESS_HEADER=1 cargo test -p santei-ffi --test header` and commit it"
        );
    }
}
