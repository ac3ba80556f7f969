"""Signing in and out in a browser: sessions, CSRF, throttling, expiry, password change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from pacer.auth.sessions import SESSION_COOKIE
from pacer.models import AuditEntry, LoginAttempt, WebSession
from pacer.models.base import utcnow
from tests.webclient import PASSWORD, csrf_from, page_token, set_passwords, sign_in


def _post_login(client, username, password, token=None):
    token = token or csrf_from(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_pages_redirect_to_sign_in_when_signed_out(client):
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faccount"


def test_user_signs_in_with_the_right_password_and_gets_a_safe_cookie(client, org, session):
    set_passwords(session, "alice")
    response = _post_login(client, "alice", PASSWORD)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Max-Age=43200" in cookie
    assert client.get("/account").status_code == 200


def test_the_session_table_holds_only_a_hash_of_the_cookie(client, org, session):
    set_passwords(session, "alice")
    response = _post_login(client, "alice", PASSWORD)
    raw = client.cookies.get(SESSION_COOKIE)
    stored = session.scalars(select(WebSession.id)).all()
    assert response.status_code == 303
    assert raw not in stored
    assert len(stored) == 1


def test_wrong_password_is_refused_with_the_same_message_as_an_unknown_user(client, org, session):
    set_passwords(session, "alice")
    wrong = _post_login(client, "alice", "nope-nope")
    unknown = _post_login(client, "nobody", "nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不正确" in wrong.text
    assert "用户名或密码不正确" in unknown.text


def test_user_without_a_password_cannot_sign_in(client, org):
    assert _post_login(client, "oscar", "").status_code == 401


def test_sign_in_without_a_csrf_token_is_refused(client, org, session):
    set_passwords(session, "alice")
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_sign_in_with_a_forged_csrf_cookie_is_refused(client, org, session):
    set_passwords(session, "alice")
    client.cookies.set("pacer_csrf", "forged.0000")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": "forged.0000"})
    assert response.status_code == 403


def test_five_failures_throttle_the_sixth_attempt_even_with_the_right_password(client, org, session):
    set_passwords(session, "alice")
    for _ in range(5):
        assert _post_login(client, "alice", "wrong-password").status_code == 401
    response = _post_login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "15" in response.text
    assert session.scalar(select(LoginAttempt.id).where(LoginAttempt.succeeded.is_(True))) is None


def test_throttling_counts_only_the_window(client, org, session):
    set_passwords(session, "alice")
    for _ in range(5):
        _post_login(client, "alice", "wrong-password")
    session.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
    assert _post_login(client, "alice", PASSWORD).status_code == 303


def test_throttling_of_one_user_does_not_lock_out_another(client, org, session):
    set_passwords(session, "alice", "bob")
    for _ in range(5):
        _post_login(client, "alice", "wrong-password")
    assert _post_login(client, "bob", PASSWORD).status_code == 303


def test_an_expired_session_sends_the_user_back_to_sign_in(client, org, session):
    set_passwords(session, "alice")
    sign_in(client, "alice")
    session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_sign_out_ends_the_session(client, org, session):
    set_passwords(session, "alice")
    sign_in(client, "alice")
    response = client.post("/logout", data={"csrf_token": page_token(client)})
    assert response.status_code == 303
    assert session.scalar(select(WebSession.id)) is None
    assert client.get("/account").status_code == 303


def test_sign_out_needs_the_session_csrf_token(client, org, session):
    set_passwords(session, "alice")
    sign_in(client, "alice")
    assert client.post("/logout", data={"csrf_token": "not-it"}).status_code == 403
    assert client.get("/account").status_code == 200


def test_next_only_redirects_to_local_paths(client, org, session):
    set_passwords(session, "alice")
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}
    )
    assert response.headers["location"] == "/cockpit"


def test_password_change_needs_the_current_password(signed_in, session):
    alice = signed_in("alice")
    response = alice.post(
        "/account/password",
        data={"current_password": "wrong", "new_password": "another-one-1", "csrf_token": page_token(alice)},
    )
    assert response.status_code == 422


def test_password_change_ends_other_sessions_but_keeps_this_one(signed_in, session):
    laptop, tablet = signed_in("alice"), signed_in("alice")
    response = laptop.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "another-one-1", "csrf_token": page_token(laptop)},
    )
    assert response.status_code == 200
    assert laptop.get("/account").status_code == 200
    assert tablet.get("/account").status_code == 303
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "user.password")) is not None


def test_language_is_stored_on_the_user_and_can_be_overridden_per_request(signed_in, session):
    alice = signed_in("alice")
    assert "我的账户" in alice.get("/account").text
    alice.post(
        "/account/language", data={"language": "en", "next": "/account?lang=zh", "csrf_token": page_token(alice)}
    )
    assert "My account" in alice.get("/account").text
    assert "我的账户" in alice.get("/account?lang=zh").text
    assert "My account" in alice.get("/account").text


def test_sign_in_page_speaks_english_when_asked(client):
    assert "Sign in" in client.get("/login?lang=en").text


def _from(app, address: str):
    """A browser at ``address`` (as the connection, or a trusted proxy, names it)."""
    from fastapi.testclient import TestClient

    return TestClient(app, follow_redirects=False, client=(address, 50000))


def test_throttling_counts_the_account_from_every_address_together(app, org, session):
    """Changing address (or a forged X-Forwarded-For) buys no further guesses."""
    set_passwords(session, "alice")
    for n in range(5):
        with _from(app, f"203.0.113.{n}") as attacker:
            assert _post_login(attacker, "alice", "wrong-password").status_code == 401
    with _from(app, "203.0.113.99") as attacker:
        response = _post_login(attacker, "alice", PASSWORD)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "900"
    with _from(app, "198.51.100.7") as elsewhere:
        forged = elsewhere.post(
            "/login",
            headers={"X-Forwarded-For": "192.0.2.1"},
            data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_from(elsewhere.get("/login").text)},
        )
        assert forged.status_code == 429


def test_the_users_own_address_still_signs_in_while_strangers_are_locked_out(app, org, session):
    set_passwords(session, "alice")
    with _from(app, "198.51.100.7") as laptop:
        sign_in(laptop, "alice")
    for n in range(6):
        with _from(app, f"203.0.113.{n}") as attacker:
            _post_login(attacker, "alice", "wrong-password")
    with _from(app, "203.0.113.50") as attacker:
        assert _post_login(attacker, "alice", PASSWORD).status_code == 429
    with _from(app, "198.51.100.7") as laptop:
        assert _post_login(laptop, "alice", PASSWORD).status_code == 303
    # her success opens the account again for the next few guesses from anywhere
    with _from(app, "203.0.113.50") as attacker:
        assert _post_login(attacker, "alice", "wrong-password").status_code == 401


def _earlier(session, minutes: int) -> None:
    for attempt in session.scalars(select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(minutes=minutes)
    session.flush()


def test_each_failure_after_a_lock_doubles_the_next_lock_up_to_the_maximum(client, org, session):
    set_passwords(session, "alice")
    for _ in range(5):
        _post_login(client, "alice", "wrong-password")
    _earlier(session, 16)
    assert _post_login(client, "alice", "wrong-password").status_code == 401  # the lock ended: one more guess
    _earlier(session, 16)
    locked = _post_login(client, "alice", PASSWORD)
    assert locked.status_code == 429
    assert "14" in locked.text
    # refused attempts are not counted, so they do not lengthen the lock
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 6
    _earlier(session, 15)
    assert _post_login(client, "alice", PASSWORD).status_code == 303


def test_a_lock_never_lasts_longer_than_the_maximum(client, org, session):
    set_passwords(session, "alice")
    now = utcnow()
    session.add_all(
        [
            LoginAttempt(username="alice", ip="203.0.113.1", at=now - timedelta(minutes=61, seconds=n), succeeded=False)
            for n in range(40)
        ]
    )
    session.flush()
    assert _post_login(client, "alice", PASSWORD).status_code == 303
