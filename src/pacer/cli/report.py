"""``pacer report``: the reports leaders read, drafted from the figures and written to a file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, Language, actor, console, ensure_schema, group, language, reports_errors
from pacer.errors import DomainError

commands = group("Reports leaders read: the economic-operation analysis report in Word, PDF, HTML or Excel.")


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


@commands.command("economic")
@reports_errors
def economic(
    period: Annotated[str, typer.Option("--period", help="The report's last month, YYYY-MM.")],
    fmt: Annotated[FileFormat, typer.Option("--format", help="docx, pdf, html or xlsx (the tables).")],
    unit: Annotated[
        str | None, typer.Option("--unit", help="Unit code (default: the group, or your first granted unit).")
    ] = None,
    span: Annotated[
        SpanChoice, typer.Option("--span", help="month (default), quarter, half or year.")
    ] = SpanChoice.month,
    lang: Annotated[Language | None, typer.Option("--lang", help="zh or en (default: PACER_LANGUAGE).")] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="The group's Word template (.docx), for docx.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="File to write (default: economic-UNIT-PERIOD-SPAN.FORMAT).")
    ] = None,
    as_user: AsUser = None,
) -> None:
    """The economic-operation analysis report (经济运行分析报告) of a unit for a month, quarter, half or year."""
    from pacer.db import unit_of_work
    from pacer.reports import EconomicRequest, build_economic, render

    request = EconomicRequest(unit, period, span.value, language(lang))
    if template is not None and fmt is not FileFormat.docx:
        raise DomainError("--template: a Word template applies to --format docx only", 422)
    template_bytes = template.read_bytes() if template is not None else None
    ensure_schema()
    by = actor(as_user)
    with unit_of_work() as session:
        report = build_economic(session, by, request)
    data = render(report, fmt.value, request.lang, template_bytes)
    path = output or Path(f"economic-{report.unit_code}-{report.period}-{request.span}.{fmt.value}")
    path.write_bytes(data)
    console().print(f"{report.title}: {path} ({len(data):,} bytes)", highlight=False, soft_wrap=True)
