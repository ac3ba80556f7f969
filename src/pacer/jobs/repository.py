"""Every query of jobs: those a viewer reads go through the visibility rule on the job's unit;
those of the runner (claiming, progress, the outcome) take a job by its id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.errors import NotFound
from pacer.models import Job, StoredFile, Unit

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def one(session: Session, actor: Actor, job_id: int) -> Job:
    """A job of a unit the actor sees; any other is not found, as if it did not exist."""
    found = session.scalar(restrict(select(Job).where(Job.id == job_id), actor, Job.unit_id, READ))
    if found is None:
        raise NotFound(f"no job {job_id}")
    return found


def mine(session: Session, actor: Actor, limit: int, offset: int = 0) -> tuple[int, list[tuple[Job, Unit]]]:
    """(total, one page of) the jobs the actor asked for, newest first, of units still in sight."""
    where = restrict(select(Job.id).where(Job.requested_by == actor.username), actor, Job.unit_id, READ)
    total = session.scalar(select(func.count()).select_from(where.subquery())) or 0
    stmt = select(Job, Unit).join(Unit, Unit.id == Job.unit_id).where(Job.id.in_(where))
    rows = session.execute(stmt.order_by(Job.id.desc()).limit(limit).offset(offset)).tuples().all()
    return int(total), list(rows)


def finished(
    session: Session,
    actor: Actor,
    kinds: Iterable[str],
    unit_id: int | None = None,
    period: str | None = None,
    limit: int = 200,
) -> list[tuple[Job, Unit, StoredFile]]:
    """The done jobs of ``kinds`` with their file, of the units the actor sees: by unit, latest
    period first, newest first."""
    stmt = (
        select(Job, Unit, StoredFile)
        .join(Unit, Unit.id == Job.unit_id)
        .join(StoredFile, StoredFile.id == Job.result_file_id)
        .where(Job.kind.in_(list(kinds)), Job.state == DONE)
    )
    if unit_id is not None:
        stmt = stmt.where(Job.unit_id == unit_id)
    if period:
        stmt = stmt.where(Job.period == period)
    stmt = restrict(stmt, actor, Job.unit_id, READ).order_by(Unit.code, Job.period.desc(), Job.id.desc())
    return list(session.execute(stmt.limit(limit)).tuples())


def by_once_key(session: Session, key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.once_key == key))


def queued_ids(session: Session, limit: int) -> list[int]:
    stmt = select(Job.id).where(Job.state == QUEUED).order_by(Job.id).limit(limit)
    return list(session.scalars(stmt))


def claim(session: Session, job_id: int, now: datetime, runner: str) -> bool:
    """Move a queued job to running by ``runner``; False when another runner took it first."""
    done = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == QUEUED)
        .values(state=RUNNING, started_at=now, updated_at=now, progress=0.0, runner=runner)
        .execution_options(synchronize_session=False)
    )
    return getattr(done, "rowcount", 0) == 1


def requeue(session: Session, job_id: int, message: str, now: datetime) -> bool:
    """Put a running job back in the queue (its runner stopped): False when it is not running."""
    done = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == RUNNING)
        .values(state=QUEUED, started_at=None, updated_at=now, progress=0.0, message=message, runner="")
        .execution_options(synchronize_session=False)
    )
    return getattr(done, "rowcount", 0) == 1


def set_progress(session: Session, job_id: int, fraction: float, message: str, now: datetime) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == RUNNING)
        .values(progress=fraction, message=message, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def beat(session: Session, job_id: int, now: datetime) -> None:
    """A running job's heartbeat: its runner still runs it."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == RUNNING)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )


def end(session: Session, job_id: int, values: dict[str, object]) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(**values).execution_options(synchronize_session=False))


def running(session: Session) -> list[tuple[int, str, datetime]]:
    """(id, runner, last heard of) of every running job."""
    stmt = select(Job.id, Job.runner, Job.updated_at).where(Job.state == RUNNING).order_by(Job.id)
    return list(session.execute(stmt).tuples())


def end_running(session: Session, job_id: int, values: dict[str, object], heard: datetime | None = None) -> bool:
    """End job ``job_id`` as ``values`` say if it still runs (and, with ``heard``, was not heard
    of since); whether it was: a job failed as lost meanwhile stays failed."""
    stmt = update(Job).where(Job.id == job_id, Job.state == RUNNING)
    if heard is not None:
        stmt = stmt.where(Job.updated_at <= heard)
    done = session.execute(stmt.values(**values).execution_options(synchronize_session=False))
    return getattr(done, "rowcount", 0) == 1


def files_of(session: Session, jobs: Iterable[Job]) -> dict[int, StoredFile]:
    """The result files of jobs already seen through the visibility rule, by file id."""
    ids = [j.result_file_id for j in jobs if j.result_file_id is not None]
    if not ids:
        return {}
    return {f.id: f for f in session.scalars(select(StoredFile).where(StoredFile.id.in_(ids)))}


def unit_of(session: Session, job: Job) -> Unit:
    return session.get_one(Unit, job.unit_id)
