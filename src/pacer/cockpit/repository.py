"""Queries the cockpit needs beyond the analysis engine; every one restricted to what the actor sees."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, restrict
from pacer.models import Submission, Unit


def visible_roots(session: Session, actor: Actor) -> list[Unit]:
    """The units granted to the actor for reading, top-most first (a granted unit inside another
    granted subtree is not a root of its own)."""
    roots = actor.roots_for("read")
    units = list(session.scalars(restrict(select(Unit).where(Unit.id.in_(roots)), actor, Unit.id)))
    return sorted(units, key=lambda u: (len(u.code), u.code))


def submitted(session: Session, actor: Actor, unit_ids: list[int], period: int) -> set[int]:
    """Which of ``unit_ids`` have a submission for ``period`` (in any state)."""
    stmt = select(Submission.unit_id).where(Submission.unit_id.in_(unit_ids), Submission.period == period)
    return set(session.scalars(restrict(stmt, actor, Submission.unit_id)))
