"""An administrator creates single-sign-on users through the JSON API and changes how a user signs
in (local with a new password, OpenID Connect or LDAP), audited; the user's sessions end."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pacer.models import AuditEntry, User
from tests.webclient import page_token, sign_in


def _h(client):
    return {"X-CSRF-Token": page_token(client)}


def test_the_api_creates_a_user_who_signs_in_through_the_identity_provider(signed_in, session):
    grace = signed_in("grace")
    body = {"username": "olga", "display_name": "Olga", "sign_in": "oidc"}
    created = grace.post("/api/admin/users", json=body, headers=_h(grace))
    assert created.status_code == 201
    assert created.json()["sign_in"] == "oidc"
    olga = session.scalar(select(User).where(User.username == "olga"))
    assert (olga.sign_in, olga.password_hash, olga.external_id) == ("oidc", None, None)
    with_password = grace.post(
        "/api/admin/users", json={**body, "username": "otto", "password": "otto-password"}, headers=_h(grace)
    )
    assert with_password.status_code == 422
    assert "has no password" in with_password.text
    assert session.scalar(select(func.count()).select_from(User).where(User.username == "otto")) == 0


def test_an_administrator_changes_how_a_user_signs_in_audited(signed_in, session, app):
    grace, alice = signed_in("grace"), signed_in("alice")
    assert alice.get("/api/me").status_code == 200
    moved = grace.put("/api/admin/users/alice/sign-in", json={"sign_in": "ldap"}, headers=_h(grace))
    assert moved.status_code == 200
    assert moved.json()["sign_in"] == "ldap"
    assert alice.get("/api/me").status_code == 401  # her session ended
    user = session.scalar(select(User).where(User.username == "alice"))
    assert (user.sign_in, user.password_hash) == ("ldap", None)
    [audit] = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.sign_in")).all()
    assert (audit.actor, audit.entity_key) == ("grace", "alice")
    assert (audit.before, audit.after) == ({"sign_in": "local", "linked": False}, {"sign_in": "ldap", "linked": False})
    no_password = grace.put("/api/admin/users/alice/sign-in", json={"sign_in": "local"}, headers=_h(grace))
    assert no_password.status_code == 422
    assert session.scalar(select(User.sign_in).where(User.username == "alice")) == "ldap"  # unchanged
    back = {"sign_in": "local", "password": "alice-new-password"}
    assert grace.put("/api/admin/users/alice/sign-in", json=back, headers=_h(grace)).status_code == 200
    with TestClient(app, follow_redirects=False) as again:
        sign_in(again, "alice", "alice-new-password")
        assert again.get("/api/me").json()["username"] == "alice"


def test_only_an_administrator_of_the_user_changes_their_sign_in(signed_in, session):
    hannah = signed_in("hannah")
    refused = hannah.put("/api/admin/users/alice/sign-in", json={"sign_in": "oidc"}, headers=_h(hannah))
    assert refused.status_code == 403
    assert session.scalar(select(User.sign_in).where(User.username == "alice")) == "local"
