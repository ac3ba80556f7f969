"""The report as PDF, typeset in-process and offline by Typst (the ``typst`` Python binding),
with the Noto CJK fonts so that Chinese never shows as boxes.

The report is written as Typst markup in which every text is a string literal (nothing a
report says can be read as markup), with the charts as SVG files beside it (their text drawn
with the same fonts) in a temporary directory that is the document's root; no package is
fetched.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import typst

from pacer.errors import DomainError
from pacer.reports.model import Chart, Narrative, Paragraph, Report, Section, Table
from pacer.reports.render.images import image
from pacer.reports.render.layout import Layout, layout
from pacer.web.charts import cjk_font_dir

SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "SimSun")
SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "SimHei")
TONES = {"good": 'rgb("#1b6b34")', "bad": 'rgb("#a51d16")', "watch": 'rgb("#8a5a00")'}
DRAFT = {"zh": "草稿：请修改或补充", "en": "Draft: edit or complete"}
PAGE_CM = 16.6  # A4 less the margins below
INSET_PT = 3
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def s(text: str) -> str:
    """A Typst string literal of ``text``."""
    return json.dumps(_CONTROL.sub("", text), ensure_ascii=False)


def _fonts(names: tuple[str, ...]) -> str:
    return "(" + ", ".join(s(n) for n in names) + ",)"


def _preamble(report: Report, lang: str) -> list[str]:
    zh = lang == "zh"
    return [
        f"#set document(title: {s(report.title)})",
        '#set page(paper: "a4", margin: (x: 2.2cm, top: 2.4cm, bottom: 2.2cm), numbering: "1")',
        f'#set text(font: {_fonts(SERIF)}, size: 10.5pt, lang: "{"zh" if zh else "en"}")',
        f"#set par(justify: true, leading: 0.9em, first-line-indent: {'(amount: 2em, all: true)' if zh else '0em'})",
        f"#show heading: set text(font: {_fonts(SANS)})",
        "#show heading.where(level: 1): set text(size: 14pt)",
        "#show heading.where(level: 2): set text(size: 12pt)",
        "#show heading: it => block(above: 1.2em, below: 0.7em, it)",
        f'#{{ set par(justify: false); align(center, text(font: {_fonts(SANS)}, size: 18pt, weight: "bold", '
        f"{s(report.title)})) }}",
        f"#align(center, text(size: 10.5pt, fill: luma(90), {s(report.subtitle)}))",
        "#v(0.8em)",
    ]


def table_layout(t: Table) -> Layout:
    """How ``t`` prints in the PDF: 8.5 pt, smaller only when it would not fit otherwise."""
    return layout(t, 8.5, PAGE_CM, 2 * INSET_PT * 2.54 / 72 + 0.05)


def _table(t: Table) -> list[str]:
    shape = table_layout(t)
    align = ", ".join("right" if a == "right" else "left" for a in (t.align or ("left",) * len(t.columns)))
    cells = []
    for row in t.rows:
        for cell in row:
            text = f"text({TONES[cell.tone]}, {s(cell.text)})" if cell.tone in TONES else s(cell.text)
            cells.append(f"[#{text}]")
    header = ", ".join("[*" + " #linebreak() ".join(f"#{s(line)}" for line in lines) + "*]" for lines in shape.headings)
    widths = ", ".join(f"{w:.2f}cm" for w in shape.widths_cm)
    out = [
        # the caption sticks to its table: never alone at a page's foot
        f'#block(sticky: true, width: 100%, align(center, text(size: 9pt, weight: "bold", {s(t.caption)})))',
        f"#{{ set text(size: {shape.points}pt); set par(first-line-indent: 0em, justify: false); table(",
        f"  columns: ({widths},), align: ({align},), inset: {INSET_PT}pt, stroke: 0.5pt + luma(140),",
        "  fill: (x, y) => if y == 0 { luma(235) },",
        f"  table.header({header}),",
        "  " + ", ".join(cells) + ",",
        ") }",
    ]
    if t.note:
        out.append(f"#par(first-line-indent: 0em, text(size: 8pt, fill: luma(80), {s(t.note)}))")
    return out


def _section(sec: Section, level: int, lang: str, files: dict[str, str]) -> list[str]:
    out = ["#pagebreak(weak: true)"] if sec.new_page else []
    out.append(f"#heading(level: {level}, {s(sec.heading)})")
    for b in sec.blocks:
        if isinstance(b, Paragraph):
            out.append(f"#par({s(b.text)})")
        elif isinstance(b, Table):
            out += _table(b)
        elif isinstance(b, Chart):
            out.append(f"#figure(image({s(files[b.key])}, width: 100%, alt: {s(b.description or b.title)}))")
        elif isinstance(b, Narrative):
            lines = [line for line in b.text.split("\n") if line.strip()]
            label = f'text(size: 8pt, fill: rgb("#8a5a00"), {s(DRAFT["zh" if lang == "zh" else "en"])})'
            body = "; ".join(f"par({s(line)})" for line in lines)
            head = f"#{label} " if b.draft else ""
            out.append(
                f"#block(fill: luma(245), inset: 8pt, width: 100%, stroke: (left: 2pt + luma(120)))[{head}#{{{body}}}]"
            )
    for sub in sec.sections:
        out += _section(sub, min(level + 1, 3), lang, files)
    return out


def pdf_bytes(report: Report, lang: str, tell: Callable[[float, str], None]) -> bytes:
    fonts = cjk_font_dir()
    with tempfile.TemporaryDirectory(prefix="pacer-report-") as tmp:
        root = Path(tmp)
        files: dict[str, str] = {}
        charts = report.charts()
        for i, chart in enumerate(charts):
            tell(0.8 * i / max(len(charts), 1), "charts")
            name = f"chart-{i}.svg"  # vector: sharp in print, and converted faster than a PNG
            (root / name).write_bytes(image(chart.spec, "svg"))
            files[chart.key] = name
        lines = _preamble(report, lang)
        for sec in report.sections:
            lines += _section(sec, 1, lang, files)
        lines += [f"#par(first-line-indent: 0em, text(size: 8pt, {s(n)}))" for n in report.notes]
        (root / "report.typ").write_text("\n".join(lines) + "\n", encoding="utf-8")
        tell(0.85, "pdf")
        try:
            data = typst.compile(
                str(root / "report.typ"), root=str(root), font_paths=[str(fonts)] if fonts else [], format="pdf"
            )
        except RuntimeError as exc:  # a bug in the markup above, never the reader's input
            raise DomainError(f"the PDF could not be typeset: {str(exc)[:300]}", 500) from None
    tell(1.0, "pdf")
    assert isinstance(data, bytes)
    return data
