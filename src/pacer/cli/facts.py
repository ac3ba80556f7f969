"""``pacer facts``: monthly figures, and the Excel template to report them in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from pacer.cli.common import (
    AsUser,
    Language,
    actor,
    console,
    ensure_schema,
    group,
    import_file,
    language,
    period,
    progress_bar,
    reports_errors,
)
from pacer.db import unit_of_work
from pacer.errors import DomainError

commands = group("Monthly figures reported by units.")
SHOWN = 100  # warnings printed, like the problems of a refused file


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="facts")


@commands.command("import")
@reports_errors
def facts_import(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CSV (unit_code,indicator_code,period,value[,basis]) or filled templates (.xlsx) "
            "as 'facts template' writes them: any number of workbooks, imported together."
        ),
    ],
    unit: Annotated[str | None, typer.Option("--unit", help="A workbook must be this unit's template.")] = None,
    month: Annotated[str | None, typer.Option("--period", help="A workbook must be this month's (YYYY-MM).")] = None,
    as_user: AsUser = None,
) -> None:
    """Import monthly figures; the whole file (every sheet of a workbook, every workbook given) is
    one transaction. The validation rules run on each unit's month: an error stores nothing, a
    warning is printed."""
    from functools import partial

    from pacer.config import get_settings
    from pacer.errors import Problem
    from pacer.facts.service import import_facts_file
    from pacer.facts.workbook_import import import_workbook_files

    warnings: list[Problem] = []
    lang = get_settings().language
    workbooks = all(f.suffix.lower() == ".xlsx" for f in files)
    if not workbooks and len(files) > 1:
        raise DomainError("several files are imported together when each is a workbook (.xlsx); give one CSV file")
    if not workbooks and (unit is not None or month is not None):
        raise DomainError("--unit and --period apply to a workbook (.xlsx) only")
    wanted = None if month is None else period("--period", month)
    with progress_bar(lang) as report:  # on a terminal only
        if workbooks:
            books = partial(
                import_workbook_files, unit=unit, period=wanted, language=lang, warnings=warnings, progress=report
            )
            import_file("Figures", lambda session, _, by: books(session, files, by), files[0], as_user)
        else:
            rows = partial(import_facts_file, language=lang, warnings=warnings, progress=report)
            import_file("Figures", rows, files[0], as_user)
    heading = "警告（需要说明）" if lang == "zh" else "Warnings (each needs an explanation)"
    if warnings:
        console().print(f"{heading}: {len(warnings)}")
    for warning in warnings[:SHOWN]:
        console().print(escape(str(warning)), highlight=False)
    if len(warnings) > SHOWN:
        more = len(warnings) - SHOWN
        console().print(f"… 另有 {more} 条警告" if lang == "zh" else f"… and {more} more warnings")


@commands.command("template")
@reports_errors
def facts_template(
    unit: Annotated[
        str, typer.Option("--unit", help="The unit's code (with --all-children or --subtree: the parent).")
    ],
    month: Annotated[str, typer.Option("--period", help="The month to report (YYYY-MM).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The workbook to write (.xlsx).")] = None,
    all_children: Annotated[
        bool, typer.Option("--all-children", help="One sheet per unit directly below --unit.")
    ] = False,
    subtree: Annotated[bool, typer.Option("--subtree", help="One sheet per unit of --unit's subtree.")] = False,
    lang: Annotated[Language | None, typer.Option("--lang", help="Language of the names.")] = None,
    as_user: AsUser = None,
) -> None:
    """Write the Excel template of a unit's monthly figures ('facts import' reads it back)."""
    from pacer.facts.template import write_template

    wanted = period("--period", month)
    if all_children and subtree:
        raise DomainError("--all-children and --subtree: choose one")
    path = output or Path(f"figures-{unit}-{month}.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise DomainError(f"-o: '{path}' must end in .xlsx")
    ensure_schema()
    by = actor(as_user)
    scope = "children" if all_children else "subtree" if subtree else "unit"
    with unit_of_work() as session:
        data = write_template(session, by, unit, wanted, language(lang), scope)
    path.write_bytes(data)
    console().print(f"Wrote {path}")
