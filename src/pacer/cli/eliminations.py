"""``pacer eliminations``: elimination entries of consolidating units."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, group, import_file, reports_errors

commands = group("Elimination entries for intra-group amounts (内部抵销).")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="eliminations")


@commands.command("import")
@reports_errors
def eliminations_import(
    file: Annotated[
        Path, typer.Argument(help="CSV: unit_code,indicator_code,period,value[,counterparty,description].")
    ],
    as_user: AsUser = None,
) -> None:
    """Import elimination entries of consolidating units; the whole file is one transaction."""
    from pacer.eliminations.service import import_eliminations_file

    import_file("Eliminations", import_eliminations_file, file, as_user)
