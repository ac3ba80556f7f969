"""Every characteristic at once: subgroup statistics from Parquet in one DuckDB pass, then limits,
run rules and capability for all characteristics together, vectorised in numpy.

The measurements are rows (characteristic, subgroup, value); the specifications rows
(characteristic, lsl, usl[, target]). One query groups the measurements by characteristic and
subgroup (size, mean, range, SD and the values out of specification), ordered so that each
characteristic's subgroups are contiguous; everything after that is array arithmetic over all
characteristics' points together: a characteristic's phase I is its first ``phase1`` subgroups (all
when None), sigma within is R̄/d2 per subgroup size, X̄ and R limits are per point, the run rules are
evaluated over all series at once (windows never cross from one characteristic to the next), and
the capability indices come with the same confidence intervals as :mod:`pacer.spc.capability`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
from scipy import stats

from pacer.spc.constants import Constants, table
from pacer.spc.rules import WESTERN_ELECTRIC, Rule, evaluate

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
) -> SubgroupTable:
    """One DuckDB pass over the measurements (and the specifications, when given)."""
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


def _segments(table_: SubgroupTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    key = table_.characteristic
    change = np.flatnonzero(key[1:] != key[:-1]) + 1
    starts = np.concatenate(([0], change))
    lengths = np.diff(np.concatenate((starts, [key.size])))
    seg = np.repeat(np.arange(starts.size), lengths)
    return starts, seg, np.arange(key.size) - starts[seg]


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
    starts, seg, pos = _segments(t)
    use = pos < phase1 if phase1 else np.ones(pos.size, dtype=bool)
    d2, d3 = table(t.n, "d2", constants), table(t.n, "d3", constants)
    count = np.bincount(seg, weights=use, minlength=starts.size)
    weight = np.bincount(seg, weights=np.where(use, t.n, 0), minlength=starts.size)
    center = np.bincount(seg, weights=np.where(use, t.n * t.mean, 0.0), minlength=starts.size) / weight
    sigma = np.bincount(seg, weights=np.where(use, t.range / d2, 0.0), minlength=starts.size) / count
    s_point, c_point = sigma[seg] / np.sqrt(t.n), center[seg]
    xbar_lcl, xbar_ucl = c_point - nsigmas * s_point, c_point + nsigmas * s_point
    r_center, r_sigma = d2 * sigma[seg], d3 * sigma[seg]
    r_lcl, r_ucl = np.maximum(r_center - nsigmas * r_sigma, 0.0), r_center + nsigmas * r_sigma
    flags = evaluate(rules, t.mean, c_point, s_point, xbar_lcl, xbar_ucl, pos)
    flags["R"] = (t.range > r_ucl) | (t.range < r_lcl)
    violations = {
        name: np.bincount(seg, weights=f, minlength=starts.size).astype(np.int64) for name, f in flags.items()
    }
    cap, expected, observed = _capability(t, seg, starts.size, sigma, specs, level)
    return Summary(
        t.characteristic[starts], starts, center, sigma, xbar_lcl, xbar_ucl, r_center, r_ucl, r_lcl,
        flags, violations, cap, expected, observed,
    )  # fmt: skip


def _capability(
    t: SubgroupTable, seg: np.ndarray, count: int, sigma: np.ndarray, specs: dict[str, np.ndarray] | None, level: float
) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    n = np.bincount(seg, weights=t.n, minlength=count)
    grand = np.bincount(seg, weights=t.n * t.mean, minlength=count) / n
    within = np.nan_to_num((t.n - 1) * t.sd * t.sd)
    between = t.n * (t.mean - grand[seg]) ** 2
    overall = np.sqrt(
        (np.bincount(seg, weights=within, minlength=count) + np.bincount(seg, weights=between, minlength=count))
        / (n - 1)
    )
    nan = np.full(count, np.nan)
    lsl, usl = (specs or {}).get("lsl", nan), (specs or {}).get("usl", nan)
    target = (specs or {}).get("target", (lsl + usl) / 2)
    alpha = 1 - level
    out = _indices("Cp", grand, sigma, lsl, usl, target, n, alpha) | _indices(
        "Pp", grand, overall, lsl, usl, target, n, alpha
    )
    expected = (100 * stats.norm.cdf((lsl - grand) / sigma), 100 * stats.norm.sf((usl - grand) / sigma))
    observed = (
        100 * np.bincount(seg, weights=t.below, minlength=count) / n,
        100 * np.bincount(seg, weights=t.above, minlength=count) / n,
    )
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
