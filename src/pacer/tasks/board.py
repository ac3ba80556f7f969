"""The supervision board (督办看板): every task the viewer sees, by meeting, requirement, unit,
owner, status and deadline, late ones first, filtered and paged, with counts per status; and the
roadmap of one requirement's tasks. A page is a handful of set-based queries whatever the number
of tasks: one count, one page, one grouped count, one look-up of the page's meetings and
milestones.

Late (overdue) is the one rule of :mod:`pacer.tasks.repository`: open, not waiting for
verification, and past the *original* deadline, even after an extension.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.errors import NotFound, Problem, ValidationFailed
from pacer.models import Unit, WorkflowItem
from pacer.models.followup import TASK_KINDS, Meeting, Milestone, Requirement, Task
from pacer.tasks import repository
from pacer.tasks.repository import TaskFilter, _base, _conditions, _late
from pacer.tasks.workflow import CLOSED, COMPLETION_REPORTED, TASK

STATES = TASK.states
MAX_WITHIN = 3660


@dataclass(frozen=True)
class BoardAsk:
    """A board's filters as asked (codes and words), checked by :func:`task_filter`."""

    meeting: int | None = None
    requirement: int | None = None
    unit: str | None = None  # a unit code: the unit and the units below it
    owner: str | None = None
    status: str | None = None
    overdue: bool = False
    within: int | None = None  # open and due within this many days from today
    kind: str | None = None


@dataclass(frozen=True)
class Line:
    task: Task
    unit: Unit
    state: str
    late: bool
    meeting: Meeting | None
    requirement: Requirement | None


@dataclass(frozen=True)
class Board:
    today: date
    total: int
    lines: list[Line]
    by_state: dict[str, int]  # every task that passes the filters but the status, by state
    late: int  # of those, how many are late
    unit: Unit | None = None
    meetings: list[Meeting] = field(default_factory=list)  # meetings the viewer may filter by


def task_filter(session: Session, actor: Actor, ask: BoardAsk, today: date) -> TaskFilter:
    """The repository's filter for what was asked; an unknown unit, status or kind is refused,
    naming the field (a unit out of the viewer's sight is as unknown as one that does not exist)."""
    problems: list[Problem] = []
    unit = repository.unit_by_code(session, actor, ask.unit) if ask.unit else None
    if ask.unit and unit is None:
        problems.append(Problem(f"no unit {ask.unit!r}", field="unit"))
    if ask.status and ask.status not in STATES:
        problems.append(Problem(f"unknown status {ask.status!r}: one of {', '.join(STATES)}", field="status"))
    if ask.kind and ask.kind not in TASK_KINDS:
        problems.append(Problem(f"unknown kind {ask.kind!r}: one of {', '.join(TASK_KINDS)}", field="kind"))
    if ask.within is not None and not 0 <= ask.within <= MAX_WITHIN:
        problems.append(Problem(f"days must be between 0 and {MAX_WITHIN}", field="within"))
    if problems:
        raise ValidationFailed(problems, "board")
    return TaskFilter(
        unit_id=unit.id if unit else None,
        states=(ask.status,) if ask.status else (),
        owner=ask.owner or None,
        kind=ask.kind or None,
        requirement_id=ask.requirement,
        meeting_id=ask.meeting,
        overdue_on=today if ask.overdue else None,
        due_before=today + timedelta(days=ask.within) if ask.within is not None else None,
        due_after=today if ask.within is not None else None,
    )


def counts(session: Session, actor: Actor, f: TaskFilter, today: date) -> tuple[dict[str, int], int]:
    """Tasks passing the filter but its status, by state, and how many of them are late: one
    grouped query."""
    stmt = _base(actor).where(*_conditions(session, replace(f, states=())))
    late = func.sum(case((_late(today), 1), else_=0))
    grouped = stmt.with_only_columns(WorkflowItem.state, func.count(), late).group_by(WorkflowItem.state)
    by_state = dict.fromkeys(STATES, 0)
    late_total = 0
    for state, n, n_late in session.execute(grouped.order_by(None)).tuples():
        by_state[state] = int(n)
        late_total += int(n_late or 0)
    return by_state, late_total


def board(
    session: Session, actor: Actor, ask: BoardAsk, limit: int = 50, offset: int = 0, today: date | None = None
) -> Board:
    today = today or date.today()
    f = task_filter(session, actor, ask, today)
    total, rows = repository.tasks(session, actor, f, limit, offset, today)
    by_state, late = counts(session, actor, f, today)
    requirements = _requirements(session, {t.requirement_id for t, _, _ in rows if t.requirement_id})
    lines = []
    for t, unit, item in rows:
        req = requirements.get(t.requirement_id) if t.requirement_id else None
        is_late = item.state not in _NOT_LATE and t.original_deadline < today
        lines.append(Line(t, unit, item.state, is_late, req[1] if req else None, req[0] if req else None))
    shown_unit = repository.unit_by_code(session, actor, ask.unit) if ask.unit else None
    return Board(today, total, lines, by_state, late, shown_unit, visible_meetings(session, actor))


_NOT_LATE = CLOSED | {COMPLETION_REPORTED}


def _requirements(session: Session, ids: set[int]) -> dict[int, tuple[Requirement, Meeting]]:
    if not ids:
        return {}
    stmt = select(Requirement, Meeting).join(Meeting, Meeting.id == Requirement.meeting_id)
    return {r.id: (r, m) for r, m in session.execute(stmt.where(Requirement.id.in_(ids))).tuples()}


def visible_meetings(session: Session, actor: Actor) -> list[Meeting]:
    """The meetings the viewer sees, newest first (what the board may be filtered by)."""
    stmt = restrict(select(Meeting), actor, Meeting.unit_id, READ).order_by(Meeting.held_on.desc(), Meeting.id)
    return list(session.scalars(stmt.limit(200)))


@dataclass(frozen=True)
class RoadmapTask:
    task: Task
    unit: Unit
    state: str
    late: bool
    milestones: list[Milestone]


def roadmap(
    session: Session, actor: Actor, requirement_id: int, today: date | None = None
) -> tuple[Requirement, Meeting, list[RoadmapTask]]:
    """A requirement the viewer sees (through its meeting's unit, or through a task of it in
    sight) and its tasks the viewer sees (through their lead units), each with its milestones."""
    today = today or date.today()
    stmt = select(Requirement, Meeting).join(Meeting, Meeting.id == Requirement.meeting_id)
    stmt = stmt.where(Requirement.id == requirement_id)
    found = session.execute(restrict(stmt, actor, Meeting.unit_id, READ)).one_or_none()
    if found is None and session.scalar(_base(actor).where(Task.requirement_id == requirement_id).limit(1)):
        found = session.execute(stmt).one_or_none()  # a task of it in sight shows its requirement
    if found is None:
        raise NotFound(f"no requirement #{requirement_id}")
    req, meeting = found._tuple()
    rows = session.execute(_base(actor).where(Task.requirement_id == req.id).order_by(Task.assigned_on, Task.id))
    tasks = list(rows.tuples())
    marks: dict[int, list[Milestone]] = {}
    ids = [t.id for t, _, _ in tasks]
    if ids:
        ms = select(Milestone).where(Milestone.task_id.in_(ids)).order_by(Milestone.task_id, Milestone.position)
        for m in session.scalars(ms):
            marks.setdefault(m.task_id, []).append(m)
    out = [
        RoadmapTask(t, u, i.state, i.state not in _NOT_LATE and t.original_deadline < today, marks.get(t.id, []))
        for t, u, i in tasks
    ]
    return req, meeting, out
