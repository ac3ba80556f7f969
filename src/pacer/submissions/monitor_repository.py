"""The reporting monitor's queries: a handful per page whatever the size of the tree, each
unit-scoped one through the visibility rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.models import AuditEntry, RoleGrant, Submission, Unit, UnitParentage, User, WorkflowItem, keyed_entities
from pacer.org.repository import parentage_on, tree_on
from pacer.submissions.monitor_calc import StateIn, UnitIn

REMIND_ACTION = "submission.remind"
REMIND_ENTITY = "submission"
REPORTER_ROLE = "unit_reporter"


def month_units(session: Session, actor: Actor, on: date) -> dict[int, UnitIn]:
    """The units of the tree on ``on`` that the actor sees, with their parents then."""
    stmt = (
        select(Unit.id, Unit.code, Unit.name_zh, Unit.name_en, UnitParentage.parent_id)
        .join(UnitParentage, UnitParentage.unit_id == Unit.id)
        .where(parentage_on(on))
    )
    rows = session.execute(restrict(stmt, actor, Unit.id, READ))
    return {row.id: UnitIn(row.id, row.code, row.name_zh, row.name_en, row.parent_id) for row in rows}


def whole_tree(session: Session, on: date) -> dict[int, int | None]:
    """Unit id -> parent id of the whole tree on ``on``: only levels and chains of units already
    in view are read from it."""
    return tree_on(session, on)


def states(session: Session, actor: Actor, period: int) -> dict[int, StateIn]:
    """Unit id -> its submission's state and own deadline in ``period``."""
    stmt = (
        select(Submission.unit_id, Submission.state, WorkflowItem.state, WorkflowItem.due_at)
        .outerjoin(WorkflowItem, WorkflowItem.id == Submission.workflow_item_id)
        .where(Submission.period == period)
    )
    rows = session.execute(restrict(stmt, actor, Submission.unit_id, READ))
    return {unit_id: StateIn(item_state or state, due_at) for unit_id, state, item_state, due_at in rows}


def reporters(session: Session, unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """Unit id -> active users granted the reporter's role on it."""
    stmt = (
        select(RoleGrant.unit_id, RoleGrant.user_id)
        .join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role == REPORTER_ROLE, RoleGrant.unit_id.in_(sorted(set(unit_ids))), User.is_active.is_(True))
    )
    out: dict[int, set[int]] = {}
    for unit_id, user_id in session.execute(stmt):
        out.setdefault(unit_id, set()).add(user_id)
    return out


def reminded_on(session: Session, keys: Iterable[str], day: str) -> set[str]:
    """Of the submission keys (``CODE/YYYY-MM``), those whose late reminder was sent on ``day``."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    stmt = select(AuditEntry.entity_key, AuditEntry.after).where(
        AuditEntry.entity == REMIND_ENTITY,
        AuditEntry.entity_key.in_(wanted),
        AuditEntry.action == REMIND_ACTION,
        keyed_entities(),
    )
    return {key for key, after in session.execute(stmt) if (after or {}).get("day") == day}
