"""Users and role grants; every change is audited in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.errors import Conflict, NotFound, Problem, ValidationFailed
from pacer.models import ROLES, SIGN_INS, RoleGrant, Unit, User


def parse_grant(text: str) -> tuple[str, str]:
    role, sep, unit_code = text.partition("@")
    if not sep or role not in ROLES or not unit_code:
        raise ValidationFailed(
            [Problem(f"'{text}' is not ROLE@UNIT_CODE with a role among {', '.join(ROLES)}", field="grant")]
        )
    return role, unit_code


def add_user(
    session: Session,
    username: str,
    display_name: str,
    grants: list[str],
    actor: str,
    email: str | None = None,
    language: str = "zh",
    sign_in: str = "local",
) -> User:
    if sign_in not in SIGN_INS:
        raise ValidationFailed([Problem(f"sign-in must be one of {', '.join(SIGN_INS)}", field="sign_in")])
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user '{username}' already exists")
    user = User(username=username, display_name=display_name, email=email, language=language, sign_in=sign_in)
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", username, None, {"display_name": display_name, "sign_in": sign_in})
    for text in grants:
        grant_role(session, user, *parse_grant(text), actor=actor)
    return user


def grant_role(session: Session, user: User, role: str, unit_code: str, actor: str) -> RoleGrant:
    unit = session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise NotFound(f"unknown unit '{unit_code}'")
    grant = RoleGrant(user_id=user.id, role=role, unit_id=unit.id)
    session.add(grant)
    session.flush()
    record(
        session,
        actor,
        "grant.add",
        "role_grant",
        f"{user.username}/{role}@{unit_code}",
        None,
        {"user": user.username, "role": role, "unit": unit_code},
    )
    return grant


def revoke_role(session: Session, user: User, role: str, unit_code: str, actor: str) -> None:
    grant = session.scalar(
        select(RoleGrant)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.user_id == user.id, RoleGrant.role == role, Unit.code == unit_code)
    )
    if grant is None:
        raise NotFound(f"'{user.username}' holds no {role} grant on '{unit_code}'")
    session.delete(grant)
    record(
        session,
        actor,
        "grant.remove",
        "role_grant",
        f"{user.username}/{role}@{unit_code}",
        {"user": user.username, "role": role, "unit": unit_code},
        None,
    )
    session.flush()


def list_users(session: Session) -> list[tuple[User, list[tuple[str, str]]]]:
    users = list(session.scalars(select(User).order_by(User.username)))
    rows = session.execute(
        select(RoleGrant.user_id, RoleGrant.role, Unit.code)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .order_by(Unit.code)
    ).all()
    by_user: dict[int, list[tuple[str, str]]] = {}
    for user_id, role, code in rows:
        by_user.setdefault(user_id, []).append((role, code))
    return [(u, by_user.get(u.id, [])) for u in users]


def grants_of(session: Session, user_id: int) -> list[tuple[RoleGrant, Unit]]:
    rows = session.execute(
        select(RoleGrant, Unit)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.user_id == user_id)
        .order_by(Unit.code, RoleGrant.role)
    ).all()
    return [(g, u) for g, u in rows]


def set_language(session: Session, user: User, language: str) -> None:
    if language not in ("zh", "en"):
        raise ValidationFailed([Problem("language must be zh or en", field="language")], source="language")
    user.language = language
    session.flush()
