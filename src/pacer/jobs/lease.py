"""Who runs a job, and whether they still do: a running job carries its runner (the process: its
machine, process id and start time) and a heartbeat (the job's ``updated_at``, refreshed every
few seconds while it runs), so that any other process can tell a job whose runner was killed.

- A runner on the same machine is asked directly: a process that is gone (or whose id now belongs
  to a process started since) runs nothing, and its job is lost at once; a process still there
  still runs it, however long its heartbeat has been silent (a writing job on SQLite holds the
  database's one write lock, so its heartbeat cannot be stored until it ends).
- A runner on another machine is judged by its heartbeat: silent for :data:`LOST_AFTER`, its job
  is lost.
- A job of a ``pacer worker`` (the PostgreSQL queue) is left to the queue, which retries it once
  (:func:`pacer.jobs.queue.recover_stalled`); only a heartbeat silent for :data:`SILENT_AFTER` fails it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pacer.jobs import repository
from pacer.models.base import utcnow

if TYPE_CHECKING:
    from pacer.jobs.runner import Transactions

log = logging.getLogger("pacer.jobs")
HEARTBEAT_SECONDS = 10.0  # how often a running job says it still runs
LOST_AFTER = timedelta(seconds=60)  # a job of another machine's runner silent this long is lost
SILENT_AFTER = timedelta(minutes=30)  # a pacer worker's job silent this long is lost
EMBEDDED, QUEUE = "embedded", "queue"  # a server's (or ``pacer jobs work``'s) runner; a ``pacer worker``


def _started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot), "" where the system does not say."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def me(role: str = EMBEDDED) -> str:
    """This process as a job's runner: ``role@machine:pid:start``."""
    pid = os.getpid()
    return f"{role}@{socket.gethostname()}:{pid}:{_started(pid)}"


def _alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        pass
    return not started or _started(pid) in ("", started)


def lost(runner: str, heard: datetime, now: datetime) -> bool:
    """Whether the job that ``runner`` runs, last heard of at ``heard``, is lost."""
    role, _, where = runner.partition("@")
    if role == QUEUE:  # the queue's own heartbeat and retry see to it, unless silent for long
        return heard < now - SILENT_AFTER
    machine, _, process = where.partition(":")
    pid, _, started = process.partition(":")
    if machine == socket.gethostname() and pid.isdigit():
        return not _alive(int(pid), started)
    return heard < now - LOST_AFTER


@contextmanager
def heartbeat(tx: Transactions, job_id: int) -> Iterator[None]:
    """While the block runs, job ``job_id``'s heartbeat refreshed every :data:`HEARTBEAT_SECONDS`
    in a transaction of its own (a beat the database cannot take now is tried at the next)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                with tx(True) as session:
                    repository.beat(session, job_id, utcnow())
            except Exception as exc:  # a database busy or away: the next beat tries again
                log.warning("job %s: heartbeat not stored (%s)", job_id, exc)

    thread = threading.Thread(target=beat, name=f"pacer-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
