"""Every characteristic at once: subgroup statistics from Parquet in one pass, then limits, run
rules and capability for all characteristics together.

The measurements are rows (characteristic, subgroup, value); the specifications rows
(characteristic, lsl, usl[, target]). The subgroup statistics (size, mean, range, SD and the values
out of specification), ordered so that each characteristic's subgroups are contiguous, come from
one of two engines: ``compiled`` (the default: one compiled pass over a file stored sorted by
characteristic and subgroup, :mod:`.compiled`; any other file goes to DuckDB) or ``duckdb`` (one
query that groups and sorts). Everything after that runs over all characteristics' points together
in compiled loops (:mod:`.kernels`): a characteristic's phase I is its first ``phase1`` subgroups
(all when None), sigma within is R̄/d2 per subgroup size, X̄ and R limits are per point, the run
rules are evaluated over all series at once (windows never cross from one characteristic to the
next), and the capability indices come with the same confidence intervals as
:mod:`pacer.spc.capability`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
from scipy import stats

from pacer.config import get_settings
from pacer.spc.constants import Constants, table
from pacer.spc.data import kernels
from pacer.spc.rules import WESTERN_ELECTRIC, Rule

Engine = Literal["compiled", "duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("compiled", "duckdb", "spark")

QUERY = """
SELECT m.{char} AS characteristic, m.{sub} AS subgroup, count(*) AS n, avg(m.{val}) AS mean,
       max(m.{val}) - min(m.{val}) AS range, coalesce(stddev_samp(m.{val}), 'NaN'::DOUBLE) AS sd,
       count_if(m.{val} < s.lsl) AS below, count_if(m.{val} > s.usl) AS above
FROM read_parquet(?) AS m LEFT JOIN specs AS s ON m.{char} = s.characteristic
GROUP BY m.{char}, m.{sub}
ORDER BY m.{char}, m.{sub}
"""


@dataclass
class SubgroupTable:
    """Per-subgroup statistics of every characteristic, contiguous per characteristic."""

    characteristic: np.ndarray  # one per subgroup
    n: np.ndarray
    mean: np.ndarray
    range: np.ndarray
    sd: np.ndarray
    below: np.ndarray
    above: np.ndarray


def subgroup_table(
    measurements: Path,
    specs: Path | None = None,
    *,
    characteristic: str = "characteristic",
    subgroup: str = "subgroup",
    value: str = "value",
    threads: int | None = None,
    engine: Engine | None = None,
) -> SubgroupTable:
    """One pass over the measurements (and the specifications, when given): compiled over a
    file sorted by characteristic and subgroup, else (or with ``engine="duckdb"``) by DuckDB, or
    by Spark; the engine PACER_SPC_ENGINE names when none is given."""
    engine = chosen_engine(engine)
    columns = {"characteristic": characteristic, "subgroup": subgroup, "value": value}
    if engine == "spark":
        from pacer.spc.data.spark import session, subgroup_table_spark

        return subgroup_table_spark(session(get_settings().spark_master), measurements, specs, **columns)
    if engine == "compiled":
        from pacer.spc.data.compiled import subgroup_table_compiled

        found = subgroup_table_compiled(measurements, specs, characteristic, subgroup, value)
        if found is not None:
            return found
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if specs is not None:
            con.execute("CREATE TEMP TABLE specs AS SELECT * FROM read_parquet(?)", [str(specs)])
        else:
            con.execute("CREATE TEMP TABLE specs (characteristic VARCHAR, lsl DOUBLE, usl DOUBLE)")
        names = {"char": _quote(characteristic), "sub": _quote(subgroup), "val": _quote(value)}
        result = con.execute(QUERY.format(**names), [str(measurements)]).fetchnumpy()
    finally:
        con.close()
    return SubgroupTable(
        characteristic=np.asarray(result["characteristic"]),
        n=np.asarray(result["n"], dtype=np.int64),
        mean=np.asarray(result["mean"], dtype=float),
        range=np.asarray(result["range"], dtype=float),
        sd=np.asarray(result["sd"], dtype=float),
        below=np.asarray(result["below"], dtype=np.int64),
        above=np.asarray(result["above"], dtype=np.int64),
    )


def chosen_engine(engine: str | None = None) -> Engine:
    """``engine``, else the setting's (PACER_SPC_ENGINE); an unknown one is refused."""
    chosen = engine or get_settings().spc_engine
    if chosen not in ENGINES:
        raise ValueError(f"unknown SPC engine {chosen!r}: use {', '.join(ENGINES)}")
    return chosen  # type: ignore[return-value]  # checked against ENGINES just above


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Summary:
    """Per characteristic: its standard, capability and how many points broke each rule; per
    point (worked out when first asked for, from the subgroup table): the X̄ and R limits and the
    flags of every rule."""

    characteristics: np.ndarray
    starts: np.ndarray  # first subgroup of each characteristic in the point arrays
    center: np.ndarray
    sigma: np.ndarray
    violations: dict[str, np.ndarray]  # per characteristic: how many points broke the rule (and "R")
    capability: dict[str, np.ndarray]  # Cp, Cpk, Pp, Ppk, Cpm …, with "_lower"/"_upper" bounds
    expected_pct: tuple[np.ndarray, np.ndarray]
    observed_pct: tuple[np.ndarray, np.ndarray]
    table: SubgroupTable
    rules: tuple[Rule, ...]
    nsigmas: float
    constants: Constants

    @property
    def points(self) -> int:
        return int(self.table.n.size)

    @cached_property
    def _per_point(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        t = self.table
        d2, d3 = _size_tables(t, self.constants)
        found: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] = kernels.per_point(
            self.starts, t.n, t.mean, t.range, d2, d3, self.center, self.sigma, self.nsigmas
        )
        return found

    @property
    def xbar_lcl(self) -> np.ndarray:
        return np.asarray(self._per_point[0][0])

    @property
    def xbar_ucl(self) -> np.ndarray:
        return np.asarray(self._per_point[0][1])

    @property
    def r_center(self) -> np.ndarray:
        return np.asarray(self._per_point[0][2])

    @property
    def r_ucl(self) -> np.ndarray:
        return np.asarray(self._per_point[0][3])

    @property
    def r_lcl(self) -> np.ndarray:
        return np.asarray(self._per_point[0][4])

    @cached_property
    def flags(self) -> dict[str, np.ndarray]:
        """Per point, the X̄ rules' flags, and "R" for ranges beyond their limits."""
        _, z, beyond, r_out, pos = self._per_point
        out = {
            rule.name: kernels.rule_flags(kernels.RULE_KINDS[rule.kind], rule.k, rule.m, rule.zone, z,
                                          self.table.mean, beyond, pos)
            for rule in self.rules
        }  # fmt: skip
        return out | {"R": r_out}


def _starts(table_: SubgroupTable) -> np.ndarray:
    key = table_.characteristic
    if key.dtype.kind in "iuf":
        return np.asarray(kernels.starts_of(key), dtype=np.int64)
    if key.size == 0:
        return np.empty(0, np.int64)
    return np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1)).astype(np.int64)


def _size_tables(t: SubgroupTable, constants: Constants) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.arange(int(t.n.max()) + 1 if t.n.size else 1)
    return table(sizes, "d2", constants), table(sizes, "d3", constants)


def summarize(
    t: SubgroupTable,
    specs: dict[str, np.ndarray] | None = None,
    *,
    phase1: int | None = None,
    rules: tuple[Rule, ...] = WESTERN_ELECTRIC,
    nsigmas: float = 3.0,
    constants: Constants = "exact",
    level: float = 0.95,
) -> Summary:
    """Limits, rules and capability of every characteristic in ``t``. ``specs`` holds lsl, usl and
    target arrays aligned with the characteristics in their sorted order. The characteristics are
    shared out between threads (one per core), each going through its own one at a time."""
    starts = _starts(t)
    d2, d3 = _size_tables(t, constants)
    count = starts.size
    center, sigma = np.empty(count), np.empty(count)
    counts, sums = np.zeros((len(rules) + 1, count), np.int64), np.empty((5, count))
    kinds = np.array([kernels.RULE_KINDS[rule.kind] for rule in rules], np.int64)
    ks, ms = np.array([r.k for r in rules], np.int64), np.array([r.m for r in rules], np.int64)
    zones = np.array([r.zone for r in rules], float)

    points = (t.n, t.mean, t.range, t.sd, t.below, t.above)
    first_n = int(phase1 or 0)

    def run(first: int, last: int) -> None:
        kernels.characteristics(first, last, starts, *points, d2, d3, first_n, float(nsigmas), kinds, ks, ms, zones,
                                center, sigma, counts, sums)  # fmt: skip

    _shared_out(run, starts, t.n.size)
    names = [rule.name for rule in rules] + ["R"]
    violations = {name: counts[i] for i, name in enumerate(names)}
    cap, expected, observed = _capability(sums, sigma, specs, level)
    return Summary(t.characteristic[starts], starts, center, sigma, violations, cap, expected, observed, t, rules,
                   nsigmas, constants)  # fmt: skip


# Below this many subgroups one thread does it all.
SHARE_FROM = 1 << 16


def _shared_out(run: Callable[[int, int], None], starts: np.ndarray, points: int) -> None:
    """``run`` over the characteristics, in parts of about as many points each, one thread a part
    (the kernels release the GIL)."""
    parts = max(1, min(os.cpu_count() or 1, points // SHARE_FROM, starts.size))
    bounds = [0, *(int(np.searchsorted(starts, points * k // parts)) for k in range(1, parts)), starts.size]
    if parts == 1:
        run(0, starts.size)
        return
    with ThreadPoolExecutor(parts - 1) as pool:
        others = [pool.submit(run, bounds[k], bounds[k + 1]) for k in range(1, parts)]
        run(bounds[0], bounds[1])
        for other in others:
            other.result()


def _capability(
    sums: np.ndarray, sigma: np.ndarray, specs: dict[str, np.ndarray] | None, level: float
) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    n, grand, overall, below, above = sums
    nan = np.full(sigma.size, np.nan)
    lsl, usl = (specs or {}).get("lsl", nan), (specs or {}).get("usl", nan)
    target = (specs or {}).get("target", (lsl + usl) / 2)
    alpha = 1 - level
    out = _indices("Cp", grand, sigma, lsl, usl, target, n, alpha) | _indices(
        "Pp", grand, overall, lsl, usl, target, n, alpha
    )
    expected = (100 * stats.norm.cdf((lsl - grand) / sigma), 100 * stats.norm.sf((usl - grand) / sigma))
    observed = (100 * below / n, 100 * above / n)
    return out, expected, observed


def _indices(prefix: str, center: np.ndarray, sigma: np.ndarray, lsl: np.ndarray, usl: np.ndarray,
             target: np.ndarray, n: np.ndarray, alpha: float) -> dict[str, np.ndarray]:  # fmt: skip
    one, two = stats.norm.ppf(1 - alpha), stats.norm.ppf(1 - alpha / 2)
    lower, upper = (center - lsl) / (3 * sigma), (usl - center) / (3 * sigma)
    worst = np.fmin(lower, upper)
    whole = (usl - lsl) / (6 * sigma)
    d = (center - target) / sigma
    df = n * (1 + d * d) / (1 + 2 * d * d)
    values = {"": whole, "l": lower, "u": upper, "k": worst, "m": whole / np.sqrt(1 + d * d)}
    out: dict[str, np.ndarray] = {}
    for suffix, value in values.items():
        if suffix in ("", "m"):
            dof = n - 1 if suffix == "" else df
            low = value * np.sqrt(stats.chi2.ppf(alpha / 2, dof) / dof)
            high = value * np.sqrt(stats.chi2.ppf(1 - alpha / 2, dof) / dof)
        else:
            z = two if suffix == "k" else one
            half = z * np.sqrt(1.0 / (9.0 * n * value * value) + 1.0 / (2.0 * (n - 1)))
            low, high = value * (1 - half), value * (1 + half)
        out[prefix + suffix], out[f"{prefix}{suffix}_lower"], out[f"{prefix}{suffix}_upper"] = value, low, high
    return out
