"""The meeting register: a meeting's record (kind, title, date, place, mode, chair, attendees,
reporting units, agenda), its numbered requirements in order, and its documents.

Registering or changing a meeting needs SUPERVISE on the unit holding it (a group administrator
or a supervisor there); reading it, seeing that unit. A refused record stores nothing. Flushes,
never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, SUPERVISE, Actor, require, visible_unit_ids
from pacer.errors import Forbidden, NotFound, Problem, ValidationFailed
from pacer.files import service as files
from pacer.meetings import repository, validation
from pacer.meetings.repository import Filters
from pacer.meetings.schemas import MeetingIn, RequirementIn
from pacer.models import AgendaItem, Meeting, MeetingAttendance, Requirement, StoredFile, Unit
from pacer.org.repository import roots_on, subtree_select, units_by_code


@dataclass(frozen=True)
class Detail:
    meeting: Meeting
    unit: Unit
    attendees: list[str]
    attendee_units: list[Unit]
    reporting_units: list[Unit]
    agenda: list[AgendaItem]
    requirements: list[Requirement]
    tasks: dict[int, int]  # requirement id -> tasks the viewer sees
    documents: list[StoredFile]
    may_edit: bool


def owner(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def home_unit(session: Session, actor: Actor) -> Unit:
    """Where the actor holds meetings by default: the first unit where they supervise."""
    return _holding_unit(session, actor, None)


def _holding_unit(session: Session, actor: Actor, code: str | None) -> Unit:
    """The unit named, or the actor's own (the first where they supervise)."""
    if code:
        unit, seen = units_by_code(session, [code]).get(code), visible_unit_ids(session, actor)
        if unit is None or (seen is not None and unit.id not in seen):
            raise ValidationFailed(
                [validation.problem("unit_code", f"no unit '{code}'", f"没有单位“{code}”")], "meeting"
            )
        return unit
    roots = [u.id for u in roots_on(session, date.today())] if actor.is_system else actor.roots_for(SUPERVISE)
    if not roots:
        raise Forbidden("only a group administrator or a supervisor registers meetings")
    return session.get_one(Unit, roots[0])


def _scope(session: Session, actor: Actor, data: MeetingIn) -> dict[str, Unit]:
    """The units the record names that the actor sees."""
    codes = {*data.attendee_units, *data.reporting_units}
    named = units_by_code(session, codes)
    seen = visible_unit_ids(session, actor)
    return {c: u for c, u in named.items() if seen is None or u.id in seen}


def _check(session: Session, actor: Actor, unit: Unit, data: MeetingIn, meeting_id: int | None) -> dict[str, Unit]:
    named = _scope(session, actor, data)
    under = set(session.scalars(subtree_select([unit.id], date.today())))
    problems = validation.meeting_problems(data, {c: u.id in under for c, u in named.items()}, date.today())
    held = validation.held_on(data.held_on, date.today())
    if isinstance(held, date) and repository.same_meeting(session, unit.id, held, data.title.strip(), meeting_id):
        problems.append(
            validation.problem(
                "title", f"a meeting '{data.title.strip()}' on {held} is registered already", "该日期已登记同名会议"
            )
        )
    if problems:
        raise ValidationFailed(problems, "meeting")
    return named


def create(session: Session, actor: Actor, data: MeetingIn) -> Meeting:
    unit = _holding_unit(session, actor, data.unit_code)
    require(session, actor, SUPERVISE, unit.id)
    named = _check(session, actor, unit, data, None)
    meeting = Meeting(unit_id=unit.id, created_by=actor.username)
    _write(session, meeting, data, named)
    if data.requirements:
        _write_requirements(session, meeting.id, data.requirements)
    return meeting


def update(session: Session, actor: Actor, meeting_id: int, data: MeetingIn) -> Meeting:
    meeting, held_by = _editable(session, actor, meeting_id)
    unit = _holding_unit(session, actor, data.unit_code) if data.unit_code else held_by
    require(session, actor, SUPERVISE, unit.id)
    named = _check(session, actor, unit, data, meeting_id)
    if data.requirements is not None:
        _requirements_kept(session, meeting_id, data.requirements)
    meeting.unit_id = unit.id
    repository.clear_parts(session, meeting_id)
    _write(session, meeting, data, named)
    files.follow(session, owner(meeting_id), unit.id)
    if data.requirements is not None:
        _write_requirements(session, meeting_id, data.requirements)
    return meeting


def set_requirements(session: Session, actor: Actor, meeting_id: int, items: list[RequirementIn]) -> None:
    """The meeting's requirements become ``items``, in that order; one with tasks stays."""
    _editable(session, actor, meeting_id)
    problems = validation.requirement_problems(items)
    if problems:
        raise ValidationFailed(problems, "requirements")
    _requirements_kept(session, meeting_id, items)
    _write_requirements(session, meeting_id, items)


def _editable(session: Session, actor: Actor, meeting_id: int) -> tuple[Meeting, Unit]:
    found = repository.meeting(session, actor, meeting_id)
    if found is None:
        raise NotFound(f"no meeting {meeting_id}")
    require(session, actor, SUPERVISE, found[0].unit_id)
    return found


def _write(session: Session, meeting: Meeting, data: MeetingIn, named: dict[str, Unit]) -> None:
    meeting.kind, meeting.title = data.kind, data.title.strip()
    meeting.held_on = date.fromisoformat(data.held_on.strip())
    meeting.place, meeting.mode, meeting.chair = data.place.strip(), data.mode, data.chair.strip()
    meeting.summary = data.summary.strip()
    if data.source_text.strip():
        meeting.source_text = data.source_text.strip()
    session.add(meeting)
    session.flush()
    people = [
        MeetingAttendance(meeting_id=meeting.id, role="attendee", name=n.strip()) for n in data.attendees if n.strip()
    ]
    units = [
        MeetingAttendance(meeting_id=meeting.id, role=role, unit_id=named[code].id)
        for role, codes in (("attendee", data.attendee_units), ("reporting", data.reporting_units))
        for code in codes
    ]
    agenda = [
        AgendaItem(meeting_id=meeting.id, position=i, kind=a.kind, speaker=a.speaker.strip(), title=a.title.strip())
        for i, a in enumerate(data.agenda, start=1)
    ]
    session.add_all([*people, *units, *agenda])
    session.flush()


def _requirements_kept(session: Session, meeting_id: int, items: list[RequirementIn]) -> None:
    """Refuse a list that drops a requirement with tasks, or names one of another meeting."""
    existing = {r.id for r in repository.requirements(session, meeting_id)}
    problems = [
        validation.problem(
            f"requirements[{i + 1}].id", f"no requirement {item.id} in this meeting", "本会议没有这条要求"
        )
        for i, item in enumerate(items)
        if item.id is not None and item.id not in existing
    ]
    dropped = existing - {item.id for item in items}
    for rid in sorted(repository.with_tasks(session, sorted(dropped))):
        problems.append(
            validation.problem(
                "requirements", f"requirement {rid} has tasks and cannot be removed", "该要求已分解为督办事项，不能删除"
            )
        )
    if problems:
        raise ValidationFailed(problems, "requirements")


def _write_requirements(session: Session, meeting_id: int, items: list[RequirementIn]) -> None:
    existing = {r.id: r for r in repository.requirements(session, meeting_id)}
    kept = {item.id for item in items if item.id is not None}
    for rid, row in existing.items():
        if rid not in kept:
            session.delete(row)
        else:
            row.position = -rid  # out of the way of the new order (positions are unique)
    session.flush()
    for position, (item, values) in enumerate(zip(items, validation.numbered(items), strict=True), start=1):
        row = existing[item.id] if item.id is not None else Requirement(meeting_id=meeting_id)
        row.position = position
        row.number, row.issuer, row.text, row.tags = values
        session.add(row)
    session.flush()


def register(
    session: Session, actor: Actor, filters: Filters, limit: int = 50, offset: int = 0
) -> tuple[int, list[tuple[Meeting, Unit, int]]]:
    """The meetings the actor sees, newest first, with how many requirements each has."""
    total, rows = repository.meetings(session, actor, filters, limit, offset)
    counts = repository.requirement_counts(session, [m.id for m, _ in rows])
    return total, [(m, u, counts.get(m.id, 0)) for m, u in rows]


def detail(session: Session, actor: Actor, meeting_id: int) -> Detail:
    found = repository.meeting(session, actor, meeting_id)
    if found is None:
        raise NotFound(f"no meeting {meeting_id}")
    meeting, unit = found
    attendance = repository.attendance(session, meeting_id)
    requirements = repository.requirements(session, meeting_id)
    return Detail(
        meeting=meeting,
        unit=unit,
        attendees=[a.name for a, u in attendance if u is None],
        attendee_units=[u for a, u in attendance if u is not None and a.role == "attendee"],
        reporting_units=[u for a, u in attendance if u is not None and a.role == "reporting"],
        agenda=repository.agenda(session, meeting_id),
        requirements=requirements,
        tasks=repository.task_counts(session, actor, [r.id for r in requirements]),
        documents=files.listed(session, actor, owner(meeting_id)),
        may_edit=may_edit(session, actor, meeting.unit_id),
    )


def may_edit(session: Session, actor: Actor, unit_id: int | None = None) -> bool:
    """Whether the actor registers meetings (at ``unit_id``, when given)."""
    ids = visible_unit_ids(session, actor, SUPERVISE)
    return ids is None or (bool(ids) if unit_id is None else unit_id in ids)


def require_registrar(session: Session, actor: Actor, unit_id: int | None = None) -> None:
    if not may_edit(session, actor, unit_id):
        raise Forbidden("only a group administrator or a supervisor registers and edits meetings")


def units_among(session: Session, ids: set[int] | None) -> list[Unit]:
    """The units of ``ids`` (None: every unit), by code: where the actor may hold a meeting."""
    return repository.units(session, ids)


def add_document(session: Session, actor: Actor, meeting_id: int, filename: str, content: bytes) -> StoredFile:
    meeting, _ = _editable(session, actor, meeting_id)
    return files.save(
        session,
        actor,
        owner=owner(meeting_id),
        unit_id=meeting.unit_id,
        action=SUPERVISE,
        filename=filename,
        content=content,
    )


def document(session: Session, actor: Actor, meeting_id: int, file_id: int) -> tuple[StoredFile, bytes]:
    stored = files.found(session, actor, file_id, owner(meeting_id), READ)
    return stored, files.content(session, stored)


def remove_document(session: Session, actor: Actor, meeting_id: int, file_id: int) -> None:
    _editable(session, actor, meeting_id)
    files.remove(session, actor, file_id, owner(meeting_id), SUPERVISE)


def unit_for_filter(session: Session, actor: Actor, code: str) -> int | None:
    """The id of a unit the actor sees, for the register's filter; an unknown one is refused."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    ids = visible_unit_ids(session, actor)
    if unit is None or (ids is not None and unit.id not in ids):
        raise ValidationFailed([Problem(f"no unit '{code}'", field="unit", zh=f"没有单位“{code}”")], "filter")
    return unit.id
