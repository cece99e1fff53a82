"""Spark's Python daemon with santei loaded before it forks the workers.

`spark.python.daemon.module=santei._spark_daemon` (`python -m santei.spark` sets it): Spark
starts this module once per executor (and per environment) instead of `pyspark.daemon`; it
imports pyspark's worker, pyarrow's Parquet writer and santei, and builds the engine of the job
(the settings `santei.spark.run` puts in `SANTEI_SPARK_SETTINGS`), then runs pyspark's daemon,
which forks one worker per task slot. Every worker inherits the imports and the engine (the
engine is built by one thread, which has ended before the first fork, and holds no thread, so
a fork copies it whole): they are paid once per executor, not once per core.

The engine is built (Rust, without the GIL) while pyarrow is imported. The daemon tells the JVM its
port on stdout, so while santei loads, file descriptor 1 points at stderr: nothing said while
loading can reach the JVM as a port.
"""

import os
import sys
import threading

from santei import spark as _spark


def _load() -> None:
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        # pyspark first, whole: the engine's thread may look up SparkFiles, and two threads
        # importing pyspark at once see it half-initialised (a circular-import error).
        import pyspark.worker  # noqa: F401
        from pyspark import SparkFiles  # noqa: F401

        build = threading.Thread(target=_spark.preload_from_env, name="santei-engine")
        build.start()
        import pyarrow.parquet  # noqa: F401

        build.join()
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


_load()

from pyspark.daemon import manager  # noqa: E402

if __name__ == "__main__":
    manager()
