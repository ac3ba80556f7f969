"""The supervision bulletin as an Excel workbook (the one workbook writer, ``kit.xlsx``) and as a
Word document (python-docx), in the viewer's language, with every table the page shows and the
complete overdue and closed lists. The document names a CJK font for East Asian text in every
style it uses, so that Chinese renders in Word and LibreOffice alike."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import partial

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt
from xlsxwriter.worksheet import Worksheet

from pacer.kit import xlsx
from pacer.tasks.board_words import DEFINITIONS, RATE_KEYS, Cell, tables, tally_cells
from pacer.tasks.bulletin import Bulletin
from pacer.web.i18n import translate

EAST_ASIAN_FONT = "SimSun"  # 宋体: what official documents use; LibreOffice maps it to a CJK font
LATIN_FONT = "Times New Roman"


def _title(b: Bulletin, lang: str) -> str:
    unit = b.node.name(lang)
    return translate(lang, "bulletin.heading", unit=unit, start=b.period.start, end=b.period.end)


def xlsx_bytes(b: Bulletin, lang: str, note: str = "") -> bytes:
    """One sheet for the overall figures and definitions (and ``note``, what the reader must know
    about them, under the date), then one per table (an export of every overdue and closed task
    runs to tens of thousands of cells)."""
    t = partial(translate, lang)
    out = io.BytesIO()
    book = xlsx.writer(out)
    head, _ = xlsx.header_formats(book)
    bold = book.add_format({"bold": True, "font_size": 13})
    sheet = book.add_worksheet(t("bulletin.sheet.summary"))
    sheet.set_column(0, 6, 16)
    sheet.write_string(0, 0, _title(b, lang), bold)
    sheet.write_string(1, 0, t("bulletin.as_of", today=b.period.today))
    if note:
        sheet.write_string(2, 0, note)
    sheet.write_row(3, 0, [t(f"bulletin.col.{k}") for k in RATE_KEYS], head)
    _row(sheet, 4, tally_cells(b.figures.total))
    sheet.write_string(6, 0, t("bulletin.definitions"), bold)
    for i, key in enumerate(DEFINITIONS):
        sheet.write_string(7 + i, 0, t(f"bulletin.def.{key}"))
    for title, columns, rows in tables(b, lang):
        ws = book.add_worksheet(title[:31])
        ws.write_row(0, 0, columns, head)
        ws.freeze_panes(1, 0)
        for c, name in enumerate(columns):
            ws.set_column(c, c, 40 if c == 1 and len(columns) > 8 else max(12, min(30, len(name) * 2 + 4)))
        for r, row in enumerate(rows, start=1):
            _row(ws, r, row)
    book.close()
    return out.getvalue()


def _row(sheet: Worksheet, r: int, row: Sequence[Cell]) -> None:
    for c, value in enumerate(row):
        if isinstance(value, int):
            sheet.write_number(r, c, value)
        else:
            sheet.write_string(r, c, value)


def _cjk(style_element: object) -> None:
    rpr = style_element.get_or_add_rPr()  # type: ignore[attr-defined]  # python-docx's style element
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def docx_bytes(b: Bulletin, lang: str) -> bytes:
    """A landscape document: the title, the overall figures, the definitions, then each table."""
    t = partial(translate, lang)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid", "List Bullet"):
        _cjk(doc.styles[name].element)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(_title(b, lang), level=0)
    doc.add_paragraph(t("bulletin.as_of", today=b.period.today))
    doc.add_heading(t("bulletin.summary"), level=1)
    _table(doc, [t(f"bulletin.col.{k}") for k in RATE_KEYS], [tally_cells(b.figures.total)])
    doc.add_heading(t("bulletin.definitions"), level=1)
    for key in DEFINITIONS:
        doc.add_paragraph(t(f"bulletin.def.{key}"), style="List Bullet")
    for title, columns, rows in tables(b, lang):
        doc.add_heading(title, level=1)
        if rows:
            _table(doc, columns, rows)
        else:
            doc.add_paragraph(t("bulletin.nothing"))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc: object, columns: list[str], rows: Sequence[Sequence[Cell]]) -> None:
    table = doc.add_table(rows=1, cols=len(columns))  # type: ignore[attr-defined]  # a docx Document
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, columns, strict=True):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
