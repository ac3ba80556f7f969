"""``pacer jobs``: the background jobs (reports …) — list them, show one, run the queued ones
where no web server does, and delete the finished ones past their keeping."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from pacer.cli.common import AsUser, actor, console, ensure_schema, group, reports_errors
from pacer.db import unit_of_work

commands = group("Background jobs: list, show, run the queued ones, clean up the old ones.")
JobId = Annotated[int, typer.Argument(help="The job's number.", min=1, max=2**31 - 1)]


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="jobs")
    app.command("worker")(worker)


@reports_errors
def worker(
    name: Annotated[str | None, typer.Option(help="The worker's name in the queue and its logs.")] = None,
) -> None:
    """Run background jobs and the workflow tick from the PostgreSQL queue (PACER_JOBS_QUEUE=
    procrastinate) until stopped; start as many as needed, on any machine."""
    import logging

    from pacer.config import get_settings
    from pacer.errors import DomainError
    from pacer.jobs.queue import run_worker

    ensure_schema()
    settings = get_settings()
    if settings.jobs_queue != "procrastinate":
        raise DomainError(
            "PACER_JOBS_QUEUE is embedded: jobs run in the web server (or `pacer jobs work`); "
            "set PACER_JOBS_QUEUE=procrastinate with a PostgreSQL database to run workers"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_worker(settings, name)


@commands.command("list")
@reports_errors
def jobs_list(
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
    as_user: AsUser = None,
) -> None:
    """The jobs asked for by you (--as; the system's by default), newest first."""
    from pacer.jobs import repository
    from pacer.jobs.schemas import job_out

    ensure_schema()
    by = actor(as_user)
    with unit_of_work() as session:
        total, rows = repository.mine(session, by, limit)
        stored = repository.files_of(session, [j for j, _ in rows])
        items = [job_out(j, u, stored.get(j.result_file_id or 0), "en") for j, u in rows]
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False, indent=2))
        return
    for i in items:
        line = (
            f"#{i.id:<6} {i.state:8} {round(i.progress * 100):>3}% {i.unit_code:10} {i.period:8} {i.kind:14} {i.title}"
        )
        console().print(line, highlight=False)
    console().print(f"{total} job(s).")


@commands.command("show")
@reports_errors
def jobs_show(job_id: JobId, as_user: AsUser = None) -> None:
    """One job of a unit you see: its parameters, state, progress, error and file."""
    from pacer.jobs import repository
    from pacer.jobs.schemas import job_out

    ensure_schema()
    by = actor(as_user)
    with unit_of_work() as session:
        job = repository.one(session, by, job_id)
        out = job_out(
            job,
            repository.unit_of(session, job),
            repository.files_of(session, [job]).get(job.result_file_id or 0),
            "en",
        )
        document = out.model_dump(mode="json") | {"parameters": job.parameters}
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


@commands.command("work")
@reports_errors
def jobs_work(
    once: Annotated[bool, typer.Option("--once", help="Run what is queued now, then stop.")] = False,
) -> None:
    """Run the queued jobs here (the workflow tick queues the scheduled ones); with --once until
    none is left, else until interrupted."""
    import time

    from pacer.config import get_settings
    from pacer.db import get_engine, session_factory
    from pacer.jobs.runner import fail_stale, run_pending, transactions

    ensure_schema()
    tx = transactions(session_factory(get_engine()))
    while True:
        fail_stale(tx)  # jobs of a runner that was killed
        ran = run_pending(tx, beat=True)
        for job_id, state in ran:
            console().print(f"job #{job_id}: {state}", highlight=False)
        if once:
            console().print(f"{len(ran)} job(s) run.")
            return
        time.sleep(get_settings().jobs_poll_seconds)


@commands.command("clean")
@reports_errors
def jobs_clean(
    older_than: Annotated[
        int | None, typer.Option(min=1, max=36_500, help="Days (default: PACER_JOBS_KEEP_DAYS).")
    ] = None,
    now: Annotated[str | None, typer.Option(help="Act as if it were this moment (ISO 8601, UTC unless given).")] = None,
) -> None:
    """Delete the jobs finished more than --older-than days ago with their files, each audited."""
    from pacer.cli.workflow import moment
    from pacer.config import get_settings
    from pacer.jobs.cleanup import clean
    from pacer.models.base import utcnow

    ensure_schema()
    days = older_than if older_than is not None else get_settings().jobs_keep_days
    with unit_of_work(writes=True) as session:
        deleted = clean(session, days, moment(now) if now else utcnow())
    kept = f"older than {days} days" if days else "none: PACER_JOBS_KEEP_DAYS is 0"
    console().print(f"{deleted} finished job(s) deleted ({kept}).", highlight=False)
