"""Finished jobs kept for a while, then deleted with their files: the result and a Word template
uploaded for it. Each deletion is audited (entity ``job``, what the job was and its file). Run
by the workflow tick with ``PACER_JOBS_KEEP_DAYS`` and by ``pacer jobs clean``; flushes, never
commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.jobs.repository import DONE, FAILED
from pacer.jobs.service import owner
from pacer.models import Job, StoredFile, StoredFileContent
from pacer.workflow.deadlines import as_utc


def clean(session: Session, keep_days: int, now: datetime, actor: str = "system") -> int:
    """Delete the jobs finished (done or failed) more than ``keep_days`` before ``now``, with
    their files; how many. ``keep_days`` 0 keeps them all."""
    if keep_days <= 0:
        return 0
    cutoff = as_utc(now) - timedelta(days=keep_days)
    stmt = select(Job).where(Job.state.in_((DONE, FAILED)), Job.finished_at < cutoff).order_by(Job.id)
    jobs = list(session.scalars(stmt))
    for job in jobs:
        owners = (owner(job.id), f"{owner(job.id)}:template")
        files = select(StoredFile.id, StoredFile.filename, StoredFile.size).where(StoredFile.owner.in_(owners))
        stored = session.execute(files).tuples().all()
        before = {
            "kind": job.kind,
            "state": job.state,
            "period": job.period,
            "requested_by": job.requested_by,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "files": [{"id": i, "name": name, "size": size} for i, name, size in stored],
        }
        note = f"kept {keep_days} days"
        record(session, actor, "job.clean", "job", str(job.id), before, None, note, unit_id=job.unit_id)
        ids = [i for i, _, _ in stored]
        session.execute(delete(StoredFileContent).where(StoredFileContent.file_id.in_(ids)))
        session.execute(delete(Job).where(Job.id == job.id))
        session.execute(delete(StoredFile).where(StoredFile.id.in_(ids)))
    session.flush()
    return len(jobs)
