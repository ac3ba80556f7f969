"""The stored figures the validation rules compare a month with, in the shape
:mod:`pacer.submissions.rule_context` puts them in, read from the served analysis engine.

The engine holds every stored figure of every unit as dense arrays (``facts[unit, reported
indicator, month]``, exact scaled integers), so a thousand units' 22 months around a month are
array sums instead of a grouped read of the database. It is asked only while it holds exactly
what the database holds for this transaction: its change marker (the newest audit row it has
seen; every change of a figure writes one) equals the newest audit id this session sees. A
transaction that has written audit rows of its own, or an engine behind the database, is read
through the database instead (:func:`engine_figures` answers None). The same visibility rule
holds: figures of units the actor may not see count as absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, change_marker
from pacer.auth.permissions import READ, Actor, visible_unit_ids
from pacer.kit import periods

Key = tuple[int, int, int]  # unit id, indicator id, period


@dataclass
class Around:
    """One unit's stored figures around one month, by indicator id: the year's months before it
    summed, the same months of last year summed, last year's same month and last December."""

    ytd_before: dict[int, int] = field(default_factory=dict)
    ly_months: dict[int, int] = field(default_factory=dict)
    ly_same: dict[int, int] = field(default_factory=dict)
    ly_december: dict[int, int] = field(default_factory=dict)

    def add(self, period: int, at: int, ind_id: int, change: int, value: int) -> None:
        """Lay a pending figure (``value``, ``change`` from the stored one) at ``at`` over these."""
        year, month = periods.split(period)
        if year * 100 + 1 <= at < period:
            self.ytd_before[ind_id] = self.ytd_before.get(ind_id, 0) + change
        if (year - 1) * 100 + 1 <= at <= (year - 1) * 100 + month:
            self.ly_months[ind_id] = self.ly_months.get(ind_id, 0) + change
        if at == (year - 1) * 100 + month:
            self.ly_same[ind_id] = value
        if at == (year - 1) * 100 + 12:
            self.ly_december[ind_id] = value


def lay_over(
    out: dict[int, Around], period: int, pending: Mapping[Key, int], stored: Mapping[Key, int], laid: Iterable[Key]
) -> None:
    """The ``pending`` figures at ``laid`` laid over ``out`` (each as a change from ``stored``)."""
    for key in laid:
        unit_id, ind_id, at = key
        value = pending[key]
        out[unit_id].add(period, at, ind_id, value - stored.get(key, 0), value)


def laid_keys(pending: Mapping[Key, int], unit_ids: Iterable[int], period: int) -> list[Key]:
    """The pending figures of ``unit_ids`` in the 22 months around ``period`` that the sums read."""
    year = period // 100
    first, units = (year - 1) * 100 + 1, set(unit_ids)
    return [k for k in pending if k[0] in units and first <= k[2] < period]


class EngineFigures:
    """The stored figures of an engine that holds what the database holds (see the module)."""

    def __init__(self, analysis: Analysis, indicator_id_of: Mapping[str, int], visible: set[int] | None) -> None:
        engine = analysis.engine
        self._analysis, self._visible = analysis, visible
        self._facts, self._present = engine.facts, engine.facts.present
        catalog = engine.catalog
        # the indicator id at each position of the reported axis (-1: an indicator the database lacks)
        self._ids = np.array([indicator_id_of.get(catalog.codes[i], -1) for i in catalog.reported], dtype=np.int64)
        self._first_year = engine.first_year

    def _month(self, period: int) -> int:
        year, month = periods.split(period)
        return (year - self._first_year) * 12 + month - 1

    def _nodes(self, unit_ids: Iterable[int]) -> tuple[list[int], np.ndarray]:
        """The units this actor sees that the engine holds, and their node indices."""
        units = [u for u in unit_ids if (self._visible is None or u in self._visible)]
        units = [u for u in units if self._analysis.node(u) is not None]
        return units, np.array([self._analysis.node(u) for u in units], dtype=np.int64)

    def _window(self, nodes: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """Per node and reported indicator: the figures of months ``first..last`` summed, and
        whether any is present."""
        a, b = max(self._month(first), 0), min(self._month(last), self._facts.shape[2] - 1)
        shape = (len(nodes), self._facts.shape[1])
        if a > b or not len(nodes):
            return np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=bool)
        present = self._present[nodes, :, a : b + 1]
        values = np.where(present, self._facts.take(nodes, None, slice(a, b + 1)), 0)
        return np.asarray(values.sum(axis=2)), np.asarray(present.any(axis=2))

    def _by_id(self, sums: np.ndarray, present: np.ndarray, row: int) -> dict[int, int]:
        at = np.flatnonzero(present[row] & (self._ids >= 0))
        return dict(zip(self._ids[at].tolist(), sums[row, at].tolist(), strict=True))

    def around(self, unit_ids: set[int], period: int, pending: Mapping[Key, int]) -> dict[int, Around]:
        """As :func:`pacer.submissions.rule_context._around` reads them from the database."""
        year, month = periods.split(period)
        out = {u: Around() for u in unit_ids}
        units, nodes = self._nodes(sorted(unit_ids))
        windows = (
            self._window(nodes, year * 100 + 1, periods.add_months(period, -1)),
            self._window(nodes, (year - 1) * 100 + 1, (year - 1) * 100 + month),
            self._window(nodes, (year - 1) * 100 + month, (year - 1) * 100 + month),
            self._window(nodes, (year - 1) * 100 + 12, (year - 1) * 100 + 12),
        )
        for row, unit_id in enumerate(units):
            around = out[unit_id]
            around.ytd_before, around.ly_months, around.ly_same, around.ly_december = (
                self._by_id(sums, present, row) for sums, present in windows
            )
        laid = laid_keys(pending, unit_ids, period)
        lay_over(out, period, pending, self.stored(laid), laid)
        return out

    def month(self, unit_ids: set[int], period: int) -> dict[int, dict[int, int]]:
        """Unit id -> indicator id -> its stored figure of ``period``."""
        out: dict[int, dict[int, int]] = {u: {} for u in unit_ids}
        units, nodes = self._nodes(sorted(unit_ids))
        sums, present = self._window(nodes, period, period)
        for row, unit_id in enumerate(units):
            out[unit_id] = self._by_id(sums, present, row)
        return out

    def stored(self, keys: Iterable[Key]) -> dict[Key, int]:
        """The stored figures at ``keys``."""
        position = {int(i): r for r, i in enumerate(self._ids.tolist()) if i >= 0}
        out = {}
        for key in keys:
            unit_id, ind_id, at = key
            node, r, t = self._analysis.node(unit_id), position.get(ind_id), self._month(at)
            if self._visible is not None and unit_id not in self._visible:
                continue
            if node is None or r is None or not 0 <= t < self._facts.shape[2] or not self._present[node, r, t]:
                continue
            out[key] = self._facts.value(node, r, t)
        return out


def engine_figures(
    session: Session, actor: Actor, analysis: Analysis | None, indicator_id_of: Mapping[str, int]
) -> EngineFigures | None:
    """The engine's figures when it holds what this session sees of the database, else None."""
    if analysis is None or analysis.marker != change_marker(session.connection()):
        return None
    return EngineFigures(analysis, indicator_id_of, visible_unit_ids(session, actor, READ))
