"""Signing in through OpenID Connect against a provider the suite starts (Authlib's server
components on a loopback port): the whole browser flow, linking and creating users, and every
way a provider's answer can be wrong."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from pacer.auth import oidc
from pacer.auth.sessions import SESSION_COOKIE
from pacer.models import AuditEntry, LoginAttempt, RoleGrant, User
from tests.auth import oidc_provider
from tests.auth.sso_fixtures import CALLBACK, sso_client, through_provider
from tests.factories import create_user


@pytest.fixture(scope="module")
def idp() -> Iterator[oidc_provider.Running]:
    running = oidc_provider.start(CALLBACK)
    running.provider.add_account("carol", "carol-pw", "carol@example.com", "Carol Chen")
    running.provider.add_account("alice", "alice-pw", "alice@example.com", "Someone Else")
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _provider_behaves(idp):
    idp.provider.mode = "ok"
    oidc._client.cache_clear()  # each test's client reads the provider's discovery and keys afresh


def _oidc(idp, **overrides):
    return {
        "oidc_issuer": idp.issuer,
        "oidc_client_id": oidc_provider.CLIENT_ID,
        "oidc_client_secret": oidc_provider.CLIENT_SECRET,
        "oidc_provider_name": "Example IdP",
        **overrides,
    }


@pytest.fixture
def client(session, engine, idp):
    yield from sso_client(session, engine, **_oidc(idp))


def _user(session, username):
    return session.scalar(select(User).where(User.username == username))


def _failures(session, key="oidc@testclient"):
    return session.scalar(select(func.count()).where(LoginAttempt.username == key, LoginAttempt.succeeded.is_(False)))


def test_sign_in_page_offers_the_provider_in_both_languages(client):
    assert "使用 Example IdP 登录" in client.get("/login?lang=zh").text
    page = client.get("/login?lang=en&next=/tasks").text
    assert "Sign in with Example IdP" in page
    assert 'href="/login/oidc?next=/tasks"' in page


def test_sign_in_page_offers_no_provider_when_none_is_configured(session, engine):
    for plain in sso_client(session, engine):
        assert "Sign in with" not in plain.get("/login?lang=en").text
        assert plain.get("/login/oidc").status_code == 404


def test_the_redirect_asks_for_a_code_with_pkce_state_and_nonce(client, idp):
    start = client.get("/login/oidc")
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0]
    assert query["nonce"][0]
    assert query["code_challenge"][0]
    assert query["redirect_uri"] == [CALLBACK]
    assert "HttpOnly" in start.headers["set-cookie"]


def test_first_sign_in_creates_a_user_without_grants_and_signs_them_in(client, idp, session, org):
    response = through_provider(client, idp.issuer, "carol", "carol-pw", next="/account")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/account"
    assert client.cookies.get(SESSION_COOKIE)
    account = client.get("/account?lang=en")
    assert "your password is managed there" in account.text
    assert 'action="/account/password"' not in account.text
    carol = _user(session, "carol")
    assert (carol.sign_in, carol.external_id, carol.email) == ("oidc", "sub-carol", "carol@example.com")
    assert carol.display_name == "Carol Chen"
    assert carol.password_hash is None
    assert session.scalar(select(func.count()).where(RoleGrant.user_id == carol.id)) == 0
    assert session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "user.create", AuditEntry.entity_key == "carol")
    )


def test_a_second_sign_in_finds_the_same_user(client, idp, session, org):
    through_provider(client, idp.issuer, "carol", "carol-pw")
    client.cookies.clear()
    again = through_provider(client, idp.issuer, "carol", "carol-pw")
    assert again.status_code == 303
    assert session.scalar(select(func.count()).where(User.username == "carol")) == 1


def test_an_administrators_precreated_user_is_linked_and_keeps_its_grants(session, engine, idp, org):
    create_user(session, "carol", [("viewer", org.A)])
    _user(session, "carol").sign_in = "oidc"
    session.flush()
    for client in sso_client(session, engine, **_oidc(idp, sso_new_users="existing")):
        assert through_provider(client, idp.issuer, "carol", "carol-pw").status_code == 303
        assert "A" in client.get("/account?lang=en").text
    carol = _user(session, "carol")
    assert carol.external_id == "sub-carol"
    assert session.scalar(select(func.count()).where(RoleGrant.user_id == carol.id)) == 1
    assert session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "user.link", AuditEntry.entity_key == "carol")
    )


def test_a_precreated_user_is_linked_by_email_when_so_configured(session, engine, idp, org):
    create_user(session, "c.chen")
    user = _user(session, "c.chen")
    user.sign_in, user.email = "oidc", "Carol@Example.com"
    session.flush()
    for client in sso_client(session, engine, **_oidc(idp, sso_new_users="existing", sso_link_by="email")):
        assert through_provider(client, idp.issuer, "carol", "carol-pw").status_code == 303
    assert _user(session, "c.chen").external_id == "sub-carol"
    assert _user(session, "carol") is None


def test_only_precreated_users_may_sign_in_when_so_configured(session, engine, idp, org):
    for client in sso_client(session, engine, **_oidc(idp, sso_new_users="existing")):
        refused = through_provider(client, idp.issuer, "carol", "carol-pw")
        assert refused.status_code == 401
        assert "尚未在本系统开通账户" in refused.text
        assert SESSION_COOKIE not in client.cookies
    assert _user(session, "carol") is None
    assert _failures(session) == 1


def test_a_local_account_is_never_taken_over_by_the_providers_username(client, idp, session, org):
    refused = through_provider(client, idp.issuer, "alice", "alice-pw")
    assert refused.status_code == 401
    assert "已有同名的其他账户" in refused.text
    alice = _user(session, "alice")
    assert (alice.sign_in, alice.external_id) == ("local", None)
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("wrong_nonce", "身份提供方的答复与本次登录不符"),
        ("expired", "登录凭证已过期"),
        ("foreign_key", "登录凭证无效"),
        ("wrong_audience", "登录凭证无效"),
        ("wrong_issuer", "登录凭证无效"),
    ],
)
def test_a_bad_id_token_is_refused_with_a_clear_message(client, idp, session, org, mode, message):
    idp.provider.mode = mode
    refused = through_provider(client, idp.issuer, "carol", "carol-pw")
    assert refused.status_code == 401
    assert message in refused.text
    assert "Traceback" not in refused.text
    assert SESSION_COOKIE not in client.cookies
    assert _user(session, "carol") is None
    assert _failures(session) == 1


def test_a_key_rotated_under_the_same_key_id_is_followed(client, idp, session, org):
    assert through_provider(client, idp.issuer, "carol", "carol-pw").status_code == 303
    read, kept = idp.provider.jwks_reads, idp.provider.key
    idp.provider.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1", "use": "sig", "alg": "RS256"})
    try:
        client.cookies.clear()
        again = through_provider(client, idp.issuer, "carol", "carol-pw")
        assert again.status_code == 303, again.text  # the kept keys failed; read again, the new one holds
        assert idp.provider.jwks_reads == read + 1
        client.cookies.clear()
        assert through_provider(client, idp.issuer, "carol", "carol-pw").status_code == 303
        assert idp.provider.jwks_reads == read + 1  # kept again
    finally:
        idp.provider.key = kept


def test_forged_tokens_read_the_providers_keys_again_at_most_once_a_minute(client, idp, session, org):
    idp.provider.mode = "foreign_key"  # signed under the provider's key id with another key
    read = idp.provider.jwks_reads
    for _ in range(3):
        refused = through_provider(client, idp.issuer, "carol", "carol-pw")
        assert refused.status_code == 401
        assert "登录凭证无效" in refused.text
    assert idp.provider.jwks_reads == read + 2  # the first read, and once again after a bad signature
    assert _user(session, "carol") is None


def test_an_answer_with_a_changed_state_is_refused(client, idp, session, org):
    start = client.get("/login/oidc")
    query = parse_qs(urlsplit(start.headers["location"]).query)
    refused = client.get("/login/oidc/callback", params={"code": "whatever", "state": query["state"][0] + "x"})
    assert refused.status_code == 401
    assert "不是从本站发起的" in refused.text
    assert _failures(session) == 1


def test_an_answer_for_a_sign_in_started_elsewhere_is_refused(client, session, org):
    refused = client.get("/login/oidc/callback", params={"code": "stolen", "state": "forged"})
    assert refused.status_code == 401
    assert "不是从本站发起的" in refused.text


def test_an_unreachable_provider_gives_a_message_not_an_error(session, engine, org):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    overrides = {"oidc_issuer": f"http://127.0.0.1:{port}", "oidc_client_id": "pacer", "oidc_timeout_seconds": 2}
    for client in sso_client(session, engine, **overrides):
        refused = client.get("/login/oidc?lang=en")
        assert refused.status_code == 401
        assert "The identity provider cannot be reached" in refused.text
    assert _failures(session) == 1


def test_repeated_failures_from_one_address_are_throttled(client, session, org):
    for _ in range(5):
        assert client.get("/login/oidc/callback", params={"code": "x", "state": "y"}).status_code == 401
    locked = client.get("/login/oidc/callback", params={"code": "x", "state": "y"})
    assert locked.status_code == 429
    assert locked.headers["Retry-After"]
    assert client.get("/login/oidc").status_code == 429


def test_an_sso_user_cannot_sign_in_with_a_password(client, idp, session, org):
    from tests.webclient import set_passwords

    through_provider(client, idp.issuer, "carol", "carol-pw")
    set_passwords(session, "carol")
    client.cookies.clear()
    from tests.webclient import PASSWORD, csrf_from

    token = csrf_from(client.get("/login").text)
    refused = client.post("/login", data={"username": "carol", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 401


def test_the_user_pages_show_how_each_user_signs_in(client, idp, session, org):
    from tests.webclient import set_passwords, sign_in

    through_provider(client, idp.issuer, "carol", "carol-pw")
    client.cookies.clear()
    set_passwords(session, "grace")
    sign_in(client, "grace")
    listing = client.get("/admin/users?lang=en").text
    assert "Single sign-on (OpenID Connect)" in listing
    assert "Local password" in listing
    assert "Single sign-on (OpenID Connect)" in client.get("/admin/users/carol?lang=en").text


def test_an_administrator_precreates_a_provider_user_on_the_users_page(client, idp, session, org):
    from tests.webclient import page_token, set_passwords, sign_in

    set_passwords(session, "grace")
    sign_in(client, "grace")
    form = {"username": "carol", "display_name": "Carol", "sign_in": "oidc", "role": "viewer", "unit_code": "A"}
    created = client.post("/admin/users", data={**form, "csrf_token": page_token(client, "/admin/users")})
    assert created.status_code == 303, created.text
    carol = _user(session, "carol")
    assert (carol.sign_in, carol.external_id, carol.password_hash) == ("oidc", None, None)
    client.cookies.clear()
    assert through_provider(client, idp.issuer, "carol", "carol-pw").status_code == 303
    assert _user(session, "carol").external_id == "sub-carol"
    assert session.scalar(select(func.count()).where(RoleGrant.user_id == carol.id)) == 1
