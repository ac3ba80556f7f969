"""Spark and DuckDB agree on one data set (runs where the optional extra ``spark`` is installed,
with Java 17; PySpark in local mode)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pacer.spc.data.columnar import subgroup_table, summarize
from tests.spc.test_columnar import _write

pytest.importorskip("pyspark", reason="the optional extra 'spark' (PySpark) is not installed")


def test_spark_and_duckdb_give_the_same_statistics_limits_and_violations(tmp_path: Path):
    from pacer.spc.data.spark import session, subgroup_table_spark

    measurements, specs, _ = _write(tmp_path)
    spark = session()
    try:
        by_spark = subgroup_table_spark(spark, measurements, specs)
    finally:
        spark.stop()
    by_duckdb = subgroup_table(measurements, specs)
    assert by_spark.characteristic.tolist() == by_duckdb.characteristic.tolist()
    for name in ("n", "below", "above"):
        assert np.array_equal(getattr(by_spark, name), getattr(by_duckdb, name)), name
    for name in ("mean", "range", "sd"):
        assert np.allclose(getattr(by_spark, name), getattr(by_duckdb, name), rtol=1e-12, atol=0), name
    limits = {"lsl": np.array([4.6, 4.5, 4.7]), "usl": np.array([5.5, 5.4, 5.3])}
    a, b = summarize(by_spark, limits, phase1=40), summarize(by_duckdb, limits, phase1=40)
    assert np.allclose(a.xbar_ucl, b.xbar_ucl, rtol=1e-12)
    assert {k: v.tolist() for k, v in a.violations.items()} == {k: v.tolist() for k, v in b.violations.items()}
    assert np.allclose(a.capability["Cpk"], b.capability["Cpk"], rtol=1e-12)
