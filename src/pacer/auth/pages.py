"""Sign-in, sign-out and the account page (language, password, API tokens)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth import ldap, oidc, service, sessions, sso, tokens
from pacer.auth.deps import CurrentViewer, MaybeViewer, protect
from pacer.auth.sso import SignInRefused
from pacer.config import Settings
from pacer.errors import NotFound, ValidationFailed
from pacer.group_settings import service as group_settings
from pacer.models import User
from pacer.web import csrf
from pacer.web.deps import AppSettings, Db, client_ip
from pacer.web.i18n import translate
from pacer.web.params import RowId
from pacer.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
log = logging.getLogger("pacer.auth")
Protected = [Depends(protect)]


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link borrow Pacer's address.
    return target if target and target.startswith("/") and not target.startswith("//") else "/cockpit"


def _login_page(request: Request, next: str, username: str = "", status_code: int = 200, **extra: object) -> Response:
    settings = request.app.state.settings
    sso = {
        "oidc_name": settings.oidc_provider_name if oidc.enabled(settings) else None,
        "ldap": ldap.enabled(settings),
    }
    context = {"next": _safe_next(next), "username": username, **sso, **extra}
    return render(request, "auth/login.html", context, status_code=status_code)


def _throttled(request: Request, next: str, username: str, exc: sessions.Throttled) -> Response:
    error = translate(lang_of(request), "login.throttled", minutes=exc.minutes)
    refused = _login_page(request, next, username, 429, error=error)
    refused.headers["Retry-After"] = str(exc.minutes * 60)
    return refused


def _sso_refused(request: Request, db: Db, next: str, username: str, key: str, exc: SignInRefused) -> Response:
    """A failed provider sign-in: nothing of it is kept but the failed attempt, which counts
    towards throttling like a wrong password."""
    db.rollback()
    sessions.record_failure(db, key, client_ip(request))
    log.warning("sign-in refused for %s from %s: %s", key, client_ip(request), exc.message)
    error = translate(lang_of(request), f"login.sso.{exc.reason}")
    return _login_page(request, next, username, 401, error=error)


def _signed_in(
    request: Request, db: Db, settings: Settings, user: User, next: str, id_token: str | None = None
) -> Response:
    settings = group_settings.applied(db, settings)  # the sign-in lifetime the group set
    agent = request.headers.get("user-agent", "")
    sign_in = sessions.start_session(db, user, settings, client_ip(request), agent, id_token=id_token)
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


@router.get("/login")
def login_form(request: Request, viewer: MaybeViewer, next: str | None = None, notice: str | None = None) -> Response:
    if viewer is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    lang = lang_of(request)
    text = translate(lang, f"login.{notice}") if notice in ("signed_out", "expired") else None
    return _login_page(request, _safe_next(next), notice=text)


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
        return _throttled(request, next, username, exc)
    except SignInRefused as exc:  # the directory is down, or its user may not sign in here
        return _sso_refused(request, db, next, username, username.strip()[:64], exc)
    if user is None:
        # A normal return, so the failed attempt is committed and counts towards throttling.
        error = translate(lang_of(request), "login.failed")
        return _login_page(request, next, username, 401, error=error)
    return _signed_in(request, db, settings, user, next)


def _callback_url(request: Request, settings: Settings) -> str:
    return _absolute(request, settings, "/login/oidc/callback")


def _absolute(request: Request, settings: Settings, path: str) -> str:
    """``path`` on Pacer as the provider must name it: under the public URL when one is set."""
    if settings.public_url:
        return settings.public_url.rstrip("/") + path
    return str(request.base_url).rstrip("/") + path


def _oidc_key(request: Request) -> str:
    # Before the provider answers nobody is named: failures count per address.
    return f"oidc@{client_ip(request)}"


@router.get("/login/oidc")
def oidc_start(request: Request, db: Db, settings: AppSettings, next: str | None = None) -> Response:
    if not oidc.enabled(settings):
        raise NotFound("OpenID Connect sign-in is not configured")
    key = _oidc_key(request)
    try:
        sessions.check_open(db, key, client_ip(request), settings)
        url, pending = oidc.start(settings, _callback_url(request, settings), _safe_next(next))
    except sessions.Throttled as exc:
        return _throttled(request, _safe_next(next), "", exc)
    except SignInRefused as exc:
        return _sso_refused(request, db, _safe_next(next), "", key, exc)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        oidc.PENDING_COOKIE,
        pending,
        max_age=oidc.PENDING_SECONDS,
        path="/login/oidc",
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back
        secure=csrf.secure_cookies(request),
    )
    return response


@router.get("/login/oidc/callback")
def oidc_callback(request: Request, db: Db, settings: AppSettings) -> Response:
    if not oidc.enabled(settings):
        raise NotFound("OpenID Connect sign-in is not configured")
    key, ip = _oidc_key(request), client_ip(request)
    params = dict(request.query_params.items())
    next = "/cockpit"
    try:
        sessions.check_open(db, key, ip, settings)
        identity, next, id_token = oidc.finish(
            settings, _callback_url(request, settings), params, request.cookies.get(oidc.PENDING_COOKIE)
        )
        user = sso.user_for(db, identity, settings)
    except sessions.Throttled as exc:
        response = _throttled(request, next, "", exc)
    except SignInRefused as exc:
        response = _sso_refused(request, db, next, "", key, exc)
    else:
        sessions.record_attempt(db, key, ip, True)
        sessions.record_attempt(db, user.username, ip, True)
        response = _signed_in(request, db, settings, user, next, id_token)
    response.delete_cookie(oidc.PENDING_COOKIE, path="/login/oidc")
    return response


@router.post("/logout", dependencies=Protected)
def logout(request: Request, viewer: CurrentViewer, db: Db, settings: AppSettings) -> Response:
    """End this sign-in; one made through OpenID Connect is then ended at the provider too, when
    it offers that, which sends the browser back to the signed-out page."""
    signed_out, provider = "/login?notice=signed_out", None
    if viewer.web_session is not None:
        id_token = viewer.web_session.id_token
        sessions.end_session(db, viewer.web_session)
        if id_token and oidc.enabled(settings):
            provider = oidc.end_session_url(settings, id_token, _absolute(request, settings, signed_out))
    response = RedirectResponse(provider or signed_out, status_code=303)
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
