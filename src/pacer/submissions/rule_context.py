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
from functools import partial
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis
from pacer.auth.permissions import READ, Actor, require, restrict
from pacer.indicators.assignment_service import assignment_matrix
from pacer.indicators.memo import Memo, current
from pacer.kit import periods
from pacer.models import Fact, Indicator, IndicatorVersion, MeasureUnit, Unit
from pacer.org.repository import tree_on
from pacer.submissions.rule_config import DEFAULT, RuleConfig
from pacer.submissions.rule_figures import Around, EngineFigures, engine_figures, laid_keys, lay_over
from pacer.submissions.rules import IndicatorDef, RuleContext

Key = tuple[int, int, int]  # unit id, indicator id, period
CONSOLIDATED_TAG = ("reports", "consolidated")
# the parts of :class:`Around` each kind's grouped read fills, in its columns' order
FLOW_SUMS, STOCK_BALANCES = ("ytd_before", "ly_months"), ("ly_same", "ly_december")


def definitions(
    session: Session, year: int, memo: Memo | None = None
) -> tuple[dict[str, IndicatorDef], dict[int, str]]:
    """Every indicator's definition in force in ``year`` by code, and the codes by id: read once
    while the library stays as it is (shared: not to be changed by the caller)."""
    return (memo or current(session)).get(("definitions", year), lambda: _definitions(session, year))


def _definitions(session: Session, year: int) -> tuple[dict[str, IndicatorDef], dict[int, str]]:
    ind, version, unit = Indicator, IndicatorVersion, MeasureUnit
    columns: list[Any] = [ind.code, ind.kind, ind.scale, ind.reporting, ind.never_negative, ind.direction]
    columns += [ind.band_low, ind.band_high, version.name_zh, version.name_en, version.formula]
    columns += [unit.code.label("measure"), unit.percent, unit.additive, unit.dimension, unit.symbol_zh, unit.symbol_en]
    stmt = (
        select(*columns)
        .join(version, version.indicator_id == ind.id)
        .outerjoin(unit, unit.code == ind.unit)
        .where(version.from_year <= year, or_(version.to_year.is_(None), version.to_year >= year))
    )
    out: dict[str, IndicatorDef] = {}
    for r in session.execute(stmt):
        out[r.code] = IndicatorDef(
            code=r.code,
            name_zh=r.name_zh,
            name_en=r.name_en,
            kind=r.kind,
            scale=r.scale,
            reporting=r.reporting,
            percent=bool(r.measure and r.percent),
            additive=bool(r.measure is None or r.additive),
            dimension=r.dimension or "",
            never_negative=r.never_negative,
            direction=r.direction,
            band_low=r.band_low,
            band_high=r.band_high,
            formula=r.formula,
            symbol_zh=r.symbol_zh or "",
            symbol_en=r.symbol_en or "",
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


def _around(
    session: Session,
    actor: Actor,
    unit_ids: set[int],
    period: int,
    pending: Mapping[Key, int],
    kinds: Mapping[str, list[int]],
) -> dict[int, Around]:
    """Unit id -> its figures around ``period`` (through the visibility rule), summed by the
    database, with ``pending`` laid over them: a thousand units' 22 months are 300,000 rows
    read, not 6.6 million. ``kinds``: the indicator ids by kind. A flow's sums read its 21 months
    before ``period`` (this year's and last year's up to the same month), a stock's balances its
    two months of last year (the same month and December): what the rules compare each with, and
    about half the rows the database would group if every indicator's 22 months were read."""
    year, month = periods.split(period)
    first, last = (year - 1) * 100 + 1, max(periods.add_months(period, -1), (year - 1) * 100 + 12)
    same, december = (year - 1) * 100 + month, (year - 1) * 100 + 12
    flows = (
        func.sum(case((Fact.period.between(year * 100 + 1, last), Fact.value))),
        func.sum(case((Fact.period.between(first, same), Fact.value))),
    )
    stocks = (func.max(case((Fact.period == same, Fact.value))), func.max(case((Fact.period == december, Fact.value))))
    wanted = (
        (kinds.get("flow", []), flows, Fact.period.between(first, last) & (Fact.period < period), FLOW_SUMS),
        (kinds.get("stock", []), stocks, Fact.period.in_(sorted({same, december})), STOCK_BALANCES),
    )
    out = {u: Around() for u in unit_ids}
    ordered = sorted(unit_ids)
    for indicator_ids, columns, months, into in wanted:
        for start in range(0, len(ordered) if indicator_ids else 0, 500):
            stmt = (
                select(Fact.unit_id, Fact.indicator_id, *columns)
                .where(Fact.unit_id.in_(ordered[start : start + 500]), Fact.indicator_id.in_(indicator_ids), months)
                .group_by(Fact.unit_id, Fact.indicator_id)
            )
            for unit_id, ind_id, *values in session.execute(restrict(stmt, actor, Fact.unit_id)).tuples():
                for name, value in zip(into, values, strict=True):
                    if value is not None:
                        getattr(out[unit_id], name)[ind_id] = int(value)
    laid = laid_keys(pending, unit_ids, period)
    lay_over(out, period, pending, _stored(session, actor, laid), laid)
    return out


def _stored(session: Session, actor: Actor, keys: Iterable[Key]) -> dict[Key, int]:
    """The stored figures (through the visibility rule) at ``keys``."""
    keys = set(keys)
    if not keys:
        return {}
    # the unit, month and indicator all named: the primary key (unit, period, indicator) finds each figure
    stmt = select(Fact.unit_id, Fact.indicator_id, Fact.period, Fact.value).where(
        Fact.unit_id.in_(sorted({k[0] for k in keys})),
        Fact.indicator_id.in_(sorted({k[1] for k in keys})),
        Fact.period.in_(sorted({k[2] for k in keys})),
    )
    rows = session.execute(restrict(stmt, actor, Fact.unit_id)).tuples()
    return {(u, i, p): v for u, i, p, v in rows if (u, i, p) in keys}


def _month(
    session: Session,
    actor: Actor,
    unit_ids: set[int],
    period: int,
    pending: Mapping[Key, int],
    figures: EngineFigures | None = None,
) -> dict[int, dict[int, int]]:
    """Unit id -> indicator id -> its figure of ``period`` (stored, visible, ``pending`` over it)."""
    out: dict[int, dict[int, int]] = {u: {} for u in unit_ids}
    if figures is not None:
        out = figures.month(unit_ids, period)
    elif unit_ids:
        stmt = select(Fact.unit_id, Fact.indicator_id, Fact.value).where(
            Fact.unit_id.in_(sorted(unit_ids)), Fact.period == period
        )
        for unit_id, ind_id, value in session.execute(restrict(stmt, actor, Fact.unit_id)).tuples():
            out[unit_id][ind_id] = value
    for (unit_id, ind_id, at), value in pending.items():
        if at == period and unit_id in out:
            out[unit_id][ind_id] = value
    return out


def contexts(
    session: Session,
    actor: Actor,
    wanted: Iterable[tuple[Unit, int]],
    config: RuleConfig = DEFAULT,
    pending: Mapping[Key, int] | None = None,
    with_required: bool = True,
    memo: Memo | None = None,
    analysis: Analysis | None = None,
) -> dict[tuple[int, int], RuleContext]:
    """The rules' context of each (unit, period) in ``wanted``, by (unit id, period); figures
    ``actor`` cannot see count as absent. ``pending`` figures (by unit id, indicator id,
    period) are taken before stored ones; ``with_required`` resolves who must report what.
    The stored figures are read from ``analysis`` (the served engine) when it holds what the
    database holds (:mod:`pacer.submissions.rule_figures`), else from the database."""
    wanted = list(wanted)
    if not wanted:
        return {}
    pending = pending or {}
    memo = memo or current(session)
    consolidated = [(u, p) for u, p in wanted if reports_consolidated(u, config)]
    children = _children(session, consolidated) if consolidated else {}
    years = {year: definitions(session, year, memo) for year in {p // 100 for _, p in wanted}}
    required: dict[int, dict[int, frozenset[int]]] = {}
    if with_required:
        for period in sorted({p for _, p in wanted}):
            required[period] = assignment_matrix(session, period, {u.id for u, p in wanted if p == period}, memo)
    around: dict[int, dict[int, Around]] = {}
    months: dict[int, dict[int, dict[int, int]]] = {}
    figures = engine_figures(session, actor, analysis, _ids_of(years)) if analysis is not None else None
    for period in {p for _, p in wanted}:
        defs, code_of = years[period // 100]
        units = {u.id for u, p in wanted if p == period}
        if figures is not None:
            around[period] = figures.around(units, period, pending)
        else:
            kinds = memo.get(("kinds", period // 100), partial(_by_kind, defs, code_of))  # kept as the definitions are
            around[period] = _around(session, actor, units, period, pending, kinds)
        below = {k for (_, p), ids in children.items() if p == period for k in ids}
        months[period] = _month(session, actor, below, period, pending, figures)
    out = {}
    for unit, period in wanted:
        defs, code_of = years[period // 100]
        mine = around[period][unit.id]
        kids = children.get((unit.id, period))
        out[(unit.id, period)] = RuleContext(
            unit_code=unit.code,
            period=period,
            indicators=defs,
            required=frozenset(code_of[i] for i in required.get(period, {}).get(unit.id, frozenset())),
            ytd_before=_codes(mine.ytd_before, code_of, defs, "flow"),
            last_year={**_codes(mine.ly_months, code_of, defs, "flow"), **_codes(mine.ly_same, code_of, defs, "stock")},
            last_december=_codes(mine.ly_december, code_of, defs, "stock"),
            children_sum=None if kids is None else _sums(months[period], code_of, kids),
            config=config,
        )
    return out


def _by_kind(defs: Mapping[str, IndicatorDef], code_of: Mapping[int, str]) -> dict[str, list[int]]:
    """The indicator ids of each kind, in order."""
    out: dict[str, list[int]] = {}
    for ind_id in sorted(code_of):
        definition = defs.get(code_of[ind_id])
        if definition is not None:
            out.setdefault(definition.kind, []).append(ind_id)
    return out


def _ids_of(years: Mapping[int, tuple[dict[str, IndicatorDef], dict[int, str]]]) -> dict[str, int]:
    """Indicator code -> id (every year's definitions name every indicator)."""
    return {code: ind_id for _, code_of in years.values() for ind_id, code in code_of.items()}


def build_context(
    session: Session,
    actor: Actor,
    unit: Unit,
    period: int,
    config: RuleConfig = DEFAULT,
    pending: Mapping[Key, int] | None = None,
) -> RuleContext:
    """The rules' context of one unit's month (``pending`` figures before stored ones); ``actor``
    must see the unit."""
    require(session, actor, READ, unit.id)
    return contexts(session, actor, [(unit, period)], config, pending)[(unit.id, period)]


def _codes(
    values: Mapping[int, int], code_of: Mapping[int, str], defs: Mapping[str, IndicatorDef], kind: str
) -> dict[str, int]:
    """``values`` by indicator code, those of indicators of ``kind`` in force."""
    out = {}
    for ind_id, value in values.items():
        code = code_of.get(ind_id)
        if code is not None and code in defs and defs[code].kind == kind:
            out[code] = value
    return out


def _sums(month: Mapping[int, Mapping[int, int]], code_of: Mapping[int, str], kids: list[int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for kid in kids:
        for ind_id, value in month.get(kid, {}).items():
            code = code_of[ind_id]
            out[code] = out.get(code, 0) + value
    return out
