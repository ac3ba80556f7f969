"""A node's cockpit and rankings: the typed answers the engine hands out for one period.

:class:`Cockpit` holds a node's measures and its children's ranks (the rest computed on first
use); :class:`Ranking` is nodes ranked on one measure of one indicator. The functions here rank
from measures the engine computed, so they need its catalog but not the engine itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from pacer.analysis.answers import views
from pacer.analysis.answers.results import CockpitRow, Dispersion, RankRow
from pacer.analysis.answers.views import Measure
from pacer.analysis.core import calc
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.inputs import BoolArray, FloatArray, Int64Array
from pacer.analysis.core.measures import LeanMeasures, PeriodMeasures

# from this many children on, the cockpit computes for them only what their ranks need
LEAN_CHILDREN = 4


@dataclass(frozen=True)
class Ranking:
    """Nodes ranked best first on ``measure`` of one indicator (ties keep the given order,
    nodes without the measure come last), with the spread of the measure."""

    code: str
    measure: Measure
    descending: bool
    rows: tuple[RankRow, ...]
    dispersion: Dispersion


@dataclass(frozen=True, eq=False)
class Cockpit:
    """A node at one period: one row per indicator, and its children ranked on each indicator.

    ``child_ranks`` holds the children's rank on each indicator; the typed ``rows`` are built on
    first use (a caller that reads a few rows does not pay for all of them), and
    ``ranking(code)`` builds the children's typed ranking on demand. Every measure is computed
    for the node up front; for many children, only what their ranks need is, and the rest on
    first use: ``measures``, every measure of the node and its children as arrays (row 0 the
    node, rows 1.. the children), and the children's measures of one indicator for
    ``ranking(code)``, from the engine as it was when the cockpit was built (after ``apply`` or
    ``rebuild`` they raise instead).
    """

    node: int
    year: int
    month: int
    restated: bool
    selected: Int64Array = field(repr=False)  # catalog positions of the rows, in order
    children: tuple[int, ...]
    child_ranks: Int64Array = field(repr=False)  # [children, rows]: rank, 0 without measure
    rank_measures: dict[str, Measure] = field(repr=False)
    _node_measures: PeriodMeasures = field(repr=False)  # the node alone
    # the children's measures of some indicators, and the children's rows in them
    _child_measures: Callable[[Sequence[str]], tuple[LeanMeasures, Int64Array]] = field(repr=False)
    _all_measures: Callable[[], PeriodMeasures] = field(repr=False)
    _catalog: IndicatorCatalog = field(repr=False)

    @cached_property
    def measures(self) -> PeriodMeasures:
        return self._all_measures()

    @cached_property
    def rows(self) -> tuple[CockpitRow, ...]:
        return views.cockpit_rows(self._node_measures, self._catalog, self.selected)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._catalog.codes[i] for i in self.selected.tolist())

    def row(self, code: str) -> CockpitRow:
        if "rows" in self.__dict__:
            return self.rows[self._row_of[code]]
        return views.cockpit_rows(self._node_measures, self._catalog, self.selected[self._row_of[code] :][:1])[0]

    @cached_property
    def _row_of(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.codes)}

    def ranking(self, code: str, measure: Measure | None = None) -> Ranking:
        measure = measure or self.rank_measures[code]
        pm, rows = self._child_measures([code])
        if not views.has_measure(pm, measure):
            pm, rows = self.measures, np.arange(1, len(self.children) + 1)
        return ranking_of(pm, self._catalog, code, measure, rows, None)


def child_ranks(
    catalog: IndicatorCatalog, pm: LeanMeasures, rows: Int64Array, selected: Int64Array, rank_by: Measure
) -> tuple[Int64Array, dict[str, Measure]]:
    """The rank of each of ``pm``'s ``rows`` (the children) on each ``selected`` indicator."""
    ix = np.ix_(rows, np.searchsorted(pm.columns, selected))
    return ranks_on(
        catalog, views.measure_matrix(pm, rank_by)[ix], views.measure_matrix(pm, "ytd")[ix], selected, rank_by
    )


def ranks_on(
    catalog: IndicatorCatalog, wanted: FloatArray, ytd: FloatArray, selected: Int64Array, rank_by: Measure
) -> tuple[Int64Array, dict[str, Measure]]:
    """Ranks on ``wanted`` ([children, selected]), on ``ytd`` for an indicator where no
    child has the wanted measure."""
    has: BoolArray = np.asarray(~np.isnan(wanted).all(axis=0))
    keys = np.where(has, wanted, ytd) if not has.all() else wanted
    # best first: a gap is signed so that higher is better, other measures follow direction
    best_high = ~catalog.is_lower[selected] | (has & (rank_by == "gap"))
    if not best_high.all():
        keys = keys * np.where(best_high, 1.0, -1.0)
    ranks = calc.competition_ranks(keys, descending=True)
    measures: dict[str, Measure] = {
        catalog.codes[i]: rank_by if h else "ytd" for i, h in zip(selected.tolist(), has.tolist(), strict=True)
    }
    return ranks, measures


def ranking_of(
    pm: LeanMeasures, catalog: IndicatorCatalog, code: str, measure: Measure, rows: Int64Array, descending: bool | None
) -> Ranking:
    """``pm``'s ``rows`` ranked on ``measure`` of ``code`` (descending as the indicator's
    direction says unless given)."""
    indicator = catalog.index[code]
    values = views.measure_matrix(pm, measure)[rows, pm.column(indicator)]
    if descending is None:
        descending = views.default_descending(catalog, indicator, measure)
    order, ranks = calc.rank_order(values, descending)
    return Ranking(
        code,
        measure,
        descending,
        views.rank_rows(pm, catalog, indicator, rows, values, order, ranks),
        views.dispersion(values),
    )
