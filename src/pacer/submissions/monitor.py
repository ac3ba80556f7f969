"""HQ's reporting monitor: for a month and a node, every unit below it that must report, its
status (not started, draft, submitted, approved, accepted, returned), whether it is late, the
counts per status and level and each unit's subtree rolled up; and the one action on it, to
remind the late units' reporters.

A page of a thousand units costs a handful of queries (the tree, the submissions, the rules of
who reports what), never one per unit; the arithmetic is :mod:`pacer.submissions.monitor_calc`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import ACCEPT, Actor, require, visible_unit_ids
from pacer.errors import DomainError, NotFound
from pacer.indicators.assignment_service import assignment_matrix
from pacer.kit import periods
from pacer.models.base import utcnow
from pacer.notifications.service import Message, notify
from pacer.submissions import monitor_repository as repo
from pacer.submissions.monitor_calc import LATE, STATUSES, Board, Line, UnitIn, board
from pacer.submissions.service import due_at
from pacer.workflow.deadlines import as_utc
from pacer.workflow.repository import ancestors

FILTERS = (*STATUSES, LATE)


def last_day(period: int) -> date:
    year, month = periods.split(period)
    return date(year, month, calendar.monthrange(year, month)[1])


def monitor(
    session: Session, actor: Actor, period: int, node_code: str | None = None, now: datetime | None = None
) -> Board:
    """The monitor of ``node_code`` (default: the highest unit the actor sees) in ``period``,
    over the month's tree (on its last day) as far as the actor sees it; late as of ``now``."""
    on = last_day(period)
    units = repo.month_units(session, actor, on)
    if not units:
        raise NotFound(f"none of the units you may see is in the tree of {periods.format_period(period)}")
    tree = repo.whole_tree(session, on)
    levels = _levels(tree, units)
    if node_code is None:
        root = min(units.values(), key=lambda u: (levels[u.id], u.code)).id
    else:
        found = [u.id for u in units.values() if u.code == node_code]
        if not found:
            raise NotFound("no such unit among those you may see")  # the code typed is not echoed
        root = found[0]
    matrix = assignment_matrix(session, period)
    reporting = {u for u in units if matrix.get(u)}
    states = repo.states(session, actor, period)
    monitored = board(period, root, units, levels, reporting, states, due_at(period, None, session), now or utcnow())
    above: list[UnitIn] = []
    parent = units[root].parent_id
    while parent is not None and parent in units and len(above) < len(units):
        above.append(units[parent])
        parent = units[parent].parent_id
    return replace(monitored, above=tuple(reversed(above)))


def shown(monitored: Board, status: str | None = None) -> list[Line]:
    """The lines a filter keeps: a status, ``late``, or every line (None)."""
    if status is None or status == "":
        return monitored.lines
    if status not in FILTERS:
        raise DomainError(f"'{status}' is not a status; statuses: {', '.join(FILTERS)}", status=422)
    if status == LATE:
        return monitored.late_lines()
    return [line for line in monitored.lines if line.status == status]


def path_to(monitored: Board) -> list[tuple[str, str, str]]:
    """(code, name_zh, name_en) of the units above the monitored node that the viewer sees, top first."""
    return [(u.code, u.name_zh, u.name_en) for u in monitored.above]


def _levels(tree: dict[int, int | None], units: Iterable[int]) -> dict[int, int]:
    """Each unit's level in the whole tree (the group is level 1), each step up walked once."""
    levels: dict[int, int] = {}
    for unit_id in units:
        chain: list[int] = []
        at: int | None = unit_id
        while at is not None and at not in levels and len(chain) <= len(tree):
            chain.append(at)
            at = tree.get(at)
        base = levels[at] if at is not None and at in levels else 0
        for k, member in enumerate(reversed(chain), start=1):
            levels[member] = base + k
    return levels


# -- reminding the late units ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reminded:
    """What a reminder did: the late units reminded now, those already reminded that day (not
    again), those without a reporter to remind, and how many people were told."""

    reminded: list[str]
    already: list[str]
    unreachable: list[str]
    people: int


def remind_late(
    session: Session, actor: Actor, period: int, node_code: str | None = None, now: datetime | None = None
) -> Reminded:
    """Tell the reporters of every late unit below the node that its month is late, in the inbox
    and by e-mail where it is configured; HQ's roles only (``accept`` on the node). Once a day:
    a unit reminded today (UTC) is not reminded again, however often this is asked."""
    now = now or utcnow()
    monitored = monitor(session, actor, period, node_code, now)
    require(session, actor, ACCEPT, monitored.root.unit.id)
    month, day = periods.format_period(period), as_utc(now).date().isoformat()
    late = monitored.late_lines()
    already = repo.reminded_on(session, [f"{line.unit.code}/{month}" for line in late], day)
    tree = repo.whole_tree(session, last_day(period))
    # a unit without a reporter of its own is reminded through the nearest unit above it with some
    chains = {line.unit.id: ancestors(session, line.unit.id, tree) for line in late}
    granted = repo.reporters(session, {u for chain in chains.values() for u in chain})
    reminded, unreachable, people = [], [], 0
    for line in late:
        key = f"{line.unit.code}/{month}"
        if key in already:
            continue
        users = next((granted[u] for u in chains[line.unit.id] if granted.get(u)), set())
        if not users:
            unreachable.append(line.unit.code)
            continue
        people += notify(session, users, _message(line, month))
        after = {"day": day, "recipients": len(users), "due_at": line.due_at.isoformat() if line.due_at else None}
        record(session, actor.username, repo.REMIND_ACTION, repo.REMIND_ENTITY, key, None, after)
        reminded.append(line.unit.code)
    return Reminded(reminded, sorted(k.split("/")[0] for k in already), unreachable, people)


def _message(line: Line, month: str) -> Message:
    due = as_utc(line.due_at).date().isoformat() if line.due_at else ""
    unit = line.unit
    return Message(
        kind="reminder",
        title_zh=f"催报：{unit.name_zh}（{unit.code}）{month} 月报已逾期（应于 {due} 前报送）",
        title_en=f"Reminder: {unit.name_en} ({unit.code}), the monthly report for {month} is late (due {due})",
        body_zh="集团总部提醒：请尽快填报并提交本月报表。",
        body_en="Headquarters asks you to complete and submit this month's report as soon as possible.",
        link=f"/submissions/{unit.code}/{month}",
    )


def may_remind(session: Session, actor: Actor, monitored: Board) -> bool:
    """Whether ``actor`` may remind the late units of the monitored node (HQ's roles)."""
    allowed = visible_unit_ids(session, actor, ACCEPT)
    return allowed is None or monitored.root.unit.id in allowed


def month_of(text: str | None) -> int:
    """The month asked for (``YYYY-MM``), by default the last complete one (whose reports are due)."""
    if not text:
        return periods.last_complete_month()
    try:
        return periods.parse_period(text)
    except ValueError as exc:
        raise DomainError(f"period: {exc}", status=422) from None


@dataclass(frozen=True)
class Cut:
    """The lines a page shows of many: down to ``depth`` levels below the node (whole levels, so
    every unit shown has its parent above it), or the first ``len(lines)`` of a filtered list."""

    lines: list[Line]
    total: int
    depth: int | None  # None: not cut by depth


def at_most(lines: list[Line], most: int, filtered: bool) -> Cut:
    """Of ``lines``, what one page shows: all of them when they are ``most`` or fewer; else the
    deepest whole levels that fit (at least the node and its children), or for a filtered list
    its first ``most``."""
    if len(lines) <= most:
        return Cut(lines, len(lines), None)
    if filtered:
        return Cut(lines[:most], len(lines), None)
    depth = 1
    while sum(1 for line in lines if line.depth <= depth + 1) <= most:
        depth += 1
    return Cut([line for line in lines if line.depth <= depth], len(lines), depth)
