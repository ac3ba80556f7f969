"""``pacer quality``: the problem register's monthly figures and the rolled throughput yield as
indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, actor, console, ensure_schema, group, period, reports_errors
from pacer.errors import DomainError

commands = group("Quality problems (质量问题) and their figures.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="quality")


@commands.command("figures")
@reports_errors
def quality_figures(
    first: Annotated[str, typer.Option("--period", help="The month (YYYY-MM), or the first of a span.")],
    last: Annotated[str | None, typer.Option("--to", help="The last month of the span (YYYY-MM).")] = None,
    as_user: AsUser = None,
) -> None:
    """Derive the problems registered, closed and open of each unit and month from the problem
    register and store them as figures (idempotent; a unit's reported figure and a closed month
    are left alone)."""
    from pacer.db import unit_of_work
    from pacer.quality.figures import derive

    start = period("--period", first)
    end = period("--to", last) if last else start
    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=True, queue=True) as session:
        done = derive(session, by, start, end)
    console().print(
        f"Quality figures of {len(done.months)} month(s): written {done.written}, unchanged {done.unchanged}, "
        f"reported by the unit {done.reported}, in a closed month {done.locked}"
    )


@commands.command("yields")
@reports_errors
def quality_yields(
    file: Annotated[Path, typer.Argument(help="A UTF-8 CSV: unit,month,product,step,entered,passed.")],
    as_user: AsUser = None,
) -> None:
    """Store each unit's and month's rolled throughput yield figures (units started and units
    through first time) from its products' process step yields (idempotent; nothing is stored
    when a row is refused)."""
    from pacer.db import unit_of_work
    from pacer.quality.yields import read_csv, record

    ensure_schema()
    if not file.is_file():
        raise DomainError(f"{file}: no such file")
    rows = read_csv(file.read_bytes(), file.name)
    by = actor(as_user)
    with unit_of_work(writes=True, queue=True) as session:
        done = record(session, by, rows)
    s = done.stored
    console().print(
        f"Rolled throughput yield of {len(done.months)} unit-month(s): written {s.written}, unchanged {s.unchanged}, "
        f"reported by the unit {s.reported}, in a closed month {s.locked}"
    )
