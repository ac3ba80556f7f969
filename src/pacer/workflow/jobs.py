"""The periodic tick: deadline steps in one transaction, the jobs the schedules say are due (the
group's monthly report), the finished jobs past their keeping deleted, the sign-in attempts no
lock rule reads any more deleted, then the e-mails after it committed."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from pacer.auth.sessions import prune_attempts
from pacer.config import Settings
from pacer.db import unit_of_work
from pacer.jobs.cleanup import clean
from pacer.jobs.runner import run_schedules, transactions
from pacer.kit.leader import Leadership
from pacer.models.base import utcnow
from pacer.notifications.mail import Sent, send_outbox
from pacer.workflow.deadlines import Policy
from pacer.workflow.due import run_due


@dataclass(frozen=True)
class Ticked:
    steps: dict[str, int]
    mail: Sent
    scheduled: int = 0  # jobs queued
    cleaned: int = 0  # finished jobs deleted with their files
    pruned: int = 0  # old sign-in attempts deleted


def policy_of(settings: Settings) -> Policy:
    return Policy(settings.remind_days, settings.workflow_escalate_days)


def tick(factory: sessionmaker[Session], settings: Settings, now: datetime | None = None) -> Ticked:
    now = now or utcnow()
    with unit_of_work(factory=factory, writes=True, queue=True) as session:
        steps = run_due(session, now, policy_of(settings))
    scheduled = run_schedules(transactions(factory), now)  # each schedule in a transaction of its own
    with unit_of_work(factory=factory, writes=True) as session:
        cleaned = clean(session, settings.jobs_keep_days, now)
        pruned = prune_attempts(session, now)
    return Ticked(steps, send_outbox(factory, settings), scheduled, cleaned, pruned)


async def tick_forever(factory: sessionmaker[Session], settings: Settings, log: logging.Logger) -> None:
    """The web server's background tick, every PACER_WORKFLOW_TICK_SECONDS (cancelled at
    shutdown), in one process of all those serving the database: the one holding the tick's
    lock (another takes it over when that one stops)."""
    leader = Leadership(factory.kw["bind"], "workflow-tick")
    try:
        while True:
            await asyncio.sleep(settings.workflow_tick_seconds)
            try:
                if await asyncio.to_thread(leader.held):
                    await asyncio.to_thread(tick, factory, settings)
            except Exception:  # a database or SMTP server away for a while: the next tick tries again
                log.exception("the workflow tick failed")
    finally:
        leader.release()
