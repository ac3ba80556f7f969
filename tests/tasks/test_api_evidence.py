"""Evidence through the JSON API: a progress report sent as multipart/form-data with its files,
checked like the page's (size, type by content, a safe name); a refused file stores neither it
nor the report; the files are listed with the report and downloaded by whoever sees the task."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pacer.config import get_settings
from pacer.models import StoredFile
from pacer.models.followup import ProgressReport
from tests.factories import create_user
from tests.web.test_bad_input import bearer

DEADLINE = (date.today() + timedelta(days=60)).isoformat()
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def task_url(client, session, org):
    create_user(session, "sam", [("supervisor", org.G)])
    session.flush()
    plan = {"unit_code": "A1", "title": "两金压降", "owner": "alice", "deadline": DEADLINE}
    made = client.post("/api/tasks", json=plan, headers=bearer(session, "sam"))
    url = f"/api/tasks/{made.json()['id']}"
    assert client.post(f"{url}/verbs/accept", json={}, headers=bearer(session, "alice")).status_code == 200
    return url


def counts(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(ProgressReport)) or 0,
        session.scalar(select(func.count()).select_from(StoredFile)) or 0,
    )


def send(client, session, url, files, who="alice", **fields):
    data = {"percent": "40", "narrative": "台账已建立"} | fields
    return client.post(f"{url}/progress/with-evidence", data=data, files=files, headers=bearer(session, who))


@pytest.mark.parametrize(
    ("name", "content", "field_said"),
    [
        ("../../x", b"plain words", "names a folder"),
        ("../../x.txt", b"plain words", "names a folder"),
        ("..\\..\\x.txt", b"plain words", "names a folder"),
        ("run.exe", b"MZ\x90\x00\x03", "not a type Pacer keeps"),
        ("macro.docm", b"PK\x03\x04 not really", "not a type Pacer keeps"),
        ("fake.pdf", b"not a pdf at all", "its content is not"),
    ],
)
def test_a_bad_file_is_refused_naming_it_and_nothing_is_stored(client, session, task_url, name, content, field_said):
    refused = send(client, session, task_url, [("evidence", (name, content, "application/octet-stream"))])
    assert refused.status_code == 422, refused.text
    problem = refused.json()["error"]["details"][0]
    assert problem["field"] == "evidence[1]"
    assert field_said in problem["message"]
    assert counts(session) == (0, 0)
    again = client.get(task_url, headers=bearer(session, "alice")).json()
    assert (again["state"], again["percent"], again["progress"]) == ("accepted", 0, [])


def test_a_file_over_the_limit_is_refused_with_413(client, session, task_url, monkeypatch):
    monkeypatch.setattr(get_settings(), "upload_max_bytes", 1000)
    refused = send(client, session, task_url, [("evidence", ("big.txt", b"x" * 1001, "text/plain"))])
    assert refused.status_code == 413
    assert refused.json()["error"]["details"][0]["field"] == "evidence[1]"
    assert counts(session) == (0, 0)


def test_one_bad_file_among_good_ones_stores_none_of_them(client, session, task_url):
    files = [
        ("evidence", ("台账.txt", "两金台账".encode(), "text/plain")),
        ("evidence", ("../../etc/passwd", b"root:x:0:0", "text/plain")),
    ]
    refused = send(client, session, task_url, files)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "evidence[2]"
    assert counts(session) == (0, 0)


def test_evidence_is_stored_listed_and_downloaded_by_who_sees_the_task(client, session, task_url):
    files = [
        ("evidence", ("台账.txt", "两金台账".encode(), "text/plain")),
        ("evidence", ("方案.pdf", PDF, "application/pdf")),
    ]
    made = send(client, session, task_url, files)
    assert made.status_code == 201, made.text
    (report,) = made.json()["progress"]
    assert (report["percent"], made.json()["state"]) == (40, "in_progress")
    assert [(e["filename"], e["content_type"]) for e in report["evidence"]] == [
        ("台账.txt", "text/plain; charset=utf-8"),
        ("方案.pdf", "application/pdf"),
    ]
    first = report["evidence"][0]["url"]
    got = client.get(first, headers=bearer(session, "sam"))
    assert (got.status_code, got.content) == (200, "两金台账".encode())
    assert "attachment" in got.headers["content-disposition"]
    assert client.get(first, headers=bearer(session, "bob")).status_code == 404
    other = report["evidence"][1]["id"]
    assert client.get(f"{task_url}/evidence/{other + 1000}", headers=bearer(session, "sam")).status_code == 404


def test_only_the_owner_reports_and_the_report_checks_its_fields(client, session, task_url):
    files = [("evidence", ("a.txt", b"a", "text/plain"))]
    assert send(client, session, task_url, files, who="sam").status_code == 403
    refused = send(client, session, task_url, files, percent="140")
    assert refused.status_code == 422
    assert counts(session) == (0, 0)
    many = [("evidence", (f"{n}.txt", b"a", "text/plain")) for n in range(11)]
    refused = send(client, session, task_url, many)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "evidence"
    assert counts(session) == (0, 0)
