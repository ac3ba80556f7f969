"""Everything HQ reads about a set of nodes at one period, as arrays ``[nodes, indicators]``:
value, YTD, last year, YoY, month on month, targets, time progress, completion, gap, status and
what the rest of the year needs. The cockpit, rankings, off-track lists and checks all read it;
a ranking alone reads the lean set (:class:`LeanMeasures`), about half the work.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum
from typing import Literal

import numpy as np

from pacer.analysis.core import calc
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.inputs import BoolArray, FloatArray, Int64Array, Targets
from pacer.analysis.core.windows import Values, Window, evaluate_windows

TimeBasis = Literal["linear", "seasonal"]


class BasisCode(IntEnum):
    NONE = 0  # a level (stock or ratio): elapsed time does not apply
    LINEAR = 1
    PHASING = 2  # the target's own monthly phasing
    HISTORY = 3  # the node's actual profile in the reference years


_NO_WINDOW = Window(-1, -1, -1)


@dataclass(frozen=True, eq=False)
class LeanMeasures:
    """What a ranking reads of ``nodes`` x ``columns`` (catalog positions) at month ``month`` of
    ``year``: YTD, last year's YTD, YoY, targets, time progress, completion, gap and status.

    Target arrays end in a tier axis (0 = ensure, 1 = strive); percentages are in percent,
    gaps in pp, ``progress`` is a fraction of the year (NaN for levels).
    """

    nodes: Int64Array
    columns: Int64Array
    year: int
    month: int
    ytd: Values
    ytd_last_year: Values
    yoy_code: np.ndarray
    yoy_change: FloatArray
    yoy_pct: FloatArray
    yoy_change_scaled: Int64Array
    target_scaled: Int64Array
    target_present: BoolArray
    progress: FloatArray
    basis: np.ndarray
    completion: FloatArray
    completion_strive: FloatArray
    gap: FloatArray
    status: np.ndarray

    def column(self, catalog_position: int) -> int:
        return int(np.searchsorted(self.columns, catalog_position))


@dataclass(frozen=True, eq=False)
class PeriodMeasures(LeanMeasures):
    """Every measure: the :class:`LeanMeasures`, and the month's value, the previous month, month
    on month, the rest of last year and what the rest of this year needs (per target tier)."""

    value: Values
    previous_month: Values
    last_year_rest: Values
    mom_code: np.ndarray
    mom_change: FloatArray
    mom_pct: FloatArray
    need_ok: BoolArray
    remaining_scaled: Int64Array
    monthly_need: FloatArray
    implied_code: np.ndarray
    implied_pct: FloatArray


def period_measures(
    cube: Cube,
    catalog: IndicatorCatalog,
    targets: Targets | None,
    first_year: int,
    nodes: Int64Array,
    year: int,
    month: int,
    selected: Int64Array,
    thresholds: calc.Thresholds,
    time_basis: TimeBasis = "linear",
    reference_years: int = 3,
) -> PeriodMeasures:
    """Compute :class:`PeriodMeasures` for ``selected`` indicators and whatever they reference."""
    columns = catalog.closure(selected)
    yi = year - first_year
    prev_month = Window.of(yi, month - 1, month - 1) if month > 1 else Window.of(yi - 1, 12, 12)
    rest = Window.of(yi - 1, month + 1, 12) if month < 12 else _NO_WINDOW
    windows = [
        Window.span(yi, "month", month),
        prev_month,
        Window.span(yi, "ytd", month),
        Window.span(yi - 1, "ytd", month),
        rest,
    ]
    value, previous, ytd, ytd_ly, ly_rest = evaluate_windows(cube, catalog, nodes, columns, windows)
    lean = _lean(
        cube, catalog, targets, nodes, columns, year, month, yi, ytd, ytd_ly, thresholds, time_basis, reference_years
    )
    pct_unit = catalog.is_percent[columns]
    mom = calc.classify_change(value.number, previous.number, value.present & previous.present, pct_unit)
    accumulates, band = catalog.accumulates[columns], catalog.is_band[columns]
    t_scaled, t_present = lean.target_scaled, lean.target_present
    need_ok = (accumulates & ~band)[:, None] & t_present & ytd.present[..., None]
    remaining = np.where(need_ok, t_scaled - ytd.scaled[..., None], 0)
    remaining_number = remaining / catalog.unit_scale_factor[columns][:, None]
    implied_code, _, implied_pct = calc.classify_change(
        remaining_number, ly_rest.number[..., None], need_ok & ly_rest.present[..., None], False
    )
    return PeriodMeasures(
        **{f.name: getattr(lean, f.name) for f in fields(LeanMeasures)},
        value=value,
        previous_month=previous,
        last_year_rest=ly_rest,
        mom_code=mom[0],
        mom_change=mom[1],
        mom_pct=mom[2],
        need_ok=need_ok,
        remaining_scaled=remaining,
        monthly_need=np.where(need_ok, calc.required_monthly(remaining_number, month), np.nan),
        implied_code=implied_code,
        implied_pct=implied_pct,
    )


def lean_measures(
    cube: Cube,
    catalog: IndicatorCatalog,
    targets: Targets | None,
    first_year: int,
    nodes: Int64Array,
    year: int,
    month: int,
    selected: Int64Array,
    thresholds: calc.Thresholds,
    time_basis: TimeBasis = "linear",
    reference_years: int = 3,
) -> LeanMeasures:
    """Compute :class:`LeanMeasures` for ``selected`` indicators and whatever they reference:
    the same figures as :func:`period_measures` from two windows (this year's and last year's
    YTD) instead of five."""
    columns = catalog.closure(selected)
    yi = year - first_year
    ytd, ytd_ly = evaluate_windows(
        cube, catalog, nodes, columns, [Window.span(yi, "ytd", month), Window.span(yi - 1, "ytd", month)]
    )
    return _lean(
        cube, catalog, targets, nodes, columns, year, month, yi, ytd, ytd_ly, thresholds, time_basis, reference_years
    )


def ranking_keys(
    cube: Cube,
    catalog: IndicatorCatalog,
    targets: Targets | None,
    first_year: int,
    nodes: Int64Array,
    year: int,
    month: int,
    selected: Int64Array,
) -> tuple[FloatArray, FloatArray]:
    """``(completion, YTD)`` of ``nodes`` x ``selected`` (not their closure), as
    :class:`LeanMeasures` has them, from this year's YTD and the ensure targets alone: what a
    ranking on completion (or on YTD) reads, a fraction of the lean set's work."""
    columns = catalog.closure(selected)
    (ytd,) = evaluate_windows(cube, catalog, nodes, columns, [Window.span(year - first_year, "ytd", month)])
    value = ytd.number if np.array_equal(columns, selected) else ytd.number[:, np.searchsorted(columns, selected)]
    completion = np.full(value.shape, np.nan)
    scaled, present = _targets(targets, nodes, selected, year)
    # only indicators with an ensure target somewhere have a completion
    judged = np.flatnonzero(present[..., 0].any(axis=0) & ~catalog.is_band[selected])
    if judged.size:
        factor = catalog.unit_scale_factor[selected[judged]]
        ensure = np.where(present[:, judged, 0], scaled[:, judged, 0] / factor, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            completion[:, judged] = np.where(ensure > 0, value[:, judged] / ensure * 100.0, np.nan)
    return completion, value


def _lean(
    cube: Cube,
    catalog: IndicatorCatalog,
    targets: Targets | None,
    nodes: Int64Array,
    columns: Int64Array,
    year: int,
    month: int,
    yi: int,
    ytd: Values,
    ytd_ly: Values,
    thresholds: calc.Thresholds,
    time_basis: TimeBasis,
    reference_years: int,
) -> LeanMeasures:
    pct_unit = catalog.is_percent[columns]
    yoy_ok = ytd.present & ytd_ly.present
    yoy = calc.classify_change(ytd.number, ytd_ly.number, yoy_ok, pct_unit)
    t_scaled, t_present = _targets(targets, nodes, columns, year)
    t_number = np.where(t_present, t_scaled / catalog.unit_scale_factor[columns][:, None], np.nan)
    progress, basis = _progress(cube, catalog, targets, nodes, columns, yi, month, year, time_basis, reference_years)
    accumulates, lower = catalog.accumulates[columns], catalog.is_lower[columns]
    band = catalog.is_band[columns]
    completion, completion_strive, gap, status = calc.judge(
        np.where(ytd.present, ytd.number, np.nan),
        t_number[..., 0],
        t_number[..., 1],
        progress,
        accumulates,
        lower,
        band,
        pct_unit,
        thresholds,
    )
    return LeanMeasures(
        nodes=nodes,
        columns=columns,
        year=year,
        month=month,
        ytd=ytd,
        ytd_last_year=ytd_ly,
        yoy_code=yoy[0],
        yoy_change=yoy[1],
        yoy_pct=yoy[2],
        yoy_change_scaled=np.where(yoy_ok, ytd.scaled - ytd_ly.scaled, 0),
        target_scaled=t_scaled,
        target_present=t_present,
        progress=progress,
        basis=basis,
        completion=completion,
        completion_strive=completion_strive,
        gap=gap,
        status=status,
    )


def _targets(
    targets: Targets | None, nodes: Int64Array, columns: Int64Array, year: int
) -> tuple[Int64Array, BoolArray]:
    shape = (len(nodes), len(columns), 2)
    if targets is None or not 0 <= year - targets.first_year < targets.values.shape[2]:
        return np.zeros(shape, np.int64), np.zeros(shape, bool)
    values, present = targets.of_year(year - targets.first_year)
    if 4 * len(columns) < values.shape[1]:
        ix = (nodes[:, None], columns[None, :])
        return values[ix], present[ix]
    # whole node rows are much faster to gather than node x indicator pairs
    values, present = values[nodes], present[nodes]
    if len(columns) == values.shape[1]:  # the closure of a full selection is every indicator
        return values, present
    return values[:, columns], present[:, columns]


def _progress(
    cube: Cube,
    catalog: IndicatorCatalog,
    targets: Targets | None,
    nodes: Int64Array,
    columns: Int64Array,
    yi: int,
    month: int,
    year: int,
    time_basis: TimeBasis,
    reference_years: int,
) -> tuple[FloatArray, np.ndarray]:
    """Time progress per node x indicator and where it came from (a :class:`BasisCode`)."""
    shape = (len(nodes), len(columns))
    accumulates = np.broadcast_to(catalog.accumulates[columns], shape)
    progress = np.where(accumulates, calc.linear_progress(month), np.nan)
    basis = np.where(accumulates, BasisCode.LINEAR, BasisCode.NONE).astype(np.int8)
    if time_basis == "linear":
        return progress, basis
    seasonal = np.full(shape, np.nan)
    flows = np.flatnonzero(catalog.is_flow[columns])
    y0 = max(0, yi - reference_years)
    if flows.size and y0 < yi and 12 * yi <= cube.n_months:
        rpos = catalog.reported_pos[columns[flows]]
        months = np.arange(12 * y0, 12 * yi)
        ytd, seen = cube.points(nodes, None if 4 * len(rpos) >= cube.n_reported else rpos, months)
        if ytd.shape[1] != len(rpos):
            ytd, seen = ytd[:, rpos], seen[:, rpos]
        by_year = (len(nodes), len(rpos), yi - y0, 12)
        ytd, seen = ytd.reshape(by_year), seen.reshape(by_year)
        # a complete year has reports in every month: its cumulated count rises every month
        complete = (seen[..., 0] > 0) & (np.diff(seen, axis=-1) > 0).all(axis=-1)
        picked = ytd[..., [month - 1, 11]].astype(np.float64)
        seasonal[:, flows] = calc.ytd_shares(picked, complete)[..., 0]
    use = accumulates & np.isfinite(seasonal)
    progress, basis = np.where(use, seasonal, progress), np.where(use, BasisCode.HISTORY, basis)
    if targets is not None and targets.phasing is not None:
        ti = year - targets.first_year
        if 0 <= ti < targets.phasing.shape[2]:
            bp = targets.phasing[nodes[:, None], columns[None, :], ti]
            phased = calc.phasing_shares(bp)[..., month - 1]
            use = accumulates & np.isfinite(phased)
            progress = np.where(use, phased, progress)
            basis = np.where(use, BasisCode.PHASING, basis)
    return progress, basis.astype(np.int8)
