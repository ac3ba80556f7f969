"""``pacer targets propose | proposals | submit | accept | return``: the bottom-up target round.

The commands join the ``pacer targets`` group; each is a thin shell over :mod:`pacer.targets.round`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pacer.cli.common import AsUser, actor, console, day, ensure_schema, reports_errors
from pacer.cli.targets import commands
from pacer.db import unit_of_work

ProposalId = Annotated[int, typer.Argument(help="The proposal's number.", min=1)]
Reason = Annotated[str | None, typer.Option(help="Why (required to return a proposal).")]


def register(app: typer.Typer) -> None:
    """Nothing of its own: the commands below are on ``pacer targets``."""


@commands.command("propose")
@reports_errors
def targets_propose(
    file: Annotated[Path, typer.Argument(help="CSV: unit_code,indicator_code,tier[,year,value,growth_pct,phasing].")],
    unit: Annotated[str, typer.Option(help="The unit whose subtree the targets are for.")],
    year: Annotated[int, typer.Option(help="The year of the targets.")],
    due: Annotated[str | None, typer.Option(help="When HQ should have decided (YYYY-MM-DD).")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Keep it a draft instead of submitting it.")] = False,
    as_user: AsUser = None,
) -> None:
    """Propose targets for a unit's subtree (as its approver) and submit them to the level above."""
    from pacer.targets import round as target_round

    ensure_schema()
    by, due_on = actor(as_user), day("--due", due) if due else None
    rows, problems = target_round.read_rows(file)
    with unit_of_work(writes=True, queue=True) as session:
        proposal = target_round.propose(session, by, unit, year, rows, problems, due_on)
        if not draft:
            target_round.act(session, by, proposal.id, "submit")
        number = proposal.id
    console().print(f"Proposal #{number} {'saved as a draft' if draft else 'submitted'}.")


@commands.command("proposals")
@reports_errors
def targets_proposals(as_user: AsUser = None) -> None:
    """List the target proposals you may see, newest first."""
    from pacer.targets import round as target_round

    ensure_schema()
    by = actor(as_user)
    with unit_of_work() as session:
        total, rows = target_round.proposals(session, by, 500, 0)
        for proposal, unit, item in rows:
            console().print(
                f"#{proposal.id:<5} {unit.code:12} {proposal.year}  {item.state:10} {proposal.created_by}",
                highlight=False,
            )
    console().print(f"{total} proposal(s).")


def _act(proposal: int, verb: str, as_user: str | None, reason: str | None = None, file: Path | None = None) -> None:
    from pacer.targets import round as target_round

    ensure_schema()
    by = actor(as_user)
    rows = target_round.read_rows(file) if file else None
    with unit_of_work(writes=True, queue=True) as session:
        if rows is not None:
            if target_round.get(session, by, proposal).item.state == "returned":
                target_round.act(session, by, proposal, "revise")
            target_round.replace_rows(session, by, proposal, *rows)
        state = target_round.act(session, by, proposal, verb, reason).item.state
    console().print(f"Proposal #{proposal} is {state}.")


@commands.command("submit")
@reports_errors
def targets_submit(
    proposal: ProposalId,
    file: Annotated[Path | None, typer.Option(help="New rows (a returned proposal is revised with them).")] = None,
    as_user: AsUser = None,
) -> None:
    """Submit a draft proposal (or a returned one with new rows) to the level above."""
    _act(proposal, "submit", as_user, file=file)


@commands.command("accept")
@reports_errors
def targets_accept(proposal: ProposalId, as_user: AsUser = None) -> None:
    """Accept a submitted proposal: its rows become the targets of record."""
    _act(proposal, "accept", as_user)


@commands.command("return")
@reports_errors
def targets_return(proposal: ProposalId, reason: Reason = None, as_user: AsUser = None) -> None:
    """Return a submitted proposal to its unit, with the reason."""
    _act(proposal, "return", as_user, reason)
