"""The supervision bulletin (督办通报) for a period below a node: completion and on-time rates by
unit and by department, the overdue list and the newly closed items (definitions in
:mod:`pacer.tasks.bulletin_calc`).

- **By unit**: a task's lead unit rolled up to the level right below the node (below the group:
  the second level); a task of the node itself stays with the node.
- **By department**: the task's supervising department (督办部门), a unit: an HQ functional
  department (a unit of kind ``department``) where the org has them, else the issuing unit; set
  when the task is assigned (named, or the issuer's own), shown by its name in either language.
  Tasks without one (assigned before it was recorded, outside a meeting) are counted as "not set";
  a department outside the viewer's units is not named: its tasks are counted together as "a
  department above".

Set-based (:mod:`pacer.tasks.bulletin_query`): the units the viewer sees (which name the units and
departments), the tree, one grouped query of the tallies, one of the overdue and one of the newly
closed tasks (their ids for the page and the API, then the first ones' details; every detail at
once for the exports), as plain columns, whatever the number of tasks.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.errors import NotFound, Problem, ValidationFailed
from pacer.models import Unit, User, WorkflowItem
from pacer.models.followup import Task
from pacer.org.repository import tree_on
from pacer.tasks import bulletin_calc as calc
from pacer.tasks import bulletin_query as query
from pacer.web.i18n import translate

MAX_DAYS = 3660
NOT_SET, ABOVE = "bulletin.no_department", "bulletin.department_above"  # departments not named
Department = Unit | str  # a unit, or why it is not named (NOT_SET, ABOVE)
LISTED = 200  # the page lists this many overdue and closed tasks; the exports list them all


class Item(NamedTuple):
    """A listed task: what the overdue and newly closed lists show (a tuple: exports list
    thousands)."""

    id: int
    title: str
    unit: Unit
    owner: str  # the owner's name (the username where no such user is kept)
    state: str
    original_deadline: date
    deadline: date
    closed_on: date | None
    late_days: int


@dataclass(frozen=True)
class Bulletin:
    period: calc.Period
    node: Unit
    figures: calc.Figures
    units: list[tuple[Unit, calc.Tally]]  # by unit, in code order
    departments: list[tuple[Department, calc.Tally]]  # by department in code order, then the unnamed
    overdue: list[Item]  # most days late first (the first ``listed`` of figures.overdue)
    closed: list[Item]  # latest closed first (the first ``listed`` of figures.closed)


def parse_period(start: str | None, end: str | None, today: date) -> calc.Period:
    """The period asked (default: this year up to today); a bad date or an end before the start
    is refused naming the field."""
    problems: list[Problem] = []

    def day(text: str | None, name: str, default: date) -> date:
        if not text:
            return default
        try:
            return date.fromisoformat(text)
        except ValueError:
            problems.append(Problem(f"{text[:20]!r} is not a date (YYYY-MM-DD)", field=name))
            return default

    first, last = day(start, "from", date(today.year, 1, 1)), day(end, "to", today)
    if not problems and last < first:
        problems.append(Problem(f"the period ends ({last}) before it starts ({first})", field="to"))
    elif not problems and (last - first).days > MAX_DAYS:
        problems.append(Problem(f"a period of at most {MAX_DAYS} days", field="to"))
    if problems:
        raise ValidationFailed(problems, "bulletin")
    return calc.Period(first, last, today)


def _node(
    session: Session, actor: Actor, code: str | None, tree: dict[int, int | None]
) -> tuple[Unit, set[int], dict[int, Unit]]:
    """The node (default: the highest unit the viewer sees), the ids of its subtree and the units
    the viewer sees by id."""
    seen = {u.id: u for u in session.scalars(restrict(select(Unit), actor, Unit.id, READ))}
    if code is not None:
        found = [u for u in seen.values() if u.code == code]
        if not found:
            raise NotFound("no such unit among those you may see")
        node = found[0]
    else:
        in_tree = [u for u in seen.values() if u.id in tree]
        if not in_tree:
            raise NotFound("none of the units you may see is in the tree")
        node = min(in_tree, key=lambda u: (_depth(tree, u.id), u.code))
    children: dict[int | None, list[int]] = {}
    for unit_id, parent in tree.items():
        children.setdefault(parent, []).append(unit_id)
    below, todo = {node.id}, [node.id]
    while todo:
        for child in children.get(todo.pop(), []):
            below.add(child)
            todo.append(child)
    return node, below & set(seen), seen


def _depth(tree: dict[int, int | None], unit_id: int) -> int:
    n, at = 0, tree.get(unit_id)
    while at is not None and n < 100:
        n, at = n + 1, tree.get(at)
    return n


def _rolled_up(tree: dict[int, int | None], node_id: int, unit_id: int) -> int:
    """The unit right below the node on the way up from ``unit_id`` (the node for its own)."""
    at = unit_id
    while at != node_id:
        parent = tree.get(at)
        if parent is None or parent == node_id:
            break
        at = parent
    return at


def bulletin(
    session: Session, actor: Actor, period: calc.Period, node_code: str | None = None, listed: int | None = None
) -> Bulletin:
    """The bulletin below the node; ``listed``: how many overdue and closed tasks to read in full
    (None: all of them, for the exports)."""
    tree = tree_on(session, period.today)
    node, below, seen = _node(session, actor, node_code, tree)
    unit_key: dict[int, Hashable] = {u: _rolled_up(tree, node.id, u) for u in below}
    scope = query.Scope(actor, sorted(below), period)
    figures = query.figures(session, scope, unit_key, Task.department_id)
    by_unit = sorted(((seen[k], v) for k, v in figures.by_unit.items() if isinstance(k, int)), key=_code)
    by_department = _departments(figures.by_department, seen)
    columns = _columns(period)
    if listed is None:  # every listed task in full: read with the lists
        late, closed = query.lists(session, scope, columns, partial(item, period.today, seen))
        figures.overdue, figures.closed = [i.id for i in late], [i.id for i in closed]
    else:  # every id (the API gives them), the first ``listed`` in full
        figures.overdue, figures.closed = query.lists(session, scope, (Task.id,), itemgetter(0))
        first = figures.overdue[:listed] + figures.closed[:listed]
        details = {i.id: i for i in map(partial(item, period.today, seen), _details(session, columns, first))}
        late, closed = [details[i] for i in figures.overdue[:listed]], [details[i] for i in figures.closed[:listed]]
    if period.as_of:  # a past day: the deadlines the tasks had then
        then = query.deadlines_then(session, [i.id for i in late + closed], period.today)
        late, closed = ([i._replace(deadline=then[i.id]) for i in items] for items in (late, closed))
    return Bulletin(period, node, figures, by_unit, by_department, late, closed)


def _code(pair: tuple[Unit, calc.Tally]) -> str:
    return pair[0].code


def _departments(tallies: dict[Hashable, calc.Tally], seen: dict[int, Unit]) -> list[tuple[Department, calc.Tally]]:
    """The departments the viewer sees by code, then those above them together, then "not set"."""
    named: list[tuple[Department, calc.Tally]] = []
    unnamed = {ABOVE: calc.Tally(), NOT_SET: calc.Tally()}
    for key, tally in tallies.items():
        if isinstance(key, int) and key in seen:
            named.append((seen[key], tally))
        else:
            query.add(unnamed[ABOVE if isinstance(key, int) else NOT_SET], tally)
    named.sort(key=lambda pair: pair[0].code if isinstance(pair[0], Unit) else "")
    return named + [(k, v) for k, v in unnamed.items() if not v.empty]


def department_name(department: Department, lang: str) -> str:
    """A department's name in the language shown; "not set", or "a department above" for one
    outside the viewer's units."""
    return department.name(lang) if isinstance(department, Unit) else translate(lang, department)


def department_code(department: Department) -> str:
    return department.code if isinstance(department, Unit) else ""


_owner_name = select(User.display_name).where(User.username == Task.owner).scalar_subquery()


def _columns(period: calc.Period) -> tuple[Any, ...]:
    """What a listed task shows, its state as the bulletin counts it."""
    return (
        Task.id,
        Task.title,
        Task.unit_id,
        func.coalesce(_owner_name, Task.owner),  # the owner by name, as a reader knows them
        query.state_of(period),
        Task.original_deadline,
        Task.deadline,
        Task.closed_on,
    )


def _details(session: Session, columns: tuple[Any, ...], ids: list[int]) -> list[Row[Any]]:
    """Listed tasks' details by id (already seen through the visibility rule)."""
    stmt = select(*columns).join(WorkflowItem, WorkflowItem.id == Task.workflow_item_id)
    return [
        row for i in range(0, len(ids), 5000) for row in session.execute(stmt.where(Task.id.in_(ids[i : i + 5000])))
    ]


def item(today: date, units: dict[int, Unit], row: Row[Any]) -> Item:
    """A listed task from a row of :func:`_columns`; its lead unit is among ``units``. Closed
    after the day the bulletin is drawn on, it was not closed then."""
    id_, title, unit_id, owner, state, original, deadline, closed = row
    closed = closed if closed is None or closed <= today else None
    return Item(
        id_,
        title,
        units[unit_id],
        owner,
        state,
        original,
        deadline,
        closed,
        max(((closed or today) - original).days, 0),
    )
