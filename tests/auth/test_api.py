"""The account API: /api/me, API tokens, bearer authentication, CSRF on cookie-authenticated writes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from pacer.models import ApiToken, AuditEntry, User
from pacer.models.base import utcnow
from tests.webclient import page_token


def test_api_without_credentials_answers_401_as_json(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"message": "sign in first", "status": 401}}
    assert response.headers["www-authenticate"] == "Bearer"


def test_me_lists_the_users_grants(signed_in):
    body = signed_in("alice").get("/api/me").json()
    assert body["username"] == "alice"
    assert [(g["role"], g["unit_code"]) for g in body["grants"]] == [("unit_reporter", "A1")]


def _create_token(client, name="etl", **extra):
    return client.post("/api/tokens", json={"name": name, **extra}, headers={"X-CSRF-Token": page_token(client)})


def test_a_created_token_authenticates_machine_clients(signed_in, client, session):
    created = _create_token(signed_in("alice"))
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("pcr_")
    assert session.scalar(select(ApiToken.token_hash)) != raw
    response = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert session.scalar(select(ApiToken.last_used_at)) is not None


def test_token_writes_need_no_csrf_token(signed_in, client):
    raw = _create_token(signed_in("alice")).json()["token"]
    response = client.put("/api/me/language", json={"language": "en"}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["language"] == "en"


def test_a_token_cannot_create_another_token(signed_in, client, session):
    """Otherwise a leaked token could mint a long-lived one that outlives its own revocation."""
    raw = _create_token(signed_in("alice")).json()["token"]
    response = client.post(
        "/api/tokens", json={"name": "child", "days": 3650}, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 403
    assert "browser session" in response.json()["error"]["message"]
    assert len(session.scalars(select(ApiToken.id)).all()) == 1


def _bearer(client, raw):
    return client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code


def test_a_password_change_ends_every_token(signed_in, client, session):
    alice = signed_in("alice")
    raw = _create_token(alice).json()["token"]
    assert _bearer(client, raw) == 200
    changed = alice.put(
        "/api/me/password",
        json={"current_password": "correct-horse", "new_password": "another-one-1"},
        headers={"X-CSRF-Token": page_token(alice)},
    )
    assert changed.status_code == 204
    assert _bearer(client, raw) == 401
    assert alice.get("/api/tokens").json()[0]["revoked_at"] is not None


def test_a_password_change_on_the_account_page_ends_every_token(signed_in, client):
    alice = signed_in("alice")
    raw = _create_token(alice).json()["token"]
    page = alice.post(
        "/account/password",
        data={"current_password": "correct-horse", "new_password": "another-one-1", "csrf_token": page_token(alice)},
    )
    assert page.status_code == 200
    assert "API" in page.text
    assert _bearer(client, raw) == 401


def test_an_administrators_password_reset_and_deactivation_end_every_token(signed_in, client):
    alice = signed_in("alice")
    first, second = _create_token(alice).json()["token"], _create_token(alice, "second").json()["token"]
    grace = signed_in("grace")
    headers = {"X-CSRF-Token": page_token(grace)}
    assert (
        grace.put("/api/admin/users/alice/password", json={"password": "reset-by-grace"}, headers=headers).status_code
        == 204
    )
    assert _bearer(client, first) == 401
    bob = signed_in("bob")
    raw = _create_token(bob).json()["token"]
    assert grace.put("/api/admin/users/bob/active", json={"is_active": False}, headers=headers).status_code == 200
    assert grace.put("/api/admin/users/bob/active", json={"is_active": True}, headers=headers).status_code == 200
    assert _bearer(client, raw) == 401  # reactivating does not bring tokens back
    assert _bearer(client, second) == 401


def test_tokens_live_at_most_the_configured_maximum(signed_in, client, session, app):
    alice = signed_in("alice")
    too_long = _create_token(alice, days=91)
    assert too_long.status_code == 422
    assert "between 1 and 90" in too_long.json()["error"]["message"]
    created = _create_token(alice).json()
    lifetime = datetime.fromisoformat(created["expires_at"]) - datetime.fromisoformat(created["created_at"])
    assert lifetime == timedelta(days=90)
    app.state.settings = app.state.settings.model_copy(update={"token_max_days": 7})
    # a token given out under a longer maximum ends when the maximum is lowered
    session.execute(update(ApiToken).values(created_at=utcnow() - timedelta(days=8)))
    assert _bearer(client, created["token"]) == 401
    form = alice.post("/account/tokens", data={"name": "etl", "days": "30", "csrf_token": page_token(alice)})
    assert form.status_code == 422
    assert "between 1 and 7" in form.text


def test_cookie_authenticated_api_writes_need_the_csrf_header(signed_in):
    alice = signed_in("alice")
    assert alice.post("/api/tokens", json={"name": "x"}).status_code == 403
    assert alice.put("/api/me/language", json={"language": "en"}).status_code == 403


def test_a_revoked_token_stops_working(signed_in, client, session):
    alice = signed_in("alice")
    created = _create_token(alice).json()
    assert alice.delete(f"/api/tokens/{created['id']}", headers={"X-CSRF-Token": page_token(alice)}).status_code == 204
    response = client.get("/api/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert response.status_code == 401
    assert "not valid" in response.json()["error"]["message"]
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "token.revoke")) is not None


def test_an_expired_token_stops_working(signed_in, client, session):
    raw = _create_token(signed_in("alice"), days=1).json()["token"]
    session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_deactivated_users_token_stops_working(signed_in, client, session):
    raw = _create_token(signed_in("alice")).json()["token"]
    session.execute(update(User).where(User.username == "alice").values(is_active=False))
    assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(signed_in):
    created = _create_token(signed_in("alice")).json()
    bob = signed_in("bob")
    response = bob.delete(f"/api/tokens/{created['id']}", headers={"X-CSRF-Token": page_token(bob)})
    assert response.status_code == 404


def test_tokens_are_listed_without_their_secrets(signed_in):
    alice = signed_in("alice")
    _create_token(alice)
    listed = alice.get("/api/tokens").json()
    assert len(listed) == 1
    assert "token" not in listed[0]
    assert listed[0]["prefix"].startswith("pcr_")


def test_token_page_shows_the_new_token_once(signed_in):
    alice = signed_in("alice")
    page = alice.post("/account/tokens", data={"name": "etl", "days": "", "csrf_token": page_token(alice)})
    assert page.status_code == 200
    assert 'data-testid="new-token">pcr_' in page.text
    assert "pcr_" in alice.get("/account").text  # the prefix, not the secret
    assert 'data-testid="new-token"' not in alice.get("/account").text


def test_invalid_input_answers_422_in_the_error_shape(signed_in):
    alice = signed_in("alice")
    response = alice.put("/api/me/language", json={"language": "fr"}, headers={"X-CSRF-Token": page_token(alice)})
    assert response.status_code == 422
    assert response.json()["error"]["status"] == 422


def test_password_change_through_the_api(signed_in):
    alice = signed_in("alice")
    response = alice.put(
        "/api/me/password",
        json={"current_password": "correct-horse", "new_password": "short"},
        headers={"X-CSRF-Token": page_token(alice)},
    )
    assert response.status_code == 422
    assert "8 characters" in response.json()["error"]["message"]


def test_wrong_current_passwords_count_towards_the_accounts_lock(signed_in, session):
    """Changing the password is a guess at it too: a stolen session or token gets no more guesses
    there than at the sign-in form."""
    from pacer.models import LoginAttempt

    alice = signed_in("alice")
    headers = {"X-CSRF-Token": page_token(alice)}
    for n in range(5):
        wrong = alice.put(
            "/api/me/password",
            json={"current_password": f"guess-{n}", "new_password": "another-one-1"},
            headers=headers,
        )
        assert wrong.status_code == 422
        assert "current password is wrong" in wrong.json()["error"]["message"]
    assert len(session.scalars(select(LoginAttempt.id).where(LoginAttempt.succeeded.is_(False))).all()) == 5
    right = alice.put(
        "/api/me/password", json={"current_password": "correct-horse", "new_password": "another-one-1"}, headers=headers
    )
    assert right.status_code == 429
    page = alice.post(
        "/account/password",
        data={"current_password": "correct-horse", "new_password": "another-one-1", "csrf_token": page_token(alice)},
    )
    assert page.status_code == 429
    assert "分钟后再试" in page.text
