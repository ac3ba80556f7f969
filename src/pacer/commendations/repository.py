"""Every query of the commendation register, each through the one visibility rule on the
commended unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from pacer.auth.permissions import Actor, restrict
from pacer.models import Award, Commendation, Person, Unit
from pacer.org.repository import subtree_select


@dataclass(frozen=True)
class Filter:
    """What the register is narrowed to: a year, an award (its code), a unit and the units below it."""

    year: int | None = None
    award: str | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Row:
    commendation: Commendation
    award: Award
    unit: Unit
    person: Person | None


def awards(session: Session) -> list[Award]:
    return list(session.scalars(select(Award).order_by(Award.id)))


def award_by_code(session: Session, code: str) -> Award | None:
    return session.scalar(select(Award).where(Award.code == code))


def _rows(actor: Actor) -> Select[tuple[Commendation, Award, Unit, Person]]:
    person = aliased(Person)
    stmt = (
        select(Commendation, Award, Unit, person)
        .join(Award, Award.id == Commendation.award_id)
        .join(Unit, Unit.id == Commendation.unit_id)
        .outerjoin(person, person.id == Commendation.person_id)
    )
    return restrict(stmt, actor, Commendation.unit_id)


def register(session: Session, actor: Actor, ask: Filter) -> list[Row]:
    """The commendations the actor sees, newest year first, then by award and in the order recorded."""
    stmt = _rows(actor)
    if ask.year is not None:
        stmt = stmt.where(Commendation.year == ask.year)
    if ask.award:
        stmt = stmt.where(Award.code == ask.award)
    if ask.unit_id is not None:
        # read first: the visibility rule's subtree is a query of the same shape
        below = list(session.scalars(subtree_select([ask.unit_id], date.today())))
        stmt = stmt.where(Commendation.unit_id.in_(below))
    stmt = stmt.order_by(Commendation.year.desc(), Award.id, Commendation.id)
    return [Row(*r) for r in session.execute(stmt).tuples()]


def of_unit(session: Session, actor: Actor, unit_id: int) -> list[Row]:
    """The unit's own commendations (as a collective and of its people), newest first."""
    stmt = _rows(actor).where(Commendation.unit_id == unit_id)
    stmt = stmt.order_by(Commendation.year.desc(), Award.id, Commendation.id)
    return [Row(*r) for r in session.execute(stmt).tuples()]


def years(session: Session, actor: Actor) -> list[int]:
    stmt = restrict(select(Commendation.year).distinct(), actor, Commendation.unit_id)
    return sorted(session.scalars(stmt), reverse=True)


def duplicate(session: Session, award_id: int, year: int, unit_id: int, person_id: int | None) -> bool:
    stmt = select(Commendation.id).where(
        Commendation.award_id == award_id,
        Commendation.year == year,
        Commendation.unit_id == unit_id,
        Commendation.person_id.is_(None) if person_id is None else Commendation.person_id == person_id,
    )
    return session.scalar(stmt.limit(1)) is not None
