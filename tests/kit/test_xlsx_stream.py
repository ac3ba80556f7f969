"""The export workbook writer: what openpyxl and calamine read back is what was written, text
stays text, styles and frozen rows are where they were asked."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from python_calamine import CalamineWorkbook

from pacer.kit.xlsx_stream import HEAD, TITLE, Sheet, workbook_bytes

AWKWARD = [
    "=SUM(A1:A2)",  # a formula's look, kept as text
    "<b>&amp; 'quoted' \"double\"",
    "  leading and trailing  ",
    "bell\x07and\x1ftab\tend",
    "两金压降方案（一）",
    "0012",  # a number's look, kept as text
]


def book() -> bytes:
    first = Sheet("总体 / summary", [["Title"], [], ["a", "b"], [1, -2]], {0: TITLE, 2: HEAD}, [20, 10])
    second = Sheet("x" * 40, [["text", "number"], *([s, n] for n, s in enumerate(AWKWARD))], {0: HEAD}, frozen=1)
    return workbook_bytes([first, second])


def test_openpyxl_reads_back_every_cell_as_written():
    wb = openpyxl.load_workbook(io.BytesIO(book()))
    assert wb.sheetnames == ["总体   summary", "x" * 31]  # '/' is not allowed in a sheet name
    summary = wb.worksheets[0]
    assert [[c.value for c in row] for row in summary.iter_rows()] == [
        ["Title", None],
        [None, None],
        ["a", "b"],
        [1, -2],
    ]
    assert summary["A1"].font.b
    assert summary["A1"].font.sz == 13
    assert summary["A3"].font.b
    assert summary["A3"].fill.fgColor.rgb == "FFF0F3F7"
    assert summary["A3"].border.left.style == "thin"
    assert not summary["A4"].font.b
    assert summary.column_dimensions["A"].width == 20
    listed = wb.worksheets[1]
    rows = [[c.value for c in row] for row in listed.iter_rows()]
    assert rows[0] == ["text", "number"]
    assert [r[1] for r in rows[1:]] == list(range(len(AWKWARD)))
    texts = [r[0] for r in rows[1:]]
    assert texts[:3] == AWKWARD[:3]
    assert texts[3] == "bell_x0007_and_x001F_tab\tend"  # what XML cannot carry, escaped as Excel does
    assert texts[4:] == AWKWARD[4:]
    assert listed["A2"].data_type == "s"
    assert listed["A7"].data_type == "s"
    assert listed.freeze_panes == "A2"
    assert summary.freeze_panes is None


def test_calamine_reads_it_too():
    wb = CalamineWorkbook.from_filelike(io.BytesIO(book()))
    rows = wb.get_sheet_by_index(1).to_python()
    assert rows[1] == ["=SUM(A1:A2)", 0.0]
    assert rows[5][0] == "两金压降方案（一）"


def test_the_package_declares_every_part_it_holds():
    with zipfile.ZipFile(io.BytesIO(book())) as z:
        names = set(z.namelist())
        types = z.read("[Content_Types].xml").decode()
    assert {"xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} <= names
    for part in ("/xl/workbook.xml", "/xl/styles.xml", "/xl/worksheets/sheet2.xml"):
        assert f'PartName="{part}"' in types
