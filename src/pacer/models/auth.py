"""Users and their role grants, each scoped to one unit's subtree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pacer.models.base import Base, utcnow

ROLES = (
    "group_admin",
    "hq_analyst",
    "supervisor",
    "unit_reporter",
    "unit_approver",
    "quality_engineer",
    "viewer",
)
# How a user signs in: a password kept by Pacer, or an identity provider (OpenID Connect, LDAP).
SIGN_INS = ("local", "oidc", "ldap")


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("sign_in", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(5), default="zh")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sign_in: Mapped[str] = mapped_column(String(8), default="local", server_default="local")
    # The identity provider's permanent name for the user (OIDC subject, LDAP DN), set at the
    # first sign-in through it; None while an administrator's pre-created account waits for it.
    external_id: Mapped[str | None] = mapped_column(String(255))

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", lazy="raise")


class RoleGrant(Base):
    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", lazy="raise")


class WebSession(Base):
    """A browser sign-in. Only a hash of the cookie's secret is stored, so a copy of the
    database cannot be replayed as a session."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_user", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    # the ID token of a sign-in through OpenID Connect: signing out sends it back to the provider
    # as the hint of whom to sign out there (RP-initiated logout); None for other sign-ins
    id_token: Mapped[str | None] = mapped_column(Text, default=None)


class LoginAttempt(Base):
    """Every sign-in attempt, so throttling holds across worker processes."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_lookup", "username", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)


class ApiToken(Base):
    """A bearer token for machine clients; stored as a SHA-256 hash, shown once at creation."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyKey(Base):
    """A write call made with an ``Idempotency-Key``: the user's key, a digest of the call
    (method, path, version asked for, body) and the response it got, replayed to a retry."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"), Index("ix_idempotency_key_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    etag: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
