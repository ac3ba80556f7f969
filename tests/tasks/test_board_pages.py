"""The board's, the roadmap's and the bulletin's pages and JSON, and the bulletin's downloads,
over HTTP as people at different levels."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from docx import Document

from tests.tasks.board_data import followup
from tests.web.test_bad_input import bearer
from tests.webclient import app, client, signed_in  # noqa: F401  (fixtures)


@pytest.fixture
def data(session, org):
    return followup(session, org, date.today())


def tasks_on(html: str) -> list[str]:
    return re.findall(r'<tr data-task="\d+" data-state="(\w+)"', html)


def test_the_board_page_lists_late_first_with_counts_and_filters(signed_in, data):  # noqa: F811
    page = signed_in("grace").get("/tasks/board?lang=en")
    assert page.status_code == 200
    assert tasks_on(page.text)[:2] == ["in_progress", "in_progress"]
    assert page.text.count('data-late="1"') == 2
    assert re.search(r'data-state="late">.*?<strong>2</strong>', page.text, re.S)
    assert "7 days late" not in page.text
    assert "10 days late" in page.text  # against the original deadline
    assert f'href="/requirements/{data.r1.id}/roadmap"' in page.text
    late = signed_in("grace").get("/tasks/board?overdue=true&unit=A&lang=en")
    assert tasks_on(late.text) == ["in_progress"]
    assert "两金压降方案" in late.text


def test_the_board_of_a_unit_shows_nothing_of_other_units(signed_in, data):  # noqa: F811
    page = signed_in("bob").get("/tasks/board?lang=en")
    assert len(tasks_on(page.text)) == 2
    assert "两金压降方案" not in page.text
    assert "质量提升计划" in page.text
    refused = signed_in("bob").get("/tasks/board?unit=A1&lang=en")
    assert refused.status_code == 422
    assert "unit" in refused.text


def test_the_board_as_json_is_paged_with_counts(signed_in, session, data):  # noqa: F811
    web = signed_in("grace")
    got = web.get("/api/tasks/board?limit=2&offset=0", headers=bearer(session, "grace")).json()
    assert got["total"] == 7
    assert len(got["items"]) == 2
    assert got["late"] == 2
    assert [i["late"] for i in got["items"]] == [True, True]
    assert got["items"][1]["original_deadline"] < got["items"][1]["deadline"]  # extended, still late
    assert got["by_state"]["in_progress"] == 2
    bad = web.get("/api/tasks/board?status=finished", headers=bearer(session, "grace"))
    assert bad.status_code == 422
    assert "status" in bad.text


def test_the_roadmap_page_draws_the_bars_with_a_text_alternative(signed_in, data):  # noqa: F811
    page = signed_in("grace").get(f"/requirements/{data.r1.id}/roadmap?lang=en")
    assert page.status_code == 200
    svg = re.search(r"<svg.*?</svg>", page.text, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert svg.count('<g class="bar') == 3
    assert svg.count('<g class="bar late"') == 1
    assert "10 days late" in svg
    assert "Today" in svg
    assert svg.count("<polygon") == 2  # the two milestones
    assert 'data-testid="roadmap-table"' in page.text
    assert signed_in("oscar").get(f"/requirements/{data.r1.id}/roadmap").status_code == 404


def test_the_bulletin_page_writes_its_figures_and_definitions(signed_in, data):  # noqa: F811
    start = date.today() - timedelta(days=30)
    page = signed_in("grace").get(f"/tasks/bulletin?from={start}&to={date.today()}&lang=en")
    assert page.status_code == 200
    assert re.search(
        r'<tr data-unit="A">.*?<td class="num">3</td><td class="num">1</td><td class="num">33.3%', page.text, re.S
    )
    assert "Completion rate = " in page.text
    assert "On-time rate = " in page.text
    assert page.text.count('<tr data-task="') == 3  # two overdue, one closed
    bad = signed_in("grace").get("/tasks/bulletin?from=2026-06-30&to=2026-06-01")
    assert bad.status_code == 422
    assert "to" in bad.text


def test_the_bulletins_downloads_open_and_hold_the_rows(signed_in, data):  # noqa: F811
    start = date.today() - timedelta(days=30)
    web = signed_in("grace")
    xlsx = web.get(f"/tasks/bulletin.xlsx?from={start}&lang=zh")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert [row[1].value for row in book["逾期事项"].iter_rows(min_row=2)] == ["两金压降方案", "利润缺口追赶"]
    docx = web.get(f"/tasks/bulletin.docx?from={start}&lang=en")
    assert docx.status_code == 200
    assert docx.headers["content-type"].startswith("application/vnd.openxml")
    doc = Document(io.BytesIO(docx.content))
    assert [row.cells[1].text for row in doc.tables[4].rows[1:]] == ["存货盘点"]


def test_the_bulletin_of_a_unit_holds_only_its_subtree(signed_in, session, data):  # noqa: F811
    start = date.today() - timedelta(days=30)
    got = signed_in("alice").get(f"/api/tasks/bulletin?from={start}", headers=bearer(session, "alice")).json()
    assert got["node"] == "A1"
    assert [u["key"] for u in got["units"]] == ["A1"]
    assert len(got["overdue"]) == 1
    assert got["closed"] == []
    assert signed_in("alice").get("/tasks/bulletin?node=B").status_code == 404


def test_the_board_form_sent_with_empty_fields_is_read_as_no_filter(signed_in, data):  # noqa: F811
    web = signed_in("grace")
    empty = web.get("/tasks/board?meeting=&requirement=&unit=&owner=&status=&kind=&within=&overdue=true&lang=en")
    assert empty.status_code == 200
    assert tasks_on(empty.text) == ["in_progress", "in_progress"]
    bad = web.get("/tasks/board?within=soon")
    assert bad.status_code == 422
    assert "within" in bad.text
