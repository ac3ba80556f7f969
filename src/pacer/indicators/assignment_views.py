"""The assignment page's and API's answers, built once for both faces."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import SET_TARGETS, Actor, visible_unit_ids
from pacer.indicators import assignment_service as service
from pacer.indicators.assignment_repository import set_codes
from pacer.indicators.assignment_schemas import IndicatorOut, RuleOut, RulesOut, UnitAssignmentOut
from pacer.indicators.service import list_indicators
from pacer.kit import periods
from pacer.models import IndicatorCategory


def rule_out(row: service.RuleRow) -> RuleOut:
    return RuleOut(
        id=row.id,
        effect=row.effect,
        target=row.target,
        target_is_set=row.target_is_set,
        selector=row.selector,
        selects=row.selects,
        from_period=periods.format_period(row.from_period),
        to_period=periods.format_period(row.to_period) if row.to_period else None,
        reason=row.reason,
        created_by=row.created_by,
        closed_reason=row.closed_reason,
        closed_by=row.closed_by,
    )


def may_assign(session: Session, actor: Actor) -> bool:
    """Whether ``actor`` may add or close any rule (``set_targets`` somewhere)."""
    allowed = visible_unit_ids(session, actor, SET_TARGETS)
    return allowed is None or bool(allowed)


def rules_view(session: Session, actor: Actor, period: int) -> RulesOut:
    return RulesOut(
        period=periods.format_period(period),
        in_force=[rule_out(r) for r in service.list_rules(session, actor, period)],
        history=[rule_out(r) for r in service.assignment_history(session, actor)],
        may_assign=may_assign(session, actor),
    )


def unit_view(session: Session, actor: Actor, unit_code: str, period: int, lang: str) -> UnitAssignmentOut:
    """What ``unit_code`` reports in ``period``, ordered by category, with the rules reaching it."""
    unit = service.unit_for(session, actor, unit_code)
    codes = service.available_indicators(session, unit, period)
    rows = {r.code: r for r in list_indicators(session, None, period // 100)}
    categories = {
        c.code: (c.position, c.name_zh if lang == "zh" else c.name_en)
        for c in session.scalars(select(IndicatorCategory))
    }
    order = {code: k for k, code in enumerate(rows)}
    indicators = [
        IndicatorOut(
            code=code,
            name=rows[code].name_zh if lang == "zh" else rows[code].name_en,
            category=rows[code].category,
            category_name=categories.get(rows[code].category, (0, rows[code].category))[1],
            derived=rows[code].kind == "derived",
        )
        for code in codes
        if code in rows
    ]
    indicators.sort(key=lambda i: (categories.get(i.category, (0, ""))[0], i.derived, order[i.code]))
    return UnitAssignmentOut(
        unit_code=unit.code,
        unit_name=unit.name(lang),
        period=periods.format_period(period),
        indicators=indicators,
        rules=[rule_out(r) for r in service.list_rules(session, actor, period, unit)],
    )


def choices(session: Session) -> dict[str, list[str]]:
    """What the form offers: the indicator sets."""
    return {"sets": set_codes(session)}
