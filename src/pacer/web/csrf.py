"""CSRF protection for every form and every cookie-authenticated API change.

Signed in, the token is bound to the server-side session. Before sign-in (the sign-in form
itself) it is a double-submit cookie signed with the secret key, so a cookie planted from a
sibling domain does not pass.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from pacer.errors import Forbidden

FIELD = "csrf_token"
HEADER = "x-csrf-token"
COOKIE = "pacer_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(Forbidden):
    pass


def _sign(secret_key: str, nonce: str) -> str:
    mac = hmac.new(secret_key.encode(), nonce.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{nonce}.{mac}"


def _valid_anonymous(secret_key: str, value: str) -> bool:
    nonce, _, _mac = value.partition(".")
    return bool(nonce) and hmac.compare_digest(_sign(secret_key, nonce), value)


def token_for(request: Request) -> str:
    """The token forms on this page must send back (creating the anonymous cookie if needed)."""
    viewer = getattr(request.state, "viewer", None)
    if viewer is not None and viewer.csrf_token is not None:
        return str(viewer.csrf_token)
    secret_key = request.app.state.settings.secret_key
    existing = request.cookies.get(COOKIE, "")
    if existing and _valid_anonymous(secret_key, existing):
        return existing
    if not hasattr(request.state, "new_csrf_cookie"):
        request.state.new_csrf_cookie = _sign(secret_key, secrets.token_urlsafe(16))
    return str(request.state.new_csrf_cookie)


def secure_cookies(request: Request) -> bool:
    """Whether cookies carry ``Secure``: as PACER_COOKIE_SECURE says, else when the request came
    over HTTPS (the scheme a trusted proxy forwarded counts) and always in production."""
    settings = request.app.state.settings
    if settings.cookie_secure is not None:
        return bool(settings.cookie_secure)
    return request.url.scheme == "https" or settings.environment == "production"


def set_cookie_if_new(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf_cookie", None)
    if new:
        response.set_cookie(COOKIE, new, httponly=True, samesite="lax", secure=secure_cookies(request))


def check(request: Request, sent: str | None) -> None:
    """Refuse a state-changing request whose token does not match (403)."""
    if request.method in SAFE_METHODS:
        return
    viewer = getattr(request.state, "viewer", None)
    if viewer is not None and viewer.csrf_token is None:
        return  # bearer token: no cookie was involved, so no cross-site forgery is possible
    if viewer is not None:
        expected = viewer.csrf_token
    else:
        expected = request.cookies.get(COOKIE, "")
        if not _valid_anonymous(request.app.state.settings.secret_key, expected):
            expected = ""
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfFailed(
            "the form has expired or did not come from Pacer (CSRF check failed); reload the page and try again"
        )
