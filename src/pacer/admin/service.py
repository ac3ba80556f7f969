"""User administration, limited to the subtrees the administrator administers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth import repository, service
from pacer.auth.permissions import ADMINISTER, Actor
from pacer.auth.sessions import set_password
from pacer.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from pacer.models import ROLES, RoleGrant, Unit, User


@dataclass(frozen=True)
class UserRow:
    user: User
    grants: list[tuple[RoleGrant, Unit]]


def require_admin(actor: Actor) -> None:
    if not actor.is_system and not actor.roots_for(ADMINISTER):
        raise Forbidden("only administrators manage users and roles")


def list_users(session: Session, actor: Actor, limit: int = 50, offset: int = 0) -> tuple[int, list[UserRow]]:
    require_admin(actor)
    total, users = repository.users_in_scope(session, actor, limit, offset)
    grants = repository.grants_in_scope(session, actor, [u.id for u in users])
    by_user: dict[int, list[tuple[RoleGrant, Unit]]] = {}
    for grant, unit in grants:
        by_user.setdefault(grant.user_id, []).append((grant, unit))
    return total, [UserRow(u, by_user.get(u.id, [])) for u in users]


def get_user(session: Session, actor: Actor, username: str) -> UserRow:
    require_admin(actor)
    _total, users = repository.users_in_scope(session, actor, 1, 0, username=username)
    user = users[0] if users else None
    if user is None:
        raise NotFound(f"no user '{username}'")
    return UserRow(user, repository.grants_in_scope(session, actor, [user.id]))


def create_user(session: Session, actor: Actor, username: str, display_name: str, password: str,
                language: str = "zh") -> User:
    require_admin(actor)
    username = username.strip()
    if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise ValidationFailed([Problem("letters, digits, '.', '_' or '-', at most 64", field="username")], source="user")
    if not display_name.strip():
        raise ValidationFailed([Problem("a name is needed", field="display_name")], source="user")
    user = service.add_user(session, username, display_name.strip(), [], actor=actor.username, language=language)
    set_password(session, user, password, actor=actor.username)
    return user


def add_grant(session: Session, actor: Actor, username: str, role: str, unit_code: str) -> RoleGrant:
    row = get_user(session, actor, username)
    if role not in ROLES:
        raise ValidationFailed([Problem(f"unknown role '{role}'", field="role")], source="grant")
    unit = repository.visible_unit_by_code(session, actor, unit_code.strip(), ADMINISTER)
    if unit is None:
        raise NotFound(f"no unit '{unit_code}' that you administer")
    exists = session.scalar(select(RoleGrant.id).where(
        RoleGrant.user_id == row.user.id, RoleGrant.role == role, RoleGrant.unit_id == unit.id))
    if exists is not None:
        raise Conflict(f"'{username}' already holds {role} on '{unit.code}'")
    return service.grant_role(session, row.user, role, unit.code, actor=actor.username)


def remove_grant(session: Session, actor: Actor, username: str, grant_id: int) -> None:
    row = get_user(session, actor, username)
    found = next(((g, u) for g, u in row.grants if g.id == grant_id), None)
    if found is None:
        raise NotFound("no such grant")
    service.revoke_role(session, row.user, found[0].role, found[1].code, actor=actor.username)


def reset_password(session: Session, actor: Actor, username: str, password: str) -> None:
    set_password(session, get_user(session, actor, username).user, password, actor=actor.username)


def set_active(session: Session, actor: Actor, username: str, active: bool) -> None:
    user = get_user(session, actor, username).user
    if user.username == actor.username and not active:
        raise Conflict("you cannot deactivate yourself")
    before = user.is_active
    user.is_active = active
    if not active:
        repository.delete_sessions(session, user.id)
    record(session, actor.username, "user.activate" if active else "user.deactivate", "user", username,
           {"is_active": before}, {"is_active": active})
    session.flush()
