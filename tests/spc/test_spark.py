"""Spark and the embedded engines agree on one data set (PySpark in local mode with two threads,
Java 17; PySpark is in the ``test`` extra, so the suite always runs this)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pacer.spc.data.columnar import subgroup_table, summarize
from pacer.spc.data.compiled import subgroup_table_compiled
from pacer.spc.data.spark import session, subgroup_table_spark
from tests.spc.test_columnar import _write
from tests.spc.test_compiled import SPECS, _same_table, _sorted_copy


def test_spark_and_the_embedded_engines_give_the_same_statistics_limits_and_violations(tmp_path: Path):
    unsorted, specs, _ = _write(tmp_path)
    measurements = _sorted_copy(unsorted, tmp_path)
    spark = session("local[2]")
    try:
        by_spark = subgroup_table_spark(spark, measurements, specs)
    finally:
        spark.stop()
    by_kernel = subgroup_table_compiled(measurements, specs, "characteristic", "subgroup", "value")
    assert by_kernel is not None  # the default engine's single pass, not DuckDB
    _same_table(by_spark, by_kernel)
    _same_table(by_spark, subgroup_table(unsorted, specs, engine="duckdb"))
    a, b = summarize(by_spark, SPECS, phase1=40), summarize(by_kernel, SPECS, phase1=40)
    assert np.allclose(a.xbar_ucl, b.xbar_ucl, rtol=1e-12)
    assert {k: v.tolist() for k, v in a.violations.items()} == {k: v.tolist() for k, v in b.violations.items()}
    assert sum(v.sum() for v in a.violations.values()) > 0  # the shifted characteristics broke rules
    assert np.allclose(a.capability["Cpk"], b.capability["Cpk"], rtol=1e-12)
