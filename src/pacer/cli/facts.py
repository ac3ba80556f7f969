"""``pacer facts``: monthly figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, group, import_file, reports_errors

commands = group("Monthly figures reported by units.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="facts")


@commands.command("import")
@reports_errors
def facts_import(
    file: Annotated[Path, typer.Argument(help="CSV: unit_code,indicator_code,period,value[,basis].")],
    as_user: AsUser = None,
) -> None:
    """Import monthly figures; the whole file is one transaction."""
    from pacer.facts.service import import_facts_file

    import_file("Figures", import_facts_file, file, as_user)
