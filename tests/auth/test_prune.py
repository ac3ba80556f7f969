"""Sign-in attempts are kept only as long as a lock rule reads them: the workflow tick deletes
older ones, and a lock in force or an address known from a recent success is unchanged by it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from pacer.auth.sessions import locked_until, prune_attempts, record_attempt
from pacer.config import get_settings
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.models import LoginAttempt
from pacer.workflow.jobs import tick

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(LoginAttempt)) or 0


def test_attempts_older_than_the_known_address_window_are_deleted_and_locks_hold(session, org):
    settings = get_settings()
    record_attempt(session, "alice", "10.0.0.1", True, NOW - timedelta(days=31))
    record_attempt(session, "alice", "10.0.0.2", True, NOW - timedelta(days=29))
    for minutes in range(settings.login_max_failures):
        record_attempt(session, "alice", "10.0.0.9", False, NOW - timedelta(minutes=minutes + 1))
    locked = locked_until(session, "alice", "10.0.0.9", settings, NOW)
    known = locked_until(session, "alice", "10.0.0.2", settings, NOW)
    assert locked is not None
    assert known is None
    assert prune_attempts(session, NOW) == 1
    assert _count(session) == 1 + settings.login_max_failures
    assert locked_until(session, "alice", "10.0.0.9", settings, NOW) == locked
    assert locked_until(session, "alice", "10.0.0.2", settings, NOW) is None
    assert prune_attempts(session, NOW) == 0


def test_the_workflow_tick_prunes_old_attempts(database_url, monkeypatch):
    engine = get_engine()
    with unit_of_work(engine, writes=True) as session:
        record_attempt(session, "mallory", "10.0.0.3", False, NOW - timedelta(days=40))
        record_attempt(session, "mallory", "10.0.0.3", False, NOW - timedelta(days=1))
    monkeypatch.setenv("PACER_REPORT_MONTHLY", "")
    get_settings.cache_clear()
    assert tick(session_factory(engine), get_settings(), NOW).pruned == 1
    with unit_of_work(engine) as session:
        assert _count(session) == 1
