//! santei's embedded demo data: a hand-picked subset of the r06 (令和6年度改定) masters in the
//! official column layout, UTF-8. See `masters/demo/r2024-06/README.md`. Not official data.

/// (file name, text) for each kind.
pub struct DemoFiles {
    pub s: (&'static str, &'static str),
    pub y: (&'static str, &'static str),
    pub t: (&'static str, &'static str),
    pub c: (&'static str, &'static str),
    pub b: (&'static str, &'static str),
    pub z: (&'static str, &'static str),
}

macro_rules! demo_file {
    ($name:literal) => {
        (
            concat!("demo/r2024-06/", $name),
            include_str!(concat!("../demo/r2024-06/", $name)),
        )
    };
}

/// The r2024-06 demo subset.
pub static R2024_06: DemoFiles = DemoFiles {
    s: demo_file!("s_ALL20240601.csv"),
    y: demo_file!("y_ALL20240601.csv"),
    t: demo_file!("t_ALL20240601.csv"),
    c: demo_file!("c_ALL20240601.csv"),
    b: demo_file!("b_20240601.txt"),
    z: demo_file!("z_20240601.txt"),
};
