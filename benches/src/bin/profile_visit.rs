//! The typical visit of the benches computed N times, for a profiler: `valgrind --tool=callgrind
//! --toggle-collect='*calculate_with*' target/release/profile_visit 2000 [explain|json]` counts the
//! instructions of the claims only (not the master load); `perf record` works the same way.
//! `explain` computes with explanations; `json` computes with them and also writes the
//! `santei.result/1` JSON of each result in `render_json` (benches/src/lib.rs): add
//! `--toggle-collect='*render_json*'` to count it too (the explanations are rendered there).
//! Usage: profile_visit [N (100000)] [explain|json]. Needs ../shared (the official r06 masters).

fn main() {
    santei_benches::profile_visit_main("profile_visit");
}
