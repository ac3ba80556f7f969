"""The register's pages and JSON API: a meeting registered through the form and the API, bad
input shown beside its field in the reader's language, documents uploaded and downloaded, and
nothing of a meeting shown to someone who does not see its unit."""

from __future__ import annotations

from sqlalchemy import func, select

from pacer.auth.permissions import load_actor
from pacer.meetings import service
from pacer.models import Meeting, StoredFile
from tests.meetings.conftest import record
from tests.web.test_bad_input import bearer
from tests.webclient import page_token

PDF = b"%PDF-1.4\n%%EOF\n"

FORM = {
    "unit_code": "G",
    "kind": "semiannual_conference",
    "title": "2026年年中工作会",
    "held_on": "2026-07-20",
    "mode": "on_site",
    "place": "北京",
    "chair": "袁总",
    "attendees": "袁总\n刘副总",
    "attendee_units": "A, B",
    "reporting_units": "A1",
    "agenda-1-kind": "report",
    "agenda-1-speaker": "袁总",
    "agenda-1-title": "工作报告",
    "req-1-order": "2",
    "req-1-issuer": "袁总",
    "req-1-text": "抓改革",
    "req-1-tags": "reform",
    "req-2-order": "1",
    "req-2-issuer": "袁总",
    "req-2-text": "稳增长",
    "req-2-tags": "performance market",
    "req-3-order": "3",
    "req-3-text": "",
}


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Meeting))


def test_a_supervisor_registers_a_meeting_through_the_form_and_reads_it(session, signed_in, org):
    grace = signed_in("grace")
    response = grace.post("/meetings/new", data=FORM | {"csrf_token": page_token(grace, "/meetings/new")})
    assert response.status_code == 303, response.text
    page = grace.get(response.headers["location"])
    assert page.status_code == 200
    assert "2026年年中工作会" in page.text
    assert page.text.index("稳增长") < page.text.index("抓改革")  # stored in the order asked
    assert "/tasks?requirement=" in page.text
    register = grace.get("/meetings?kind=semiannual_conference&year=2026&unit=A1")
    assert "2026年年中工作会" in register.text


def test_a_bad_form_is_shown_again_with_each_problem_in_the_readers_language(session, signed_in, org):
    grace = signed_in("grace")
    before = count(session)
    bad = FORM | {"title": " ", "held_on": "2026-02-30", "req-2-number": "x", "csrf_token": page_token(grace)}
    zh = grace.post("/meetings/new", data=bad)
    assert zh.status_code == 422
    assert "会议名称不能为空" in zh.text
    assert "不是日期" in zh.text
    assert "序号应为从 1 起的整数" in zh.text
    assert "抓改革" in zh.text  # what was typed is kept
    en = grace.post("/meetings/new?lang=en", data=bad)
    assert "the title is empty" in en.text
    assert count(session) == before


def test_a_viewer_neither_sees_the_form_nor_registers(session, signed_in, org):
    victor = signed_in("victor")
    assert victor.get("/meetings/new").status_code == 403
    before = count(session)
    assert victor.post("/meetings/new", data=FORM | {"csrf_token": page_token(victor)}).status_code == 403
    assert count(session) == before


def test_documents_are_uploaded_refused_and_downloaded_with_a_safe_name(session, signed_in, org):
    meeting = service.create(session, load_actor(session, "grace"), record())
    session.commit()
    grace = signed_in("grace")
    token = page_token(grace)
    url = f"/meetings/{meeting.id}/documents"
    for name, content, words in (
        ("../../x", PDF, "含有路径"),
        ("纪要.docx", PDF, "不是 Word"),
        ("run.exe", b"MZ", "不接受"),
    ):
        refused = grace.post(url, data={"csrf_token": token}, files={"file": (name, content)})
        assert refused.status_code == 422
        assert words in refused.text
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    ok = grace.post(url, data={"csrf_token": token}, files={"file": ("会议纪要.pdf", PDF, "text/html")})
    assert ok.status_code == 303
    stored = session.scalars(select(StoredFile)).one()
    download = grace.get(f"{url}/{stored.id}")
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"  # Pacer's type, not the browser's
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E4%BC%9A%E8%AE%AE" in download.headers["content-disposition"]
    assert signed_in("bob").get(f"{url}/{stored.id}").status_code == 404


def test_the_api_registers_lists_and_refuses_naming_the_field(session, org, client):
    headers = bearer(session, "grace")
    body = record().model_dump()
    created = client.post("/api/meetings", json=body, headers=headers)
    assert created.status_code == 201, created.text
    meeting = created.json()
    assert [(r["issuer"], r["number"]) for r in meeting["requirement_list"]] == [
        ("袁总", 1),
        ("袁总", 2),
        ("刘副总", 1),
    ]
    listed = client.get("/api/meetings?year=2026", headers=headers).json()
    assert [m["id"] for m in listed["items"]] == [meeting["id"]]
    again = client.post("/api/meetings", json=body | {"held_on": "soon"}, headers=headers)
    assert again.status_code == 422
    assert again.json()["error"]["details"][0]["field"] == "held_on"
    assert again.json()["error"]["details"][0]["message_zh"]
    bob = bearer(session, "bob")
    assert client.get(f"/api/meetings/{meeting['id']}", headers=bob).status_code == 404
    assert client.get("/api/meetings", headers=bob).json()["total"] == 0


def test_the_edit_form_reorders_and_removes_requirements_keeping_the_others(session, signed_in, org):
    meeting = service.create(session, load_actor(session, "grace"), record())
    session.commit()
    first, second, third = service.detail(session, load_actor(session, "grace"), meeting.id).requirements
    grace = signed_in("grace")
    form = grace.get(f"/meetings/{meeting.id}/edit")
    assert f'name="req-1-id" value="{first.id}"' in form.text
    posted = FORM | {"title": meeting.title, "held_on": "2026-07-16", "csrf_token": page_token(grace)}
    posted = {k: v for k, v in posted.items() if not k.startswith("req-")}
    posted |= {"req-1-id": str(first.id), "req-1-order": "2", "req-1-issuer": "袁总", "req-1-text": first.text}
    posted |= {
        "req-2-id": str(second.id),
        "req-2-order": "9",
        "req-2-issuer": "袁总",
        "req-2-text": "x",
        "req-2-drop": "1",
    }
    posted |= {"req-3-id": str(third.id), "req-3-order": "1", "req-3-issuer": "刘副总", "req-3-text": third.text}
    more = grace.post(f"/meetings/{meeting.id}/edit", data=posted | {"more": "1"})
    assert more.status_code == 200
    assert more.text.count('data-testid="requirement-row"') == 2 + 2 * 3  # two kept, six blank rows
    saved = grace.post(f"/meetings/{meeting.id}/edit", data=posted)
    assert saved.status_code == 303, saved.text
    after = service.detail(session, load_actor(session, "grace"), meeting.id).requirements
    assert [r.id for r in after] == [third.id, first.id]
    assert signed_in("victor").get(f"/meetings/{meeting.id}/edit").status_code == 404  # G's meeting: not in view


def test_a_document_is_removed_from_the_meetings_page(session, signed_in, org):
    meeting = service.create(session, load_actor(session, "grace"), record())
    stored = service.add_document(session, load_actor(session, "grace"), meeting.id, "a.pdf", PDF)
    session.commit()
    grace = signed_in("grace")
    gone = grace.post(f"/meetings/{meeting.id}/documents/{stored.id}/delete", data={"csrf_token": page_token(grace)})
    assert gone.status_code == 303
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
