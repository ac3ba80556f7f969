"""The monthly submissions' pages: a month's list of the viewer's units with their state, and the
entry grid of one unit's month. The grid is a plain form that saves without a script;
pacer-submission.js adds the keyboard, pasting a column, live computed indicators and saving
through the JSON API with the version read (a conflict is shown, nothing is overwritten)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.kit import periods
from pacer.kit.tabular import Row
from pacer.submissions import repository, service, view
from pacer.submissions.entry import stored_text
from pacer.submissions.grid import EntryGrid, build_entry_grid
from pacer.submissions.said import in_language, localize
from pacer.submissions.workflow import SUBMISSION
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.i18n import translate
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/submissions", include_in_schema=False)
UnitCode = Annotated[str, Path(max_length=32)]
Month = Annotated[str, Path(max_length=40)]
LISTED = 500
MAX_FIELDS = 5_000  # a figure per indicator, the narrative, the version


async def grid_form(request: Request) -> dict[str, str]:
    """The grid's form, read before the CSRF guard reads it (with room for every line)."""
    form = await request.form(max_fields=MAX_FIELDS, max_files=0)
    return {k: v for k, v in form.items() if isinstance(v, str)}


GridForm = Annotated[dict[str, str], Depends(grid_form)]


def _month(request: Request, text: str) -> int:
    try:
        return periods.parse_period(text)
    except ValueError:
        raise DomainError(translate(lang_of(request), "sub.bad_month", text=text[:40]), status=422) from None


@router.get("")
def month_list(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    period: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The viewer's units (up to 500, by code) with their state for the chosen month."""
    chosen = _month(request, period) if period else periods.last_complete_month()
    rows = repository.units_for_month(db, viewer.actor, chosen, LISTED)
    context = {"period": periods.format_period(chosen), "rows": rows, "flow": SUBMISSION, "limit": LISTED}
    return render(request, "submissions/list.html", context)


def _page(request: Request, grid: EntryGrid, status: int = 200, **extra: Any) -> Response:
    lang = lang_of(request)
    context = view.context(request, grid, lang) | extra
    context["sections"] = view.shown(grid, lang, context["findings"], context["posted"], context["line_problems"])
    return render(request, "submissions/grid.html", context, status_code=status)


@router.get("/{unit_code}/{month}")
def grid_page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: UnitCode,
    month: Month,
    saved: Annotated[bool, Query()] = False,
) -> Response:
    with in_language(lang_of(request)):
        grid = build_entry_grid(db, viewer.actor, analysis, unit_code, _month(request, month))
    return _page(request, grid, saved=saved)


def _posted_rows(grid: EntryGrid, form: dict[str, str], lang: str) -> tuple[list[Row], dict[str, list[str]]]:
    """The typed figures as rows in their stored unit; the figures that are not numbers by line."""
    rows: list[Row] = []
    refused: dict[str, list[str]] = {}
    for line in grid.lines:
        if line.kind == "derived":
            continue
        typed = form.get(f"v.{line.code}", "")
        try:
            text = stored_text(typed, line.unit.shift)
        except ValueError:
            refused[line.code] = [translate(lang, "sub.bad_number", text=typed.strip()[:40])]
            continue
        if text:
            rows.append(Row(len(rows) + 1, {"indicator_code": line.code, "value": text, "basis": ""}))
    return rows, refused


def _explanations(found: service.Found, form: dict[str, str]) -> dict[str, str]:
    """The explanations typed for the warnings the saved figures raise, where they changed (a
    warning the new figures no longer raise takes none)."""
    out = {}
    for c in found.checks:
        typed = form.get(f"x.{c.key}")
        if c.severity == "warning" and typed is not None and typed.strip() != c.explanation:
            out[c.key] = typed[:4000]
    return out


def _where(form: dict[str, str]) -> tuple[str, str]:
    # The unit and month travel in the form, not the path: a refusal's page then cannot echo a code
    return form.get("unit", "")[:32], form.get("month", "")[:40]


@router.post("/save", dependencies=[Depends(protect)])
def save(request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, form: GridForm) -> Response:
    """Save the typed figures and narrative (the form's way, without the script)."""
    unit_code, month = _where(form)
    period, lang = _month(request, month), lang_of(request)
    with in_language(lang):
        grid = build_entry_grid(db, viewer.actor, analysis, unit_code, period)
    rows, refused = _posted_rows(grid, form, lang)
    narrative = {f: form[f][:20_000] for f in service.NARRATIVE if f in form}
    version = form.get("version", "")
    try:
        if refused:
            raise ValidationFailed([], "grid")
        found = service.save_figures(
            db,
            viewer.actor,
            grid.unit.code,
            period,
            rows or None,
            narrative,
            int(version) if version.isdigit() else None,
            language=lang,
        )
        notes = _explanations(found, form)
        if notes:
            service.explain(db, viewer.actor, grid.unit.code, period, notes, None, lang)
    except DomainError as exc:
        localize(exc, lang)
        if exc.status in (401, 403, 404):
            raise
        db.rollback()
        grid = build_entry_grid(db, viewer.actor, analysis, unit_code, period)
        by_line, loose = view.problems_by_line(exc, rows, refused, lang)
        conflict = isinstance(exc, service.VersionConflict)
        return _page(
            request, grid, exc.status, posted=form, refusal=exc, line_problems=by_line, loose=loose, conflict=conflict
        )
    return RedirectResponse(f"/submissions/{grid.unit.code}/{periods.format_period(period)}?saved=1", status_code=303)


@router.post("/verbs/{verb}", dependencies=[Depends(protect)])
def take_verb(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    verb: Annotated[str, Path(max_length=32)],
    form: GridForm,
) -> Response:
    unit_code, month = _where(form)
    period, lang = _month(request, month), lang_of(request)
    version = form.get("version", "")
    try:
        found = service.act(
            db,
            viewer.actor,
            unit_code,
            period,
            verb,
            form.get("reason", "")[:2000] or None,
            int(version) if version.isdigit() else None,
            lang,
        )
    except DomainError as exc:
        localize(exc, lang)
        if exc.status in (401, 403, 404):
            raise
        db.rollback()
        grid = build_entry_grid(db, viewer.actor, analysis, unit_code, period)
        problems: list[Problem] = exc.problems if isinstance(exc, ValidationFailed) else [Problem(exc.message)]
        return _page(request, grid, exc.status, refusal=exc, loose=[p.text(lang) for p in problems])
    return RedirectResponse(f"/submissions/{found.unit.code}/{periods.format_period(period)}", status_code=303)
