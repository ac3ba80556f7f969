"""Writing the workbooks people fill in and send back: one MIME type, one writer that never turns
a typed text into a formula or a number, the bilingual column a writer describes, and the header
styles every such workbook shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import xlsxwriter
from xlsxwriter.format import Format

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """A column of a workbook to fill in: the code its import reads, its zh/en heading, its width
    and whether its cells are locked."""

    code: str
    zh: str
    en: str
    width: int
    locked: bool


def writer(out: IO[bytes]) -> xlsxwriter.Workbook:
    """A workbook written to ``out``, keeping every string as the text it is."""
    return xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})


def header_formats(book: xlsxwriter.Workbook) -> tuple[Format, Format]:
    """The bilingual heading's style and the style of the row of codes the import reads."""
    head = book.add_format({"bold": True, "bg_color": "#F0F3F7", "text_wrap": True, "valign": "top", "border": 1})
    code = book.add_format({"font_color": "#555555", "bg_color": "#F0F3F7", "border": 1})
    return head, code
