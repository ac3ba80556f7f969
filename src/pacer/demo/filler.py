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


# Units of measure of the group-defined fillers, in turn: mass, energy, items and money.
_GROUP_UNITS = ("t", "tce", "count", "yuan")


def group_fillers(count: int) -> tuple[list[FillerIndicator], list[FillerIndicator]]:
    """``count`` group-defined indicators (``grp_001`` …), as a benchmark adds them: about two
    thirds reported (flows and stocks in turn, in the group's units of mass, energy, items and
    money), the rest derived from them (a share in percent, a sum, an intensity per 万元).
    Returns (reported, derived)."""
    n_reported = count - count // 3
    reported = [
        FillerIndicator(
            code=f"grp_{n:03d}",
            name_zh=f"集团自定义指标{n:03d}",
            name_en=f"Group indicator {n:03d}",
            kind="flow" if n % 2 else "stock",
            unit=_GROUP_UNITS[(n - 1) // 2 % len(_GROUP_UNITS)],
        )
        for n in range(1, n_reported + 1)
    ]
    flows = [f for f in reported if f.kind == "flow"] or reported
    derived = []
    for k, n in enumerate(range(n_reported + 1, count + 1)):
        a, b = flows[k % len(flows)], flows[(k + 1) % len(flows)]
        shape = k % 3
        formula = (
            f"{a.code} / ({a.code} + {b.code}) * 100",
            f"{a.code} + {b.code}",
            f"{a.code} / {b.code} * 10000",
        )[shape]
        unit = ("percent", a.unit, "tce_per_wan_yuan")[shape]
        derived.append(
            FillerIndicator(
                code=f"grp_{n:03d}",
                name_zh=f"集团自定义指标{n:03d}",
                name_en=f"Group indicator {n:03d}",
                kind="derived",
                unit=unit,
                scale=4 if shape == 2 else 2,
                formula=formula,
            )
        )
    return reported, derived


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
