"""The page of who reports what: the rules of a month with their history, what a unit reports,
and HQ's forms to add and close rules."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import DomainError, ValidationFailed
from pacer.indicators import assignment_service as service
from pacer.indicators import assignment_views as views
from pacer.indicators.assignment_api import month_of
from pacer.kit import periods
from pacer.models import UNIT_KINDS
from pacer.web.deps import Db
from pacer.web.params import MAX_ID
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/indicators/assignments", include_in_schema=False)
Protected = [Depends(protect)]
Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=260)]


@router.get("")
def page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    period: Annotated[str | None, Query(max_length=20)] = None,
    unit: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    return _page(request, viewer, db, period, unit)


def _page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    period: str | None,
    unit: str | None,
    error: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    month = month_of(period)
    lang = lang_of(request)
    unit_view = views.unit_view(db, viewer.actor, unit, month, lang) if unit else None
    groups = groupby(unit_view.indicators, key=lambda i: i.category_name) if unit_view else ()
    context = {
        "rules": views.rules_view(db, viewer.actor, month),
        "unit_view": unit_view,
        "unit_groups": [(name, list(items)) for name, items in groups],
        "unit_code": unit or "",
        "month": periods.format_period(month),
        "kinds": UNIT_KINDS,
        "errors": error or [],
        **views.choices(db),
    }
    return render(request, "indicators/assignments.html", context, status_code)


def _act(request: Request, viewer: CurrentViewer, db: Db, month: str, action: Callable[[], object]) -> Response:
    """Run a change; bad input is shown on the page (every problem), a refusal as its error page."""
    try:
        action()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.rollback()
        problems = [str(p) for p in exc.problems] if isinstance(exc, ValidationFailed) else [exc.message]
        return _page(request, viewer, db, _readable(month), None, problems, exc.status)
    return RedirectResponse(f"/indicators/assignments?period={_readable(month) or ''}", status_code=303)


def _readable(month: str) -> str | None:
    """The month typed in the form when it is one (the page then opens on it), else None."""
    try:
        return periods.format_period(periods.parse_period(month))
    except ValueError:
        return None


@router.post("", dependencies=Protected)
def add(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    from_period: Short,
    reason: Text,
    target: Short = "set",
    set_code: Short = "",
    indicator_code: Short = "",
    selector: Short = "kind",
    kind: Short = "",
    tag: Short = "",
    unit_code: Short = "",
    effect: Short = "assign",
    to_period: Short = "",
) -> Response:
    item = service.AssignmentIn(
        set_code if target == "set" else "",
        indicator_code if target == "indicator" else "",
        kind if selector == "kind" else "",
        tag if selector == "tag" else "",
        unit_code if selector == "unit" else "",
        effect == "exclude",
        from_period,
        to_period,
        reason,
    )
    return _act(request, viewer, db, from_period, lambda: service.assign(db, viewer.actor, item, "rule"))


@router.post("/close", dependencies=Protected)
def close(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    rule_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    from_period: Short,
    reason: Text,
) -> Response:
    return _act(request, viewer, db, from_period, lambda: service.close(db, viewer.actor, rule_id, from_period, reason))
