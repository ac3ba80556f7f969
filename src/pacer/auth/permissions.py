"""The one visibility rule: an actor sees the subtrees of the units granted, nothing else.

Every repository query that returns unit-scoped rows goes through ``restrict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import QueryableAttribute, Session

from pacer.errors import Forbidden, NotFound
from pacer.models import RoleGrant, User
from pacer.org.repository import roots_on, subtree_select

Columns = TypeVar("Columns", bound=tuple[Any, ...])  # what a restricted query selects

READ, REPORT, APPROVE, ACCEPT, SET_TARGETS, SUPERVISE, QUALITY, ADMINISTER, CONFIGURE = (
    "read",
    "report",
    "approve",
    "accept",
    "set_targets",
    "supervise",
    "quality",
    "administer",
    "configure",  # the group's configuration: indicators, units of measure, categories
)

AUDIT = "audit"  # read the audit trail: HQ for the group, a unit's approvers for their subtree
AUTHOR = "author"  # write and submit a unit's reports: HQ's planning and finance analysts, unit reporters
# enter the intra-group amounts eliminated at a consolidating unit: those who report its figures and
# HQ's planning and finance analysts, each within the subtrees granted
ELIMINATE = "eliminate"

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "group_admin": frozenset(
        {
            READ,
            REPORT,
            APPROVE,
            ACCEPT,
            SET_TARGETS,
            SUPERVISE,
            QUALITY,
            ADMINISTER,
            CONFIGURE,
            AUDIT,
            AUTHOR,
            ELIMINATE,
        }
    ),
    "hq_analyst": frozenset({READ, ACCEPT, SET_TARGETS, CONFIGURE, AUDIT, AUTHOR, ELIMINATE}),
    "supervisor": frozenset({READ, SUPERVISE}),
    "unit_reporter": frozenset({READ, REPORT, AUTHOR, ELIMINATE}),
    "unit_approver": frozenset({READ, APPROVE, AUDIT}),
    "quality_engineer": frozenset({READ, QUALITY}),
    "viewer": frozenset({READ}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, with their grants as (role, unit id) pairs."""

    username: str
    user_id: int | None = None
    grants: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    is_system: bool = False

    def roots_for(self, action: str) -> list[int]:
        return sorted({unit for role, unit in self.grants if action in ROLE_ACTIONS[role]})


SYSTEM = Actor(username="system", is_system=True)


def load_actor(session: Session, username: str) -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        raise NotFound(f"no active user '{username}'")
    grants = session.execute(select(RoleGrant.role, RoleGrant.unit_id).where(RoleGrant.user_id == user.id)).all()
    return Actor(username=user.username, user_id=user.id, grants=tuple((r, u) for r, u in grants))


def visible_units(actor: Actor, action: str = READ, on: date | None = None) -> Select[tuple[int]]:
    """Ids of every unit in the subtrees where ``actor`` may do ``action`` (today's tree)."""
    return subtree_select(actor.roots_for(action), on or date.today())


def restrict(
    stmt: Select[Columns],
    actor: Actor,
    unit_column: ColumnElement[int] | QueryableAttribute[int],
    action: str = READ,
    on: date | None = None,
) -> Select[Columns]:
    if actor.is_system:
        return stmt
    return stmt.where(unit_column.in_(visible_units(actor, action, on)))


def visible_unit_ids(session: Session, actor: Actor, action: str = READ, on: date | None = None) -> set[int] | None:
    """The ids as a set; None means 'everything' (the system actor)."""
    if actor.is_system:
        return None
    return set(session.scalars(visible_units(actor, action, on)))


def require(session: Session, actor: Actor, action: str, unit_id: int) -> None:
    ids = visible_unit_ids(session, actor, action)
    if ids is not None and unit_id not in ids:
        # Same answer whether the unit exists or not, so ids cannot be probed.
        raise Forbidden(f"not allowed to {action} this unit")


def may_configure(session: Session, actor: Actor) -> bool:
    """Whether ``actor`` may change the group's configuration: a role that configures, granted
    at the group (a root of today's tree), not at a unit below it."""
    if actor.is_system:
        return True
    granted = set(actor.roots_for(CONFIGURE))
    return bool(granted) and bool(granted & {unit.id for unit in roots_on(session, date.today())})


def require_configure(session: Session, actor: Actor) -> None:
    if not may_configure(session, actor):
        raise Forbidden(
            "only a group administrator or an HQ analyst (granted at the group) may change the "
            "indicator library, units of measure and categories"
        )
