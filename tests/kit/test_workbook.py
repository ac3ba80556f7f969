from datetime import date

import pytest
import xlsxwriter

from pacer.errors import ValidationFailed
from pacer.kit.workbook import cell_text, column_letter, open_sheet


def book(path, rows, sheet="data"):
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    workbook.close()
    return path


def test_columns_are_lettered_as_a_spreadsheet_does():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_cells_read_back_as_the_text_an_import_parses():
    assert cell_text(12600.0) == "12600"
    assert cell_text(0.1) == "0.1"
    assert cell_text(1e16 + 0.5) == "10000000000000000"
    assert cell_text(123456789.12) == "123456789.12"
    assert cell_text(date(2025, 3, 1)) == "2025-03-01"
    assert cell_text(None) == ""
    assert cell_text(True) == "true"


def test_the_header_may_sit_below_a_row_of_labels_and_rows_keep_their_spreadsheet_numbers(tmp_path):
    path = book(tmp_path / "b.xlsx", [["代码 Code", "值 Value"], ["code", "value"], ["A", 1.5], [None, None], ["B", 2]])
    sheet = open_sheet(path, ("code", "value"))
    rows = list(sheet.rows())
    assert [(r.number, r.values) for r in rows] == [
        (3, {"code": "A", "value": "1.5"}),
        (5, {"code": "B", "value": "2"}),
    ]
    assert sheet.letters == {"code": "A", "value": "B"}


def test_a_sheet_without_the_header_or_with_an_unknown_column_is_refused_naming_the_sheet(tmp_path):
    with pytest.raises(ValidationFailed) as caught:
        open_sheet(book(tmp_path / "a.xlsx", [["code"], ["A"]]), ("code", "value"))
    assert (caught.value.problems[0].sheet, caught.value.problems[0].field) == ("data", "code")
    with pytest.raises(ValidationFailed, match="unknown column"):
        open_sheet(book(tmp_path / "b.xlsx", [["code", "value", "colour"], ["A", 1, "red"]]), ("code", "value"))
    with pytest.raises(ValidationFailed, match="no rows"):
        open_sheet(book(tmp_path / "c.xlsx", [["code", "value"]]), ("code", "value"))


def test_a_named_sheet_is_read_and_problems_are_located_in_its_cells(tmp_path):
    from pacer.errors import Problem

    workbook = xlsxwriter.Workbook(str(tmp_path / "d.xlsx"))
    workbook.add_worksheet("notes").write(0, 0, "read me")
    data = workbook.add_worksheet("targets")
    for c, v in enumerate(["code", "value"]):
        data.write(0, c, v)
        data.write(1, c, "x")
    workbook.close()
    sheet = open_sheet(tmp_path / "d.xlsx", ("code", "value"), sheet="targets")
    located = sheet.locate(Problem("bad", 2, "value"))
    assert (located.sheet, located.cell, str(located)) == (
        "targets",
        "B2",
        "sheet targets, cell B2, field 'value': bad",
    )
