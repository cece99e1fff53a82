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
    s: demo_file!("s_demo.csv"),
    y: demo_file!("y_demo.csv"),
    t: demo_file!("t_demo.csv"),
    c: demo_file!("c_demo.csv"),
    b: demo_file!("b_demo.txt"),
    z: demo_file!("z_demo.txt"),
};
