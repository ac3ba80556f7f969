"""Every read of the audit trail, through the one visibility rule.

An actor who may read the trail at every root of today's tree (HQ granted at the group) reads
all of it, the group-wide rows (definitions, users, settings, the calendar) included; anyone
else reads the rows about units in their subtrees only (``restrict`` on the row's unit), never a
row about no unit. A unit dissolved before today is in no subtree of today's tree: its rows are
read by those whose subtrees held it on its last day (the tree it was last in, as today's tree is
for the units that remain).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import cast

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from pacer.audit.query import AuditAsk
from pacer.auth.permissions import AUDIT, Actor, restrict, visible_unit_ids, visible_units
from pacer.models import AuditEntry, Unit
from pacer.org.repository import roots_on, subtree_select


def group_wide(session: Session, actor: Actor) -> bool:
    if actor.is_system:
        return True
    granted = set(actor.roots_for(AUDIT))
    roots = {unit.id for unit in roots_on(session, date.today())}
    return bool(granted) and roots <= granted


# Past this many units, a subtree's rows are dense among the newest: reading the trail newest
# first and keeping the subtree's is quicker than gathering every row of each unit and sorting.
DENSE = 20


def _unit_column(many: bool) -> ColumnElement[int]:
    """The row's unit, as an index would find it (few units) or not (many: ``+ 0`` keeps the
    database reading newest first)."""
    return cast("ColumnElement[int]", AuditEntry.unit_id + 0 if many else AuditEntry.unit_id)


def visible(
    session: Session, actor: Actor, stmt: Select[tuple[AuditEntry]], newest: bool = False
) -> Select[tuple[AuditEntry]]:
    """``stmt`` kept to the rows the actor may read; ``newest``: the rows are wanted newest first
    with no filter an index serves better (a unit-month, an indicator)."""
    if group_wide(session, actor):
        return stmt
    many = newest and len(visible_unit_ids(session, actor, AUDIT) or ()) > DENSE
    gone = dissolved_in_sight(session, actor)
    if not gone:
        # rows about no unit (None) are never in a subtree, so they stay out
        return restrict(stmt, actor, _unit_column(many), AUDIT)
    column = _unit_column(many)
    return stmt.where(or_(column.in_(visible_units(actor, AUDIT)), column.in_(gone)))


def dissolved_in_sight(session: Session, actor: Actor) -> list[int]:
    """The units dissolved before today that were in the actor's audit subtrees on their last day."""
    today = date.today()
    last_days: dict[date, set[int]] = {}
    for unit_id, last in session.execute(select(Unit.id, Unit.dissolved_on).where(Unit.dissolved_on < today)):
        last_days.setdefault(last, set()).add(unit_id)
    seen: set[int] = set()
    for last, ids in last_days.items():
        seen |= ids & (visible_unit_ids(session, actor, AUDIT, last) or ids)
    return sorted(seen)


def search(session: Session, actor: Actor, ask: AuditAsk, unit_id: int | None, limit: int) -> list[AuditEntry]:
    """Newest first, the rows passing ``ask``, below its cursor; ``limit`` of them."""
    stmt = select(AuditEntry)
    dense = not ask.indicator and not ask.period
    if unit_id is not None:
        ids = list(session.scalars(subtree_select([unit_id], date.today())))
        stmt = stmt.where(_unit_column(len(ids) > DENSE and dense).in_(ids))
    if ask.indicator:
        stmt = stmt.where(AuditEntry.indicator == ask.indicator)
    if ask.period:
        stmt = stmt.where(AuditEntry.period == ask.period)
    if ask.person:
        stmt = stmt.where(AuditEntry.actor == ask.person)
    if ask.kind:
        stmt = stmt.where(AuditEntry.entity == ask.kind)
    if ask.since is not None:
        stmt = stmt.where(AuditEntry.at >= ask.since)
    if ask.until is not None:
        stmt = stmt.where(AuditEntry.at < ask.until)
    if ask.before:
        stmt = stmt.where(AuditEntry.id < ask.before)
    stmt = visible(session, actor, stmt, dense).order_by(AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def about_figure(session: Session, actor: Actor, unit_id: int, indicator: str, period: int) -> list[AuditEntry]:
    """Oldest first: the figure's own rows and its unit-month's (the submission's saves, verbs,
    explanations), as far as the actor may read them."""
    stmt = select(AuditEntry).where(
        AuditEntry.unit_id == unit_id,
        AuditEntry.period == period,
        (AuditEntry.indicator == indicator) | AuditEntry.indicator.is_(None),
    )
    return list(session.scalars(visible(session, actor, stmt).order_by(AuditEntry.id)))


def unit_by_code(session: Session, actor: Actor, code: str) -> Unit | None:
    """A unit whose trail the actor may read (None: unknown or out of sight, alike)."""
    stmt = select(Unit).where(Unit.code == code)
    if not group_wide(session, actor):
        gone = dissolved_in_sight(session, actor)
        stmt = stmt.where(or_(Unit.id.in_(visible_units(actor, AUDIT)), Unit.id.in_(gone)))
    return session.scalar(stmt)


def unit_codes(session: Session, ids: Sequence[int]) -> dict[int, Unit]:
    """The units the rows shown name (ids already read through the rule)."""
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(set(ids))))}
