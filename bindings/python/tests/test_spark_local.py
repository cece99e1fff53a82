"""santei.spark in Spark local mode (local[2]): a folder of UKE files recalculated on Spark gives,
receipt for receipt, the totals of `santei recalc` on the same files, and every RE record of the
input exactly once.

Needs pyspark, Java 17, the `santei` binary (SANTEI_BIN) and an input folder (SANTEI_SPARK_INPUT:
.ci/run puts a generated 20,000-receipt r06 file and the receiptisan sample there). Skipped
without them, unless SANTEI_REQUIRE_SPARK=1 (as in CI), which makes anything missing a failure.
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from shared_data import SHARED

REQUIRE = bool(os.environ.get("SANTEI_REQUIRE_SPARK"))
INPUT = os.environ.get("SANTEI_SPARK_INPUT")
BIN = os.environ.get("SANTEI_BIN")
MASTERS = [str(SHARED / "masters" / "r02"), str(SHARED / "masters" / "r06")]


def need(what, ok):
    if not ok:
        if REQUIRE:
            pytest.fail(f"SANTEI_REQUIRE_SPARK is set but {what} is missing")
        pytest.skip(f"{what} is missing")


@pytest.fixture(scope="module")
def spark():
    try:
        import pyspark  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        need("pyspark (pip install pyspark pyarrow)", False)
    need("SANTEI_SPARK_INPUT (a folder of UKE files)", INPUT and os.path.isdir(INPUT))
    need("SANTEI_BIN (the santei binary)", BIN and os.path.isfile(BIN))
    from pyspark.sql import SparkSession

    # The executors' Python is this one (the one santei is installed in).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master("local[2]")
        .appName("santei-test")
        .config("spark.ui.enabled", "false")
        # As `python -m santei.spark` runs it: the workers forked from santei's daemon.
        .config("spark.python.daemon.module", "santei._spark_daemon")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def recalc_json(path):
    """`santei recalc --format json`: the receipt objects, in file order."""
    p = subprocess.run(
        [BIN, "recalc", path, "--format", "json", "--jobs", "2", "--progress", "never"]
        + [a for m in MASTERS for a in ("--masters", m)],
        capture_output=True,
        text=True,
    )
    assert p.returncode in (0, 1), p.stderr + p.stdout[-2000:]
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    return [r for r in rows if r["type"] == "receipt"]


def test_parquet_totals_equal_santei_recalc_receipt_for_receipt(spark, tmp_path):
    import pyarrow.parquet as pq

    import santei.spark as ss

    out = tmp_path / "out"
    # Small blocks: the 20,000-receipt file becomes several blocks spread over both cores.
    summary = ss.run(spark, [INPUT], str(out), masters=MASTERS, block_bytes=4 << 20)
    ss.print_summary(summary)
    files = ss.list_inputs([INPUT])
    assert len(files) >= 2
    # Exactly once: the RE records counted here, independently of the splitter.
    re_records = 0
    for f in files:
        data = pathlib.Path(f).read_bytes()
        re_records += data.count(b"\nRE,") + data.startswith(b"RE,")
    assert summary["exactly_once"], summary["problems"]
    assert summary["re_records"] == re_records
    assert summary["file_errors"] == []
    assert summary["blocks"] > len(files)
    # One engine, built by santei's daemon before it forked the two workers, which reuse it for
    # every block (without the daemon: one per worker).
    assert summary["engines_built"] == 1 < summary["blocks"]
    assert 1 <= len(summary["timeline"]) <= 2  # local[2]: the workers, reused from task to task

    receipts = pq.read_table(out / "receipts").to_pylist()
    units = pq.read_table(out / "units").to_pylist()
    assert len(receipts) == re_records == summary["receipt_rows"]
    assert len({(r["file"], r["offset"]) for r in receipts}) == re_records
    per_receipt_units = {}
    for u in units:
        key = (u["file"], u["receipt_line"])
        per_receipt_units[key] = per_receipt_units.get(key, 0) + 1

    for f in files:
        mine = sorted((r for r in receipts if r["file"] == f), key=lambda r: r["offset"])
        want = recalc_json(f)
        assert len(mine) == len(want), f
        for got, exp in zip(mine, want):
            assert (
                got["receipt"],
                got["line"],
                got["month"],
                got["claimed_total"],
                got["computed_total"],
                got["lines"],
            ) == (
                exp["receipt"],
                exp["line"],
                exp["month"],
                exp["claimed_total"],
                exp["computed_total"],
                exp["lines"],
            ), (f, exp["receipt"])
            assert [got["matched"], got["differing"], got["cannot_check"]] == exp["counts"]
            assert (got["status"] == "differs") == exp["differs"]
            # santei recalc lists every check that is not a match (and the matching total).
            shown = [c for c in exp["checks"] if c["status"] != "match"]
            assert per_receipt_units.get((f, got["line"]), 0) == len(shown), (f, exp["receipt"])
    assert summary["claimed_points"] == sum(r["claimed_total"] or 0 for r in receipts)
    assert all(g["status"] == "match" for g in summary["go_points"])


def test_a_bad_file_does_not_stop_the_others(spark, tmp_path):
    import pyarrow.parquet as pq

    import santei.spark as ss

    folder = tmp_path / "in"
    folder.mkdir()
    gairai = (SHARED / "uke" / "receiptisan" / "RECEIPTC_GAIRAI_SAMPLE.UKE").read_bytes()
    (folder / "a_good.UKE").write_bytes(gairai)
    (folder / "b_gzip.UKE").write_bytes(b"\x1f\x8b\x08\x00rest")
    (folder / "c_empty.UKE").write_bytes(b"")
    # A malformed receipt (the 30th's 診療年月) is a row in its place.
    bad = bytearray(gairai)
    at = [i for i in range(len(bad)) if bad.startswith(b"RE,", i) and bad[i - 1] == 10][29]
    commas = [i for i in range(at, len(bad)) if bad[i] == ord(",")][:3]
    bad[commas[2] + 1] = ord("X")
    (folder / "d_malformed.UKE").write_bytes(bytes(bad))
    summary = ss.run(spark, [str(folder)], str(tmp_path / "out"), masters=MASTERS)
    assert summary["exactly_once"], summary["problems"]
    assert summary["re_records"] == 150 == summary["receipt_rows"]
    assert summary["malformed"] == 1
    errors = {pathlib.Path(e["path"]).name: e["error"] for e in summary["file_errors"]}
    assert set(errors) == {"b_gzip.UKE", "c_empty.UKE"}
    rows = pq.read_table(tmp_path / "out" / "receipts").to_pylist()
    bad_rows = [r for r in rows if r["status"] == "malformed"]
    assert [(pathlib.Path(r["file"]).name, r["receipt"]) for r in bad_rows] == [
        ("d_malformed.UKE", 30)
    ]


def test_masters_missing_on_the_executors_is_reported_per_block(spark, tmp_path):
    import santei.spark as ss

    summary = ss.run(
        spark, [INPUT], str(tmp_path / "out"), masters=[str(tmp_path / "no-such-masters")]
    )
    assert not summary["exactly_once"]
    assert summary["receipt_rows"] == 0 and summary["re_records"] > 0
    assert all("no engine on this executor" in p for p in summary["problems"]), summary["problems"][:3]
