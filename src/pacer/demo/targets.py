"""Annual targets: set for the group, allocated to the leaves, summed up the year's tree.

Leaves get the group target in proportion to what each would reach at the target growth over
its last-year actual (largest remainder in whole 万元), so every node's target is exactly the
sum of its children's. Loss-making leaves keep a loss-reduction target of their own and the
rest is shared among the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from pacer.demo.calendar import MonthGrid
from pacer.demo.config import DemoConfig
from pacer.demo.figures import Figures
from pacer.demo.frame import FEN
from pacer.demo.org import OrgTree, largest_remainder
from pacer.demo.records import DemoTarget, Tier

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Array = TypeVar("Array", Ints, Floats)


@dataclass(frozen=True)
class _Year:
    """One target year: its tree and which leaves take part."""

    year: int
    parent: Ints
    depth: Ints
    present: Bools  # leaves reporting in the year
    complete: Bools  # leaves that reported all of last year


def build_targets(
    config: DemoConfig, org: OrgTree, grid: MonthGrid, figures: Figures, first_year: int
) -> list[DemoTarget]:
    targets: list[DemoTarget] = []
    for year in range(first_year + 1, grid.end[0] + 1):
        context = year_context(org, grid, figures, year)
        for code in config.targets.flows:
            phasing = _phasing(config, org, grid, figures, context, code, first_year)
            for tier in ("ensure", "strive"):
                targets += _emit(config, org, grid, figures, context, code, tier, phasing)
        for code in config.targets.caps:
            targets += _emit(config, org, grid, figures, context, code, "ensure", None)
        # a ratio's line (and zero defects) is a policy, not a sum: every unit of the year's tree gets it
        in_tree = rollup(context.present.astype(np.int64), org, context) > 0
        targets += [
            DemoTarget(
                unit_code=org.units[i].code,
                indicator_code=code,
                year=year,
                tier="ensure",
                value=line,
                growth_bp=None,
                phasing_bp=None,
            )
            for code, line in [*config.targets.ratios.items(), *((c, 0) for c in config.targets.zero_defects)]
            for i in np.flatnonzero(in_tree)
        ]
    return targets


def flow_targets(
    config: DemoConfig, org: OrgTree, grid: MonthGrid, figures: Figures, first_year: int, code: str, quantum: int | None
) -> list[DemoTarget]:
    """Ensure and strive targets of one flow of ``figures`` for every year after the first, as
    :func:`build_targets` sets them, in multiples of ``quantum`` (default: whole 万元)."""
    targets: list[DemoTarget] = []
    for year in range(first_year + 1, grid.end[0] + 1):
        context = year_context(org, grid, figures, year)
        phasing = _phasing(config, org, grid, figures, context, code, first_year)
        for tier in ("ensure", "strive"):
            targets += _emit(config, org, grid, figures, context, code, tier, phasing, quantum)
    return targets


def year_context(org: OrgTree, grid: MonthGrid, figures: Figures, year: int) -> _Year:
    parent = org.parent_on(date(year, 1, 1))
    return _Year(
        year=year,
        parent=parent,
        depth=_depth(parent),
        present=np.asarray(figures.active[:, grid.of_year(year)].any(axis=1)),
        complete=np.asarray(figures.active[:, grid.of_year(year - 1)].all(axis=1)),
    )


def _depth(parent: Ints) -> Ints:
    depth = np.zeros(parent.size, dtype=np.int64)
    for _ in range(parent.size):
        deeper = np.where(parent >= 0, depth[np.maximum(parent, 0)] + 1, 0)
        if np.array_equal(deeper, depth):
            return depth
        depth = deeper
    raise ValueError("the org tree has a cycle")


def rollup(leaf_values: Array, org: OrgTree, context: _Year) -> Array:
    """Every unit's sum over the leaves of its subtree in the year's tree."""
    out = np.zeros((len(org.units), *leaf_values.shape[1:]), dtype=leaf_values.dtype)
    out[org.leaves] = leaf_values
    for level in range(int(context.depth.max()), 0, -1):
        members = np.flatnonzero(context.depth == level)
        np.add.at(out, context.parent[members], out[members])
    return out


def _growth_bp(config: DemoConfig, code: str, tier: Tier) -> int:
    if code in config.targets.caps:
        return config.targets.caps[code]
    return config.targets.ensure_growth_bp if tier == "ensure" else config.targets.strive_growth_bp


def _absolute(config: DemoConfig, grid: MonthGrid, code: str, tier: Tier, year: int) -> int | None:
    """The calibration's fixed targets of the last full year, None for growth-set ones."""
    if year != grid.end[0] - 1 or tier != "ensure":
        return None
    fixed = {"revenue": config.revenue_ensure_fen, "total_profit": config.total_profit_ensure_fen}
    return fixed.get(code)


def _basis(config: DemoConfig, grid: MonthGrid, figures: Figures, context: _Year, code: str) -> Floats:
    """Each leaf's last-year actual; a leaf without a full last year is judged by this year's
    run rate taken back by the ensure growth."""
    values, active = figures.values[code], figures.active
    this, last = grid.of_year(context.year), grid.of_year(context.year - 1)
    months = np.maximum(active[:, this].sum(axis=1), 1)
    if code in config.targets.caps:
        previous = values[:, last.stop - 1].astype(np.float64)
        span = active[:, this]
        last_month = this.start + span.shape[1] - 1 - np.argmax(span[:, ::-1], axis=1)
        current = values[np.arange(values.shape[0]), last_month].astype(np.float64)
    else:
        previous = values[:, last].sum(axis=1).astype(np.float64)
        current = values[:, this].sum(axis=1) * 12.0 / months
    current /= 1 + config.targets.ensure_growth_bp / 1e4
    return np.where(context.present, np.where(context.complete, previous, current), 0.0)


def allocate(total: int, desired: Floats, eligible: Bools, quantum: int) -> Ints:
    """Split ``total`` over eligible leaves exactly, in whole quanta where it divides.

    Leaves that want a loss keep it (rounded); the rest goes to the others in proportion to
    what they want, by largest remainder; an indivisible rest goes to the largest share.
    """
    result = np.zeros(desired.size, dtype=np.int64)
    gaining = eligible & (desired > 0)
    if gaining.any():
        losing = eligible & (desired <= 0)
        result[losing] = np.rint(desired[losing] / quantum).astype(np.int64) * quantum
        weights = desired[gaining]
    elif eligible.any():
        gaining, weights = eligible, np.ones(int(eligible.sum()))
    elif total == 0:
        return result
    else:
        raise ValueError("nobody to allocate a non-zero target to")
    quanta, rest = divmod(total - int(result.sum()), quantum)
    shares = largest_remainder(quanta, weights) * quantum
    shares[int(np.argmax(weights))] += rest
    result[gaining] = shares
    return result


def _emit(
    config: DemoConfig,
    org: OrgTree,
    grid: MonthGrid,
    figures: Figures,
    context: _Year,
    code: str,
    tier: Tier,
    phasing: Ints | None,
    quantum: int | None = None,
) -> list[DemoTarget]:
    growth = _growth_bp(config, code, tier)
    quantum = quantum or config.targets.rounding_yuan * int(FEN)
    basis = _basis(config, grid, figures, context, code)
    desired = basis + np.abs(basis) * growth / 1e4
    fixed = _absolute(config, grid, code, tier, context.year)
    base = float(basis.sum())
    wanted = base + abs(base) * growth / 1e4
    total = fixed if fixed is not None else round(wanted / quantum) * quantum
    values = rollup(allocate(total, desired, context.present, quantum), org, context)
    counts = rollup(np.stack([context.present, context.present & ~context.complete], 1).astype(np.int64), org, context)
    leaf_mask = np.zeros(len(org.units), dtype=bool)
    leaf_mask[org.leaves] = True
    is_leaf = leaf_mask.tolist()
    amounts, counted = values.tolist(), counts.tolist()
    shares = phasing.tolist() if phasing is not None else None
    return [
        DemoTarget(
            unit_code=unit.code,
            indicator_code=code,
            year=context.year,
            tier=tier,
            value=amounts[i],
            growth_bp=growth if fixed is None and not (is_leaf[i] and counted[i][1]) else None,
            phasing_bp=tuple(shares[i]) if shares is not None else None,
        )
        for i, unit in enumerate(org.units)
        if counted[i][0] > 0
    ]


def _reference_years(config: DemoConfig, year: int, first_year: int) -> list[int]:
    """The latest full years before ``year``, skipping exceptional ones while others exist."""
    earlier = list(range(year - 1, first_year - 1, -1))
    usual = [y for y in earlier if y not in config.targets.exclude_years]
    return (usual or earlier)[: config.targets.reference_years]


def _phasing(
    config: DemoConfig,
    org: OrgTree,
    grid: MonthGrid,
    figures: Figures,
    context: _Year,
    code: str,
    first_year: int,
) -> Ints:
    """Monthly shares in basis points per unit, from its subtree in the reference years.

    Negative months (losses) count as zero; a unit without a usable history takes the
    group's profile.
    """
    values = figures.values[code]
    profile = np.zeros((values.shape[0], 12))
    for year in _reference_years(config, context.year, first_year):
        profile += values[:, grid.of_year(year)]
    profile *= context.present[:, None]
    units = np.maximum(rollup(profile, org, context), 0.0)
    root = int(np.flatnonzero(context.parent < 0)[0])
    fallback = units[root] if units[root].sum() > 0 else np.ones(12)
    units[units.sum(axis=1) <= 0] = fallback
    return basis_points(units)


def basis_points(profile: Floats) -> Ints:
    """Row-wise shares of 10000 by largest remainder: every row sums to exactly 10000."""
    exact = 10000 * profile / profile.sum(axis=1, keepdims=True)
    base = np.floor(exact).astype(np.int64)
    short = 10000 - base.sum(axis=1, keepdims=True)
    rank = np.argsort(np.argsort(-(exact - base), axis=1, kind="stable"), axis=1)
    shares: Ints = base + (rank < short)
    return shares
