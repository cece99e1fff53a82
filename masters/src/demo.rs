//! santei's embedded demo data: hand-picked rows of the official masters of each revision santei
//! supports, in the official column layout, UTF-8, one folder per revision (`masters/demo/<revision>/`
//! with a README.md saying where every row comes from). The folders are embedded by masters/build.rs:
//! adding a revision's demo is adding its folder. Not official data.

/// (file name, text) for each kind a demo revision has; the kinds its folder lacks are `None`.
pub struct DemoFiles {
    /// The revision id (`r2024-06`), the folder's name.
    pub revision: &'static str,
    /// The first heading of the folder's README.md.
    pub source: &'static str,
    pub s: (&'static str, &'static str),
    pub y: Option<(&'static str, &'static str)>,
    pub t: Option<(&'static str, &'static str)>,
    pub c: Option<(&'static str, &'static str)>,
    pub b: Option<(&'static str, &'static str)>,
    pub z: Option<(&'static str, &'static str)>,
}

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// The demo of a revision (`r2024-06`).
pub fn of(revision: &str) -> Option<&'static DemoFiles> {
    ALL.iter().find(|d| d.revision == revision)
}
