"""The reporting calendar's page, ``/admin/periods``: a year's months, locked or open, reopened
with a reason, and their deadlines moved by hand; a refusal is shown on the page, nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from pacer.audit.api import month_path
from pacer.auth.deps import CurrentViewer, protect
from pacer.calendar import service
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.web.deps import Db
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/admin/periods", include_in_schema=False)
Protected = [Depends(protect)]
Month = Annotated[str, Path(max_length=7)]
Year = Annotated[int, Query(ge=1900, le=2999)]


@router.get("")
def periods_page(request: Request, viewer: CurrentViewer, db: Db, year: Year = 0) -> Response:
    return _page(request, viewer, db, year or date.today().year)


def _page(
    request: Request, viewer: CurrentViewer, db: Db, year: int, error: str | None = None, status_code: int = 200
) -> Response:
    service.require_hq(db, viewer.actor)
    context = {"year": year, "months": service.year(db, year), "error": error}
    return render(request, "calendar/periods.html", context, status_code)


def _act(request: Request, viewer: CurrentViewer, db: Db, month: str, change: Callable[[int], None]) -> Response:
    period = month_path(month)
    try:
        change(period)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.rollback()
        lang = lang_of(request)
        said = "; ".join(p.said(lang) for p in exc.problems) if isinstance(exc, ValidationFailed) else exc.message
        return _page(request, viewer, db, period // 100, said, exc.status)
    return RedirectResponse(f"/admin/periods?year={period // 100}#m{month}", status_code=303)


@router.post("/{month}/lock", dependencies=Protected)
def lock(request: Request, viewer: CurrentViewer, db: Db, month: Month) -> Response:
    return _act(request, viewer, db, month, lambda p: service.lock(db, viewer.actor, p))


@router.post("/{month}/reopen", dependencies=Protected)
def reopen(
    request: Request, viewer: CurrentViewer, db: Db, month: Month, reason: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    return _act(request, viewer, db, month, lambda p: service.reopen(db, viewer.actor, p, reason))


@router.post("/{month}/deadline", dependencies=Protected)
def deadline(
    request: Request, viewer: CurrentViewer, db: Db, month: Month, due_on: Annotated[str, Form(max_length=10)] = ""
) -> Response:
    def change(period: int) -> None:
        try:
            day = date.fromisoformat(due_on.strip())
        except ValueError:
            problem = Problem(f"{due_on!r} is not a day (YYYY-MM-DD)", field="due_on", zh="不是日期（YYYY-MM-DD）")
            raise ValidationFailed([problem], "deadline") from None
        service.set_deadline(db, viewer.actor, period, day)

    return _act(request, viewer, db, month, change)
