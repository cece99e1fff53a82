"""Spark's Python daemon with santei loaded before it forks the workers.

`spark.python.daemon.module=santei._spark_daemon` (`python -m santei.spark` sets it): Spark
starts this module once per executor (and per environment) instead of `pyspark.daemon`; it
imports pyspark's worker, pyarrow's Parquet writer and santei, and builds the engine of the job
(the settings `santei.spark.run` puts in `SANTEI_SPARK_SETTINGS`), then runs pyspark's daemon,
which forks one worker per task slot. Every worker inherits the imports and the engine (the
engine is built by one thread and holds no thread, so a fork copies it whole): they are paid
once per executor, not once per core. Nothing here writes to stdout, which the daemon uses to
tell the JVM its port.
"""

import pyarrow.parquet  # noqa: F401
import pyspark.worker  # noqa: F401

from pyspark.daemon import manager

from santei import spark as _spark
from santei import uke  # noqa: F401

_spark.preload_from_env()

if __name__ == "__main__":
    manager()
