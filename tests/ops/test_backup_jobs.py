"""What a backup does with the jobs: the ``job`` table is backed up and restored, queued jobs
included; procrastinate's tables are not, and a restore hands the queued jobs (and those running
when the backup was made, queued again) to the queue: to procrastinate's with
PACER_JOBS_QUEUE=procrastinate, else to the servers' threads, which read the job table."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from pacer.config import get_settings
from pacer.models import Job
from pacer.models.base import utcnow
from pacer.ops.backup import RESTORED, backup, restore
from tests.factories import create_unit
from tests.ops.test_backup import NATIVE, databases  # noqa: F401  (the fixture)


def _jobs(engine: Engine) -> None:
    with Session(engine) as session:
        unit = create_unit(session, "BJ1")
        now = utcnow()
        for state in ("queued", "running", "done"):
            session.add(
                Job(kind="economic", parameters={"lang": "en"}, requested_by="system", unit_id=unit.id,
                    period="2026-10", title_zh=state, title_en=state, state=state, created_at=now, updated_at=now,
                    started_at=None if state == "queued" else now)
            )  # fmt: skip
        session.commit()


def _states(engine: Engine) -> dict[str, tuple[str, str]]:
    with Session(engine) as session:
        return {j.title_en: (j.state, j.message) for j in session.scalars(select(Job).order_by(Job.id))}


def _queue_rows(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT args FROM procrastinate_jobs WHERE task_name = 'pacer.run_job' ORDER BY id"))
        return [int(r.args["job_id"]) for r in rows]


@pytest.mark.parametrize("queue", ["embedded", "procrastinate"])
def test_queued_jobs_are_restored_and_handed_to_the_queue_again(databases, tmp_path, monkeypatch, queue):  # noqa: F811
    if queue == "procrastinate" and NATIVE != "postgresql":
        pytest.skip("the procrastinate queue lives in PostgreSQL (the suite's PostgreSQL pass)")
    source = databases.filled(NATIVE)
    _jobs(source)
    if NATIVE == "postgresql":  # a queue row of the source, which the backup leaves out
        with source.begin() as conn:
            conn.execute(
                text("INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES ('pacer', 'x', '{}')")
            )
    made = tmp_path / "jobs.pacer.gz"
    backup(source, made)
    with gzip.open(made, "rt", encoding="utf-8") as read:
        header = json.loads(read.readline())
    assert "job" in [name for name, _ in header["tables"]]
    assert not [name for name, _ in header["tables"] if name.startswith("procrastinate")]

    target = databases.empty(NATIVE)
    monkeypatch.setenv("PACER_DATABASE_URL", target.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PACER_JOBS_QUEUE", queue)
    get_settings.cache_clear()
    restore(target, made)
    get_settings.cache_clear()
    states = _states(target)
    assert states["queued"] == ("queued", "")
    assert states["running"] == ("queued", RESTORED)  # its work was not in the backup: run again
    assert states["done"] == ("done", "")
    if NATIVE == "postgresql":
        with Session(target) as session:
            waiting = list(session.scalars(select(Job.id).where(Job.state == "queued").order_by(Job.id)))
        assert _queue_rows(target) == (waiting if queue == "procrastinate" else [])
        with target.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'x'")) == 0
