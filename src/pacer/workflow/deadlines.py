"""Deadlines: which reminder, overdue notice or escalation an item has reached (no I/O).

Steps are ordered in time: reminders some days before the due date (the largest offset first),
the overdue notice on the due date, then escalation one level up the org tree for every
``escalate_after_days`` days overdue. An item is told only the latest step it has reached, once:
a tick that ran late does not send the reminders it missed after the item went overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

Kind = Literal["remind", "overdue", "escalate"]
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    remind_before_days: tuple[int, ...] = (3, 1)
    escalate_after_days: int = 3  # 0: never escalate


@dataclass(frozen=True)
class Step:
    key: str  # what is recorded as sent: "remind-3", "overdue", "escalate-2"
    kind: Kind
    level: int = 0  # for escalations: how many levels above the item's unit


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; Pacer stores UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def step_at(due_at: datetime, now: datetime, policy: Policy) -> Step | None:
    """The latest step an item due at ``due_at`` has reached at ``now`` (None: none yet)."""
    due_at, now = as_utc(due_at), as_utc(now)
    if now >= due_at:
        if policy.escalate_after_days > 0:
            level = (now - due_at) // (DAY * policy.escalate_after_days)
            if level >= 1:
                return Step(f"escalate-{level}", "escalate", level)
        return Step("overdue", "overdue")
    for days in sorted(d for d in policy.remind_before_days if d > 0):
        if now >= due_at - DAY * days:
            return Step(f"remind-{days}", "remind")
    return None


def steps_due(
    items: Iterable[tuple[int, datetime]], now: datetime, policy: Policy, sent: set[tuple[int, str]]
) -> list[tuple[int, Step]]:
    """(item id, step) for every item whose latest step has not been sent yet. ``items`` are
    (id, due date) of open items; ``sent`` the (id, step key) pairs already sent for that date."""
    out = []
    for item_id, due_at in items:
        step = step_at(due_at, now, policy)
        if step is not None and (item_id, step.key) not in sent:
            out.append((item_id, step))
    return out
