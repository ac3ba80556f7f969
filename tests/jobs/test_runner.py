"""The job runner: a job's progress, its file kept with it done, a failure kept with its reason
and nothing of its work; jobs seen only through their unit's subtree."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pacer.auth.permissions import SYSTEM, load_actor
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.errors import DomainError, NotFound
from pacer.jobs import repository
from pacer.jobs.kinds import Kind, Output, register
from pacer.jobs.runner import ThreadRunner, claim_next, execute, fail_stale, run_pending, savepoints, transactions
from pacer.jobs.service import Asked, enqueue, result
from pacer.models import AuditEntry, Job, StoredFile
from pacer.models.base import utcnow
from tests.factories import create_unit, create_user

seen_progress: list[float] = []


def _halfway(ctx):
    ctx.progress(0.5, "half")
    stmt = select(Job.progress, Job.message).where(Job.id == ctx.job_id)
    seen_progress.append(tuple(ctx.session.execute(stmt).one()))
    return Output("made.txt", b"made for " + ctx.parameters["who"].encode(), "text/plain; charset=utf-8")


def _refuses(ctx):
    ctx.session.add(AuditEntry(actor="x", action="job.side-effect", entity="x", entity_key="x"))
    ctx.session.flush()
    raise DomainError("the unit has no figures for 2031-01")


def _breaks(ctx):
    return 1 / 0


register(Kind("test_halfway", ("测试", "Test"), _halfway))
register(Kind("test_refuses", ("测试", "Test"), _refuses, writes=True))
register(Kind("test_breaks", ("测试", "Test"), _breaks))


def _ask(kind, unit, **parameters):
    return Asked(kind, {"lang": "en", **parameters}, unit.id, "2025-09", ("测试", "Test"))


def test_a_job_reports_its_progress_and_keeps_its_file_when_done(session, org):
    alice = load_actor(session, "alice")
    job = enqueue(session, alice, _ask("test_halfway", org.A1, who="alice"))
    assert job.state == "queued"
    tx = savepoints(session)
    assert claim_next(tx) == job.id
    assert claim_next(tx) is None  # claimed once
    seen_progress.clear()
    assert execute(tx, job.id) == "done"
    assert seen_progress == [(0.5, "half")]
    session.refresh(job)
    assert (job.state, job.progress, job.error) == ("done", 1.0, "")
    assert job.started_at is not None
    assert job.finished_at is not None
    _job, stored = result(session, alice, job.id)
    assert stored.owner == f"job:{job.id}"
    assert stored.unit_id == org.A1.id
    assert stored.filename == "made.txt"


def test_a_refused_job_says_why_and_keeps_nothing_of_its_work(session, org):
    job = enqueue(session, SYSTEM, _ask("test_refuses", org.A1))
    before = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "job.side-effect"))
    assert run_pending(savepoints(session)) == [(job.id, "failed")]
    session.refresh(job)
    assert job.state == "failed"
    assert job.error == "the unit has no figures for 2031-01"
    assert job.result_file_id is None
    after = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "job.side-effect"))
    assert after == before == 0
    assert session.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.owner == f"job:{job.id}")) == 0


def test_an_unexpected_failure_names_the_error(session, org):
    job = enqueue(session, SYSTEM, _ask("test_breaks", org.A1))
    run_pending(savepoints(session))
    session.refresh(job)
    assert job.state == "failed"
    assert job.error.startswith("internal error (ZeroDivisionError)")


def test_jobs_are_seen_only_by_those_who_see_their_unit(session, org):
    alice, bob, victor = (load_actor(session, u) for u in ("alice", "bob", "victor"))
    job = enqueue(session, alice, _ask("test_halfway", org.A1, who="alice"))
    run_pending(savepoints(session))
    assert repository.one(session, victor, job.id).id == job.id  # above A1
    with pytest.raises(NotFound):
        repository.one(session, bob, job.id)
    with pytest.raises(NotFound):
        result(session, bob, job.id)
    assert [j.id for j, _ in repository.mine(session, alice, 10)[1]] == [job.id]
    assert repository.mine(session, victor, 10) == (0, [])  # listed: one's own jobs only


def test_nobody_queues_a_job_for_a_unit_out_of_sight(session, org):
    bob = load_actor(session, "bob")
    with pytest.raises(DomainError):
        enqueue(session, bob, _ask("test_halfway", org.A1, who="bob"))
    with pytest.raises(DomainError, match="no kind of job"):
        enqueue(session, bob, _ask("no_such_kind", org.B1))


def test_a_job_left_running_by_a_stopped_server_fails_saying_so(session, org):
    job = enqueue(session, SYSTEM, _ask("test_halfway", org.A1, who="x"))
    tx = savepoints(session)
    claim_next(tx)
    job.updated_at = utcnow() - timedelta(hours=1)
    session.flush()
    assert fail_stale(tx) == 0  # its runner, this process, still runs it, however long silent
    session.refresh(job)
    assert job.state == "running"
    job.runner = "embedded@another-machine:4242:1"  # a server elsewhere, silent for an hour
    session.flush()
    assert fail_stale(tx) == 1
    session.refresh(job)
    assert job.state == "failed"
    assert "stopped" in job.error


gate = threading.Event()


def _waits(ctx):
    ctx.progress(0.4, "waiting")
    assert gate.wait(20)
    return Output("done.txt", b"ok", "text/plain; charset=utf-8")


register(Kind("test_waits", ("测试", "Test"), _waits))


def test_the_thread_runner_commits_progress_while_the_work_goes_on(database_url):
    engine = get_engine()
    with unit_of_work(engine, writes=True) as session:
        unit = create_unit(session, "T1", kind="group")
        create_user(session, "tina", [("viewer", unit)])
        job_id = enqueue(session, SYSTEM, _ask("test_waits", unit)).id
    runner = ThreadRunner(transactions(session_factory(engine)), workers=1, poll_seconds=0.05)
    gate.clear()
    runner.wake()
    try:
        seen = _wait_for(engine, job_id, lambda j: j.progress == 0.4)
        assert (seen.state, seen.message) == ("running", "waiting")  # read while the work waits
        gate.set()
        done = _wait_for(engine, job_id, lambda j: j.state == "done")
        assert done.result_file_id is not None
    finally:
        gate.set()
        runner.stop()


def _wait_for(engine, job_id, condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with unit_of_work(engine) as session:
            job = session.get(Job, job_id)
            if condition(job):
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not get there: {job.state} {job.progress} {job.error}")
