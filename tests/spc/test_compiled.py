"""The compiled engine (one numba pass over a sorted Parquet file, compiled rules and capability)
gives what DuckDB's grouping and the numpy rules of the core give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.spc import NELSON, WESTERN_ELECTRIC, rule_set
from pacer.spc.data import kernels
from pacer.spc.data.columnar import SubgroupTable, subgroup_table, summarize
from pacer.spc.data.compiled import subgroup_table_compiled
from pacer.spc.rules import evaluate
from tests.spc.test_columnar import _write

SPECS = {"lsl": np.array([4.6, 4.5, 4.7]), "usl": np.array([5.5, 5.4, 5.3])}


def _sorted_copy(measurements: Path, folder: Path, row_group_size: int = 37) -> Path:
    """The same rows sorted by characteristic and subgroup, in small row groups so that
    subgroups run on from one batch into the next."""
    table = pq.read_table(measurements).sort_by([("characteristic", "ascending"), ("subgroup", "ascending")])
    path = folder / "sorted.parquet"
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def _same_table(a: SubgroupTable, b: SubgroupTable) -> None:
    assert a.characteristic.tolist() == b.characteristic.tolist()
    for name in ("n", "below", "above"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in ("mean", "range", "sd"):
        assert np.allclose(getattr(a, name), getattr(b, name), rtol=1e-12, atol=0, equal_nan=True), name


def test_one_pass_over_a_sorted_file_gives_duckdbs_statistics_limits_rules_and_capability(tmp_path: Path):
    measurements, specs, _ = _write(tmp_path)
    path = _sorted_copy(measurements, tmp_path)
    by_kernel = subgroup_table_compiled(path, specs, "characteristic", "subgroup", "value")
    assert by_kernel is not None  # the sorted file took the compiled pass
    by_duckdb = subgroup_table(path, specs, engine="duckdb")
    _same_table(by_kernel, by_duckdb)
    assert int(by_kernel.below.sum() + by_kernel.above.sum()) > 0  # the specifications were joined
    a, b = summarize(by_kernel, SPECS, phase1=40), summarize(by_duckdb, SPECS, phase1=40)
    assert np.allclose(a.xbar_ucl, b.xbar_ucl, rtol=1e-12)
    assert {k: v.tolist() for k, v in a.violations.items()} == {k: v.tolist() for k, v in b.violations.items()}
    for name in ("Cpk", "Ppk", "Cpm"):
        assert np.allclose(a.capability[name], b.capability[name], rtol=1e-12), name


def test_integer_characteristics_keep_their_type_and_unknown_ones_have_no_specification(tmp_path: Path):
    rng = np.random.default_rng(3)
    chars = np.repeat(np.array([7, 9, 12], dtype=np.int32), 50)
    subs = np.tile(np.repeat(np.arange(10, dtype=np.int32), 5), 3)
    path, specs = tmp_path / "m.parquet", tmp_path / "s.parquet"
    pq.write_table(pa.table({"characteristic": chars, "subgroup": subs, "value": rng.normal(5, 1, 150)}), path)
    pq.write_table(pa.table({"characteristic": np.array([9, 7], np.int64), "lsl": [4.0, 4.5], "usl": [6.0, 5.5]}),
                   specs)  # fmt: skip
    by_kernel = subgroup_table_compiled(path, specs, "characteristic", "subgroup", "value")
    assert by_kernel is not None
    assert by_kernel.characteristic.dtype == np.int32
    _same_table(by_kernel, subgroup_table(path, specs, engine="duckdb"))
    counted_first = subgroup_table_compiled(path, specs, "characteristic", "subgroup", "value", reserve_rows=10)
    assert counted_first is not None  # too many rows to reserve room for one subgroup per row: counted first
    assert counted_first.n.size == 30
    _same_table(counted_first, by_kernel)
    assert by_kernel.below[-10:].sum() + by_kernel.above[-10:].sum() == 0  # 12 has no specification
    assert by_kernel.below[:20].sum() + by_kernel.above[:20].sum() > 0


@pytest.mark.parametrize("change", ["unsorted", "nan", "empty cell", "two specification rows"])
def test_files_unfit_for_the_single_pass_are_grouped_by_duckdb_with_the_same_result(tmp_path: Path, change: str):
    measurements, specs, _ = _write(tmp_path)
    path = measurements if change == "unsorted" else _sorted_copy(measurements, tmp_path)
    if change in ("nan", "empty cell"):
        table = pq.read_table(path)
        values = table.column("value").to_pylist()
        values[5] = float("nan") if change == "nan" else None
        pq.write_table(table.set_column(2, "value", pa.array(values, pa.float64())), path)
    if change == "two specification rows":
        table = pq.read_table(specs)
        pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), specs)
    assert subgroup_table_compiled(path, specs, "characteristic", "subgroup", "value") is None
    _same_table(subgroup_table(path, specs), subgroup_table(path, specs, engine="duckdb"))


def test_an_unknown_engine_is_refused(tmp_path: Path):
    measurements, specs, _ = _write(tmp_path)
    with pytest.raises(ValueError, match="unknown SPC engine 'spark-ish'"):
        subgroup_table(measurements, specs, engine="spark-ish")  # type: ignore[arg-type]


def _series(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Several series of statistics with ties, runs, trends, alternations and gaps (NaN)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 40, count)
    parts = []
    for length in lengths:
        kind = rng.integers(0, 4)
        if kind == 0:
            part = rng.integers(-4, 5, length) * 0.9
        elif kind == 1:
            part = np.cumsum(rng.choice([-0.4, 0.5, 0.0], length, p=[0.2, 0.7, 0.1]))
        elif kind == 2:
            part = np.where(np.arange(length) % 2 == 0, 1.5, -1.2) + rng.normal(0, 0.05, length)
        else:
            part = rng.normal(0.5, 1.3, length)
        part = part.astype(float)
        part[rng.random(length) < 0.04] = np.nan
        parts.append(part)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    return np.concatenate(parts), starts


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(1, 12))
def test_compiled_rules_flag_the_points_the_core_flags(seed: int, count: int):
    stat, starts = _series(seed, count)
    size = stat.size
    position = np.arange(size) - np.repeat(starts, np.diff(np.append(starts, size)))
    n, nothing = np.ones(size, np.int64), np.full(2, np.nan)
    _, z, beyond, _, pos = kernels.per_point(starts, n, stat, np.zeros(size), nothing, nothing,
                                             np.zeros(starts.size), np.ones(starts.size), 3.0)  # fmt: skip
    short = rule_set("nelson", {"N2": 3, "N3": 3, "N4": 4, "N7": 2, "N8": 2})
    for rules in (WESTERN_ELECTRIC, NELSON, short):
        expected = evaluate(rules, stat, 0.0, 1.0, -3.0, 3.0, position)
        for rule in rules:
            got = kernels.rule_flags(kernels.RULE_KINDS[rule.kind], rule.k, rule.m, rule.zone, z, stat, beyond, pos)
            assert got.tolist() == expected[rule.name].tolist(), (rule, np.flatnonzero(got != expected[rule.name]))


def test_characteristics_shared_out_between_threads_give_what_one_thread_gives(tmp_path: Path, monkeypatch):
    from pacer.spc.data import columnar

    measurements, specs, _ = _write(tmp_path)
    t = subgroup_table(measurements, specs, engine="duckdb")
    one = summarize(t, SPECS, phase1=40, rules=NELSON)
    monkeypatch.setattr(columnar, "SHARE_FROM", 1)
    monkeypatch.setattr(columnar.os, "cpu_count", lambda: 3)
    shared = summarize(t, SPECS, phase1=40, rules=NELSON)
    assert shared.center.tolist() == one.center.tolist()
    assert shared.sigma.tolist() == one.sigma.tolist()
    assert {k: v.tolist() for k, v in shared.violations.items()} == {k: v.tolist() for k, v in one.violations.items()}
    assert sum(v.sum() for v in one.violations.values()) > 0
    for name in ("Cpk", "Ppk", "Cpm_lower"):
        assert shared.capability[name].tolist() == one.capability[name].tolist(), name
    # the counts per characteristic are those of the flags per point, worked out when asked for
    ends = [*one.starts[1:], one.points]
    for name, flags in one.flags.items():
        assert [int(flags[a:b].sum()) for a, b in zip(one.starts, ends, strict=True)] == one.violations[name].tolist()
