"""Eliminations in the browser and as JSON: amounts per pair of units booked at the pair's nearest
common parent through the same checks as the CLI, uploads, the viewer's subtrees, and the
consolidated figures before and after eliminations."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
import xlsxwriter
from sqlalchemy import func, select

from pacer.auth.permissions import SYSTEM
from pacer.eliminations.service import import_eliminations
from pacer.errors import ValidationFailed
from pacer.kit.tabular import Row
from pacer.models import EliminationEntry, Unit
from tests.factories import create_unit
from tests.webclient import page_token

GRID = {
    "period": "2025-06",
    "seller_code_1": "A1",
    "buyer_code_1": "A2",
    "indicator_code_1": "revenue",
    "value_1": "100",
}


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(EliminationEntry))


def _booked(session) -> list[tuple[str, str, int]]:
    rows = session.execute(
        select(Unit.code, EliminationEntry.counterparty, EliminationEntry.value)
        .join(Unit, Unit.id == EliminationEntry.unit_id)
        .order_by(EliminationEntry.id)
    )
    return [tuple(r) for r in rows]


def test_a_pair_entered_in_the_grid_is_booked_at_its_nearest_common_parent(figures, signed_in, session):
    grace = signed_in("grace")
    saved = grace.post("/admin/eliminations", data={**GRID, "csrf_token": page_token(grace)})
    assert saved.status_code == 303, saved.text
    assert _booked(session) == [("A", "A1→A2", 10_000)]
    cousins = {**GRID, "seller_code_1": "B1", "buyer_code_1": "A1", "value_1": "50"}
    grace.post("/admin/eliminations", data={**cousins, "csrf_token": page_token(grace)})
    assert _booked(session)[-1] == ("G", "B1→A1", 5_000)
    listed = grace.get("/api/admin/eliminations?period=2025-06").json()
    assert [(e["unit_code"], e["counterparty"], e["value"]) for e in listed] == [
        ("A", "A1→A2", "100.00"),
        ("G", "B1→A1", "50.00"),
    ]
    # a unit user sees the entries of its subtree only
    assert signed_in("victor").get("/api/admin/eliminations?period=2025-06").json()[0]["unit_code"] == "A"
    assert len(signed_in("victor").get("/api/admin/eliminations?period=2025-06").json()) == 1


def test_the_page_shows_consolidated_figures_before_and_after_eliminations(figures, signed_in):
    grace = signed_in("grace")
    grace.post("/admin/eliminations", data={**GRID, "csrf_token": page_token(grace)})
    page = grace.get("/admin/eliminations?period=2025-06&unit=A&lang=en")
    assert page.status_code == 200
    row = page.text.split('data-indicator="revenue"')[1].split("</tr>")[0]
    # A's June revenue: A1 300 + A2 200 (x 10,000 x 1.1), less the 100 eliminated
    assert ">5500000.00<" in row
    assert ">100.00<" in row
    assert ">5499900.00<" in row


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"buyer_code_1": "A1"}, "between a unit and itself"),
        ({"buyer_code_1": "A9"}, "not in the org tree in 2025-06"),
        ({"buyer_code_1": "NOPE"}, "unknown unit 'NOPE'"),
        ({"value_1": "1.234"}, "decimal"),
    ],
)
def test_a_bad_pair_is_refused_with_one_message_and_nothing_is_stored(figures, signed_in, session, change, words):
    create_unit(session, "A9", figures.A, valid_from=date(2025, 8, 1), created_on=date(2025, 8, 1))
    grace = signed_in("grace")
    before = _count(session)
    page = grace.post("/admin/eliminations?lang=en", data={**GRID, **change, "csrf_token": page_token(grace)})
    assert page.status_code == 422
    problems = html.unescape(page.text.split('data-testid="elim-problems"')[1].split("</div>")[0])
    assert problems.count("<li>") == 1
    assert words in problems
    assert _count(session) == before


def test_the_cli_import_refuses_a_pair_of_a_unit_with_itself(figures, session):
    rows = [Row(2, {"unit_code": "A", "indicator_code": "revenue", "period": "2025-06", "value": "1",
                    "counterparty": "A1→A1"})]  # fmt: skip
    with pytest.raises(ValidationFailed, match="between a unit and itself"):
        import_eliminations(session, rows, SYSTEM)
    assert _count(session) == 0


def _xlsx(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("抵销")
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def test_an_uploaded_workbook_or_csv_is_stored_and_a_bad_cell_is_named(figures, signed_in, session):
    grace = signed_in("grace")
    header = ["seller_code", "buyer_code", "indicator_code", "period", "value"]
    good = _xlsx([header, ["A1", "A2", "revenue", "2025-06", "7"]])
    files = {"file": ("e.xlsx", good, "application/octet-stream")}
    answer = grace.post("/admin/eliminations/upload", data={"csrf_token": page_token(grace)}, files=files)
    assert answer.status_code == 303
    assert _booked(session) == [("A", "A1→A2", 700)]
    bad = _xlsx([header, ["A1", "A1", "revenue", "2025-06", "7"]])
    files = {"file": ("e.xlsx", bad, "application/octet-stream")}
    page = grace.post("/admin/eliminations/upload?lang=en", data={"csrf_token": page_token(grace)}, files=files)
    assert page.status_code == 422
    assert "sheet 抵销" in page.text
    assert "itself" in page.text
    csv = b"unit_code,indicator_code,period,value,counterparty\nG,revenue,2025-06,3,B1\xe2\x86\x92A1\n"
    files = {"file": ("e.csv", csv, "text/csv")}
    assert (
        grace.post("/admin/eliminations/upload", data={"csrf_token": page_token(grace)}, files=files).status_code == 303
    )
    assert _booked(session)[-1] == ("G", "B1→A1", 300)


def test_an_hq_analyst_enters_a_pair_in_the_grid(figures, signed_in, session):
    hannah = signed_in("hannah")
    page = hannah.get("/admin/eliminations?lang=en")
    assert 'name="seller_code_1"' in page.text  # the grid is offered
    saved = hannah.post("/admin/eliminations", data={**GRID, "csrf_token": page_token(hannah)})
    assert saved.status_code == 303, saved.text
    assert _booked(session) == [("A", "A1→A2", 10_000)]


def test_only_those_who_report_for_the_consolidating_unit_enter_eliminations(figures, signed_in, session):
    alice = signed_in("alice")  # reports for A1 only: A, where the pair is booked, reads as unknown
    page = alice.post("/admin/eliminations?lang=en", data={**GRID, "csrf_token": page_token(alice)})
    assert page.status_code == 422
    assert _count(session) == 0
    bob = signed_in("bob")
    api = bob.post(
        "/api/admin/eliminations",
        json={"rows": [{"seller_code": "A1", "buyer_code": "A2", "indicator_code": "revenue", "period": "2025-06",
                        "value": "1"}]},
        headers={"X-CSRF-Token": page_token(bob)},
    )  # fmt: skip
    assert api.status_code == 422
    assert "unknown unit 'A1'" in html.unescape(api.text)
