"""The targets of one year at one node: its units (the node, its children and the children of the
units opened) x indicators, each with last year's actual, the current ensure and strive tiers,
their phasing, and under a parent the check that its children add up to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, SET_TARGETS, Actor, visible_unit_ids
from pacer.errors import NotFound
from pacer.indicators.service import IndicatorRow, list_indicators, set_exists
from pacer.models import TARGET_TIERS, MeasureUnit, Target, Unit
from pacer.org.repository import tree_on
from pacer.targets import calc, repository
from pacer.targets.reporting import subtree_indicators

DEFAULT_SET = "key"  # its derived indicators join every reported one


@dataclass(frozen=True)
class Place:
    """A unit on the grid: how deep below the node, whether it has children and they are shown."""

    unit: Unit
    level: int
    children: tuple[int, ...]
    opened: bool
    editable: bool


@dataclass
class Line:
    place: Place
    indicator: IndicatorRow
    indicator_id: int
    months: repository.Months  # last year's, of the unit's subtree
    last_year: int | None
    additive: bool  # the children's targets are summed to check the parent's
    targets: dict[str, Target] = field(default_factory=dict)  # tier -> current target
    gaps: dict[str, calc.Gap] = field(default_factory=dict)  # tier -> children not adding up

    def profile(self) -> calc.Split:
        """Last year's seasonality (linear, with the reason, where it has none)."""
        return calc.last_year_phasing(self.months)


@dataclass
class Grid:
    year: int
    node: Unit
    set_code: str | None
    places: list[Place]
    indicators: list[IndicatorRow]
    lines: dict[tuple[int, str], Line]
    measures: dict[str, MeasureUnit]

    @property
    def editable(self) -> bool:
        return any(p.editable for p in self.places)

    def line(self, unit_id: int, code: str) -> Line:
        return self.lines[(unit_id, code)]

    def by_code(self) -> dict[str, Place]:
        return {p.unit.code: p for p in self.places}


def grid_indicators(session: Session, year: int, set_code: str | None) -> list[IndicatorRow]:
    """The indicators of ``set_code`` in force in ``year``; without one, the key set, every other
    reported (not derived) indicator after it, and any other derived indicator with targets that
    year (a group's own energy intensity, say), so that no target of record is left off."""
    if set_code:
        if not set_exists(session, set_code):
            raise NotFound(f"no indicator set '{set_code}'")
        return list_indicators(session, set_code, year)
    key = list_indicators(session, DEFAULT_SET, year)
    seen = {r.code for r in key}
    targeted = repository.indicators_with_targets(session, year)
    return key + [
        r
        for r in list_indicators(session, None, year)
        if r.code not in seen and (r.kind != "derived" or r.code in targeted)
    ]


def _places(
    session: Session, actor: Actor, node: Unit, opened: Iterable[str], kids: dict[int, list[int]]
) -> list[Place]:
    readable = visible_unit_ids(session, actor, READ)
    settable = visible_unit_ids(session, actor, SET_TARGETS)
    wanted = set(opened) | {node.code}
    ids = [node.id, *kids.get(node.id, [])]
    units = repository.units_by_id(session, actor, repository.descendants(kids, node.id))
    by_code = {u.code: u.id for u in units.values()}
    wanted_ids = {by_code[c] for c in wanted if c in by_code}
    out: list[Place] = []

    def visit(unit_id: int, level: int) -> None:
        unit = units.get(unit_id)
        if unit is None or (readable is not None and unit_id not in readable):
            return
        below = tuple(sorted(kids.get(unit_id, []), key=lambda k: units[k].code if k in units else ""))
        shown = unit_id in wanted_ids or level == 0
        out.append(Place(unit, level, below, shown, settable is None or unit_id in settable))
        if shown:
            for kid in below:
                visit(kid, level + 1)

    visit(ids[0], 0)
    return out


def build_grid(
    session: Session,
    actor: Actor,
    year: int,
    node_code: str,
    set_code: str | None = None,
    opened: Iterable[str] = (),
) -> Grid:
    """The grid of ``node_code`` (404 when the actor may not read it) for ``year``."""
    node = repository.visible_unit(session, actor, node_code)
    if node is None:
        raise NotFound(f"no unit '{node_code}'")
    kids = repository.children_of(tree_on(session, date.today()))
    places = _places(session, actor, node, opened, kids)
    reports = subtree_indicators(session, kids, [p.unit.id for p in places], year)
    indicators = grid_indicators(session, year, set_code)
    ids = repository.indicators_by_code(session, [r.code for r in indicators])
    indicators = [
        r for r in indicators if r.code in ids and (reports is None or any(r.code in c for c in reports.values()))
    ]
    unit_ids = [p.unit.id for p in places]
    months = repository.subtree_months(session, unit_ids, [i.id for i in ids.values()], year - 1)
    current = repository.current_targets(session, unit_ids, [i.id for i in ids.values()], year)
    measures = repository.measure_units(session)
    lines: dict[tuple[int, str], Line] = {}
    for place in places:
        for row in indicators:
            if reports is not None and row.code not in reports.get(place.unit.id, frozenset()):
                continue  # the unit's subtree does not report it: no target to set
            ind_id = ids[row.code].id
            m = months[(place.unit.id, ind_id)]
            last = None if row.kind == "derived" else repository.annual(row.kind, m)
            adds_up = calc.additive(row.kind, row.unit, measures[row.unit].additive if row.unit in measures else None)
            line = Line(place, row, ind_id, m, last, adds_up)
            line.targets = {t: current[k] for t in TARGET_TIERS if (k := (place.unit.id, ind_id, t)) in current}
            lines[(place.unit.id, row.code)] = line
    grid = Grid(year, node, set_code, places, indicators, lines, measures)
    _check_children(grid)
    return grid


def _check_children(grid: Grid) -> None:
    """Put each opened parent's gaps on its line: additive indicators whose children's targets do
    not add up to the parent's."""
    shown = {p.unit.id: p for p in grid.places}
    for place in grid.places:
        if not place.opened or not place.children:
            continue
        kids = [shown[k] for k in place.children if k in shown]
        if len(kids) != len(place.children):
            continue  # a child outside the actor's view: the sum cannot be checked here
        for row in grid.indicators:
            parent = grid.lines.get((place.unit.id, row.code))
            if parent is None or not parent.additive:
                continue
            reporting = [grid.lines[(k.unit.id, row.code)] for k in kids if (k.unit.id, row.code) in grid.lines]
            for tier in TARGET_TIERS:
                mine = parent.targets.get(tier)
                theirs = {k.place.unit.code: _value(k.targets.get(tier)) for k in reporting}
                gap = calc.cascade_gap(None if mine is None else mine.value, theirs)
                if gap is not None:
                    parent.gaps[tier] = gap


def _value(target: Target | None) -> int | None:
    return None if target is None else target.value


def spread_proposal(
    grid: Grid, unit_code: str, indicator: str, tier: str, method: str
) -> tuple[dict[str, int], str | None]:
    """The parent's current target of ``tier`` spread over its children (not stored: the page
    shows it in the children's cells to review and save): child code -> value, and a warning."""
    place = grid.by_code().get(unit_code)
    if place is None or not place.opened or not place.children or tier not in TARGET_TIERS:
        return {}, None
    line = grid.lines.get((place.unit.id, indicator))
    parent = None if line is None else line.targets.get(tier)
    shown = {p.unit.id for p in grid.places}
    if parent is None or any(k not in shown for k in place.children):
        return {}, None  # nothing to spread, or a child outside the actor's view
    kids = [grid.line(k, indicator) for k in place.children if (k, indicator) in grid.lines]
    if not kids:
        return {}, None
    split = calc.spread(parent.value, method, [k.last_year for k in kids])
    return {k.place.unit.code: v for k, v in zip(kids, split.shares, strict=True)}, split.warning
