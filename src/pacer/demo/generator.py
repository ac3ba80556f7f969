"""The deterministic demo-group generator: org tree, people, monthly facts and targets.

Pure (no database): ``generate(DemoConfig.load(), seed=7)`` returns a :class:`DemoGroup` whose
figures tie exactly, for a loader to store. The same configuration, seed and arguments always
give identical arrays. Everything group-specific comes from the configuration.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date

import numpy as np
import numpy.typing as npt

from pacer.demo.calendar import MonthGrid
from pacer.demo.config import DemoConfig, DemoConfigError
from pacer.demo.eliminations import intra_group_eliminations
from pacer.demo.figures import Figures, generate_figures
from pacer.demo.filler import filler_indicators, filler_values, group_fillers
from pacer.demo.org import OrgTree, build_org
from pacer.demo.own_indicators import OwnFigures, own_figures, own_targets
from pacer.demo.records import (
    BASE_CODES,
    BASE_INDICATORS,
    DemoGroup,
    DemoLeader,
    DemoTarget,
    DemoUnit,
    DemoUser,
    FactArrays,
    FillerIndicator,
    UnitMove,
)
from pacer.demo.targets import build_targets

__all__ = [
    "BASE_CODES",
    "BASE_INDICATORS",
    "DemoConfig",
    "DemoConfigError",
    "DemoGroup",
    "DemoLeader",
    "DemoTarget",
    "DemoUnit",
    "DemoUser",
    "FactArrays",
    "FillerIndicator",
    "UnitMove",
    "generate",
]

DEFAULT_FIRST_YEAR = 2019


def generate(
    config: DemoConfig,
    seed: int = 7,
    units: int | None = None,
    first_year: int | None = None,
    as_of: tuple[int, int] = (2026, 10),
    extra_indicators: int = 0,
    group_indicators: int = 0,
) -> DemoGroup:
    """Generate a demo group.

    ``units`` resizes the tree to about that many units (None: as configured); facts run from
    January of ``first_year`` (default 2019) to the ``as_of`` (year, month) inclusive;
    ``extra_indicators`` adds that many filler statistics and ``group_indicators`` that many
    group-defined ones (a benchmark's: reported and derived, see :func:`group_fillers`).
    Separate random streams drive the tree, the base figures, the fillers and the group's own
    indicators, so adding fillers leaves the other figures alone.
    The configured group's intra-group sales are eliminated; a resized group has none, so its
    consolidated figures stay plain sums of the facts.
    """
    first = DEFAULT_FIRST_YEAR if first_year is None else first_year
    _check_arguments(first, as_of, units, extra_indicators + group_indicators)
    # spawn(4) begins with the same three streams as spawn(3): the own figures' stream came last
    org_stream, figure_stream, filler_stream, own_stream = np.random.SeedSequence(seed).spawn(4)
    as_of_end = date(as_of[0], as_of[1], _calendar.monthrange(*as_of)[1])
    org = build_org(config, np.random.default_rng(org_stream), units, as_of_end)
    # The two years before the as-of year calibrate the figures, whatever the first year shown.
    grid = MonthGrid(min(first, as_of[0] - 2), as_of)
    figures = generate_figures(config, org, grid, np.random.default_rng(figure_stream))
    group_reported, group_derived = group_fillers(group_indicators)
    fillers = filler_indicators(extra_indicators) + group_reported
    own = own_figures(config, org, figures, grid, np.random.default_rng(own_stream))
    facts = _facts(org, grid, figures, first, fillers, np.random.default_rng(filler_stream), own)
    present = {unit.code for unit in org.units}
    indicators = list(BASE_CODES) + [filler.code for filler in fillers] + list(own.values)
    eliminations = (
        [] if units is not None else intra_group_eliminations(config, org.units, org.moves, facts, indicators)
    )
    return DemoGroup(
        units=org.units,
        moves=org.moves,
        leaders=[leader for leader in config.leaders if leader.unit_code in present],
        users=[user for user in config.users if user.unit_code in present],
        indicators=indicators,
        extra_indicators=fillers + group_derived,
        facts=facts,
        targets=build_targets(config, org, grid, figures, first) + own_targets(config, org, grid, figures, own, first),
        as_of=as_of,
        first_year=first,
        eliminations=eliminations,
        own_indicators=[spec for spec in config.own.reported if spec.code in own.values] if config.own else [],
    )


def _check_arguments(first: int, as_of: tuple[int, int], units: int | None, extra_indicators: int) -> None:
    if not 1 <= as_of[1] <= 12:
        raise ValueError(f"as_of month must be 1..12, not {as_of[1]}")
    if first > as_of[0]:
        raise ValueError(f"first_year {first} is after the as-of year {as_of[0]}")
    if units is not None and units < 1:
        raise ValueError("units must be positive")
    if extra_indicators < 0:
        raise ValueError("extra_indicators must not be negative")


def _facts(
    org: OrgTree,
    grid: MonthGrid,
    figures: Figures,
    first_year: int,
    fillers: list[FillerIndicator],
    rng: np.random.Generator,
    own: OwnFigures,
) -> FactArrays:
    """Columns ordered by indicator, then unit, then period; only reporting leaf-months (for
    the group's own indicators, only those of the leaves that report them)."""
    cells = figures.active & (grid.years >= first_year)[None, :]
    flat = np.flatnonzero(cells)
    size, count = flat.size, len(BASE_CODES) + len(fillers)
    value = np.empty(size * count, dtype=np.int64)
    for i, code in enumerate(BASE_CODES):
        value[i * size : (i + 1) * size] = figures.values[code].ravel()[flat]
    for j, values in enumerate(filler_values(fillers, figures, rng), start=len(BASE_CODES)):
        value[j * size : (j + 1) * size] = values.ravel()[flat]
    unit = org.leaves[flat // grid.size].astype(np.int32)
    period = grid.periods[flat % grid.size]
    columns = [(np.tile(unit, count), np.repeat(np.arange(count, dtype=np.int32), size), np.tile(period, count), value)]
    for k, (code, values) in enumerate(own.values.items(), start=count):
        mine = np.flatnonzero(cells & own.reports[code][:, None])
        columns.append(
            (
                org.leaves[mine // grid.size].astype(np.int32),
                np.full(mine.size, k, dtype=np.int32),
                grid.periods[mine % grid.size],
                values.ravel()[mine],
            )
        )
    return FactArrays(*(np.concatenate(parts) for parts in zip(*columns, strict=True)))


def leaf_codes(group: DemoGroup) -> list[str]:
    """Codes of the units that report figures, in unit order."""
    parents = {unit.parent_code for unit in group.units}
    return [unit.code for unit in group.units if unit.code not in parents]


def facts_matrix(
    group: DemoGroup, indicator_code: str
) -> tuple[list[str], npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """One indicator's facts as a dense (units × periods) matrix of scaled values.

    Returns the unit codes of the rows, the yyyymm periods of the columns and the matrix,
    zero where a unit does not report.
    """
    facts = group.facts
    rows = facts.indicator == group.indicators.index(indicator_code)
    unit, period, value = facts.unit[rows], facts.period[rows], facts.value[rows]
    units = np.unique(unit)
    periods = np.unique(period)
    matrix = np.zeros((units.size, periods.size), dtype=np.int64)
    matrix[np.searchsorted(units, unit), np.searchsorted(periods, period)] = value
    return [group.units[int(u)].code for u in units], periods, matrix
