"""Request dependencies: the unit of work, who is asking, and in which language.

The request owns the transaction: it commits when the handler returns and rolls back when it
raises. Browsers authenticate with the session cookie, machine clients with a bearer token.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, get_analysis
from pacer.auth import sessions, tokens
from pacer.auth.permissions import Actor
from pacer.config import Settings
from pacer.db import unit_of_work
from pacer.models import RoleGrant, User, WebSession
from pacer.web.i18n import LANGUAGES


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    with unit_of_work(factory=request.app.state.session_factory, writes=request.method not in SAFE_METHODS) as session:
        yield session


Db = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


@dataclass(frozen=True)
class Viewer:
    """The signed-in user, their grants as an ``Actor``, and how they came in."""

    user: User
    actor: Actor
    web_session: WebSession | None = None
    # Copies taken at sign-in time: an error page renders them after the transaction rolled
    # back, when the ORM rows can no longer be read.
    display_name: str = ""
    csrf_token: str | None = None

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _ in self.actor.grants)


def _actor_of(db: Session, user: User) -> Actor:
    grants = db.execute(select(RoleGrant.role, RoleGrant.unit_id).where(RoleGrant.user_id == user.id)).all()
    return Actor(username=user.username, user_id=user.id, grants=tuple((r, u) for r, u in grants))


def _bearer(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials else None


def optional_viewer(request: Request, db: Db) -> Viewer | None:
    if hasattr(request.state, "viewer"):
        return request.state.viewer  # type: ignore[no-any-return]
    viewer = None
    raw = _bearer(request)
    if raw is not None:
        user = tokens.resolve_token(db, raw, max_days=request.app.state.settings.token_max_days)
        if user is None:
            raise sessions.NotAuthenticated("the API token is not valid (unknown, revoked or expired)")
        viewer = Viewer(user, _actor_of(db, user), display_name=user.display_name)
    elif cookie := request.cookies.get(sessions.SESSION_COOKIE):
        found = sessions.resolve_session(db, cookie)
        if found is not None:
            web_session, user = found
            viewer = Viewer(user, _actor_of(db, user), web_session, user.display_name, web_session.csrf_token)
    request.state.viewer = viewer
    if viewer is not None:
        request.state.lang = language_of(request, viewer.user)
    return viewer


def current_viewer(request: Request, viewer: Annotated[Viewer | None, Depends(optional_viewer)]) -> Viewer:
    if viewer is None:
        raise sessions.NotAuthenticated("sign in first")
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
MaybeViewer = Annotated[Viewer | None, Depends(optional_viewer)]


def language_of(request: Request, user: User | None) -> str:
    """``?lang=`` for this request, else the user's choice, else the site default."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    if user is not None and user.language in LANGUAGES:
        return user.language
    return request.app.state.settings.language  # type: ignore[no-any-return]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_analysis_dep(request: Request) -> Analysis:
    """The process's analysis engine for this database (rebuilt when the figures changed)."""
    return get_analysis(request.app.state.db_engine)


CurrentAnalysis = Annotated[Analysis, Depends(get_analysis_dep)]
