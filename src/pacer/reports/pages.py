"""``/reports``: ask for a report (unit in sight, month, span, format, language, the group's Word
template), made as a background job whose progress shows on its page; the reports made so far,
by unit, period and kind, each downloadable by whoever sees its unit; the reports' records."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import ValidationFailed
from pacer.files import responses
from pacer.jobs import repository as jobs
from pacer.jobs.service import wake_after_commit
from pacer.kit import periods
from pacer.reports import drawn, generate, record
from pacer.reports.ask import FORMATS, SPANS
from pacer.reports.flow import REPORT_FLOW
from pacer.reports.jobs import REPORT_KINDS
from pacer.web.deps import Db
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/reports", include_in_schema=False)
Filter = Annotated[str | None, Query(max_length=32)]
FIELDS = ("kind", "unit", "period", "span", "format", "lang")


async def report_form(request: Request) -> tuple[dict[str, str], UploadFile | None]:
    form = await request.form(max_fields=20, max_files=1)
    fields = {k: v for k in FIELDS if isinstance(v := form.get(k), str)}
    template = form.get("template")
    return fields, template if isinstance(template, UploadFile) and template.filename else None


Form = Annotated[tuple[dict[str, str], UploadFile | None], Depends(report_form)]


def _context(
    request: Request, viewer: CurrentViewer, db: Db, ask: dict[str, Any], filters: dict[str, Any]
) -> dict[str, Any]:
    today = date.today()
    placed = generate.units_in_sight(db, viewer.actor, today)
    by_code = {p.unit.code: p.unit for p in placed}
    unit = by_code.get(filters.get("unit") or "")
    kinds = [k for k in REPORT_KINDS if k in drawn.kinds_available()]
    made = jobs.finished(db, viewer.actor, REPORT_KINDS, unit.id if unit else None, filters.get("period") or None)
    if filters.get("kind"):
        made = [row for row in made if row[0].kind == filters["kind"]]
    return {
        "placed": placed,
        "kinds": kinds,
        "spans": SPANS,
        "formats": FORMATS,
        "ask": {"period": periods.format_period(periods.last_complete_month(today)), "span": "month",
                "format": "docx", "lang": lang_of(request), "kind": kinds[0]} | ask,
        "filters": filters,
        "made": made,
        "records": record.listed(db, viewer.actor),
        "flow": REPORT_FLOW,
    }  # fmt: skip


@router.get("")
def reports_page(
    request: Request, viewer: CurrentViewer, db: Db, unit: Filter = None, period: Filter = None, kind: Filter = None
) -> Response:
    filters = {"unit": unit, "period": period, "kind": kind}
    return render(request, "reports/reports.html", _context(request, viewer, db, {}, filters))


@router.post("", dependencies=[Depends(protect)])
def ask_for_report(request: Request, viewer: CurrentViewer, db: Db, form: Form) -> Response:
    fields, upload = form
    try:
        template = responses.upload_bytes(upload, "template") if upload is not None else None
        job = generate.start(db, viewer.actor, fields, template, date.today())
        wake_after_commit(db, request.app.state.jobs)
    except ValidationFailed as exc:
        db.rollback()
        context = _context(request, viewer, db, fields, {}) | {"problems": exc.problems}
        return render(request, "reports/reports.html", context, exc.status)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
