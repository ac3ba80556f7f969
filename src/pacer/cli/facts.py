"""``pacer facts``: monthly figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from pacer.cli.common import AsUser, console, group, import_file, reports_errors

commands = group("Monthly figures reported by units.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="facts")


@commands.command("import")
@reports_errors
def facts_import(
    file: Annotated[Path, typer.Argument(help="CSV: unit_code,indicator_code,period,value[,basis].")],
    as_user: AsUser = None,
) -> None:
    """Import monthly figures; the whole file is one transaction. The validation rules run on
    each unit's month: an error stores nothing, a warning is printed."""
    from functools import partial

    from pacer.config import get_settings
    from pacer.errors import Problem
    from pacer.facts.service import import_facts_file

    warnings: list[Problem] = []
    language = get_settings().language
    import_file("Figures", partial(import_facts_file, language=language, warnings=warnings), file, as_user)
    heading = "警告（需要说明）" if language == "zh" else "Warnings (each needs an explanation)"
    if warnings:
        console().print(f"{heading}: {len(warnings)}")
    for warning in warnings:
        console().print(escape(str(warning)), highlight=False)
