"""Finished jobs are kept PACER_JOBS_KEEP_DAYS, then deleted with their files by the workflow
tick or `pacer jobs clean`, each deletion audited; queued, running and recent ones stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from typer.testing import CliRunner

from pacer.auth.permissions import load_actor
from pacer.cli import app
from pacer.config import get_settings
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.jobs.cleanup import clean
from pacer.jobs.runner import run_pending, savepoints
from pacer.jobs.service import enqueue
from pacer.models import AuditEntry, Job, StoredFile, StoredFileContent
from pacer.workflow.jobs import tick
from tests.conftest import Org
from tests.jobs.test_runner import _ask

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def _finished(session, org, days_ago: int) -> Job:
    job = enqueue(session, load_actor(session, "alice"), _ask("test_halfway", org.A1, who="alice"))
    run_pending(savepoints(session))
    session.refresh(job)
    job.finished_at = NOW - timedelta(days=days_ago)
    session.flush()
    return job


def _files(session) -> int:
    return session.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.owner.like("job:%")))


def test_jobs_finished_before_the_keeping_are_deleted_with_their_files_and_audited(session, org):
    old, recent = _finished(session, org, 91), _finished(session, org, 89)
    queued = enqueue(session, load_actor(session, "alice"), _ask("test_halfway", org.A1, who="bob"))
    old_id, old_file = old.id, old.result_file_id
    assert _files(session) == 2
    assert clean(session, 90, NOW) == 1
    assert session.get(Job, old_id) is None
    assert session.get(StoredFile, old_file) is None
    assert session.get(StoredFileContent, old_file) is None
    assert {j.id for j in session.scalars(select(Job))} >= {recent.id, queued.id}
    assert _files(session) == 1
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "job.clean"))
    assert (entry.entity, entry.entity_key, entry.actor) == ("job", str(old_id), "system")
    assert entry.before["kind"] == "test_halfway"
    assert entry.before["files"][0]["name"] == "made.txt"
    assert entry.after is None
    assert clean(session, 90, NOW) == 0
    assert clean(session, 0, NOW + timedelta(days=1000)) == 0  # 0 keeps them for ever


def test_the_workflow_tick_and_the_command_clean_up(database_url, monkeypatch):
    engine = get_engine()
    with unit_of_work(engine, writes=True) as session:
        org = Org(session)
        _finished(session, org, 40)
        _finished(session, org, 10)
    monkeypatch.setenv("PACER_JOBS_KEEP_DAYS", "30")
    monkeypatch.setenv("PACER_REPORT_MONTHLY", "")
    get_settings.cache_clear()
    assert tick(session_factory(engine), get_settings(), NOW).cleaned == 1
    result = CliRunner().invoke(app, ["jobs", "clean", "--older-than", "5", "--now", "2026-06-30T12:00"])
    assert result.exit_code == 0, result.output
    assert "1 finished job(s) deleted (older than 5 days)" in result.output
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "job.clean")) == 2
