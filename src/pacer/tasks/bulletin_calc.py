"""The supervision bulletin's (督办通报) figures for a period, from one fact per task (no I/O).

Definitions (also written on the page and in the exports):

- **Counted**: every task except those cancelled or merged into another (they were withdrawn, not
  missed); a task carried over to next year counts as not completed.
- **Due in the period**: counted tasks whose *original* deadline falls within the period (from and
  to inclusive). An extension moves the deadline, never the period a task is judged in.
- **Completed**: due in the period, verified and signed off (销号) on or before the period's end.
- **Completion rate** = completed ÷ due in the period.
- **On time**: completed on or before the original deadline.
- **On-time rate** = completed on time ÷ completed.
- **Overdue**: still open on the day the bulletin is drawn (not verified, cancelled, merged,
  carried over, nor waiting for verification) and past its original deadline, which fell on or
  before the period's end.
- **Newly closed**: verified within the period, whatever its deadline.
- **As of a day** (a report of a past month): each task's state is the one it held at the end of
  the day the bulletin is drawn on, from its workflow history; a task closed since counts as open.

A rate with nothing to divide by is shown as "—". Rates are kept as tenths of a percent, rounded
half up, so that the page, the workbook and the document show the same figure.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

from pacer.kit.numbers import format_scaled
from pacer.tasks.workflow import CANCELLED, CLOSED, COMPLETION_REPORTED, MERGED, VERIFIED

WITHDRAWN = frozenset({CANCELLED, MERGED})


@dataclass(frozen=True)
class Fact:
    """What the bulletin needs of one task: ``unit`` and ``department`` are the keys it is
    grouped by (the lead unit rolled up, the issuing side)."""

    task_id: int
    unit: Hashable
    department: Hashable
    state: str
    original_deadline: date
    closed_on: date | None


@dataclass(frozen=True)
class Period:
    """The days a bulletin covers and the day it is drawn on. ``as_of``: the tasks' states as
    they stood at the end of ``today`` (read from their workflow history), not as they are now:
    what a report of a past month shows."""

    start: date
    end: date
    today: date
    as_of: bool = False

    def due(self, f: Fact) -> bool:
        return f.state not in WITHDRAWN and self.start <= f.original_deadline <= self.end

    def completed(self, f: Fact) -> bool:
        return self.due(f) and f.state == VERIFIED and f.closed_on is not None and f.closed_on <= self.end

    def on_time(self, f: Fact) -> bool:
        return self.completed(f) and f.closed_on is not None and f.closed_on <= f.original_deadline

    def overdue(self, f: Fact) -> bool:
        still_open = f.state not in CLOSED and f.state != COMPLETION_REPORTED
        return still_open and f.original_deadline <= self.end and f.original_deadline < self.today

    def newly_closed(self, f: Fact) -> bool:
        return f.state == VERIFIED and f.closed_on is not None and self.start <= f.closed_on <= self.end


def rate(numerator: int, denominator: int) -> int | None:
    """``numerator ÷ denominator`` in tenths of a percent, rounded half up; None over nothing."""
    if denominator == 0:
        return None
    return (numerator * 2000 + denominator) // (2 * denominator)


def shown(tenths: int | None) -> str:
    return "—" if tenths is None else f"{format_scaled(tenths, 1)}%"


@dataclass
class Tally:
    due: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0
    closed: int = 0  # newly closed in the period

    @property
    def completion_rate(self) -> int | None:
        return rate(self.completed, self.due)

    @property
    def on_time_rate(self) -> int | None:
        return rate(self.on_time, self.completed)

    def add(self, period: Period, f: Fact) -> None:
        self.due += period.due(f)
        self.completed += period.completed(f)
        self.on_time += period.on_time(f)
        self.overdue += period.overdue(f)
        self.closed += period.newly_closed(f)

    @property
    def empty(self) -> bool:
        return not (self.due or self.overdue or self.closed)


@dataclass
class Figures:
    total: Tally = field(default_factory=Tally)
    by_unit: dict[Hashable, Tally] = field(default_factory=dict)
    by_department: dict[Hashable, Tally] = field(default_factory=dict)
    overdue: list[int] = field(default_factory=list)  # task ids
    closed: list[int] = field(default_factory=list)


def figures(period: Period, facts: Iterable[Fact]) -> Figures:
    """The period's tallies overall, by unit and by department, with the overdue and newly
    closed tasks; groups with nothing to say are left out."""
    out = Figures()
    for f in facts:
        out.total.add(period, f)
        out.by_unit.setdefault(f.unit, Tally()).add(period, f)
        out.by_department.setdefault(f.department, Tally()).add(period, f)
        if period.overdue(f):
            out.overdue.append(f.task_id)
        if period.newly_closed(f):
            out.closed.append(f.task_id)
    out.by_unit = {k: v for k, v in out.by_unit.items() if not v.empty}
    out.by_department = {k: v for k, v in out.by_department.items() if not v.empty}
    return out
