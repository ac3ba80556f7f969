"""Every query of the targets pages and checks: the units of a node, current targets, and last
year's actual figures of each unit's subtree (the base of growth targets and of seasonal phasing).
Unit-scoped queries go through the visibility rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.kit import periods
from pacer.models import Fact, Indicator, IndicatorSet, MeasureUnit, Target, Unit
from pacer.org.repository import tree_on

Months = list[int | None]  # January to December; None: no unit of the subtree reported the month


def visible_unit(session: Session, actor: Actor, code: str, action: str = READ) -> Unit | None:
    """The unit ``code`` when ``actor`` may do ``action`` on it (None: unknown or not theirs)."""
    stmt = restrict(select(Unit).where(Unit.code == code), actor, Unit.id, action)
    return session.scalar(stmt)


def children_of(tree: dict[int, int | None]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for unit_id, parent_id in tree.items():
        if parent_id is not None:
            out[parent_id].append(unit_id)
    return out


def descendants(kids: dict[int, list[int]], root: int) -> list[int]:
    """``root`` and every unit below it."""
    out, stack = [], [root]
    while stack:
        unit_id = stack.pop()
        out.append(unit_id)
        stack.extend(kids.get(unit_id, ()))
    return out


def units_by_id(session: Session, actor: Actor, ids: Iterable[int]) -> dict[int, Unit]:
    stmt = restrict(select(Unit).where(Unit.id.in_(list(ids))), actor, Unit.id)
    return {u.id: u for u in session.scalars(stmt)}


def subtree_months(
    session: Session, unit_ids: list[int], indicator_ids: list[int], year: int
) -> dict[tuple[int, int], Months]:
    """(unit, indicator) -> each month's sum over the unit's subtree as the tree stood at the end
    of ``year`` (eliminations aside), for flows and balances alike."""
    kids = children_of(tree_on(session, date(year, 12, 31)))
    members = {u: descendants(kids, u) for u in unit_ids}
    every = sorted({m for ms in members.values() for m in ms})
    sums: dict[tuple[int, int, int], int] = {}
    for chunk in range(0, len(every), 900):  # bounded parameter lists (SQLite's limit)
        stmt = (
            select(Fact.unit_id, Fact.indicator_id, Fact.period, func.sum(Fact.value))
            .where(Fact.unit_id.in_(every[chunk : chunk + 900]), Fact.indicator_id.in_(indicator_ids))
            .where(Fact.period.in_(periods.periods_between(year * 100 + 1, year * 100 + 12)))
            .group_by(Fact.unit_id, Fact.indicator_id, Fact.period)
        )
        for unit_id, ind_id, period, value in session.execute(stmt):
            sums[(unit_id, ind_id, period % 100)] = int(value)
    out: dict[tuple[int, int], Months] = {}
    for unit_id, ms in members.items():
        for ind_id in indicator_ids:
            months: Months = [None] * 12
            for m in ms:
                for month in range(1, 13):
                    value = sums.get((m, ind_id, month))
                    if value is not None:
                        months[month - 1] = (months[month - 1] or 0) + value
            out[(unit_id, ind_id)] = months
    return out


def annual(kind: str, months: Months) -> int | None:
    """A year's actual from its months: a flow's sum, a balance's December figure."""
    if kind == "flow":
        given = [m for m in months if m is not None]
        return sum(given) if given else None
    return months[11]


def current_targets(
    session: Session, unit_ids: Iterable[int], indicator_ids: Iterable[int], year: int
) -> dict[tuple[int, int, str], Target]:
    """(unit, indicator, tier) -> the current target of ``year``."""
    ids = list(unit_ids)
    out: dict[tuple[int, int, str], Target] = {}
    for chunk in range(0, len(ids), 900):
        stmt = select(Target).where(
            Target.is_current.is_(True),
            Target.year == year,
            Target.unit_id.in_(ids[chunk : chunk + 900]),
            Target.indicator_id.in_(list(indicator_ids)),
        )
        out.update({(t.unit_id, t.indicator_id, t.tier): t for t in session.scalars(stmt)})
    return out


def indicators_by_code(session: Session, codes: Iterable[str]) -> dict[str, Indicator]:
    return {i.code: i for i in session.scalars(select(Indicator).where(Indicator.code.in_(list(codes))))}


def measure_units(session: Session) -> dict[str, MeasureUnit]:
    return {u.code: u for u in session.scalars(select(MeasureUnit))}


def indicator_sets(session: Session) -> list[IndicatorSet]:
    return list(session.scalars(select(IndicatorSet).order_by(IndicatorSet.code)))


def indicators_with_targets(session: Session, year: int) -> set[str]:
    """Codes of the indicators with a current target anywhere in ``year`` (which rows a grid
    offers; the targets themselves are read through the visibility rule)."""
    stmt = (
        select(Indicator.code)
        .join(Target, Target.indicator_id == Indicator.id)
        .where(Target.year == year, Target.is_current.is_(True))
        .distinct()
    )
    return set(session.scalars(stmt))
