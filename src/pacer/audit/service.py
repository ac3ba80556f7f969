"""Write the append-only audit trail, in the caller's transaction.

Audit ids are the change marker of every cached analysis engine (:mod:`pacer.analysis.serve.service`),
which replays the rows above the id it has seen. That needs ids in commit order: on PostgreSQL a
transaction that drew a lower id from the sequence could otherwise commit after one that drew a
higher id, and its rows would fall below a marker that had already moved past them. So writing
audit rows takes a transaction-scoped advisory lock first: transactions that audit commit one
after the other from their first audit row on (their other work still runs side by side). SQLite
serialises writers anyway.
"""

from __future__ import annotations

import weakref
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from pacer.audit.subject import Subject, subject_of
from pacer.kit import bulk
from pacer.models import AuditEntry, Unit
from pacer.models.base import utcnow


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    key: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    *,
    unit_id: int | None = None,
) -> None:
    """One row; what it is about (unit, indicator, month) is read from ``entity`` and ``key``,
    and ``unit_id`` names the unit when the key does not (a workflow item, a task)."""
    _in_commit_order(session)
    about = subject_of(entity, key)
    unit: Any = unit_id
    if unit is None and about.unit_code is not None:
        # looked up inside the INSERT: no read ahead of the write (SQLite upgrades no snapshot)
        unit = select(Unit.id).where(Unit.code == about.unit_code).scalar_subquery()
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=entity,
            entity_key=key,
            before=before,
            after=after,
            note=note,
            at=utcnow(),
            unit_id=unit,
            indicator=about.indicator,
            period=about.period,
        )
    )


AUDIT_COLUMNS = (
    "at",
    "actor",
    "action",
    "entity",
    "entity_key",
    "before",
    "after",
    "note",
    "unit_id",
    "indicator",
    "period",
)


def record_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk form for imports that change thousands of rows; same columns as ``record``. A row may
    give what it is about as ``subject`` (else read from its entity and key), and ``before`` and
    ``after`` as :class:`pacer.kit.bulk.Json` text."""
    _write(
        session,
        [
            (
                row["actor"],
                row["action"],
                row["entity"],
                row["entity_key"],
                row.get("before"),
                row.get("after"),
                row.get("note", ""),
                row.get("subject") or subject_of(row["entity"], row["entity_key"]),
            )
            for row in rows
        ],
    )


Change = tuple[str, Subject, Any, Any]  # key, what it is about, before, after


def record_changes(session: Session, actor: str, action: str, entity: str, note: str, changes: list[Change]) -> None:
    """:func:`record_many` of rows that differ only in key, subject, before and after (an
    import's figures: hundreds of thousands, so no dict per row, and each row made once)."""
    if not changes:
        return
    _in_commit_order(session)
    now = utcnow()
    # a subject about no unit (None) finds no id
    codes = {about.unit_code for _, about, _, _ in changes if about.unit_code is not None}
    ids: dict[str | None, int] = dict(_unit_ids(session, codes).items())
    _insert(
        session,
        [
            (
                now,
                actor,
                action,
                entity,
                key,
                before,
                after,
                note,
                ids.get(about.unit_code),
                about.indicator,
                about.period,
            )
            for key, about, before, after in changes
        ],
    )


def _write(session: Session, rows: list[tuple[str, str, str, str, Any, Any, str, Subject]]) -> None:
    if not rows:
        return
    _in_commit_order(session)
    now = utcnow()
    ids = _unit_ids(session, {about.unit_code for *_, about in rows if about.unit_code is not None})
    _insert(
        session,
        [
            (
                now,
                *row[:7],
                ids.get(about.unit_code) if about.unit_code is not None else None,
                about.indicator,
                about.period,
            )
            for *row, about in rows
        ],
    )


def _insert(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """The rows (in the order of ``AUDIT_COLUMNS``) by the database's bulk write (COPY on
    PostgreSQL): an import audits 300,000 rows."""
    bulk.insert_rows(session.connection(), cast(Table, AuditEntry.__table__), AUDIT_COLUMNS, rows)


def _unit_ids(session: Session, codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    if len(codes) > 500:  # an import of many units: every unit, rather than a very long IN list
        return dict(session.execute(select(Unit.code, Unit.id)).tuples().all())
    return dict(session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(codes))).tuples().all())


# the advisory lock key of the audit trail (any fixed 64-bit number; "PACERAUD" in ASCII)
AUDIT_LOCK = 0x5041434552415544


def _in_commit_order(session: Session) -> None:
    """Hold the audit lock until this transaction ends (PostgreSQL; once per transaction)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    held = session.info.get("audit_lock")
    if transaction is not None and held is not None and held() is transaction:
        return
    session.execute(select(func.pg_advisory_xact_lock(AUDIT_LOCK)))
    if transaction is not None:
        session.info["audit_lock"] = weakref.ref(transaction)
