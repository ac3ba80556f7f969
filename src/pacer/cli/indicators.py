"""``pacer indicators``: the indicator library and indicator sets."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, Language, actor, console, ensure_schema, group, language, reports_errors
from pacer.db import unit_of_work
from pacer.errors import DomainError

commands = group("The indicator library and indicator sets.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="indicators")


@commands.command("list")
@reports_errors
def indicators_list(
    set_code: Annotated[str | None, typer.Option("--set", help="Only this indicator set, in its order.")] = None,
    year: Annotated[int | None, typer.Option(help="Definitions and set membership in force this year.")] = None,
    lang: Annotated[Language | None, typer.Option(help="zh or en (default: PACER_LANGUAGE).")] = None,
) -> None:
    """List indicators with their kind, unit, direction and formula."""
    from rich.table import Table

    from pacer.indicators.service import list_indicators, set_exists

    ensure_schema()
    shown_in = language(lang)
    with unit_of_work() as session:
        if set_code and not set_exists(session, set_code):
            raise DomainError(f"unknown indicator set '{set_code}' (see 'pacer indicators sets')")
        rows = list_indicators(session, set_code, year)
    table = Table("code", "name", "kind", "unit", "direction", "reported as", "formula")
    table.columns[0].no_wrap = True
    for r in rows:
        table.add_row(
            r.code,
            r.name_zh if shown_in == "zh" else r.name_en,
            r.kind,
            r.unit,
            r.direction,
            r.reporting or "",
            r.formula or "",
        )
    console().print(table)


@commands.command("sets")
@reports_errors
def indicators_sets() -> None:
    """List the indicator sets."""
    from sqlalchemy import select

    from pacer.models import IndicatorSet

    ensure_schema()
    with unit_of_work() as session:
        for s in session.scalars(select(IndicatorSet).order_by(IndicatorSet.code)):
            console().print(f"{s.code:28} {s.name_zh}  {s.name_en}")


class Format(str, Enum):
    yaml = "yaml"
    xlsx = "xlsx"


@commands.command("export")
@reports_errors
def indicators_export(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The file to write (default: stdout).")] = None,
    file_format: Annotated[
        Format | None, typer.Option("--format", help="yaml (default) or xlsx (the indicator list as a workbook).")
    ] = None,
) -> None:
    """Write the whole indicator library (units, categories, indicators, sets) as a library file."""
    from pacer.indicators.transfer import export_library

    chosen = file_format or (Format.xlsx if output is not None and output.suffix.lower() == ".xlsx" else Format.yaml)
    if chosen is Format.xlsx and (output is None or output.suffix.lower() != ".xlsx"):
        raise DomainError("--format xlsx writes a workbook: give -o FILE.xlsx")
    ensure_schema()
    with unit_of_work() as session:
        if chosen is Format.xlsx:
            from pacer.indicators.excel import export_workbook

            data = export_workbook(session)
        else:
            text = export_library(session)
    if chosen is Format.xlsx:
        assert output is not None
        output.write_bytes(data)
    elif output is None:
        sys.stdout.write(text)
        return
    else:
        output.write_text(text, encoding="utf-8")
    console().print(f"Wrote {output}")


@commands.command("import")
@reports_errors
def indicators_import(
    file: Annotated[Path, typer.Argument(help="A library file (.yaml, as 'export' writes it) or a workbook (.xlsx).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the differences; change nothing.")] = False,
    as_user: AsUser = None,
) -> None:
    """Load a library file: every problem at once, refusals against stored figures, one transaction."""
    from pacer.indicators.transfer import import_library

    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=not dry_run, queue=True) as session:
        if file.suffix.lower() == ".xlsx":
            from pacer.indicators.excel import import_workbook

            changes = import_workbook(session, file, by, dry_run)
        else:
            changes = import_library(session, file, by, dry_run)
    out = console()
    if not changes:
        out.print("unchanged", markup=False)
        return
    for change in changes:
        for line in change.lines():
            out.print(line, markup=False, highlight=False)
    verb = "would change" if dry_run else "changed"
    out.print(f"{verb}: {len(changes)} entr{'y' if len(changes) == 1 else 'ies'}", markup=False)
