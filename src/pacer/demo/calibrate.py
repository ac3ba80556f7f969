"""Calibration: the group's revenue path, its scale and its margins follow the configuration.

Units grow at their own pace, so left alone the group would drift from the configured growth as
fast units gain weight. The group's growth, the size of its base year and its margin each year
are therefore pinned, and the units keep their differences around them.
"""

from __future__ import annotations

import numpy as np

from pacer.demo.frame import FEN, Floats, Frame


def follow_macro(frame: Frame, log_trend: Floats, season: Floats) -> Floats:
    """Shift every unit's trend alike so the group grows at the macro rate each year.

    Growth is compared over the same months of the year before, so a partial current year
    grows at its rate too. The shift ramps up within a year: no jump in January.
    """
    grid = frame.grid
    monthly = (np.exp(log_trend) * season * frame.active).sum(axis=0)
    shift, carried = np.zeros(grid.size), 0.0
    for year in list(grid.year_range)[1:]:
        this, last = grid.of_year(year), grid.of_year(year - 1)
        months = this.stop - this.start
        wanted = (monthly[last] * np.exp(shift[last]))[:months].sum()
        wanted *= 1 + frame.config.macro(year)
        ramp = np.arange(1, months + 1) / 12
        step = _solve_ramp(monthly[this] * np.exp(carried), ramp, wanted)
        shift[this] = carried + step * ramp
        carried += step
    return log_trend + shift[None, :]


def _solve_ramp(amounts: Floats, ramp: Floats, wanted: float) -> float:
    """The ``a`` with sum(amounts * exp(a * ramp)) == wanted (Newton; the sum is convex)."""
    step = float(np.log(wanted / amounts.sum()) / ramp.mean())
    for _ in range(20):
        grown = amounts * np.exp(step * ramp)
        error = grown.sum() - wanted
        if abs(error) <= 1e-9 * wanted:
            break
        step -= error / (grown * ramp).sum()
    return step


def revenue_scale(frame: Frame, revenue: Floats) -> float:
    """Factor that brings the group's base-year revenue to the ensure target over 1 + growth.

    The base year is the one before the last full year, so the calibrated target means the
    configured ensure growth.
    """
    config = frame.config
    base = frame.grid.of_year(frame.grid.end[0] - 2)
    wanted = config.revenue_ensure_fen / FEN / (1 + config.targets.ensure_growth_bp / 1e4)
    wanted *= 1 + config.base_year_jitter * frame.rng.uniform(-1.0, 1.0)
    return float(wanted / revenue[:, base].sum())


def pin_margins(frame: Frame, profit: Floats, revenue: Floats) -> Floats:
    """Shift the margins of units without a story so the group's margin follows its path.

    The base year's profit is the ensure target over 1 + growth; other years take that margin
    plus the configured offset of the year (the epidemic year's dip, a weaker current year).
    """
    config, grid = frame.config, frame.grid
    base_year = grid.end[0] - 2
    base = grid.of_year(base_year)
    wanted = config.total_profit_ensure_fen / FEN / (1 + config.targets.ensure_growth_bp / 1e4)
    wanted *= 1 + config.base_year_jitter * frame.rng.uniform(-1.0, 1.0)
    margin = wanted / revenue[:, base].sum()
    free = np.array([code not in config.story.margin_paths for code in frame.codes])
    shifted = profit.copy()
    for year in grid.year_range:
        months = grid.of_year(year)
        offset = config.margin_offset(year) - config.margin_offset(base_year)
        target = (margin + offset) * revenue[:, months].sum()
        movable = revenue[free, months].sum()
        if movable > 0:
            shift = (target - profit[:, months].sum()) / movable
            shifted[free, months] += shift * revenue[free, months]
    return shifted
