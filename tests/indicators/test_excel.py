"""The indicator list as an Excel workbook and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from pacer.errors import ValidationFailed
from pacer.indicators.excel import export_workbook, import_workbook
from tests.conftest import Org
from tests.factories import indicator


def _exported(session: Session, tmp_path: Path) -> Path:
    path = tmp_path / "indicators.xlsx"
    path.write_bytes(export_workbook(session))
    return path


def _cell_of(path: Path, code: str, column: str, version: int = 0) -> str:
    sheet = load_workbook(path)["indicators"]
    header = [c.value for c in sheet[2]]
    rows = [r for r in sheet.iter_rows(min_row=3) if r[0].value == code]
    return rows[version][header.index(column)].coordinate


def _set(path: Path, cell: str, value: object) -> None:
    book = load_workbook(path)
    book["indicators"][cell] = value
    book.save(path)


def test_a_workbook_has_one_row_per_indicator_and_version_under_bilingual_labels(
    session: Session, tmp_path: Path
) -> None:
    sheet = load_workbook(_exported(session, tmp_path))["indicators"]

    assert sheet["A1"].value == "指标代码\nCode"
    assert sheet["A2"].value == "code"
    codes = [r[0].value for r in sheet.iter_rows(min_row=3)]
    assert codes.count("revenue") == 2  # its 2019 and 2021 definitions
    assert codes.count("roe") == 1


def test_importing_an_unchanged_workbook_changes_nothing(session: Session, org: Org, tmp_path: Path) -> None:
    assert import_workbook(session, _exported(session, tmp_path), org.hq_analyst) == []


def test_a_name_changed_in_the_workbook_is_stored_and_marks_the_indicator_customized(
    session: Session, org: Org, tmp_path: Path
) -> None:
    path = _exported(session, tmp_path)
    _set(path, _cell_of(path, "revenue", "name_en", version=1), "Sales")

    changes = import_workbook(session, path, org.hq_analyst)

    assert [line for c in changes for line in c.lines()] == [
        "changed indicator 'revenue'",
        "  versions[2021].name_en: Operating revenue → Sales",
    ]
    assert indicator(session, "revenue").customized is True


def test_problems_name_the_sheet_cell_and_field(session: Session, org: Org, tmp_path: Path) -> None:
    path = _exported(session, tmp_path)
    unit_cell = _cell_of(path, "roe", "unit")
    formula_cell = _cell_of(path, "rd_intensity", "formula")
    flag_cell = _cell_of(path, "headcount", "never_negative")
    _set(path, unit_cell, "dollars")
    _set(path, formula_cell, "net_profit / nothing")
    _set(path, flag_cell, "perhaps")

    with pytest.raises(ValidationFailed) as error:
        import_workbook(session, path, org.hq_analyst)

    problems = [str(p) for p in error.value.problems]
    assert problems == [f"sheet indicators, cell {flag_cell}, field 'never_negative': 'perhaps' is not true or false"]
    _set(path, flag_cell, "true")
    with pytest.raises(ValidationFailed) as error:
        import_workbook(session, path, org.hq_analyst)
    problems = [str(p) for p in error.value.problems]
    assert any(p.startswith(f"sheet indicators, cell {unit_cell}, field 'unit': indicator 'roe'") for p in problems)
    assert any(
        p.startswith(
            f"sheet indicators, cell {formula_cell}, field 'formula': indicator 'rd_intensity': refers to unknown"
        )
        for p in problems
    )
