"""``pacer db``: the database schema."""

from __future__ import annotations

import typer

from pacer.cli.common import console, group, prepare_database, reports_errors, safe_url
from pacer.db import get_engine, unit_of_work

commands = group("Create and upgrade the database schema.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="db")


@commands.command("upgrade")
@reports_errors
def db_upgrade() -> None:
    """Apply every migration and load the built-in indicator library."""
    from pacer.indicators.sync import sync_library
    from pacer.migrate import upgrade

    prepare_database()
    upgrade(get_engine())  # on PostgreSQL with the jobs' queue's tables
    with unit_of_work(writes=True) as session:
        result = sync_library(session)
    console().print(f"Database ready at {safe_url()} ({result['indicators']} indicators, {result['sets']} sets).")
