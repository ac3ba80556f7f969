"""The audit trail's and the reporting calendar's pages and JSON: scoped by subtree, the Excel
download, bad input refused with one message and nothing stored."""

from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import func, select

from pacer.facts.service import import_facts
from pacer.kit.tabular import Row
from pacer.models import AuditEntry, PeriodLock, ReportingDeadline
from tests.factories import create_user
from tests.webclient import page_token, set_passwords


def _figures(session, org):
    rows = [
        Row(
            2, {"unit_code": "A1", "indicator_code": "revenue", "period": "2025-03", "value": "10", "basis": "monthly"}
        ),
        Row(
            3, {"unit_code": "B1", "indicator_code": "revenue", "period": "2025-03", "value": "20", "basis": "monthly"}
        ),
    ]
    import_facts(session, rows, source="march.csv")
    session.flush()


def test_hq_searches_the_trail_and_downloads_it(session, org, signed_in):
    _figures(session, org)
    hq = signed_in("hannah")
    page = hq.get("/audit?kind=fact&period=2025-03&lang=en")
    assert page.status_code == 200
    assert "A1/revenue/2025-03" in page.text
    assert "B1/revenue/2025-03" in page.text
    book = openpyxl.load_workbook(io.BytesIO(hq.get("/audit.xlsx?kind=fact&period=2025-03").content))
    keys = sorted(row[4] for row in book.active.iter_rows(min_row=2, values_only=True))
    assert keys == ["A1/revenue/2025-03", "B1/revenue/2025-03"]
    data = hq.get("/api/audit?unit=A&kind=fact").json()
    assert [i["key"] for i in data["items"]] == ["A1/revenue/2025-03"]
    history = hq.get("/api/audit/figure/A1/revenue/2025-03").json()
    assert history["value"] == "10.00"
    assert history["steps"][0]["source"] == "march.csv"


def test_the_download_holds_the_whole_search_whichever_page_it_was_asked_from(session, org, signed_in):
    _figures(session, org)
    newest = session.scalar(select(func.max(AuditEntry.id)).where(AuditEntry.entity == "fact"))
    hq = signed_in("hannah")
    older = hq.get(f"/audit?kind=fact&period=2025-03&before={newest}&lang=en").text
    assert older.count("/revenue/2025-03</") == 1  # the page after the newest row: one row left
    book = openpyxl.load_workbook(io.BytesIO(hq.get(f"/audit.xlsx?kind=fact&period=2025-03&before={newest}").content))
    keys = sorted(row[4] for row in book.active.iter_rows(min_row=2, values_only=True))
    assert keys == ["A1/revenue/2025-03", "B1/revenue/2025-03"]
    unit_a = openpyxl.load_workbook(io.BytesIO(hq.get(f"/audit.xlsx?kind=fact&unit=A&before={newest}").content))
    assert [row[4] for row in unit_a.active.iter_rows(min_row=2, values_only=True)] == ["A1/revenue/2025-03"]
    for path in ("/audit", "/audit.xlsx"):
        refused = hq.get(f"{path}?before=x1&period=2025-13&lang=en")
        assert refused.status_code == 422, path
        assert "is not a row id" in refused.text, path
        assert "is not a month" in refused.text, path


def test_an_approver_s_pages_hold_their_subtree_only(session, org, signed_in):
    _figures(session, org)
    create_user(session, "amy", [("unit_approver", org.A)])
    set_passwords(session, "amy")
    amy = signed_in("amy")
    page = amy.get("/audit?kind=fact")
    assert "A1/revenue/2025-03" in page.text
    assert "B1" not in re.sub(r'name="csrf_token" value="[^"]*"', "", page.text)  # a random token may hold "B1"
    book = openpyxl.load_workbook(io.BytesIO(amy.get("/audit.xlsx").content), read_only=True)
    cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert any("A1" in c for c in cells)
    assert not any("B1" in c for c in cells)
    assert amy.get("/audit/figure/B1/revenue/2025-03").status_code == 404
    assert amy.get("/audit/figure/A1/revenue/2025-03").status_code == 200
    assert signed_in("alice").get("/audit").status_code == 403


def test_a_bad_search_field_is_named(signed_in):
    answer = signed_in("hannah").get("/api/audit?period=2025-13")
    assert answer.status_code == 422
    assert "period" in answer.text


def count(session, table):
    return session.scalar(select(func.count()).select_from(table))


def test_the_calendar_page_locks_reopens_and_moves_a_deadline(session, org, signed_in):
    hq = signed_in("hannah")
    assert "2025-10" in hq.get("/admin/periods?year=2025").text
    token = page_token(hq, "/admin/periods?year=2025")
    assert hq.post("/admin/periods/2025-10/lock", data={"csrf_token": token}).status_code == 303
    assert session.get(PeriodLock, 202510) is not None
    refused = hq.post("/admin/periods/2025-10/reopen", data={"csrf_token": token, "reason": " "}, params={"lang": "en"})
    assert refused.status_code == 422
    assert "needs a reason" in refused.text
    assert session.get(PeriodLock, 202510) is not None
    done = hq.post("/admin/periods/2025-10/reopen", data={"csrf_token": token, "reason": "restated"})
    assert done.status_code == 303
    assert session.get(PeriodLock, 202510) is None
    before = count(session, AuditEntry)
    late = hq.post("/admin/periods/2025-10/deadline", data={"csrf_token": token, "due_on": "2025-12-01"})
    assert late.status_code == 422
    assert "must be a day in 2025-11" in late.text or "必须在 2025-11" in late.text
    assert (count(session, ReportingDeadline), count(session, AuditEntry)) == (0, before)
    moved = hq.put("/api/periods/2025-10/deadline", json={"due_on": "2025-11-10"}, headers={"X-CSRF-Token": token})
    assert moved.status_code == 200, moved.text
    assert moved.json()["moved"] is True
    assert signed_in("alice").get("/admin/periods").status_code == 403
