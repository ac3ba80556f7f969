"""Every query of the workflow machinery; unit-scoped ones through the visibility rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, ROLE_ACTIONS, Actor, restrict, visible_unit_ids
from pacer.errors import NotFound
from pacer.models import RoleGrant, UnitLeader, UnitParentage, User, WorkflowEvent, WorkflowItem
from pacer.org.repository import parentage_on, tree_on
from pacer.workflow.transitions import Transition, Workflow


def item(session: Session, workflow: Workflow, item_id: int, actor: Actor) -> WorkflowItem:
    """One item the actor may see; any other is not found (as if it did not exist)."""
    stmt = select(WorkflowItem).where(WorkflowItem.id == item_id, WorkflowItem.workflow == workflow.name)
    found = session.scalar(restrict(stmt, actor, WorkflowItem.unit_id, READ))
    if found is None:
        raise NotFound(f"no {workflow.name} item {item_id}")
    return found


def ancestors(session: Session, unit_id: int, tree: dict[int, int | None] | None = None) -> list[int]:
    """The unit and the units above it, nearest first (today's tree)."""
    tree = tree_on(session, date.today()) if tree is None else tree
    chain, seen = [unit_id], {unit_id}
    while (parent := tree.get(chain[-1])) is not None and parent not in seen:
        chain.append(parent)
        seen.add(parent)
    return chain


def unit_for(session: Session, transition: Transition, unit_id: int) -> int | None:
    """The unit a verb's permission is checked on: the item's own, or its parent's."""
    if transition.on == "unit":
        return unit_id
    chain = ancestors(session, unit_id)
    return chain[1] if len(chain) > 1 else None


def holders(session: Session, actions: Iterable[str], unit_chain: list[int]) -> set[int]:
    """Ids of the users who may take one of ``actions`` on the first unit of ``unit_chain`` (the
    unit and those above it): a grant of a role with that action on any of them."""
    roles = [role for role, can in ROLE_ACTIONS.items() if can & set(actions)]
    if not roles or not unit_chain:
        return set()
    stmt = (
        select(RoleGrant.user_id)
        .join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role.in_(roles), RoleGrant.unit_id.in_(unit_chain), User.is_active.is_(True))
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
