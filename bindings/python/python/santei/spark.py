"""Recalculate a month of UKE files on Spark (PySpark ≥ 3.3, RDD `mapPartitions`).

    spark-submit [--master yarn …] examples/spark/recalc_month.py ARGS…   # on a cluster
    python -m santei.spark /data/202406/ --out /data/report-202406 \\
        --masters /opt/santei/masters/r06 [--masters …] [--updates …] [--etensu r2024-06=…] \\
        [--master local[2]] [--block-mb 32] [--no-rules] [--hospital --beds N --standard CODE]

From a program: `santei.spark.run(spark, inputs, out, masters=[…])` returns the summary.

How it runs (docs/SPARK.md has the cluster plan):
- the job's first stage starts the Python workers (one task per core: pyarrow and santei
  imported, the engine built) while the driver, at the same time, lists the files and cuts
  each into receipt-aligned blocks with `santei.uke.split` (Rust, reads the file once, decodes
  nothing) and counts its RE records; a file that cannot be read, is gzip/zip or holds no RE
  record is reported, the others go on;
- the blocks are dealt to a few tasks per core (`--tasks-per-core`, default 2): rows of (file,
  byte range, first line, RE count), never the receipts (no shuffle of receipt data);
- `mapPartitions` on the executors, plain RDD tasks (the plan rows and the summary rows are
  pickled; no DataFrame is planned and no Arrow crosses the JVM: `mapInArrow` cost the JVM
  4.5 CPU-s more in a fresh session's first job): each Python worker holds one engine
  (module-level cache, built by the first stage, reused by every later task of that worker:
  `spark.python.worker.reuse`, the default), reads its block's bytes and the file's IR header,
  recalculates them without the GIL and writes the receipt and unit reports as Parquet
  (`OUT/receipts/`, `OUT/units/`, one file per block, written under a temporary name then
  renamed: a retried task replaces, never duplicates);
- each task returns one summary row; the driver checks that every planned block came back
  exactly once with one receipt row per RE record (exactly-once), writes `OUT/summary.json`
  and prints the summary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from santei import uke

# Executor side: one engine per Python process, keyed by its settings, with the pid of the
# process that built it (a worker forked by santei's daemon inherits the daemon's engine).
_ENGINES: Dict[str, Tuple[Any, int]] = {}

#: The job's settings (JSON) in the Python workers' environment: santei's daemon
#: (`spark.python.daemon.module=santei._spark_daemon`) builds the engine before it forks them.
SETTINGS_ENV = "SANTEI_SPARK_SETTINGS"

PLAN_COLUMNS = [
    ("file_index", "long"),
    ("path", "string"),
    ("encoding", "string"),
    ("block", "long"),
    ("start", "long"),
    ("end", "long"),
    ("first_line", "long"),
    ("receipts", "long"),
    ("header_start", "long"),
    ("header_end", "long"),
]

RESULT_COLUMNS = [
    ("file_index", "long"),
    ("block", "long"),
    ("receipt_rows", "long"),
    ("unit_rows", "long"),
    ("match", "long"),
    ("differs", "long"),
    ("cannot_check", "long"),
    ("malformed", "long"),
    ("refused", "long"),
    ("claimed_points", "long"),
    ("computed_points", "long"),
    ("go_cases", "long"),
    ("go_points", "long"),
    ("uncovered", "string"),
    ("error", "string"),
    ("engine_pid", "long"),
    ("seconds", "double"),
    ("cpu_seconds", "double"),
    ("worker_pid", "long"),
    ("worker_cpu_seconds", "double"),
    ("started_at", "double"),
]


PLAN_NAMES = [n for n, _ in PLAN_COLUMNS]
RESULT_NAMES = [n for n, _ in RESULT_COLUMNS]


def _resolve(path: str) -> str:
    """A masters path as given, else a file shipped with the job (`--files`, `--archives`,
    `SparkContext.addFile/addArchive`) under the executor's SparkFiles root."""
    if os.path.exists(path):
        return path
    try:
        from pyspark import SparkFiles

        shipped = os.path.join(SparkFiles.getRootDirectory(), path)
        if os.path.exists(shipped):
            return shipped
    except Exception:  # noqa: BLE001 - not in a Spark worker
        pass
    return path


def _key(settings: Dict[str, Any]) -> str:
    return json.dumps(settings, sort_keys=True)


def engine_pid(settings: Dict[str, Any]) -> Optional[int]:
    """The pid of the process that built this process's engine for `settings` (this one, or the
    daemon it was forked from), None when there is none."""
    held = _ENGINES.get(_key(settings))
    return held[1] if held else None


def preload_from_env() -> None:
    """Builds the engine of the settings in `SANTEI_SPARK_SETTINGS`, if any (santei's daemon,
    before it forks the workers). An engine that cannot be built is left to the blocks, which
    report why."""
    text = os.environ.get(SETTINGS_ENV)
    if text:
        try:
            engine_for(json.loads(text))
        except Exception:  # noqa: BLE001 - every block reports it
            pass


def engine_for(settings: Dict[str, Any]):
    """The engine for `settings`, built once per process (or inherited from the daemon)."""
    key = _key(settings)
    held = _ENGINES.get(key)
    if held is None:
        import santei

        b = santei.EngineBuilder()
        for m in settings["masters"]:
            b = b.masters(_resolve(m))
        if settings.get("updates"):
            b = b.updates(_resolve(settings["updates"]))
        for rev, path in settings.get("etensu", []):
            b = b.etensu(_resolve(path), revision=rev) if rev else b.etensu(_resolve(path))
        for r in settings.get("rules_dirs", []):
            b = b.rules_dir(_resolve(r))
        held = (b.build(), os.getpid())
        _ENGINES[key] = held
    return held[0]


def _recalc_blocks(
    blocks: Iterable[tuple], settings: Dict[str, Any], out: str
) -> Iterator[Dict[str, Any]]:
    """`mapPartitions`: recalculates each planned block (a plan row) and writes its Parquet
    files; yields one summary dict per block."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        engine, engine_error = engine_for(settings), None
    except Exception as e:  # noqa: BLE001 - every block of the task says why
        engine, engine_error = None, f"no engine on this executor: {type(e).__name__}: {e}"
    built_by = engine_pid(settings)
    for plan_row in blocks:
        row = dict(zip(PLAN_NAMES, plan_row))
        t0, c0 = time.perf_counter(), time.process_time()
        res: Dict[str, Any] = {n: None for n in RESULT_NAMES}
        res.update(file_index=row["file_index"], block=row["block"], engine_pid=built_by)
        res["started_at"] = time.time()
        try:
            if engine_error:
                raise RuntimeError(engine_error)
            # santei reads the header and the block itself, into buffers it reuses.
            rep = uke.recalc(
                engine,
                row["path"],
                header_range=(row["header_start"], row["header_end"]),
                body_range=(row["start"], row["end"]),
                file=row["path"],
                first_line=row["first_line"],
                encoding=row["encoding"],
                rules=settings.get("rules", True),
                hospital=settings.get("hospital", False),
                beds=settings.get("beds", 0),
                standards=settings.get("standards", []),
            )
            name = f"part-{row['file_index']:05d}-{row['block']:05d}.parquet"
            for table, data in (("receipts", rep.receipts), ("units", rep.units)):
                final = os.path.join(out, table, name)
                tmp = f"{final}.{os.getpid()}.tmp"
                pq.write_table(pa.Table.from_batches([data]), tmp)
                os.replace(tmp, final)
            facts = rep.facts
            res.update(
                receipt_rows=rep.receipts.num_rows,
                unit_rows=rep.units.num_rows,
                claimed_points=facts["claimed_points"],
                computed_points=facts["computed_points"],
                **{s: facts[s] for s in uke.STATUSES},
            )
            if facts.get("uncovered_months"):
                res["uncovered"] = json.dumps(facts["uncovered_months"])
            if facts.get("go"):
                _, res["go_cases"], res["go_points"] = facts["go"]
        except Exception as e:  # noqa: BLE001 - reported per block, the others go on
            res["error"] = f"{type(e).__name__}: {e}"
        res["seconds"] = time.perf_counter() - t0
        res["cpu_seconds"] = time.process_time() - c0
        res["worker_pid"] = os.getpid()
        res["worker_cpu_seconds"] = time.process_time()
        yield res


def _prepare_worker(settings: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    """`mapPartitions` of the job's first stage: starts a Python worker (pyarrow and santei
    imported) and builds its engine, which the recalculation's tasks then find built (the
    workers are reused; a worker forked by santei's daemon has it already). Yields the pid that
    built the worker's engine; an engine that cannot be built is reported by every block of the
    recalculation, not here."""
    import pyarrow.parquet  # noqa: F401

    try:
        engine_for(settings)
    except Exception:  # noqa: BLE001 - the recalculation's blocks say why
        pass
    daemon = os.getppid()
    yield {
        "worker_pid": os.getpid(),
        "engine_pid": engine_pid(settings),
        # The daemon the worker was forked from (its imports, and the engine with santei's).
        "daemon_pid": daemon,
        "daemon_cpu_seconds": _cpu_seconds_of(daemon),
        "worker_cpu_seconds": time.process_time(),
        "ready_at": time.time(),
    }


def start_workers(spark: Any, settings: Dict[str, Any]) -> "threading.Thread":
    """Runs `_prepare_worker` on one task per core in a thread of the driver (while the driver
    cuts the files into blocks); join the thread, then read its `result` list."""
    import threading

    sc = spark.sparkContext
    n = max(1, sc.defaultParallelism)

    def job() -> None:
        try:
            rdd = sc.parallelize(range(n), n).mapPartitions(lambda _: _prepare_worker(settings))
            thread.result = rdd.collect()
        except Exception as e:  # noqa: BLE001 - the recalculation still runs and reports
            thread.error = f"{type(e).__name__}: {e}"

    thread = threading.Thread(target=job, name="santei-start-workers", daemon=True)
    thread.result, thread.error = [], None  # type: ignore[attr-defined]
    thread.start()
    return thread


def list_inputs(inputs: Iterable[str]) -> List[str]:
    """Every regular file under the given folders (sorted), and the files given."""
    files: List[str] = []
    for p in inputs:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs.sort()
                files.extend(
                    os.path.join(root, n) for n in sorted(names) if not n.startswith((".", "_"))
                )
        else:
            files.append(p)
    return files


def plan(files: Sequence[str], block_bytes: int) -> Tuple[List[tuple], List[Dict[str, Any]]]:
    """Blocks of every file, and the files that cannot be recalculated (with the reason)."""
    rows: List[tuple] = []
    info: List[Dict[str, Any]] = []
    for i, path in enumerate(files):
        entry: Dict[str, Any] = {"file_index": i, "path": path, "error": None}
        info.append(entry)
        try:
            with open(path, "rb") as f:
                head = f.read(64 << 10)
            if not head:
                raise ValueError("empty: there is nothing to recalculate")
            if head.startswith(b"\x1f\x8b"):
                raise ValueError("gzip: decompress it first")
            if head.startswith(b"PK\x03\x04"):
                raise ValueError("a zip archive: extract the UKE file first")
            s = uke.split(path, block_bytes=block_bytes)
        except (OSError, ValueError) as e:
            entry["error"] = str(e)
            entry["receipts"] = 0
            continue
        if s.receipts == 0:
            entry["error"] = "no RE record: not a UKE receipt file"
        entry.update(receipts=s.receipts, blocks=len(s.blocks), bytes=s.bytes)
        enc = uke.sniff_encoding(head)
        for b in s.blocks:
            rows.append(
                (i, path, enc, b.index, b.start, b.end, b.first_line, b.receipts, *s.header)
            )
    return rows, info


def deal(rows: Sequence[tuple], tasks: int) -> List[List[tuple]]:
    """The blocks dealt to `tasks` Spark tasks, largest first, in snake order (balanced bytes):
    a Spark task costs time of its own (one task per block, 42 instead of 4, made a 1M-receipt
    job 0.1–1.0 s longer in local mode), so a few tasks per core each run many blocks."""
    order = sorted(rows, key=lambda r: r[5] - r[4], reverse=True)
    n = min(tasks, len(order))
    groups: List[List[tuple]] = [[] for _ in range(n)]
    for i, r in enumerate(order):
        k = i % (2 * n)
        groups[k if k < n else 2 * n - 1 - k].append(r)
    return groups


def run(
    spark: Any,
    inputs: Sequence[str],
    out: str,
    *,
    masters: Sequence[str],
    updates: Optional[str] = None,
    etensu: Sequence[Tuple[Optional[str], str]] = (),
    rules_dirs: Sequence[str] = (),
    rules: bool = True,
    hospital: bool = False,
    beds: int = 0,
    standards: Sequence[int] = (),
    block_bytes: int = uke.DEFAULT_BLOCK_BYTES,
    tasks_per_core: int = 2,
) -> Dict[str, Any]:
    """Recalculates every UKE file under `inputs` on `spark`; writes `out/receipts/*.parquet`,
    `out/units/*.parquet` and `out/summary.json`; returns the summary (`exactly_once` says
    whether every RE record of the input came out exactly once). The blocks (`block_bytes`
    each) are dealt to `tasks_per_core` × `defaultParallelism` tasks. The job's time includes
    the Python workers' start; build `spark` with
    `.config("spark.python.daemon.module", "santei._spark_daemon")` to pay the imports and the
    engine once per executor (`python -m santei.spark` does)."""
    t0, c0, epoch0 = time.perf_counter(), time.process_time(), time.time()
    jvm0 = _jvm_cpu_seconds(spark)
    settings = {
        "masters": [os.fspath(m) for m in masters],
        "updates": os.fspath(updates) if updates else None,
        "etensu": [(r, os.fspath(p)) for r, p in etensu],
        "rules_dirs": [os.fspath(r) for r in rules_dirs],
        "rules": rules,
        "hospital": hospital,
        "beds": beds,
        "standards": list(standards),
    }
    # The Python workers start (imports, engine) while the driver cuts the files: both are in
    # the job's time, but neither waits for the other.
    # santei's daemon, when Spark runs it, builds this engine before forking the workers.
    spark.sparkContext.environment[SETTINGS_ENV] = _key(settings)
    starting = start_workers(spark, settings)
    files = list_inputs(inputs)
    rows, info = plan(files, block_bytes)
    t_plan = time.perf_counter() - t0
    for table in ("receipts", "units"):
        os.makedirs(os.path.join(out, table), exist_ok=True)
    starting.join()
    t_workers = time.perf_counter() - t0
    results: List[Dict[str, Any]] = []
    if rows:
        sc = spark.sparkContext
        groups = deal(rows, max(1, sc.defaultParallelism * tasks_per_core))
        out_abs = os.path.abspath(out)
        # One group of plan rows per partition (parallelize gives one element per slice here);
        # plain RDD tasks, pickled rows: no DataFrame, no Arrow conversion in the JVM.
        results = (
            sc.parallelize(groups, len(groups))
            .mapPartitions(
                lambda it: _recalc_blocks((r for g in it for r in g), settings, out_abs)
            )
            .collect()
        )
    summary = summarize(rows, info, results, starting.result)
    summary["seconds"] = {
        "plan": t_plan,
        "workers_started": t_workers,
        "total": time.perf_counter() - t0,
    }
    summary["timeline"] = timeline(epoch0, starting.result, results)
    if starting.error:
        summary["workers_start_error"] = starting.error
    jvm1 = _jvm_cpu_seconds(spark)
    summary["cpu_seconds"] = {
        "driver_python": time.process_time() - c0,
        # The local JVM (driver and, in local mode, the executors); None on a cluster.
        "jvm": jvm1 - jvm0 if jvm0 is not None and jvm1 is not None else None,
        "tasks": summary["task_cpu_seconds"],
        "python_workers": summary["worker_cpu_seconds"],
        "python_daemons": summary["daemon_cpu_seconds"],
    }
    n = summary["receipt_rows"]
    summary["receipts_per_second"] = n / summary["seconds"]["total"] if n else 0.0
    summary["settings"] = settings
    with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    return summary


def timeline(
    epoch0: float, prepared: Sequence[Dict[str, Any]], results: Sequence[Dict[str, Any]]
) -> Dict[str, Any]:
    """Per Python worker, seconds from the job's start: engine ready (first stage), first block
    started, last block finished, and the seconds it spent in blocks; where the job's time goes
    besides santei's work."""
    workers: Dict[int, Dict[str, Any]] = {}
    for p in prepared:
        workers.setdefault(p["worker_pid"], {})["ready"] = round(p["ready_at"] - epoch0, 3)
    for r in results:
        if r["worker_pid"] is None:
            continue
        w = workers.setdefault(r["worker_pid"], {})
        start, end = r["started_at"] - epoch0, r["started_at"] + r["seconds"] - epoch0
        w["first_block"] = round(min(w.get("first_block", start), start), 3)
        w["last_block_end"] = round(max(w.get("last_block_end", end), end), 3)
        w["in_blocks"] = round(w.get("in_blocks", 0.0) + r["seconds"], 3)
        w["blocks"] = w.get("blocks", 0) + 1
    return {str(pid): w for pid, w in sorted(workers.items())}


def _last_cpu(results: List[Dict[str, Any]]) -> Dict[int, float]:
    last: Dict[int, float] = {}
    for r in results:
        if r["worker_pid"] is not None:
            last[r["worker_pid"]] = max(last.get(r["worker_pid"], 0.0), r["worker_cpu_seconds"])
    return last


def _cpu_seconds_of(pid: int) -> Optional[float]:
    """CPU seconds (user + system) of process `pid` (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except Exception:  # noqa: BLE001 - not Linux, or no such process
        return None


def _jvm_cpu_seconds(spark: Any) -> Optional[float]:
    """CPU seconds of the JVM this driver started, or None (not local mode, not Linux)."""
    try:
        pid = spark.sparkContext._gateway.proc.pid
    except Exception:  # noqa: BLE001 - no JVM process of ours
        return None
    return _cpu_seconds_of(pid)


def summarize(
    rows: Sequence[tuple],
    info: List[Dict[str, Any]],
    results: List[Dict[str, Any]],
    prepared: Sequence[Dict[str, Any]] = (),
) -> Dict[str, Any]:
    """Totals, and the exactly-once check: every planned block back once, with one receipt row
    per RE record the split counted."""
    planned = {(r[0], r[3]): r[7] for r in rows}
    seen: Dict[Tuple[int, int], int] = {}
    problems: List[str] = []
    for r in results:
        key = (r["file_index"], r["block"])
        seen[key] = seen.get(key, 0) + 1
        path = info[key[0]]["path"]
        if r["error"]:
            problems.append(f"{path} block {key[1]}: {r['error']}")
        elif r["receipt_rows"] != planned.get(key):
            problems.append(
                f"{path} block {key[1]}: {r['receipt_rows']} receipt rows for "
                f"{planned.get(key)} RE records"
            )
    for key in planned:
        if seen.get(key, 0) != 1:
            problems.append(
                f"{info[key[0]]['path']} block {key[1]}: reported {seen.get(key, 0)} times"
            )
    ok = [r for r in results if not r["error"]]
    tot = lambda k: sum(r[k] or 0 for r in ok)  # noqa: E731
    re_records = sum(planned.values())
    # GO 総合計点数 (the last block of a file holds the GO) vs Σ claimed 合計点数 of the file.
    go_checks = []
    for i, entry in enumerate(info):
        mine = [r for r in ok if r["file_index"] == i]
        go = [r for r in mine if r["go_points"] is not None]
        entry["claimed_points"] = sum(r["claimed_points"] for r in mine)
        if go:
            go_checks.append(
                {
                    "path": entry["path"],
                    "go_points": go[-1]["go_points"],
                    "claimed_points": entry["claimed_points"],
                    "status": "match" if go[-1]["go_points"] == entry["claimed_points"] else "differs",
                }
            )
    # 診療年月 no loaded masters cover (`santei recalc` makes them an error too).
    uncovered: Dict[str, int] = {}
    for r in ok:
        for m, n in json.loads(r["uncovered"] or "{}").items():
            uncovered[m] = uncovered.get(m, 0) + n
    return {
        "files": len(info),
        "uncovered_months": dict(sorted(uncovered.items())),
        "file_errors": [e for e in info if e["error"]],
        "blocks": len(planned),
        "re_records": re_records,
        "receipt_rows": tot("receipt_rows"),
        "unit_rows": tot("unit_rows"),
        **{s: tot(s) for s in uke.STATUSES},
        "claimed_points": tot("claimed_points"),
        "computed_points": tot("computed_points"),
        "go_points": go_checks,
        "exactly_once": not problems and tot("receipt_rows") == re_records,
        "problems": problems,
        "task_seconds": sum(r["seconds"] or 0 for r in results),
        # CPU time of the Python workers in the blocks (wall time above counts waiting for a
        # core on a shared machine; CPU time does not).
        "task_cpu_seconds": sum(r["cpu_seconds"] or 0 for r in results),
        # Whole life of the Python workers (imports, engine, Spark's serialisation): the CPU
        # time each had used at its last block.
        "worker_cpu_seconds": sum(_last_cpu([*prepared, *results]).values()),
        # The Python daemons that forked the workers (santei's imports and engine there).
        "daemon_cpu_seconds": sum(
            {p["daemon_pid"]: p["daemon_cpu_seconds"] or 0.0 for p in prepared}.values()
        ),
        # Processes that built an engine: santei's daemon (its workers inherit it), else each
        # Python worker once (in the job's first stage, or at its first block).
        "engines_built": len(
            {r["engine_pid"] for r in [*prepared, *results] if r["engine_pid"] is not None}
        ),
    }


def print_summary(s: Dict[str, Any], file=sys.stdout) -> None:
    p = lambda *a: print(*a, file=file)  # noqa: E731
    p(
        f"{s['files']} file(s), {s['blocks']} block(s), {s['re_records']:,} RE records → "
        f"{s['receipt_rows']:,} receipt rows, {s['unit_rows']:,} unit rows"
    )
    p(
        "  " + ", ".join(f"{s[k]:,} {k}" for k in uke.STATUSES)
        + f"; claimed {s['claimed_points']:,}点, computed {s['computed_points']:,}点"
    )
    for g in s["go_points"]:
        if g["status"] != "match":
            p(f"  {g['path']}: GO 総合計点数 {g['go_points']} vs Σ 合計点数 {g['claimed_points']}")
    if s["uncovered_months"]:
        months = ", ".join(f"{m} ({n} receipt(s))" for m, n in s["uncovered_months"].items())
        p(
            f"  no masters loaded for 診療年月 {months}: those receipts were not checked against "
            "any master (give the masters of those months with --masters)"
        )
    for e in s["file_errors"]:
        p(f"  not recalculated: {e['path']}: {e['error']}")
    p(
        "  exactly once: "
        + ("yes (every RE record is one receipt row)" if s["exactly_once"] else "NO")
    )
    for problem in s["problems"][:20]:
        p(f"    {problem}")
    p(f"  engines built: {s['engines_built']} (one per Python daemon, or per Python worker)")
    cpu = s.get("cpu_seconds", {})
    if cpu:
        jvm = f", JVM {cpu['jvm']:.1f} s" if cpu.get("jvm") is not None else ""
        p(
            f"  CPU: in the blocks {cpu['tasks']:.1f} s, Python workers in all "
            f"{cpu['python_workers']:.1f} s, Python daemon(s) {cpu['python_daemons']:.1f} s, "
            f"driver Python {cpu['driver_python']:.1f} s"
            + jvm
        )
    sec = s["seconds"]
    p(
        f"  {sec['total']:.2f} s from the job's start to the written Parquet, the Python "
        f"workers' start included (split {sec['plan']:.2f} s, workers started and engines "
        f"built {sec['workers_started']:.2f} s, side by side): "
        f"{s['receipts_per_second']:,.0f} receipts/s"
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m santei.spark",
        description="Recalculate folders of UKE files on Spark; Parquet reports and a summary.",
    )
    ap.add_argument("inputs", nargs="+", help="UKE files or folders of them")
    ap.add_argument("--out", required=True, help="output folder (receipts/, units/, summary.json)")
    ap.add_argument("--masters", action="append", required=True, help="a masters folder per revision")
    ap.add_argument("--updates", help="change files for every masters folder")
    ap.add_argument("--etensu", action="append", default=[], help="[REV=]DIR 医科電子点数表")
    ap.add_argument("--rules", action="append", default=[], help="a folder of *.rules files")
    ap.add_argument("--no-rules", action="store_true", help="points and totals only")
    ap.add_argument("--hospital", action="store_true")
    ap.add_argument("--beds", type=int, default=0)
    ap.add_argument("--standard", type=int, action="append", default=[])
    ap.add_argument("--block-mb", type=float, default=uke.DEFAULT_BLOCK_BYTES / (1 << 20))
    ap.add_argument("--tasks-per-core", type=int, default=2, help="Spark tasks per core (default 2)")
    ap.add_argument("--master", help="Spark master when not set by spark-submit (e.g. local[2])")
    a = ap.parse_args(argv)
    from pyspark.sql import SparkSession

    t0 = time.perf_counter()
    # numpy's BLAS threads (numpy comes with pyspark's pandas) spin beside the workers: one is
    # enough (the driver's environment reaches the local-mode workers, executorEnv the others).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # The Python workers must import santei: without PYSPARK_PYTHON they start the system's
    # `python3`, which may not have it ("No module named 'santei'"). Default to this interpreter.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    b = SparkSession.builder.appName("santei recalc").config(
        "spark.executorEnv.OPENBLAS_NUM_THREADS", "1"
    )
    if a.master:
        b = b.master(a.master)
    if a.master and a.master.startswith("local"):
        # In local mode the executors are this JVM, which only moves a few numbers per block:
        # the C1 compiler alone halves what the JVM spends compiling (measured: 1.5 → 0.7 CPU-s
        # in the first job) and the job runs no hot JVM loop that C2 would speed up.
        b = b.config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
    # The workers are forked from a daemon that has imported pyarrow and santei and built the
    # engine: once per executor, not once per core (santei/_spark_daemon.py).
    b = b.config("spark.python.daemon.module", "santei._spark_daemon")
    spark = b.getOrCreate()
    startup = time.perf_counter() - t0
    etensu = [tuple(e.split("=", 1)) if "=" in e else (None, e) for e in a.etensu]
    s = run(
        spark,
        a.inputs,
        a.out,
        masters=a.masters,
        updates=a.updates,
        etensu=etensu,
        rules_dirs=a.rules,
        rules=not a.no_rules,
        hospital=a.hospital,
        beds=a.beds,
        standards=a.standard,
        block_bytes=int(a.block_mb * (1 << 20)),
        tasks_per_core=a.tasks_per_core,
    )
    print_summary(s)
    print(f"  not counted above: the SparkSession's start-up, {startup:.2f} s")
    spark.stop()
    if not s["exactly_once"] or s["file_errors"] or s["uncovered_months"]:
        return 2
    return 1 if s["differs"] else 0


if __name__ == "__main__":
    # Run as the importable module, not as __main__: cloudpickle sends functions of __main__ by
    # value, with a fresh copy of the engine cache per task (an engine built for every block).
    from santei.spark import main as _main

    sys.exit(_main())
