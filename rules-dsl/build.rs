//! Embeds the bundled rule files (`rules/<revision>/*.rules`) so that the engine applies them
//! without any file at run time.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::from(
        "/// (revision, file name, text) of every bundled rule file.\npub static BUNDLED: &[(&str, &str, &str)] = &[\n",
    );
    let mut revs: Vec<_> = std::fs::read_dir(&root)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    revs.sort();
    for rev in revs.iter().filter(|p| p.is_dir()) {
        println!("cargo:rerun-if-changed={}", rev.display());
        let name = rev
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let mut files: Vec<_> = std::fs::read_dir(rev)
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        {
            println!("cargo:rerun-if-changed={}", f.display());
            let file = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let _ = writeln!(
                out,
                "    ({name:?}, \"rules/{name}/{file}\", include_str!({:?})),",
                f.display().to_string()
            );
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("bundled.rs");
    std::fs::write(dest, out).expect("write bundled.rs");
}
