"""Queries on elimination entries and on the tree they are booked on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from pacer.models import EliminationEntry, UnitParentage

EntryKey = tuple[int, int, int, str]  # unit id, indicator id, period, counterparty


def entries_for(session: Session, keys: Iterable[EntryKey]) -> dict[EntryKey, EliminationEntry]:
    keys = list(keys)
    found: dict[EntryKey, EliminationEntry] = {}
    columns = tuple_(
        EliminationEntry.unit_id, EliminationEntry.indicator_id, EliminationEntry.period, EliminationEntry.counterparty
    )
    for chunk in range(0, len(keys), 500):
        stmt = select(EliminationEntry).where(columns.in_(keys[chunk : chunk + 500]))
        found.update({(e.unit_id, e.indicator_id, e.period, e.counterparty): e for e in session.scalars(stmt)})
    return found


class Placements:
    """Where every unit sat in the tree over time: answers 'was this unit in the tree on a day,
    and did it have children then' without a query per question."""

    def __init__(self, session: Session) -> None:
        self._own: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
        self._under: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
        for unit_id, parent_id, start, end in session.execute(
            select(UnitParentage.unit_id, UnitParentage.parent_id, UnitParentage.valid_from, UnitParentage.valid_to)
        ):
            self._own[unit_id].append((start, end))
            if parent_id is not None:
                self._under[parent_id].append((start, end))

    def in_tree(self, unit_id: int, on: date) -> bool:
        return _covers(self._own.get(unit_id, ()), on)

    def has_children(self, unit_id: int, on: date) -> bool:
        return _covers(self._under.get(unit_id, ()), on)


def _covers(spans: Iterable[tuple[date, date | None]], on: date) -> bool:
    return any(start <= on and (end is None or end > on) for start, end in spans)
