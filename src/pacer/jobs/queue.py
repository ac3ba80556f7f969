"""The jobs' queue on PostgreSQL (procrastinate), for servers and workers on several machines.

With ``PACER_JOBS_QUEUE=procrastinate`` the ``job`` table stays the record of every job (its
state, progress, error and file, which the job pages and API read as before); procrastinate is
the queue that hands each job to exactly one ``pacer worker``, on any machine:

- :func:`defer` puts a procrastinate job naming the Pacer job in the queue on the connection of
  the transaction that queued the Pacer job, so both are committed together or not at all;
- the worker's task claims the Pacer job and runs it as the embedded runner does
  (:func:`pacer.jobs.runner.execute`); a job someone else claimed first is left alone;
- the workflow tick (deadline steps, reminders, escalation, the scheduled reports, the cleanup,
  the e-mails) is a periodic task: every worker offers it, procrastinate queues it once per
  moment of its schedule, and one worker runs it;
- web servers then run no job threads and no tick of their own;
- a worker that stops without ending its job (killed, its machine gone) leaves procrastinate's
  row "doing": every worker sends a heartbeat, and a periodic sweep (:func:`recover_stalled`)
  hands the job of a worker silent for ``PACER_JOBS_STALLED_SECONDS`` to another worker once,
  and fails it with the reason the second time, in procrastinate's row and in Pacer's.

With the default ``embedded`` queue nothing here is used: threads in the web server run the
jobs (:class:`pacer.jobs.runner.ThreadRunner`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from functools import lru_cache

import procrastinate
from procrastinate.jobs import Status
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pacer.config import Settings, get_settings
from pacer.errors import DomainError

log = logging.getLogger("pacer.jobs")
QUEUE = "pacer"
RUN_JOB = "pacer.run_job"
TICK = "pacer.workflow_tick"
STALLED = "pacer.stalled_jobs"
RUNS = 2  # a job whose worker stopped while running it is run once more, then failed
RUN_AGAIN = "run again: the worker running it stopped"
STOPPED = "the worker running it stopped twice; ask for it again"
MISSING = "the queue's tables are missing: run `pacer db upgrade` (the migrations make them)"


def enabled(settings: Settings | None = None) -> bool:
    return (settings or get_settings()).jobs_queue == "procrastinate"


def conninfo(database_url: str) -> str:
    """The libpq address of a SQLAlchemy PostgreSQL URL (``postgresql+psycopg://…``)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


@lru_cache
def _deferrer() -> procrastinate.App:
    # Only ever used with the caller's own connection: its pool is never opened.
    return procrastinate.App(connector=procrastinate.SyncPsycopgConnector())


def defer(session: Session, job_id: int) -> None:
    """Queue Pacer job ``job_id`` for a worker in the session's transaction (nothing with the
    embedded queue, whose threads read the ``job`` table)."""
    if enabled():
        defer_on(session.connection(), [job_id])


def defer_on(connection: Connection, job_ids: list[int]) -> None:
    """Queue Pacer jobs ``job_ids`` for a worker in the transaction of ``connection``."""
    task = _deferrer().configure_task(RUN_JOB, queue=QUEUE, connection=connection.connection.driver_connection)
    for job_id in job_ids:
        task.defer(job_id=job_id)


# -- the worker ------------------------------------------------------------------------------------


def worker_app(settings: Settings) -> procrastinate.App:
    """The procrastinate application of ``pacer worker``: the task running Pacer jobs and the
    periodic workflow tick."""
    from pacer.db import get_engine, session_factory

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url)))
    factory = session_factory(get_engine(settings))

    @app.task(name=RUN_JOB, queue=QUEUE)
    def run_job(job_id: int) -> str:
        from pacer.jobs.lease import heartbeat
        from pacer.jobs.runner import claim_one, execute, transactions

        tx = transactions(factory)
        if not claim_one(tx, job_id):
            return "taken"  # run already (a runner of the job table claimed it first)
        with heartbeat(tx, job_id):
            return execute(tx, job_id)

    if settings.workflow_tick_seconds > 0:

        @app.periodic(cron=cron_every(settings.workflow_tick_seconds), periodic_id="tick")
        @app.task(name=TICK, queue=QUEUE, queueing_lock=TICK)
        def workflow_tick(timestamp: int) -> None:
            from pacer.jobs.runner import fail_stale, transactions
            from pacer.workflow.jobs import tick

            moment = datetime.fromtimestamp(timestamp, UTC)
            done = tick(factory, settings, moment)
            fail_stale(transactions(factory))  # jobs of a worker that stopped while running them
            log.info("workflow tick at %s: %s", moment.isoformat(), done)

    @app.periodic(cron=cron_every(round(settings.jobs_stalled_seconds)), periodic_id="stalled")
    @app.task(name=STALLED, queue=QUEUE, queueing_lock=STALLED)
    async def stalled_jobs(timestamp: int) -> None:
        for job_id, outcome in await recover_stalled(app, factory, settings.jobs_stalled_seconds):
            log.warning("job %s of a stopped worker: %s", job_id, outcome)

    return app


async def recover_stalled(
    app: procrastinate.App, factory: sessionmaker[Session], seconds: float
) -> list[tuple[int, str]]:
    """The jobs of workers silent for ``seconds``: each Pacer job is put back in the queue and its
    procrastinate job retried, or, when it was retried already, both are failed saying why (the
    workflow tick is left alone: the next moment runs its own). (Pacer job id, "retried" or
    "failed") for each."""
    out: list[tuple[int, str]] = []
    stalled = await app.job_manager.get_stalled_jobs(queue=QUEUE, task_name=RUN_JOB, seconds_since_heartbeat=seconds)
    for job in stalled:
        job_id, again = int(str(job.task_kwargs["job_id"])), job.attempts + 1 < RUNS
        await asyncio.to_thread(_settle, factory, job_id, again)
        if again:
            await app.job_manager.retry_job(job)
        else:
            await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
        out.append((job_id, "retried" if again else "failed"))
    return out


def _settle(factory: sessionmaker[Session], job_id: int, again: bool) -> None:
    """Pacer's side of a stopped worker's job: queued again, or failed with the reason (a job
    that is not running any more, ended before the worker stopped, is left as it is)."""
    from pacer.db import unit_of_work
    from pacer.jobs import repository
    from pacer.models import Job
    from pacer.models.base import utcnow

    with unit_of_work(factory=factory, writes=True) as session:
        if again:
            repository.requeue(session, job_id, RUN_AGAIN, utcnow())
            return
        job = session.get(Job, job_id)
        if job is not None and job.state == repository.RUNNING:
            repository.end(session, job_id, {"state": repository.FAILED, "error": STOPPED, "finished_at": utcnow()})


def cron_every(seconds: int) -> str:
    """A cron schedule close to "every ``seconds``" (a divisor of a minute or of an hour)."""
    if seconds < 60:
        step = next(s for s in range(max(seconds, 1), 61) if 60 % s == 0)
        return f"* * * * * */{step}"  # croniter's sixth field: seconds
    minutes = next(m for m in range(max(seconds // 60, 1), 61) if 60 % m == 0)
    return "0 * * * *" if minutes == 60 else f"*/{minutes} * * * *"


def run_worker(settings: Settings, name: str | None = None) -> None:
    """Run queued jobs and the workflow tick until stopped (SIGINT or SIGTERM)."""
    from pacer.db import get_engine, session_factory
    from pacer.jobs import kinds
    from pacer.jobs.runner import fail_stale, transactions
    from pacer.workflow import jobs  # noqa: F401  (the tick's modules, loaded before the first tick)

    kinds.all_kinds()  # every kind's modules loaded now rather than by the first job
    with get_engine(settings).connect() as connection:
        if not has_schema(connection):
            raise DomainError(MISSING)
    fail_stale(transactions(session_factory(get_engine(settings))))
    worker_app(settings).run_worker(
        queues=[QUEUE],
        name=name,
        concurrency=1,
        delete_jobs="successful",
        fetch_job_polling_interval=settings.jobs_poll_seconds,
        update_heartbeat_interval=settings.jobs_stalled_seconds / 3,
        stalled_worker_timeout=settings.jobs_stalled_seconds,
    )


# -- its tables (made by the migrations: pacer.jobs.queue_schema) ----------------------------------


def has_schema(connection: Connection) -> bool:
    from pacer.jobs.queue_schema import present

    return present(connection)


def reachable(settings: Settings | None = None) -> tuple[bool, str]:
    """Whether the jobs' queue can take and hand out jobs now, and what to do when it cannot
    (for ``pacer doctor``)."""
    from pacer.db import get_engine

    settings = settings or get_settings()
    try:
        with get_engine(settings).connect() as connection:
            if not enabled(settings):
                connection.execute(text("SELECT count(*) FROM job WHERE state = 'queued'"))
                return True, "embedded queue: the web server's job threads read the job table"
            if not has_schema(connection):
                return False, MISSING
            workers = connection.scalar(
                text("SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '1 minute'")
            )
    except Exception as exc:  # any failure to reach the database is what the check reports
        return False, f"the database holding the queue cannot be reached: {type(exc).__name__}: {exc}"[:500]
    if not workers:
        return False, "no `pacer worker` is running: queued jobs and the workflow tick wait for one"
    return True, f"procrastinate queue: {workers} worker(s) running"


class Doorbell:
    """The web server's runner when workers elsewhere run the jobs: nothing to start or wake
    (procrastinate tells the workers of each job it is given)."""

    def start(self) -> None:
        return None

    def wake(self) -> None:
        return None

    def stop(self) -> None:
        return None
