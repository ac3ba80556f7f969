"""Queries on facts, submissions and period locks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Connection, Table, func, select, tuple_
from sqlalchemy.orm import Session

from pacer.kit import bulk, periods
from pacer.kit.progress import Report
from pacer.models import Fact, PeriodLock, Submission

LOCKED_STATES = ("accepted",)


def facts_for(
    session: Session, unit_ids: Iterable[int], indicator_ids: Iterable[int], first: int, last: int
) -> dict[tuple[int, int, int], int]:
    stmt = select(Fact.unit_id, Fact.indicator_id, Fact.period, Fact.value).where(
        Fact.unit_id.in_(list(unit_ids)),
        Fact.indicator_id.in_(list(indicator_ids)),
        Fact.period.in_(periods.periods_between(first, last)),
    )
    return {(u, i, p): v for u, i, p, v in session.execute(stmt)}


def fact_rows(
    session: Session, unit_ids: Iterable[int], indicator_ids: Iterable[int], first: int, last: int
) -> dict[tuple[int, int, int], tuple[int, int | None]]:
    """(value, the submission it came with) of each stored fact, by key."""
    stmt = select(Fact.unit_id, Fact.indicator_id, Fact.period, Fact.value, Fact.submission_id).where(
        Fact.unit_id.in_(list(unit_ids)),
        Fact.indicator_id.in_(list(indicator_ids)),
        Fact.period.in_(periods.periods_between(first, last)),
    )
    return {(u, i, p): (v, s) for u, i, p, v, s in session.execute(stmt)}


def locked_periods(session: Session, periods: Iterable[int]) -> set[int]:
    return set(session.scalars(select(PeriodLock.period).where(PeriodLock.period.in_(list(periods)))))


def submissions_for(session: Session, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Submission]:
    keys = list(keys)
    if not keys:
        return {}
    found: dict[tuple[int, int], Submission] = {}
    for chunk in range(0, len(keys), 500):
        part = keys[chunk : chunk + 500]
        stmt = select(Submission).where(tuple_(Submission.unit_id, Submission.period).in_(part))
        found.update({(s.unit_id, s.period): s for s in session.scalars(stmt)})
    return found


FACT_COLUMNS = ("unit_id", "indicator_id", "period", "value", "submission_id")
_STORED_AT_ONCE = 50_000  # figures per bulk write (``progress`` is told after each)


def upsert_facts(
    session: Session, rows: list[tuple[int, int, int, int, int | None]], progress: Report | None = None
) -> None:
    """Insert or update ``rows`` (in the order of ``FACT_COLUMNS``) by the database's bulk
    write; ``progress`` is told after each part (stage ``store``)."""
    if progress is not None:
        progress("store", 0, len(rows))
    table = cast(Table, Fact.__table__)
    connection = session.connection()
    for chunk in range(0, len(rows), _STORED_AT_ONCE):
        bulk.upsert_rows(connection, table, FACT_COLUMNS, FACT_COLUMNS[:3], rows[chunk : chunk + _STORED_AT_ONCE])
        if progress is not None:
            progress("store", min(chunk + _STORED_AT_ONCE, len(rows)), len(rows))


def count_facts(connection: Connection | Session) -> int:
    return int(connection.scalar(select(func.count()).select_from(Fact)) or 0)
