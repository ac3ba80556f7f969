"""A small OpenID Connect provider for the tests, built from Authlib's server components.

It serves discovery, JWKS, an authorization endpoint with a sign-in form, and a token endpoint
(authorization code with PKCE, ID tokens signed with its own RSA key) on a loopback port, in a
thread. ``mode`` makes it misbehave the way a broken or hostile provider would, so the client's
checks can be seen to refuse each fault.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any, ClassVar
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

# Loopback http is what a test can serve; Authlib refuses it unless told this is not production.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

CLIENT_ID = "pacer"
CLIENT_SECRET = "pacer-client-secret"


@dataclass
class Account:
    sub: str
    password: str
    email: str
    name: str
    preferred_username: str


@dataclass
class Client(ClientMixin):
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return CLIENT_ID

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in ("openid", "profile", "email"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, CLIENT_SECRET)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client: Client
    user: Account
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Request(OAuth2Request):
    def __init__(self, environ: dict[str, Any], form: dict[str, str]) -> None:
        host = environ["HTTP_HOST"]
        query = environ.get("QUERY_STRING", "")
        super().__init__(
            environ["REQUEST_METHOD"], f"http://{host}{environ['PATH_INFO']}?{query}", headers=_headers(environ)
        )
        self._args = dict(parse_qsl(query))
        self._form = form
        self.payload = BasicOAuth2Payload({**self._args, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    return headers


class Provider:
    """The provider's state: accounts, codes, its key, and how it should misbehave."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1", "use": "sig", "alg": "RS256"})
        self.foreign_key = RSAKey.generate_key(2048, parameters={"kid": "idp-1", "use": "sig", "alg": "RS256"})
        self.accounts: dict[str, Account] = {}
        self.codes: dict[str, Code] = {}
        self.client = Client([])
        # "ok", or the fault to commit: expired, wrong_nonce, wrong_audience, wrong_issuer, foreign_key
        self.mode = "ok"
        self.jwks_reads = 0  # how often its keys were asked for
        self.issuer = ""
        # RP-initiated logout: whether discovery names an end_session_endpoint, the addresses a
        # client may be sent back to after it, and whom it signed out (the ID token hint's subject)
        self.offers_logout = True
        self.post_logout_uris: list[str] = []
        self.signed_out: list[str] = []
        self.server = self._authorization_server()

    def add_account(self, username: str, password: str, email: str, name: str) -> Account:
        account = Account(f"sub-{username}", password, email, name, username)
        self.accounts[username] = account
        return account

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):  # type: ignore[misc]
            def query_client(self, client_id: str) -> Client | None:
                return provider.client if client_id == CLIENT_ID else None

            def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
                pass

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                pass

            def create_oauth2_request(self, request: Request) -> Request:
                return request

            def handle_response(self, status: int, body: Any, headers: Iterable[tuple[str, str]]) -> Any:
                return status, body, list(headers)

        class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code,
                    request.client,
                    request.user,
                    request.payload.redirect_uri,
                    request.payload.scope,
                    data.get("nonce"),
                    data.get("code_challenge"),
                    data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                return provider.codes.get(code)

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> Account:
                return authorization_code.user

        class IdToken(OpenIDCode):  # type: ignore[misc]
            def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.foreign_key if provider.mode == "foreign_key" else provider.key

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": "idp-1"}

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                now = int(time.time())
                claims: dict[str, Any] = {
                    "iss": provider.issuer + ("/other" if provider.mode == "wrong_issuer" else ""),
                    "aud": ["someone-else" if provider.mode == "wrong_audience" else CLIENT_ID],
                    "iat": now,
                    "exp": now + 300,
                }
                if provider.mode == "expired":
                    claims.update(iat=now - 3600, exp=now - 1800)
                return claims

            def get_authorization_code_claims(self, authorization_code: Code) -> dict[str, Any]:
                claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
                if provider.mode == "wrong_nonce":
                    claims["nonce"] = "not-the-nonce-sent"
                return claims

            def generate_user_info(self, user: Account, scope: str) -> dict[str, str]:
                return {
                    "sub": user.sub,
                    "name": user.name,
                    "email": user.email,
                    "preferred_username": user.preferred_username,
                }

        server = Server()
        server.register_token_generator("default", BearerTokenGenerator(lambda **_: secrets.token_urlsafe(32)))
        server.register_grant(CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)])
        return server

    # -- the WSGI application ---------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = dict(parse_qsl(environ["wsgi.input"].read(length).decode())) if length else {}
        request = Request(environ, form)
        path = environ["PATH_INFO"]
        if path == "/.well-known/openid-configuration":
            status, body, headers = 200, json.dumps(self.metadata()), [("Content-Type", "application/json")]
        elif path == "/jwks":
            self.jwks_reads += 1
            body = json.dumps(KeySet([self.key]).as_dict(private=False))
            status, headers = 200, [("Content-Type", "application/json")]
        elif path == "/authorize":
            status, body, headers = self._authorize(request)
        elif path == "/logout":
            status, body, headers = self._logout(request)
        elif path == "/token":
            status, body, headers = self.server.create_token_response(request)
            body = json.dumps(body) if isinstance(body, dict) else body
        else:
            status, body, headers = 404, "not found", [("Content-Type", "text/plain")]
        start_response(f"{status} -", headers)
        return [body.encode() if isinstance(body, str) else body]

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        } | ({"end_session_endpoint": f"{self.issuer}/logout"} if self.offers_logout else {})

    def _logout(self, request: Request) -> tuple[int, str, list[tuple[str, str]]]:
        """End the session of the ID token hint's subject (the hint must be a token this provider
        signed for this client), then send the browser back where the client asked, if registered."""
        args = request.args
        try:
            token = jwt.decode(args.get("id_token_hint", ""), self.key)
        except JoseError as error:
            return 400, f"invalid id_token_hint: {error}", [("Content-Type", "text/plain")]
        if args.get("client_id") != CLIENT_ID or CLIENT_ID not in token.claims["aud"]:
            return 400, "the hint was not issued to this client", [("Content-Type", "text/plain")]
        back = args.get("post_logout_redirect_uri", "")
        if back not in self.post_logout_uris:
            return 400, "post_logout_redirect_uri not registered", [("Content-Type", "text/plain")]
        self.signed_out.append(token.claims["sub"])
        return 302, "", [("Location", back)]

    def _authorize(self, request: Request) -> tuple[int, str, list[tuple[str, str]]]:
        try:
            grant = self.server.get_consent_grant(request)
        except Exception as error:  # the provider's own error page
            return 400, f"invalid request: {error}", [("Content-Type", "text/plain")]
        if request.method == "GET":
            fields = "".join(f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in request.args.items())
            inputs = '<input name="login"><input name="secret" type="password"><button>Sign in</button>'
            page = f'<form method="post">{fields}{inputs}</form>'
            return 200, page, [("Content-Type", "text/html")]
        account = self.accounts.get(request.form.get("login", ""))
        if account is None or not secrets.compare_digest(account.password, request.form.get("secret", "")):
            return 200, "wrong credentials", [("Content-Type", "text/html")]
        status, body, headers = self.server.create_authorization_response(request, grant_user=account, grant=grant)
        return status, body or "", headers


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Running:
    provider: Provider
    server: WSGIServer
    thread: threading.Thread

    @property
    def issuer(self) -> str:
        return self.provider.issuer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def start(redirect_uri: str, post_logout_uri: str | None = None) -> Running:
    provider = Provider()
    provider.client.redirect_uris.append(redirect_uri)
    if post_logout_uri:
        provider.post_logout_uris.append(post_logout_uri)
    server = make_server("127.0.0.1", 0, provider, handler_class=_Quiet)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return Running(provider, server, thread)
