"""``pacer submissions``: a unit's monthly figures from draft to accepted, a thin shell over
:mod:`pacer.submissions.service` (the pages and the API are others over the same service)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, actor, console, ensure_schema, group, period, reports_errors
from pacer.db import unit_of_work

commands = group("Monthly submissions: save, submit, approve, accept, return, reopen.")

UnitCode = Annotated[str, typer.Argument(help="The unit's code.")]
Month = Annotated[str, typer.Argument(help="The month, YYYY-MM.")]
Reason = Annotated[str | None, typer.Option(help="Why (required to return or reopen).")]
Version = Annotated[
    int | None, typer.Option(help="The version you read (refused if it changed meanwhile); default: the stored one.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="submissions")


@commands.command("list")
@reports_errors
def submissions_list(
    month: Annotated[str | None, typer.Option("--period", help="Only this month, YYYY-MM.")] = None,
    state: Annotated[str | None, typer.Option(help="Only this state (draft, submitted, approved, ...).")] = None,
    as_user: AsUser = None,
) -> None:
    """The submissions of the units you may see, newest month first."""
    from pacer.kit import periods
    from pacer.submissions import service

    ensure_schema()
    by, chosen = actor(as_user), period("--period", month) if month else None
    with unit_of_work() as session:
        total, rows = service.submissions(session, by, chosen, state)
        for sub, unit, item in rows:
            due = item.due_at.date().isoformat() if item and item.due_at else "-"
            line = f"{unit.code:12} {periods.format_period(sub.period)}  {sub.state:10} v{sub.version:<4} due {due:10}"
            console().print(f"{line} {sub.source}", highlight=False)
    console().print(f"{total} submission(s).")


@commands.command("show")
@reports_errors
def submissions_show(unit: UnitCode, month: Month, as_user: AsUser = None) -> None:
    """One submission: state, version, figures, narrative, history and the verbs you may take."""
    from pacer.kit.numbers import format_scaled
    from pacer.submissions import service

    ensure_schema()
    by, chosen = actor(as_user), period("MONTH", month)
    with unit_of_work() as session:
        found = service.get(session, by, unit, chosen)
        out = console()
        out.print(f"{found.name}: {found.state}, version {found.submission.version}", highlight=False)
        for ind, fig in found.figures:
            out.print(f"  {ind.code:28} {format_scaled(fig.value, ind.scale):>18} {fig.basis}", highlight=False)
        for field in service.NARRATIVE:
            out.print(f"  {field}: {getattr(found.submission, field)}", highlight=False)
        for e in found.history:
            reason = f" ({e.reason})" if e.reason else ""
            out.print(f"  {e.at:%Y-%m-%d %H:%M} {e.actor:12} {e.verb}{reason}", highlight=False)
        out.print("  verbs: " + (", ".join(t.verb for t in found.verbs) or "-"), highlight=False)


@commands.command("save")
@reports_errors
def submissions_save(
    unit: UnitCode,
    month: Month,
    file: Annotated[Path, typer.Argument(help="CSV: indicator_code,value[,basis] (basis: monthly or ytd).")],
    situation: Annotated[str | None, typer.Option(help="Narrative: the situation (经营情况).")] = None,
    problems: Annotated[str | None, typer.Option(help="Narrative: problems (存在问题).")] = None,
    deviations: Annotated[str | None, typer.Option(help="Narrative: reasons for deviations (偏差原因).")] = None,
    measures: Annotated[str | None, typer.Option(help="Narrative: measures taken (采取措施).")] = None,
    version: Version = None,
    as_user: AsUser = None,
) -> None:
    """Save a draft's (or a returned submission's) figures and narrative, as the unit's reporter."""
    from pacer.submissions import service

    ensure_schema()
    by, chosen = actor(as_user), period("MONTH", month)
    rows, read = service.read_figures(file)
    given = {"situation": situation, "problems": problems, "deviations": deviations, "measures": measures}
    narrative = {k: v for k, v in given.items() if v is not None}
    with unit_of_work(writes=True, queue=True) as session:
        found = service.save_figures(session, by, unit, chosen, rows, narrative, version, read)
        saved = f"{found.name}: {len(found.figures)} figure(s) saved, version {found.submission.version}"
    console().print(saved, highlight=False)


def _act(unit: str, month: str, verb: str, as_user: str | None, reason: str | None, version: int | None) -> None:
    from pacer.cli.common import language
    from pacer.submissions import service

    ensure_schema()
    by, chosen = actor(as_user), period("MONTH", month)
    with unit_of_work(writes=True, queue=True) as session:
        found = service.act(session, by, unit, chosen, verb, reason, version, language(None))
        said = f"{found.name} is {found.state} (version {found.submission.version})."
    console().print(said, highlight=False)


@commands.command("submit")
@reports_errors
def submissions_submit(unit: UnitCode, month: Month, version: Version = None, as_user: AsUser = None) -> None:
    """Submit a draft or returned month to the unit's approver (the unit's reporter)."""
    _act(unit, month, "submit", as_user, None, version)


@commands.command("approve")
@reports_errors
def submissions_approve(unit: UnitCode, month: Month, version: Version = None, as_user: AsUser = None) -> None:
    """Approve a submitted month (the unit's approver); HQ accepts it next."""
    _act(unit, month, "approve", as_user, None, version)


@commands.command("accept")
@reports_errors
def submissions_accept(unit: UnitCode, month: Month, version: Version = None, as_user: AsUser = None) -> None:
    """Accept an approved month (HQ): its figures become the figures of record."""
    _act(unit, month, "accept", as_user, None, version)


@commands.command("return")
@reports_errors
def submissions_return(
    unit: UnitCode, month: Month, reason: Reason = None, version: Version = None, as_user: AsUser = None
) -> None:
    """Return a submitted month (its approver) or an approved one (HQ) to the reporter, with the reason."""
    _act(unit, month, "return", as_user, reason, version)


@commands.command("reopen")
@reports_errors
def submissions_reopen(
    unit: UnitCode, month: Month, reason: Reason = None, version: Version = None, as_user: AsUser = None
) -> None:
    """Reopen an accepted month (HQ), with the reason: the reporter may change it again."""
    _act(unit, month, "reopen", as_user, reason, version)
