"""Reported figures, each (unit, indicator) held as narrow as its figures fit.

The facts are the engine's largest arrays (354 M of them at 10,000 units), and most figures of
most units fit in 32 bits. So ``narrow`` holds every figure as int32, and a (unit, indicator)
with a figure that does not fit is *wide*: its months are a row of ``wide`` (int64) and its
cells of ``narrow`` are zero. A figure is then always ``narrow + wide`` at its cell, so sums run
over ``narrow`` accumulated in int64 and add the few wide rows after; nothing summed is ever
held in 32 bits. A (unit, indicator) becomes wide when a figure that does not fit arrives (when
loading, or in a month accepted later) and stays wide.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

_INT32 = np.iinfo(np.int32)
_UNITS_AT_ONCE = 256  # units converted or masked at a time: no temporary as large as the facts

Int64Array = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
Columns = Int64Array | slice | None  # reported positions: some, a run of them, or all


def fits(values: npt.NDArray[Any]) -> BoolArray:
    """Whether each value fits in int32."""
    return np.asarray((values >= _INT32.min) & (values <= _INT32.max))


class Facts:
    """Reported figures ``[unit, r, month]`` for the reported (flow and stock) indicators in the
    order they appear in the indicator list; flows are monthly amounts, stocks month-end
    balances. Built from int64 or int32 ``values``; read with :meth:`take` (exact int64)."""

    narrow: Int32Array  # [units, reported, months]; zero at a wide (unit, r)
    present: BoolArray  # [units, reported, months]
    wide: Int64Array  # [k, months]: the months of the k wide (unit, r) ...
    wide_unit: Int64Array  # [k] ... their units
    wide_r: Int64Array  # [k] ... and reported positions
    wide_at: Int32Array  # [units, reported]: the row of ``wide``, -1 when narrow

    def __init__(self, values: npt.NDArray[Any], present: BoolArray) -> None:
        if values.dtype not in (np.int64, np.int32) or present.dtype != np.bool_:
            raise TypeError("facts: values must be int64 or int32 and present bool")
        if values.shape != present.shape or values.ndim != 3:
            raise ValueError("facts: values and present must both be [units, reported, months]")
        n, r, t = values.shape
        if values.dtype == np.int32:
            self._hold(np.ascontiguousarray(values), np.ascontiguousarray(present), np.zeros((0, 2), np.int64))
            return
        narrow = np.empty((n, r, t), dtype=np.int32)
        found = [np.zeros((0, 2), np.int64)]
        for u in range(0, n, _UNITS_AT_ONCE):
            block = values[u : u + _UNITS_AT_ONCE]
            over = np.asarray(~fits(block).all(axis=2), dtype=bool)
            found.append(np.argwhere(over) + np.array([u, 0]))
            narrow[u : u + _UNITS_AT_ONCE] = np.where(over[..., None], 0, block)
        cells = np.concatenate(found)
        self._hold(narrow, np.ascontiguousarray(present), cells)
        self.wide[:] = values[cells[:, 0], cells[:, 1], :]

    def _hold(self, narrow: Int32Array, present: BoolArray, cells: npt.NDArray[np.int64]) -> None:
        n, r, t = narrow.shape
        self.narrow, self.present = narrow, present
        self.wide = np.zeros((len(cells), t), dtype=np.int64)
        self.wide_unit, self.wide_r = cells[:, 0].astype(np.int64), cells[:, 1].astype(np.int64)
        self.wide_at = np.full((n, r), -1, dtype=np.int32)
        self.wide_at[self.wide_unit, self.wide_r] = np.arange(len(cells), dtype=np.int32)

    @property
    def shape(self) -> tuple[int, int, int]:
        n, r, t = self.narrow.shape
        return n, r, t

    # -- reading -------------------------------------------------------------------------------

    def take(self, units: Int64Array, rpos: Columns, months: slice) -> Int64Array:
        """The figures at ``[units, rpos, months]`` (``rpos`` None: every reported indicator),
        as a new int64 array."""
        units = np.asarray(units, dtype=np.int64)
        cells = _cells(units, rpos)
        out = self.narrow[(*cells, months)].astype(np.int64)
        if len(self.wide):
            at = self.wide_at[cells]
            hit = at >= 0
            if hit.any():
                out[hit] = self.wide[at[hit], months]
        return out

    def value(self, unit: int, r: int, month: int) -> int:
        """One figure (0 when absent)."""
        at = int(self.wide_at[unit, r])
        return int(self.wide[at, month]) if at >= 0 else int(self.narrow[unit, r, month])

    def dense(self) -> Int64Array:
        """Every figure as int64 ``[units, reported, months]`` (a copy: for small groups)."""
        return self.take(np.arange(self.shape[0]), None, slice(None))

    def group_sums(self, units: Int64Array, starts: Int64Array, rpos: slice, months: slice) -> Int64Array:
        """The figures of ``units`` summed in groups opened by ``starts`` (as ``np.add.reduceat``
        along the units), ``[groups, rpos, months]``, in int64."""
        out: Int64Array = np.add.reduceat(self.narrow[units, rpos, months], starts, axis=0, dtype=np.int64)
        if len(self.wide):
            at = self.wide_at[units, rpos]
            i, j = np.nonzero(at >= 0)
            if len(i):
                group = np.searchsorted(starts, i, side="right") - 1
                np.add.at(out, (group, j), self.wide[at[i, j], months])
        return out

    def year_to_date(self, first: int, month: int, is_flow: BoolArray) -> Int64Array:
        """Every unit's sum of months ``first..month`` for a flow, figure at ``month`` for a
        stock, ``[units, reported]``, in int64."""
        ytd: Int64Array = np.einsum("ijk->ij", self.narrow[:, :, first : month + 1], dtype=np.int64)
        stocks = ~is_flow
        if stocks.any():
            ytd[:, stocks] = self.narrow[:, stocks, month]
        if len(self.wide):
            rows = self.wide[:, first : month + 1]
            ytd[self.wide_unit, self.wide_r] = np.where(is_flow[self.wide_r], rows.sum(axis=1), rows[:, -1])
        return ytd

    # -- writing -------------------------------------------------------------------------------

    def put(self, units: Int64Array, months: Int64Array, values: Int64Array) -> None:
        """Write ``values[k]`` (one per reported indicator) as the figures of ``units[k]`` in
        ``months[k]``; a (unit, indicator) that a value does not fit is widened first."""
        units, months = np.asarray(units, dtype=np.int64), np.asarray(months, dtype=np.int64)
        values = np.asarray(values, dtype=np.int64)
        over = ~fits(values)
        if over.any():
            k, r = np.nonzero(over)
            self._widen(units[k], r)
        at = self.wide_at[units]
        wide = at >= 0
        self.narrow[units, :, months] = np.where(wide, 0, values)
        if wide.any():
            k, r = np.nonzero(wide)
            self.wide[at[k, r], months[k]] = values[k, r]

    def record(self, units: Int64Array, rpos: Int64Array, months: Int64Array, values: Int64Array) -> None:
        """Set single figures, present: ``values[k]`` at ``[units[k], rpos[k], months[k]]``."""
        over = ~fits(values)
        if over.any():
            self._widen(units[over], rpos[over])
        self.present[units, rpos, months] = True
        if len(self.wide):
            at = self.wide_at[units, rpos]
            wide = at >= 0
            if wide.any():
                self.wide[at[wide], months[wide]] = values[wide]
                values = np.where(wide, 0, values)
        self.narrow[units, rpos, months] = values

    def _widen(self, units: Int64Array, rpos: Int64Array) -> None:
        """Move the (unit, indicator) pairs not wide yet to rows of ``wide``."""
        _, r, _ = self.shape
        pairs = np.unique(np.asarray(units, dtype=np.int64) * r + rpos)
        pairs = pairs[self.wide_at.reshape(-1)[pairs] < 0]
        if not len(pairs):
            return
        u, p = np.divmod(pairs, r)
        k, rows = len(self.wide), self.narrow[u, p, :].astype(np.int64)
        self.narrow[u, p, :] = 0  # first: facts mapped read-only refuse here, nothing changed
        self.wide = np.concatenate([self.wide, rows])
        self.wide_unit, self.wide_r = np.r_[self.wide_unit, u], np.r_[self.wide_r, p]
        self.wide_at[u, p] = np.arange(k, k + len(pairs), dtype=np.int32)

    def zero_absent(self) -> None:
        """Zero the figures that are not present, so sums need no mask (facts mapped read-only
        from a snapshot were zeroed by the engine that wrote it)."""
        if not self.narrow.flags.writeable:
            return
        for u in range(0, self.shape[0], _UNITS_AT_ONCE):
            rows = slice(u, u + _UNITS_AT_ONCE)
            np.putmask(self.narrow[rows], ~self.present[rows], 0)
        if len(self.wide):
            self.wide[~self.present[self.wide_unit, self.wide_r]] = 0

    # -- copies --------------------------------------------------------------------------------

    def resized(self, n_months: int) -> Facts:
        """A copy over the first ``n_months`` months (months added at the end are absent)."""
        return self.moved(n_months, 0)

    def moved(self, n_months: int, shift: int) -> Facts:
        """A copy over ``n_months`` months in which month ``m`` of these facts is month
        ``m + shift`` (months moved outside are dropped, months not covered are absent)."""
        n, r, t = self.shape
        start, stop = max(0, -shift), min(t, n_months - shift)
        out = Facts.__new__(Facts)
        cells = np.stack([self.wide_unit, self.wide_r], axis=1)
        out._hold(np.zeros((n, r, n_months), np.int32), np.zeros((n, r, n_months), bool), cells)
        if start < stop:
            into = slice(start + shift, stop + shift)
            out.narrow[:, :, into] = self.narrow[:, :, start:stop]
            out.present[:, :, into] = self.present[:, :, start:stop]
            out.wide[:, into] = self.wide[:, start:stop]
        return out


def _cells(units: Int64Array, rpos: Columns) -> tuple[Any, ...]:
    """The index of ``[units, rpos]`` (the first two axes), crossed when ``rpos`` is an array."""
    if rpos is None:
        return (units, slice(None))
    if isinstance(rpos, slice):
        return (units, rpos)
    return (units[:, None], np.asarray(rpos, dtype=np.int64)[None, :])
