"""Queries on facts, submissions and period locks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Connection, Table, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pacer.kit.progress import Report
from pacer.models import Fact, PeriodLock, Submission

LOCKED_STATES = ("accepted",)


def facts_for(
    session: Session, unit_ids: Iterable[int], indicator_ids: Iterable[int], first: int, last: int
) -> dict[tuple[int, int, int], int]:
    stmt = select(Fact.unit_id, Fact.indicator_id, Fact.period, Fact.value).where(
        Fact.unit_id.in_(list(unit_ids)),
        Fact.indicator_id.in_(list(indicator_ids)),
        Fact.period.between(first, last),
    )
    return {(u, i, p): v for u, i, p, v in session.execute(stmt)}


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


def upsert_facts(session: Session, rows: list[dict[str, int | None]], progress: Report | None = None) -> None:
    """Insert or update ``rows`` in chunks; ``progress`` is told after each (stage ``store``)."""
    if progress is not None:
        progress("store", 0, len(rows))
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, Fact.__table__)
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.unit_id, table.c.indicator_id, table.c.period],
        set_={"value": stmt.excluded.value, "submission_id": stmt.excluded.submission_id},
    )
    connection = session.connection()  # Core's executemany: no ORM bookkeeping per row
    for chunk in range(0, len(rows), 5000):
        connection.execute(stmt, rows[chunk : chunk + 5000])
        if progress is not None:
            progress("store", min(chunk + 5000, len(rows)), len(rows))


def count_facts(connection: Connection | Session) -> int:
    return int(connection.scalar(select(func.count()).select_from(Fact)) or 0)
