"""Signing in through an identity provider (OpenID Connect, LDAP): who the person is in Pacer.

The provider proves who someone is; what they may do still comes from Pacer's role grants. A
first sign-in links the account an administrator created beforehand for that sign-in method, or
creates one without grants, as PACER_SSO_NEW_USERS and PACER_SSO_LINK_BY say. A local
(password) account is never taken over by a provider's claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth import service
from pacer.config import Settings
from pacer.errors import DomainError
from pacer.models import User


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    method: str  # "oidc" or "ldap"
    external_id: str  # the provider's permanent name: OIDC subject, LDAP DN
    username: str
    display_name: str
    email: str | None


class SignInRefused(DomainError):
    """A sign-in through a provider that failed; ``reason`` picks the message on the sign-in page."""

    status = 401

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"sign-in refused: {reason}" + (f" ({detail})" if detail else ""))
        self.reason = reason


def user_for(session: Session, identity: Identity, settings: Settings) -> User:
    """The Pacer user the identity signs in as: known, linked now, or created now (flushed)."""
    user = session.scalar(select(User).where(User.sign_in == identity.method, User.external_id == identity.external_id))
    if user is None:
        user = _link_precreated(session, identity, settings)
    if user is None:
        user = _create(session, identity, settings)
    if not user.is_active:
        raise SignInRefused("inactive", user.username)
    return user


def _link_precreated(session: Session, identity: Identity, settings: Settings) -> User | None:
    if settings.sso_link_by == "email":
        if not identity.email:
            return None
        match = func.lower(User.email) == identity.email.lower()
    else:
        match = User.username == identity.username
    candidates = list(
        session.scalars(select(User).where(match, User.sign_in == identity.method, User.external_id.is_(None)).limit(2))
    )
    if len(candidates) != 1:
        return None  # none, or two with one address: linking either would be a guess
    user = candidates[0]
    user.external_id = identity.external_id
    session.flush()
    record(
        session,
        user.username,
        "user.link",
        "user",
        user.username,
        None,
        {"sign_in": identity.method, "external_id": identity.external_id},
    )
    return user


def _create(session: Session, identity: Identity, settings: Settings) -> User:
    if settings.sso_new_users != "create":
        raise SignInRefused("not_registered", identity.username)
    username = identity.username.strip()
    if not username or len(username) > 64:
        raise SignInRefused("no_username", username[:64])
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        # the name belongs to another account (a local one, or another provider's)
        raise SignInRefused("username_taken", username)
    user = service.add_user(
        session,
        username,
        (identity.display_name or username)[:100],
        [],
        actor=f"{identity.method}:{username}"[:64],
        email=identity.email[:200] if identity.email else None,
        language=settings.language,
        sign_in=identity.method,
    )
    user.external_id = identity.external_id
    session.flush()
    return user
