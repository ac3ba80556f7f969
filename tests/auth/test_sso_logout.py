"""Signing out after a sign-in through OpenID Connect signs out at the provider too (RP-initiated
logout), against the provider the suite starts; any other sign-out stays Pacer's own, and a
provider that offers no such endpoint, or cannot be reached, never keeps anyone signed in."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from pacer.auth.sessions import SESSION_COOKIE
from pacer.models import User, WebSession
from tests.auth import oidc_provider
from tests.auth.sso_fixtures import CALLBACK, sso_client, through_provider
from tests.webclient import page_token, set_passwords, sign_in

SIGNED_OUT = "http://testserver/login?notice=signed_out"


def _start(offers_logout: bool) -> oidc_provider.Running:
    running = oidc_provider.start(CALLBACK, post_logout_uri=SIGNED_OUT)
    running.provider.offers_logout = offers_logout
    running.provider.add_account("carol", "carol-pw", "carol@example.com", "Carol Chen")
    return running


@pytest.fixture(scope="module")
def idp() -> Iterator[oidc_provider.Running]:
    running = _start(offers_logout=True)
    yield running
    running.stop()


def _oidc(issuer: str) -> dict[str, object]:
    return {
        "oidc_issuer": issuer,
        "oidc_client_id": oidc_provider.CLIENT_ID,
        "oidc_client_secret": oidc_provider.CLIENT_SECRET,
        "oidc_timeout_seconds": 2,
    }


def _sessions_of(session, username: str) -> list[WebSession]:
    user_id = session.scalar(select(User.id).where(User.username == username))
    return list(session.scalars(select(WebSession).where(WebSession.user_id == user_id)))


def test_signing_out_ends_the_sign_in_here_and_at_the_provider(session, engine, idp, org):
    for client in sso_client(session, engine, **_oidc(idp.issuer)):
        assert through_provider(client, idp.issuer, "carol", "carol-pw").status_code == 303
        [kept] = _sessions_of(session, "carol")
        assert kept.id_token is not None
        assert kept.id_token.count(".") == 2  # the provider's ID token, a JWT
        hint = kept.id_token
        out = client.post("/logout", data={"csrf_token": page_token(client)})
        assert out.status_code == 303
        assert _sessions_of(session, "carol") == []  # ended here before the browser leaves
        assert client.get("/account").status_code == 303
        to_provider = out.headers["location"]
        assert to_provider.startswith(idp.issuer + "/logout?")
        query = parse_qs(urlsplit(to_provider).query)
        assert query == {
            "id_token_hint": [hint],
            "post_logout_redirect_uri": [SIGNED_OUT],
            "client_id": [oidc_provider.CLIENT_ID],
        }
        back = requests.get(to_provider, allow_redirects=False, timeout=10)
        assert (back.status_code, back.headers["location"]) == (302, SIGNED_OUT)
        assert idp.provider.signed_out[-1] == "sub-carol"
        page = client.get(back.headers["location"].removeprefix("http://testserver") + "&lang=en")
        assert "signed out" in page.text.lower()


def test_a_local_sign_in_signs_out_here_only(session, engine, idp, org):
    set_passwords(session, "alice")
    before = len(idp.provider.signed_out)
    for client in sso_client(session, engine, **_oidc(idp.issuer)):
        sign_in(client, "alice")
        assert [s.id_token for s in _sessions_of(session, "alice")] == [None]
        out = client.post("/logout", data={"csrf_token": page_token(client)})
        assert (out.status_code, out.headers["location"]) == (303, "/login?notice=signed_out")
        assert _sessions_of(session, "alice") == []
    assert len(idp.provider.signed_out) == before


def test_a_provider_without_an_end_session_endpoint_leaves_the_sign_out_here(session, engine, org):
    plain = _start(offers_logout=False)
    try:
        for client in sso_client(session, engine, **_oidc(plain.issuer)):
            assert through_provider(client, plain.issuer, "carol", "carol-pw").status_code == 303
            out = client.post("/logout", data={"csrf_token": page_token(client)})
            assert (out.status_code, out.headers["location"]) == (303, "/login?notice=signed_out")
            assert _sessions_of(session, "carol") == []
            assert SESSION_COOKIE not in client.cookies
    finally:
        plain.stop()
    assert plain.provider.signed_out == []


def test_an_unreachable_provider_at_sign_out_still_signs_out_here(session, engine, idp, org):
    for client in sso_client(session, engine, **_oidc(idp.issuer)):
        assert through_provider(client, idp.issuer, "carol", "carol-pw").status_code == 303
        cookie = client.cookies.get(SESSION_COOKIE)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        gone = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for client in sso_client(session, engine, **_oidc(gone)):  # the provider is down at sign-out
        client.cookies.set(SESSION_COOKIE, cookie)
        out = client.post("/logout", data={"csrf_token": page_token(client)})
        assert (out.status_code, out.headers["location"]) == (303, "/login?notice=signed_out")
    assert _sessions_of(session, "carol") == []
