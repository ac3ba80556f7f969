"""The register as an Excel workbook (the one workbook writer, ``kit.xlsx``), in the viewer's
language: one row per commendation, every text written as the text it is."""

from __future__ import annotations

import io

from pacer.commendations.repository import Row
from pacer.commendations.schemas import commendation_out
from pacer.kit import xlsx
from pacer.web.i18n import translate

COLUMNS = ("year", "award", "distinction", "unit_code", "unit", "person", "citation")
WIDTHS = (8, 36, 14, 10, 28, 14, 60)


def xlsx_bytes(rows: list[Row], lang: str) -> bytes:
    out = io.BytesIO()
    book = xlsx.writer(out)
    head, _ = xlsx.header_formats(book)
    sheet = book.add_worksheet(translate(lang, "commend.title")[:31])
    sheet.write_row(0, 0, [translate(lang, f"commend.col.{c}") for c in COLUMNS], head)
    sheet.freeze_panes(1, 0)
    for c, width in enumerate(WIDTHS):
        sheet.set_column(c, c, width)
    for r, row in enumerate(rows, start=1):
        shown = commendation_out(row, lang)
        sheet.write_number(r, 0, shown.year)
        for c, text in enumerate(
            (shown.award.name, shown.distinction, shown.unit_code, shown.unit, shown.person or "", shown.citation),
            start=1,
        ):
            sheet.write_string(r, c, text)
    book.close()
    return out.getvalue()
