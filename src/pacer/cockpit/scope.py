"""The cockpit's scope: one node the viewer may see, at one month, in one language.

A scope knows what decides its answers (the key they are cached under: the node, month, language,
the group's time-progress basis and money scale, and the units ever below the node that the viewer
does not see), the indicators shown, the node's children and the months to choose from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy.orm import Session

from pacer.analysis import Analysis, Engine, TimeBasis, UnitOfMeasure, default_period
from pacer.auth.permissions import Actor, visible_unit_ids
from pacer.cockpit import format as fmt
from pacer.cockpit import repository, schemas
from pacer.cockpit.cache import cached
from pacer.errors import NotFound
from pacer.group_settings.service import current as group_settings
from pacer.indicators.service import IndicatorRow, list_indicators
from pacer.kit import periods

KEY_SET = "key"


@dataclass(frozen=True, eq=False)
class Scope:
    """One visible node at one month, in one language."""

    db: Session
    actor: Actor
    analysis: Analysis
    node: int
    year: int
    month: int
    lang: str
    visible: frozenset[int] | None  # node indices; None: everything
    time_basis: TimeBasis = "linear"  # the group's settings (``group_settings``)
    money_scale: str = "yi"  # yi: money up to 亿元 as the figures reach it; wan: at most 万元

    @property
    def engine(self) -> Engine:
        return self.analysis.engine

    @property
    def period(self) -> int:
        return self.year * 100 + self.month

    def unit(self, node: int) -> schemas.UnitRef:
        row = self.analysis.data.unit_rows[node]
        return schemas.UnitRef(code=row.code, name=row.name_zh if self.lang == "zh" else row.name_en)

    def sees(self, node: int) -> bool:
        return self.visible is None or node in self.visible

    @cached_property
    def hidden(self) -> tuple[int, ...]:
        """The units ever below the node, in any month's tree, that the viewer does not see (units
        that have since moved out of the viewer's subtrees, or were dissolved); in node order."""
        visible = self.visible
        if visible is None:
            return ()
        return cached(
            self.analysis,
            ("hidden", self.node, visible),
            lambda: tuple(n for n in ever_below(self.analysis, self.node) if n not in visible),
        )

    def key(self, *parts: object) -> tuple[object, ...]:
        """A cache key for an answer about this node, month and language as this viewer may see it:
        every unit such an answer can name is ever below the node, so the hidden ones are part of it."""
        return (self.node, self.year, self.month, self.lang, self.time_basis, self.money_scale, self.hidden, *parts)

    @cached_property
    def indicators(self) -> dict[str, IndicatorRow]:
        # indicator definitions change only with an audited change, hence a new engine version
        return cached(
            self.analysis,
            ("indicators", self.year),
            lambda: {r.code: r for r in list_indicators(self.db, None, self.year)},
        )

    @cached_property
    def key_codes(self) -> list[str]:
        known = set(self.engine.catalog.codes)
        return cached(
            self.analysis,
            ("key_codes", self.year),
            lambda: [r.code for r in list_indicators(self.db, KEY_SET, self.year) if r.code in known],
        )

    @property
    def measures(self) -> dict[str, UnitOfMeasure]:
        """The units of measure of the indicators, by code, as the engine reads them."""
        return {d.unit.code: d.unit for d in self.engine.catalog.defs}

    def measure(self, code: str) -> UnitOfMeasure:
        """The indicator's unit of measure."""
        return self.engine.catalog.defs[self.engine.catalog.index[code]].unit

    def additive(self, code: str) -> bool:
        """Whether the indicator's figures add up over units (children and own line to the total)."""
        return bool(self.engine.catalog.is_additive[self.engine.catalog.index[code]])

    def indicator(self, code: str, magnitude: float | None) -> schemas.IndicatorRef:
        row = self.indicators.get(code)
        if row is None or code not in self.engine.catalog.index:
            raise NotFound(f"no indicator '{code}'")
        unit = self.measure(code)
        return schemas.IndicatorRef(
            code=code,
            name=row.name_zh if self.lang == "zh" else row.name_en,
            unit=unit.code,
            kind=row.kind,
            direction=row.direction,
            display=fmt.display_for(unit, magnitude, self.lang, self.scale_of(code), self.money_scale),
            measure=fmt.measure_out(unit),
        )

    def scale_of(self, code: str) -> int:
        return int(self.engine.catalog.scale[self.engine.catalog.index[code]])

    @cached_property
    def children(self) -> list[int]:
        return [k for k in self.engine.children(self.node, self.year, self.month) if self.sees(k)]

    def breadcrumbs(self) -> list[schemas.UnitRef]:
        path = self.engine.tree(self.year, self.month).path_to_root(self.node)
        return [self.unit(n) for n in reversed(path) if n != self.node and self.sees(n)]

    def period_choices(self) -> list[str]:
        last = self.analysis.data.last_period
        first = self.analysis.data.first_year * 100 + 1
        return [periods.format_period(p) for p in reversed(periods.periods_between(first, last))]


def open_scope(
    db: Session, actor: Actor, analysis: Analysis, unit_code: str | None, period: str | None, lang: str
) -> Scope:
    visible = visible_nodes(db, actor, analysis)
    node = _node(db, actor, analysis, unit_code, visible)
    year, month = _period(analysis, period)
    basis, money = shown_as(db)
    return Scope(db, actor, analysis, node, year, month, lang, visible, basis, money)


def shown_as(db: Session) -> tuple[TimeBasis, str]:
    """The group's time-progress basis and money scale, as its settings say today."""
    group = group_settings(db)
    return ("seasonal" if group.time_basis == "seasonal" else "linear"), group.money_scale


def visible_nodes(db: Session, actor: Actor, analysis: Analysis) -> frozenset[int] | None:
    """The engine nodes of the units the actor may read (None: everything).

    The actor's grants are read from the database on every request; the subtrees they open
    depend only on the org tree (which changes only with a new engine version) and on today's
    date, so their expansion is kept per granted roots and day.
    """
    if actor.is_system:
        return None

    def expand() -> frozenset[int] | None:
        ids = visible_unit_ids(db, actor)
        return None if ids is None else frozenset(n for i in ids if (n := analysis.node(i)) is not None)

    return cached(analysis, ("visible", tuple(actor.roots_for("read")), date.today()), expand)


def ever_below(analysis: Analysis, node: int) -> tuple[int, ...]:
    """Every unit below ``node`` in the tree of any month, in node order."""

    def make() -> tuple[int, ...]:
        trees = analysis.engine.cube().timeline.trees
        below = set().union(*(tree.descendants(node).tolist() for tree in trees if tree.active[node]))
        below.discard(node)
        return tuple(sorted(below))

    return cached(analysis, ("ever_below", node), make)


def _node(db: Session, actor: Actor, analysis: Analysis, code: str | None, visible: frozenset[int] | None) -> int:
    if code is None:
        roots = top_roots(db, actor, analysis)
        if not roots:
            raise NotFound("no unit has been granted to you yet; ask an administrator")
        return roots[0]
    node = analysis.data.unit_index().get(code)
    if node is None or (visible is not None and node not in visible):
        raise NotFound(f"no unit '{code}'")  # same words whether it exists or not
    return node


def top_roots(db: Session, actor: Actor, analysis: Analysis) -> list[int]:
    """The viewer's granted units that are not inside another granted subtree, in tree order."""
    granted = [n for u in repository.visible_roots(db, actor) if (n := analysis.node(u.id)) is not None]
    if actor.is_system:
        granted = [0]
    tree = analysis.engine.cube().timeline.latest
    top = [n for n in granted if not any(a in granted for a in tree.path_to_root(n) if a != n)]
    return sorted(top)


def _period(analysis: Analysis, text: str | None) -> tuple[int, int]:
    last = analysis.data.last_period
    if text is None:
        return divmod(default_period(analysis), 100)
    try:
        period = periods.parse_period(text)
    except Exception:
        raise NotFound(f"no figures for '{text}'") from None
    if not analysis.data.first_year * 100 + 1 <= period <= last:
        raise NotFound(f"no figures for {periods.format_period(period)}")
    return divmod(period, 100)
