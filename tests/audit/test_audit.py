import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from pacer.audit.service import record
from pacer.models import AuditEntry


def test_audit_entries_cannot_be_rewritten(session):
    record(session, "grace", "unit.update", "unit", "A1", {"name_zh": "旧"}, {"name_zh": "新"})
    session.flush()
    with pytest.raises(DBAPIError, match="append-only"):
        with session.begin_nested():
            session.execute(update(AuditEntry).values(actor="mallory"))


def test_audit_entries_cannot_be_deleted(session):
    record(session, "grace", "unit.update", "unit", "A1")
    session.flush()
    with pytest.raises(DBAPIError, match="append-only"):
        with session.begin_nested():
            session.execute(delete(AuditEntry))
    assert session.scalars(select(AuditEntry.actor)).all() == ["grace"]
