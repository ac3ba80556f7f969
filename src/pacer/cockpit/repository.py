"""Queries the cockpit needs beyond the analysis engine; every one restricted to what the actor sees."""

from __future__ import annotations

from sqlalchemy import distinct, exists, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, restrict
from pacer.models import Fact, Submission, Unit


def visible_roots(session: Session, actor: Actor) -> list[Unit]:
    """The units granted to the actor for reading, top-most first (a granted unit inside another
    granted subtree is not a root of its own)."""
    roots = actor.roots_for("read")
    units = list(session.scalars(restrict(select(Unit).where(Unit.id.in_(roots)), actor, Unit.id)))
    return sorted(units, key=lambda u: (len(u.code), u.code))


def not_reported(session: Session, actor: Actor, unit_ids: list[int], period: int, previous: int) -> list[Unit]:
    """Units among ``unit_ids`` with figures for ``previous`` but neither a submission nor
    figures for ``period``: who has not reported yet."""
    had_figures = select(distinct(Fact.unit_id)).where(Fact.period == previous)
    submitted = exists().where(Submission.unit_id == Unit.id, Submission.period == period)
    reported = exists().where(Fact.unit_id == Unit.id, Fact.period == period)
    stmt = (select(Unit).where(Unit.id.in_(unit_ids), Unit.id.in_(had_figures), ~submitted, ~reported)
            .order_by(Unit.code))
    return list(session.scalars(restrict(stmt, actor, Unit.id)))

