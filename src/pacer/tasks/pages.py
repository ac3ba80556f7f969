"""The tasks' pages: a unit's tasks and my tasks, a new task (also from an off-track indicator),
one task with its roadmap, progress, timeline, verbs and the indicator it should move."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import SUPERVISE, visible_unit_ids
from pacer.errors import DomainError, NotFound
from pacer.files import service as stored_files
from pacer.files.responses import FormUploads, chosen_uploads, download
from pacer.tasks import chart, lifecycle, recovery, repository, service
from pacer.tasks.forms import PlanForm, new_form_values, problems_of
from pacer.tasks.repository import TaskFilter
from pacer.tasks.schemas import EVIDENCE_MAX
from pacer.tasks.workflow import NEEDS_DATE, NEEDS_TASK, TASK
from pacer.web import charts
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.params import MAX_ID, Offset, RowId
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/tasks", include_in_schema=False)
Protected = [Depends(protect)]
PER_PAGE = 50
MAX_EVIDENCE = EVIDENCE_MAX  # files with one progress report
Code = Annotated[str | None, Query(max_length=64)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _supervises(db: Db, viewer: CurrentViewer) -> bool:
    units = visible_unit_ids(db, viewer.actor, SUPERVISE)
    return units is None or bool(units)


def _list(request: Request, viewer: CurrentViewer, db: Db, f: TaskFilter, offset: int, **extra: Any) -> Response:
    total, rows = repository.tasks(db, viewer.actor, f, PER_PAGE, offset)
    context = {"rows": rows, "total": total, "offset": offset, "per_page": PER_PAGE, "flow": TASK}
    context |= {"today": date.today(), "can_create": _supervises(db, viewer), "states": TASK.states} | extra
    return render(request, "tasks/list.html", context)


@router.get("")
def tasks(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    unit: Annotated[str | None, Query(max_length=32)] = None,
    state: Annotated[str | None, Query(max_length=32)] = None,
    overdue: bool = False,
    offset: Offset = 0,
) -> Response:
    found = None
    if unit:
        found = repository.unit_by_code(db, viewer.actor, unit)
        if found is None:
            raise NotFound(f"no unit '{unit}'")
    states = (state,) if state in TASK.states else ()
    f = TaskFilter(unit_id=found.id if found else None, states=states, overdue_on=date.today() if overdue else None)
    filters = {"unit": unit or "", "state": state or "", "overdue": overdue}
    return _list(request, viewer, db, f, offset, unit=found, filters=filters, mine=False)


@router.get("/mine")
def mine(request: Request, viewer: CurrentViewer, db: Db, offset: Offset = 0) -> Response:
    f = TaskFilter(mine=viewer.user.username)
    return _list(request, viewer, db, f, offset, unit=None, filters=None, mine=True)


@router.get("/new")
def new(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    kind: Annotated[str | None, Query(max_length=16)] = None,
    unit: Annotated[str | None, Query(max_length=32)] = None,
    indicator: Code = None,
    period: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    parent: OptionalId = None,
    requirement: OptionalId = None,
) -> Response:
    """The form, filled in from where it was asked for: an off-track indicator, a parent task."""
    values = new_form_values(db, viewer.actor, lang_of(request), kind, unit, indicator, period, parent, requirement)
    return render(request, "tasks/new.html", {"form": values, "problems": []})


@router.post("", dependencies=Protected)
def create(request: Request, viewer: CurrentViewer, db: Db, form: Annotated[PlanForm, Form()]) -> Response:
    lang = lang_of(request)
    try:
        plan = form.plan(lang)
        if form.parent_id:
            (task,) = service.decompose(db, viewer.actor, form.parent_id, [plan], lang)
        else:
            task = service.create(db, viewer.actor, plan, lang)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        db.rollback()
        context = {"form": form.model_dump(), "problems": problems_of(exc)}
        return render(request, "tasks/new.html", context, status_code=exc.status)
    return RedirectResponse(f"/tasks/{task.id}", status_code=303)


def _page(request: Request, viewer: CurrentViewer, db: Db, analysis: Any, task_id: int, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    lang = lang_of(request)
    view = service.get(db, viewer.actor, task_id)
    trend = chart.task_trend(db, analysis, view, lang)
    recovered = recovery.of_task(analysis, view.task, view.indicator.code if view.indicator else None)
    context = {
        "v": view,
        "flow": TASK,
        "simple_verbs": [t for t in view.verbs if t.verb not in NEEDS_DATE | NEEDS_TASK],
        "date_verbs": [t for t in view.verbs if t.verb in NEEDS_DATE],
        "task_verbs": [t for t in view.verbs if t.verb in NEEDS_TASK],
        "may_report": viewer.user.username == view.task.owner and view.item.state in lifecycle.PROGRESS_STATES,
        "can_decompose": _supervises(db, viewer) and view.item.state not in TASK.terminal,
        "trend": trend,
        "recovery": recovered,
        "problems": [],
        "today": date.today(),
    }
    return render(request, "tasks/task.html", context | extra, status_code=status)


@router.get("/{task_id}")
def task(request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, task_id: RowId) -> Response:
    return _page(request, viewer, db, analysis, task_id)


@router.get("/{task_id}/chart.svg")
def chart_image(request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, task_id: RowId) -> Response:
    lang = lang_of(request)
    trend = chart.task_trend(db, analysis, service.get(db, viewer.actor, task_id), lang)
    if trend is None:
        raise NotFound(f"task #{task_id} has no indicator with figures")
    body = charts.to_svg({**chart.spec(trend, lang), "width": 640})
    return Response(body, media_type="image/svg+xml")


def _refused(
    request: Request, viewer: CurrentViewer, db: Db, analysis: Any, task_id: int, exc: DomainError
) -> Response:
    if exc.status in (401, 404):
        raise exc
    db.rollback()
    return _page(request, viewer, db, analysis, task_id, problems=problems_of(exc), status=exc.status)


@router.post("/{task_id}/verbs/{verb}", dependencies=Protected)
def take_verb(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    task_id: RowId,
    verb: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
    deadline: Annotated[date | None, Form()] = None,
    into: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    try:
        lifecycle.act(db, viewer.actor, task_id, verb[:32], reason, lang_of(request), deadline, into)
    except DomainError as exc:
        return _refused(request, viewer, db, analysis, task_id, exc)
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


@router.post("/{task_id}/progress", dependencies=Protected)
def report_progress(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    task_id: RowId,
    percent: Annotated[int, Form(ge=0, le=100)],
    narrative: Annotated[str, Form(max_length=20_000)] = "",
    milestone_id: Annotated[str, Form(max_length=12)] = "",
    evidence: FormUploads = [],  # noqa: B006  (FastAPI's default for no file)
) -> Response:
    milestone = int(milestone_id) if milestone_id.isdigit() else None
    lang = lang_of(request)
    try:
        files = chosen_uploads(evidence, MAX_EVIDENCE, "evidence")
        lifecycle.report_progress(db, viewer.actor, task_id, percent, narrative, milestone, lang, evidence=files)
    except DomainError as exc:
        return _refused(request, viewer, db, analysis, task_id, exc)
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


@router.get("/{task_id}/evidence/{file_id}")
def evidence_file(viewer: CurrentViewer, db: Db, task_id: RowId, file_id: RowId) -> Response:
    """A progress report's evidence, as a download, to whoever sees the task."""
    view = service.get(db, viewer.actor, task_id)
    for report_id, stored in view.evidence.items():
        for f in stored:
            if f.id == file_id:
                found = stored_files.found(db, viewer.actor, file_id, lifecycle.evidence_owner(report_id))
                return download(found, stored_files.content(db, found))
    raise NotFound(f"no file {file_id} of task #{task_id}")
