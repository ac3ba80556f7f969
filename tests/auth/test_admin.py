"""Administering users and role grants: only administrators, only inside their subtrees."""

from __future__ import annotations

from sqlalchemy import select

from pacer.models import AuditEntry, RoleGrant
from tests.webclient import page_token, sign_in


def _h(client):  # type: ignore[no-untyped-def]
    return {"X-CSRF-Token": page_token(client)}


def test_non_administrators_get_403_from_admin_pages_and_api(signed_in):
    for name in ("hannah", "alice", "oscar"):
        c = signed_in(name)
        assert c.get("/admin/users").status_code == 403
        assert c.get("/api/admin/users").status_code == 403


def test_admin_lists_users_with_pagination(signed_in):
    grace = signed_in("grace")
    body = grace.get("/api/admin/users?limit=2&offset=1").json()
    assert body["total"] == 6 and body["limit"] == 2 and body["offset"] == 1
    assert [u["username"] for u in body["items"]] == ["bob", "grace"]
    assert "alice" in grace.get("/admin/users").text


def test_admin_creates_a_user_who_can_then_sign_in(signed_in, app):
    grace = signed_in("grace")
    created = grace.post("/api/admin/users", json={"username": "dora", "display_name": "Dora",
                                                   "password": "dora-password"}, headers=_h(grace))
    assert created.status_code == 201
    from fastapi.testclient import TestClient

    with TestClient(app, follow_redirects=False) as dora:
        sign_in(dora, "dora", "dora-password")
        assert dora.get("/api/me").json()["grants"] == []


def test_admin_grants_and_revokes_a_role_with_an_audit_trail(signed_in, session, org):
    grace = signed_in("grace")
    response = grace.post("/admin/users/oscar/grants", data={"role": "viewer", "unit_code": "B",
                                                            "csrf_token": page_token(grace)})
    assert response.status_code == 303
    grant = session.scalar(select(RoleGrant).where(RoleGrant.unit_id == org.B.id))
    assert grant is not None and grant.role == "viewer"
    assert grace.delete(f"/api/admin/users/oscar/grants/{grant.id}", headers=_h(grace)).status_code == 204
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "role_grant")).all()
    assert actions == ["grant.add", "grant.remove"]


def test_granting_on_an_unknown_unit_is_shown_on_the_page(signed_in):
    grace = signed_in("grace")
    response = grace.post("/admin/users/oscar/grants", data={"role": "viewer", "unit_code": "NOPE",
                                                            "csrf_token": page_token(grace)})
    assert response.status_code == 404


def test_admin_forms_need_the_csrf_token(signed_in):
    grace = signed_in("grace")
    response = grace.post("/admin/users/oscar/grants", data={"role": "viewer", "unit_code": "B"})
    assert response.status_code == 403


def test_deactivating_a_user_ends_their_sessions(signed_in):
    alice = signed_in("alice")
    grace = signed_in("grace")
    assert grace.put("/api/admin/users/alice/active", json={"is_active": False}, headers=_h(grace)).status_code == 200
    assert alice.get("/api/me").status_code == 401


def test_an_administrator_cannot_deactivate_themself(signed_in):
    grace = signed_in("grace")
    assert grace.put("/api/admin/users/grace/active", json={"is_active": False}, headers=_h(grace)).status_code == 409


def test_a_subtree_administrator_cannot_grant_outside_the_subtree(signed_in, session, org):
    from tests.factories import create_user
    from tests.webclient import set_passwords

    create_user(session, "ada", [("group_admin", org.A)])
    set_passwords(session, "ada")
    ada = signed_in("ada")
    refused = ada.post("/api/admin/users/oscar/grants", json={"role": "viewer", "unit_code": "B1"}, headers=_h(ada))
    unknown = ada.post("/api/admin/users/oscar/grants", json={"role": "viewer", "unit_code": "ZZ"}, headers=_h(ada))
    assert refused.status_code == unknown.status_code == 404
    assert refused.json()["error"]["message"] == "no unit 'B1' that you administer"
    assert ada.post("/api/admin/users/oscar/grants", json={"role": "viewer", "unit_code": "A2"},
                    headers=_h(ada)).status_code == 201
    # bob's only grant is in B: he is out of ada's scope
    assert ada.get("/api/admin/users/bob").status_code == 404
