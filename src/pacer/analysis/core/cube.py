"""Consolidation: every node's own figures plus the sum over its subtree, month by month.

Aggregates are read in year-to-date form, exact int64 (:meth:`Cube.points`):

- the YTD at ``[node, r, t]`` is, for a flow, the sum of the node's consolidated months from
  January of t's year through t; for a stock, the consolidated balance at t;
- the count ("seen") at ``[node, r, t]`` is the matching count of reporting units in the
  subtree (cumulated the same way for flows), so a window has a value exactly when its count is
  positive and presence is kept current by deltas.

Every window the analysis reads (month, quarter, half, YTD, year) lies inside one calendar year,
so its value is a difference of two points instead of a sum over months; a cockpit then reads a
handful of points per cell. Each month uses the tree of that month (or today's tree for every
month when the cube is restated).

Only the *parents* are stored (``ytd`` and ``seen``, one row per unit that has a child in some
month of the cube's tree history, see :mod:`pacer.analysis.core.rollup`): in a deep group almost
every unit is a leaf, and a leaf's consolidated figures are its own facts (in the months it is
active, less the eliminations booked on it), so its points are summed from its facts when read
(at most one year of months per point). Memory and a rebuild then grow with the facts and the
few parents, not with a second copy of every unit's months.

Elimination entries (:class:`EliminationBook`) are subtracted from the node they are booked on
and every ancestor in that month's tree, after the rollup; they never change the counts. The
book holds dense months only for the few nodes that have entries, so a group without
eliminations pays nothing for them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pacer.analysis.core.eliminations import EliminationBook
from pacer.analysis.core.inputs import BoolArray, Facts, Int64Array
from pacer.analysis.core.planes import WORTH, Plane, Planes
from pacer.analysis.core.rollup import Plan, accumulate_years, chunk_size, parents_of, roll_up
from pacer.analysis.core.tree import TreeTimeline


def count_dtype(n_units: int) -> type[np.signedinteger]:
    """The narrowest integer that holds a year's cumulated count of reporting units."""
    return np.int16 if 12 * n_units < np.iinfo(np.int16).max else np.int32


class Cube:
    """Consolidated aggregates for one view of the org history (as it was, or restated)."""

    def __init__(
        self, facts: Facts, timeline: TreeTimeline, is_flow: BoolArray, eliminations: EliminationBook | None = None
    ) -> None:
        n, r, t = facts.shape
        if timeline.latest.n != n or timeline.n_months != t or len(is_flow) != r:
            raise ValueError("cube: facts, tree history and indicators disagree in size")
        self.eliminations = eliminations if eliminations is not None else EliminationBook(r, t)
        if self.eliminations.values.shape[1:] != (r, t):
            raise ValueError("cube: eliminations and facts disagree in size")
        # absent figures must not leak into sums; zeroing them once lets rollups skip the mask
        facts.zero_absent()
        self.facts = facts
        self.is_flow: BoolArray = np.asarray(is_flow, dtype=bool)
        self.flows: Int64Array = np.flatnonzero(self.is_flow)
        self.stocks: Int64Array = np.flatnonzero(~self.is_flow)
        self._arrange(timeline)
        self.ytd: Int64Array = np.empty((len(self.parents), r, t), dtype=np.int64)
        self.seen = np.empty((len(self.parents), r, t), dtype=count_dtype(n))
        self.rebuild()

    def _arrange(self, timeline: TreeTimeline) -> None:
        """The stored rows (``row[unit]``, -1 for a leaf) and each tree's plan for ``timeline``."""
        self.timeline = timeline
        self.parents: Int64Array = parents_of(timeline)
        self.row: Int64Array = np.full(timeline.latest.n, -1, dtype=np.int64)
        self.row[self.parents] = np.arange(len(self.parents))
        self.plans = [Plan.of(tree, self.row) for tree in timeline.trees]
        self._planes = Planes()

    @property
    def n_months(self) -> int:
        return self.timeline.n_months

    @property
    def n_reported(self) -> int:
        return len(self.is_flow)

    def resized(self, facts: Facts, timeline: TreeTimeline, eliminations: EliminationBook) -> Cube:
        """A cube over ``facts`` (this cube's facts resized, see :meth:`Facts.resized`) holding
        this cube's aggregates for the months both have; the months added are not computed until
        :meth:`refresh` is called on them. A unit that becomes a parent under ``timeline`` gets
        its earlier months from this cube. Shares nothing it changes with this cube."""
        cube = Cube.__new__(Cube)
        cube.facts, cube.eliminations = facts, eliminations
        cube.is_flow, cube.flows, cube.stocks = self.is_flow, self.flows, self.stocks
        cube._arrange(timeline)
        _, r, t = facts.shape
        p = len(cube.parents)
        cube.ytd, cube.seen = np.zeros((p, r, t), dtype=np.int64), np.zeros((p, r, t), dtype=self.seen.dtype)
        kept = min(t, self.n_months)
        if p and kept:
            ytd, seen = self.points(cube.parents, None, np.arange(kept))
            cube.ytd[:, :, :kept], cube.seen[:, :, :kept] = ytd, seen
        return cube

    def rebuild(self) -> None:
        """Recompute every aggregate from the facts."""
        self.refresh(0, self.n_months)

    def refresh(self, first: int, stop: int) -> None:
        """Recompute the aggregates of months ``first..stop-1`` from the facts and the book,
        as :meth:`rebuild` does; the months before ``first`` must be current, and ``stop`` must
        close a calendar year (or be the last month) when a flow changed before it."""
        self._planes.clear()
        if not len(self.parents):
            return
        lead = 1 if first % 12 else 0  # a flow's year to date goes on from the month before
        chunk = chunk_size(self.plans, stop - first)
        for r0 in range(0, self.n_reported, chunk):
            cols = slice(r0, r0 + chunk)
            for start, end, _ in self.timeline.spans(first, stop - 1):
                plan = self.plans[self.timeline.index_at(start)]
                roll_up(self.ytd, self.seen, self.facts, plan, cols, slice(start, end))
            flows, block = self.is_flow[cols], np.s_[:, cols, first - lead : stop]
            accumulate_years(self.ytd[block], flows, first - lead)
            accumulate_years(self.seen[block], flows, first - lead)
        self._subtract_eliminations(first, stop)

    def _subtract_eliminations(self, first: int, stop: int) -> None:
        """Take every elimination entry of months ``first..stop-1`` off the stored ancestors of
        its node (the node too, when stored) in the tree of its month, through a block that
        holds those rows only."""
        book = self.eliminations
        at: dict[int, int] = {}
        moves: list[tuple[int, int, int, int]] = []  # (place in the block, book row, start, stop)
        for start, end, tree in self.timeline.spans(first, stop - 1):
            for k, node in enumerate(book.nodes):
                rows = [int(self.row[a]) for a in tree.path_to_root(node)]
                moves += [(at.setdefault(i, len(at)), k, start - first, end - first) for i in rows if i >= 0]
        if not at:
            return
        lost = np.zeros((len(at), self.n_reported, stop - first), dtype=np.int64)
        for i, k, start, end in moves:
            lost[i, :, start:end] += book.values[k, :, first + start : first + end]
        accumulate_years(lost, self.is_flow, first)
        stored = np.fromiter(at, dtype=np.int64, count=len(at))
        self.ytd[stored, :, first:stop] -= lost

    def apply(self, unit: int, month: int, values: Int64Array, present: BoolArray) -> tuple[Int64Array, Int64Array]:
        """Replace one unit-month of reported figures and update every ancestor by the delta.

        Returns the ``(value_delta, count_delta)`` so a second cube over the same facts can be
        brought up to date with :meth:`propagate`.
        """
        values = np.asarray(values, dtype=np.int64)
        present = np.asarray(present, dtype=bool)
        if values.shape != (self.n_reported,) or present.shape != values.shape:
            raise ValueError("apply: one value and one present flag per reported indicator")
        if not (0 <= unit < self.facts.shape[0] and 0 <= month < self.n_months):
            raise IndexError("apply: unit or month out of range")
        new = np.where(present, values, 0)
        dv = new - self.facts.take(np.array([unit]), None, slice(month, month + 1))[0, :, 0]
        dc = present.astype(np.int64) - self.facts.present[unit, :, month]
        self.facts.put(np.array([unit]), np.array([month]), new[None, :])
        self.facts.present[unit, :, month] = present
        self.propagate(unit, month, dv, dc)
        return dv, dc

    def eliminate(self, node: int, month: int, delta: Int64Array) -> None:
        """Take a change of ``node``'s eliminations in ``month`` (already in the book) off the
        node and its ancestors; presence is unchanged."""
        self.propagate(node, month, -np.asarray(delta, dtype=np.int64), np.zeros(len(delta), dtype=np.int64))

    def propagate(self, unit: int, month: int, dv: Int64Array, dc: Int64Array) -> None:
        """Add a unit-month's change to the stored unit and ancestors in the tree of that month
        (a leaf reads its own facts and book): a flow's change runs on through December (it is
        in every later YTD of the year)."""
        rows = [int(self.row[a]) for a in self.timeline.tree_at(month).path_to_root(unit)]
        if rows and rows[0] < 0:
            self._planes.add(unit, month, dv, dc, self.is_flow)
        rows = [i for i in rows if i >= 0]
        if not rows:
            return
        rest_of_year = np.arange(month, min(month - month % 12 + 12, self.n_months))
        for cols, months in ((self.flows, rest_of_year), (self.stocks, np.array([month]))):
            if cols.size:
                ix = np.ix_(np.array(rows), cols, months)
                self.ytd[ix] += dv[cols][None, :, None]
                self.seen[ix] += dc[cols][None, :, None].astype(self.seen.dtype)

    # -- reading -------------------------------------------------------------------------------

    def points(self, nodes: Int64Array, rpos: Int64Array | None, months: Int64Array) -> tuple[Int64Array, np.ndarray]:
        """The YTD and the count at ``[nodes, rpos, months]`` (every reported indicator when
        ``rpos`` is None), whether a node is stored or a leaf."""
        nodes, months = np.asarray(nodes, dtype=np.int64), np.asarray(months, dtype=np.int64)
        rows = self.row[nodes]
        stored = rows >= 0
        if stored.all():
            return _stored_points(self.ytd, self.seen, rows, rpos, months)
        if not stored.any():
            return self._leaf_points(nodes, rpos, months)
        width = self.n_reported if rpos is None else len(rpos)
        ytd = np.empty((len(nodes), width, len(months)), dtype=np.int64)
        seen = np.empty(ytd.shape, dtype=self.seen.dtype)
        ytd[stored], seen[stored] = _stored_points(self.ytd, self.seen, rows[stored], rpos, months)
        ytd[~stored], seen[~stored] = self._leaf_points(nodes[~stored], rpos, months)
        return ytd, seen

    def monthly(self, nodes: Int64Array, rpos: Int64Array, first: int, stop: int) -> tuple[Int64Array, BoolArray]:
        """Consolidated monthly amounts (flows) or balances (stocks) and presence,
        ``[nodes, rpos, first:stop]``."""
        nodes = np.asarray(nodes, dtype=np.int64)
        rows = self.row[nodes]
        stored = rows >= 0
        amounts = np.empty((len(nodes), len(rpos), stop - first), dtype=np.int64)
        present = np.empty(amounts.shape, dtype=bool)
        if stored.any():
            amounts[stored], present[stored] = self._stored_monthly(rows[stored], rpos, first, stop)
        if not stored.all():
            amounts[~stored], present[~stored] = self._own(nodes[~stored], rpos, first, stop)
        return amounts, present

    def dense(self) -> tuple[Int64Array, np.ndarray]:
        """Every unit's YTD and count at every indicator and month (``[units, reported,
        months]``): what a cube of every unit would store, for checking small groups."""
        return self.points(np.arange(self.facts.shape[0]), None, np.arange(self.n_months))

    def _stored_monthly(
        self, rows: Int64Array, rpos: Int64Array, first: int, stop: int
    ) -> tuple[Int64Array, BoolArray]:
        lead = 1 if first % 12 else 0  # the month before, to difference the first YTD
        ix = (rows[:, None], rpos[None, :], slice(first - lead, stop))
        ytd, seen = self.ytd[ix], self.seen[ix].astype(np.int64)
        start_of_year = (np.arange(first - lead, stop) % 12 == 0)[1:]
        flows = self.is_flow[rpos][:, None]
        for a in (ytd, seen):
            a[..., 1:] -= np.where(flows & ~start_of_year, a[..., :-1], 0)
        return ytd[..., lead:], seen[..., lead:] > 0

    def _own(self, units: Int64Array, rpos: Int64Array | None, first: int, stop: int) -> tuple[Int64Array, BoolArray]:
        """Leaves' consolidated months ``first..stop-1``: their facts in the months they are
        active, less the eliminations booked on them; ``[units, rpos, months]``."""
        ix: tuple[Any, ...] = (units[:, None], rpos[None, :]) if rpos is not None else (units, slice(None))
        values, present = (
            self.facts.take(units, rpos, slice(first, stop)),
            self.facts.present[(*ix, slice(first, stop))],
        )
        for start, end, tree in self.timeline.spans(first, stop - 1):
            months = slice(start - first, end - first)
            off = ~tree.active[units]
            if off.any():
                values[off, :, months], present[off, :, months] = 0, False
            for j in np.flatnonzero(~off & np.isin(units, self.eliminations.nodes)).tolist():
                k = self.eliminations.row(int(units[j]))
                cols = slice(None) if rpos is None else rpos
                values[j, :, months] -= self.eliminations.values[k, cols, start:end]
        return values, present

    def _leaf_points(
        self, units: Int64Array, rpos: Int64Array | None, months: Int64Array
    ) -> tuple[Int64Array, np.ndarray]:
        """:meth:`points` of leaves, summed from their months (from January for a flow), or
        gathered from the month's plane when the read is wide or the plane is at hand."""
        wanted, where = np.unique(months, return_inverse=True)
        width = self.n_reported if rpos is None else len(rpos)
        ytd = np.empty((len(units), width, len(wanted)), dtype=np.int64)
        seen = np.empty(ytd.shape, dtype=self.seen.dtype)
        wide = len(units) * width >= WORTH
        cells: tuple[Any, ...] = (units,) if rpos is None else (units[:, None], rpos[None, :])
        for j, month in enumerate(wanted.tolist()):
            plane = self._planes.get(month)
            if plane is None and wide:
                plane = self._planes.put(month, self._plane(month))
            if plane is not None:
                ytd[:, :, j], seen[:, :, j] = plane[0][cells], plane[1][cells]
            else:
                ytd[:, :, j], seen[:, :, j] = self._leaf_sums(units, rpos, month)
        return ytd[:, :, where], seen[:, :, where]

    def _leaf_sums(self, units: Int64Array, rpos: Int64Array | None, month: int) -> Plane:
        """The YTD and count of ``units`` (leaves) at ``month``, ``[units, rpos]``."""
        flows = self.is_flow if rpos is None else self.is_flow[rpos]
        values, present = self._own(units, rpos, month - month % 12 if flows.any() else month, month + 1)
        ytd, counts = np.einsum("ijk->ij", values), np.einsum("ijk->ij", present.view(np.int8))
        if not flows.all():
            ytd[:, ~flows], counts[:, ~flows] = values[:, ~flows, -1], present[:, ~flows, -1]
        return ytd, counts

    def _plane(self, month: int) -> Plane:
        """Every unit's YTD and count at ``month`` as a leaf's (a parent's row means nothing)."""
        first, stocks = month - month % 12, ~self.is_flow
        ytd = self.facts.year_to_date(first, month, self.is_flow)
        counts = np.einsum("ijk->ij", self.facts.present[:, :, first : month + 1].view(np.int8))
        if stocks.any():
            counts[:, stocks] = self.facts.present[:, stocks, month]
        # a leaf outside the group in some of these months, or with eliminations: its own way
        odd = np.zeros(len(ytd), dtype=bool)
        odd[self.eliminations.nodes] = True
        for _, _, tree in self.timeline.spans(first, month):
            odd |= ~tree.active
        odd &= self.row < 0
        if odd.any():
            ytd[odd], counts[odd] = self._leaf_sums(np.flatnonzero(odd), None, month)
        return ytd, counts


def _stored_points(
    ytd: Int64Array, seen: np.ndarray, rows: Int64Array, rpos: Int64Array | None, months: Int64Array
) -> tuple[Int64Array, np.ndarray]:
    if rpos is None:
        ix: tuple[Any, ...] = (rows[:, None], slice(None), months[None, :])
        # numpy puts the broadcast row x month axes first
        return ytd[ix].transpose(0, 2, 1), seen[ix].transpose(0, 2, 1)
    ix = (rows[:, None, None], rpos[None, :, None], months[None, None, :])
    return ytd[ix], seen[ix]
