"""Running jobs: claim a queued one, do its work, store its file and mark it done in one
transaction, or mark it failed with the reason and keep nothing of it.

:class:`ThreadRunner` is the embedded runner: a few threads in the web server (or in ``pacer jobs
work``) polling the ``job`` table and woken when a job is queued in this process. With the
PostgreSQL queue (:mod:`pacer.jobs.queue`) a worker's task claims the job it is handed
(:func:`claim_one`) and calls :func:`execute`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pacer.auth.permissions import SYSTEM, Actor, load_actor
from pacer.db import unit_of_work
from pacer.errors import DomainError, ValidationFailed
from pacer.files import service as files
from pacer.jobs import kinds, lease, repository
from pacer.jobs.context import JobContext
from pacer.jobs.repository import DONE, FAILED
from pacer.jobs.service import owner
from pacer.models import Job
from pacer.models.base import utcnow
from pacer.ops import metrics
from pacer.workflow.deadlines import as_utc

log = logging.getLogger("pacer.jobs")
# a transaction: a session that commits when the block ends, rolls back if it raises
Transactions = Callable[[bool], AbstractContextManager[Session]]
SWEEP_SECONDS = 15.0  # how often a server's runner looks for jobs whose runner was killed
STOPPED = "the server running the job stopped before it ended; ask for it again"


class Runner(Protocol):
    def start(self) -> None: ...
    def wake(self) -> None: ...
    def stop(self) -> None: ...


def transactions(factory: sessionmaker[Session]) -> Transactions:
    """Transactions of their own on the database: what a runner works with."""

    def tx(writes: bool) -> AbstractContextManager[Session]:
        return unit_of_work(factory=factory, writes=writes)

    return tx


def savepoints(session: Session) -> Transactions:
    """Savepoints of one session standing for transactions (a test's rolled-back session)."""

    @contextmanager
    def tx(_writes: bool) -> Iterator[Session]:
        with session.begin_nested():
            yield session
        session.expire_all()  # what another transaction would read afresh

    return tx


def claim_next(tx: Transactions, now: datetime | None = None) -> int | None:
    """The id of a queued job this runner now runs (oldest first), or None."""
    with tx(True) as session:
        for job_id in repository.queued_ids(session, 5):
            if repository.claim(session, job_id, now or utcnow(), lease.me()):
                return job_id
    return None


def claim_one(tx: Transactions, job_id: int, now: datetime | None = None, role: str = lease.QUEUE) -> bool:
    """Claim queued job ``job_id`` (a queue handed it to this runner); False when it is not
    queued any more (another runner took it first, or it is gone)."""
    with tx(True) as session:
        return repository.claim(session, job_id, now or utcnow(), lease.me(role))


def execute(tx: Transactions, job_id: int) -> str:
    """Run a claimed job to its end; its final state (counted and timed in the metrics)."""
    started = time.perf_counter()
    kind, state = _execute(tx, job_id)
    metrics.job_ended(kind, state, time.perf_counter() - started)
    return state


def _execute(tx: Transactions, job_id: int) -> tuple[str, str]:
    with tx(False) as session:
        job = session.get(Job, job_id)
        if job is None:
            return "unknown", FAILED
        kind_name, parameters, unit_id, who = job.kind, dict(job.parameters), job.unit_id, job.requested_by
    try:
        kind = kinds.get(kind_name)
        with tx(kind.writes) as session:
            actor = _actor(session, who)
            # SQLite has one writer, the job itself while it writes: its progress waits for its end
            quiet = kind.writes and session.get_bind().dialect.name == "sqlite"
            ctx = JobContext(job_id, kind_name, parameters, actor, unit_id, session, _reporter(tx, job_id, quiet))
            output = kind.work(ctx)
            if kind.writes:
                _done(session, job_id, unit_id, who, output, ctx.summary)
        if not kind.writes:
            with tx(True) as session:
                _done(session, job_id, unit_id, who, output, ctx.summary)
    except Lost:
        log.warning("job %s (%s) was failed as lost while it ran: nothing of its work is kept", job_id, kind_name)
        return kind_name, FAILED
    except Exception as exc:  # any failure of the work: the job says why, nothing of it is kept
        if not isinstance(exc, DomainError):
            log.exception("job %s (%s) failed", job_id, kind_name)
        with tx(True) as session:
            repository.end_running(session, job_id, {"state": FAILED, "error": reason(exc), "finished_at": utcnow()})
        return kind_name, FAILED
    return kind_name, DONE


def _actor(session: Session, username: str) -> Actor:
    return SYSTEM if username == SYSTEM.username else load_actor(session, username)


def _reporter(tx: Transactions, job_id: int, quiet: bool) -> Callable[[float, str], None]:
    def report(fraction: float, message: str) -> None:
        if quiet:
            return  # the job's own transaction holds SQLite's write lock until it ends
        with tx(True) as session:
            repository.set_progress(session, job_id, fraction, message, utcnow())

    return report


def _done(
    session: Session, job_id: int, unit_id: int, who: str, output: kinds.Output | None, summary: str = ""
) -> None:
    values: dict[str, object] = {
        "state": DONE,
        "progress": 1.0,
        "message": summary[:300],
        "finished_at": utcnow(),
        "updated_at": utcnow(),
    }
    if output is not None:
        stored = files.keep(
            session,
            owner=owner(job_id),
            unit_id=unit_id,
            filename=output.filename,
            content_type=output.content_type,
            content=output.content,
            by=who,
        )
        values["result_file_id"] = stored.id
    if not repository.end_running(session, job_id, values):
        raise Lost(job_id)  # failed meanwhile by another process: the work and its file rolled back


class Lost(Exception):
    """The job was failed as lost (its runner taken for stopped) while its work went on."""


def reason(exc: BaseException) -> str:
    """What a failed job shows: the refusal as Pacer words it, else the error's type and text."""
    if isinstance(exc, ValidationFailed):
        return "; ".join(str(p) for p in exc.problems)[:2000]
    if isinstance(exc, DomainError):
        return exc.message[:2000]
    return f"internal error ({type(exc).__name__}): {exc}"[:2000]


def run_pending(tx: Transactions, limit: int = 1000, beat: bool = False) -> list[tuple[int, str]]:
    """Run queued jobs one after the other until none is left (or ``limit``): (id, final state).
    ``beat``: each with its heartbeat (transactions of their own, not a test's savepoints)."""
    out: list[tuple[int, str]] = []
    while len(out) < limit and (job_id := claim_next(tx)) is not None:
        if beat:
            with lease.heartbeat(tx, job_id):
                out.append((job_id, execute(tx, job_id)))
        else:
            out.append((job_id, execute(tx, job_id)))
    return out


def run_schedules(tx: Transactions, now: datetime | None = None) -> int:
    """Queue the jobs every schedule says are due; how many were queued."""
    queued = 0
    for name, schedule in kinds.schedules():
        try:
            with tx(True) as session:
                queued += len(schedule(session, now or utcnow()))
        except IntegrityError as exc:
            if "once_key" not in str(exc):
                log.exception("schedule %s failed", name)
            else:  # another process's tick queued the same scheduled job first
                log.info("schedule %s: queued already by another process", name)
        except Exception:  # one schedule's failure must not stop the others; tried again later
            log.exception("schedule %s failed", name)
    return queued


def fail_stale(tx: Transactions, now: datetime | None = None) -> int:
    """Jobs left running by a runner that stopped (killed, its machine gone: :mod:`pacer.jobs.lease`):
    failed, saying so; how many."""
    now = now or utcnow()
    with tx(False) as session:
        lost = [
            (i, heard) for i, runner, heard in repository.running(session) if lease.lost(runner, as_utc(heard), now)
        ]
    if not lost:
        return 0
    failed = 0
    with tx(True) as session:
        for job_id, heard in lost:
            values = {"state": FAILED, "error": STOPPED, "finished_at": now, "updated_at": now}
            if repository.end_running(session, job_id, values, heard):
                log.warning("job %s: its runner stopped; failed", job_id)
                failed += 1
    return failed


class ThreadRunner:
    """``workers`` threads claiming queued jobs; they start on :meth:`start` or the first
    :meth:`wake` and poll every ``poll_seconds`` (the workflow tick queues the scheduled ones)."""

    def __init__(self, tx: Transactions, workers: int = 2, poll_seconds: float = 2.0) -> None:
        self.tx, self.workers, self.poll = tx, workers, poll_seconds
        self._wake, self._stop = threading.Event(), threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._swept = time.monotonic()

    def start(self) -> None:
        with self._lock:
            if self._threads or self.workers <= 0:
                return
            try:
                fail_stale(self.tx)
            except Exception:  # the database is away: the jobs say so when it is back
                log.exception("jobs left running could not be looked at")
            for n in range(self.workers):
                thread = threading.Thread(target=self._loop, args=(n,), name=f"pacer-job-{n}", daemon=True)
                self._threads.append(thread)
                thread.start()

    def wake(self) -> None:
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def _loop(self, n: int) -> None:
        while not self._stop.is_set():
            try:
                if n == 0 and time.monotonic() - self._swept > SWEEP_SECONDS:
                    self._swept = time.monotonic()
                    fail_stale(self.tx)  # jobs of another server that was killed
                job_id = claim_next(self.tx)
                if job_id is not None:
                    with lease.heartbeat(self.tx, job_id):
                        execute(self.tx, job_id)
                    continue
            except Exception:  # a database away for a while: try again at the next poll
                log.exception("the job runner could not reach the database")
            self._wake.wait(self.poll)
            self._wake.clear()
