"""Quality problems through the JSON API: opened (also from a chart's signal), listed by unit
subtree, zeroed criterion by criterion with evidence files, and every bad input refused with
its field named, in the caller's language, changing nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from pacer.models import StoredFile, User
from pacer.models.quality import QualityProblem
from pacer.quality.words import CRITERION_CODES
from tests.quality.conftest import FOUND
from tests.web.test_bad_input import bearer

BODY = {
    "unit_code": "A1",
    "title": "舵机电缆插头虚焊",
    "found_stage": "test",
    "severity": "major",
    "found_on": FOUND.isoformat(),
    "owner": "quinn",
    "supplier": "华东连接器厂",
    "origin_stage": "procurement",
}


def count(session, model=QualityProblem) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_problem_is_opened_zeroed_and_closed_through_the_api(client, session, org, owner, reviewer, sister):
    rita, quinn, sara = (bearer(session, u) for u in ("rita", "quinn", "sara"))
    source = {"characteristic_id": 7, "point": 23, "rule": "nelson2"}
    made = client.post("/api/quality/problems", json=BODY | {"source": source}, headers=rita)
    assert made.status_code == 201, made.text
    url = f"/api/quality/problems/{made.json()['id']}"
    assert made.json()["source"] == source
    assert made.json()["state"] == "open"
    assert [c["code"] for c in made.json()["criteria"]] == list(CRITERION_CODES)
    for code in CRITERION_CODES:
        put = client.put(f"{url}/criteria/{code}", json={"text": f"{code} 证据"}, headers=quinn)
        assert put.status_code == 200, put.text
    files = [("evidence", ("curve.csv", b"t,v\n1,2\n", "text/csv"))]
    with_file = client.post(f"{url}/criteria/reproduce/evidence", data={"text": "复现曲线"}, files=files, headers=quinn)
    (evidence,) = next(c for c in with_file.json()["criteria"] if c["code"] == "reproduce")["files"]
    assert client.get(evidence["url"], headers=sara).status_code == 404  # A2 does not see A1's problem
    assert client.get(evidence["url"], headers=rita).content == b"t,v\n1,2\n"
    assert client.post(f"{url}/verbs/submit", json={}, headers=quinn).json()["verbs"] == []
    for code in CRITERION_CODES:
        assert client.post(f"{url}/criteria/{code}/sign-off", json={}, headers=rita).status_code == 200
    spawned = client.post(f"{url}/checks", json={"units": ["A2"]}, headers=rita)
    (check,) = spawned.json()["checks"]
    answered = client.post(
        f"/api/quality/checks/{check['id']}/answer", json={"affected": False, "finding": "无"}, headers=sara
    )
    assert answered.json()["state"] == "answered"
    assert client.post(f"/api/quality/checks/{check['id']}/verbs/confirm", json={}, headers=rita).status_code == 200
    closed = client.post(f"{url}/verbs/close", json={}, headers=rita)
    assert closed.json()["state"] == "closed", closed.text
    listed = client.get("/api/quality/problems?unit=A&state=closed", headers=rita).json()
    assert [p["id"] for p in listed["items"]] == [made.json()["id"]]
    assert client.get("/api/quality/problems?characteristic_id=7", headers=rita).json()["total"] == 1


def test_a_bad_problem_is_refused_in_the_callers_language_and_nothing_is_stored(client, session, org, owner, reviewer):
    session.scalars(select(User).where(User.username == "rita")).one().language = "zh"
    before = count(session)
    bad = BODY | {"severity": "huge", "supplier": "", "found_on": "2999-01-01"}
    refused = client.post("/api/quality/problems", json=bad, headers=bearer(session, "rita"))
    assert refused.status_code == 422
    details = {d["field"]: d["message"] for d in refused.json()["error"]["details"]}
    assert set(details) == {"severity", "supplier", "found_on"}
    assert "未知的严重程度" in details["severity"]
    assert "供方" in details["supplier"]
    assert count(session) == before


def test_a_bad_attachment_stores_nothing(client, session, org, owner, reviewer):
    made = client.post("/api/quality/problems", json=BODY, headers=bearer(session, "rita")).json()
    files = [("files", ("a.txt", b"fine", "text/plain")), ("files", ("b.pdf", b"no pdf", "application/pdf"))]
    before = count(session, StoredFile)
    refused = client.post(
        f"/api/quality/problems/{made['id']}/attachments", files=files, headers=bearer(session, "quinn")
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "files[2]"
    assert count(session, StoredFile) == before


def test_an_outsider_neither_sees_nor_acts_on_a_problem(client, session, org, owner, reviewer):
    made = client.post("/api/quality/problems", json=BODY, headers=bearer(session, "rita")).json()
    bob = bearer(session, "bob")
    assert client.get(f"/api/quality/problems/{made['id']}", headers=bob).status_code == 404
    assert (
        client.put(f"/api/quality/problems/{made['id']}/criteria/locate", json={"text": "x"}, headers=bob).status_code
        == 404
    )
    assert client.get("/api/quality/problems", headers=bob).json()["total"] == 0
    assert client.get("/api/quality/problems?unit=A1", headers=bob).status_code == 404
