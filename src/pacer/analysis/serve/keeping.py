"""The engine's figures kept current: a unit-month at a time, many at once, or grown by months.

:class:`KeptCurrent` is the part of :class:`~pacer.analysis.serve.engine.Engine` that changes
its arrays; the questions are asked of the engine itself.
"""

from __future__ import annotations

import copy
from typing import Self

import numpy as np

from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.eliminations import EliminationBook
from pacer.analysis.core.inputs import BoolArray, Facts, Int64Array, Targets, TreeHistory, Units
from pacer.analysis.core.tree import Tree, TreeTimeline


class KeptCurrent:
    """Structure and updates of an engine's facts, elimination entries and cubes."""

    units: Units
    tree_history: TreeHistory
    catalog: IndicatorCatalog
    facts: Facts
    targets: Targets | None
    first_year: int
    eliminations: EliminationBook
    _is_flow: BoolArray
    _cubes: dict[bool, Cube]
    _generation: int  # counts changes to the figures (apply, rebuild, ...)

    # -- structure -----------------------------------------------------------------------------

    @property
    def n_months(self) -> int:
        return self.facts.shape[2]

    def cube(self, restate: bool = False) -> Cube:
        if restate not in self._cubes:
            timeline = TreeTimeline(self.tree_history, self.n_months, restate=True)
            self._cubes[restate] = Cube(self.facts, timeline, self._is_flow, self.eliminations)
        return self._cubes[restate]

    def month_index(self, year: int, month: int) -> int:
        t = 12 * (year - self.first_year) + month - 1
        if not (1 <= month <= 12 and 0 <= t < self.n_months):
            raise ValueError(f"no figures for {year}-{month:02d}")
        return t

    def tree(self, year: int, month: int, restate: bool = False) -> Tree:
        return self.cube(restate).timeline.tree_at(self.month_index(year, month))

    def children(self, node: int, year: int, month: int, restate: bool = False) -> list[int]:
        return [int(k) for k in self.tree(year, month, restate).children(node)]

    # -- keeping current -----------------------------------------------------------------------

    def apply(self, unit: int, year: int, month: int, values: Int64Array, present: np.ndarray) -> None:
        """Accept one unit-month of reported figures (one per reported indicator, scaled) and
        bring every ancestor's aggregates up to date in every cube built so far."""
        t = self.month_index(year, month)
        self._generation += 1
        dv, dc = self._cubes[False].apply(unit, t, values, present)
        for restate, cube in self._cubes.items():
            if restate:
                cube.propagate(unit, t, dv, dc)

    def eliminate(self, unit: int, year: int, month: int, values: Int64Array) -> None:
        """Replace ``unit``'s elimination entries of one month (their sum per reported
        indicator, scaled; zero where there is none) and bring every ancestor up to date in
        every cube built so far."""
        t = self.month_index(year, month)
        values = self._entries(unit, values)
        self._generation += 1
        delta = self.eliminations.replace(unit, t, values)
        if delta.any():
            for cube in self._cubes.values():
                cube.eliminate(unit, t, delta)

    def rebuild(self) -> None:
        """Recompute every aggregate from the facts."""
        self._generation += 1
        for cube in self._cubes.values():
            cube.rebuild()

    def replace_months(
        self,
        units: Int64Array,
        months: Int64Array,
        values: Int64Array,
        present: BoolArray,
        eliminations: dict[tuple[int, int], Int64Array] | None = None,
    ) -> None:
        """Replace many unit-months at once: the figures of ``units[k]`` in month index
        ``months[k]`` by ``values[k]`` where ``present[k]`` (``[k, reported]``), and the
        elimination entries of each ``(unit, month index)`` of ``eliminations`` (as
        :meth:`eliminate` takes them). Each cube then recomputes, from the first month changed in
        a year through that year's December, what a rebuild would give: for many unit-months this
        costs far less than applying them one by one."""
        units, months = np.asarray(units, dtype=np.int64), np.asarray(months, dtype=np.int64)
        n, r, t = self.facts.shape
        if values.shape != (len(units), r) or present.shape != values.shape or months.shape != units.shape:
            raise ValueError("replace_months: one row of values and presence per unit-month")
        entries = {(unit, month): self._entries(unit, v) for (unit, month), v in (eliminations or {}).items()}
        changed = [int(m) for m in months] + [month for _, month in entries]
        if not all(0 <= m < t for m in changed) or not all(0 <= u < n for u in units.tolist()):
            raise IndexError("replace_months: unit or month out of range")
        self._generation += 1
        self.facts.put(units, months, np.where(present, values, 0))
        self.facts.present[units, :, months] = present
        for (unit, month), amounts in entries.items():
            self.eliminations.replace(unit, month, amounts)
        firsts: dict[int, int] = {}
        for month in changed:
            firsts[month // 12] = min(firsts.get(month // 12, month), month)
        for cube in self._cubes.values():
            for year, first in firsts.items():
                cube.refresh(first, min(12 * year + 12, t))

    def resized(self, n_months: int, tree_history: TreeHistory, targets: Targets | None) -> Self:
        """A copy of this engine over ``n_months`` months, under ``tree_history`` (which must
        give the months this engine holds the trees it has) and with ``targets``; months added
        hold no figures. The copy shares nothing that changes with this engine, so readers of
        this one see nothing of what is done to the copy. A restated cube is kept when the
        latest tree is unchanged (otherwise the copy builds it on first use)."""
        new = copy.copy(self)
        new.tree_history, new.targets, new._generation = tree_history, targets, self._generation + 1
        new.facts = self.facts.resized(n_months)
        new.eliminations = self.eliminations.resized(n_months)
        new._cubes = {}
        for restate, cube in self._cubes.items():
            timeline = cube.timeline.resized(tree_history, n_months)
            if not restate or timeline.trees is cube.timeline.trees:
                new._cubes[restate] = cube.resized(new.facts, timeline, new.eliminations)
        if n_months > self.n_months:
            for c in new._cubes.values():
                c.refresh(self.n_months, n_months)
        return new

    def _entries(self, unit: int, values: Int64Array) -> Int64Array:
        values = np.asarray(values, dtype=np.int64)
        if values.shape != (self.catalog.n_reported,):
            raise ValueError("eliminate: one value per reported indicator")
        if not 0 <= unit < len(self.units):
            raise IndexError("eliminate: unit out of range")
        return values
