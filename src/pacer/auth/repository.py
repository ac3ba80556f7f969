"""Queries on sign-in sessions, sign-in attempts and API tokens."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Select, delete, func, select, update
from sqlalchemy.orm import Session

from pacer.auth.permissions import ADMINISTER, READ, Actor, Columns, restrict, visible_units
from pacer.models import ApiToken, LoginAttempt, RoleGrant, Unit, User, WebSession


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def display_names(session: Session, usernames: Collection[str]) -> dict[str, str]:
    """Username -> the person's name, for the people a record names (who wrote, signed, acted)."""
    wanted = [u for u in set(usernames) if u]
    if not wanted:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(wanted)))
    return {username: name or username for username, name in rows}


def session_with_user(session: Session, session_id: str, now: datetime) -> tuple[WebSession, User] | None:
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.id == session_id, WebSession.expires_at > now, User.is_active.is_(True))
    ).first()
    return (row[0], row[1]) if row else None


def signed_in(
    session: Session, session_id: str, now: datetime, *also: ColumnElement[Any]
) -> tuple[WebSession, User, tuple[tuple[str, int], ...], tuple[Any, ...]] | None:
    """A live session, its active user and the user's grants (role, unit id), with the values of
    ``also`` (columns of the caller's: scalar subqueries, which may name ``User.id``), in one
    statement: it runs on every request."""
    rows = session.execute(
        select(WebSession, User, RoleGrant.role, RoleGrant.unit_id, *also)
        .join(User, User.id == WebSession.user_id)
        .outerjoin(RoleGrant, RoleGrant.user_id == User.id)
        .where(WebSession.id == session_id, WebSession.expires_at > now, User.is_active.is_(True))
        .order_by(RoleGrant.id)
    ).all()
    if not rows:
        return None
    grants = tuple((row[2], row[3]) for row in rows if row[2] is not None)
    return rows[0][0], rows[0][1], grants, tuple(rows[0][4:])


# SQLite hands datetimes back without a zone; evaluating a bulk delete in Python against loaded
# rows would compare naive with aware values, so the identity map is not synchronised here.
_NO_SYNC = {"synchronize_session": False}


def delete_sessions(session: Session, user_id: int, keep: str | None = None) -> None:
    stmt = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(WebSession.id != keep)
    session.execute(stmt, execution_options=_NO_SYNC)


def revoke_tokens(session: Session, user_id: int, now: datetime) -> int:
    """Revoke every live token of the user; the number revoked."""
    result = session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now),
        execution_options=_NO_SYNC,
    )
    return cast(CursorResult[Any], result).rowcount or 0  # an UPDATE answers with a cursor result


def delete_expired_sessions(session: Session, now: datetime) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at <= now), execution_options=_NO_SYNC)


def delete_attempts_before(session: Session, cutoff: datetime) -> int:
    """Delete the sign-in attempts made before ``cutoff``; how many."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff), execution_options=_NO_SYNC)
    return cast(CursorResult[Any], result).rowcount or 0


def failure_streak(session: Session, username: str, ip: str | None, since: datetime) -> tuple[int, datetime | None]:
    """Failed sign-ins of ``username`` since ``since`` and after its last success — from ``ip``
    alone when given, else from every address: how many, and the latest."""

    def same(stmt: Select[Columns]) -> Select[Columns]:
        stmt = stmt.where(LoginAttempt.username == username)
        return stmt.where(LoginAttempt.ip == ip) if ip is not None else stmt

    last_success = same(select(func.max(LoginAttempt.at)).where(LoginAttempt.succeeded.is_(True))).scalar_subquery()
    count, latest = session.execute(
        same(
            select(func.count(), func.max(LoginAttempt.at)).where(
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at > since,
                LoginAttempt.at > func.coalesce(last_success, since),
            )
        )
    ).one()
    if latest is not None and latest.tzinfo is None:  # SQLite keeps no zone; every stamp is UTC
        latest = latest.replace(tzinfo=UTC)
    return count or 0, latest


def signed_in_from(session: Session, username: str, ip: str, since: datetime) -> bool:
    """Whether ``username`` signed in successfully from ``ip`` since ``since``."""
    return (
        session.scalar(
            select(LoginAttempt.id)
            .where(
                LoginAttempt.username == username,
                LoginAttempt.ip == ip,
                LoginAttempt.succeeded.is_(True),
                LoginAttempt.at > since,
            )
            .limit(1)
        )
        is not None
    )


def token_with_user(
    session: Session, token_hash: str, now: datetime, created_after: datetime
) -> tuple[ApiToken, User] | None:
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == token_hash,
            ApiToken.revoked_at.is_(None),
            User.is_active.is_(True),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
            ApiToken.created_at > created_after,
        )
    ).first()
    return (row[0], row[1]) if row else None


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_of(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))


def visible_unit_by_code(session: Session, actor: Actor, code: str, action: str = READ) -> Unit | None:
    """The unit if ``actor`` may do ``action`` on it. None both when it does not exist and when
    it lies outside the actor's subtrees, so callers answer both alike and codes cannot be probed."""
    return session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, action))


def users_in_scope(
    session: Session, actor: Actor, limit: int, offset: int, username: str | None = None, everything: bool = False
) -> tuple[int, list[User]]:
    """The users ``actor`` administers. An administrator of the whole group (``everything``)
    administers every user; a subtree administrator only users who hold at least one grant and
    every grant inside the subtrees they administer, so no account that sees more than they do
    (nor a grant-less account that may be given more later) is theirs to take over."""
    stmt = select(User)
    if not everything:
        inside = visible_units(actor, ADMINISTER)
        grants = select(RoleGrant.id).where(RoleGrant.user_id == User.id)
        stmt = stmt.where(grants.exists(), ~grants.where(RoleGrant.unit_id.not_in(inside)).exists())
    if username is not None:
        stmt = stmt.where(User.username == username)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return total, list(session.scalars(stmt.order_by(User.username).limit(limit).offset(offset)))


def grants_of_users(session: Session, user_ids: list[int]) -> list[tuple[RoleGrant, Unit]]:
    """Every grant of these users (an administrator sees all of a user's roles)."""
    stmt = (
        select(RoleGrant, Unit)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.user_id.in_(user_ids))
        .order_by(Unit.code, RoleGrant.role)
    )
    return [(g, u) for g, u in session.execute(stmt).all()]


def active_administrators_of(
    session: Session, unit_id: int, except_grant: int | None = None, except_user: int | None = None
) -> int:
    """Active users holding group_admin on the unit itself, leaving out one grant or one user."""
    stmt = (
        select(func.count())
        .select_from(RoleGrant)
        .join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.unit_id == unit_id, RoleGrant.role == "group_admin", User.is_active.is_(True))
    )
    if except_grant is not None:
        stmt = stmt.where(RoleGrant.id != except_grant)
    if except_user is not None:
        stmt = stmt.where(RoleGrant.user_id != except_user)
    return session.scalar(stmt) or 0
