"""``pacer report``: the reports leaders read, drafted from the figures and written to a file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, Language, actor, console, ensure_schema, group, language, reports_errors
from pacer.errors import DomainError

commands = group(
    "Reports leaders read: the economic-operation analysis report and the quality report in Word, PDF, HTML or Excel."
)


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="report")


class SpanChoice(str, Enum):
    month = "month"
    quarter = "quarter"
    half = "half"
    year = "year"


class FileFormat(str, Enum):
    docx = "docx"
    pdf = "pdf"
    html = "html"
    xlsx = "xlsx"


Period = Annotated[str, typer.Option("--period", help="The report's last month, YYYY-MM.")]
Format = Annotated[FileFormat, typer.Option("--format", help="docx, pdf, html or xlsx (the tables).")]
UnitCode = Annotated[
    str | None, typer.Option("--unit", help="Unit code (default: the group, or your first granted unit).")
]
Span = Annotated[SpanChoice, typer.Option("--span", help="month (default), quarter, half or year.")]
Lang = Annotated[Language | None, typer.Option("--lang", help="zh or en (default: PACER_LANGUAGE).")]
Template = Annotated[Path | None, typer.Option("--template", help="The group's Word template (.docx), for docx.")]
Output = Annotated[Path | None, typer.Option("--output", help="File to write (default: KIND-UNIT-PERIOD-SPAN.FORMAT).")]


@commands.command("economic")
@reports_errors
def economic(
    period: Period,
    fmt: Format,
    unit: UnitCode = None,
    span: Span = SpanChoice.month,
    lang: Lang = None,
    template: Template = None,
    output: Output = None,
    as_user: AsUser = None,
) -> None:
    """The economic-operation analysis report (经济运行分析报告) of a unit for a month, quarter, half or year."""
    _write("economic", period, fmt, unit, span, lang, template, output, as_user)


@commands.command("quality")
@reports_errors
def quality(
    period: Period,
    fmt: Format,
    unit: UnitCode = None,
    span: Span = SpanChoice.month,
    lang: Lang = None,
    template: Template = None,
    output: Output = None,
    as_user: AsUser = None,
) -> None:
    """The analysis report on research and production quality (科研生产质量分析报告) of a unit for a month,
    quarter, half or year."""
    _write("quality", period, fmt, unit, span, lang, template, output, as_user)


def _write(
    kind: str,
    period: str,
    fmt: FileFormat,
    unit: str | None,
    span: SpanChoice,
    lang: Language | None,
    template: Path | None,
    output: Path | None,
    as_user: str | None,
) -> None:
    from pacer.db import unit_of_work
    from pacer.reports import EconomicRequest, build_economic, render
    from pacer.reports.quality_report import build_quality

    request = EconomicRequest(unit, period, span.value, language(lang))
    if template is not None and fmt is not FileFormat.docx:
        raise DomainError("--template: a Word template applies to --format docx only", 422)
    template_bytes = template.read_bytes() if template is not None else None
    ensure_schema()
    by = actor(as_user)
    build = build_quality if kind == "quality" else build_economic
    with unit_of_work() as session:
        report = build(session, by, request)
    data = render(report, fmt.value, request.lang, template_bytes)
    path = output or Path(f"{kind}-{report.unit_code}-{report.period}-{request.span}.{fmt.value}")
    path.write_bytes(data)
    console().print(f"{report.title}: {path} ({len(data):,} bytes)", highlight=False, soft_wrap=True)
