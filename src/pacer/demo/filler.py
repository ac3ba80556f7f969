"""Filler statistics: volume for performance work, shaped like real figures."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from pacer.demo.figures import Figures
from pacer.demo.records import FillerIndicator

Ints = npt.NDArray[np.int64]


def filler_indicators(count: int) -> list[FillerIndicator]:
    """``stat_001`` … alternating flow and stock, starting with a flow."""
    return [
        FillerIndicator(
            code=f"stat_{n:03d}",
            name_zh=f"统计指标{n:03d}",
            name_en=f"Statistic {n:03d}",
            kind="flow" if n % 2 else "stock",
        )
        for n in range(1, count + 1)
    ]


def filler_values(fillers: list[FillerIndicator], figures: Figures, rng: np.random.Generator) -> Iterator[Ints]:
    """(L, M) fen values per filler, one indicator at a time to bound memory.

    Each follows its unit's revenue trend at its own ratio: flows carry a share of the revenue
    seasonality and monthly noise, stocks a slow random walk.
    """
    shape = figures.log_trend.shape
    log_season = np.log(figures.season)
    for filler in fillers:
        ratio = np.log(0.05) + rng.normal(0.0, 1.0)
        unit_effect = rng.normal(0.0, 0.3, (shape[0], 1))
        level = figures.log_trend + ratio + unit_effect
        if filler.kind == "flow":
            log_value = level + rng.uniform(0.0, 1.0) * log_season
            log_value += 0.1 * rng.standard_normal(shape)
        else:
            walk = np.cumsum(0.02 * rng.standard_normal(shape), axis=1)
            log_value = level + np.log(12.0) + walk
        yield np.rint(np.exp(log_value) * 100.0).astype(np.int64)
