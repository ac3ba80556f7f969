"""The reporting calendar's operations: lock a month, reopen it with a reason, move its deadline.
Each is audited (entity ``period``, key ``YYYY-MM``) and refused, storing nothing, when wrong.
Flushes, never commits. The deadline read here is the one collection uses (:func:`due_at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import ACCEPT, Actor
from pacer.calendar.rules import deadline_problem, default_due, due_moment, reason_problem
from pacer.config import get_settings
from pacer.errors import Conflict, Forbidden, ValidationFailed
from pacer.kit import periods
from pacer.models import AuditEntry, PeriodLock, ReportingDeadline, WorkflowItem
from pacer.org.repository import roots_on

ENTITY = "period"


def due_on(session: Session, period: int) -> date:
    """``period``'s reporting deadline: the calendar's, else the reporting day of the next month."""
    moved = session.get(ReportingDeadline, period)
    return moved.due_on if moved else default_due(period, get_settings().reporting_day)


def due_at(session: Session, period: int) -> datetime:
    return due_moment(due_on(session, period))


@dataclass(frozen=True)
class Month:
    period: int
    lock: PeriodLock | None
    reopened: AuditEntry | None  # the latest reopening, when the month is open again
    due_on: date
    moved: bool  # the deadline is not the default

    @property
    def label(self) -> str:
        return periods.format_period(self.period)

    @property
    def status(self) -> str:
        return "locked" if self.lock else "reopened" if self.reopened else "open"


def year(session: Session, year: int) -> list[Month]:
    months = [year * 100 + m for m in range(1, 13)]
    locks = {lock.period: lock for lock in session.scalars(select(PeriodLock).where(PeriodLock.period.in_(months)))}
    moved = {
        d.period: d.due_on
        for d in session.scalars(select(ReportingDeadline).where(ReportingDeadline.period.in_(months)))
    }
    reopened: dict[int, AuditEntry] = {}
    stmt = select(AuditEntry).where(
        AuditEntry.entity == ENTITY, AuditEntry.action == "period.reopen", AuditEntry.period.in_(months)
    )
    for row in session.scalars(stmt.order_by(AuditEntry.id)):
        reopened[row.period or 0] = row
    day = get_settings().reporting_day
    return [
        Month(
            p,
            locks.get(p),
            None if p in locks else reopened.get(p),
            moved.get(p, default_due(p, day)),
            p in moved,
        )
        for p in months
    ]


def require_hq(session: Session, actor: Actor) -> None:
    """The calendar is HQ's: a role that accepts reports, granted at the group."""
    if actor.is_system:
        return
    roots = {unit.id for unit in roots_on(session, date.today())}
    if not roots & set(actor.roots_for(ACCEPT)):
        raise Forbidden("only HQ (granted at the group) keeps the reporting calendar")


def lock(session: Session, actor: Actor, period: int) -> None:
    require_hq(session, actor)
    if session.get(PeriodLock, period) is not None:
        raise Conflict(f"{periods.format_period(period)} is already locked")
    session.add(PeriodLock(period=period, locked_by=actor.username))
    session.flush()
    record(session, actor.username, "period.lock", ENTITY, periods.format_period(period), None, {"locked": True})


def reopen(session: Session, actor: Actor, period: int, reason: str | None) -> None:
    require_hq(session, actor)
    problem = reason_problem(reason)
    if problem is not None:
        raise ValidationFailed([problem], "reopen")
    found = session.get(PeriodLock, period)
    if found is None:
        raise Conflict(f"{periods.format_period(period)} is not locked")
    before = {"locked": True, "locked_by": found.locked_by, "locked_at": found.locked_at.isoformat()}
    session.execute(delete(PeriodLock).where(PeriodLock.period == period))
    session.expunge(found)
    record(
        session,
        actor.username,
        "period.reopen",
        ENTITY,
        periods.format_period(period),
        before,
        {"locked": False},
        (reason or "").strip(),
    )
    session.flush()


def set_deadline(session: Session, actor: Actor, period: int, day: date) -> None:
    require_hq(session, actor)
    problem = deadline_problem(period, day)
    if problem is not None:
        raise ValidationFailed([problem], "deadline")
    before = due_on(session, period)
    row = session.get(ReportingDeadline, period)
    if row is None:
        session.add(ReportingDeadline(period=period, due_on=day, set_by=actor.username))
    else:
        row.due_on, row.set_by = day, actor.username
    session.flush()
    record(
        session,
        actor.username,
        "period.deadline",
        ENTITY,
        periods.format_period(period),
        {"due_on": before.isoformat()},
        {"due_on": day.isoformat()},
    )
    _move_open_reports(session, actor, period, before, day)


def _move_open_reports(session: Session, actor: Actor, period: int, old: date, new: date) -> None:
    """The month's reports still due on the old deadline (not those given an extension) are due
    on the new one: their reminders and escalations follow it."""
    from pacer.submissions.workflow import SUBMISSION
    from pacer.workflow import service as workflow
    from pacer.workflow.deadlines import as_utc

    month = periods.format_period(period)
    stmt = select(WorkflowItem).where(
        WorkflowItem.workflow == SUBMISSION.name,
        WorkflowItem.entity_key.like(f"%/{month}"),
        WorkflowItem.due_at.is_not(None),
    )
    for item in session.scalars(stmt):
        if item.due_at is not None and as_utc(item.due_at) == due_moment(old) and old != new:
            workflow.set_due(session, SUBMISSION, item, due_moment(new), actor)
