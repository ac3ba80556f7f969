"""Jobs as JSON: the viewer's own (``/api/jobs``) and one job (``/api/jobs/<id>``), which a
job's page polls for its progress bar."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pacer.auth.deps import CurrentViewer
from pacer.jobs import repository
from pacer.jobs.schemas import JobList, JobOut, job_out
from pacer.web.deps import Db
from pacer.web.params import Offset, RowId
from pacer.web.templating import lang_of

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
PAGE = 50


@router.get("", response_model=JobList)
def my_jobs(request: Request, viewer: CurrentViewer, db: Db, offset: Offset = 0) -> JobList:
    """The jobs you asked for, newest first (of units you still see)."""
    total, rows = repository.mine(db, viewer.actor, PAGE, offset)
    stored = repository.files_of(db, [j for j, _ in rows])
    lang = lang_of(request)
    items = [job_out(j, u, stored.get(j.result_file_id or 0), lang) for j, u in rows]
    return JobList(total=total, items=items)


@router.get("/{job_id}", response_model=JobOut)
def one_job(request: Request, viewer: CurrentViewer, db: Db, job_id: RowId) -> JobOut:
    """One job of a unit you see: its state, progress, error and file once done."""
    job = repository.one(db, viewer.actor, job_id)
    stored = repository.files_of(db, [job]).get(job.result_file_id or 0)
    return job_out(job, repository.unit_of(db, job), stored, lang_of(request))
