"""Did the indicator a task should move recover? Its status from the analysis engine (on track,
watch or off track: the year's completion of its ensure target against the time progress) in
three months: the last month before the task was assigned, the month it was closed, and the
latest month with figures. The verdict compares the first with the latest, and only a closed
task is judged: an open one shows where the indicator stands now.

- ``recovered``: off track or watch before, on track now;
- ``not_recovered``: off track or watch before, still so now;
- ``held``: on track before and now;
- ``slipped``: on track before, off track or watch now;
- ``open``: the task is not closed yet;
- ``unjudged``: no status before or now (no target, no figures, a month the engine lacks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis
from pacer.models import Indicator
from pacer.models.followup import Task

STATUSES = {1: "on_track", 2: "watch", 3: "off_track"}  # the engine's status codes; 0 is unjudged
AWAY = frozenset({"watch", "off_track"})


@dataclass(frozen=True)
class Judged:
    """The indicator's status in one month (None: not judged that month)."""

    period: str  # YYYY-MM
    status: str | None


@dataclass(frozen=True)
class Recovery:
    before: Judged | None  # the last month before the task was assigned
    at_close: Judged | None  # the month the task was closed
    now: Judged | None  # the latest month with figures
    verdict: str


def _month_before(day: date) -> tuple[int, int]:
    return (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)


def status_at(analysis: Analysis, node: int, code: str, year: int, month: int) -> Judged | None:
    """The status of ``code`` at ``node`` in a month the engine holds, else None."""
    data, engine = analysis.data, analysis.engine
    if year < data.first_year or year * 100 + month > data.last_period or code not in engine.catalog.index:
        return None
    pm = engine.measures([node], year, month, [code])
    col = int(np.searchsorted(pm.columns, engine.catalog.index[code]))
    return Judged(f"{year}-{month:02d}", STATUSES.get(int(pm.status[0, col])))


def _verdict(before: Judged | None, now: Judged | None, closed: bool) -> str:
    if not closed:
        return "open"
    was, is_ = before.status if before else None, now.status if now else None
    if was is None or is_ is None:
        return "unjudged"
    if was in AWAY:
        return "recovered" if is_ == "on_track" else "not_recovered"
    return "held" if is_ == "on_track" else "slipped"


def recovery(analysis: Analysis, unit_id: int, code: str, assigned_on: date, closed_on: date | None) -> Recovery | None:
    """None when the engine knows neither the task's unit nor the indicator."""
    node = analysis.node(unit_id)
    if node is None or code not in analysis.engine.catalog.index:
        return None
    latest = divmod(analysis.data.last_period, 100)
    before = status_at(analysis, node, code, *min(_month_before(assigned_on), latest))
    at_close = status_at(analysis, node, code, *min((closed_on.year, closed_on.month), latest)) if closed_on else None
    now = status_at(analysis, node, code, *latest)
    return Recovery(before, at_close, now, _verdict(before, now, closed_on is not None))


def of_task(analysis: Analysis, task: Task, code: str | None) -> Recovery | None:
    return recovery(analysis, task.unit_id, code, task.assigned_on, task.closed_on) if code else None


def of_tasks(session: Session, analysis: Analysis, ids: Iterable[int]) -> dict[int, Recovery]:
    """The verdicts of the listed tasks that have an indicator (tasks the caller already may see)."""
    wanted = list(ids)
    if not wanted:
        return {}
    stmt = (
        select(Task.id, Task.unit_id, Task.assigned_on, Task.closed_on, Indicator.code)
        .join(Indicator, Indicator.id == Task.indicator_id)
        .where(Task.id.in_(wanted))
    )
    out = {}
    for task_id, unit_id, assigned_on, closed_on, code in session.execute(stmt):
        found = recovery(analysis, unit_id, code, assigned_on, closed_on)
        if found is not None:
            out[task_id] = found
    return out
