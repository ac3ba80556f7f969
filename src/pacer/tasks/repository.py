"""Every query of tasks, each through the visibility rule on the task's lead unit."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, SUPERVISE, Actor, restrict
from pacer.kit.rows import one_seen
from pacer.models import Indicator, IndicatorVersion, StoredFile, Unit, User, WorkflowItem
from pacer.models.followup import Meeting, Milestone, ProgressReport, Requirement, Task, TaskCoUnit
from pacer.org.repository import subtree_select, tree_on
from pacer.tasks.workflow import CLOSED, COMPLETION_REPORTED

Row = tuple[Task, Unit, WorkflowItem]


@dataclass(frozen=True)
class TaskFilter:
    """What a list of tasks is narrowed to; every field optional."""

    unit_id: int | None = None
    subtree: bool = True  # with unit_id: the unit and the units below it
    states: tuple[str, ...] = ()
    owner: str | None = None
    issuer: str | None = None
    mine: str | None = None  # a username: tasks it owns or issued
    kind: str | None = None
    requirement_id: int | None = None
    meeting_id: int | None = None
    parent_id: int | None = None
    indicator_id: int | None = None
    overdue_on: date | None = None  # open and past the original deadline on this day
    due_before: date | None = None
    due_after: date | None = None


def _base(actor: Actor) -> Select[tuple[Task, Unit, WorkflowItem]]:
    stmt = (
        select(Task, Unit, WorkflowItem)
        .join(Unit, Unit.id == Task.unit_id)
        .join(WorkflowItem, WorkflowItem.id == Task.workflow_item_id)
    )
    return restrict(stmt, actor, Task.unit_id, READ)


def _late(on: date) -> ColumnElement[bool]:
    """Open (and not waiting for verification) past the original deadline."""
    return and_(WorkflowItem.state.not_in(sorted(CLOSED | {COMPLETION_REPORTED})), Task.original_deadline < on)


def _conditions(session: Session, f: TaskFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.unit_id is not None and f.subtree:
        # the subtree's ids read first: the visibility rule's recursive query is in the statement
        out.append(Task.unit_id.in_(list(session.scalars(subtree_select([f.unit_id], date.today())))))
    elif f.unit_id is not None:
        out.append(Task.unit_id == f.unit_id)
    simple = {
        Task.owner: f.owner,
        Task.issuer: f.issuer,
        Task.kind: f.kind,
        Task.requirement_id: f.requirement_id,
        Task.parent_id: f.parent_id,
        Task.indicator_id: f.indicator_id,
    }
    out += [column == value for column, value in simple.items() if value is not None]
    if f.states:
        out.append(WorkflowItem.state.in_(f.states))
    if f.mine:
        out.append(or_(Task.owner == f.mine, Task.issuer == f.mine))
    if f.meeting_id is not None:
        out.append(Task.requirement_id.in_(select(Requirement.id).where(Requirement.meeting_id == f.meeting_id)))
    if f.overdue_on is not None:
        out.append(_late(f.overdue_on))
    if f.due_before is not None:
        out.append(Task.deadline <= f.due_before)
    if f.due_after is not None:
        out.append(Task.deadline >= f.due_after)
    return out


def tasks(
    session: Session, actor: Actor, f: TaskFilter, limit: int, offset: int, today: date | None = None
) -> tuple[int, list[Row]]:
    """(total, one page of) the tasks the actor sees that pass the filter: late ones first, then
    open before closed, soonest deadline first. One count and one page query."""
    today = today or date.today()
    stmt = _base(actor).where(*_conditions(session, f))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    order = (
        case((_late(today), 0), (WorkflowItem.state.in_(sorted(CLOSED)), 2), else_=1),
        Task.deadline,
        Task.id,
    )
    rows = session.execute(stmt.order_by(*order).limit(limit).offset(offset)).tuples().all()
    return int(total or 0), list(rows)


def task(session: Session, actor: Actor, task_id: int) -> Row:
    """One task the actor sees; any other is not found, as if it did not exist."""
    return one_seen(session, _base(actor).where(Task.id == task_id), f"no task #{task_id}")


def milestones(session: Session, task_id: int) -> list[Milestone]:
    stmt = select(Milestone).where(Milestone.task_id == task_id).order_by(Milestone.position)
    return list(session.scalars(stmt))


def progress(session: Session, task_id: int) -> list[ProgressReport]:
    stmt = select(ProgressReport).where(ProgressReport.task_id == task_id).order_by(ProgressReport.id.desc())
    return list(session.scalars(stmt))


def co_units(session: Session, actor: Actor, task_id: int) -> list[Unit]:
    """The task's co-units the actor sees (a unit out of sight is not named)."""
    stmt = select(Unit).join(TaskCoUnit, TaskCoUnit.unit_id == Unit.id).where(TaskCoUnit.task_id == task_id)
    return list(session.scalars(restrict(stmt, actor, Unit.id, READ).order_by(Unit.code)))


def children(session: Session, actor: Actor, task_id: int) -> list[Row]:
    """The sub-tasks the actor sees, by deadline."""
    stmt = _base(actor).where(Task.parent_id == task_id).order_by(Task.deadline, Task.id)
    return list(session.execute(stmt).tuples().all())


def unit_by_code(session: Session, actor: Actor, code: str) -> Unit | None:
    """A unit the actor sees, by code (None: unknown or out of sight, the same answer)."""
    return session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, READ))


def seen_unit(session: Session, actor: Actor, unit_id: int) -> Unit | None:
    """A unit the actor sees (None: out of sight, not named)."""
    return session.scalar(restrict(select(Unit).where(Unit.id == unit_id), actor, Unit.id, READ))


def units_by_code(session: Session, codes: Collection[str]) -> dict[str, Unit]:
    return {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(set(codes))))}


def active_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))


def indicator_by_code(session: Session, code: str) -> Indicator | None:
    return session.scalar(select(Indicator).where(Indicator.code == code))


def requirement(session: Session, requirement_id: int) -> Requirement | None:
    return session.get(Requirement, requirement_id)


def supervising_units(session: Session, actor: Actor) -> list[Unit]:
    """The units where the actor holds a grant to supervise: departments first, then by depth of
    the tree and code (the group before its units)."""
    ids = actor.roots_for(SUPERVISE)
    if not ids:
        return []
    tree = tree_on(session, date.today())
    units = session.scalars(select(Unit).where(Unit.id.in_(ids)))
    return sorted(units, key=lambda u: (u.kind != "department", _depth(tree, u.id), u.code))


def _depth(tree: dict[int, int | None], unit_id: int) -> int:
    n, at = 0, tree.get(unit_id)
    while at is not None and n < 100:
        n, at = n + 1, tree.get(at)
    return n


def meeting_unit(session: Session, requirement_id: int) -> Unit | None:
    """The unit that held the requirement's meeting."""
    stmt = (
        select(Unit).join(Meeting, Meeting.unit_id == Unit.id).join(Requirement, Requirement.meeting_id == Meeting.id)
    )
    return session.scalar(stmt.where(Requirement.id == requirement_id))


def indicator_name(session: Session, indicator_id: int, lang: str) -> str:
    """The indicator's name in its latest definition."""
    stmt = select(IndicatorVersion).where(IndicatorVersion.indicator_id == indicator_id)
    version = session.scalar(stmt.order_by(IndicatorVersion.from_year.desc()).limit(1))
    if version is None:
        return ""
    return version.name_zh if lang == "zh" else version.name_en


def files_of(session: Session, actor: Actor, owners: Collection[str]) -> list[StoredFile]:
    """The stored files of these owners (a task's progress reports) the actor sees, oldest first."""
    if not owners:
        return []
    stmt = select(StoredFile).where(StoredFile.owner.in_(list(owners))).order_by(StoredFile.id)
    return list(session.scalars(restrict(stmt, actor, StoredFile.unit_id, READ)))
