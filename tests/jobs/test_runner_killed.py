"""A server killed (kill -9) while its embedded runner runs a job: another server sees the runner
gone within seconds and fails the job saying why, then runs the next one. The runner is told
apart by its process on the same machine, by its heartbeat on another (pacer.jobs.lease)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from pacer.auth.permissions import SYSTEM
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.jobs import lease
from pacer.jobs.runner import STOPPED, ThreadRunner, fail_stale, transactions
from pacer.jobs.service import Asked, enqueue
from pacer.models import Job, Unit
from pacer.models.base import utcnow
from tests.factories import create_unit
from tests.jobs.waiting_kind import KIND, RELEASE
from tests.ops.test_faults import Served

WAIT = 60.0  # "within a minute": the sweep runs every 15 s, the check of a process is immediate


def _queue() -> int:
    with unit_of_work(get_engine(), writes=True) as session:
        unit = session.scalars(select(Unit).order_by(Unit.id)).first() or create_unit(session, "T1", kind="group")
        return enqueue(session, SYSTEM, Asked(KIND, {"lang": "en"}, unit.id, "2025-09", ("测试", "Test"))).id


def _job(job_id: int) -> Job:
    with unit_of_work(get_engine()) as session:
        return session.get_one(Job, job_id)


def _until(check, what: str, *servers: Served, seconds: float = WAIT) -> float:
    started = time.monotonic()
    while not check():
        logs = "\n".join(s.log.read_text(errors="replace")[-3000:] for s in servers)
        assert time.monotonic() - started < seconds, f"{what}; the servers' logs:\n{logs}"
        time.sleep(0.1)
    return time.monotonic() - started


def test_the_job_of_a_killed_server_is_failed_by_another_within_a_minute(database_url, tmp_path):
    release = tmp_path / "release"
    settings = {"PACER_JOBS_WORKERS": "1", "PACER_JOBS_POLL_SECONDS": "0.2", RELEASE: str(release)}
    first = Served(database_url, tmp_path / "first.log", settings, preload="tests.jobs.waiting_kind")
    second = Served(database_url, tmp_path / "second.log", settings, preload="tests.jobs.waiting_kind")
    try:
        first.start()
        job_id = _queue()
        _until(lambda: _job(job_id).message == "waiting", "the first server never ran the job", first)
        assert first.process is not None
        assert (
            _job(job_id).runner == f"embedded@{socket.gethostname()}:{first.process.pid}:{_started(first.process.pid)}"
        )
        second.start()  # running, it sees the first server alive: the job is left to it
        time.sleep(1)
        assert (_job(job_id).state, _job(job_id).runner.split(":")[1]) == ("running", str(first.process.pid))

        first.kill()
        assert _job(job_id).state == "running"  # what kill -9 leaves: nobody ended the job
        took = _until(lambda: _job(job_id).state == "failed", "the killed server's job was never failed", second)
        job = _job(job_id)
        assert (job.error, job.result_file_id) == (STOPPED, None)
        assert job.finished_at is not None
        assert took < WAIT

        release.touch()  # the second server runs the next job to its end
        again = _queue()
        _until(lambda: _job(again).state == "done", "the second server never ran the next job", second)
        assert _job(again).runner.split(":")[1] == str(second.process.pid if second.process else "")
        assert _job(job_id).state == "failed"  # the first stays failed
    finally:
        release.touch()
        first.stop()
        second.stop()
    get_engine().dispose()


def _started(pid: int) -> str:
    return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]) if os.path.exists("/proc") else ""


def test_a_runner_is_lost_when_its_process_is_gone_or_its_heartbeat_silent_a_minute():
    now = utcnow()
    here = socket.gethostname()
    alive = lease.me()
    gone = subprocess.Popen(["true"])
    gone.wait()
    # on this machine the process is asked: alive it runs its job, however long its heartbeat
    # waits (a writing job on SQLite holds the one write lock); gone, its job is lost at once
    assert not lease.lost(alive, now - timedelta(minutes=10), now)
    assert lease.lost(f"embedded@{here}:{gone.pid}:", now, now)
    assert lease.lost(f"embedded@{here}:{os.getpid()}:1", now, now)  # the id of a process started since
    # on another machine the heartbeat: a minute's silence
    assert not lease.lost("embedded@elsewhere:1:1", now - timedelta(seconds=30), now)
    assert lease.lost("embedded@elsewhere:1:1", now - timedelta(seconds=61), now)
    assert lease.lost("", now - timedelta(seconds=61), now)
    # a pacer worker's job is the queue's to retry, unless silent for half an hour
    assert not lease.lost(f"queue@{here}:{gone.pid}:", now - timedelta(minutes=10), now)
    assert lease.lost(f"queue@{here}:{gone.pid}:", now - timedelta(minutes=31), now)
    # a live process of this machine still runs its job after half an hour without a beat (an
    # import on SQLite longer than that holds the one write lock its beats wait for)
    assert not lease.lost(alive, now - timedelta(minutes=31), now)
    assert not lease.lost(alive, now - timedelta(days=2), now)


def test_a_running_job_beats_and_another_machines_silent_one_is_failed(database_url, tmp_path, monkeypatch):
    monkeypatch.setattr(lease, "HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setenv(RELEASE, str(tmp_path / "release"))
    job_id = _queue()
    tx = transactions(session_factory(get_engine()))
    runner = ThreadRunner(tx, workers=1, poll_seconds=0.05)
    runner.wake()
    try:
        _until(lambda: _job(job_id).message == "waiting", "the runner never ran the job")
        first = _job(job_id).updated_at
        _until(lambda: _job(job_id).updated_at > first, "the running job never beat")
        assert fail_stale(tx) == 0  # its runner, this process, runs it
        # the same job as if run on another machine: heard of 30 s ago, it is kept; silent a
        # minute, failed
        with unit_of_work(get_engine(), writes=True) as session:
            session.get_one(Job, job_id).runner = "embedded@elsewhere:1:1"
        assert fail_stale(tx, utcnow() + timedelta(seconds=30)) == 0
        monkeypatch.setattr(lease, "HEARTBEAT_SECONDS", 3600)  # silent from its next beat on
        time.sleep(1)
        assert fail_stale(tx, utcnow() + timedelta(seconds=70)) == 1
        assert (_job(job_id).state, _job(job_id).error) == ("failed", STOPPED)
    finally:
        (tmp_path / "release").touch()
        runner.stop()
    # the work ended after it was failed: its end does not overwrite the failure
    assert (_job(job_id).state, _job(job_id).result_file_id) == ("failed", None)
    get_engine().dispose()
