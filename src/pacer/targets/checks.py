"""The cascade check of a year: where the children's targets do not add up to their parent's, for
the indicators whose figures add up (flows, balances in money, persons or items). A warning with
the difference, never a correction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.errors import NotFound
from pacer.models import TARGET_TIERS, Indicator
from pacer.org.repository import roots_on, tree_on
from pacer.targets import calc, repository
from pacer.targets.reporting import subtree_indicators


@dataclass(frozen=True)
class Mismatch:
    unit_code: str
    indicator_code: str
    tier: str
    scale: int
    gap: calc.Gap


def _roots(session: Session, actor: Actor, unit_code: str | None) -> list[int]:
    if unit_code is not None:
        unit = repository.visible_unit(session, actor, unit_code)
        if unit is None:
            raise NotFound(f"no unit '{unit_code}'")
        return [unit.id]
    if actor.is_system:
        return [u.id for u in roots_on(session, date.today())]
    return actor.roots_for("read")


def check_year(session: Session, actor: Actor, year: int, unit_code: str | None = None) -> list[Mismatch]:
    """Every parent in view (of ``unit_code``'s subtree, else of everything the actor reads)
    whose children's targets of ``year`` do not add up to its own."""
    kids = repository.children_of(tree_on(session, date.today()))
    ids = sorted({u for root in _roots(session, actor, unit_code) for u in repository.descendants(kids, root)})
    units = repository.units_by_id(session, actor, ids)
    measures = repository.measure_units(session)
    indicators = [
        i
        for i in session.scalars(select(Indicator).order_by(Indicator.id))
        if calc.additive(i.kind, i.unit, measures[i.unit].additive if i.unit in measures else None)
    ]
    current = repository.current_targets(session, units, [i.id for i in indicators], year)
    reports = subtree_indicators(session, kids, units, year)  # None: no rules, all report all

    def reporting(unit_ids: list[int], code: str) -> list[int]:
        return [u for u in unit_ids if reports is None or code in reports.get(u, frozenset())]

    out: list[Mismatch] = []
    for unit_id in sorted(units, key=lambda u: units[u].code):
        below = kids.get(unit_id, [])
        if not below or any(k not in units for k in below):
            continue  # a leaf, or a child outside the actor's view: no sum to check
        for ind in indicators:
            concerned = reporting(below, ind.code)  # a child not asked for it owes no target
            if not concerned or not reporting([unit_id], ind.code):
                continue
            for tier in TARGET_TIERS:
                mine = current.get((unit_id, ind.id, tier))
                theirs = {units[k].code: _value(current.get((k, ind.id, tier))) for k in concerned}
                gap = calc.cascade_gap(None if mine is None else mine.value, theirs)
                if gap is not None:
                    out.append(Mismatch(units[unit_id].code, ind.code, tier, ind.scale, gap))
    return out


def _value(target: object) -> int | None:
    return getattr(target, "value", None)
