"""``pacer demo``: a realistic demo group."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pacer.cli.common import console, period, prepare_database, reports_errors
from pacer.cli.summary import show_summary
from pacer.db import get_engine
from pacer.kit import periods

if TYPE_CHECKING:
    from pacer.demo.records import DemoGroup


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


@reports_errors
def demo(
    units: Annotated[
        int | None, typer.Option(min=1, help="Approximate number of units (default: the configured group, about 50).")
    ] = None,
    years: Annotated[
        int | None, typer.Option(min=1, max=100, help="Years of monthly history up to --as-of (default: from 2019).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same group.")] = 7,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Last month with figures, YYYY-MM, still being reported (default: the latest month whose"
            " reports are due, so that some are late).",
        ),
    ] = None,
    indicators: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=1000,
            help="Reported indicators in all; beyond the 20 of the express report, statistical ones are added"
            " (the benchmark group uses 300).",
        ),
    ] = None,
    config: Annotated[Path | None, typer.Option(help="A group configuration YAML instead of the built-in one.")] = None,
    summary: Annotated[bool, typer.Option(help="Print the group's picture afterwards.")] = True,
    reset: Annotated[
        bool, typer.Option(help="Drop every table and rebuild the schema first: ALL data is lost.")
    ] = False,
) -> None:
    """Create a realistic demo group (org, people, users, monthly figures, targets)."""
    from pacer.demo.loader import load_demo
    from pacer.demo.records import BASE_CODES
    from pacer.migrate import upgrade

    as_of_period = period("--as-of", as_of) if as_of else _last_due_month()
    prepare_database()
    if not reset:  # with --reset, the schema is rebuilt once the group has been generated
        upgrade(get_engine())
    result = load_demo(
        get_engine(),
        units=units,
        years=years,
        seed=seed,
        as_of=as_of_period,
        extra_indicators=max(0, (indicators or 0) - len(BASE_CODES)),
        config=config,
        reset=reset,
        console=console(),
    )
    console().print(
        f"Demo group loaded: {result['units']} units, {result['facts']:,} facts, "
        f"{result['targets']} targets, {result['users']} users, in {result['seconds']:.1f} s."
    )
    if summary:
        show_summary(as_of=periods.format_period(as_of_period))
    _print_demo_accounts(result["group"])


def _last_due_month() -> int:
    """The latest month whose reporting day has passed (the last complete one, or before the
    reporting day the one before it): its month in progress then has late units to chase."""
    from pacer.models.base import utcnow
    from pacer.submissions.service import due_at

    month = periods.last_complete_month()
    return month if due_at(month) < utcnow() else periods.add_months(month, -1)


def _print_demo_accounts(group: DemoGroup) -> None:
    from rich.table import Table

    from pacer.demo.loader import DEMO_PASSWORD

    table = Table("username", "role", "unit", "password", title="Demo accounts (pacer serve, then sign in)")
    for user in group.users:
        table.add_row(user.username, user.role, user.unit_code, DEMO_PASSWORD)
    console().print(table)
