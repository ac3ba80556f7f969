"""What the validation rules compare a unit's month with, read from the database.

For any number of unit-months at once, in a handful of queries whatever their count: the
indicators' definitions of each year (one), the tree of each month for the units that report
consolidated figures (one), and the facts (one, through the visibility rule), plus the
assignment resolution when required indicators are asked for. Figures not stored yet (an
import's earlier months, a unit's children in the same file) are laid over the stored ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, require, restrict
from pacer.indicators.assignment_service import assignment_matrix
from pacer.kit import periods
from pacer.models import Fact, Indicator, IndicatorVersion, MeasureUnit, Unit
from pacer.org.repository import tree_on
from pacer.submissions.rule_config import DEFAULT, RuleConfig
from pacer.submissions.rules import IndicatorDef, RuleContext

Key = tuple[int, int, int]  # unit id, indicator id, period
CONSOLIDATED_TAG = ("reports", "consolidated")


def definitions(session: Session, year: int) -> tuple[dict[str, IndicatorDef], dict[int, str]]:
    """Every indicator's definition in force in ``year`` by code, and the codes by id."""
    stmt = (
        select(Indicator, IndicatorVersion, MeasureUnit)
        .join(IndicatorVersion, IndicatorVersion.indicator_id == Indicator.id)
        .outerjoin(MeasureUnit, MeasureUnit.code == Indicator.unit)
        .where(
            IndicatorVersion.from_year <= year,
            or_(IndicatorVersion.to_year.is_(None), IndicatorVersion.to_year >= year),
        )
    )
    out: dict[str, IndicatorDef] = {}
    for ind, version, unit in session.execute(stmt).tuples():
        out[ind.code] = IndicatorDef(
            code=ind.code,
            name_zh=version.name_zh,
            name_en=version.name_en,
            kind=ind.kind,
            scale=ind.scale,
            reporting=ind.reporting,
            percent=bool(unit and unit.percent),
            additive=bool(unit is None or unit.additive),
            dimension=unit.dimension if unit else "",
            never_negative=ind.never_negative,
            direction=ind.direction,
            band_low=ind.band_low,
            band_high=ind.band_high,
            formula=version.formula,
            symbol_zh=unit.symbol_zh if unit else "",
            symbol_en=unit.symbol_en if unit else "",
        )
    ids = dict(session.execute(select(Indicator.id, Indicator.code)).tuples().all())
    return out, ids


def reports_consolidated(unit: Unit, config: RuleConfig) -> bool:
    key, value = CONSOLIDATED_TAG
    return unit.code in config.consolidation_units or str((unit.tags or {}).get(key, "")) == value


def _children(session: Session, wanted: Iterable[tuple[Unit, int]]) -> dict[tuple[int, int], list[int]]:
    """(unit id, period) -> the ids of the unit's children at the month's end."""
    out: dict[tuple[int, int], list[int]] = {}
    trees: dict[date, dict[int, int | None]] = {}
    for unit, period in wanted:
        end = periods.first_day(periods.add_months(period, 1))
        tree = trees.get(end)
        if tree is None:
            tree = trees[end] = tree_on(session, date.fromordinal(end.toordinal() - 1))
        out[(unit.id, period)] = [u for u, parent in tree.items() if parent == unit.id]
    return out


def _facts(session: Session, actor: Actor, unit_ids: set[int], first: int, last: int) -> dict[Key, int]:
    stmt = select(Fact.unit_id, Fact.indicator_id, Fact.period, Fact.value).where(
        Fact.unit_id.in_(sorted(unit_ids)), Fact.period.between(first, last)
    )
    return {(u, i, p): v for u, i, p, v in session.execute(restrict(stmt, actor, Fact.unit_id)).tuples()}


def contexts(
    session: Session,
    actor: Actor,
    wanted: Iterable[tuple[Unit, int]],
    config: RuleConfig = DEFAULT,
    pending: Mapping[Key, int] | None = None,
    with_required: bool = True,
) -> dict[tuple[int, int], RuleContext]:
    """The rules' context of each (unit, period) in ``wanted``, by (unit id, period); figures
    ``actor`` cannot see count as absent. ``pending`` figures (by unit id, indicator id,
    period) are taken before stored ones; ``with_required`` resolves who must report what."""
    wanted = list(wanted)
    if not wanted:
        return {}
    consolidated = [(u, p) for u, p in wanted if reports_consolidated(u, config)]
    children = _children(session, consolidated) if consolidated else {}
    ids = {u.id for u, _ in wanted} | {c for kids in children.values() for c in kids}
    first = (min(p for _, p in wanted) // 100 - 1) * 100 + 1
    figures = _facts(session, actor, ids, first, max(p for _, p in wanted))
    figures.update(pending or {})
    years = {year: definitions(session, year) for year in {p // 100 for _, p in wanted}}
    required: dict[int, dict[int, frozenset[int]]] = {}
    if with_required:
        for period in sorted({p for _, p in wanted}):
            required[period] = assignment_matrix(session, period, {u.id for u, p in wanted if p == period})
    by_unit: dict[int, dict[int, dict[int, int]]] = {}  # unit -> period -> indicator id -> value
    for (unit_id, ind_id, p), value in figures.items():
        by_unit.setdefault(unit_id, {}).setdefault(p, {})[ind_id] = value
    out = {}
    for unit, period in wanted:
        defs, code_of = years[period // 100]
        view = _View(by_unit.get(unit.id, {}), code_of, period)
        kids = children.get((unit.id, period))
        out[(unit.id, period)] = RuleContext(
            unit_code=unit.code,
            period=period,
            indicators=defs,
            required=frozenset(code_of[i] for i in required.get(period, {}).get(unit.id, frozenset())),
            ytd_before=view.ytd_before(defs),
            last_year=view.last_year(defs),
            last_december=view.last_december(defs),
            children_sum=None if kids is None else _sums(by_unit, code_of, kids, period),
            config=config,
        )
    return out


def build_context(session: Session, actor: Actor, unit: Unit, period: int, config: RuleConfig = DEFAULT) -> RuleContext:
    """The rules' context of one unit's month; ``actor`` must see the unit."""
    require(session, actor, READ, unit.id)
    return contexts(session, actor, [(unit, period)], config)[(unit.id, period)]


def _sums(
    by_unit: Mapping[int, Mapping[int, Mapping[int, int]]], code_of: Mapping[int, str], kids: list[int], period: int
) -> dict[str, int]:
    out: dict[str, int] = {}
    for kid in kids:
        for ind_id, value in by_unit.get(kid, {}).get(period, {}).items():
            code = code_of[ind_id]
            out[code] = out.get(code, 0) + value
    return out


class _View:
    """One unit's figures around one month, by indicator code."""

    def __init__(self, mine: Mapping[int, Mapping[int, int]], code_of: Mapping[int, str], period: int) -> None:
        self.year, self.month = periods.split(period)
        self.by_period = {p: {code_of[i]: v for i, v in row.items() if i in code_of} for p, row in mine.items()}

    def _flows(self, defs: Mapping[str, IndicatorDef], year: int, months: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for m in range(1, months + 1):
            for code, value in self.by_period.get(year * 100 + m, {}).items():
                if code in defs and defs[code].kind == "flow":
                    out[code] = out.get(code, 0) + value
        return out

    def ytd_before(self, defs: Mapping[str, IndicatorDef]) -> dict[str, int]:
        return self._flows(defs, self.year, self.month - 1)

    def last_year(self, defs: Mapping[str, IndicatorDef]) -> dict[str, int]:
        out = self._flows(defs, self.year - 1, self.month)
        same = self.by_period.get((self.year - 1) * 100 + self.month, {})
        out.update({c: v for c, v in same.items() if c in defs and defs[c].kind == "stock"})
        return out

    def last_december(self, defs: Mapping[str, IndicatorDef]) -> dict[str, int]:
        closing = self.by_period.get((self.year - 1) * 100 + 12, {})
        return {c: v for c, v in closing.items() if c in defs and defs[c].kind == "stock"}
