//! santei's embedded demo data: hand-picked subsets of the official masters of each revision
//! santei supports, in the official column layout, UTF-8. See `masters/demo/<revision>/README.md`.
//! Not official data.

/// (file name, text) for each kind a demo revision has; the kinds its source lacks are `None`.
pub struct DemoFiles {
    /// The revision id (`r2024-06`).
    pub revision: &'static str,
    /// Where the rows were taken from, for warnings.
    pub source: &'static str,
    pub s: (&'static str, &'static str),
    pub y: Option<(&'static str, &'static str)>,
    pub t: Option<(&'static str, &'static str)>,
    pub c: Option<(&'static str, &'static str)>,
    pub b: Option<(&'static str, &'static str)>,
    pub z: Option<(&'static str, &'static str)>,
}

macro_rules! demo_file {
    ($rev:literal, $name:literal) => {
        (
            concat!("demo/", $rev, "/", $name),
            include_str!(concat!("../demo/", $rev, "/", $name)),
        )
    };
}

/// The r2024-06 demo subset (rows of the complete r06 files).
pub static R2024_06: DemoFiles = DemoFiles {
    revision: "r2024-06",
    source: "rows of the official r06 files (s/y_ALL20240531, t_ALL20240315, c_ALL20240531, b/z_20240601)",
    s: demo_file!("r2024-06", "s_demo.csv"),
    y: Some(demo_file!("r2024-06", "y_demo.csv")),
    t: Some(demo_file!("r2024-06", "t_demo.csv")),
    c: Some(demo_file!("r2024-06", "c_demo.csv")),
    b: Some(demo_file!("r2024-06", "b_demo.txt")),
    z: Some(demo_file!("r2024-06", "z_demo.txt")),
};

/// The r2026-06 demo subset (rows of the r08 s/y_ALL20261001 files; no 特定器材, コメント,
/// 傷病名 or 修飾語 rows: see masters/demo/r2026-06/README.md).
pub static R2026_06: DemoFiles = DemoFiles {
    revision: "r2026-06",
    source: "rows of the r08 s_ALL20261001 and y_ALL20261001 files",
    s: demo_file!("r2026-06", "s_demo.csv"),
    y: Some(demo_file!("r2026-06", "y_demo.csv")),
    t: None,
    c: None,
    b: None,
    z: None,
};

/// Every demo revision, oldest first.
pub static ALL: [&DemoFiles; 2] = [&R2024_06, &R2026_06];
