"""What the facts import makes of each row: its indicator, its unit and the row as parsed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.models import Indicator, Unit


@dataclass(frozen=True, slots=True)
class IndicatorRef:
    """What an import reads of an indicator on every row, copied once from its database row (an
    import checks hundreds of thousands of rows; a mapped attribute costs more to read)."""

    id: int
    code: str
    kind: str
    scale: int
    reporting: str | None
    never_negative: bool

    @classmethod
    def every(cls, session: Session) -> dict[str, IndicatorRef]:
        """Every indicator by code, read as plain columns (the library's objects cost several
        times as much to make, and a save reads them all)."""
        i = Indicator
        stmt = select(i.id, i.code, i.kind, i.scale, i.reporting, i.never_negative)
        return {row.code: cls(*row) for row in session.execute(stmt)}


@dataclass(frozen=True, slots=True)
class UnitRef:
    """A unit's id and code, read once per unit for the rows' checks; ``unit`` itself for the rules."""

    id: int
    code: str
    unit: Unit


class FactRow(NamedTuple):
    """A row as parsed (a tuple: an import makes one per figure, and a tuple is made the fastest)."""

    row: int
    unit: UnitRef
    indicator: IndicatorRef
    period: int
    value: int  # as given: a month's amount or year-to-date, per ``basis``
    basis: str
