//! Loading the official r06 医科診療行為 + 医薬品 + 特定器材 + コメント from the zips as distributed,
//! single-threaded, against the floor of just decompressing and decoding the same bytes; and the
//! parse cost alone on growing prefixes of the 医科診療行為 file, to show how cost grows with size.
//!
//! Run: `cargo bench -p santei-benches --bench masters_load` (needs ../shared).

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use santei_benches::shared_dir;
use santei_masters::source::read_raw;
use santei_masters::text::decode;
use santei_masters::{Encoding, LoadOptions, MasterKind, MasterSet, Procedure, Table};

fn r06_zips() -> Vec<PathBuf> {
    let dir = shared_dir().join("masters/r06");
    [
        "s_ALL20240531.zip",
        "y_ALL20240531.zip",
        "t_ALL20240315.zip",
        "c_ALL20240531.zip",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect()
}

fn load_r06(c: &mut Criterion) {
    let zips = r06_zips();
    let bytes: u64 = zips
        .iter()
        .map(|p| read_raw(p).expect("zip").bytes.len() as u64)
        .sum();
    let mut g = c.benchmark_group("r06_s_y_t_c_from_zip");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("decompress_and_decode_only", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &zips {
                let raw = read_raw(p).expect("zip");
                n += decode(&raw.bytes, Encoding::Cp932, &raw.display_name)
                    .expect("cp932")
                    .len();
            }
            n
        })
    });
    let opts = LoadOptions {
        kinds: Some(vec![
            MasterKind::Procedure,
            MasterKind::Drug,
            MasterKind::Material,
            MasterKind::Comment,
        ]),
        parallel: false,
        ..Default::default()
    };
    let dir = shared_dir().join("masters/r06");
    g.bench_function("masterset_load_single_thread", |b| {
        // Freeing the set afterwards is not part of loading it.
        b.iter_with_large_drop(|| MasterSet::load_with(&dir, &opts).expect("load"))
    });
    let par = LoadOptions {
        parallel: true,
        ..opts.clone()
    };
    g.bench_function("masterset_load_parallel", |b| {
        b.iter_with_large_drop(|| MasterSet::load_with(&dir, &par).expect("load"))
    });
    g.finish();
}

fn parse_scaling(c: &mut Criterion) {
    let raw = read_raw(&shared_dir().join("masters/r06/s_ALL20240531.zip")).expect("zip");
    let text = decode(&raw.bytes, Encoding::Cp932, "s").expect("cp932");
    let lines: Vec<&str> = text.split_inclusive("\r\n").collect();
    let mut g = c.benchmark_group("s_parse_by_rows");
    g.sample_size(20);
    for frac in [4, 2, 1] {
        let part: String = lines[..lines.len() / frac].concat();
        let rows = lines.len() / frac;
        g.throughput(Throughput::Bytes(part.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(rows), &part, |b, part| {
            b.iter(|| {
                Table::<Procedure>::from_bytes("s", part.as_bytes(), Encoding::Utf8).expect("parse")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, load_r06, parse_scaling);
criterion_main!(benches);
