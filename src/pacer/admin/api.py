"""Users and role grants as JSON, for group administrators."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from pacer.admin import service
from pacer.admin.schemas import ActiveIn, EmailIn, GrantIn, PasswordResetIn, SignInIn, UserIn, UserOut
from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.schemas import GrantOut
from pacer.web.deps import Db
from pacer.web.pagination import Page, Paging
from pacer.web.params import RowId

router = APIRouter(prefix="/api/admin", tags=["administration"], dependencies=[Depends(protect)])


def _out(row: service.UserRow, lang: str) -> UserOut:
    u = row.user
    return UserOut(
        username=u.username,
        display_name=u.display_name,
        language=u.language,
        is_active=u.is_active,
        email=u.email,
        sign_in=u.sign_in,
        grants=[
            GrantOut(id=g.id, role=g.role, unit_code=unit.code, unit_name=unit.name(lang)) for g, unit in row.grants
        ],
    )


@router.get("/users")
def list_users(viewer: CurrentViewer, db: Db, paging: Paging) -> Page[UserOut]:
    """The users the administrator manages (all of whose grants lie where they administer), with every grant."""
    total, rows = service.list_users(db, viewer.actor, paging.limit, paging.offset)
    return Page.of([_out(r, viewer.user.language) for r in rows], total, paging)


@router.post("/users", status_code=201)
def create_user(body: UserIn, viewer: CurrentViewer, db: Db) -> UserOut:
    """Create a user with an initial password, or one who signs in through OpenID Connect or LDAP
    (``sign_in``; no password), and, with role and unit_code, a first grant."""
    user = service.create_user(
        db, viewer.actor, body.username, body.display_name, body.password, body.language, body.role, body.unit_code,
        body.sign_in,
    )  # fmt: skip
    return _out(service.get_user(db, viewer.actor, user.username), viewer.user.language)


@router.get("/users/{username}")
def get_user(username: str, viewer: CurrentViewer, db: Db) -> UserOut:
    """One user the administrator manages, with every grant."""
    return _out(service.get_user(db, viewer.actor, username), viewer.user.language)


@router.post("/users/{username}/grants", status_code=201)
def add_grant(username: str, body: GrantIn, viewer: CurrentViewer, db: Db) -> UserOut:
    """Grant a role on a unit's subtree."""
    service.add_grant(db, viewer.actor, username, body.role, body.unit_code)
    return get_user(username, viewer, db)


@router.delete("/users/{username}/grants/{grant_id}", status_code=204)
def remove_grant(username: str, grant_id: RowId, viewer: CurrentViewer, db: Db) -> None:
    """Take a role grant back."""
    service.remove_grant(db, viewer.actor, username, grant_id)


@router.put("/users/{username}/active")
def set_active(username: str, body: ActiveIn, viewer: CurrentViewer, db: Db) -> UserOut:
    """Activate or deactivate a user (deactivation ends their sessions; tokens stop working)."""
    service.set_active(db, viewer.actor, username, body.is_active)
    return get_user(username, viewer, db)


@router.put("/users/{username}/password", status_code=204)
def reset_password(username: str, body: PasswordResetIn, viewer: CurrentViewer, db: Db) -> None:
    """Set a user's password; their sessions end."""
    service.reset_password(db, viewer.actor, username, body.password)


@router.put("/users/{username}/email")
def set_email(username: str, body: EmailIn, viewer: CurrentViewer, db: Db) -> UserOut:
    """Set the address a user's e-mail notifications go to (empty: none)."""
    service.set_email(db, viewer.actor, username, body.email)
    return get_user(username, viewer, db)


@router.put("/users/{username}/sign-in")
def set_sign_in(username: str, body: SignInIn, viewer: CurrentViewer, db: Db) -> UserOut:
    """Change how a user signs in (local with a new password, oidc or ldap); their sessions end."""
    service.set_sign_in(db, viewer.actor, username, body.sign_in, body.password)
    return get_user(username, viewer, db)
