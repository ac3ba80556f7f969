"""What a statement's items are scored on, read for many statements at once: indicator values
from the analysis engine (year to date through the assessed month, and last year's same months
for growth), the rates of follow-up tasks and quality zeroing over each unit's subtree, and the
events bonuses, deductions and vetoes count.

Rates are hundredths of a percent (95.00 % is 9500, the scale of a qualitative item). A rate
over nothing (no task due, no problem found) counts as 100 %: nothing was missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, TimeBasis, default_period
from pacer.assessment.scoring import Reading
from pacer.auth.permissions import Actor, restrict
from pacer.group_settings.service import current as group_settings
from pacer.models import StatementEvent, Task, WorkflowItem
from pacer.models.quality import QualityProblem
from pacer.org.repository import tree_on
from pacer.quality.workflow import CANCELLED as PROBLEM_CANCELLED
from pacer.quality.workflow import CLOSED as PROBLEM_CLOSED
from pacer.tasks.bulletin_calc import Fact, Period, Tally

FULL_RATE = 10_000


@dataclass(frozen=True)
class Values:
    """Year-to-date values of (unit id, indicator code) through a month, with last year's and,
    for a flow, the time progress at that month (the share of the year's target due by then)."""

    now: dict[tuple[int, str], int]
    before: dict[tuple[int, str], int]
    month: int  # the month the values run through (the engine's latest when earlier)
    progress: dict[tuple[int, str], Fraction] = field(default_factory=dict)

    def reading(self, unit_id: int, code: str) -> Reading:
        key = (unit_id, code)
        return Reading(self.now.get(key), self.before.get(key), self.progress.get(key))


def time_progress(share: float, month: int) -> Fraction | None:
    """The engine's time progress as an exact share of the year: m/12 when linear, else (the
    target's monthly phasing or the unit's seasonal profile) to a hundredth of a percent, as
    the cockpit shows it; None for a level (NaN: a balance or ratio, elapsed time does not apply)."""
    if share != share:  # NaN
        return None
    if abs(share - month / 12) < 1e-9:
        return Fraction(month, 12)
    return Fraction(round(share * FULL_RATE), FULL_RATE)


def time_basis(session: Session) -> TimeBasis:
    """The group's time-progress basis, as its settings say today (the cockpit's)."""
    return "seasonal" if group_settings(session).time_basis == "seasonal" else "linear"


def open_month(analysis: Analysis, year: int) -> int | None:
    """The latest complete month of ``year`` (every unit reported; the cockpit's default month)
    while the year is still being reported; None once its December is in, or before its figures."""
    latest = default_period(analysis)
    return latest % 100 if latest // 100 == year and latest % 100 < 12 else None


def indicator_values(
    analysis: Analysis,
    unit_ids: Sequence[int],
    codes: Sequence[str],
    year: int,
    month: int,
    time_basis: TimeBasis = "linear",
) -> Values:
    """One vectorised question to the engine for every unit and indicator; a unit or indicator
    the engine does not hold, or a month it has no figures for yet, reads as no data. Time
    progress is the cockpit's: the target's phasing where it has one, else ``time_basis``."""
    engine, data = analysis.engine, analysis.data
    month = min(month, data.last_period % 100) if data.last_period // 100 == year else month
    known = [c for c in dict.fromkeys(codes) if c in engine.catalog.index]
    pairs = [(u, analysis.node(u)) for u in dict.fromkeys(unit_ids)]
    nodes = [(u, n) for u, n in pairs if n is not None]
    if not known or not nodes or year < data.first_year or year * 100 + 1 > data.last_period or month < 1:
        return Values({}, {}, month)
    measures = engine.measures([n for _, n in nodes], year, month, known, time_basis=time_basis)
    now: dict[tuple[int, str], int] = {}
    before: dict[tuple[int, str], int] = {}
    progress: dict[tuple[int, str], Fraction] = {}
    for code in known:
        col = measures.column(engine.catalog.index[code])
        for row, (unit_id, _) in enumerate(nodes):
            if measures.ytd.present[row, col]:
                now[(unit_id, code)] = int(measures.ytd.scaled[row, col])
            if measures.ytd_last_year.present[row, col]:
                before[(unit_id, code)] = int(measures.ytd_last_year.scaled[row, col])
            share = time_progress(float(measures.progress[row, col]), month)
            if share is not None:
                progress[(unit_id, code)] = share
    return Values(now, before, month, progress)


def _owners(tree: dict[int, int | None], units: set[int]) -> dict[int, list[int]]:
    """For each unit of the tree, the assessed units at or above it (nearest first)."""
    out: dict[int, list[int]] = {}
    for unit in tree:
        chain: list[int] = []
        node: int | None = unit
        seen: set[int] = set()
        while node is not None and node not in seen:
            seen.add(node)
            if node in units:
                chain.append(node)
            node = tree.get(node)
        if chain:
            out[unit] = chain
    return out


def rate(done: int, of: int) -> int:
    return FULL_RATE if of == 0 else (done * 2 * FULL_RATE + of) // (2 * of)


@dataclass(frozen=True)
class Followup:
    """Per assessed unit (over its subtree): task completion and on-time rates, the zeroing rate
    and the count of critical quality problems, in the assessed months."""

    task_completion: dict[int, int]
    task_on_time: dict[int, int]
    zeroing: dict[int, int]
    critical_problems: dict[int, int]


def followup(session: Session, actor: Actor, unit_ids: Iterable[int], start: date, end: date) -> Followup:
    """Tasks due (by their original deadline) and quality problems found from ``start`` to
    ``end``, over each unit's subtree (today's tree), as the actor sees them."""
    units = set(unit_ids)
    owners = _owners(tree_on(session, date.today()), units)
    period = Period(start, end, end)
    tallies: dict[int, Tally] = defaultdict(Tally)
    stmt = (
        select(Task.id, Task.unit_id, WorkflowItem.state, Task.original_deadline, Task.closed_on)
        .join(WorkflowItem, WorkflowItem.id == Task.workflow_item_id)
        .where(Task.original_deadline >= start, Task.original_deadline <= end)
    )
    for task_id, unit, state, deadline, closed in session.execute(restrict(stmt, actor, Task.unit_id)):
        fact = Fact(task_id, unit, None, state, deadline, closed)
        for owner in owners.get(unit, ()):
            tallies[owner].add(period, fact)
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # counted, closed, critical
    problems = (
        select(QualityProblem.unit_id, WorkflowItem.state, QualityProblem.severity)
        .join(WorkflowItem, WorkflowItem.id == QualityProblem.workflow_item_id)
        .where(QualityProblem.found_on >= start, QualityProblem.found_on <= end)
    )
    for unit, state, severity in session.execute(restrict(problems, actor, QualityProblem.unit_id)):
        for owner in owners.get(unit, ()):
            counts = found[owner]
            counts[0] += state != PROBLEM_CANCELLED
            counts[1] += state == PROBLEM_CLOSED
            counts[2] += severity == "critical"
    return Followup(
        {u: rate(tallies[u].completed, tallies[u].due) for u in units},
        {u: rate(tallies[u].on_time, tallies[u].completed) for u in units},
        {u: rate(found[u][1], found[u][0]) for u in units},
        {u: found[u][2] for u in units},
    )


def recorded_events(
    session: Session, statement_ids: Iterable[int], start: date, end: date
) -> dict[int, dict[str, int]]:
    """How many events each statement's items count, recorded by HQ within the period."""
    stmt = select(StatementEvent.statement_id, StatementEvent.code).where(
        StatementEvent.statement_id.in_(list(statement_ids)),
        StatementEvent.occurred_on >= start,
        StatementEvent.occurred_on <= end,
    )
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for statement_id, code in session.execute(stmt):
        out[statement_id][code] += 1
    return out
