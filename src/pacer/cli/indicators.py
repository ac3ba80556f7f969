"""``pacer indicators``: the indicator library and indicator sets."""

from __future__ import annotations

from typing import Annotated

import typer

from pacer.cli.common import Language, console, ensure_schema, group, language, reports_errors
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
