"""The supervision board and bulletin as JSON (``/api/tasks/board``, ``/api/tasks/bulletin``), over
the same services as the pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pacer.auth.deps import CurrentViewer
from pacer.tasks import board as service
from pacer.tasks import bulletin as bulletins
from pacer.tasks.board_words import board_ask
from pacer.tasks.bulletin_calc import Tally
from pacer.web.deps import Db
from pacer.web.pagination import Page, Paging
from pacer.web.params import MAX_ID

router = APIRouter(prefix="/api/tasks", tags=["tasks"])
Id = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Text = Annotated[str | None, Query(max_length=64)]


class BoardLineOut(BaseModel):
    id: int
    title: str
    kind: str
    unit_code: str
    owner: str
    state: str
    late: bool = Field(description="Open past the original deadline (even after an extension).")
    assigned_on: date
    deadline: date
    original_deadline: date
    percent: int
    meeting_id: int | None
    meeting_title: str | None
    requirement_id: int | None
    requirement_number: int | None
    link: str


class BoardOut(Page[BoardLineOut]):
    as_of: date
    by_state: dict[str, int] = Field(description="Tasks passing every filter but the status, by state.")
    late: int = Field(description="Of those, how many are late.")


@router.get("/board")
def get_board(
    viewer: CurrentViewer,
    db: Db,
    paging: Paging,
    meeting: Id = None,
    requirement: Id = None,
    unit: Annotated[str | None, Query(max_length=32, description="A unit code: it and the units below.")] = None,
    owner: Text = None,
    status: Text = None,
    kind: Text = None,
    within: Annotated[int | None, Query(ge=0, le=service.MAX_WITHIN, description="Due within N days.")] = None,
    overdue: Annotated[bool, Query(description="Late tasks only.")] = False,
) -> BoardOut:
    """Every task the caller sees that passes the filters: late first, then by deadline."""
    ask = board_ask(meeting, requirement, unit, owner, status, kind, within, overdue)
    b = service.board(db, viewer.actor, ask, paging.limit, paging.offset)
    items = [
        BoardLineOut(
            id=line.task.id,
            title=line.task.title,
            kind=line.task.kind,
            unit_code=line.unit.code,
            owner=line.task.owner,
            state=line.state,
            late=line.late,
            assigned_on=line.task.assigned_on,
            deadline=line.task.deadline,
            original_deadline=line.task.original_deadline,
            percent=line.task.percent,
            meeting_id=line.meeting.id if line.meeting else None,
            meeting_title=line.meeting.title if line.meeting else None,
            requirement_id=line.requirement.id if line.requirement else None,
            requirement_number=line.requirement.number if line.requirement else None,
            link=f"/tasks/{line.task.id}",
        )
        for line in b.lines
    ]
    page = Page.of(items, b.total, paging)
    return BoardOut(**page.model_dump(), as_of=b.today, by_state=b.by_state, late=b.late)


class TallyOut(BaseModel):
    due: int
    completed: int
    on_time: int
    overdue: int
    closed: int
    completion_rate: float | None = Field(description="Percent, one decimal; null when nothing was due.")
    on_time_rate: float | None = Field(description="Percent, one decimal; null when nothing was completed.")

    @classmethod
    def of(cls, t: Tally) -> TallyOut:
        def pct(tenths: int | None) -> float | None:
            return None if tenths is None else tenths / 10

        return cls(
            due=t.due,
            completed=t.completed,
            on_time=t.on_time,
            overdue=t.overdue,
            closed=t.closed,
            completion_rate=pct(t.completion_rate),
            on_time_rate=pct(t.on_time_rate),
        )


class GroupOut(TallyOut):
    key: str = Field(
        description="The unit's or the department's code (empty: not set, or a department above the caller's units)."
    )
    name: str


class BulletinOut(BaseModel):
    start: date = Field(alias="from")
    to: date
    node: str
    as_of: date
    total: TallyOut
    units: list[GroupOut]
    departments: list[GroupOut]
    overdue: list[int] = Field(description="Ids of the overdue tasks, most days late first.")
    closed: list[int] = Field(description="Ids of the tasks verified in the period, latest first.")


@router.get("/bulletin")
def get_bulletin(
    viewer: CurrentViewer,
    db: Db,
    start: Annotated[str | None, Query(max_length=10, alias="from", description="YYYY-MM-DD")] = None,
    to: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    node: Annotated[str | None, Query(max_length=32, description="A unit code (default: your top unit).")] = None,
) -> BulletinOut:
    """Completion and on-time rates by unit and department for the period, with the overdue and
    newly closed tasks (definitions on the bulletin's page)."""
    period = bulletins.parse_period(start, to, date.today())
    b = bulletins.bulletin(db, viewer.actor, period, node or None, listed=0)
    lang = viewer.user.language
    units = [GroupOut(key=u.code, name=u.name(lang), **TallyOut.of(v).model_dump()) for u, v in b.units]
    departments = [
        GroupOut(
            key=bulletins.department_code(d), name=bulletins.department_name(d, lang), **TallyOut.of(v).model_dump()
        )
        for d, v in b.departments
    ]
    return BulletinOut.model_validate(
        {
            "from": period.start,
            "to": period.end,
            "node": b.node.code,
            "as_of": period.today,
            "total": TallyOut.of(b.figures.total),
            "units": units,
            "departments": departments,
            "overdue": b.figures.overdue,
            "closed": b.figures.closed,
        }
    )
