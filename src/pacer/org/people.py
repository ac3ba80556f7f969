"""Unit leaders (main leader 主要领导, finance head 财务负责人, leaders in charge 分管领导) and the
people directory: people, the users who are them, and the units they lead. Escalations read the
main leader from here (``workflow.repository.main_leaders``, through the user linked to the
person). Callers own the transaction; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import Actor, may_configure, visible_unit_ids
from pacer.errors import Forbidden, NotFound, Problem, ValidationFailed
from pacer.models import LEADER_ROLES, Person, RoleGrant, Unit, UnitLeader, User
from pacer.org.directory import visible_unit
from pacer.org.restructure import may_restructure

SINGLE_ROLES = ("main_leader", "finance_head")  # one holder at a time
NAME_LENGTH = 100
PORTFOLIO_LENGTH = 200


def _refuse(field: str, en: str, zh: str) -> ValidationFailed:
    return ValidationFailed([Problem(en, field=field, zh=zh)], "people")


@dataclass(frozen=True)
class PersonRow:
    person: Person
    users: list[User]
    roles: list[tuple[UnitLeader, Unit]]


def directory(session: Session, actor: Actor, on: date | None = None) -> list[PersonRow]:
    """People the actor may see: everyone for HQ; otherwise those who lead a unit in the actor's
    subtrees or whose user holds a role there. Roles on units outside are left out."""
    on = on or date.today()
    seen = None if may_configure(session, actor) else visible_unit_ids(session, actor)
    leads = session.execute(
        select(UnitLeader, Unit)
        .join(Unit, Unit.id == UnitLeader.unit_id)
        .where(or_(UnitLeader.valid_to.is_(None), UnitLeader.valid_to > on))
        .order_by(Unit.code, UnitLeader.role)
    ).all()
    users = session.scalars(select(User).where(User.person_id.is_not(None)).order_by(User.username)).all()
    granted: dict[int, set[int]] = {}
    for user_id, unit_id in session.execute(select(RoleGrant.user_id, RoleGrant.unit_id)):
        granted.setdefault(user_id, set()).add(unit_id)
    rows: dict[int, PersonRow] = {}
    people = {p.id: p for p in session.scalars(select(Person).order_by(Person.name_zh))}
    for person in people.values():
        rows[person.id] = PersonRow(person, [], [])
    for leader, unit in leads:
        if seen is None or unit.id in seen:
            rows[leader.person_id].roles.append((leader, unit))
    for user in users:
        if user.person_id in rows:
            rows[user.person_id].users.append(user)
    if seen is None:
        return list(rows.values())
    return [
        r for r in rows.values()
        if r.roles or any(granted.get(u.id, set()) & seen for u in r.users)
    ]  # fmt: skip


def _require_hq_or_admin(session: Session, actor: Actor) -> None:
    if not (actor.is_system or may_configure(session, actor) or actor.roots_for("administer")):
        raise Forbidden("only group administrators and HQ analysts keep the people directory")


def _name(value: str, field: str) -> str:
    value = value.strip()
    if len(value) > NAME_LENGTH:
        raise _refuse(field, f"longer than {NAME_LENGTH} characters", f"超过 {NAME_LENGTH} 个字符")
    return value


def create_person(session: Session, actor: Actor, name_zh: str, name_en: str) -> Person:
    _require_hq_or_admin(session, actor)
    zh, en = _name(name_zh, "name_zh"), _name(name_en, "name_en")
    if not zh and not en:
        raise _refuse("name_zh", "the person has no name (name_zh or name_en)", "人员没有姓名")
    person = Person(name_zh=zh or en, name_en=en or zh)
    session.add(person)
    session.flush()
    record(session, actor.username, "person.create", "person", str(person.id), None,
           {"name_zh": person.name_zh, "name_en": person.name_en})  # fmt: skip
    return person


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise _refuse("person_id", f"no person #{person_id}", f"没有编号为 {person_id} 的人员")
    return person


def link_user(session: Session, actor: Actor, person_id: int, username: str) -> User | None:
    """Say which user is this person (an empty username unlinks the person's users)."""
    _require_hq_or_admin(session, actor)
    person = _person(session, person_id)
    if not username.strip():
        for linked in session.scalars(select(User).where(User.person_id == person.id)):
            linked.person_id = None
        record(session, actor.username, "person.unlink", "person", str(person.id))
        session.flush()
        return None
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise _refuse("username", f"no user '{username.strip()}'", f"没有用户“{username.strip()}”")
    before = {"person_id": user.person_id}
    user.person_id = person.id
    record(session, actor.username, "person.link", "person", str(person.id), before,
           {"person_id": person.id, "username": user.username})  # fmt: skip
    session.flush()
    return user


def set_leader(
    session: Session,
    actor: Actor,
    unit_code: str,
    role: str,
    person_id: int,
    valid_from: date | None,
    portfolio_zh: str = "",
    portfolio_en: str = "",
) -> UnitLeader:
    """Make a person the unit's leader in ``role`` from ``valid_from``; for a main leader or a
    finance head, the previous holder's term ends that day."""
    unit = visible_unit(session, actor, unit_code)
    if not may_restructure(session, actor, {unit.id}):
        raise Forbidden("only group administrators and HQ analysts set unit leaders")
    if role not in LEADER_ROLES:
        raise _refuse("role", f"unknown role '{role}' (one of {', '.join(LEADER_ROLES)})", f"未知的领导职务“{role}”")
    if valid_from is None:
        raise _refuse("valid_from", "the start date is missing (YYYY-MM-DD)", "缺少任职开始日期（YYYY-MM-DD）")
    for field, text in (("portfolio_zh", portfolio_zh), ("portfolio_en", portfolio_en)):
        if len(text) > PORTFOLIO_LENGTH:
            raise _refuse(field, f"longer than {PORTFOLIO_LENGTH} characters", f"超过 {PORTFOLIO_LENGTH} 个字符")
    person = _person(session, person_id)
    if role in SINGLE_ROLES:
        _end_terms(session, unit, role, valid_from)
    leader = UnitLeader(unit_id=unit.id, person_id=person.id, role=role, valid_from=valid_from,
                        portfolio_zh=portfolio_zh.strip(), portfolio_en=portfolio_en.strip())  # fmt: skip
    session.add(leader)
    record(session, actor.username, "unit_leader.set", "unit_leader", unit.code, None,
           {"role": role, "person": person.name_zh, "valid_from": valid_from.isoformat()}, unit_id=unit.id)  # fmt: skip
    session.flush()
    return leader


def _end_terms(session: Session, unit: Unit, role: str, start: date) -> None:
    held = session.scalars(
        select(UnitLeader).where(
            UnitLeader.unit_id == unit.id,
            UnitLeader.role == role,
            or_(UnitLeader.valid_to.is_(None), UnitLeader.valid_to > start),
        )
    ).all()
    for term in held:
        if term.valid_from is not None and term.valid_from >= start:
            raise _refuse("valid_from", f"the current term began on {term.valid_from}: a new one must begin later",
                          f"现任任期自 {term.valid_from} 开始：新任期须晚于该日")  # fmt: skip
        term.valid_to = start


def end_leader(session: Session, actor: Actor, unit_code: str, leader_id: int, valid_to: date | None) -> UnitLeader:
    """End a leader's term on ``valid_to`` (the first day they no longer hold it), audited."""
    unit = visible_unit(session, actor, unit_code)
    if not may_restructure(session, actor, {unit.id}):
        raise Forbidden("only group administrators and HQ analysts set unit leaders")
    leader = session.get(UnitLeader, leader_id)
    if leader is None or leader.unit_id != unit.id:
        raise NotFound(f"no leader #{leader_id} of '{unit.code}'")
    if valid_to is None:
        raise _refuse("valid_to", "the end date is missing (YYYY-MM-DD)", "缺少任职结束日期（YYYY-MM-DD）")
    if leader.valid_from is not None and valid_to <= leader.valid_from:
        raise _refuse("valid_to", f"the term began on {leader.valid_from}: it must end later",
                      f"任期自 {leader.valid_from} 开始：结束日期须晚于该日")  # fmt: skip
    if leader.valid_to is not None and leader.valid_to <= valid_to:
        raise _refuse("valid_to", f"the term already ended on {leader.valid_to}",
                      f"该任期已于 {leader.valid_to} 结束")  # fmt: skip
    person = session.get_one(Person, leader.person_id)
    before = {"role": leader.role, "person": person.name_zh, "valid_to": _iso(leader.valid_to)}
    leader.valid_to = valid_to
    record(session, actor.username, "unit_leader.end", "unit_leader", unit.code, before,
           {**before, "valid_to": valid_to.isoformat()}, unit_id=unit.id)  # fmt: skip
    session.flush()
    return leader


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
