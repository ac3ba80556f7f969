"""Bad workbooks: each is refused naming where the problem is, and leaves the database exactly as
it was (figures, submissions and the audit trail counted before and after)."""

from __future__ import annotations

import time
import zipfile
from datetime import datetime

import pytest
import xlsxwriter
from sqlalchemy import func, select
from typer.testing import CliRunner

from pacer.auth.permissions import SYSTEM
from pacer.config import get_settings
from pacer.errors import ValidationFailed
from pacer.facts.template import STAMP_SHEET
from pacer.facts.workbook_import import import_workbook_file
from pacer.indicators.assignment_service import AssignmentIn, assign
from pacer.models import AuditEntry, Fact, PeriodLock, Submission
from tests.facts.workbooks import edit, fill, row_of, template

FIRST = 4  # the first indicator's row


def counts(session):
    return [session.scalar(select(func.count()).select_from(m)) for m in (Fact, Submission, AuditEntry)]


def filled(session, tmp_path, values=None):
    return fill(template(session, tmp_path), "A1", values or {"revenue": 10})


def truncated(session, org, tmp_path):
    path = filled(session, tmp_path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path, {}, (None, None, "not an Excel workbook")


def pdf_renamed(session, org, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    return path, {}, (None, None, "not an Excel workbook")


def zip_bomb(session, org, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 40_000_000)  # about 40 KB packed
    return path, {}, (None, None, "unpacks to 40,000,000 bytes")


def zip_not_a_workbook(session, org, tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path, {}, (None, None, "cannot be read")


def no_stamp(session, org, tmp_path):
    path = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("A1").write_row(0, 0, ["indicator_code", "value"])
    book.close()
    return path, {}, (None, None, "not a figures template")


def another_unit(session, org, tmp_path):
    return filled(session, tmp_path), {"unit": "A2"}, ("A1", None, "a template of unit A1, not A2")


def another_month(session, org, tmp_path):
    return filled(session, tmp_path), {"period": 202502}, ("A1", None, "a template of 2025-01, not 2025-02")


def another_version(session, org, tmp_path):
    path = edit(filled(session, tmp_path), STAMP_SHEET, lambda ws: ws.__setitem__("D2", "pacer-facts/0"))
    return path, {}, ("A1", None, "version 'pacer-facts/0'")


def out_of_date(session, org, tmp_path):
    path = filled(session, tmp_path)
    assign(session, SYSTEM, AssignmentIn(indicator_code="inventory", unit_code="A1", exclude=True,
                                         from_month="2025-01", reason="no stock"))  # fmt: skip
    return path, {}, ("A1", None, "no longer matches")


def extra_sheet(session, org, tmp_path):
    path = filled(session, tmp_path)
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.create_sheet("scratch")["A1"] = 5
    book.save(path)
    return path, {}, ("scratch", None, "not part of the template")


def formula(session, org, tmp_path):
    return filled(session, tmp_path, {"revenue": "=1+2"}), {}, ("A1", f"F{FIRST}", "a formula")


def merged(session, org, tmp_path):
    path = edit(filled(session, tmp_path), "A1", lambda ws: ws.merge_cells(f"F{FIRST + 1}:F{FIRST + 2}"))
    return path, {}, ("A1", f"F{FIRST + 1}:F{FIRST + 2}", "merged cells")


def text(session, org, tmp_path):
    return filled(session, tmp_path, {"revenue": "about ten"}), {}, ("A1", f"F{FIRST}", "is not a number")


def wan(session, org, tmp_path):
    return filled(session, tmp_path, {"revenue": "12万"}), {}, ("A1", f"F{FIRST}", "multiplier (万)")


def true_false(session, org, tmp_path):
    return filled(session, tmp_path, {"revenue": True}), {}, ("A1", f"F{FIRST}", "true/false")


def a_date(session, org, tmp_path):
    return filled(session, tmp_path, {"revenue": datetime(2025, 1, 31)}), {}, ("A1", f"F{FIRST}", "a date")


def too_precise(session, org, tmp_path):
    return filled(session, tmp_path, {"revenue": "1.234"}), {}, ("A1", f"F{FIRST}", "more than 2 decimal")


def duplicated(session, org, tmp_path):
    path = filled(session, tmp_path, {"revenue": 1, "operating_cost": 2})
    second = row_of(path, "A1", "operating_cost")
    edit(path, "A1", lambda ws: ws.__setitem__(f"B{second}", "revenue"))
    return path, {}, ("A1", f"B{second}", "listed twice (also row 4)")


def unknown_code(session, org, tmp_path):
    path = edit(filled(session, tmp_path), "A1", lambda ws: ws.__setitem__(f"B{FIRST}", "nope"))
    return path, {}, ("A1", f"B{FIRST}", "not in this template")


def no_code(session, org, tmp_path):
    path = edit(filled(session, tmp_path), "A1", lambda ws: ws.__setitem__(f"B{FIRST}", None))
    return path, {}, ("A1", f"F{FIRST}", "without an indicator code")


def changed_header(session, org, tmp_path):
    path = edit(filled(session, tmp_path), "A1", lambda ws: ws.__setitem__("F3", "amount"))
    return path, {}, ("A1", "A3", "columns were changed")


def locked_month(session, org, tmp_path):
    session.add(PeriodLock(period=202501))
    session.flush()
    return filled(session, tmp_path), {}, ("A1", None, "period 2025-01 is locked")


def not_granted(session, org, tmp_path):
    return filled(session, tmp_path), {"actor": org.other_reporter}, ("A1", None, "unknown unit 'A1'")


CASES = [truncated, pdf_renamed, zip_bomb, zip_not_a_workbook, no_stamp, another_unit, another_month,
         another_version, out_of_date, extra_sheet, formula, merged, text, wan, true_false, a_date, too_precise,
         duplicated, unknown_code, no_code, changed_header, locked_month, not_granted]  # fmt: skip


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setenv("PACER_IMPORT_MAX_BYTES", "200000")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_a_bad_workbook_is_refused_naming_where_and_stores_nothing(case, session, org, tmp_path, small_limit):
    path, kwargs, (sheet, cell, words) = case(session, org, tmp_path)
    before = counts(session)
    actor = kwargs.pop("actor", SYSTEM)
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as failed:
        import_workbook_file(session, path, actor, **kwargs)
    assert time.monotonic() - started < 10
    assert counts(session) == before
    matching = [p for p in failed.value.problems if words in p.message]
    assert matching, [str(p) for p in failed.value.problems]
    assert (matching[0].sheet, matching[0].cell) == (sheet, cell), str(matching[0])


def test_every_problem_of_a_workbook_is_named_at_once(session, org, tmp_path):
    path = filled(session, tmp_path, {"revenue": "12万", "operating_cost": "x", "total_profit": "=1"})
    with pytest.raises(ValidationFailed) as failed:
        import_workbook_file(session, path)
    cells = {p.cell for p in failed.value.problems}
    assert {f"F{FIRST}", f"F{row_of(path, 'A1', 'operating_cost')}", f"F{row_of(path, 'A1', 'total_profit')}"} <= cells


def test_empty_rows_are_skipped_and_the_rest_imported(session, org, tmp_path):
    path = filled(session, tmp_path, {"revenue": 10, "operating_cost": 5})
    edit(path, "A1", lambda ws: ws.insert_rows(FIRST + 1, 2))
    assert import_workbook_file(session, path)["created"] == 2


def test_a_pdf_renamed_xlsx_is_refused_on_the_command_line_with_one_problem(database_url, tmp_path):
    from pacer.cli import app

    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7\n%%EOF\n")
    result = CliRunner().invoke(app, ["facts", "import", str(path)])
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines[0].startswith("error: report.xlsx: 1 problem(s), nothing was stored")
    assert lines[1:] == ["  - the file is not an Excel workbook (.xlsx)"]
