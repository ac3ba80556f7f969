"""The targets pages: a chooser, and the grid of a node and year to set, revise, phase and spread
targets, with an Excel download and upload. A plain form; pacer-targets.js adds niceties."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import READ
from pacer.errors import Forbidden, Problem, ValidationFailed
from pacer.kit.xlsx import XLSX
from pacer.org.repository import roots_on, tree_on
from pacer.targets import entry, excel, repository, view
from pacer.targets.grid import Grid, build_grid, spread_proposal
from pacer.targets.service import Report
from pacer.web.deps import Db
from pacer.web.templating import lang_of, render
from pacer.web.uploads import stored_upload

router = APIRouter(prefix="/targets", include_in_schema=False)
Year = Annotated[int, Path(ge=2000, le=2100)]
SetCode = Annotated[str | None, Query(alias="set", max_length=64)]
Opened = Annotated[list[str] | None, Query(alias="open", max_length=200)]
MAX_FIELDS = 50_000  # six per unit and indicator


async def grid_form(request: Request) -> dict[str, str]:
    """The grid's form, read before the CSRF guard reads it (with room for every cell)."""
    form = await request.form(max_fields=MAX_FIELDS, max_files=0)
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def upload_form(request: Request) -> tuple[str, UploadFile | None]:
    form = await request.form(max_fields=10, max_files=1)
    unit, file = form.get("unit"), form.get("file")
    return (unit if isinstance(unit, str) else "", file if isinstance(file, UploadFile) else None)


def _unit(form: dict[str, str]) -> str:
    # The unit travels in the form, not the path: a refusal's page then cannot echo a code
    return form.get("unit", "")[:64]


GridForm = Annotated[dict[str, str], Depends(grid_form)]
Upload = Annotated[tuple[str, UploadFile | None], Depends(upload_form)]


@router.get("")
def chooser(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    if year and unit:
        return RedirectResponse(f"/targets/{year}/{unit}", status_code=303)
    actor = viewer.actor
    tree = tree_on(db, date.today())
    roots = actor.roots_for(READ) if not actor.is_system else [u.id for u in roots_on(db, date.today())]
    kids = repository.children_of(tree)
    ids = [u for r in roots for u in [r, *sorted(kids.get(r, []))]]
    units = repository.units_by_id(db, actor, ids)
    today = date.today().year
    return render(
        request,
        "targets/choose.html",
        {
            "units": [units[i] for i in dict.fromkeys(ids) if i in units],
            "years": [today - 1, today, today + 1],
            "year": today,
        },
    )


def _page(
    request: Request,
    db: Db,
    grid: Grid,
    form: dict[str, str],
    problems: dict[str, list[str]],
    loose: list[Problem],
    **extra: Any,
) -> Response:
    status = 422 if problems or loose else 200
    lang = lang_of(request)
    sets = [(s.code, s.name_zh if lang == "zh" else s.name_en) for s in repository.indicator_sets(db)]
    return render(
        request, "targets/grid.html", view.context(grid, lang, form, problems, loose, sets=sets, **extra), status
    )


@router.get("/{year}/{unit_code}")
def grid_page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    year: Year,
    unit_code: str,
    set_code: SetCode = None,
    opened: Opened = None,
    spread: Annotated[str | None, Query(max_length=200, pattern=r"^[^:]+:[^:]+:[a-z]+:[a-z_]+$")] = None,
    saved: Annotated[str | None, Query(pattern=r"^\d+-\d+-\d+$")] = None,
) -> Response:
    grid = build_grid(db, viewer.actor, year, unit_code, set_code, opened or ())
    form: dict[str, str] = {}
    warning = None
    if spread:
        unit, code, tier, method = spread.split(":")
        values, warning = (
            spread_proposal(grid, unit, code, tier, method) if method in ("equal", "last_year") else ({}, None)
        )
        form = {entry.cell_key(u, code, tier): view.plain(v, grid, code) for u, v in values.items()}
    counts = dict(zip(("created", "revised", "unchanged"), map(int, saved.split("-")), strict=True)) if saved else None
    return _page(request, db, grid, form, {}, [], spread=bool(form), spread_warning=warning, saved=counts)


def _back(grid: Grid, report: Report) -> Response:
    query: list[tuple[str, str]] = [("set", grid.set_code)] if grid.set_code else []
    query += [("open", p.unit.code) for p in grid.places if p.opened and p.level > 0]
    c = report.counts
    query.append(("saved", f"{c['created']}-{c['revised']}-{c['unchanged']}"))
    return RedirectResponse(f"/targets/{grid.year}/{grid.node.code}?{urlencode(query)}", status_code=303)


@router.post("/{year}", dependencies=[Depends(grid_form), Depends(protect)])
def save_grid(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    form: GridForm,
    year: Year,
    set_code: SetCode = None,
    opened: Opened = None,
) -> Response:
    unit_code = _unit(form)
    grid = build_grid(db, viewer.actor, year, unit_code, set_code, opened or ())
    posted = entry.form_rows(grid, form)
    try:
        report = entry.save(db, viewer.actor, grid, posted)
    except ValidationFailed as exc:
        db.rollback()
        grid = build_grid(db, viewer.actor, year, unit_code, set_code, opened or ())
        by_cell, loose = entry.problems_by_cell(posted, exc)
        return _page(request, db, grid, form, by_cell, loose)
    return _back(grid, report)


@router.get("/{year}/{unit_code}/export.xlsx")
def export(
    request: Request, viewer: CurrentViewer, db: Db, year: Year, unit_code: str, set_code: SetCode = None
) -> Response:
    data = excel.export_workbook(db, viewer.actor, year, unit_code, set_code, lang_of(request))
    name = f"targets-{year}-{unit_code}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/{year}/import", dependencies=[Depends(upload_form), Depends(protect)])
def import_upload(request: Request, viewer: CurrentViewer, db: Db, form: Upload, year: Year) -> Response:
    unit_code, upload = form[0][:64], form[1]
    grid = build_grid(db, viewer.actor, year, unit_code)
    if not grid.places[0].editable:
        raise Forbidden("not allowed to set targets of this unit")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed([Problem("choose an Excel file (.xlsx) to upload")], "upload")
        with tempfile.TemporaryDirectory() as folder:
            report = excel.import_workbook(db, stored_upload(upload, folder), viewer.actor)
    except ValidationFailed as exc:
        db.rollback()
        grid = build_grid(db, viewer.actor, year, unit_code)
        return _page(request, db, grid, {}, {}, exc.problems + ([Problem(f"… {exc.more}")] if exc.more else []))
    return _back(grid, report)
