"""Browser sign-in: password check with throttling, server-side sessions, password change.

A session cookie carries a random secret; the database keeps only its SHA-256, so neither a
database copy nor a log of session ids can be replayed. Attempts are rows, not process memory,
so throttling holds across several worker processes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth import passwords, repository
from pacer.config import Settings
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.models import LoginAttempt, User, WebSession
from pacer.models.base import utcnow

SESSION_COOKIE = "pacer_session"


class NotAuthenticated(DomainError):
    status = 401


class Throttled(DomainError):
    status = 429


@dataclass(frozen=True)
class SignIn:
    user: User
    web_session: WebSession
    cookie_value: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def authenticate(session: Session, username: str, password: str, ip: str, settings: Settings,
                 now: datetime | None = None) -> User | None:
    """The user if the password is right; None otherwise. The attempt is recorded either way,
    so the caller must commit even when it answers 'wrong password'."""
    now = now or utcnow()
    username = username.strip()[:64]
    since = now - timedelta(minutes=settings.login_window_minutes)
    if repository.recent_failures(session, username, ip, since) >= settings.login_max_failures:
        raise Throttled(
            f"too many failed sign-ins for '{username}' from this address; "
            f"try again in {settings.login_window_minutes} minutes"
        )
    user = repository.user_by_username(session, username)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and user.is_active
    session.add(LoginAttempt(username=username, ip=ip[:64], at=now, succeeded=ok))
    session.flush()
    if not ok or user is None:
        return None
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def start_session(session: Session, user: User, settings: Settings, ip: str = "", user_agent: str = "",
                  now: datetime | None = None) -> SignIn:
    now = now or utcnow()
    repository.delete_expired_sessions(session, now)
    secret = secrets.token_urlsafe(32)
    web_session = WebSession(
        id=digest(secret), user_id=user.id, csrf_token=secrets.token_urlsafe(32), created_at=now,
        expires_at=now + timedelta(hours=settings.session_hours), ip=ip[:64], user_agent=user_agent[:300],
    )
    session.add(web_session)
    session.flush()
    return SignIn(user, web_session, secret)


def resolve_session(session: Session, cookie_value: str, now: datetime | None = None) -> tuple[WebSession, User] | None:
    return repository.session_with_user(session, digest(cookie_value), now or utcnow())


def end_session(session: Session, web_session: WebSession) -> None:
    session.delete(web_session)
    session.flush()


def change_password(session: Session, user: User, current: str, new: str, keep_session: str | None) -> None:
    """Set a new password and end every other sign-in of the user (a stolen session dies too)."""
    if not passwords.verify_password(user.password_hash, current):
        raise ValidationFailed([Problem("the current password is wrong", field="current_password")], source="password")
    passwords.check_new_password(new, user.username)
    user.password_hash = passwords.hash_password(new)
    repository.delete_sessions(session, user.id, keep=keep_session)
    record(session, user.username, "user.password", "user", user.username, None, None, note="password changed")
    session.flush()


def set_password(session: Session, user: User, new: str, actor: str) -> None:
    """An administrator's reset: the user's sessions end."""
    passwords.check_new_password(new, user.username)
    user.password_hash = passwords.hash_password(new)
    repository.delete_sessions(session, user.id)
    record(session, actor, "user.password_reset", "user", user.username, None, None, note="password set")
    session.flush()
