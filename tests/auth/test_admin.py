"""Administering users and role grants: only administrators, only inside their subtrees."""

from __future__ import annotations

from sqlalchemy import select

from pacer.models import AuditEntry, RoleGrant
from tests.webclient import page_token, sign_in


def _h(client):
    return {"X-CSRF-Token": page_token(client)}


def test_non_administrators_get_403_from_admin_pages_and_api(signed_in):
    for name in ("hannah", "alice", "oscar"):
        c = signed_in(name)
        assert c.get("/admin/users").status_code == 403
        assert c.get("/api/admin/users").status_code == 403


def test_admin_lists_users_with_pagination(signed_in):
    grace = signed_in("grace")
    body = grace.get("/api/admin/users?limit=2&offset=1").json()
    assert body["total"] == 6
    assert body["limit"] == 2
    assert body["offset"] == 1
    assert [u["username"] for u in body["items"]] == ["bob", "grace"]
    assert "alice" in grace.get("/admin/users").text


def test_admin_creates_a_user_who_can_then_sign_in(signed_in, app):
    grace = signed_in("grace")
    created = grace.post(
        "/api/admin/users",
        json={"username": "dora", "display_name": "Dora", "password": "dora-password"},
        headers=_h(grace),
    )
    assert created.status_code == 201
    from fastapi.testclient import TestClient

    with TestClient(app, follow_redirects=False) as dora:
        sign_in(dora, "dora", "dora-password")
        assert dora.get("/api/me").json()["grants"] == []


def test_admin_grants_and_revokes_a_role_with_an_audit_trail(signed_in, session, org):
    grace = signed_in("grace")
    response = grace.post(
        "/admin/users/oscar/grants", data={"role": "viewer", "unit_code": "B", "csrf_token": page_token(grace)}
    )
    assert response.status_code == 303
    grant = session.scalar(select(RoleGrant).where(RoleGrant.unit_id == org.B.id))
    assert grant is not None
    assert grant.role == "viewer"
    assert grace.delete(f"/api/admin/users/oscar/grants/{grant.id}", headers=_h(grace)).status_code == 204
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "role_grant")).all()
    assert actions == ["grant.add", "grant.remove"]


def test_granting_on_an_unknown_unit_is_shown_on_the_page(signed_in):
    grace = signed_in("grace")
    response = grace.post(
        "/admin/users/oscar/grants", data={"role": "viewer", "unit_code": "NOPE", "csrf_token": page_token(grace)}
    )
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


def _ada(signed_in, session, org):
    """An administrator of A's subtree only."""
    from tests.factories import create_user
    from tests.webclient import set_passwords

    create_user(session, "ada", [("group_admin", org.A)])
    set_passwords(session, "ada")
    return signed_in("ada")


def test_a_subtree_administrator_cannot_grant_outside_the_subtree(signed_in, session, org):
    ada = _ada(signed_in, session, org)
    refused = ada.post("/api/admin/users/victor/grants", json={"role": "viewer", "unit_code": "B1"}, headers=_h(ada))
    unknown = ada.post("/api/admin/users/victor/grants", json={"role": "viewer", "unit_code": "ZZ"}, headers=_h(ada))
    assert refused.status_code == unknown.status_code == 404
    assert refused.json()["error"]["message"] == "no unit 'B1' that you administer"
    assert (
        ada.post(
            "/api/admin/users/victor/grants", json={"role": "viewer", "unit_code": "A2"}, headers=_h(ada)
        ).status_code
        == 201
    )
    # bob's only grant is in B: he is out of ada's scope
    assert ada.get("/api/admin/users/bob").status_code == 404


def test_a_subtree_administrator_cannot_touch_a_user_who_also_holds_a_grant_outside_the_subtree(
    signed_in, session, org
):
    """alice reports for A1 (inside ada's A) but also views the whole group: taking over her
    account would show ada every unit. Every verb, in the API and in the pages, answers 404 and
    changes nothing; she is not listed."""
    from pacer.models import User

    session.add(RoleGrant(user_id=org.unit_reporter.user_id, role="viewer", unit_id=org.G.id))
    session.flush()
    ada = _ada(signed_in, session, org)
    alice = session.scalar(select(User).where(User.username == "alice"))
    before = (alice.password_hash, alice.is_active)
    grant_id = session.scalar(select(RoleGrant.id).where(RoleGrant.user_id == alice.id, RoleGrant.unit_id == org.A1.id))
    token = page_token(ada, "/admin/users")
    answers = [
        ada.get("/api/admin/users/alice"),
        ada.put("/api/admin/users/alice/password", json={"password": "taken-over-1"}, headers=_h(ada)),
        ada.put("/api/admin/users/alice/active", json={"is_active": False}, headers=_h(ada)),
        ada.post("/api/admin/users/alice/grants", json={"role": "viewer", "unit_code": "A2"}, headers=_h(ada)),
        ada.delete(f"/api/admin/users/alice/grants/{grant_id}", headers=_h(ada)),
        ada.get("/admin/users/alice"),
        ada.post("/admin/users/alice/password", data={"password": "taken-over-1", "csrf_token": token}),
        ada.post("/admin/users/alice/active", data={"active": "0", "csrf_token": token}),
        ada.post("/admin/users/alice/grants", data={"role": "viewer", "unit_code": "A2", "csrf_token": token}),
        ada.post(f"/admin/users/alice/grants/{grant_id}/delete", data={"csrf_token": token}),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    session.refresh(alice)
    assert (alice.password_hash, alice.is_active) == before
    assert len(session.scalars(select(RoleGrant).where(RoleGrant.user_id == alice.id)).all()) == 2
    listed = [u["username"] for u in ada.get("/api/admin/users").json()["items"]]
    assert listed == ["ada", "victor"]  # all of their grants lie in A; grace, bob, alice and oscar do not


def test_users_without_grants_are_managed_by_the_whole_groups_administrators_only(signed_in, session, org):
    ada = _ada(signed_in, session, org)
    assert ada.get("/api/admin/users/oscar").status_code == 404
    assert (
        ada.put("/api/admin/users/oscar/password", json={"password": "taken-over-1"}, headers=_h(ada)).status_code
        == 404
    )
    grace = signed_in("grace")
    assert grace.get("/api/admin/users/oscar").status_code == 200
    assert (
        grace.put("/api/admin/users/oscar/password", json={"password": "oscar-password"}, headers=_h(grace)).status_code
        == 204
    )


def test_a_subtree_administrator_creates_users_with_a_role_in_the_subtree(signed_in, session, org):
    from pacer.models import User

    ada = _ada(signed_in, session, org)
    body = {"username": "dora", "display_name": "Dora", "password": "dora-password"}
    bare = ada.post("/api/admin/users", json=body, headers=_h(ada))
    outside = ada.post("/api/admin/users", json={**body, "role": "viewer", "unit_code": "B"}, headers=_h(ada))
    assert bare.status_code == 422
    assert "role on a unit they administer" in bare.json()["error"]["message"]
    assert outside.status_code == 404
    assert session.scalar(select(User.id).where(User.username == "dora")) is None
    created = ada.post("/api/admin/users", json={**body, "role": "unit_reporter", "unit_code": "A2"}, headers=_h(ada))
    assert created.status_code == 201
    assert [(g["role"], g["unit_code"]) for g in created.json()["grants"]] == [("unit_reporter", "A2")]
    page = ada.post(
        "/admin/users",
        data={
            "username": "eve",
            "display_name": "Eve",
            "password": "eve-password",
            "role": "viewer",
            "unit_code": "A1",
            "csrf_token": page_token(ada, "/admin/users"),
        },
    )
    assert page.status_code == 303
    assert page.headers["location"] == "/admin/users/eve"
    assert "A1" in ada.get("/admin/users/eve").text


def test_the_user_page_shows_every_grant(signed_in, session, org):
    session.add(RoleGrant(user_id=org.unit_reporter.user_id, role="viewer", unit_id=org.B.id))
    session.flush()
    grace = signed_in("grace")
    page = grace.get("/admin/users/alice").text
    assert "Unit A1" in page or "单位A1" in page
    assert "单位B" in page
    listed = {u["username"]: u["grants"] for u in grace.get("/api/admin/users").json()["items"]}
    assert {g["unit_code"] for g in listed["alice"]} == {"A1", "B"}


def test_an_administrator_cannot_take_back_their_own_administration(signed_in, session, org):
    ada = _ada(signed_in, session, org)
    own = session.scalar(select(RoleGrant.id).where(RoleGrant.unit_id == org.A.id, RoleGrant.role == "group_admin"))
    refused = ada.delete(f"/api/admin/users/ada/grants/{own}", headers=_h(ada))
    assert refused.status_code == 409
    assert "your own administration" in refused.json()["error"]["message"]
    grace = signed_in("grace")
    grace_own = session.scalar(
        select(RoleGrant.id).where(RoleGrant.unit_id == org.G.id, RoleGrant.role == "group_admin")
    )
    page = grace.post(f"/admin/users/grace/grants/{grace_own}/delete", data={"csrf_token": page_token(grace)})
    assert page.status_code == 409
    assert "不能收回您自己的管理员权限" in page.text
    # another administrator may take it back
    assert grace.delete(f"/api/admin/users/ada/grants/{own}", headers=_h(grace)).status_code == 204


def test_the_last_administrator_of_the_group_cannot_be_removed(session, org):
    import pytest

    from pacer.admin import service
    from pacer.auth.permissions import SYSTEM
    from pacer.errors import Conflict
    from tests.factories import create_user

    grant = session.scalar(select(RoleGrant).where(RoleGrant.unit_id == org.G.id, RoleGrant.role == "group_admin"))
    with pytest.raises(Conflict, match="last administrator of 'G'"):
        service.remove_grant(session, SYSTEM, "grace", grant.id)
    with pytest.raises(Conflict, match="last administrator of 'G'"):
        service.set_active(session, SYSTEM, "grace", False)
    create_user(session, "gus", [("group_admin", org.G)])
    service.set_active(session, SYSTEM, "gus", False)  # an inactive administrator does not count
    with pytest.raises(Conflict, match="last administrator"):
        service.set_active(session, SYSTEM, "grace", False)
    service.set_active(session, SYSTEM, "gus", True)
    service.remove_grant(session, SYSTEM, "grace", grant.id)
    assert session.scalar(select(RoleGrant.id).where(RoleGrant.id == grant.id)) is None
