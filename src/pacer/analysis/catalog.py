"""The indicator list turned into the index arrays the vectorised code works with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np

from pacer.analysis.inputs import BoolArray, IndicatorDef, Int64Array

# Derived amounts of these units add up like flows (a sum of flows is a flow); ratios never do.
_ADDITIVE_UNITS = frozenset({"yuan", "person", "count"})


class IndicatorCatalog:
    """Indicators in list order; reported ones (flows and stocks) keep that order in ``Facts``."""

    def __init__(self, indicators: Sequence[IndicatorDef]) -> None:
        self.defs: tuple[IndicatorDef, ...] = tuple(indicators)
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
        self.scale: Int64Array = np.array([d.scale for d in self.defs], dtype=np.int64)
        self.is_flow: BoolArray = np.array([d.kind == "flow" for d in self.defs])
        self.is_stock: BoolArray = np.array([d.kind == "stock" for d in self.defs])
        self.is_derived: BoolArray = np.array([d.kind == "derived" for d in self.defs])
        self.is_percent: BoolArray = np.array([d.unit == "percent" for d in self.defs])
        self.is_lower: BoolArray = np.array([d.direction == "lower" for d in self.defs])
        self.is_band: BoolArray = np.array([d.direction == "band" for d in self.defs])
        self.accumulates: BoolArray = self._accumulates()
        self._closures: dict[bytes, Int64Array] = {}

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

    def _closure(self, selected: Int64Array) -> Int64Array:
        seen: set[int] = set()
        stack = [int(i) for i in selected]
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            formula = self.defs[i].formula
            if formula is not None:
                stack.extend(self.index[c] for c in formula.references)
        return np.array(sorted(seen), dtype=np.int64)

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
            formula = self.defs[i].formula
            for ref in sorted(formula.references) if formula is not None else ():
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
            d = self.defs[i]
            refs = d.formula.references if d.formula is not None else frozenset()
            acc[i] = d.unit in _ADDITIVE_UNITS and all(acc[self.index[r]] for r in refs)
        return acc
