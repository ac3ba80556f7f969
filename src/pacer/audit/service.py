"""Write the append-only audit trail, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from pacer.models import AuditEntry
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
) -> None:
    session.add(
        AuditEntry(
            actor=actor, action=action, entity=entity, entity_key=key,
            before=before, after=after, note=note, at=utcnow(),
        )
    )


def record_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk form for imports that change thousands of rows; same columns as ``record``."""
    if not rows:
        return
    now = utcnow()
    session.execute(
        insert(AuditEntry),
        [{"note": "", "before": None, "after": None, "at": now, **row} for row in rows],
    )
