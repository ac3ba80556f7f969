"""Year-end outlook for nodes x indicators read from a cube."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pacer.analysis.catalog import IndicatorCatalog
from pacer.analysis.cube import Cube
from pacer.analysis.holt_winters import Grid
from pacer.analysis.inputs import FloatArray, Int64Array, Targets
from pacer.analysis.outlook import OutlookArrays, year_end_outlook
from pacer.analysis.results import METHODS, OutlookRow, opt


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
        cols = [a.ytd, a.run_rate, a.seasonal, a.statistical, a.point, a.low, a.high,
                a.p_ensure, a.p_strive, self.ensure, self.strive]
        return tuple(
            OutlookRow(node, code, METHODS[m], *(opt(x) for x in vals))
            for node, code, m, *vals in zip(self.nodes.tolist(), self.codes, a.method.tolist(),
                                            *(c.tolist() for c in cols), strict=True))


def build_outlook(cube: Cube, catalog: IndicatorCatalog, targets: Targets | None, year: int,
                  nodes: Int64Array, indicators: Int64Array, last_month: int,
                  grid: Grid | None, reference_years: int) -> Outlook:
    """Outlook at month index ``last_month`` for reported ``indicators`` of ``nodes``."""
    amounts, seen = cube.monthly(nodes, catalog.reported_pos[indicators], 0, last_month + 1)
    factor = catalog.unit_scale_factor[indicators][None, :, None]
    monthly = (amounts / factor).reshape(len(nodes) * len(indicators), -1)
    present = seen.reshape(monthly.shape)
    tile = (len(nodes), 1)
    is_flow = np.tile(catalog.is_flow[indicators], tile).ravel()
    lower = np.tile(catalog.is_lower[indicators], tile).ravel()
    ensure, strive = _targets(catalog, targets, year, nodes, indicators)
    arrays = year_end_outlook(monthly, present, last_month % 12 + 1, is_flow, ensure, strive,
                              lower, grid, reference_years)
    codes = tuple(catalog.codes[i] for i in indicators) * len(nodes)
    return Outlook(year, last_month % 12 + 1, np.repeat(nodes, len(indicators)), codes, ensure,
                   strive, arrays)


def _targets(catalog: IndicatorCatalog, targets: Targets | None, year: int, nodes: Int64Array,
             indicators: Int64Array) -> tuple[FloatArray, FloatArray]:
    size = len(nodes) * len(indicators)
    if targets is None or not 0 <= year - targets.first_year < targets.values.shape[2]:
        return np.full(size, np.nan), np.full(size, np.nan)
    ix = (nodes[:, None], indicators[None, :], year - targets.first_year)
    number = targets.values[ix] / catalog.unit_scale_factor[indicators][None, :, None]
    number = np.where(targets.present[ix], number, np.nan)
    # band bounds are not a reach-or-miss target
    number[:, catalog.is_band[indicators]] = np.nan
    return number[..., 0].ravel(), number[..., 1].ravel()
