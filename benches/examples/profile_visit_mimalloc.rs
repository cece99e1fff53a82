//! `profile_visit` on mimalloc, the allocator of the criterion benches (benches/engine.rs), so
//! that callgrind counts what criterion times: `cargo build --release -p santei-benches --example
//! profile_visit_mimalloc`, then `valgrind --tool=callgrind --toggle-collect='*calculate_with*'
//! target/release/examples/profile_visit_mimalloc 2000 [explain|json]`. The `profile_visit`
//! binary runs the same loop on the system allocator, as an embedder through the C ABI does.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    santei_benches::profile_visit_main("profile_visit_mimalloc");
}
