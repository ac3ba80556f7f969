"""What a restructuring does to the figures, before it is saved, asked of the analysis engine.

The change is applied inside a savepoint, the would-be parentage read back and the savepoint
rolled back; an engine over the same figures is built on that tree (``restructured``), and
the consolidated figures of every unit whose tree position or subtree changes are compared with
the served engine's, for one month, as the tree was and restated (同口径)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, Engine, Tree, default_period, restructured
from pacer.auth.permissions import Actor, visible_unit_ids
from pacer.kit.numbers import format_scaled
from pacer.models import Indicator, IndicatorVersion, UnitParentage
from pacer.org import restructure
from pacer.org.restructure import Restructuring

BASES = ("as_was", "restated")


@dataclass(frozen=True)
class Line:
    """One unit's consolidated figure of one indicator that the change moves."""

    basis: str  # as_was or restated
    unit_code: str
    unit_name_zh: str
    unit_name_en: str
    indicator_code: str
    indicator_name_zh: str
    indicator_name_en: str
    scale: int
    before: int | None  # scaled; None: no figure
    after: int | None

    @property
    def change(self) -> int:
        return (self.after or 0) - (self.before or 0)

    def shown(self, scaled: int | None) -> str:
        return "—" if scaled is None else format_scaled(scaled, self.scale)


@dataclass(frozen=True)
class Preview:
    period: int  # YYYYMM; 0 when the engine holds no figures
    lines: tuple[Line, ...]


def preview(session: Session, actor: Actor, change: Restructuring, analysis: Analysis, period: int = 0) -> Preview:
    """The figures ``change`` would move in ``period`` (default: the latest complete month);
    refused exactly as saving it would be, and nothing is stored."""
    savepoint = session.begin_nested()
    try:
        restructure.apply(session, actor, change)
        rows = session.execute(
            select(UnitParentage.unit_id, UnitParentage.parent_id, UnitParentage.valid_from, UnitParentage.valid_to)
        ).all()
    finally:
        savepoint.rollback()
    if analysis.engine.n_months == 0 or not len(analysis.data.units):
        return Preview(0, ())
    period = period or default_period(analysis)
    return compare(session, actor, analysis, analysis.engine, restructured(analysis, rows), period)


def compare(session: Session, actor: Actor, analysis: Analysis, before: Engine, after: Engine, period: int) -> Preview:
    """Every consolidated month value that differs between the two engines in ``period``, for
    the units whose place or subtree differs, on both bases; only units the actor sees."""
    year, month = divmod(period, 100)
    names = _indicator_names(session)
    seen = visible_unit_ids(session, actor)
    lines: list[Line] = []
    for basis in BASES:
        restate = basis == "restated"
        nodes = _touched(before.tree(year, month, restate), after.tree(year, month, restate))
        nodes = [n for n in nodes if seen is None or analysis.unit_id(n) in seen]
        if not nodes:
            continue
        was = before.measures(nodes, year, month, restate=restate)
        will = after.measures(nodes, year, month, restate=restate)
        catalog = before.catalog
        for k, node in enumerate(nodes):
            for j, column in enumerate(was.columns.tolist()):
                b = int(was.value.scaled[k, j]) if was.value.present[k, j] else None
                a = int(will.value.scaled[k, j]) if will.value.present[k, j] else None
                if a == b or catalog.is_derived[column]:
                    continue
                code = catalog.codes[column]
                row = analysis.data.unit_rows[node]
                zh, en = names.get(code, (code, code))
                lines.append(Line(basis, row.code, row.name_zh, row.name_en, code, zh, en,
                                  int(catalog.scale[column]), b, a))  # fmt: skip
    return Preview(period, tuple(lines))


def _indicator_names(session: Session) -> dict[str, tuple[str, str]]:
    """Each indicator's latest names (zh, en), by code."""
    stmt = (
        select(Indicator.code, IndicatorVersion.name_zh, IndicatorVersion.name_en)
        .join(IndicatorVersion, IndicatorVersion.indicator_id == Indicator.id)
        .order_by(IndicatorVersion.from_year)
    )
    return {code: (zh, en) for code, zh, en in session.execute(stmt)}


def _touched(was: Tree, will: Tree) -> list[int]:
    """Units whose parent or presence differs between two trees, and their ancestors in both."""
    moved = np.flatnonzero((was.parent != will.parent) | (was.active != will.active))
    found: set[int] = set()
    for node in moved.tolist():
        found.update(was.path_to_root(node))
        found.update(will.path_to_root(node))
    return sorted(found, key=lambda n: (int(max(was.depth[n], will.depth[n])), n))
