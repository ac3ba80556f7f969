"""``pacer summary``: a unit's picture for a month."""

from __future__ import annotations

from typing import Annotated

import typer

from pacer.cli.common import Language, console, ensure_schema, language, reports_errors


def register(app: typer.Typer) -> None:
    app.command("summary")(show_summary)


@reports_errors
def show_summary(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Period YYYY-MM (default: the latest month complete enough to read, see PACER_COMPLETE_SHARE).",
        ),
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Unit code (default: the group).")] = None,
    lang: Annotated[Language | None, typer.Option(help="zh or en (default: PACER_LANGUAGE).")] = None,
) -> None:
    """Print a unit's picture for a month: key figures YTD, year on year, against target and time."""
    from pacer.cli.present import summary

    ensure_schema()
    summary.render_summary(console(), as_of=as_of, unit_code=unit, language=language(lang))
