"""Every query of the workflow machinery; unit-scoped ones through the visibility rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, false, func, literal, or_, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, ROLE_ACTIONS, Actor, restrict, visible_unit_ids
from pacer.errors import NotFound
from pacer.models import RoleGrant, Unit, UnitLeader, UnitParentage, User, WorkflowEvent, WorkflowItem
from pacer.org.repository import parentage_on
from pacer.workflow.transitions import Transition, Workflow


def item(session: Session, workflow: Workflow, item_id: int, actor: Actor) -> WorkflowItem:
    """One item the actor may see; any other is not found (as if it did not exist)."""
    stmt = select(WorkflowItem).where(WorkflowItem.id == item_id, WorkflowItem.workflow == workflow.name)
    found = session.scalar(restrict(stmt, actor, WorkflowItem.unit_id, READ))
    if found is None:
        raise NotFound(f"no {workflow.name} item {item_id}")
    return found


def ancestors(session: Session, unit_id: int, tree: dict[int, int | None] | None = None) -> list[int]:
    """The unit and the units above it, nearest first (today's tree; ``tree``: a tree read
    already, for many units at once)."""
    if tree is None:
        return _ancestors(session, unit_id)
    chain, seen = [unit_id], {unit_id}
    while (parent := tree.get(chain[-1])) is not None and parent not in seen:
        chain.append(parent)
        seen.add(parent)
    return chain


MAX_DEPTH = 64  # deeper than any group's tree: a cycle in bad data ends the walk up


def _ancestors(session: Session, unit_id: int) -> list[int]:
    """:func:`ancestors` of one unit by one recursive query up its own branch, rather than
    reading the whole tree (a thousand rows) for the few units above it."""
    chain: list[int] = []
    for unit in session.scalars(_up(date.today()), {"unit": unit_id}):
        if unit in chain:
            break
        chain.append(unit)
    return chain


@lru_cache(maxsize=8)
def _up(on: date) -> Select[tuple[int]]:
    """The units up from the one bound as ``unit``, nearest first (built once a day: see
    :data:`pacer.org.repository.CACHED`)."""
    start = select(bindparam("unit", type_=Integer).label("id"), literal(0, Integer).label("depth"))
    up = start.cte("up", recursive=True)
    step = (
        select(UnitParentage.parent_id, up.c.depth + 1)
        .join(up, UnitParentage.unit_id == up.c.id)
        .where(parentage_on(on), UnitParentage.parent_id.is_not(None), up.c.depth < MAX_DEPTH)
    )
    up = up.union_all(step)
    return select(up.c.id).order_by(up.c.depth)


def unit_for(session: Session, transition: Transition, unit_id: int) -> int | None:
    """The unit a verb's permission is checked on: the item's own, or its parent's (today's tree)."""
    if transition.on == "unit":
        return unit_id
    stmt = select(UnitParentage.parent_id).where(UnitParentage.unit_id == unit_id, parentage_on(date.today()))
    parent = session.scalar(stmt)
    return None if parent == unit_id else parent


def may(session: Session, actor: Actor, action: str, unit_id: int) -> bool:
    """Whether ``actor`` holds ``action`` on the unit: one row read through the visibility rule
    (not every unit of the actor's subtrees)."""
    if actor.is_system:
        return True
    return session.scalar(restrict(select(Unit.id).where(Unit.id == unit_id), actor, Unit.id, action)) is not None


def holders(session: Session, actions: Iterable[str], unit_chain: list[int]) -> set[int]:
    """Ids of the users who may take one of ``actions`` on the first unit of ``unit_chain`` (the
    unit and those above it): a grant of a role with that action on any of them."""
    return holders_of(session, [(actions, unit_chain)])


def holders_of(session: Session, wanted: Iterable[tuple[Iterable[str], list[int]]]) -> set[int]:
    """:func:`holders` of each (actions, unit chain) in ``wanted``, together, in one query."""
    conditions = []
    for actions, unit_chain in wanted:
        roles = [role for role, can in ROLE_ACTIONS.items() if can & set(actions)]
        if roles and unit_chain:
            conditions.append(and_(RoleGrant.role.in_(roles), RoleGrant.unit_id.in_(unit_chain)))
    if not conditions:
        return set()
    stmt = (
        select(RoleGrant.user_id)
        .join(User, User.id == RoleGrant.user_id)
        .where(or_(*conditions), User.is_active.is_(True))
    )
    return set(session.scalars(stmt))


def main_leaders(session: Session, unit_id: int, on: date) -> set[int]:
    """Ids of the active users who are the unit's main leader (主要领导) on ``on``."""
    stmt = (
        select(User.id)
        .join(UnitLeader, UnitLeader.person_id == User.person_id)
        .where(
            UnitLeader.unit_id == unit_id,
            UnitLeader.role == "main_leader",
            or_(UnitLeader.valid_from.is_(None), UnitLeader.valid_from <= on),
            or_(UnitLeader.valid_to.is_(None), UnitLeader.valid_to > on),
            User.is_active.is_(True),
        )
    )
    return set(session.scalars(stmt))


def user_ids(session: Session, usernames: Iterable[str]) -> set[int]:
    return set(session.scalars(select(User.id).where(User.username.in_(set(usernames)))))


def actors_of(session: Session, item_id: int) -> set[int]:
    """Ids of the users who took a verb on the item (its history's actors)."""
    stmt = select(User.id).join(WorkflowEvent, WorkflowEvent.actor == User.username)
    return set(session.scalars(stmt.where(WorkflowEvent.item_id == item_id)))


def history(session: Session, item_id: int) -> list[WorkflowEvent]:
    stmt = select(WorkflowEvent).where(WorkflowEvent.item_id == item_id).order_by(WorkflowEvent.id)
    return list(session.scalars(stmt))


def _may_act(workflow: Workflow, t: Transition, units: set[int]) -> ColumnElement[bool]:
    """Items of ``workflow`` in a state where ``t`` may be taken by someone holding its action on ``units``."""
    if t.on == "above":
        today = date.today()
        children = select(UnitParentage.unit_id).where(parentage_on(today), UnitParentage.parent_id.in_(units))
        where = WorkflowItem.unit_id.in_(children)
    else:
        where = WorkflowItem.unit_id.in_(units)
    return and_(WorkflowItem.workflow == workflow.name, WorkflowItem.state.in_(t.sources), where)


def queue(
    session: Session, actor: Actor, workflows: Iterable[Workflow], limit: int, offset: int
) -> tuple[int, list[WorkflowItem]]:
    """(total, one page of) the open items awaiting a verb the actor may take, soonest due first."""
    pairs = [(w, t) for w in workflows for t in w.transitions if t.awaits]
    if actor.is_system:
        condition: ColumnElement[bool] = or_(
            false(), *(and_(WorkflowItem.workflow == w.name, WorkflowItem.state.in_(t.sources)) for w, t in pairs)
        )
    else:
        # one set per action (each a recursive query of the visibility rule), shared by the verbs
        units = {a: visible_unit_ids(session, actor, a) or set() for a in {t.action for _, t in pairs}}
        condition = or_(false(), *(_may_act(w, t, units[t.action]) for w, t in pairs))
    total = session.scalar(select(func.count()).select_from(WorkflowItem).where(condition))
    stmt = (
        select(WorkflowItem)
        .where(condition)
        .order_by(WorkflowItem.due_at.is_(None), WorkflowItem.due_at, WorkflowItem.id)
        .limit(limit)
        .offset(offset)
    )
    return int(total or 0), list(session.scalars(stmt))
