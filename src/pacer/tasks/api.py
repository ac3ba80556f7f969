"""Supervised tasks as JSON (``/api/tasks``): the same service as the pages and the terminal,
scoped to the tasks of the units the caller sees."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from starlette.responses import Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import NotFound, Problem, ValidationFailed
from pacer.files import service as stored_files
from pacer.files.responses import download, upload_bytes
from pacer.tasks import chart, lifecycle, recovery, repository, service
from pacer.tasks.repository import TaskFilter
from pacer.tasks.schemas import (
    EVIDENCE_MAX,
    ProgressIn,
    RecoveryOut,
    TaskIn,
    TaskOut,
    TaskSummaryOut,
    VerbIn,
    summary_out,
    task_out,
)
from pacer.tasks.validation import TEXT_LIMIT
from pacer.tasks.workflow import TASK
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.pagination import Page, Paging
from pacer.web.params import MAX_ID, RowId
from pacer.web.templating import lang_of

router = APIRouter(prefix="/api/tasks", tags=["tasks"], dependencies=[Depends(protect)])
Verb = Annotated[str, Path(max_length=32, description=", ".join(t.verb for t in TASK.transitions))]
Text = Annotated[str | None, Query(max_length=64)]
Id = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("")
def list_tasks(
    viewer: CurrentViewer,
    db: Db,
    paging: Paging,
    unit: Annotated[
        str | None, Query(max_length=32, description="A unit's code: its tasks and those below it.")
    ] = None,
    state: Annotated[list[str] | None, Query(max_length=20)] = None,
    owner: Text = None,
    issuer: Text = None,
    mine: Annotated[bool, Query(description="Only tasks you own or issued.")] = False,
    kind: Text = None,
    requirement_id: Id = None,
    meeting_id: Id = None,
    overdue: Annotated[bool, Query(description="Only open tasks past their original deadline.")] = False,
    due_before: date | None = None,
    due_after: date | None = None,
) -> Page[TaskSummaryOut]:
    """The tasks of the units the viewer sees: late first, then open, soonest deadline first."""
    today = date.today()
    unit_id = None
    if unit is not None:
        found = repository.unit_by_code(db, viewer.actor, unit)
        if found is None:
            raise NotFound(f"no unit '{unit}'")
        unit_id = found.id
    f = TaskFilter(
        unit_id=unit_id,
        states=tuple(state or ()),
        owner=owner,
        issuer=issuer,
        mine=viewer.user.username if mine else None,
        kind=kind,
        requirement_id=requirement_id,
        meeting_id=meeting_id,
        overdue_on=today if overdue else None,
        due_before=due_before,
        due_after=due_after,
    )
    total, rows = repository.tasks(db, viewer.actor, f, paging.limit, paging.offset, today)
    lang = viewer.user.language
    return Page.of([summary_out(t, u, i, lang, today) for t, u, i in rows], total, paging)


@router.post("", status_code=201)
def create_task(body: TaskIn, viewer: CurrentViewer, db: Db) -> TaskOut:
    """Assign a task (as one who supervises its lead unit); with ``parent_id``, a sub-task for a
    unit below the parent's lead unit, within its deadline."""
    lang = viewer.user.language
    if body.parent_id is not None:
        (task,) = service.decompose(db, viewer.actor, body.parent_id, [body.plan()], lang)
    else:
        task = service.create(db, viewer.actor, body.plan(), lang)
    return task_out(service.get(db, viewer.actor, task.id), lang, date.today())


@router.get("/{task_id}")
def get_task(task_id: RowId, viewer: CurrentViewer, db: Db) -> TaskOut:
    """One task: its milestones, progress, timeline, sub-tasks and the verbs the viewer may take."""
    return task_out(service.get(db, viewer.actor, task_id), viewer.user.language, date.today())


@router.get("/{task_id}/chart")
def task_chart(
    task_id: RowId, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, request: Request
) -> dict[str, Any]:
    """The task's indicator month by month against its timeline, as a Vega-Lite specification."""
    lang = lang_of(request)
    trend = chart.task_trend(db, analysis, service.get(db, viewer.actor, task_id), lang)
    if trend is None:
        raise NotFound(f"task #{task_id} has no indicator with figures")
    return chart.spec(trend, lang)


@router.get("/{task_id}/recovery")
def task_recovery(task_id: RowId, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis) -> RecoveryOut:
    """Did the task's indicator recover: its status before the task, when it closed and now."""
    view = service.get(db, viewer.actor, task_id)
    code = view.indicator.code if view.indicator else None
    found = recovery.of_task(analysis, view.task, code)
    if found is None or code is None:
        raise NotFound(f"task #{task_id} has no indicator with figures")
    return RecoveryOut.model_validate({"indicator_code": code, **asdict(found)})


@router.post("/{task_id}/verbs/{verb}")
def take_verb(task_id: RowId, verb: Verb, body: VerbIn, viewer: CurrentViewer, db: Db) -> TaskOut:
    """Take a verb: the owner's (accept, start, report_completion, request_extension with a
    deadline) or the supervising side's (verify, return, approve_extension, refuse_extension,
    cancel, merge with ``into``, carry_over with a deadline)."""
    lang = viewer.user.language
    lifecycle.act(db, viewer.actor, task_id, verb, body.reason, lang, body.deadline, body.into)
    return get_task(task_id, viewer, db)


@router.post("/{task_id}/progress", status_code=201)
def report_progress(task_id: RowId, body: ProgressIn, viewer: CurrentViewer, db: Db) -> TaskOut:
    """The owner's progress report: percent, the milestone reached, what was done."""
    lang = viewer.user.language
    lifecycle.report_progress(db, viewer.actor, task_id, body.percent, body.narrative, body.milestone_id, lang)
    return get_task(task_id, viewer, db)


@router.post("/{task_id}/progress/with-evidence", status_code=201)
def report_progress_with_evidence(
    task_id: RowId,
    viewer: CurrentViewer,
    db: Db,
    percent: Annotated[int, Form(ge=0, le=100)],
    narrative: Annotated[str, Form(max_length=TEXT_LIMIT)] = "",
    milestone_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    evidence: Annotated[
        list[UploadFile], File(description=f"Up to {EVIDENCE_MAX} files, each within PACER_UPLOAD_MAX_BYTES.")
    ] = [],  # noqa: B006  (FastAPI's default for no file)
) -> TaskOut:
    """The owner's progress report with its evidence, as ``multipart/form-data``: the fields of
    the JSON report and the files as ``evidence`` (the same checks as the page's: size, type by
    content, a safe name). A refused file stores neither it nor the report."""
    lang = viewer.user.language
    given = [f for f in evidence if f.filename]
    if len(given) > EVIDENCE_MAX:
        raise ValidationFailed([Problem(f"at most {EVIDENCE_MAX} files with one report", field="evidence")])
    files = [upload_bytes(f, f"evidence[{n}]") for n, f in enumerate(given, start=1)]
    lifecycle.report_progress(db, viewer.actor, task_id, percent, narrative, milestone_id, lang, evidence=files)
    return get_task(task_id, viewer, db)


@router.get("/{task_id}/evidence/{file_id}")
def evidence_file(task_id: RowId, file_id: RowId, viewer: CurrentViewer, db: Db) -> Response:
    """A progress report's evidence file, as an attachment, to whoever sees the task."""
    view = service.get(db, viewer.actor, task_id)
    for report_id, stored in view.evidence.items():
        if any(f.id == file_id for f in stored):
            found = stored_files.found(db, viewer.actor, file_id, lifecycle.evidence_owner(report_id))
            return download(found, stored_files.content(db, found))
    raise NotFound(f"no file {file_id} of task #{task_id}")
