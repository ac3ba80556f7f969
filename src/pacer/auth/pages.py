"""Sign-in, sign-out and the account page (language, password, API tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth import service, sessions, tokens
from pacer.auth.deps import CurrentViewer, MaybeViewer, protect
from pacer.errors import ValidationFailed
from pacer.group_settings import service as group_settings
from pacer.web import csrf
from pacer.web.deps import AppSettings, Db, client_ip
from pacer.web.i18n import translate
from pacer.web.params import RowId
from pacer.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
Protected = [Depends(protect)]


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link borrow Pacer's address.
    return target if target and target.startswith("/") and not target.startswith("//") else "/cockpit"


@router.get("/login")
def login_form(request: Request, viewer: MaybeViewer, next: str | None = None, notice: str | None = None) -> Response:
    if viewer is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    lang = lang_of(request)
    text = translate(lang, f"login.{notice}") if notice in ("signed_out", "expired") else None
    return render(request, "auth/login.html", {"next": _safe_next(next), "username": "", "notice": text})


@router.post("/login", dependencies=Protected)
def login(
    request: Request,
    db: Db,
    settings: AppSettings,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/cockpit",
) -> Response:
    try:
        user = sessions.authenticate(db, username, password, client_ip(request), settings)
    except sessions.Throttled as exc:
        error = translate(lang_of(request), "login.throttled", minutes=exc.minutes)
        refused = render(
            request,
            "auth/login.html",
            {"next": _safe_next(next), "username": username, "error": error},
            status_code=429,
        )
        refused.headers["Retry-After"] = str(exc.minutes * 60)
        return refused
    if user is None:
        # A normal return, so the failed attempt is committed and counts towards throttling.
        error = translate(lang_of(request), "login.failed")
        return render(
            request,
            "auth/login.html",
            {"next": _safe_next(next), "username": username, "error": error},
            status_code=401,
        )
    settings = group_settings.applied(db, settings)  # the sign-in lifetime the group set
    sign_in = sessions.start_session(db, user, settings, client_ip(request), request.headers.get("user-agent", ""))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        sessions.SESSION_COOKIE,
        sign_in.cookie_value,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=csrf.secure_cookies(request),
    )
    response.delete_cookie(csrf.COOKIE)
    return response


@router.post("/logout", dependencies=Protected)
def logout(viewer: CurrentViewer, db: Db) -> Response:
    if viewer.web_session is not None:
        sessions.end_session(db, viewer.web_session)
    response = RedirectResponse("/login?notice=signed_out", status_code=303)
    response.delete_cookie(sessions.SESSION_COOKIE)
    return response


def _account(request: Request, viewer: CurrentViewer, db: Db, status_code: int = 200, **extra: object) -> Response:
    grants = [
        {"role": g.role, "unit_code": u.code, "unit_name": u.name(lang_of(request))}
        for g, u in service.grants_of(db, viewer.user.id)
    ]
    return render(
        request,
        "auth/account.html",
        {
            "grants": grants,
            "tokens": tokens.list_tokens(db, viewer.user),
            "token_max_days": request.app.state.settings.token_max_days,
            **extra,
        },
        status_code,
    )


@router.get("/account")
def account(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    return _account(request, viewer, db)


@router.post("/account/language", dependencies=Protected)
def set_language(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    language: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/account",
) -> Response:
    service.set_language(db, viewer.user, language)
    return RedirectResponse(_without_lang(_safe_next(next)), status_code=303)


def _without_lang(target: str) -> str:
    # A stored choice must not be overridden by a ?lang= left in the page's address.
    from urllib.parse import parse_qsl, urlencode, urlsplit

    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"]
    return parts.path + ("?" + urlencode(query) if query else "")


@router.post("/account/password", dependencies=Protected)
def change_password(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    settings: AppSettings,
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
) -> Response:
    keep = viewer.web_session.id if viewer.web_session else None
    username, ip = viewer.user.username, client_ip(request)
    try:
        sessions.change_password(db, viewer.user, current_password, new_password, keep, ip, settings)
    except sessions.Throttled as exc:
        return _account(
            request, viewer, db, 429, error=translate(lang_of(request), "login.throttled", minutes=exc.minutes)
        )
    except ValidationFailed as exc:
        db.rollback()
        if isinstance(exc, sessions.WrongPassword):
            sessions.record_failure(db, username, ip)  # kept: the page is a normal return
        return _account(request, viewer, db, 422, error="; ".join(p.message for p in exc.problems))
    return _account(request, viewer, db, notice=translate(lang_of(request), "account.password_changed"))


@router.post("/account/tokens", dependencies=Protected)
def create_token(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    settings: AppSettings,
    name: Annotated[str, Form()],
    days: Annotated[str, Form()] = "",
) -> Response:
    try:
        tokens.require_session(viewer.web_session)
        raw, _token = tokens.create_token(
            db, viewer.user, name, int(days) if days.strip().isdigit() else None, settings.token_max_days
        )
    except ValidationFailed as exc:
        db.rollback()
        return _account(request, viewer, db, 422, error="; ".join(str(p) for p in exc.problems))
    return _account(request, viewer, db, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke", dependencies=Protected)
def revoke_token(viewer: CurrentViewer, db: Db, token_id: RowId) -> Response:
    tokens.revoke_token(db, viewer.user, token_id)
    return RedirectResponse("/account", status_code=303)
