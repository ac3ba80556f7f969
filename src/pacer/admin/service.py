"""User administration, limited to the subtrees the administrator administers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth import repository, service
from pacer.auth.permissions import ADMINISTER, Actor, visible_unit_ids
from pacer.auth.sessions import end_sign_ins, set_password
from pacer.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from pacer.models import ROLES, SIGN_INS, RoleGrant, Unit, User
from pacer.org.repository import roots_on


class Refused(Conflict):
    """A change refused for the administrator's safety; pages show it in the reader's language
    (``admin.refused.<key>``), the API in English."""

    def __init__(self, key: str, message: str, **values: str) -> None:
        super().__init__(message)
        self.key, self.values = key, values


@dataclass(frozen=True)
class UserRow:
    user: User
    grants: list[tuple[RoleGrant, Unit]]


def require_admin(actor: Actor) -> None:
    if not actor.is_system and not actor.roots_for(ADMINISTER):
        raise Forbidden("only administrators manage users and roles")


def administers_everything(session: Session, actor: Actor) -> bool:
    """Whether ``actor`` administers the whole group: every root unit of today's tree."""
    if actor.is_system:
        return True
    administered = visible_unit_ids(session, actor, ADMINISTER) or set()
    roots = roots_on(session, date.today())
    return bool(roots) and all(root.id in administered for root in roots)


def _rows(session: Session, users: list[User]) -> list[UserRow]:
    by_user: dict[int, list[tuple[RoleGrant, Unit]]] = {}
    for grant, unit in repository.grants_of_users(session, [u.id for u in users]):
        by_user.setdefault(grant.user_id, []).append((grant, unit))
    return [UserRow(u, by_user.get(u.id, [])) for u in users]


def list_users(session: Session, actor: Actor, limit: int = 50, offset: int = 0) -> tuple[int, list[UserRow]]:
    """The users ``actor`` administers, each with every grant they hold."""
    require_admin(actor)
    total, users = repository.users_in_scope(
        session, actor, limit, offset, everything=administers_everything(session, actor)
    )
    return total, _rows(session, users)


def get_user(session: Session, actor: Actor, username: str) -> UserRow:
    """One user ``actor`` administers; anyone else is 'no user' alike, so names cannot be probed."""
    require_admin(actor)
    _total, users = repository.users_in_scope(
        session, actor, 1, 0, username=username, everything=administers_everything(session, actor)
    )
    if not users:
        raise NotFound(f"no user '{username}' that you administer")
    return _rows(session, users)[0]


def create_user(
    session: Session,
    actor: Actor,
    username: str,
    display_name: str,
    password: str,
    language: str = "zh",
    role: str | None = None,
    unit_code: str | None = None,
    sign_in: str = "local",
) -> User:
    """A new user with an initial password, or one who signs in through OpenID Connect or LDAP
    (no password; linked to the provider's identity at the first sign-in). An administrator of a
    subtree must give the user a role on a unit there at once: a user without grants is the whole
    group's administrators' to manage."""
    require_admin(actor)
    _check_sign_in(sign_in, password)
    username = username.strip()
    if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise ValidationFailed(
            [Problem("letters, digits, '.', '_' or '-', at most 64", field="username")], source="user"
        )
    if not display_name.strip():
        raise ValidationFailed([Problem("a name is needed", field="display_name")], source="user")
    role, unit_code = (role or "").strip() or None, (unit_code or "").strip() or None
    if (role is None) != (unit_code is None):
        raise ValidationFailed(
            [
                Problem(
                    "give both a role and a unit code, or neither", field="unit_code" if unit_code is None else "role"
                )
            ],
            source="user",
        )
    if role is None and not administers_everything(session, actor):
        raise ValidationFailed(
            [
                Problem(
                    "an administrator of a subtree gives a new user a role on a unit they administer", field="unit_code"
                )
            ],
            source="user",
        )
    unit = _administered_unit(session, actor, role, unit_code) if role is not None and unit_code else None
    user = service.add_user(
        session, username, display_name.strip(), [], actor=actor.username, language=language, sign_in=sign_in
    )
    if sign_in == "local":
        set_password(session, user, password, actor=actor.username)
    if role is not None and unit is not None:
        service.grant_role(session, user, role, unit.code, actor=actor.username)
    return user


def _administered_unit(session: Session, actor: Actor, role: str, unit_code: str) -> Unit:
    if role not in ROLES:
        raise ValidationFailed([Problem(f"unknown role '{role}'", field="role")], source="grant")
    unit = repository.visible_unit_by_code(session, actor, unit_code.strip(), ADMINISTER)
    if unit is None:
        raise NotFound(f"no unit '{unit_code}' that you administer")
    return unit


def add_grant(session: Session, actor: Actor, username: str, role: str, unit_code: str) -> RoleGrant:
    row = get_user(session, actor, username)
    unit = _administered_unit(session, actor, role, unit_code)
    exists = session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.user_id == row.user.id, RoleGrant.role == role, RoleGrant.unit_id == unit.id
        )
    )
    if exists is not None:
        raise Conflict(f"'{username}' already holds {role} on '{unit.code}'")
    return service.grant_role(session, row.user, role, unit.code, actor=actor.username)


def remove_grant(session: Session, actor: Actor, username: str, grant_id: int) -> None:
    row = get_user(session, actor, username)
    found = next(((g, u) for g, u in row.grants if g.id == grant_id), None)
    if found is None:
        raise NotFound("no such grant")
    grant, unit = found
    if grant.role == "group_admin":
        if row.user.id == actor.user_id:
            remaining = Actor(
                actor.username, actor.user_id, tuple(g for g in actor.grants if g != (grant.role, grant.unit_id))
            )
            if visible_unit_ids(session, remaining, ADMINISTER) != visible_unit_ids(session, actor, ADMINISTER):
                raise Refused(
                    "own_administration", "you cannot take back your own administration; another administrator can"
                )
        if (
            _is_root(session, unit.id)
            and repository.active_administrators_of(session, unit.id, except_grant=grant.id) == 0
        ):
            raise _last_administrator(username, unit.code)
    service.revoke_role(session, row.user, grant.role, unit.code, actor=actor.username)


def _last_administrator(username: str, unit_code: str) -> Refused:
    return Refused(
        "last_administrator",
        f"'{username}' is the last administrator of '{unit_code}'; grant the role to someone else first",
        username=username,
        unit=unit_code,
    )


def _is_root(session: Session, unit_id: int) -> bool:
    return any(root.id == unit_id for root in roots_on(session, date.today()))


def reset_password(session: Session, actor: Actor, username: str, password: str) -> None:
    set_password(session, get_user(session, actor, username).user, password, actor=actor.username)


def set_active(session: Session, actor: Actor, username: str, active: bool) -> None:
    row = get_user(session, actor, username)
    user = row.user
    if user.username == actor.username and not active:
        raise Refused("deactivate_self", "you cannot deactivate yourself")
    if not active:
        for grant, unit in row.grants:
            if (
                grant.role == "group_admin"
                and _is_root(session, unit.id)
                and repository.active_administrators_of(session, unit.id, except_user=user.id) == 0
            ):
                raise _last_administrator(username, unit.code)
    before = user.is_active
    user.is_active = active
    if not active:
        end_sign_ins(session, user)
    record(
        session,
        actor.username,
        "user.activate" if active else "user.deactivate",
        "user",
        username,
        {"is_active": before},
        {"is_active": active},
    )
    session.flush()


def set_email(session: Session, actor: Actor, username: str, email: str) -> None:
    """The address e-mail notifications go to (empty: none); audited."""
    user = get_user(session, actor, username).user
    email = email.strip()
    if email and (len(email) > 200 or email.count("@") != 1 or any(c.isspace() for c in email)):
        raise ValidationFailed([Problem(f"'{email[:60]}' is not an e-mail address", field="email")], "user")
    before, user.email = user.email, email or None
    record(session, actor.username, "user.email", "user", username, {"email": before}, {"email": user.email})
    session.flush()


def set_sign_in(session: Session, actor: Actor, username: str, sign_in: str, password: str = "") -> None:
    """How the user signs in from now on; audited. Moving to local takes a new password; moving to
    OpenID Connect or LDAP drops the password and the link to any provider's identity (made anew at
    the next sign-in through it). Their sessions end either way."""
    user = get_user(session, actor, username).user
    _check_sign_in(sign_in, password)
    before = {"sign_in": user.sign_in, "linked": user.external_id is not None}
    user.sign_in, user.external_id = sign_in, None
    session.flush()
    if sign_in == "local":
        set_password(session, user, password, actor=actor.username)
    else:
        user.password_hash = None
    end_sign_ins(session, user)
    record(session, actor.username, "user.sign_in", "user", username, before, {"sign_in": sign_in, "linked": False})
    session.flush()


def _check_sign_in(sign_in: str, password: str) -> None:
    if sign_in not in SIGN_INS:
        raise ValidationFailed([Problem(f"sign-in must be one of {', '.join(SIGN_INS)}", field="sign_in")], "user")
    if sign_in != "local" and password:
        raise ValidationFailed([Problem(f"a user signing in by {sign_in} has no password", field="password")], "user")
