"""The columnar path's subgroup statistics computed by Apache Spark (PySpark), for data that
outgrows one machine: the same statistics as :func:`pacer.spc.data.columnar.subgroup_table`, in the
same order, so :func:`~pacer.spc.data.columnar.summarize` takes either. PySpark is an optional
extra (``pip install 'pacer[spark]'``, Java 17); without it this module refuses on one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pacer.errors import DomainError
from pacer.spc.data.columnar import SubgroupTable


def session(master: str = "local[2]") -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DomainError("the Spark engine needs PySpark: pip install 'pacer[spark]'") from None
    return (
        SparkSession.builder.master(master)
        .appName("pacer-spc")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )


def subgroup_table_spark(
    spark: Any,
    measurements: Path,
    specs: Path | None = None,
    *,
    characteristic: str = "characteristic",
    subgroup: str = "subgroup",
    value: str = "value",
) -> SubgroupTable:
    """One Spark job: group the measurements by characteristic and subgroup (left-joined to the
    specifications), ordered by both."""
    from pyspark.sql import functions as F

    data = spark.read.parquet(str(measurements))
    v = F.col(value)
    if specs is not None:
        limits = spark.read.parquet(str(specs)).withColumnRenamed("characteristic", "_spec_key")
        data = data.join(F.broadcast(limits), data[characteristic] == limits["_spec_key"], "left")
        below, above = F.when(v < F.col("lsl"), 1).otherwise(0), F.when(v > F.col("usl"), 1).otherwise(0)
    else:
        below = above = F.lit(0)
    grouped = (
        data.groupBy(characteristic, subgroup)
        .agg(
            F.count(v).alias("n"),
            F.avg(v).alias("mean"),
            (F.max(v) - F.min(v)).alias("range"),
            F.stddev_samp(v).alias("sd"),
            F.sum(below).alias("below"),
            F.sum(above).alias("above"),
        )
        .orderBy(characteristic, subgroup)
    )
    table = grouped.toArrow()  # the ordered result as Arrow batches, not row objects

    def column(name: str, dtype: Any = None) -> np.ndarray:
        return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=dtype)

    return SubgroupTable(
        characteristic=column(characteristic),
        n=column("n", np.int64),
        mean=column("mean", float),
        range=column("range", float),
        sd=column("sd", float),  # NaN for a subgroup of one
        below=column("below", np.int64),
        above=column("above", np.int64),
    )
