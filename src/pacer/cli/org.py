"""``pacer org``: the org tree in and out as CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, console, day, ensure_schema, group, import_file, reports_errors
from pacer.db import unit_of_work

commands = group("Import and export the org tree.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="org")


@commands.command("import")
@reports_errors
def org_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV: code,name_zh,name_en,kind,parent_code[,tags,created_on,dissolved_on,effective]."),
    ],
    as_user: AsUser = None,
) -> None:
    """Create or update units; a changed parent is an effective-dated move."""
    from pacer.org.service import import_units_file

    import_file("Org", import_units_file, file, as_user)


@commands.command("export")
@reports_errors
def org_export(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of standard output.")
    ] = None,
    on: Annotated[
        str | None, typer.Option(help="The tree as it was on this date, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Export the org tree as CSV (the format 'org import' reads)."""
    from pacer.org.service import export_units

    ensure_schema()
    with unit_of_work() as session:
        text = export_units(session, day("--on", on) if on else None)
    if output:
        output.write_text(text, encoding="utf-8")
        console().print(f"Wrote {output}")
    else:
        sys.stdout.write(text)
