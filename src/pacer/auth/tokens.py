"""API tokens for machine clients: ``Authorization: Bearer pcr_…``.

The token is shown once when created; the database keeps its SHA-256 and a short prefix so the
owner can tell tokens apart.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth import repository
from pacer.auth.sessions import digest
from pacer.errors import Forbidden, NotFound, Problem, ValidationFailed
from pacer.models import ApiToken, User
from pacer.models.base import utcnow

TOKEN_PREFIX = "pcr_"
DEFAULT_MAX_DAYS = 90
# a token's last use is noted at most this often: a read then writes nothing (it works on a full disk
# and takes no write lock on SQLite)
LAST_USE_EVERY = timedelta(minutes=1)


def require_session(web_session: object | None) -> None:
    """Tokens are created from a browser sign-in only: a token that could create tokens would let
    a leaked one outlive its own revocation or expiry."""
    if web_session is None:
        raise Forbidden("API tokens are created from a signed-in browser session, not with a token")


def create_token(
    session: Session, user: User, name: str, days: int | None = None, max_days: int = DEFAULT_MAX_DAYS
) -> tuple[str, ApiToken]:
    """A new token for ``user``, valid ``days`` (at most, and by default, ``max_days``)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed([Problem("a name of 1 to 100 characters is needed", field="name")], source="token")
    if days is not None and not 1 <= days <= max_days:
        raise ValidationFailed([Problem(f"days must be between 1 and {max_days}", field="days")], source="token")
    days = days or max_days
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(raw),
        prefix=raw[:10],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    record(
        session,
        user.username,
        "token.create",
        "api_token",
        f"{user.username}/{token.id}",
        None,
        {"name": name, "prefix": token.prefix, "days": days},
    )
    return raw, token


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return repository.tokens_of(session, user.id)


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = repository.token_of(session, user.id, token_id)
    if token is None or token.revoked_at is not None:
        raise NotFound("no such active token")
    token.revoked_at = utcnow()
    record(
        session,
        user.username,
        "token.revoke",
        "api_token",
        f"{user.username}/{token.id}",
        {"name": token.name, "prefix": token.prefix},
        None,
    )
    session.flush()
    return token


def resolve_token(
    session: Session, raw: str, now: datetime | None = None, max_days: int = DEFAULT_MAX_DAYS
) -> User | None:
    """The token's user if it is live: not revoked, not expired, and not older than ``max_days``
    (so lowering the maximum shortens tokens already given out)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = now or utcnow()
    found = repository.token_with_user(session, digest(raw), now, now - timedelta(days=max_days))
    if found is None:
        return None
    token, user = found
    if (
        token.last_used_at is None
        or token.last_used_at.replace(tzinfo=token.last_used_at.tzinfo or UTC) < now - LAST_USE_EVERY
    ):
        token.last_used_at = now
    return user
