"""The jobs' queue: embedded threads by default; on PostgreSQL with PACER_JOBS_QUEUE=procrastinate,
a job is queued in the transaction that asked for it and run by a ``pacer worker``, and the
workflow tick runs once per moment of its schedule however many workers offer it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pacer.app import create_app
from pacer.auth.permissions import load_actor
from pacer.cli import app as cli
from pacer.config import Settings, get_settings
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.jobs import queue, queue_schema
from pacer.jobs.kinds import Kind, Output, register
from pacer.jobs.runner import ThreadRunner, run_pending, transactions
from pacer.jobs.service import Asked, enqueue
from pacer.models import Job, StoredFile, StoredFileContent
from tests.conftest import SERVER_URL
from tests.factories import create_unit, create_user
from tests.web.test_bad_input import bearer
from tests.webclient import set_passwords

on_postgresql = pytest.mark.skipif(not SERVER_URL, reason="the procrastinate queue lives in PostgreSQL")
SRC = Path(__file__).parents[2] / "src"


def _made(ctx):
    ctx.progress(0.5, "half")
    return Output("queued.txt", f"made by a worker for {ctx.actor.username}".encode(), "text/plain")


register(Kind("test_queued", ("测试", "Test"), _made))


def _ask(unit_id: int) -> Asked:
    return Asked("test_queued", {"lang": "en"}, unit_id, "2026-10", ("测试", "Test"))


def _queue_rows(task: str = queue.RUN_JOB) -> list[dict]:
    with get_engine().connect() as conn:
        rows = conn.execute(
            text("SELECT status, args FROM procrastinate_jobs WHERE task_name = :t ORDER BY id"), {"t": task}
        )
        return [dict(r._mapping) for r in rows]


@pytest.fixture
def queued(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A committed database with the procrastinate queue and a unit with its reporter; the
    unit's id."""
    monkeypatch.setenv("PACER_JOBS_QUEUE", "procrastinate")
    monkeypatch.setenv("PACER_WORKFLOW_TICK_SECONDS", "0")
    get_settings.cache_clear()
    with get_engine().connect() as conn:
        assert queue.has_schema(conn)  # made by the migrations
    with Session(get_engine()) as session:
        unit = create_unit(session, "Q1")
        create_user(session, "alice", [("unit_reporter", unit)])
        session.commit()
        unit_id = unit.id
    yield unit_id
    get_engine().dispose()


# -- the embedded default ------------------------------------------------------------------------------


def test_web_servers_run_jobs_in_threads_by_default_and_leave_them_to_workers_with_the_queue():
    embedded = create_app(Settings(database_url="sqlite:///:memory:"))
    assert isinstance(embedded.state.jobs, ThreadRunner)
    pg = "postgresql+psycopg://pacer@127.0.0.1:5432/pacer"
    queued_app = create_app(Settings(database_url=pg, jobs_queue="procrastinate"))
    assert isinstance(queued_app.state.jobs, queue.Doorbell)


def test_the_postgresql_queue_is_refused_with_sqlite():
    with pytest.raises(ValidationError, match="PACER_JOBS_QUEUE=procrastinate needs a PostgreSQL"):
        Settings(database_url="sqlite:///pacer.db", jobs_queue="procrastinate")


def test_an_embedded_job_is_queued_in_the_job_table_only_and_run_by_the_threads(database_url):
    with Session(get_engine()) as session:
        unit = create_unit(session, "E1")
        create_user(session, "alice", [("unit_reporter", unit)])
        session.commit()
        unit_id = unit.id
    with unit_of_work(writes=True) as session:
        job_id = enqueue(session, load_actor(session, "alice"), _ask(unit_id)).id
    with get_engine().connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM job WHERE state = 'queued'")) == 1
        if conn.dialect.name == "postgresql":
            assert conn.scalar(text("SELECT count(*) FROM procrastinate_jobs")) == 0  # the job table only
    runner = ThreadRunner(transactions(session_factory(get_engine())), workers=1)
    runner.wake()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with Session(get_engine()) as session:
                if session.get_one(Job, job_id).state == "done":
                    break
            time.sleep(0.1)
    finally:
        runner.stop()
    with Session(get_engine()) as session:
        assert session.get_one(Job, job_id).state == "done"
    assert queue.reachable() == (True, "embedded queue: the web server's job threads read the job table")
    get_engine().dispose()


def test_pacer_worker_refuses_the_embedded_queue_in_one_line(database_url):
    result = CliRunner().invoke(cli, ["worker"])
    assert result.exit_code == 1
    assert "PACER_JOBS_QUEUE is embedded" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("seconds", "cron"),
    [(1, "* * * * * */1"), (7, "* * * * * */10"), (30, "* * * * * */30"), (300, "*/5 * * * *"), (3600, "0 * * * *")],
)
def test_the_tick_schedule_is_the_nearest_cron_step_not_shorter_than_asked(seconds, cron):
    assert queue.cron_every(seconds) == cron


# -- the PostgreSQL queue ---------------------------------------------------------------------------------


def _queue_then_fail(unit_id: int) -> None:
    with unit_of_work(writes=True) as session:
        enqueue(session, load_actor(session, "alice"), _ask(unit_id))
        assert len(_queue_rows()) == 0  # not seen outside the transaction yet
        raise RuntimeError("the change that needed the job failed")


@on_postgresql
def test_a_rolled_back_change_queues_no_job(queued):
    with pytest.raises(RuntimeError, match="the change that needed the job failed"):
        _queue_then_fail(queued)
    with get_engine().connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Job)) == 0
    assert _queue_rows() == []


@on_postgresql
def test_a_committed_job_is_queued_with_it_and_run_by_a_worker(queued):
    with unit_of_work(writes=True) as session:
        job_id = enqueue(session, load_actor(session, "alice"), _ask(queued)).id
    assert _queue_rows() == [{"status": "todo", "args": {"job_id": job_id}}]
    assert queue.reachable()[0] is False  # no worker yet: doctor says so
    queue.worker_app(get_settings()).run_worker(queues=[queue.QUEUE], wait=False, install_signal_handlers=False)
    with Session(get_engine()) as session:
        job = session.get_one(Job, job_id)
        assert (job.state, job.progress, job.error) == ("done", 1.0, "")
        stored = session.get_one(StoredFile, job.result_file_id)
        content = session.get_one(StoredFileContent, stored.id).content
    assert (stored.filename, content) == ("queued.txt", b"made by a worker for alice")
    assert _queue_rows() == [{"status": "succeeded", "args": {"job_id": job_id}}]
    with Session(get_engine()) as session:
        set_passwords(session, "alice")
        alice = bearer(session, "alice")
    with TestClient(create_app(get_settings())) as client:  # the job's page and API, as with threads
        shown = client.get(f"/api/jobs/{job_id}", headers=alice).json()
        assert (shown["state"], shown["progress"], shown["file"]["name"]) == ("done", 1.0, "queued.txt")
        assert client.get(shown["file"]["url"], headers=alice).content == b"made by a worker for alice"


@on_postgresql
def test_a_job_another_runner_took_first_is_left_alone_by_the_worker(queued):
    with unit_of_work(writes=True) as session:
        job_id = enqueue(session, load_actor(session, "alice"), _ask(queued)).id

    assert run_pending(transactions(session_factory(get_engine()))) == [(job_id, "done")]
    with Session(get_engine()) as session:
        finished = session.get_one(Job, job_id).finished_at
    queue.worker_app(get_settings()).run_worker(queues=[queue.QUEUE], wait=False, install_signal_handlers=False)
    with Session(get_engine()) as session:
        job = session.get_one(Job, job_id)
        assert (job.state, job.finished_at) == ("done", finished)
        assert session.scalar(select(func.count()).select_from(StoredFile)) == 1  # one file, not two


@on_postgresql
def test_the_queue_without_its_tables_is_reported_with_the_fix(database_url, monkeypatch):
    monkeypatch.setenv("PACER_JOBS_QUEUE", "procrastinate")
    get_settings.cache_clear()
    with get_engine().begin() as conn:
        queue_schema.drop(conn)
    ok, message = queue.reachable()
    assert not ok
    assert "pacer db upgrade" in message
    result = CliRunner().invoke(cli, ["worker"])  # a worker does not make them behind the migrations' back
    assert result.exit_code == 1
    assert "run `pacer db upgrade`" in result.output
    with get_engine().connect() as conn:
        assert not queue.has_schema(conn)
    get_engine().dispose()


def _worker(name: str, url: str, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "PACER_DATABASE_URL": url,
        "PACER_JOBS_QUEUE": "procrastinate",
        "PACER_WORKFLOW_TICK_SECONDS": "1",
        "PYTHONPATH": str(SRC),
    }
    command = [sys.executable, "-c", "from pacer.cli import app; app()", "worker", "--name", name]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _ticks(logs: list[Path]) -> Counter[str]:
    text = "".join(log.read_text(errors="replace") for log in logs)
    return Counter(re.findall(r"workflow tick at (\S+):", text))


@on_postgresql
def test_two_workers_run_the_workflow_tick_once_per_moment(queued, database_url, tmp_path):
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    workers = [_worker("one", database_url, logs[0]), _worker("two", database_url, logs[1])]
    try:
        started = time.monotonic()
        while time.monotonic() - started < 120 and len(_ticks(logs)) < 4:
            time.sleep(0.5)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=60)
            except subprocess.TimeoutExpired:
                w.kill()
                w.wait()
    outputs = [log.read_text(errors="replace") for log in logs]
    ticks = _ticks(logs)
    assert len(ticks) >= 4, outputs
    assert [m for m, n in ticks.items() if n > 1] == []  # no moment ticked twice
    assert all("Starting worker" in out for out in outputs), outputs  # both offered every moment
    assert all("Traceback" not in out for out in outputs), outputs
