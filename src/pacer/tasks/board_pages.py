"""The supervision board's page (``/tasks/board``), a requirement's roadmap
(``/requirements/<id>/roadmap``) and the supervision bulletin (``/tasks/bulletin``) with its Excel
and Word downloads: thin faces over :mod:`pacer.tasks.board` and :mod:`pacer.tasks.bulletin`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from pacer.auth.deps import CurrentViewer
from pacer.errors import Problem, ValidationFailed
from pacer.kit.xlsx import XLSX
from pacer.tasks import board as service
from pacer.tasks import bulletin as bulletins
from pacer.tasks import recovery
from pacer.tasks.board_words import DEFINITIONS, DOCX, board_ask, state_words
from pacer.tasks.bulletin_calc import shown as shown_rate
from pacer.tasks.bulletin_export import docx_bytes, xlsx_bytes
from pacer.tasks.roadmap_layout import BarIn, layout
from pacer.tasks.workflow import CLOSED
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.params import MAX_ID, Offset, RowId
from pacer.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
PAGE = 50
Number = Annotated[str | None, Query(max_length=10)]  # a form's field: empty when not filled in
Text = Annotated[str | None, Query(max_length=64)]
Day = Annotated[str | None, Query(max_length=10, alias="from")]
To = Annotated[str | None, Query(max_length=10)]
Node = Annotated[str | None, Query(max_length=32)]


@router.get("/tasks/board")
def board_page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    meeting: Number = None,
    requirement: Number = None,
    unit: Text = None,
    owner: Text = None,
    status: Text = None,
    kind: Text = None,
    within: Number = None,
    overdue: Annotated[bool, Query()] = False,
    offset: Offset = 0,
) -> Response:
    numbers = form_numbers(meeting=meeting, requirement=requirement, within=within)
    ask = board_ask(numbers["meeting"], numbers["requirement"], unit, owner, status, kind, numbers["within"], overdue)
    shown = service.board(db, viewer.actor, ask, PAGE, offset)
    context = {
        "board": shown,
        "ask": ask,
        "offset": offset,
        "page": PAGE,
        "states": service.STATES,
        "state_word": state_words(lang_of(request)),
        "kinds": ("requirement", "gap", "rectification"),
    }
    return render(request, "tasks/board.html", context)


@router.get("/requirements/{requirement_id}/roadmap")
def roadmap_page(request: Request, viewer: CurrentViewer, db: Db, requirement_id: RowId) -> Response:
    req, meeting, tasks = service.roadmap(db, viewer.actor, requirement_id)
    today = date.today()
    bars = [
        BarIn(
            t.task.id,
            t.task.title,
            t.task.assigned_on,
            t.task.deadline,
            t.task.original_deadline,
            t.late,
            t.state in CLOSED,
            tuple((m.due_on, m.title, m.done_on is not None) for m in t.milestones),
        )
        for t in tasks
    ]
    context = {
        "requirement": req,
        "meeting": meeting,
        "tasks": tasks,
        "chart": layout(bars, today),
        "state_word": state_words(lang_of(request)),
    }
    return render(request, "tasks/roadmap.html", context)


@router.get("/tasks/bulletin")
def bulletin_page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    start: Day = None,
    to: To = None,
    node: Node = None,
) -> Response:
    period = bulletins.parse_period(start, to, date.today())
    shown = bulletins.bulletin(db, viewer.actor, period, node or None, bulletins.LISTED)
    query = f"from={period.start}&to={period.end}&node={shown.node.code}"
    context = {
        "bulletin": shown,
        "query": query,
        "listed": bulletins.LISTED,
        "rate": shown_rate,
        "definitions": DEFINITIONS,
        "state_word": state_words(lang_of(request)),
        "recovery": recovery.of_tasks(db, analysis, [i.id for i in shown.closed]),
    }
    return render(request, "tasks/bulletin.html", context)


def form_numbers(**fields: str | None) -> dict[str, int | None]:
    """A form's number fields: empty is none, anything but a whole number is refused naming it."""
    out: dict[str, int | None] = {}
    problems = []
    for name, value in fields.items():
        if value and not (value.isascii() and value.isdigit() and int(value) <= MAX_ID):
            problems.append(Problem(f"{value!r} is not a whole number", field=name))
        out[name] = int(value) if value and not problems else None
    if problems:
        raise ValidationFailed(problems, "board")
    return out


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/tasks/bulletin.xlsx")
def bulletin_xlsx(
    request: Request, viewer: CurrentViewer, db: Db, start: Day = None, to: To = None, node: Node = None
) -> Response:
    period = bulletins.parse_period(start, to, date.today())
    shown = bulletins.bulletin(db, viewer.actor, period, node or None)
    name = f"bulletin-{shown.node.code}-{period.start}-{period.end}.xlsx"
    return _download(xlsx_bytes(shown, lang_of(request)), XLSX, name)


@router.get("/tasks/bulletin.docx")
def bulletin_docx(
    request: Request, viewer: CurrentViewer, db: Db, start: Day = None, to: To = None, node: Node = None
) -> Response:
    period = bulletins.parse_period(start, to, date.today())
    shown = bulletins.bulletin(db, viewer.actor, period, node or None)
    name = f"bulletin-{shown.node.code}-{period.start}-{period.end}.docx"
    return _download(docx_bytes(shown, lang_of(request)), DOCX, name)
