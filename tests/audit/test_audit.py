import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from pacer.audit.service import record
from pacer.models import AuditEntry


def test_audit_entries_cannot_be_rewritten(session):
    record(session, "grace", "unit.update", "unit", "A1", {"name_zh": "旧"}, {"name_zh": "新"})
    session.flush()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(update(AuditEntry).values(actor="mallory"))


def test_audit_entries_cannot_be_deleted(session):
    record(session, "grace", "unit.update", "unit", "A1")
    session.flush()
    before = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(delete(AuditEntry))
    assert session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all() == before
    assert session.scalars(select(AuditEntry.actor).where(AuditEntry.actor == "grace")).all() == ["grace"]


def test_audit_ids_are_in_commit_order_across_transactions(database_url):
    """A transaction that has written audit rows keeps others from writing theirs until it
    ends, so a higher id never commits before a lower one (the engines' change marker relies on
    it). On SQLite, writers are serialised by the database itself."""
    import threading
    import time

    from sqlalchemy.orm import Session as OrmSession

    from pacer.db import make_engine

    db = make_engine(database_url)
    first, second = OrmSession(db), OrmSession(db)
    record(first, "grace", "unit.update", "unit", "A1")
    first.flush()  # the first transaction holds its id and the audit lock, uncommitted
    done = threading.Event()

    def other() -> None:
        record(second, "hannah", "unit.update", "unit", "A2")
        second.commit()
        done.set()

    writer = threading.Thread(target=other)
    writer.start()
    assert not done.wait(0.5)  # waits for the first transaction, not committed ahead of it
    time.sleep(0.1)
    first.commit()
    writer.join(10)
    assert done.is_set()
    with db.connect() as conn:
        rows = conn.execute(select(AuditEntry.actor).order_by(AuditEntry.id)).scalars().all()
    assert rows[-2:] == ["grace", "hannah"]
    first.close()
    second.close()
    db.dispose()
