"""Every query of the meeting register, each through the visibility rule on the meeting's unit
(a requirement's tasks on the task's lead unit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, delete, extract, func, or_, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.models import AgendaItem, Meeting, MeetingAttendance, Requirement, Task, Unit


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    year: int | None = None
    unit_id: int | None = None  # held by, attended by or reported by this unit


def _filtered(stmt: Select[tuple[Meeting, Unit]], filters: Filters) -> Select[tuple[Meeting, Unit]]:
    if filters.kind:
        stmt = stmt.where(Meeting.kind == filters.kind)
    if filters.year:
        stmt = stmt.where(extract("year", Meeting.held_on) == filters.year)
    if filters.unit_id is not None:
        attended = select(MeetingAttendance.meeting_id).where(MeetingAttendance.unit_id == filters.unit_id)
        stmt = stmt.where(or_(Meeting.unit_id == filters.unit_id, Meeting.id.in_(attended)))
    return stmt


def meetings(
    session: Session, actor: Actor, filters: Filters, limit: int, offset: int
) -> tuple[int, list[tuple[Meeting, Unit]]]:
    """The meetings the actor sees, newest first, and how many there are in all."""
    base = restrict(
        _filtered(select(Meeting, Unit).join(Unit, Unit.id == Meeting.unit_id), filters), actor, Meeting.unit_id
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(base.order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit).offset(offset))
    return total, [(m, u) for m, u in rows.tuples()]


def meeting(session: Session, actor: Actor, meeting_id: int, action: str = READ) -> tuple[Meeting, Unit] | None:
    stmt = select(Meeting, Unit).join(Unit, Unit.id == Meeting.unit_id).where(Meeting.id == meeting_id)
    row = session.execute(restrict(stmt, actor, Meeting.unit_id, action)).tuples().first()
    return (row[0], row[1]) if row else None


def same_meeting(session: Session, unit_id: int, held_on: date, title: str, other_than: int | None) -> bool:
    stmt = select(Meeting.id).where(Meeting.unit_id == unit_id, Meeting.held_on == held_on, Meeting.title == title)
    if other_than is not None:
        stmt = stmt.where(Meeting.id != other_than)
    return session.scalar(stmt.limit(1)) is not None


def requirement_counts(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(Requirement.meeting_id, func.count())
        .where(Requirement.meeting_id.in_(meeting_ids))
        .group_by(Requirement.meeting_id)
    )
    return dict(rows.tuples().all())


def attendance(session: Session, meeting_id: int) -> list[tuple[MeetingAttendance, Unit | None]]:
    stmt = (
        select(MeetingAttendance, Unit)
        .outerjoin(Unit, Unit.id == MeetingAttendance.unit_id)
        .where(MeetingAttendance.meeting_id == meeting_id)
        .order_by(MeetingAttendance.id)
    )
    return [(a, u) for a, u in session.execute(stmt).tuples()]


def agenda(session: Session, meeting_id: int) -> list[AgendaItem]:
    stmt = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)
    return list(session.scalars(stmt))


def requirements(session: Session, meeting_id: int) -> list[Requirement]:
    stmt = select(Requirement).where(Requirement.meeting_id == meeting_id).order_by(Requirement.position)
    return list(session.scalars(stmt))


def task_counts(session: Session, actor: Actor, requirement_ids: list[int]) -> dict[int, int]:
    """How many of each requirement's tasks the actor sees."""
    stmt = (
        select(Task.requirement_id, func.count())
        .where(Task.requirement_id.in_(requirement_ids))
        .group_by(Task.requirement_id)
    )
    return {rid: n for rid, n in session.execute(restrict(stmt, actor, Task.unit_id)).tuples() if rid is not None}


def with_tasks(session: Session, requirement_ids: list[int]) -> set[int]:
    """The requirements that have tasks, whoever sees them."""
    stmt = select(Task.requirement_id).where(Task.requirement_id.in_(requirement_ids)).distinct()
    return {rid for rid in session.scalars(stmt) if rid is not None}


def clear_parts(session: Session, meeting_id: int) -> None:
    """Its attendance and agenda, before they are written again."""
    session.execute(delete(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id))
    session.execute(delete(AgendaItem).where(AgendaItem.meeting_id == meeting_id))


def units(session: Session, ids: set[int] | None) -> list[Unit]:
    stmt = select(Unit).order_by(Unit.code)
    if ids is not None:
        stmt = stmt.where(Unit.id.in_(sorted(ids)))
    return list(session.scalars(stmt))
