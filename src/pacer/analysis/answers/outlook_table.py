"""Year-end outlook for nodes x indicators read from a cube.

Reported indicators are forecast from their own monthly series (:mod:`pacer.analysis.core.outlook`).
A derived indicator is evaluated on its references' outlooks, after aggregation as everywhere:
its YTD, run-rate, seasonal, statistical and point estimates are its formula (the version valid
in the outlook's year) on the references' estimates of the same kind, an opening balance
(``avg``/``opening``) being the actual balance of the December before the year. Its method is
the weakest of its references' (no data if any has none). Its 80 % interval and its chances of
reaching the target tiers come from simulation: each reference's year-end value is drawn from
the normal distribution its own interval rests on, independently of the other references, the
formula is evaluated on every draw, and the interval runs from the draws' 10th to their 90th
percentile. Correlation between references (a profit and the revenue it comes from) is not
modelled, which widens a ratio's interval rather than narrowing it. There is no interval (and no
probability) where a reference has none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pacer.analysis.answers.results import METHODS, OutlookRow, opt
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.holt_winters import Grid
from pacer.analysis.core.inputs import FloatArray, Int64Array, Targets
from pacer.analysis.core.outlook import Z80, OutlookArrays, OutlookMethod, year_end_outlook

DRAWS = 4000  # simulated year-ends per derived series
_SEED = 20240601  # fixed: the same figures always give the same interval
_ESTIMATES = ("ytd", "run_rate", "seasonal", "statistical", "point")


@dataclass(frozen=True, eq=False)
class Outlook:
    """One series per node x indicator (node-major), values in the indicator's unit."""

    year: int
    month: int
    nodes: Int64Array
    codes: tuple[str, ...]
    ensure: FloatArray
    strive: FloatArray
    arrays: OutlookArrays

    def rows(self) -> tuple[OutlookRow, ...]:
        a = self.arrays
        cols = [
            a.ytd,
            a.run_rate,
            a.seasonal,
            a.statistical,
            a.point,
            a.low,
            a.high,
            a.p_ensure,
            a.p_strive,
            self.ensure,
            self.strive,
        ]
        return tuple(
            OutlookRow(node, code, METHODS[m], *(opt(x) for x in vals))
            for node, code, m, *vals in zip(
                self.nodes.tolist(), self.codes, a.method.tolist(), *(c.tolist() for c in cols), strict=True
            )
        )


def build_outlook(
    cube: Cube,
    catalog: IndicatorCatalog,
    targets: Targets | None,
    year: int,
    nodes: Int64Array,
    indicators: Int64Array,
    last_month: int,
    grid: Grid | None,
    reference_years: int,
) -> Outlook:
    """Outlook at month index ``last_month`` for ``indicators`` (reported or derived) of
    ``nodes``."""
    indicators = np.asarray(indicators, dtype=np.int64)
    ensure, strive = _targets(catalog, targets, year, nodes, indicators)
    if not catalog.is_derived[indicators].any():
        arrays = _reported(cube, catalog, nodes, indicators, last_month, ensure, strive, grid, reference_years)
    else:
        columns = catalog.closure(indicators)
        reported = columns[~catalog.is_derived[columns]]
        base = _reported(
            cube,
            catalog,
            nodes,
            reported,
            last_month,
            *_targets(catalog, targets, year, nodes, reported),
            grid,
            reference_years,
        )
        arrays = _with_derived(cube, catalog, nodes, indicators, columns, reported, base, last_month, ensure, strive)
    codes = tuple(catalog.codes[i] for i in indicators) * len(nodes)
    return Outlook(year, last_month % 12 + 1, np.repeat(nodes, len(indicators)), codes, ensure, strive, arrays)


def _reported(
    cube: Cube,
    catalog: IndicatorCatalog,
    nodes: Int64Array,
    indicators: Int64Array,
    last_month: int,
    ensure: FloatArray,
    strive: FloatArray,
    grid: Grid | None,
    reference_years: int,
) -> OutlookArrays:
    amounts, seen = cube.monthly(nodes, catalog.reported_pos[indicators], 0, last_month + 1)
    factor = catalog.unit_scale_factor[indicators][None, :, None]
    monthly = (amounts / factor).reshape(len(nodes) * len(indicators), -1)
    present = seen.reshape(monthly.shape)
    tile = (len(nodes), 1)
    is_flow = np.tile(catalog.is_flow[indicators], tile).ravel()
    lower = np.tile(catalog.is_lower[indicators], tile).ravel()
    return year_end_outlook(
        monthly, present, last_month % 12 + 1, is_flow, ensure, strive, lower, grid, reference_years
    )


def _evaluate_derived(
    catalog: IndicatorCatalog,
    columns: Int64Array,
    last_month: int,
    opening: dict[int, np.ndarray],
    est: dict[str, dict[int, np.ndarray]],
    draws: dict[int, np.ndarray],
    method: dict[int, np.ndarray],
) -> None:
    """Adds each derived indicator among ``columns`` to ``est``, ``draws`` and ``method``: its
    formula (of the year) on its references' estimates and draws, in dependency order."""
    year_index = last_month // 12
    in_closure = set(columns.tolist())
    start = {catalog.codes[c]: opening[c] for c in opening}
    for i in (d for d in catalog.derived_order if d in in_closure):
        formula = catalog.formula_at(i, year_index)
        refs = [catalog.index[r] for r in formula.references]
        for name in _ESTIMATES:
            est[name][i] = formula.evaluate({catalog.codes[c]: est[name][c] for c in refs}, start)
        draws[i] = formula.evaluate(
            {catalog.codes[c]: draws[c] for c in refs}, {code: v[:, None] for code, v in start.items()}
        )
        ms = np.stack([method[c] for c in refs])
        method[i] = np.where((ms == OutlookMethod.NO_DATA).any(axis=0), OutlookMethod.NO_DATA, ms.max(axis=0))


def _with_derived(
    cube: Cube,
    catalog: IndicatorCatalog,
    nodes: Int64Array,
    indicators: Int64Array,
    columns: Int64Array,
    reported: Int64Array,
    base: OutlookArrays,
    last_month: int,
    ensure: FloatArray,
    strive: FloatArray,
) -> OutlookArrays:
    """``indicators``' outlook from ``base``, the outlook of the ``reported`` indicators they
    need (see the module docstring for derived ones)."""
    n, k = len(nodes), len(reported)

    def per_code(a: np.ndarray) -> dict[int, np.ndarray]:
        table = a.reshape(n, k)
        return {int(c): table[:, j] for j, c in enumerate(reported)}

    est = {name: per_code(getattr(base, name)) for name in _ESTIMATES}
    method = per_code(base.method)
    sd = per_code((base.high - base.low) / (2.0 * Z80))
    rng = np.random.default_rng(_SEED)
    draws = {
        c: est["statistical"][c][:, None] + sd[c][:, None] * rng.standard_normal((n, DRAWS)) for c in est["statistical"]
    }
    opening = {int(c): _opening(cube, catalog, nodes, int(c), last_month) for c in columns}
    _evaluate_derived(catalog, columns, last_month, opening, est, draws, method)
    m = len(indicators)
    tiers = (ensure.reshape(n, m), strive.reshape(n, m))
    low, high = per_code(base.low), per_code(base.high)
    p_ensure, p_strive = per_code(base.p_ensure), per_code(base.p_strive)
    for j, i in enumerate(indicators.tolist()):
        if catalog.is_derived[i]:
            low[i], high[i] = _interval(draws[i], est["statistical"][i])
            lower = bool(catalog.is_lower[i])
            p_ensure[i] = _reach(draws[i], est["statistical"][i], tiers[0][:, j], lower)
            p_strive[i] = _reach(draws[i], est["statistical"][i], tiers[1][:, j], lower)

    def gather(values: dict[int, np.ndarray]) -> np.ndarray:
        return np.stack([values[i] for i in indicators.tolist()], axis=1).ravel()

    return OutlookArrays(
        method=gather(method).astype(np.int8),
        ytd=gather(est["ytd"]),
        run_rate=gather(est["run_rate"]),
        seasonal=gather(est["seasonal"]),
        statistical=gather(est["statistical"]),
        point=gather(est["point"]),
        low=gather(low),
        high=gather(high),
        p_ensure=gather(p_ensure),
        p_strive=gather(p_strive),
        fit=None,
    )


def _opening(cube: Cube, catalog: IndicatorCatalog, nodes: Int64Array, i: int, last_month: int) -> FloatArray:
    """A stock's balance at the December before the year (NaN for flows and derived ones)."""
    month = last_month - last_month % 12 - 1
    if not catalog.is_stock[i] or month < 0:
        return np.full(len(nodes), np.nan)
    r = int(catalog.reported_pos[i])
    ytd, seen = cube.points(nodes, np.array([r]), np.array([month]))
    return np.where(seen[:, 0, 0] > 0, ytd[:, 0, 0] / catalog.unit_scale_factor[i], np.nan)


def _interval(draws: FloatArray, statistical: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The draws' 10th and 90th percentiles, NaN where there is no statistical estimate."""
    finite = np.isfinite(draws)
    usable = np.isfinite(statistical) & finite.any(axis=1)
    low, high = np.full(len(draws), np.nan), np.full(len(draws), np.nan)
    if usable.any():
        picked = np.where(finite[usable], draws[usable], np.nan)
        low[usable], high[usable] = np.nanpercentile(picked, [10.0, 90.0], axis=1)
    return low, high


def _reach(draws: FloatArray, statistical: FloatArray, target: FloatArray, lower: bool) -> FloatArray:
    """Share of finite draws reaching ``target`` (at or under it for lower-is-better)."""
    finite = np.isfinite(draws)
    reached = draws <= target[:, None] if lower else draws >= target[:, None]
    counted = finite.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (reached & finite).sum(axis=1) / counted
    ok = np.isfinite(statistical) & np.isfinite(target) & (counted > 0)
    return np.where(ok, p, np.nan)


def _targets(
    catalog: IndicatorCatalog, targets: Targets | None, year: int, nodes: Int64Array, indicators: Int64Array
) -> tuple[FloatArray, FloatArray]:
    size = len(nodes) * len(indicators)
    if targets is None or not 0 <= year - targets.first_year < targets.values.shape[2]:
        return np.full(size, np.nan), np.full(size, np.nan)
    ix = (nodes[:, None], indicators[None, :], year - targets.first_year)
    number = targets.values[ix] / catalog.unit_scale_factor[indicators][None, :, None]
    number = np.where(targets.present[ix], number, np.nan)
    # band bounds are not a reach-or-miss target
    number[:, catalog.is_band[indicators]] = np.nan
    return number[..., 0].ravel(), number[..., 1].ravel()
