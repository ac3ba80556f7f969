"""OpenID Connect sign-in: authorization code with PKCE, through Authlib.

The provider's discovery document, token endpoint and JWKS are read with Authlib's client; the ID
token's signature (against the provider's JWKS), issuer, audience, expiry and nonce are checked
with Authlib's ID-token claims. What the browser must bring back (state, nonce, PKCE verifier,
where to go next) travels in a short-lived cookie signed with the secret key, so any web worker
can finish a sign-in another one started.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client import OAuthError
from authlib.integrations.base_client.sync_app import BaseApp, OAuth2Mixin
from authlib.integrations.base_client.sync_openid import OpenIDMixin
from authlib.integrations.requests_client import OAuth2Session
from joserfc.errors import BadSignatureError, JoseError
from requests import RequestException

from pacer.auth.sso import Identity, SignInRefused
from pacer.config import Settings

log = logging.getLogger(__name__)
PENDING_COOKIE = "pacer_oidc"
PENDING_SECONDS = 600  # time to sign in at the provider
# A signature the kept keys do not verify makes the provider's JWKS be read again, at most this
# often per configuration and process: a provider may rotate a key under the same key id, and a
# stream of forged tokens must not become a stream of requests to the provider.
KEYS_READ_AGAIN_SECONDS = 60.0


class _Client(OAuth2Mixin, OpenIDMixin, BaseApp):  # type: ignore[misc]
    client_cls = OAuth2Session
    keys_read_at: float | None = None  # when a bad signature last made it read the keys again


@dataclass(frozen=True)
class Pending:
    """A sign-in started here and not finished yet."""

    state: str
    nonce: str
    code_verifier: str
    next: str


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


@lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str, timeout: float) -> _Client:
    # One per configuration and process: the discovery document and the JWKS are kept (a key id
    # the JWKS does not hold makes Authlib read it again; a signature its key under a known id
    # does not verify makes :func:`_claims` read it again).
    return _Client(
        None,
        client_id=client_id,
        client_secret=client_secret or None,
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "default_timeout": timeout},
    )


def client(settings: Settings) -> _Client:
    return _client(
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_client_secret,
        settings.oidc_scopes,
        settings.oidc_timeout_seconds,
    )


def start(settings: Settings, redirect_uri: str, next_path: str) -> tuple[str, str]:
    """The provider's authorization URL to send the browser to, and the signed pending cookie."""
    try:
        created = client(settings).create_authorization_url(redirect_uri=redirect_uri)
    except (RequestException, OAuthError, ValueError, KeyError, RuntimeError) as exc:
        raise SignInRefused("provider_unreachable", str(exc)[:200]) from exc
    pending = Pending(created["state"], created["nonce"], created["code_verifier"], next_path)
    return created["url"], seal(settings.secret_key, pending)


def finish(
    settings: Settings, redirect_uri: str, params: dict[str, str], cookie: str | None
) -> tuple[Identity, str, str]:
    """Check the provider's answer and its ID token; the identity, where to go next and the ID
    token as the provider sent it (the hint of whom to sign out there, later)."""
    pending = unseal(settings.secret_key, cookie or "")
    if pending is None:
        raise SignInRefused("bad_state", "no sign-in was started here, or it took too long")
    if "error" in params:
        raise SignInRefused("provider_error", params.get("error_description") or params["error"])
    if not params.get("code") or not hmac.compare_digest(params.get("state", ""), pending.state):
        raise SignInRefused("bad_state", "the answer does not belong to the sign-in started here")
    app = client(settings)
    try:
        token = app.fetch_access_token(
            redirect_uri=redirect_uri, code=params["code"], code_verifier=pending.code_verifier
        )
        metadata = app.load_server_metadata()
    except (RequestException, OAuthError, ValueError) as exc:
        raise SignInRefused("provider_unreachable", str(exc)[:200]) from exc
    if "id_token" not in token:
        raise SignInRefused("bad_token", "the provider sent no ID token")
    options = {
        "iss": {"essential": True, "values": [metadata.get("issuer", settings.oidc_issuer)]},
        "aud": {"essential": True, "values": [settings.oidc_client_id]},
        "exp": {"essential": True},
    }
    try:
        claims = _claims(app, token, pending.nonce, options)
    except (JoseError, ValueError) as exc:
        raise SignInRefused(_reason(exc), str(exc)[:200]) from exc
    except (RequestException, OAuthError, RuntimeError) as exc:
        raise SignInRefused("provider_unreachable", str(exc)[:200]) from exc
    return _identity(claims, settings), pending.next, str(token["id_token"])


def _claims(app: _Client, token: dict[str, Any], nonce: str, options: dict[str, Any]) -> dict[str, Any]:
    """The ID token's checked claims. A bad signature under the kept keys reads the provider's keys
    again (once per :data:`KEYS_READ_AGAIN_SECONDS`) and checks once more: a provider that rotated
    its key under the same key id is followed, a forged token is still refused."""
    try:
        return dict(app.parse_id_token(token, nonce=nonce, claims_options=options, leeway=60))
    except BadSignatureError:
        now = time.monotonic()
        if app.keys_read_at is not None and now - app.keys_read_at < KEYS_READ_AGAIN_SECONDS:
            raise
        app.keys_read_at = now
        app.fetch_jwk_set(force=True)
        log.info("oidc_keys_read_again", extra={"issuer": app.server_metadata.get("issuer", "")})
        return dict(app.parse_id_token(token, nonce=nonce, claims_options=options, leeway=60))


def end_session_url(settings: Settings, id_token: str, signed_out_url: str) -> str | None:
    """Where to send a browser signing out of Pacer so that it signs out at the provider too
    (OpenID Connect RP-Initiated Logout 1.0): the provider's ``end_session_endpoint`` with the ID
    token as the hint and Pacer's signed-out page to come back to (to be registered at the
    provider as a post-logout redirect URI). None when the provider offers no such endpoint or
    cannot be reached: the sign-out is then Pacer's own, and is complete either way."""
    try:
        endpoint = client(settings).load_server_metadata().get("end_session_endpoint")
    except (RequestException, OAuthError, ValueError) as exc:
        log.warning("oidc_end_session_unavailable", extra={"reason": str(exc)[:200]})
        return None
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    query = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": signed_out_url,
        "client_id": settings.oidc_client_id,
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def _reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "expired" in text or "exp" in getattr(exc, "claim", ""):
        return "expired_token"
    if "nonce" in text:
        return "bad_nonce"
    return "bad_token"


def _identity(claims: dict[str, Any], settings: Settings) -> Identity:
    username = str(claims.get(settings.oidc_username_claim) or "")
    email = claims.get("email")
    return Identity(
        method="oidc",
        external_id=str(claims["sub"])[:255],
        username=username,
        display_name=str(claims.get("name") or username),
        email=str(email) if email else None,
    )


def seal(secret_key: str, pending: Pending) -> str:
    body = json.dumps({**pending.__dict__, "exp": int(time.time()) + PENDING_SECONDS}, separators=(",", ":"))
    data = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{data}.{_mac(secret_key, data)}"


def unseal(secret_key: str, value: str) -> Pending | None:
    data, _, mac = value.partition(".")
    if not data or not hmac.compare_digest(_mac(secret_key, data), mac):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        if int(body.pop("exp")) < time.time():
            return None
        return Pending(**body)
    except (ValueError, TypeError, KeyError):
        return None


def _mac(secret_key: str, data: str) -> str:
    return hmac.new(f"oidc:{secret_key}".encode(), data.encode(), hashlib.sha256).hexdigest()
