"""``pacer targets``: annual targets in and out (CSV or Excel), and the cascade check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import (
    AsUser,
    Language,
    actor,
    console,
    ensure_schema,
    group,
    import_file,
    language,
    reports_errors,
)
from pacer.db import unit_of_work
from pacer.errors import DomainError

commands = group("Annual targets (ensure / strive tiers).")

Year = Annotated[int, typer.Option("--year", help="The targets' year.", min=2000, max=2100)]
UnitCode = Annotated[str | None, typer.Option("--unit", help="A unit's code: its subtree (default: the whole group).")]


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="targets")


@commands.command("import")
@reports_errors
def targets_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (unit_code,indicator_code,year,tier[,basis,value,growth_pct,phasing,reason]) "
            "or an Excel workbook (.xlsx) as 'targets export' writes it."
        ),
    ],
    as_user: AsUser = None,
) -> None:
    """Import annual targets; a changed target becomes a new revision and needs a reason."""
    from pacer.targets.service import import_targets_file

    import_file("Targets", import_targets_file, file, as_user)


def _node(unit: str | None) -> str:
    from datetime import date

    from pacer.org.repository import roots_on

    if unit is not None:
        return unit
    with unit_of_work() as session:
        roots = roots_on(session, date.today())
        if not roots:
            raise DomainError("the org tree is empty: import units first ('pacer org import')")
        return roots[0].code


@commands.command("export")
@reports_errors
def targets_export(
    year: Year,
    unit: UnitCode = None,
    set_code: Annotated[str | None, typer.Option("--set", help="Only this indicator set's indicators.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The workbook to write (.xlsx).")] = None,
    lang: Annotated[Language | None, typer.Option("--lang", help="Language of the names.")] = None,
    as_user: AsUser = None,
) -> None:
    """Write a year's targets of a subtree as an Excel workbook ('targets import' reads it back)."""
    from pacer.targets.excel import export_workbook

    ensure_schema()
    by, node = actor(as_user), _node(unit)
    path = output or Path(f"targets-{year}-{node}.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise DomainError(f"-o: '{path}' must end in .xlsx")
    with unit_of_work() as session:
        data = export_workbook(session, by, year, node, set_code, language(lang))
    path.write_bytes(data)
    console().print(f"Wrote {path}")


@commands.command("check")
@reports_errors
def targets_check(year: Year, unit: UnitCode = None, as_user: AsUser = None) -> None:
    """List the parents whose children's targets do not add up to theirs (additive indicators)."""
    from pacer.kit.numbers import format_scaled
    from pacer.targets.checks import check_year

    ensure_schema()
    by = actor(as_user)
    with unit_of_work() as session:
        found = check_year(session, by, year, unit)
    out = console()
    if not found:
        out.print(f"The children's targets of {year} add up to their parents'.")
        return
    out.print(f"{len(found)} target(s) of {year} whose children do not add up:")
    for m in found:
        g = m.gap
        parent = "no target" if g.parent is None else format_scaled(g.parent, m.scale)
        children = format_scaled(g.children_sum, m.scale)
        line = f"  {m.unit_code} {m.indicator_code} {m.tier}: parent {parent}, children {children}"
        if g.difference is not None:
            line += f", difference {format_scaled(g.difference, m.scale)}"
        if g.missing:
            line += f"; without a target: {', '.join(g.missing)}"
        out.print(line, highlight=False, soft_wrap=True)
