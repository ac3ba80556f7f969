"""Indicator values of nodes over windows of months, derived indicators evaluated after
aggregation (a group ratio is Σ numerator / Σ denominator, never an average of ratios).

A flow's window value is the sum of its months, a stock's the balance at the window's last month;
``opening`` is the balance at the December before the window's year, which ``avg()`` uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.inputs import BoolArray, FloatArray, Formula, Int64Array

Span = Literal["month", "quarter", "half", "ytd", "year"]
SPANS: tuple[Span, ...] = ("month", "quarter", "half", "ytd", "year")


def span_months(span: Span, month: int) -> tuple[int, int]:
    """First and last calendar month (1..12) of ``span`` at ``month``; a quarter or half that
    has not ended yet runs to ``month`` (quarter- or half-to-date)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    firsts = {
        "month": month,
        "quarter": 3 * ((month - 1) // 3) + 1,
        "half": 1 if month <= 6 else 7,
        "ytd": 1,
        "year": 1,
    }
    if span not in firsts:
        raise ValueError(f"unknown span {span!r}")
    return firsts[span], 12 if span == "year" else month


@dataclass(frozen=True)
class Window:
    """Months ``first..last`` (month indices, inclusive) and the opening-balance month."""

    first: int
    last: int
    opening: int

    @classmethod
    def of(cls, year_index: int, first_month: int, last_month: int) -> Window:
        base = 12 * year_index
        return cls(base + first_month - 1, base + last_month - 1, base - 1)

    @classmethod
    def span(cls, year_index: int, span: Span, month: int) -> Window:
        return cls.of(year_index, *span_months(span, month))


@dataclass(frozen=True, eq=False)
class Values:
    """``[..., nodes, columns]`` values: scaled integers (exact for reported indicators, rounded
    for derived ones), the value in the indicator's unit, and whether it exists."""

    scaled: Int64Array
    number: FloatArray
    present: BoolArray


def round_scaled(number: FloatArray, scale: Int64Array) -> Int64Array:
    """Half away from zero (四舍五入) to the indicator's scale; NaN becomes 0."""
    x = number * np.power(10.0, scale)
    with np.errstate(invalid="ignore"):
        r = np.trunc(x + np.copysign(0.5, x))
    return np.where(np.isfinite(r), r, 0).astype(np.int64)


def evaluate_windows(
    cube: Cube,
    catalog: IndicatorCatalog,
    nodes: Int64Array,
    columns: Int64Array,
    windows: Sequence[Window],
) -> list[Values]:
    """Values of the ``columns`` (catalog positions, closed under formula references) for each
    window; one call per derived indicator covers all windows and nodes at once (one per formula
    version for an indicator whose formula changed: each window takes its year's)."""
    scaled, number, present = window_arrays(cube, catalog, nodes, columns, windows)
    return [Values(scaled[w], number[w], present[w]) for w in range(len(windows))]


def window_arrays(
    cube: Cube,
    catalog: IndicatorCatalog,
    nodes: Int64Array,
    columns: Int64Array,
    windows: Sequence[Window],
) -> tuple[Int64Array, FloatArray, BoolArray]:
    """:func:`evaluate_windows` as three arrays ``[windows, nodes, columns]``: scaled, number
    and present. The reported columns of every window are read in a few array operations,
    however many windows there are (a history asks for two per month)."""
    w_n, n_n, k = len(windows), len(nodes), len(columns)
    scaled = np.zeros((w_n, n_n, k), np.int64)
    present = np.zeros((w_n, n_n, k), bool)
    _read_reported(cube, catalog, nodes, columns, windows, scaled, present)
    number = scaled / catalog.unit_scale_factor[columns]
    number[~present] = np.nan
    _evaluate_derived(cube, catalog, nodes, columns, windows, scaled, number, present)
    return scaled, number, present


def _read_reported(
    cube: Cube,
    catalog: IndicatorCatalog,
    nodes: Int64Array,
    columns: Int64Array,
    windows: Sequence[Window],
    scaled: Int64Array,
    present: BoolArray,
) -> None:
    """Write the reported columns of every window that lies within the cube into ``scaled`` and
    ``present`` (``[windows, nodes, columns]``), from YTD points at the windows' ends."""
    w_n, n_n, k = len(windows), len(nodes), len(columns)
    rep = np.flatnonzero(catalog.reported_pos[columns] >= 0)
    usable = [w for w, win in enumerate(windows) if win.first >= 0 and win.last < cube.n_months]
    if rep.size and usable:
        rpos = catalog.reported_pos[columns[rep]]
        ends = [windows[w].last for w in usable]
        # a window starting after January is its end's YTD less the YTD of the month before
        befores = [windows[w].first - 1 if windows[w].first % 12 else -1 for w in usable]
        months = np.unique(np.array(ends + befores))
        months = months[months >= 0]
        everything = 4 * len(rpos) >= cube.n_reported
        ytd, seen = cube.points(nodes, None if everything else rpos, months)
        if everything and not np.array_equal(rpos, np.arange(cube.n_reported)):
            ytd, seen = ytd[:, rpos], seen[:, rpos]
        # [nodes, reported columns, usable windows] at each window's end ...
        at_end = np.searchsorted(months, ends)
        v, c = ytd[..., at_end], seen[..., at_end]
        before = np.array(befores)
        if (before >= 0).any():
            # ... less, for a flow, the YTD of the month before the window
            less = catalog.is_flow[columns[rep]][:, None] & (before >= 0)[None, :]
            at_before = np.minimum(np.searchsorted(months, before), len(months) - 1)
            v = v - np.where(less, ytd[..., at_before], 0)
            c = c - np.where(less, seen[..., at_before], 0)
        v, c = v.transpose(2, 0, 1), c.transpose(2, 0, 1)
        into: tuple[slice | npt.NDArray[Any], ...] = (
            slice(None) if len(usable) == w_n else np.array(usable),
            slice(None),
            slice(None) if rep.size == k else rep,
        )
        if len(usable) < w_n and rep.size < k:  # two index arrays would pair up, not cross
            into = np.ix_(np.array(usable), np.arange(n_n), rep)
        scaled[into], present[into] = v, c > 0


def _evaluate_derived(
    cube: Cube,
    catalog: IndicatorCatalog,
    nodes: Int64Array,
    columns: Int64Array,
    windows: Sequence[Window],
    scaled: Int64Array,
    number: FloatArray,
    present: BoolArray,
) -> None:
    """Evaluate the derived columns, in dependency order, on the numbers of their references
    (written in place: ``scaled``, ``number`` and ``present``, ``[windows, nodes, columns]``)."""
    w_n, n_n, k = len(windows), len(nodes), len(columns)
    in_columns = np.zeros(len(catalog), bool)
    in_columns[columns] = True
    derived = [i for i in catalog.derived_order if in_columns[i]]
    if derived:
        col_of = catalog.positions(columns)
        flat = number.reshape(w_n * n_n, k)
        openings = _Openings(cube, catalog, nodes, columns, windows, col_of)
        for i in derived:
            if i in catalog.versioned:
                columns_of = {r: flat[:, col_of[catalog.index[r]]] for r in catalog.references(i)}
                flat[:, col_of[i]] = _by_year(catalog, i, windows, n_n, columns_of, openings)
                continue
            formula = catalog.defs[i].formula
            assert formula is not None
            refs = {r: flat[:, col_of[catalog.index[r]]] for r in formula.references}
            flat[:, col_of[i]] = np.asarray(formula.evaluate(refs, openings), dtype=np.float64)
        dcols = np.array([col_of[i] for i in derived])
        finite = np.isfinite(number[..., dcols])
        number[..., dcols] = np.where(finite, number[..., dcols], np.nan)
        present[..., dcols] = finite
        scaled[..., dcols] = round_scaled(number[..., dcols], catalog.scale[columns[dcols]])


class _Openings(Mapping[str, FloatArray]):
    """Opening balances by code, flattened like the values; computed only when a formula asks.

    Stocks: the previous December's balance. Flows: NaN (an opening flow means nothing).
    Derived: the formula evaluated on its references' openings.
    """

    def __init__(
        self,
        cube: Cube,
        catalog: IndicatorCatalog,
        nodes: Int64Array,
        columns: Int64Array,
        windows: Sequence[Window],
        col_of: dict[int, int],
    ) -> None:
        self._cube, self._catalog, self._nodes = cube, catalog, nodes
        self._windows, self._col_of = windows, col_of
        self._columns = columns
        self._cache: dict[str, FloatArray] = {}

    def __getitem__(self, code: str) -> FloatArray:
        if code not in self._cache:
            self._cache[code] = self._compute(code)
        return self._cache[code]

    def __iter__(self) -> Iterator[str]:
        return (self._catalog.codes[c] for c in self._columns.tolist())

    def __len__(self) -> int:
        return len(self._columns)

    def _compute(self, code: str) -> FloatArray:
        cat, cube = self._catalog, self._cube
        i = cat.index[code]
        size = len(self._windows) * len(self._nodes)
        if cat.is_flow[i]:
            return np.full(size, np.nan)
        if cat.is_derived[i] and i in cat.versioned:
            every = {r: self[r] for r in cat.references(i)}
            nan = {r: np.full(size, np.nan) for r in every}
            return _by_year(cat, i, self._windows, len(self._nodes), every, nan)
        if cat.is_derived[i]:
            formula = cat.defs[i].formula
            assert formula is not None
            refs = {r: self[r] for r in formula.references}
            nan = {r: np.full(size, np.nan) for r in formula.references}
            return np.asarray(formula.evaluate(refs, nan), dtype=np.float64)
        r = int(cat.reported_pos[i])
        opening = np.array([win.opening for win in self._windows])
        known = (opening >= 0) & (opening < cube.n_months)
        ytd, seen = cube.points(self._nodes, np.array([r]), np.where(known, opening, 0))
        ytd, seen = ytd[:, 0].T, seen[:, 0].T  # [windows, nodes]
        out = np.where(known[:, None] & (seen > 0), ytd / cat.unit_scale_factor[i], np.nan)
        return out.reshape(size)


def _by_year(
    catalog: IndicatorCatalog,
    i: int,
    windows: Sequence[Window],
    n_nodes: int,
    values: Mapping[str, FloatArray],
    opening: Mapping[str, FloatArray],
) -> FloatArray:
    """Derived indicator ``i`` over rows flattened as [window, node], each window evaluated by
    the formula version of its year: one call per version."""
    groups: dict[int, tuple[Formula, list[int]]] = {}
    for w, win in enumerate(windows):
        formula = catalog.formula_at(i, win.last // 12)
        groups.setdefault(id(formula), (formula, []))[1].append(w)
    out = np.full(len(windows) * n_nodes, np.nan)
    for formula, ws in groups.values():
        rows = (np.array(ws)[:, None] * n_nodes + np.arange(n_nodes)).ravel()
        refs = {r: values[r][rows] for r in formula.references}
        out[rows] = formula.evaluate(refs, _Rows(opening, rows))
    return out


class _Rows(Mapping[str, FloatArray]):
    """Some rows of each array of a mapping, taken when asked."""

    def __init__(self, whole: Mapping[str, FloatArray], rows: Int64Array) -> None:
        self._whole, self._rows = whole, rows

    def __getitem__(self, code: str) -> FloatArray:
        return self._whole[code][self._rows]

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole)

    def __len__(self) -> int:
        return len(self._whole)
