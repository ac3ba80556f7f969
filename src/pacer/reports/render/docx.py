"""The report as a Word document (python-docx), on the group's own template when it gives one.

A template is opened as the document itself, so its page setup, letterhead (headers and
footers), theme and styles are the report's; its body is emptied and the report is written with
its named styles: Title, Heading 1 and 2, Normal, Caption and the table style "Table Grid" (a
style the template lacks falls back to Word's built-in one). Without a template, the built-in
styles are set to the fonts official documents use, with a CJK font for East Asian text.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pacer.errors import DomainError
from pacer.reports.model import Chart, Narrative, Paragraph, Report, Section, Table
from pacer.reports.render.images import image
from pacer.reports.render.layout import Layout, layout

EAST_ASIAN_FONT = "SimSun"  # 宋体; LibreOffice maps it to a CJK font
HEADING_EAST_ASIAN = "SimHei"  # 黑体
LATIN_FONT = "Times New Roman"
MARGIN_TWIPS = 57  # a table cell's left and right margin: 0.1 cm
PAGE_CM = 16.0  # the width a table may take (Word's default page less its margins)
TIMES = 0.52  # Times New Roman's average Latin character, in em (narrower than Noto Serif's)
DRAFT = {"zh": "【草稿，请修改】", "en": "[Draft: edit before sending] "}
NOTE = RGBColor(0x50, 0x50, 0x50)
TONES = {"good": RGBColor(0x1B, 0x6B, 0x34), "bad": RGBColor(0xA5, 0x1D, 0x16), "watch": RGBColor(0x8A, 0x5A, 0x00)}


def _open(template: bytes | None) -> Any:
    if template is None:
        doc = Document()
        for name, east in (
            ("Normal", EAST_ASIAN_FONT),
            ("Title", HEADING_EAST_ASIAN),
            ("Heading 1", HEADING_EAST_ASIAN),
            ("Heading 2", HEADING_EAST_ASIAN),
            ("Caption", EAST_ASIAN_FONT),
        ):
            _fonts(doc.styles[name].element, east)
        doc.styles["Normal"].font.size = Pt(12)
        return doc
    try:
        doc = Document(io.BytesIO(template))
    except Exception:
        raise DomainError("template: not a Word document (.docx)", 422) from None
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _fonts(style_element: Any, east_asian: str) -> None:
    fonts = style_element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _style(doc: Any, name: str, fallback: str | None = None) -> Any:
    """The template's style of that name (or the fallback's), None when it has neither."""
    for candidate in (name, fallback):
        if candidate is None:
            continue
        try:
            return doc.styles[candidate]
        except KeyError:
            continue
    return None


def docx_bytes(report: Report, lang: str, template: bytes | None, tell: Callable[[float, str], None]) -> bytes:
    doc = _open(template)
    title = doc.add_paragraph(report.title, style=_style(doc, "Title"))
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(report.subtitle, style=_style(doc, "Subtitle", "Normal"))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    charts = max(len(report.charts()), 1)
    done = [0]

    def chart_done() -> None:
        done[0] += 1
        tell(0.9 * done[0] / charts, "charts")

    for section in report.sections:
        _section(doc, section, 1, lang, chart_done)
    for note in report.notes:
        doc.add_paragraph(note, style=_style(doc, "Caption", "Normal"))
    out = io.BytesIO()
    doc.save(out)
    tell(1.0, "docx")
    return out.getvalue()


def _section(doc: Any, section: Section, level: int, lang: str, chart_done: Callable[[], None]) -> None:
    if section.new_page:
        doc.add_page_break()
    doc.add_paragraph(section.heading, style=_style(doc, f"Heading {level}", "Heading 1"))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(doc, block.text, lang)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Chart):
            doc.add_picture(io.BytesIO(image(block.spec, "png")), width=Cm(15.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            # the chart carries its title: no caption under it says it again
            chart_done()
        elif isinstance(block, Narrative):
            lines = [line for line in block.text.split("\n") if line.strip()] or [""]
            for i, line in enumerate(lines):
                p = _paragraph(doc, "", lang)
                if block.draft and i == 0:
                    mark = p.add_run(DRAFT["zh" if lang == "zh" else "en"])
                    mark.font.color.rgb = TONES["watch"]
                p.add_run(line)
    for sub in section.sections:
        _section(doc, sub, min(level + 1, 3), lang, chart_done)


def _paragraph(doc: Any, text: str, lang: str) -> Any:
    p = doc.add_paragraph(text, style=_style(doc, "Normal"))
    if lang == "zh":
        p.paragraph_format.first_line_indent = Pt(24)
    return p


def _table(doc: Any, table: Table) -> None:
    cap = doc.add_paragraph(table.caption, style=_style(doc, "Caption", "Normal"))
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.keep_with_next = True  # the caption on the table's page
    out = doc.add_table(rows=1, cols=len(table.columns))
    out.autofit = False
    style = _style(doc, "Table Grid")
    if style is not None:
        out.style = style
    _narrow_margins(out)
    shape = table_layout(table)
    size = Pt(shape.points)
    _heading_row(out.rows[0])
    right = [bool(table.align) and table.align[i] == "right" for i in range(len(table.columns))]
    for i, (cell, lines) in enumerate(zip(out.rows[0].cells, shape.headings, strict=True)):
        run = cell.paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
        run.bold, run.font.size = True, size
        cell.paragraphs[0].paragraph_format.keep_with_next = True  # never alone at a page's foot
        if right[i]:  # a heading stands over its figures
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        cells = out.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            para = cell.paragraphs[0]
            run = para.add_run(value.text)
            run.font.size = size
            if value.tone in TONES:
                run.font.color.rgb = TONES[value.tone]
            if right[i]:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, cm in zip(out.columns, shape.widths_cm, strict=True):
        column.width = Cm(cm)  # the grid, which LibreOffice reads
        for cell in column.cells:  # the cells, which Word reads
            cell.width = Cm(cm)
    if table.note:  # a footnote to the table, in small grey print (a caption's style would head it)
        note = doc.add_paragraph(style=_style(doc, "Normal"))
        run = note.add_run(table.note)
        run.font.size, run.font.color.rgb = Pt(8), NOTE
        note.paragraph_format.space_before = Pt(2)
    else:
        doc.add_paragraph("", style=_style(doc, "Normal"))


def table_layout(table: Table) -> Layout:
    """How ``table`` prints in the Word file: 9 pt, smaller only when it would not fit otherwise."""
    return layout(table, 9, PAGE_CM, 2 * MARGIN_TWIPS * 2.54 / 1440 + 0.05, latin=TIMES)


def _narrow_margins(table: Any) -> None:
    """Cells' left and right margins of 0.1 cm (Word's default is 0.19): dense tables fit the page."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    table._tbl.tblPr.append(margins)


def _heading_row(row: Any) -> None:
    """The heading row repeated on every page the table runs to, and never split."""
    props = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        props.append(OxmlElement(tag))
