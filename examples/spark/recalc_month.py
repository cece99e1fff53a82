"""Recalculate a month of UKE files on a Spark cluster: santei.spark's command line as a file for
spark-submit (which runs a .py file, not a module).

    spark-submit --master yarn --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1 \\
        --archives masters-r06.zip#masters \\
        examples/spark/recalc_month.py hdfs-mounted/202406/ --out /shared/report-202406 \\
        --masters masters/r06

Every node needs the santei wheel with pyarrow (bindings/python/README.md) and the input
folder at the same path; see docs/SPARK.md for executors per node, block size and the masters.
"""

import sys

from santei.spark import main

if __name__ == "__main__":
    sys.exit(main())
