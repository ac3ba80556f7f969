"""A ``pacer worker`` that stops without ending its job (kill -9, its machine gone): the job it was
running is handed to another worker once, and failed with the reason the second time, in
procrastinate's queue and in Pacer's job table alike; nothing stays "doing" or "running"."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from pacer.auth.permissions import load_actor
from pacer.config import get_settings
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.jobs import queue
from pacer.jobs.runner import claim_one, transactions
from pacer.models import Job, StoredFile
from pacer.reports import generate
from tests.jobs.test_queue import SRC, on_postgresql, queued  # noqa: F401  (fixture)

MONTH = f"{date.today().year}-{date.today().month:02d}"


def _ask_bulletin() -> int:
    fields = {"kind": "bulletin", "unit": "Q1", "period": MONTH, "span": "year", "format": "docx", "lang": "en"}
    with unit_of_work(writes=True) as session:
        return generate.start(session, load_actor(session, "alice"), fields, None, date.today()).id


def _queue_row(job_id: int) -> tuple[str, int] | None:
    with get_engine().connect() as conn:
        row = conn.execute(
            text("SELECT status, attempts FROM procrastinate_jobs WHERE task_name = :t AND args->>'job_id' = :id"),
            {"t": queue.RUN_JOB, "id": str(job_id)},
        ).first()
    return (str(row[0]), int(row[1])) if row else None


def _job(job_id: int) -> Job:
    with Session(get_engine()) as session:
        return session.get_one(Job, job_id)


async def _take_and_stop(app, job_id: int) -> None:
    """What a worker killed while running the job leaves: procrastinate's row "doing" for a
    worker that sends no heartbeat any more, Pacer's job "running"."""
    worker_id = await app.job_manager.register_worker()
    taken = await app.job_manager.fetch_job(queues=[queue.QUEUE], worker_id=worker_id)
    assert taken is not None
    assert taken.task_kwargs == {"job_id": job_id}
    assert claim_one(transactions(session_factory(get_engine())), job_id)
    with get_engine().begin() as conn:
        conn.execute(
            text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' WHERE id = :w"),
            {"w": worker_id},
        )


async def _recover(app) -> list[tuple[int, str]]:
    factory = session_factory(get_engine())
    return await queue.recover_stalled(app, factory, get_settings().jobs_stalled_seconds)


@on_postgresql
def test_the_job_of_a_stopped_worker_is_run_again_once_then_failed_saying_why(queued):  # noqa: F811
    job_id = _ask_bulletin()
    app = queue.worker_app(get_settings())

    async def first_stop() -> list[tuple[int, str]]:
        async with app.open_async():
            assert await _recover(app) == []  # nothing stalled yet
            await _take_and_stop(app, job_id)
            return await _recover(app)

    assert asyncio.run(first_stop()) == [(job_id, "retried")]
    job = _job(job_id)
    assert (job.state, job.message, job.started_at) == ("queued", queue.RUN_AGAIN, None)
    assert _queue_row(job_id) == ("todo", 1)

    async def second_stop() -> list[tuple[int, str]]:
        async with app.open_async():
            await _take_and_stop(app, job_id)
            return await _recover(app)

    assert asyncio.run(second_stop()) == [(job_id, "failed")]
    job = _job(job_id)
    assert (job.state, job.error, job.result_file_id) == ("failed", queue.STOPPED, None)
    assert job.finished_at is not None
    assert _queue_row(job_id) == ("failed", 2)  # two runs, both ended
    get_engine().dispose()


def _worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "PACER_DATABASE_URL": url,
        "PACER_JOBS_QUEUE": "procrastinate",
        "PACER_WORKFLOW_TICK_SECONDS": "0",
        "PACER_JOBS_STALLED_SECONDS": "2",
        "PACER_JOBS_POLL_SECONDS": "0.5",
        "PYTHONPATH": str(SRC),
    }
    command = [sys.executable, "-c", "from pacer.cli import app; app()", "worker"]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _until(check, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what}; worker log:\n{log.read_text(errors='replace')}"
        time.sleep(0.05)


@on_postgresql
def test_a_worker_killed_mid_report_leaves_the_report_to_the_next_worker(queued, database_url, tmp_path):  # noqa: F811
    log = tmp_path / "worker.log"
    job_id = _ask_bulletin()
    blocker = get_engine().connect()
    blocker.begin()
    # the report reads its narrative record first thing: held here, the worker stops in mid-report
    blocker.execute(text("LOCK TABLE report_record IN ACCESS EXCLUSIVE MODE"))
    first = _worker(database_url, log)
    try:

        def waiting() -> bool:
            job = _job(job_id)
            return job.state == "running" and job.progress > 0

        _until(waiting, 60, "the worker never started the report", log)
        assert _queue_row(job_id) == ("doing", 0)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()
        if first.poll() is None:
            first.kill()
            first.wait()
    assert _job(job_id).state == "running"  # what kill -9 left: nobody ends it but the next worker
    assert _queue_row(job_id) == ("doing", 0)
    second = _worker(database_url, log)
    try:
        _until(lambda: _job(job_id).state == "done", 60, "the report was never run again", log)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=30)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait()
    job = _job(job_id)
    assert (job.state, job.progress, job.error) == ("done", 1.0, "")
    with Session(get_engine()) as session:
        stored = session.get_one(StoredFile, job.result_file_id)
        assert stored.filename == f"bulletin-Q1-{MONTH}-year-en.docx"
        assert session.scalar(text("SELECT count(*) FROM stored_file")) == 1  # one file, not two
    assert _queue_row(job_id) is None  # succeeded: deleted, as every successful job
    output = log.read_text(errors="replace")
    assert f"job {job_id} of a stopped worker: retried" in output
    get_engine().dispose()
