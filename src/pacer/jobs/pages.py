"""The viewer's jobs (``/jobs``) with live progress bars, one job (``/jobs/<id>``) and its file
(``/jobs/<id>/file``), downloadable by whoever sees the job's unit."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from pacer.auth.deps import CurrentViewer
from pacer.files import responses
from pacer.files import service as files
from pacer.jobs import repository, service
from pacer.jobs.kinds import origin_of, said
from pacer.web.deps import Db
from pacer.web.params import Offset, RowId
from pacer.web.templating import render

router = APIRouter(prefix="/jobs", include_in_schema=False)
PAGE = 50


@router.get("")
def jobs_page(request: Request, viewer: CurrentViewer, db: Db, offset: Offset = 0) -> Response:
    total, rows = repository.mine(db, viewer.actor, PAGE, offset)
    stored = repository.files_of(db, [j for j, _ in rows])
    context = {"rows": rows, "files": stored, "total": total, "offset": offset, "page": PAGE, "said": said}
    return render(request, "jobs/list.html", context)


@router.get("/{job_id}")
def job_page(request: Request, viewer: CurrentViewer, db: Db, job_id: RowId) -> Response:
    job = repository.one(db, viewer.actor, job_id)
    unit = repository.unit_of(db, job)
    stored = repository.files_of(db, [job])
    origin, origin_key = origin_of(job.kind, job.parameters)
    context = {"job": job, "unit": unit, "files": stored, "said": said, "origin": origin, "origin_key": origin_key}
    return render(request, "jobs/job.html", context)


@router.get("/{job_id}/file")
def job_file(viewer: CurrentViewer, db: Db, job_id: RowId) -> Response:
    _job, stored = service.result(db, viewer.actor, job_id)
    return responses.download(stored, files.content(db, stored))
