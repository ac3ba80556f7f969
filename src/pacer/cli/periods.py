"""``pacer periods``: the reporting calendar — months open, locked and reopened, and deadlines."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from pacer.cli.common import AsUser, actor, console, day, ensure_schema, group, period, reports_errors
from pacer.db import unit_of_work
from pacer.errors import DomainError

commands = group("The reporting calendar: lock and reopen months, move deadlines (报送日历).")
Period = Annotated[str, typer.Argument(help="The month, YYYY-MM.")]


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="periods")


@commands.command("list")
@reports_errors
def periods_list(
    year: Annotated[int | None, typer.Option(help="The year (default: this year).")] = None,
) -> None:
    """Each month of a year: open, locked or reopened, and its reporting deadline."""
    from pacer.calendar import service

    shown = date.today().year if year is None else year
    if not 1900 <= shown <= 9999:
        raise DomainError(f"--year: {shown} is not a year (expected YYYY)")
    ensure_schema()
    with unit_of_work() as session:
        for month in service.year(session, shown):
            by = f" by {month.lock.locked_by}" if month.lock else ""
            moved = " (moved)" if month.moved else ""
            console().print(f"{month.label}  {month.status:9}{by:14}  due {month.due_on.isoformat()}{moved}")


@commands.command("lock")
@reports_errors
def periods_lock(month: Period, as_user: AsUser = None) -> None:
    """Lock a month: its figures can no longer change (audited)."""
    from pacer.calendar import service

    at = period("PERIOD", month)
    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=True) as session:
        service.lock(session, by, at)
    console().print(f"{month} locked.")


@commands.command("reopen")
@reports_errors
def periods_reopen(
    month: Period,
    reason: Annotated[str, typer.Option(help="Why the month is reopened (required, audited).")],
    as_user: AsUser = None,
) -> None:
    """Reopen a locked month, with a reason (audited)."""
    from pacer.calendar import service

    at = period("PERIOD", month)
    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=True) as session:
        service.reopen(session, by, at, reason)
    console().print(f"{month} reopened.")


@commands.command("deadline")
@reports_errors
def periods_deadline(
    month: Period,
    due: Annotated[str, typer.Argument(help="The new reporting deadline, YYYY-MM-DD.")],
    as_user: AsUser = None,
) -> None:
    """Move a month's reporting deadline (audited); reminders and the monitor follow it."""
    from pacer.calendar import service

    at, on = period("PERIOD", month), day("DUE", due)
    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=True, queue=True) as session:
        service.set_deadline(session, by, at, on)
    console().print(f"{month}: reporting deadline {on.isoformat()}.")
