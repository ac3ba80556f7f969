"""Queries on sign-in sessions, sign-in attempts and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import ADMINISTER, READ, Actor, restrict
from pacer.models import ApiToken, LoginAttempt, RoleGrant, Unit, User, WebSession


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def session_with_user(session: Session, session_id: str, now: datetime) -> tuple[WebSession, User] | None:
    row = session.execute(
        select(WebSession, User).join(User, User.id == WebSession.user_id)
        .where(WebSession.id == session_id, WebSession.expires_at > now, User.is_active.is_(True))
    ).first()
    return (row[0], row[1]) if row else None


# SQLite hands datetimes back without a zone; evaluating a bulk delete in Python against loaded
# rows would compare naive with aware values, so the identity map is not synchronised here.
_NO_SYNC = {"synchronize_session": False}


def delete_sessions(session: Session, user_id: int, keep: str | None = None) -> None:
    stmt = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(WebSession.id != keep)
    session.execute(stmt, execution_options=_NO_SYNC)


def delete_expired_sessions(session: Session, now: datetime) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at <= now), execution_options=_NO_SYNC)


def recent_failures(session: Session, username: str, ip: str, since: datetime) -> int:
    """Failures since ``since`` that came after the last success of the same username and address."""
    last_success = (
        select(func.max(LoginAttempt.at))
        .where(LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(True))
        .scalar_subquery()
    )
    return session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > since, LoginAttempt.at > func.coalesce(last_success, since),
        )
    ) or 0


def token_with_user(session: Session, token_hash: str, now: datetime) -> tuple[ApiToken, User] | None:
    row = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(
            ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None), User.is_active.is_(True),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
        )
    ).first()
    return (row[0], row[1]) if row else None


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def token_of(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))


def visible_unit_by_code(session: Session, actor: Actor, code: str, action: str = READ) -> Unit | None:
    """The unit if ``actor`` may do ``action`` on it. None both when it does not exist and when
    it lies outside the actor's subtrees, so callers answer both alike and codes cannot be probed."""
    return session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, action))


def users_in_scope(session: Session, actor: Actor, limit: int, offset: int,
                   username: str | None = None) -> tuple[int, list[User]]:
    """Users holding a grant inside the actor's administered subtrees, and users with no grant."""
    granted_here = restrict(select(RoleGrant.user_id), actor, RoleGrant.unit_id, ADMINISTER)
    no_grant = ~select(RoleGrant.id).where(RoleGrant.user_id == User.id).exists()
    stmt = select(User).where(User.id.in_(granted_here) | no_grant)
    if username is not None:
        stmt = stmt.where(User.username == username)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return total, list(session.scalars(stmt.order_by(User.username).limit(limit).offset(offset)))


def grants_in_scope(session: Session, actor: Actor, user_ids: list[int]) -> list[tuple[RoleGrant, Unit]]:
    stmt = (select(RoleGrant, Unit).join(Unit, Unit.id == RoleGrant.unit_id)
            .where(RoleGrant.user_id.in_(user_ids)).order_by(Unit.code, RoleGrant.role))
    return [(g, u) for g, u in session.execute(restrict(stmt, actor, RoleGrant.unit_id, ADMINISTER)).all()]
