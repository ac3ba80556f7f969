"""The supervision bulletin as an Excel workbook (the one workbook writer, ``kit.xlsx``) and as a
Word document (python-docx), in the viewer's language, with every table the page shows and the
complete overdue and closed lists. The document names a CJK font for East Asian text in every
style it uses, so that Chinese renders in Word and LibreOffice alike."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import partial

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from xlsxwriter.format import Format
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


PERCENT = re.compile(r"[0-9]+(\.[0-9])?%")  # a rate as the bulletin shows it (tally_cells)
LANDSCAPE_CM = 24.6  # A4 landscape less Word's default margins
CELL_PAD_CM = 0.45  # Word's default cell margins, and a little room


def chars(text: str) -> int:
    """How wide a text prints, in Latin characters (a CJK character counts two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def figure_column(rows: Sequence[Sequence[Cell]], c: int) -> bool:
    """A column of counts and rates (right-aligned), not of names or dates."""
    values = [row[c] for row in rows if row[c] != "—"]
    return bool(values) and all(isinstance(v, int) or PERCENT.fullmatch(v) for v in values)


def xlsx_bytes(b: Bulletin, lang: str, note: str = "") -> bytes:
    """One sheet for the overall figures and definitions (and ``note``, what the reader must know
    about them, under the date), then one per table (an export of every overdue and closed task
    runs to tens of thousands of cells)."""
    t = partial(translate, lang)
    out = io.BytesIO()
    book = xlsx.writer(out)
    head, _ = xlsx.header_formats(book)
    bold = book.add_format({"bold": True, "font_size": 13})
    rate = book.add_format({"num_format": "0.0%"})
    sheet = book.add_worksheet(t("bulletin.sheet.summary"))
    sheet.set_column(0, 6, 16)
    sheet.write_string(0, 0, _title(b, lang), bold)
    sheet.write_string(1, 0, t("bulletin.as_of", today=b.period.today))
    if note:
        sheet.write_string(2, 0, note)
    sheet.write_row(3, 0, [t(f"bulletin.col.{k}") for k in RATE_KEYS], head)
    _row(sheet, 4, tally_cells(b.figures.total), rate)
    sheet.write_string(6, 0, t("bulletin.definitions"), bold)
    for i, key in enumerate(DEFINITIONS):
        sheet.write_string(7 + i, 0, t(f"bulletin.def.{key}"))
    for title, columns, rows in tables(b, lang):
        ws = book.add_worksheet(title[:31])
        ws.write_row(0, 0, columns, head)
        ws.freeze_panes(1, 0)
        for c, name in enumerate(columns):  # as wide as the column's longest text, within reason
            longest = max([chars(str(row[c])) for row in rows] + [min(chars(name), 24)])
            ws.set_column(c, c, min(max(longest + 2, 8), 48))
        for r, row in enumerate(rows, start=1):
            _row(ws, r, row, rate)
    book.close()
    return out.getvalue()


def _row(sheet: Worksheet, r: int, row: Sequence[Cell], rate: Format) -> None:
    """Counts as numbers, rates as percentages (numbers too), the rest as the text it is."""
    for c, value in enumerate(row):
        if isinstance(value, int):
            sheet.write_number(r, c, value)
        elif PERCENT.fullmatch(value):
            sheet.write_number(r, c, float(value[:-1]) / 100, rate)
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
    """A table whose columns are as wide as their texts ask (names and titles wrap, figures and
    dates never), figures right-aligned, its heading row shaded and repeated on every page it runs
    to, no row split across two pages."""
    table = doc.add_table(rows=1, cols=len(columns))  # type: ignore[attr-defined]  # a docx Document
    table.style = "Table Grid"
    table.autofit = False
    right = [figure_column(rows, c) for c in range(len(columns))]
    for c, (cell, name) in enumerate(zip(table.rows[0].cells, columns, strict=True)):
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        _shade(cell)
        if right[c]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _keep(table.rows[0], heading=True)
    for row in rows:
        added = table.add_row()
        _keep(added)
        for c, (cell, value) in enumerate(zip(added.cells, row, strict=True)):
            cell.text = str(value)
            if right[c]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, cm in zip(table.columns, _widths_cm(columns, rows), strict=True):
        column.width = Cm(cm)  # the grid, which LibreOffice reads
        for cell in column.cells:  # the cells, which Word reads
            cell.width = Cm(cm)


def _widths_cm(columns: list[str], rows: Sequence[Sequence[Cell]]) -> list[float]:
    """Each column's share of the page: its longest text, a heading's longest word at least; the
    columns of long texts (names, titles) give up room first, so that figures and dates never wrap."""
    em = 10.5 * 0.55 * 2.54 / 72  # an average Latin character at 10.5 pt, in cm
    want, least = [], []
    for c, name in enumerate(columns):
        word = max(chars(w) for w in name.split()) if name.split() else chars(name)
        head = 1.3 * (word if name.isascii() else min(chars(name), 8))  # bold, capitals: wider
        longest = max([chars(str(row[c])) for row in rows] + [head])
        want.append(longest * em + CELL_PAD_CM)
        least.append(min(longest, max(head, 12)) * em + CELL_PAD_CM)
    if sum(want) <= LANDSCAPE_CM:
        return [w * LANDSCAPE_CM / sum(want) for w in want]
    give = [w - f for w, f in zip(want, least, strict=True)]
    short = min((sum(want) - LANDSCAPE_CM) / sum(give), 1.0) if sum(give) else 0.0
    shaped = [w - g * short for w, g in zip(want, give, strict=True)]
    return [w * LANDSCAPE_CM / sum(shaped) for w in shaped]


def _shade(cell: object) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), "F0F3F7")
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]  # python-docx's cell


def _keep(row: object, heading: bool = False) -> None:
    """A row never split across pages; the heading row repeated on each page."""
    props = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]  # python-docx's row
    props.append(OxmlElement("w:cantSplit"))
    if heading:
        props.append(OxmlElement("w:tblHeader"))
