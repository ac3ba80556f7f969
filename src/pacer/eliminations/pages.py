"""The eliminations page: a month's entries, a grid to enter amounts per pair of units, an upload,
and a unit's consolidated figures before and after eliminations."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from pacer.analysis import default_period
from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import ELIMINATE
from pacer.eliminations import board
from pacer.errors import Problem, ValidationFailed
from pacer.kit import periods
from pacer.models import Unit
from pacer.org.directory import visible_unit
from pacer.org.repository import roots_on
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.templating import lang_of, render
from pacer.web.uploads import stored_upload

router = APIRouter(prefix="/admin", include_in_schema=False)
Protected = [Depends(protect)]
GRID_ROWS = 6


def _period(text: str, analysis: CurrentAnalysis) -> int:
    try:
        return periods.parse_period(text) if text else default_period(analysis)
    except ValueError:
        return default_period(analysis)


@router.get("/eliminations")
def page(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, period: str = "", unit: str = ""
) -> Response:
    return _page(request, viewer, db, analysis, _period(period, analysis), unit[:64])


def _page(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, period: int, unit: str, **more: Any
) -> Response:
    lang = lang_of(request)
    problems: list[Problem] = more.pop("problems", [])
    chosen = visible_unit(db, viewer.actor, unit) if unit else _home(db, viewer)
    indicators = board.eliminated_indicators(db)
    context: dict[str, Any] = {
        "period": periods.format_period(period),
        "rows": board.entries(db, viewer.actor, period),
        "unit": chosen,
        "consolidated": board.consolidated(analysis, chosen.id, period, [c for c, _, _ in indicators])
        if chosen
        else [],
        "indicators": indicators,
        "names": {c: (zh if lang == "zh" else en) for c, zh, en in indicators},
        "grid": range(1, GRID_ROWS + 1),
        "may_enter": bool(viewer.actor.roots_for(ELIMINATE)),
        "problems": [p.said(lang) for p in problems],
        "today": date.today(),
        **more,
    }
    return render(request, "eliminations/page.html", context, 422 if problems else 200)


def _home(db: Db, viewer: CurrentViewer) -> Unit | None:
    """The viewer's top unit: the group for HQ, else the first unit granted."""
    grants = sorted({u for _, u in viewer.actor.grants})
    roots = [u.id for u in roots_on(db, date.today())]
    pick = next((u for u in roots if u in grants), grants[0] if grants else None)
    return db.get(Unit, pick) if pick is not None else None


@router.post("/eliminations", dependencies=Protected)
async def save_grid(request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis) -> Response:
    form = await request.form()
    values = {k: str(v)[:1000] for k, v in form.items() if isinstance(v, str)}
    period = _period(values.get("period", ""), analysis)
    try:
        rows = board.grid_rows(values, values.get("period", ""), GRID_ROWS)
        counts = board.save_rows(db, viewer.actor, rows, "grid")
    except ValidationFailed as exc:
        db.rollback()
        return _page(request, viewer, db, analysis, period, "", problems=exc.problems, values=values)
    return RedirectResponse(_saved(period, counts), status_code=303)


def _saved(period: int, counts: dict[str, int]) -> str:
    done = "&".join(f"{k}={counts.get(k, 0)}" for k in ("created", "updated", "unchanged"))
    return f"/admin/eliminations?period={periods.format_period(period)}&saved=1&{done}"


@router.post("/eliminations/upload", dependencies=Protected)
async def upload(request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis) -> Response:
    form = await request.form()
    file = form.get("file")
    period = _period(str(form.get("period", "")), analysis)
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise ValidationFailed([Problem("choose a file to upload", zh="请选择要上传的文件")], "upload")
        suffix = ".xlsx" if file.filename.lower().endswith(".xlsx") else ".csv"
        with tempfile.TemporaryDirectory() as folder:
            path = stored_upload(file, folder, "upload" + suffix)
            counts = board.save_file(db, viewer.actor, path, file.filename)
    except ValidationFailed as exc:
        db.rollback()
        return _page(request, viewer, db, analysis, period, "", problems=exc.problems)
    return RedirectResponse(_saved(period, counts), status_code=303)
