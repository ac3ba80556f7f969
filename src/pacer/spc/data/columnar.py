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

from dataclasses import dataclass
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
    point: the X̄ and R limits and the flags of every rule."""

    characteristics: np.ndarray
    starts: np.ndarray  # first subgroup of each characteristic in the point arrays
    center: np.ndarray
    sigma: np.ndarray
    xbar_lcl: np.ndarray
    xbar_ucl: np.ndarray
    r_center: np.ndarray
    r_ucl: np.ndarray
    r_lcl: np.ndarray
    flags: dict[str, np.ndarray]  # X̄ rules, and "R" for ranges beyond their limits
    violations: dict[str, np.ndarray]  # per characteristic: how many points broke the rule
    capability: dict[str, np.ndarray]  # Cp, Cpk, Pp, Ppk, Cpm …, with "_lower"/"_upper" bounds
    expected_pct: tuple[np.ndarray, np.ndarray]
    observed_pct: tuple[np.ndarray, np.ndarray]


def _starts(table_: SubgroupTable) -> np.ndarray:
    key = table_.characteristic
    if key.size == 0:
        return np.empty(0, np.int64)
    return np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1)).astype(np.int64)


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
    target arrays aligned with the characteristics in their sorted order."""
    starts = _starts(t)
    sizes = np.arange(int(t.n.max()) + 1 if t.n.size else 1)
    d2, d3 = table(sizes, "d2", constants), table(sizes, "d3", constants)
    center, sigma = kernels.phase1_standard(starts, t.n, t.mean, t.range, d2, int(phase1 or 0))
    limits, z, beyond, r_out, pos = kernels.per_point(starts, t.n, t.mean, t.range, d2, d3, center, sigma, nsigmas)
    flags = {
        rule.name: kernels.rule_flags(kernels.RULE_KINDS[rule.kind], rule.k, rule.m, rule.zone, z, t.mean, beyond, pos)
        for rule in rules
    }
    flags["R"] = r_out
    violations = {name: kernels.count_per(starts, f) for name, f in flags.items()}
    cap, expected, observed = _capability(t, starts, sigma, specs, level)
    return Summary(
        t.characteristic[starts], starts, center, sigma, limits[0], limits[1], limits[2], limits[3], limits[4],
        flags, violations, cap, expected, observed,
    )  # fmt: skip


def _capability(
    t: SubgroupTable, starts: np.ndarray, sigma: np.ndarray, specs: dict[str, np.ndarray] | None, level: float
) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    n, grand, overall, below, above = kernels.capability_sums(starts, t.n, t.mean, t.sd, t.below, t.above)
    nan = np.full(starts.size, np.nan)
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
