"""The supervision bulletin's figures counted in the database: the definitions of
:mod:`pacer.tasks.bulletin_calc` as SQL conditions, summed per lead unit and issuing department
in one grouped query, and the overdue and newly closed tasks in one query each, in the order the
lists show them, as the columns asked. No task row is read whole."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from pacer.auth.permissions import READ, Actor, restrict
from pacer.models import AuditEntry, WorkflowEvent, WorkflowItem, keyed_entities
from pacer.models.followup import Task
from pacer.tasks.bulletin_calc import WITHDRAWN, Figures, Period, Tally
from pacer.tasks.workflow import CLOSED, COMPLETION_REPORTED, VERIFIED

T = TypeVar("T")
COUNTS = ("due", "completed", "on_time", "overdue", "closed")


def state_of(period: Period) -> ColumnElement[Any]:
    """A task's state: now, or (``period.as_of``) at the end of ``period.today``: the state its
    first verb taken after that day started from, else (no verb since) the state now."""
    if not period.as_of:
        return WorkflowItem.state.expression
    cutoff = datetime.combine(period.today + timedelta(days=1), time(), UTC)
    later = aliased(WorkflowEvent)
    first = (
        select(later.from_state)
        .where(later.item_id == WorkflowItem.id, later.at >= cutoff, later.from_state.is_not(None))
        .order_by(later.at, later.id)
        .limit(1)
        .correlate(WorkflowItem)
        .scalar_subquery()
    )
    return func.coalesce(first, WorkflowItem.state)


def conditions(period: Period) -> dict[str, ColumnElement[bool]]:
    """Each definition of the bulletin as a condition on a task and its workflow item."""
    state, original, closed = state_of(period), Task.original_deadline, Task.closed_on
    due = and_(state.not_in(sorted(WITHDRAWN)), original >= period.start, original <= period.end)
    completed = and_(due, state == VERIFIED, closed.is_not(None), closed <= period.end)
    return {
        "due": due,
        "completed": completed,
        "on_time": and_(completed, closed <= original),
        "overdue": and_(
            state.not_in(sorted(CLOSED | {COMPLETION_REPORTED})), original <= period.end, original < period.today
        ),
        "closed": and_(state == VERIFIED, closed.is_not(None), closed >= period.start, closed <= period.end),
    }


@dataclass(frozen=True)
class Scope:
    """The tasks a bulletin looks at: lead units among ``unit_ids``, as ``actor`` sees them."""

    actor: Actor
    unit_ids: list[int]
    period: Period

    def where(self, stmt: Select[Any]) -> Select[Any]:
        p = self.period
        relevant = or_(Task.original_deadline <= p.end, Task.closed_on >= p.start)
        if p.as_of:  # not a task assigned since
            relevant = and_(relevant, Task.assigned_on <= p.today)
        stmt = stmt.join(WorkflowItem, WorkflowItem.id == Task.workflow_item_id)
        return restrict(stmt.where(Task.unit_id.in_(self.unit_ids), relevant), self.actor, Task.unit_id, READ)


def figures(session: Session, scope: Scope, unit_key: dict[int, Hashable], department: Any) -> Figures:
    """The tallies overall, by unit (a lead unit's key in ``unit_key``: the unit it rolls up to)
    and by department (the ``department`` column's value); the lists are left to :func:`lists`."""
    conds = conditions(scope.period)
    sums = [func.sum(case((conds[k], 1), else_=0)) for k in COUNTS]
    stmt = scope.where(select(Task.unit_id, department, *sums)).group_by(Task.unit_id, department)
    out = Figures()
    for unit_id, dept, *counts in session.execute(stmt).tuples():
        tally = Tally(*(int(n or 0) for n in counts))
        for target in (out.total, out.by_unit.setdefault(unit_key[unit_id], Tally())):
            add(target, tally)
        add(out.by_department.setdefault(dept, Tally()), tally)
    out.by_unit = {k: v for k, v in out.by_unit.items() if not v.empty}
    out.by_department = {k: v for k, v in out.by_department.items() if not v.empty}
    return out


def lists(
    session: Session, scope: Scope, columns: Sequence[Any], make: Callable[[Row[Any]], T]
) -> tuple[list[T], list[T]]:
    """The overdue tasks (earliest original deadline first) and the newly closed ones (latest
    first), ``make`` of each row of ``columns``, one query each."""
    conds = conditions(scope.period)
    late = scope.where(select(*columns)).where(conds["overdue"])
    closed = scope.where(select(*columns)).where(conds["closed"])
    return (
        [make(row) for row in session.execute(late.order_by(Task.original_deadline, Task.id))],
        [make(row) for row in session.execute(closed.order_by(Task.closed_on.desc(), Task.id.desc()))],
    )


def add(into: Tally, more: Tally) -> None:
    for k in COUNTS:
        setattr(into, k, getattr(into, k) + getattr(more, k))


def deadlines_then(session: Session, ids: Sequence[int], day: date) -> dict[int, date]:
    """Each task's deadline at the end of ``day``: as first set, moved by every extension approved
    by then. The workflow's history says when an extension was approved; the audit trail of the
    item's due date, written with it, says to what (its n-th move to a later due date is the n-th
    approval: a return or a report of completion moves it from or to none)."""
    cutoff = datetime.combine(day + timedelta(days=1), time(), UTC)
    out: dict[int, date] = {}
    for i in range(0, len(ids), 5000):
        chunk = list(ids[i : i + 5000])
        rows = session.execute(
            select(Task.id, Task.original_deadline, WorkflowItem.id, WorkflowItem.workflow, WorkflowItem.entity_key)
            .join(WorkflowItem, WorkflowItem.id == Task.workflow_item_id)
            .where(Task.id.in_(chunk))
        ).all()
        keys = {f"{flow}/{key}": (task, item) for task, _, item, flow, key in rows}
        approved: dict[int, list[datetime]] = {}
        for item_id, at in session.execute(
            select(WorkflowEvent.item_id, WorkflowEvent.at)
            .where(WorkflowEvent.item_id.in_([r[2] for r in rows]), WorkflowEvent.verb == "approve_extension")
            .order_by(WorkflowEvent.id)
        ):
            approved.setdefault(item_id, []).append(at if at.tzinfo else at.replace(tzinfo=UTC))
        moved: dict[int, list[date]] = {}
        for key, before, after in session.execute(
            select(AuditEntry.entity_key, AuditEntry.before, AuditEntry.after)
            .where(AuditEntry.entity == "workflow_item", AuditEntry.entity_key.in_(list(keys)), keyed_entities())
            .order_by(AuditEntry.id)
        ):
            old, new = (before or {}).get("due_at"), (after or {}).get("due_at")
            if old and new and new > old:
                moved.setdefault(keys[key][0], []).append(datetime.fromisoformat(new).date())
        for task, original, item, _, _ in rows:
            steps = zip(approved.get(item, []), moved.get(task, []), strict=False)
            out[task] = max((new for at, new in steps if at < cutoff), default=original)
    return out
