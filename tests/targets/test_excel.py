import io
import zipfile

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from pacer.errors import ValidationFailed
from pacer.models import AuditEntry, Target
from pacer.targets.excel import export_workbook, import_workbook
from pacer.targets.service import import_targets_file
from tests.factories import write_csv
from tests.targets.test_service import HEADER, add_revenue, current


@pytest.fixture
def targets(session, org, tmp_path):
    add_revenue(session, org.A1, 2024, 100_000)
    import_targets_file(
        session,
        write_csv(
            tmp_path / "t.csv",
            HEADER,
            "A,revenue,2025,ensure,20000,,,",
            "A1,revenue,2025,ensure,,5,linear,",
            "A1,revenue,2025,strive,,10,,",
            "A,debt_to_asset_ratio,2025,ensure,60.5,,,",
        ),
    )
    return org


def saved(tmp_path, data: bytes, name: str = "t.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def edit(path, changes: dict[tuple[int, str], object]):
    """The workbook at ``path`` with cells changed, rewritten with openpyxl (as a person's
    spreadsheet program would save it)."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["targets"]
    for (row, column), value in changes.items():
        sheet[f"{column}{row}"] = value
    book.save(path)
    return path


def rows_of(path):
    with CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_name("targets").to_python(skip_empty_area=False)


def test_the_export_names_units_and_indicators_in_both_languages_headers(session, targets, tmp_path):
    rows = rows_of(saved(tmp_path, export_workbook(session, targets.hq_analyst, 2025, "A", "key", "en")))
    assert rows[0][0] == "单位代码\nUnit code"
    assert rows[1][:4] == ["unit_code", "unit_name", "indicator_code", "indicator_name"]
    a1 = [r for r in rows[2:] if r[0] == "A1" and r[2] == "revenue"]
    assert [r[6] for r in a1] == ["ensure", "strive"]
    assert a1[0][1] == "Unit A1"
    assert a1[0][3] == "Operating revenue"
    assert (a1[0][7], a1[0][8], a1[0][9]) == ("growth", 12600, 5)  # 12,000.00 last year, +5 %
    assert a1[0][10] == ";".join(["8.34"] * 4 + ["8.33"] * 8)
    assert a1[0][12] == 12000  # last year's actual
    assert {r[0] for r in rows[2:]} == {"A", "A1", "A2"}  # the subtree, not the siblings


def test_the_export_locks_codes_and_offers_tiers_and_bases(session, targets, tmp_path):
    data = export_workbook(session, targets.hq_analyst, 2025, "A", "key")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<sheetProtection" in sheet
    assert '"ensure,strive"' in sheet
    assert '"absolute,growth"' in sheet


def test_importing_an_unchanged_export_changes_nothing(session, targets, tmp_path):
    path = saved(tmp_path, export_workbook(session, targets.hq_analyst, 2025, "A", "key"))
    audits, stored = count(session, AuditEntry), count(session, Target)
    report = import_workbook(session, path, targets.hq_analyst)
    assert report.counts == {"created": 0, "revised": 0, "unchanged": 4}
    assert (count(session, AuditEntry), count(session, Target)) == (audits, stored)


def test_an_edited_workbook_revises_and_creates_targets(session, targets, tmp_path):
    path = saved(tmp_path, export_workbook(session, targets.hq_analyst, 2025, "A", "key"))
    rows = rows_of(path)
    a_ensure = next(i + 1 for i, r in enumerate(rows) if r[0] == "A" and r[2] == "revenue" and r[6] == "ensure")
    a2_ensure = next(i + 1 for i, r in enumerate(rows) if r[0] == "A2" and r[2] == "revenue" and r[6] == "ensure")
    edit(path, {(a_ensure, "I"): 21000, (a_ensure, "L"): "new plant", (a2_ensure, "I"): 7000})
    report = import_workbook(session, path, targets.hq_analyst)
    assert report.counts == {"created": 1, "revised": 1, "unchanged": 3}
    assert current(session, targets.A, "revenue", 2025, "ensure").value == 2_100_000
    assert current(session, targets.A2, "revenue", 2025, "ensure").value == 700_000


def test_a_bad_cell_is_named_by_sheet_and_cell_and_nothing_is_stored(session, targets, tmp_path):
    path = saved(tmp_path, export_workbook(session, targets.hq_analyst, 2025, "A", "key"))
    rows = rows_of(path)
    row = next(i + 1 for i, r in enumerate(rows) if r[0] == "A2" and r[2] == "revenue" and r[6] == "strive")
    other = next(i + 1 for i, r in enumerate(rows) if r[0] == "A2" and r[2] == "total_profit" and r[6] == "ensure")
    edit(path, {(row, "I"): "12,34x", (other, "H"): "guess", (other, "I"): 5})
    stored = count(session, Target)
    with pytest.raises(ValidationFailed) as caught:
        import_workbook(session, path, targets.hq_analyst)
    found = {(p.sheet, p.cell, p.field) for p in caught.value.problems}
    assert ("targets", f"I{row}", "value") in found
    assert ("targets", f"H{other}", "basis") in found
    assert f"sheet targets, cell I{row}, field 'value'" in caught.value.message
    assert count(session, Target) == stored


def test_a_changed_target_in_a_workbook_needs_a_reason(session, targets, tmp_path):
    path = saved(tmp_path, export_workbook(session, targets.hq_analyst, 2025, "A", "key"))
    rows = rows_of(path)
    row = next(i + 1 for i, r in enumerate(rows) if r[0] == "A" and r[2] == "revenue" and r[6] == "ensure")
    edit(path, {(row, "I"): 25000})
    with pytest.raises(ValidationFailed) as caught:
        import_workbook(session, path, targets.hq_analyst)
    assert (caught.value.problems[0].cell, caught.value.problems[0].field) == (f"L{row}", "reason")


def test_a_file_that_is_not_a_workbook_or_too_large_is_refused(session, targets, tmp_path, monkeypatch):
    with pytest.raises(ValidationFailed, match="not an Excel workbook"):
        import_workbook(session, write_csv(tmp_path / "t.xlsx", HEADER, "x"), targets.hq_analyst)
    path = saved(tmp_path, export_workbook(session, targets.hq_analyst, 2025, "A", "key"))
    monkeypatch.setenv("PACER_IMPORT_MAX_BYTES", "1000")
    from pacer.config import get_settings

    get_settings.cache_clear()
    try:
        with pytest.raises(ValidationFailed, match="PACER_IMPORT_MAX_BYTES"):
            import_workbook(session, path, targets.hq_analyst)
    finally:
        monkeypatch.delenv("PACER_IMPORT_MAX_BYTES")
        get_settings.cache_clear()


def test_an_analyst_of_one_subtree_cannot_set_anothers_targets_by_workbook(session, targets, tmp_path):
    from tests.factories import create_user

    b_analyst = create_user(session, "bella", [("hq_analyst", targets.B)])
    path = saved(tmp_path, export_workbook(session, targets.hq_analyst, 2025, "A", "key"))
    with pytest.raises(ValidationFailed, match="unknown unit 'A'"):
        import_workbook(session, path, b_analyst)
