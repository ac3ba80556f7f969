"""A report asked for on /reports is queued as a job, made by the runner, kept and listed, and
downloadable only by those who see its unit; bad input is refused naming the field."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from pacer.jobs.runner import run_pending
from pacer.models import Job
from tests.tasks.board_data import followup
from tests.webclient import page_token

MONTH = f"{date.today().year}-{date.today().month:02d}"


def _ask(client, **fields):
    data = {"kind": "bulletin", "unit": "A", "period": MONTH, "span": "year", "format": "docx", "lang": "en"}
    data |= fields
    return client.post("/reports", data=data | {"csrf_token": page_token(client, "/reports")})


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_bulletin_asked_for_on_the_page_is_made_kept_and_listed(quiet_app, signed_in, session, org, tx):
    followup(session, org, date.today())
    victor = signed_in("victor")
    page = victor.get("/reports?lang=en")
    assert page.status_code == 200
    assert "Supervision bulletin" in page.text
    asked = _ask(victor)
    assert asked.status_code == 303
    job_id = int(asked.headers["location"].rsplit("/", 1)[1])
    job = session.get(Job, job_id)
    assert (job.state, job.kind, job.unit_id, job.requested_by) == ("queued", "bulletin", org.A.id, "victor")
    assert "Progress of" in victor.get(f"/jobs/{job_id}?lang=en").text
    assert run_pending(tx) == [(job_id, "done")]
    state = victor.get(f"/api/jobs/{job_id}").json()
    assert state["state"] == "done"
    assert state["progress"] == 1.0
    assert state["file"]["url"] == f"/jobs/{job_id}/file"
    download = victor.get(state["file"]["url"])
    assert download.status_code == 200
    assert download.content[:2] == b"PK"
    assert "attachment" in download.headers["content-disposition"]
    assert "A" in _text(download.content)
    listed = victor.get(f"/reports?unit=A&period={MONTH}&kind=bulletin")
    assert f'href="/jobs/{job_id}/file"' in listed.text
    assert f"bulletin-A-{MONTH}-year-en.docx" in listed.text


def test_another_subtree_neither_sees_nor_downloads_the_report(quiet_app, signed_in, session, org, tx):
    victor, bob = signed_in("victor"), signed_in("bob")
    job_id = int(_ask(victor).headers["location"].rsplit("/", 1)[1])
    run_pending(tx)
    for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/file", f"/api/jobs/{job_id}"):
        assert bob.get(path).status_code == 404, path
    assert f"/jobs/{job_id}/file" not in bob.get("/reports").text
    assert bob.get("/api/jobs").json() == {"total": 0, "items": []}
    assert _ask(bob).status_code == 404  # A is not bob's to report on


def test_bad_fields_are_refused_each_by_name_and_nothing_is_queued(quiet_app, signed_in, session, org):
    victor = signed_in("victor")
    before = session.query(Job).count()
    refused = _ask(victor, kind="novel", period="2025-13", span="decade", format="exe", lang="fr")
    assert refused.status_code == 422
    for field in ("kind", "period", "span", "lang"):
        assert f"field &#39;{field}&#39;" in refused.text or f"field '{field}'" in refused.text, field
    wrong_format = _ask(victor, format="pdf")
    assert wrong_format.status_code == 422
    assert "format" in wrong_format.text
    future = _ask(victor, period=f"{date.today().year + 1}-01")
    assert future.status_code == 422
    assert "has not begun" in future.text
    template = victor.post(
        "/reports",
        data={"kind": "bulletin", "unit": "A", "period": MONTH, "span": "month", "format": "xlsx", "lang": "en",
              "csrf_token": page_token(victor, "/reports")},
        files={"template": ("letterhead.docx", b"PK\x03\x04 not really", "application/octet-stream")},
    )  # fmt: skip
    assert template.status_code == 422
    assert "集团 Word 模板只用于 Word（.docx）格式" in template.text  # a Chinese page says it in Chinese
    assert session.query(Job).count() == before


def test_the_jobs_page_lists_ones_own_jobs_with_their_progress(quiet_app, signed_in, session, org, tx):
    victor = signed_in("victor")
    job_id = int(_ask(victor).headers["location"].rsplit("/", 1)[1])
    for lang, word in (("en", "queued"), ("zh", "排队中")):
        page = victor.get(f"/jobs?lang={lang}")
        assert f'data-job="{job_id}"' in page.text
        assert word in page.text
    run_pending(tx)
    page = victor.get("/jobs?lang=en")
    assert f'href="/jobs/{job_id}/file"' in page.text
    assert 'data-state="done"' in page.text
    assert f'data-job="{job_id}"' not in signed_in("grace").get("/jobs").text  # not grace's job
