"""Pages for administering users and role grants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from pacer.admin import service
from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import DomainError
from pacer.models import ROLES, SIGN_INS
from pacer.web.deps import Db
from pacer.web.i18n import translate
from pacer.web.params import Offset, RowId
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/admin", include_in_schema=False)
Protected = [Depends(protect)]
PER_PAGE = 50


@router.get("/users")
def users(request: Request, viewer: CurrentViewer, db: Db, offset: Offset = 0, error: str | None = None) -> Response:
    total, rows = service.list_users(db, viewer.actor, PER_PAGE, offset)
    return render(
        request,
        "admin/users.html",
        {
            "rows": rows,
            "total": total,
            "offset": offset,
            "per_page": PER_PAGE,
            "roles": ROLES,
            "sign_ins": SIGN_INS,
            "error": error,
        },
    )


@router.post("/users", dependencies=Protected)
def create_user(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    username: Annotated[str, Form()],
    display_name: Annotated[str, Form()],
    password: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "zh",
    role: Annotated[str, Form()] = "",
    unit_code: Annotated[str, Form()] = "",
    sign_in: Annotated[str, Form()] = "local",
) -> Response:
    try:
        service.create_user(db, viewer.actor, username, display_name, password, language, role, unit_code, sign_in)
    except DomainError as exc:
        if exc.status == 403:
            raise
        db.rollback()
        return _users_with_error(request, viewer, db, exc)
    return RedirectResponse(f"/admin/users/{username}", status_code=303)


def _users_with_error(request: Request, viewer: CurrentViewer, db: Db, exc: DomainError) -> Response:
    total, rows = service.list_users(db, viewer.actor, PER_PAGE, 0)
    return render(
        request,
        "admin/users.html",
        {
            "rows": rows,
            "total": total,
            "offset": 0,
            "per_page": PER_PAGE,
            "roles": ROLES,
            "sign_ins": SIGN_INS,
            "error": exc.message,
        },
        status_code=exc.status,
    )


@router.get("/users/{username}")
def user(request: Request, viewer: CurrentViewer, db: Db, username: str) -> Response:
    return _user_page(request, viewer, db, username)


def _user_page(
    request: Request, viewer: CurrentViewer, db: Db, username: str, error: str | None = None, status_code: int = 200
) -> Response:
    row = service.get_user(db, viewer.actor, username)
    return render(request, "admin/user.html", {"row": row, "roles": ROLES, "error": error}, status_code)


def _act(request: Request, viewer: CurrentViewer, db: Db, username: str, action: Callable[[], object]) -> Response:
    """Run a change; a refusal is shown on the user's page instead of a bare error page."""
    try:
        action()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.rollback()
        message = (
            translate(lang_of(request), f"admin.refused.{exc.key}", **exc.values)
            if isinstance(exc, service.Refused)
            else exc.message
        )
        return _user_page(request, viewer, db, username, message, exc.status)
    return RedirectResponse(f"/admin/users/{username}", status_code=303)


@router.post("/users/{username}/grants", dependencies=Protected)
def add_grant(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    username: str,
    role: Annotated[str, Form()],
    unit_code: Annotated[str, Form()],
) -> Response:
    return _act(request, viewer, db, username, lambda: service.add_grant(db, viewer.actor, username, role, unit_code))


@router.post("/users/{username}/grants/{grant_id}/delete", dependencies=Protected)
def remove_grant(request: Request, viewer: CurrentViewer, db: Db, username: str, grant_id: RowId) -> Response:
    return _act(request, viewer, db, username, lambda: service.remove_grant(db, viewer.actor, username, grant_id))


@router.post("/users/{username}/password", dependencies=Protected)
def reset_password(
    request: Request, viewer: CurrentViewer, db: Db, username: str, password: Annotated[str, Form()]
) -> Response:
    return _act(request, viewer, db, username, lambda: service.reset_password(db, viewer.actor, username, password))


@router.post("/users/{username}/active", dependencies=Protected)
def set_active(
    request: Request, viewer: CurrentViewer, db: Db, username: str, active: Annotated[str, Form()]
) -> Response:
    return _act(request, viewer, db, username, lambda: service.set_active(db, viewer.actor, username, active == "1"))


@router.post("/users/{username}/email", dependencies=Protected)
def set_email(
    request: Request, viewer: CurrentViewer, db: Db, username: str, email: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    return _act(request, viewer, db, username, lambda: service.set_email(db, viewer.actor, username, email))
