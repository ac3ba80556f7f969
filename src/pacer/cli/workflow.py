"""``pacer workflow``: the deadline tick (reminders, overdue notices, escalation, e-mails)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from pacer.cli.common import console, ensure_schema, group, reports_errors
from pacer.errors import DomainError

commands = group("Workflow deadlines and notifications.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="workflow")


def moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(
            f"--now: '{text}' is not a date and time (expected ISO 8601, e.g. 2026-03-10T09:00)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@commands.command("tick")
@reports_errors
def workflow_tick(
    now: Annotated[str | None, typer.Option(help="Act as if it were this moment (ISO 8601, UTC unless given).")] = None,
) -> None:
    """Send the reminders, overdue notices and escalations due, queue the scheduled jobs due (the
    group's monthly report), delete the finished jobs past PACER_JOBS_KEEP_DAYS, then send the
    e-mails waiting."""
    from pacer.config import get_settings
    from pacer.db import get_engine, session_factory
    from pacer.workflow.jobs import tick

    ensure_schema()
    at = moment(now) if now else None
    done = tick(session_factory(get_engine()), get_settings(), at)
    steps = ", ".join(f"{kind} {n}" for kind, n in done.steps.items())
    mail = f"e-mails sent {done.mail.sent}, failed {done.mail.failed}"
    jobs = f"scheduled jobs queued {done.scheduled}, finished jobs deleted {done.cleaned}"
    console().print(f"Workflow tick: {steps}; {jobs}; {mail}")
