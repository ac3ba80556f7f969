"""``/imports/figures``: HQ's figures import in the browser. The file (a CSV, or a filled template
of a sheet per unit) is kept as the job's file and a job imports it in the background, queued in
the transaction that keeps the file; the browser goes to the job's page, whose bar moves while the
import reads and stores, and which shows the counts, or every problem by sheet and cell. (A unit's
own month, uploaded on its month's page, is answered at once: one unit, a few hundred figures.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import Actor
from pacer.errors import NotFound, Problem, ValidationFailed
from pacer.facts.jobs import KIND
from pacer.files import service as files
from pacer.jobs.service import Asked, enqueue, owner, wake_after_commit
from pacer.kit.tabular import import_max_bytes
from pacer.models import Job
from pacer.reports.generate import units_in_sight
from pacer.web.deps import Db
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/imports", include_in_schema=False)
TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def upload_form(request: Request) -> UploadFile | None:
    form = await request.form(max_fields=5, max_files=1)
    file = form.get("file")
    return file if isinstance(file, UploadFile) and file.filename else None


Upload = Annotated[UploadFile | None, Depends(upload_form)]


@router.get("/figures")
def figures_import_page(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    return render(request, "facts/import.html", {"limit": import_max_bytes()})


@router.post("/figures", dependencies=[Depends(upload_form), Depends(protect)])
def figures_import(request: Request, viewer: CurrentViewer, db: Db, upload: Upload) -> Response:
    lang = lang_of(request)
    try:
        job = start(db, viewer.actor, upload, lang)
    except ValidationFailed as exc:
        db.rollback()
        problems = [p.said(lang) for p in exc.problems]
        return render(request, "facts/import.html", {"limit": import_max_bytes(), "problems": problems}, exc.status)
    wake_after_commit(db, request.app.state.jobs)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def start(db: Db, actor: Actor, upload: UploadFile | None, lang: str) -> Job:
    """The upload kept as the file of a new figures-import job of the highest unit the actor sees,
    queued in the same transaction (flushed, not committed)."""
    if upload is None or not upload.filename:
        raise ValidationFailed([Problem(_words(lang, "choose"), field="file")], "upload")
    name = Path(upload.filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in TYPES:
        raise ValidationFailed([Problem(_words(lang, "type", name=name), field="file")], name)
    content = upload.file.read(import_max_bytes() + 1)
    if len(content) > import_max_bytes():
        raise ValidationFailed([Problem(_words(lang, "size", limit=f"{import_max_bytes():,}"), field="file")], name)
    placed = units_in_sight(db, actor, date.today())
    if not placed:
        raise NotFound("no unit in sight")
    unit = placed[0].unit
    title = (f"数据导入：{name}", f"Figures import: {name}")
    job = enqueue(db, actor, Asked(KIND, {"lang": lang, "filename": name}, unit.id, "", title))
    stored = files.keep(db, owner=owner(job.id), unit_id=unit.id, filename=name, content_type=TYPES[suffix],
                        content=content, by=actor.username)  # fmt: skip
    job.parameters = {**job.parameters, "file_id": stored.id}
    db.flush()
    return job


WORDS = {
    "choose": ("请选择要导入的文件（.csv 或 .xlsx）", "choose a file to import (.csv or .xlsx)"),
    "type": (
        "{name}：只能导入 CSV（.csv）或填好的模板（.xlsx）",
        "{name}: only a CSV (.csv) or a filled template (.xlsx) is imported",
    ),
    "size": (
        "文件超过了导入上限 {limit} 字节（PACER_IMPORT_MAX_BYTES）",
        "the file has more than the {limit} bytes an import takes (PACER_IMPORT_MAX_BYTES)",
    ),
}


def _words(lang: str, key: str, **values: str) -> str:
    return WORDS[key][0 if lang == "zh" else 1].format(**values)
