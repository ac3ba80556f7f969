"""Browser sign-in: password check with throttling, server-side sessions, password change.

A session cookie carries a random secret; the database keeps only its SHA-256, so neither a
database copy nor a log of session ids can be replayed. Attempts are rows, not process memory,
so throttling holds across several worker processes.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth import ldap, passwords, repository, sso
from pacer.config import Settings
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.models import LoginAttempt, User, WebSession
from pacer.models.base import utcnow

SESSION_COOKIE = "pacer_session"
# Failures older than this are forgotten; an address that signed in this recently is the user's.
STREAK_HOURS = 24
KNOWN_ADDRESS_DAYS = 30


class NotAuthenticated(DomainError):
    status = 401


class Throttled(DomainError):
    status = 429

    def __init__(self, message: str, minutes: int) -> None:
        super().__init__(message)
        self.minutes = minutes


class WrongPassword(ValidationFailed):
    """The current password given to change it is wrong."""


@dataclass(frozen=True)
class SignIn:
    user: User
    web_session: WebSession
    cookie_value: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def prune_attempts(session: Session, now: datetime) -> int:
    """Delete the sign-in attempts no lock rule reads any more (older than the known-address
    window, the longest look back of :func:`locked_until`); how many. Run by the workflow tick."""
    return repository.delete_attempts_before(session, now - timedelta(days=max(KNOWN_ADDRESS_DAYS, STREAK_HOURS / 24)))


def locked_until(session: Session, username: str, ip: str, settings: Settings, now: datetime) -> datetime | None:
    """When the account's sign-in lock ends, or None when it is open.

    Failures count per account from every address together, so changing address (or a forged
    X-Forwarded-For) buys no further guesses. After ``login_max_failures`` failures in a row the
    account is locked for ``login_window_minutes``; each failure after a lock doubles the next one,
    up to ``login_lockout_max_minutes``. Attempts during a lock are refused without counting, so
    a lock always ends. An address from which the account signed in successfully in the last
    30 days counts only its own failures: the real user still gets in while strangers are
    locked out, and their success opens the account again."""
    known = repository.signed_in_from(session, username, ip, now - timedelta(days=KNOWN_ADDRESS_DAYS))
    failures, latest = repository.failure_streak(
        session, username, ip if known else None, now - timedelta(hours=STREAK_HOURS)
    )
    if failures < settings.login_max_failures or latest is None:
        return None
    doublings = min(failures - settings.login_max_failures, 30)
    minutes = min(settings.login_window_minutes * 2**doublings, settings.login_lockout_max_minutes)
    until = latest + timedelta(minutes=minutes)
    return until if until > now else None


def authenticate(
    session: Session, username: str, password: str, ip: str, settings: Settings, now: datetime | None = None
) -> User | None:
    """The user if the password is right; None otherwise. The attempt is recorded either way,
    so the caller must commit even when it answers 'wrong password'."""
    now = now or utcnow()
    username = username.strip()[:64]
    ip = ip[:64]
    until = locked_until(session, username, ip, settings, now)
    if until is not None:
        raise Throttled(
            f"too many failed sign-ins for '{username}'; try again in {minutes_until(until, now)} minutes",
            minutes=minutes_until(until, now),
        )
    user = repository.user_by_username(session, username)
    if ldap.enabled(settings) and (user is None or user.sign_in == "ldap"):
        # The directory decides; a first sign-in links or creates the Pacer user. A refusal
        # (SignInRefused) is the caller's to record with record_failure after rolling back.
        identity = ldap.check(username, password, settings)
        user = sso.user_for(session, identity, settings) if identity is not None else None
        ok = user is not None
    else:
        ok = passwords.verify_password(user.password_hash if user else None, password)
        ok = ok and user is not None and user.is_active and user.sign_in == "local"
    session.add(LoginAttempt(username=username, ip=ip, at=now, succeeded=ok))
    session.flush()
    if not ok or user is None:
        return None
    if user.sign_in == "local" and user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def minutes_until(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def start_session(
    session: Session,
    user: User,
    settings: Settings,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
    id_token: str | None = None,
) -> SignIn:
    now = now or utcnow()
    repository.delete_expired_sessions(session, now)
    secret = secrets.token_urlsafe(32)
    web_session = WebSession(
        id=digest(secret),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
        ip=ip[:64],
        user_agent=user_agent[:300],
        id_token=id_token,
    )
    session.add(web_session)
    session.flush()
    return SignIn(user, web_session, secret)


def resolve_session(session: Session, cookie_value: str, now: datetime | None = None) -> tuple[WebSession, User] | None:
    return repository.session_with_user(session, digest(cookie_value), now or utcnow())


def end_session(session: Session, web_session: WebSession) -> None:
    session.delete(web_session)
    session.flush()


def end_sign_ins(session: Session, user: User, keep_session: str | None = None) -> int:
    """End every sign-in of the user but ``keep_session``, and revoke every API token they hold
    (a token is a sign-in too). The number of tokens revoked."""
    repository.delete_sessions(session, user.id, keep=keep_session)
    return repository.revoke_tokens(session, user.id, utcnow())


def check_current_password(
    session: Session, user: User, current: str, ip: str, settings: Settings, now: datetime | None = None
) -> None:
    """Refuse a wrong current password, throttled like a sign-in (it is a guess at the password
    too). The caller records a refusal with :func:`record_failure` after rolling back."""
    now = now or utcnow()
    until = locked_until(session, user.username, ip[:64], settings, now)
    if until is not None:
        raise Throttled(
            f"too many failed password checks for '{user.username}'; try again in {minutes_until(until, now)} minutes",
            minutes=minutes_until(until, now),
        )
    if not passwords.verify_password(user.password_hash, current):
        raise WrongPassword([Problem("the current password is wrong", field="current_password")], source="password")


def record_failure(session: Session, username: str, ip: str, now: datetime | None = None) -> None:
    record_attempt(session, username, ip, False, now)


def record_attempt(session: Session, username: str, ip: str, succeeded: bool, now: datetime | None = None) -> None:
    session.add(LoginAttempt(username=username[:64], ip=ip[:64], at=now or utcnow(), succeeded=succeeded))
    session.flush()


def check_open(session: Session, username: str, ip: str, settings: Settings, now: datetime | None = None) -> None:
    """Refuse (Throttled) while ``username`` is locked out from ``ip``."""
    now = now or utcnow()
    until = locked_until(session, username[:64], ip[:64], settings, now)
    if until is not None:
        minutes = minutes_until(until, now)
        raise Throttled(f"too many failed sign-ins; try again in {minutes} minutes", minutes=minutes)


def change_password(
    session: Session, user: User, current: str, new: str, keep_session: str | None, ip: str, settings: Settings
) -> None:
    """Set a new password and end every other sign-in of the user and every API token (a stolen
    session or token dies too)."""
    check_current_password(session, user, current, ip, settings)
    passwords.check_new_password(new, user.username)
    user.password_hash = passwords.hash_password(new)
    revoked = end_sign_ins(session, user, keep_session)
    record(
        session,
        user.username,
        "user.password",
        "user",
        user.username,
        None,
        None,
        note=f"password changed; {revoked} API token(s) revoked",
    )
    session.flush()


def set_password(session: Session, user: User, new: str, actor: str) -> None:
    """An administrator's reset: the user's sessions end and their API tokens are revoked."""
    passwords.check_new_password(new, user.username)
    user.password_hash = passwords.hash_password(new)
    revoked = end_sign_ins(session, user)
    record(
        session,
        actor,
        "user.password_reset",
        "user",
        user.username,
        None,
        None,
        note=f"password set; {revoked} API token(s) revoked",
    )
    session.flush()
