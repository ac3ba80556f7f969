"""Small builders for analysis tests: stand-in formulas, indicator sets and engines."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from pacer.analysis import (
    Engine,
    Facts,
    IndicatorDef,
    Targets,
    TreeHistory,
    UnitOfMeasure,
    Units,
    UnitScale,
    units_from_rows,
)
from pacer.indicators.library import load_library

YI = 10**8 * 100  # one 亿元 in scaled yuan (scale 2)

# units of measure as the loader hands them over (the group's table; see tests/analysis/test_units.py)
MONEY = (
    UnitScale("wan_yuan", Decimal(10000), "万元", "RMB 10k"),
    UnitScale("yi_yuan", Decimal(10**8), "亿元", "RMB 100m"),
)
YUAN = UnitOfMeasure("yuan", "money", Decimal(1), "元", "yuan", additive=True, ladder=MONEY)
PERCENT = UnitOfMeasure("percent", "ratio", Decimal(1), "%", "%", percent=True)
PERSON = UnitOfMeasure("person", "headcount", Decimal(1), "人", "persons", additive=True)
YUAN_PER_PERSON = UnitOfMeasure("yuan_per_person", "money_per_person", Decimal(1), "元/人", "yuan/person")
UNITS = {u.code: u for u in (YUAN, PERCENT, PERSON, YUAN_PER_PERSON)}


# the built-in units of measure, as the packaged library declares them
BUILTIN_UNITS = units_from_rows(load_library().units.values())

Arrays = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class StandIn:
    """A formula implementing the engine's protocol with a Python function."""

    references: frozenset[str]
    fn: Callable[[Arrays, Arrays], np.ndarray] = field(compare=False)

    def evaluate(self, values: Arrays, opening: Arrays) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.asarray(self.fn(values, opening), dtype=np.float64)
        return np.where(np.isfinite(out), out, np.nan)


def ratio(num: str, den: str, times: float = 100.0) -> StandIn:
    return StandIn(frozenset({num, den}), lambda v, o: v[num] / v[den] * times)


def total(*codes: str) -> StandIn:
    return StandIn(frozenset(codes), lambda v, o: np.sum([v[c] for c in codes], axis=0))


def ratio_to_average(num: str, stock: str, times: float = 100.0) -> StandIn:
    """num / avg(stock), avg = (opening + value) / 2."""
    return StandIn(frozenset({num, stock}), lambda v, o: v[num] / ((o[stock] + v[stock]) / 2) * times)


def flow(code: str, direction: str = "higher") -> IndicatorDef:
    return IndicatorDef(code, "flow", YUAN, 2, direction)


def stock(code: str, direction: str = "higher") -> IndicatorDef:
    return IndicatorDef(code, "stock", YUAN, 2, direction)


def derived(
    code: str, formula: StandIn, unit: str = "percent", scale: int = 2, direction: str = "higher"
) -> IndicatorDef:
    return IndicatorDef(code, "derived", UNITS[unit], scale, direction, formula)


def engine(
    parent: Sequence[int],
    indicators: Sequence[IndicatorDef],
    values: np.ndarray,
    present: np.ndarray | None = None,
    targets: Targets | None = None,
    first_year: int = 2022,
    history: TreeHistory | None = None,
    **kw: object,
) -> Engine:
    values = np.asarray(values, dtype=np.int64).copy()
    present = np.ones(values.shape, bool) if present is None else present.copy()
    n = len(parent)
    units = Units(tuple(f"u{i}" for i in range(n)))
    return Engine(
        units, history or TreeHistory.constant(parent), indicators, Facts(values, present), targets, first_year, **kw
    )


def targets_for(
    n_units: int,
    indicators: Sequence[IndicatorDef],
    first_year: int,
    years: int,
    entries: Mapping[tuple[int, str, int], tuple[int | None, int | None]],
) -> Targets:
    """Targets from ``{(node, code, year): (ensure, strive)}`` in scaled integers."""
    t = Targets.empty(n_units, len(indicators), first_year, years)
    index = {d.code: i for i, d in enumerate(indicators)}
    for (node, code, year), tiers in entries.items():
        for tier, amount in enumerate(tiers):
            if amount is not None:
                t.values[node, index[code], year - first_year, tier] = amount
                t.present[node, index[code], year - first_year, tier] = True
    return t
