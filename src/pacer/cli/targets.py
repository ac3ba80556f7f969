"""``pacer targets``: annual targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, group, import_file, reports_errors

commands = group("Annual targets (ensure / strive tiers).")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="targets")


@commands.command("import")
@reports_errors
def targets_import(
    file: Annotated[
        Path, typer.Argument(help="CSV: unit_code,indicator_code,year,tier[,value,growth_pct,phasing,reason].")
    ],
    as_user: AsUser = None,
) -> None:
    """Import annual targets; a changed target becomes a new revision and needs a reason."""
    from pacer.targets.service import import_targets_file

    import_file("Targets", import_targets_file, file, as_user)
