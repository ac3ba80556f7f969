"""Queue a job and read jobs back; flushes, never commits (the edge that queues commits, and a
runner picks the job up once it is committed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import READ, Actor, require
from pacer.errors import NotFound
from pacer.files import service as files
from pacer.jobs import kinds, queue, repository
from pacer.jobs.repository import DONE
from pacer.models import Job, StoredFile
from pacer.models.base import utcnow


def wake_after_commit(session: Session, runner: Any) -> None:
    """Wake ``runner`` (its ``wake()``) once the session's transaction, which queued a job,
    has committed: the job is then there for it to claim."""

    def woken(_session: Session) -> None:
        runner.wake()

    event.listen(session, "after_commit", woken, once=True)


@dataclass(frozen=True)
class Asked:
    kind: str
    parameters: dict[str, Any]
    unit_id: int
    period: str
    title: tuple[str, str]  # (中文, English)
    once_key: str | None = None


def enqueue(session: Session, actor: Actor, asked: Asked) -> Job:
    """A queued job of a registered kind for a unit the actor sees."""
    kinds.get(asked.kind)
    require(session, actor, READ, asked.unit_id)
    now = utcnow()
    job = Job(
        kind=asked.kind,
        parameters=asked.parameters,
        requested_by=actor.username,
        unit_id=asked.unit_id,
        period=asked.period,
        title_zh=asked.title[0][:300],
        title_en=asked.title[1][:300],
        once_key=asked.once_key,
        state=repository.QUEUED,
        progress=0.0,
        message="",
        error="",
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    queue.defer(session, job.id)  # committed with the job, or rolled back with it
    record(session, actor.username, "job.enqueue", "job", str(job.id), None, {"kind": asked.kind, **asked.parameters})
    return job


def result(session: Session, actor: Actor, job_id: int) -> tuple[Job, StoredFile]:
    """A done job's file, through the visibility rule on the job's unit."""
    job = repository.one(session, actor, job_id)
    if job.state != DONE or job.result_file_id is None:
        raise NotFound(f"job {job_id} has no file")
    return job, files.found(session, actor, job.result_file_id, owner(job.id))


def owner(job_id: int) -> str:
    """What a job's files are attached to."""
    return f"job:{job_id}"
