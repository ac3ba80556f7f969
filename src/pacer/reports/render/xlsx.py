"""The report's tables as an Excel workbook: one sheet per table, figures as numbers on the
scale their column shows, the text as shown beside where a cell is a word."""

from __future__ import annotations

import io
import re

from pacer.kit import xlsx
from pacer.reports.model import Report, Table

_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(table: Table, used: set[str]) -> str:
    base = _BAD.sub(" ", table.caption or table.key).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:26]} {n}", n + 1
    used.add(name.lower())
    return name


def xlsx_bytes(report: Report) -> bytes:
    out = io.BytesIO()
    book = xlsx.writer(out)
    head, _ = xlsx.header_formats(book)
    title = book.add_format({"bold": True, "font_size": 13})
    number = book.add_format({"num_format": "#,##0.00"})
    used: set[str] = set()
    for table in report.tables():
        sheet = book.add_worksheet(_sheet_name(table, used))
        sheet.write_string(0, 0, report.title, title)
        sheet.write_string(1, 0, table.caption)
        sheet.write_row(3, 0, list(table.columns), head)
        sheet.freeze_panes(4, 1)
        sheet.set_column(0, 0, 26)
        sheet.set_column(1, len(table.columns) - 1, 13)
        for r, row in enumerate(table.rows, start=4):
            for c, cell in enumerate(row):
                # a figure is a number; a change or a status keeps its words (扭亏为盈, +1.2pp)
                if cell.number is not None and _plain_number(cell.text):
                    sheet.write_number(r, c, float(cell.number), number)
                else:
                    sheet.write_string(r, c, cell.text)
        if table.note:
            sheet.write_string(len(table.rows) + 5, 0, table.note)
    book.close()
    return out.getvalue()


def _plain_number(text: str) -> bool:
    return bool(re.fullmatch(r"-?[0-9,]+(\.[0-9]+)?", text))
