"""The reporting monitor's arithmetic (no I/O): each unit's status in a month, whether it is late,
and the counts per status, per level and for every unit's subtree.

A unit counts only where it must report that month (it is assigned indicators and exists then);
the units above it that report nothing still carry their subtree's roll-up. A unit is late when
its deadline has passed and it has not handed its month in: not started, a draft, or returned to
it. A submitted or approved month waits for its reviewers, not for the unit, so it is not late.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pacer.workflow.deadlines import as_utc

NOT_STARTED, DRAFT, SUBMITTED, APPROVED, ACCEPTED, RETURNED = (
    "not_started",
    "draft",
    "submitted",
    "approved",
    "accepted",
    "returned",
)
STATUSES = (NOT_STARTED, DRAFT, SUBMITTED, APPROVED, ACCEPTED, RETURNED)
NOT_HANDED_IN = frozenset({NOT_STARTED, DRAFT, RETURNED})
LATE = "late"  # a filter beside the statuses


@dataclass(frozen=True)
class UnitIn:
    """A unit of the month's tree as read: where it hangs and what it is."""

    id: int
    code: str
    name_zh: str
    name_en: str
    parent_id: int | None


@dataclass(frozen=True)
class StateIn:
    """A unit's submission for the month: its workflow state and its own deadline (an extension,
    or none once accepted)."""

    state: str
    due_at: datetime | None


@dataclass
class Counts:
    """Units that must report, by status, and how many of them are late."""

    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    late: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def add(self, status: str, late: bool) -> None:
        self.by_status[status] += 1
        self.late += late

    def merge(self, other: Counts) -> None:
        for status, n in other.by_status.items():
            self.by_status[status] += n
        self.late += other.late


@dataclass
class Line:
    """One unit of the monitored subtree, in depth-first order."""

    unit: UnitIn
    level: int  # 1 for the group, 2 for the units right below it, ...
    depth: int  # 0 for the monitored node, 1 for its children, ...
    reports: bool  # must report this month
    status: str | None  # None when it does not report
    late: bool
    due_at: datetime | None
    subtree: Counts  # the unit and every unit below it that reports
    has_children: bool = False

    def name(self, language: str) -> str:
        return self.unit.name_zh if language == "zh" else self.unit.name_en


@dataclass(frozen=True)
class Board:
    """The monitor of one node and month: its lines, the counts of the whole subtree and per level."""

    period: int
    due_at: datetime  # the month's deadline
    now: datetime
    lines: list[Line]
    totals: Counts
    levels: dict[int, Counts]
    above: tuple[UnitIn, ...] = ()  # the units above the node that the viewer sees, top first

    @property
    def root(self) -> Line:
        return self.lines[0]

    def late_lines(self) -> list[Line]:
        return [line for line in self.lines if line.late]


def status_of(state: str | None) -> str:
    """The monitor's status of a workflow state (None: no submission yet)."""
    if state is None:
        return NOT_STARTED
    return state if state in STATUSES else DRAFT


def is_late(status: str, due_at: datetime, now: datetime) -> bool:
    return status in NOT_HANDED_IN and as_utc(now) > as_utc(due_at)


def board(
    period: int,
    root_id: int,
    units: Mapping[int, UnitIn],
    levels: Mapping[int, int],
    reporting: set[int],
    states: Mapping[int, StateIn],
    month_due: datetime,
    now: datetime,
) -> Board:
    """The monitor of ``root_id``'s subtree among ``units`` (the month's tree as the viewer sees
    it); ``levels`` are the units' levels in the whole tree, ``reporting`` the units that must
    report, ``states`` their submissions' states and deadlines."""
    children: dict[int, list[int]] = {}
    for unit in units.values():
        if unit.parent_id is not None and unit.parent_id in units:
            children.setdefault(unit.parent_id, []).append(unit.id)
    for kids in children.values():
        kids.sort(key=lambda u: units[u].code)
    lines: list[Line] = []
    for unit_id, depth in _depth_first(root_id, children):
        lines.append(_line(units[unit_id], levels.get(unit_id, depth + 1), depth, reporting, states, month_due, now))
        lines[-1].has_children = bool(children.get(unit_id))
    _roll_up(lines)
    totals, by_level = Counts(), dict[int, Counts]()
    for line in lines:
        if line.reports and line.status is not None:
            totals.add(line.status, line.late)
            by_level.setdefault(line.level, Counts()).add(line.status, line.late)
    return Board(period, month_due, now, lines, totals, dict(sorted(by_level.items())))


def _depth_first(root_id: int, children: Mapping[int, list[int]]) -> Iterable[tuple[int, int]]:
    stack = [(root_id, 0)]
    while stack:
        unit_id, depth = stack.pop()
        yield unit_id, depth
        stack.extend((kid, depth + 1) for kid in reversed(children.get(unit_id, [])))


def _line(
    unit: UnitIn,
    level: int,
    depth: int,
    reporting: set[int],
    states: Mapping[int, StateIn],
    month_due: datetime,
    now: datetime,
) -> Line:
    if unit.id not in reporting:
        return Line(unit, level, depth, False, None, False, None, Counts())
    found = states.get(unit.id)
    status = status_of(found.state if found else None)
    due = found.due_at if found and found.due_at else month_due
    late = is_late(status, due, now)
    own = Counts()
    own.add(status, late)
    return Line(unit, level, depth, True, status, late, None if status == ACCEPTED else due, own)


def _roll_up(lines: list[Line]) -> None:
    """Each line's subtree counts: lines are depth-first, so each line's parent is the nearest
    line before it one level up; adding every line into its parent from the bottom up adds each
    count once."""
    parent_of: list[int | None] = []
    path: list[int] = []  # indexes of the open ancestors of the current line
    for k, line in enumerate(lines):
        del path[line.depth :]
        parent_of.append(path[-1] if path else None)
        path.append(k)
    for k in range(len(lines) - 1, 0, -1):
        parent = parent_of[k]
        if parent is not None:
            lines[parent].subtree.merge(lines[k].subtree)
