"""The indicator list turned into the index arrays the vectorised code works with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np

from pacer.analysis.core.inputs import BoolArray, Formula, IndicatorDef, Int64Array


class IndicatorCatalog:
    """Indicators in list order; reported ones (flows and stocks) keep that order in ``Facts``.

    ``first_year`` (the year of month index 0) places the formula versions of a derived
    indicator whose formula changed over the years (see :meth:`formula_at`).
    """

    def __init__(self, indicators: Sequence[IndicatorDef], first_year: int | None = None) -> None:
        self.defs: tuple[IndicatorDef, ...] = tuple(indicators)
        self.first_year = first_year
        self.codes: tuple[str, ...] = tuple(d.code for d in self.defs)
        if len(set(self.codes)) != len(self.codes):
            raise ValueError("indicators: duplicate code")
        self.index: dict[str, int] = {c: i for i, c in enumerate(self.codes)}
        self.reported: Int64Array = np.array(
            [i for i, d in enumerate(self.defs) if d.kind != "derived"], dtype=np.int64
        )
        # position of an indicator along the facts' reported axis, -1 for derived ones
        self.reported_pos: Int64Array = np.full(len(self.defs), -1, dtype=np.int64)
        self.reported_pos[self.reported] = np.arange(len(self.reported))
        self.derived_order: tuple[int, ...] = self._topological_order()
        # derived indicators evaluated by more than one formula, by year
        self.versioned: frozenset[int] = frozenset(i for i, d in enumerate(self.defs) if len(d.formulas) > 1)
        if self.versioned and first_year is None:
            raise ValueError("indicators: formula versions need the catalog's first year")
        self.scale: Int64Array = np.array([d.scale for d in self.defs], dtype=np.int64)
        self.is_flow: BoolArray = np.array([d.kind == "flow" for d in self.defs])
        self.is_stock: BoolArray = np.array([d.kind == "stock" for d in self.defs])
        self.is_derived: BoolArray = np.array([d.kind == "derived" for d in self.defs])
        self.is_percent: BoolArray = np.array([d.unit.percent for d in self.defs], dtype=bool)
        self.is_lower: BoolArray = np.array([d.direction == "lower" for d in self.defs])
        self.is_band: BoolArray = np.array([d.direction == "band" for d in self.defs])
        self.accumulates: BoolArray = self._accumulates()
        self.is_additive: BoolArray = self._additive()
        self._closures: dict[bytes, Int64Array] = {}
        self._positions: dict[bytes, dict[int, int]] = {}

    def __len__(self) -> int:
        return len(self.defs)

    @property
    def n_reported(self) -> int:
        return len(self.reported)

    def indices(self, codes: Iterable[str] | None) -> Int64Array:
        """Catalog positions of ``codes`` (all indicators when None)."""
        if codes is None:
            return np.arange(len(self.defs), dtype=np.int64)
        try:
            return np.array([self.index[c] for c in codes], dtype=np.int64)
        except KeyError as exc:
            raise KeyError(f"unknown indicator {exc.args[0]!r}") from None

    def closure(self, selected: Int64Array) -> Int64Array:
        """``selected`` plus every indicator their formulas reach, sorted by catalog position."""
        key = np.asarray(selected, dtype=np.int64).tobytes()
        if key not in self._closures:
            self._closures[key] = self._closure(selected)
        return self._closures[key]

    def positions(self, columns: Int64Array) -> dict[int, int]:
        """``{catalog position: index in columns}`` for a closure (read-only, cached)."""
        key = columns.tobytes()
        if key not in self._positions:
            self._positions[key] = {int(c): j for j, c in enumerate(columns)}
        return self._positions[key]

    def _closure(self, selected: Int64Array) -> Int64Array:
        seen: set[int] = set()
        stack = [int(i) for i in selected]
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            stack.extend(self.index[c] for c in self.references(i))
        return np.array(sorted(seen), dtype=np.int64)

    def references(self, i: int) -> frozenset[str]:
        """Codes that any formula version of indicator ``i`` refers to."""
        return frozenset().union(*(f.references for f in self.defs[i].formulas))

    def formula_at(self, i: int, year_index: int) -> Formula:
        """The formula of derived indicator ``i`` for the year ``first_year + year_index``."""
        d = self.defs[i]
        formula = d.formula if i not in self.versioned else d.formula_for(year_index + (self.first_year or 0))
        if formula is None:
            raise ValueError(f"indicator {d.code} is not derived")
        return formula

    @cached_property
    def unit_scale_factor(self) -> np.ndarray:
        """``10**scale`` per indicator as float64, to turn scaled integers into unit values."""
        return np.power(10.0, self.scale)

    def _topological_order(self) -> tuple[int, ...]:
        order: list[int] = []
        state: dict[int, int] = {}  # 1 = on the current path, 2 = done

        def visit(i: int, path: tuple[str, ...]) -> None:
            if state.get(i) == 2:
                return
            if state.get(i) == 1:
                raise ValueError(f"indicators: circular formula {' -> '.join(path)}")
            state[i] = 1
            for ref in sorted(self.references(i)):
                if ref not in self.index:
                    raise ValueError(f"indicator {self.codes[i]}: unknown reference {ref!r}")
                visit(self.index[ref], (*path, ref))
            state[i] = 2
            if self.defs[i].kind == "derived":
                order.append(i)

        for i in range(len(self.defs)):
            visit(i, (self.codes[i],))
        return tuple(order)

    def _accumulates(self) -> BoolArray:
        """Whether YTD of the indicator is a running total judged against elapsed time: flows, and
        derived amounts built only from flows; stocks and ratios are levels judged as they are."""
        acc = self.is_flow.copy()
        for i in self.derived_order:
            # a derived amount in an additive unit made of flows is a flow (a sum of flows); a
            # ratio never is, whatever it is made of: its unit says so
            acc[i] = self.defs[i].unit.additive and all(acc[self.index[r]] for r in self.references(i))
        return acc

    def _additive(self) -> BoolArray:
        """Whether a node's value of the indicator is the sum of its children's and its own line's:
        reported indicators in an additive unit, and derived ones in an additive unit made only of
        such indicators (two funds = receivables + inventory); never a ratio."""
        add = np.array([d.unit.additive and d.kind != "derived" for d in self.defs], dtype=bool)
        for i in self.derived_order:
            add[i] = self.defs[i].unit.additive and all(add[self.index[r]] for r in self.references(i))
        return add
