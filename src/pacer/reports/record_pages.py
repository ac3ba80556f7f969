"""A report's record: its narrative blocks (editable while it is being written), its approval
timeline and the viewer's verbs, the frozen versions, and the files made of it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import DomainError, ValidationFailed
from pacer.jobs import repository as jobs
from pacer.reports import record
from pacer.reports.ask import FORMATS
from pacer.reports.flow import REPORT_FLOW
from pacer.web.deps import Db
from pacer.web.params import RowId
from pacer.web.templating import render

router = APIRouter(prefix="/reports/records", include_in_schema=False)
Protected = [Depends(protect)]
Text = Annotated[str, Form(max_length=record.MAX_TEXT)]
Short = Annotated[str, Form(max_length=32)]


def _problems(exc: DomainError) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [str(p) for p in exc.problems]
    return [exc.message]


def _page(request: Request, viewer: CurrentViewer, db: Db, record_id: int, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    shown = record.shown(db, viewer.actor, record_id)
    rec = shown.record
    made = jobs.finished(db, viewer.actor, (rec.kind,), rec.unit_id, rec.period)
    made = [row for row in made if row[0].parameters.get("span") == rec.span]
    context = {
        "s": shown,
        "flow": REPORT_FLOW,
        "keys": record.NARRATIVE_KEYS,
        "formats": FORMATS[rec.kind],
        "made": made,
        "problems": [],
        "texts": record.narrative(rec),
    } | extra
    return render(request, "reports/record.html", context, status_code=status)


@router.post("", dependencies=Protected)
def open_record(
    viewer: CurrentViewer, db: Db, unit: Short, kind: Short, period: Annotated[str, Form(max_length=7)], span: Short
) -> Response:
    rec = record.open_record(db, viewer.actor, unit, kind, period, span)
    return RedirectResponse(f"/reports/records/{rec.id}", status_code=303)


@router.get("/{record_id}")
def record_page(request: Request, viewer: CurrentViewer, db: Db, record_id: RowId) -> Response:
    return _page(request, viewer, db, record_id)


@router.post("/{record_id}/narrative", dependencies=Protected)
def save_narrative(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    record_id: RowId,
    problems: Text = "",
    countermeasures: Text = "",
    plan: Text = "",
) -> Response:
    texts = {"problems": problems, "countermeasures": countermeasures, "plan": plan}
    try:
        record.edit(db, viewer.actor, record_id, texts)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        db.rollback()
        return _page(request, viewer, db, record_id, problems=_problems(exc), texts=texts, status=exc.status)
    return RedirectResponse(f"/reports/records/{record_id}", status_code=303)


@router.post("/{record_id}/verbs/{verb}", dependencies=Protected)
def take_verb(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    record_id: RowId,
    verb: Annotated[str, Path(max_length=32)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        record.act(db, viewer.actor, record_id, verb, reason)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        db.rollback()
        return _page(request, viewer, db, record_id, problems=_problems(exc), status=exc.status)
    return RedirectResponse(f"/reports/records/{record_id}", status_code=303)
