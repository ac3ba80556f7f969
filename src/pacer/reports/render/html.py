"""The report as one self-contained HTML file: its styles inline, charts as inline SVG images
(``data:`` URLs), nothing fetched from anywhere."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pacer.reports.model import Chart, Narrative, Paragraph, Report, Table
from pacer.reports.render.images import image

TEMPLATES = Path(__file__).parents[2] / "templates"
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(("html",)),
    trim_blocks=True,
    lstrip_blocks=True,
)
DRAFT = {"zh": "草稿：请修改或补充", "en": "Draft: edit or complete"}


def html_bytes(report: Report, lang: str, tell: Callable[[float, str], None]) -> bytes:
    charts = report.charts()
    pictures: dict[str, str] = {}
    for i, chart in enumerate(charts):
        tell(i / max(len(charts), 1) * 0.9, "charts")
        pictures[chart.key] = "data:image/svg+xml;base64," + base64.b64encode(image(chart.spec, "svg")).decode()
    page = _env.get_template("reports/report.html").render(
        report=report,
        lang=lang,
        pictures=pictures,
        draft_label=DRAFT["zh" if lang == "zh" else "en"],
        is_table=lambda b: isinstance(b, Table),
        is_chart=lambda b: isinstance(b, Chart),
        is_paragraph=lambda b: isinstance(b, Paragraph),
        is_narrative=lambda b: isinstance(b, Narrative),
    )
    tell(1.0, "html")
    return page.encode("utf-8")
