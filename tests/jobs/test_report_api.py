"""Report records over JSON: listed, shown, their narrative edited and their verbs taken through
the record's service, each within the reader's subtree."""

from __future__ import annotations

from datetime import date

from pacer.auth.permissions import load_actor
from pacer.reports import record
from tests.web.test_bad_input import bearer

MONTH = f"{date.today().year}-{date.today().month:02d}"


def test_an_analyst_writes_and_submits_over_the_api_and_a_reviewer_approves(quiet_app, client, session, org):
    rec = record.open_record(session, load_actor(session, "hannah"), "G", "bulletin", MONTH, "month")
    hannah, grace = bearer(session, "hannah"), bearer(session, "grace")
    path = f"/api/reports/records/{rec.id}"
    edited = client.put(f"{path}/narrative", json={"problems": "两金偏高"}, headers=hannah)
    assert edited.status_code == 200
    assert edited.json()["narrative"] == {"problems": "两金偏高", "countermeasures": "", "plan": ""}
    assert client.put(f"{path}/narrative", json={"plan": "x" * 20_001}, headers=hannah).status_code == 422
    submitted = client.post(f"{path}/verbs/submit", json={}, headers=hannah)
    assert submitted.json()["state"] == "review"
    assert client.post(f"{path}/verbs/approve", json={}, headers=hannah).status_code == 403  # the author
    assert client.post(f"{path}/verbs/return", json={}, headers=grace).status_code == 422  # needs a reason
    approved = client.post(f"{path}/verbs/approve", json={}, headers=grace).json()
    assert approved["state"] == "approved"
    assert [v["narrative"]["problems"] for v in approved["versions"]] == ["两金偏高"]
    assert [e["verb"] for e in approved["history"]] == ["create", "submit", "approve"]
    assert client.put(f"{path}/narrative", json={"problems": "late"}, headers=hannah).status_code == 409
    listed = client.get("/api/reports/records?lang=en", headers=grace).json()
    assert [(r["id"], r["state_label"]) for r in listed] == [(rec.id, "approved")]


def test_a_record_outside_the_subtree_is_neither_listed_nor_shown_nor_moved(quiet_app, client, session, org):
    rec = record.open_record(session, load_actor(session, "grace"), "A", "bulletin", MONTH, "month")
    bob = bearer(session, "bob")
    path = f"/api/reports/records/{rec.id}"
    assert client.get("/api/reports/records", headers=bob).json() == []
    assert client.get(path, headers=bob).status_code == 404
    assert client.put(f"{path}/narrative", json={"problems": "x"}, headers=bob).status_code == 404
    assert client.post(f"{path}/verbs/submit", json={}, headers=bob).status_code == 404
    assert client.get(path, headers=bearer(session, "victor")).json()["verbs"] == []  # reads, writes nothing
