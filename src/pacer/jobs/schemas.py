"""What the API returns of a job."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from pacer.jobs.kinds import said
from pacer.models import Job, StoredFile, Unit


class FileOut(BaseModel):
    name: str
    size: int
    url: str


class JobOut(BaseModel):
    id: int
    kind: str
    title: str
    unit_code: str
    period: str
    state: str
    progress: float
    message: str
    error: str
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    file: FileOut | None


def job_out(job: Job, unit: Unit, stored: StoredFile | None, lang: str) -> JobOut:
    file = None
    if stored is not None and job.state == "done":
        file = FileOut(name=stored.filename, size=stored.size, url=f"/jobs/{job.id}/file")
    return JobOut(
        id=job.id,
        kind=job.kind,
        title=job.title(lang),
        unit_code=unit.code,
        period=job.period,
        state=job.state,
        progress=round(job.progress, 4),
        message=said(job.kind, job.message, lang),
        error=job.error,
        requested_by=job.requested_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        file=file,
    )


class JobList(BaseModel):
    total: int
    items: list[JobOut]
