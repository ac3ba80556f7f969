"""Who is asking: the signed-in viewer of a request, and the CSRF guard that needs to know them.

Browsers authenticate with the session cookie, machine clients with a bearer token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth import repository, sessions, tokens
from pacer.auth.permissions import Actor
from pacer.group_settings import kept
from pacer.group_settings import service as group_settings
from pacer.models import RoleGrant, User, WebSession
from pacer.models.base import utcnow
from pacer.notifications.service import unread_column
from pacer.web import csrf
from pacer.web.deps import Db, language_of


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
    unread: int = 0  # notifications not read yet, shown in the page header

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
        return cast("Viewer | None", request.state.viewer)  # set below: the request state is untyped
    env = request.app.state.settings
    viewer: Viewer | None = None
    raw = _bearer(request)
    cookie = request.cookies.get(sessions.SESSION_COOKIE) if raw is None else None
    found, seen = None, None
    if cookie:
        # the session, its user, their grants (read afresh on every request: a grant withdrawn
        # holds from the next request), their unread count and the settings' marker: one statement
        found = repository.signed_in(
            db, sessions.digest(cookie), utcnow(), unread_column(User.id), *kept.marker_columns()
        )
        seen = (found[3][1], found[3][2]) if found is not None else None
    # the group's settings in force (its name on the pages' header, its default language)
    request.state.site = group_settings.current(db, env, seen)
    if raw is not None:
        user = tokens.resolve_token(db, raw, max_days=env.token_max_days)
        if user is None:
            raise sessions.NotAuthenticated("the API token is not valid (unknown, revoked or expired)")
        viewer = Viewer(user, _actor_of(db, user), display_name=user.display_name)
    elif found is not None:
        web_session, user, grants, (unread, *_) = found
        actor = Actor(username=user.username, user_id=user.id, grants=grants)
        viewer = Viewer(user, actor, web_session, user.display_name, web_session.csrf_token, int(unread or 0))
    request.state.viewer = viewer
    if viewer is not None:
        request.state.lang = language_of(request, viewer.user)
    return viewer


async def current_viewer(request: Request, viewer: Annotated[Viewer | None, Depends(optional_viewer)]) -> Viewer:
    # async: no I/O here, so no hop to a worker thread (each hop waits for a core on a busy machine)
    if viewer is None:
        raise sessions.NotAuthenticated("sign in first")
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
MaybeViewer = Annotated[Viewer | None, Depends(optional_viewer)]


async def protect(request: Request, _viewer: Annotated[Viewer | None, Depends(optional_viewer)]) -> None:
    """Dependency for routes that change state: token from the form field or the header.

    It depends on the viewer so that the session it checks against is known first."""
    sent = request.headers.get(csrf.HEADER)
    if sent is None and request.method not in csrf.SAFE_METHODS:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(csrf.FIELD)
            sent = value if isinstance(value, str) else None
    csrf.check(request, sent)
