"""The audit trail's pages: ``/audit`` (searched, newest first, page after page, with its Excel
download) and one figure's history, ``/audit/figure/<unit>/<indicator>/<YYYY-MM>``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from pacer.audit import shown, trail
from pacer.audit.api import month_path
from pacer.audit.query import KINDS, AuditAsk, parse_ask
from pacer.auth.deps import CurrentViewer
from pacer.kit import periods
from pacer.kit.xlsx import XLSX
from pacer.web.deps import Db
from pacer.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
PAGE = 50
EXPORT_CAP = 100_000
Text = Annotated[str | None, Query(max_length=64)]
Day = Annotated[str | None, Query(max_length=10, alias="from")]
To = Annotated[str | None, Query(max_length=10)]
Cursor = Annotated[str | None, Query(max_length=12)]


@dataclass(frozen=True)
class TrailQuery:
    """The search of the trail as the page's query string gives it, for the page and its download."""

    unit: Text = None
    indicator: Text = None
    period: Text = None
    person: Text = None
    kind: Text = None
    start: Day = None
    to: To = None
    before: Cursor = None  # the page's cursor

    def ask(self) -> AuditAsk:
        """The search; every bad field named at once (a bad cursor too), nothing searched."""
        return parse_ask(self.unit, self.indicator, self.period, self.person, self.kind, self.start, self.to,
                         self.before)  # fmt: skip


Trail = Annotated[TrailQuery, Depends()]


@router.get("/audit")
def audit_page(request: Request, viewer: CurrentViewer, db: Db, q: Trail) -> Response:
    ask = q.ask()
    page = trail.search(db, viewer.actor, ask, PAGE)
    lang = lang_of(request)
    context = {
        "ask": ask,
        "page": page,
        "kinds": [(k, shown.kind_word(lang, k)) for k in KINDS],
        "cells": lambda line: shown.cells(line, lang),
        "diff": shown.diff_text,
        "query": ask.query(),
        "next_query": ask.query(page.next_before) if page.next_before else None,
        "month": periods.format_period(ask.period) if ask.period else "",
    }
    return render(request, "audit/trail.html", context)


@router.get("/audit.xlsx")
def audit_xlsx(request: Request, viewer: CurrentViewer, db: Db, q: Trail) -> Response:
    # the whole search, whichever page it was asked from: the cursor pages the screen, not the file
    ask = replace(q.ask(), before=None)
    lines = trail.every_line(db, viewer.actor, ask, EXPORT_CAP)
    body = shown.xlsx_bytes(lines, lang_of(request))
    return Response(body, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="audit.xlsx"'})


@router.get("/audit/figure/{unit_code}/{indicator_code}/{period}")
def figure_page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    unit_code: Annotated[str, Path(max_length=32)],
    indicator_code: Annotated[str, Path(max_length=64)],
    period: Annotated[str, Path(max_length=7)],
) -> Response:
    history = trail.figure_history(db, viewer.actor, unit_code, indicator_code, month_path(period))
    context = {
        "h": history,
        "month": periods.format_period(history.period),
        "change_text": shown.change_text,
    }
    return render(request, "audit/figure.html", context)
