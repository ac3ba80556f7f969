"""Who reports what as JSON: the rules of a month with their history, what a unit reports, and
HQ's changes (adding and closing rules)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import DomainError
from pacer.indicators import assignment_service as service
from pacer.indicators import assignment_views as views
from pacer.indicators.assignment_schemas import CloseIn, RuleIn, RuleOut, RulesOut, UnitAssignmentOut
from pacer.kit import periods
from pacer.web.deps import Db
from pacer.web.params import RowId

router = APIRouter(prefix="/api/indicators/assignments", tags=["indicators"], dependencies=[Depends(protect)])
Month = Annotated[str | None, Query(max_length=20, description="YYYY-MM; default: this month")]
Lang = Annotated[str, Query(pattern="^(zh|en)$", description="zh or en: the language of names")]


def month_of(text: str | None) -> int:
    """``text`` as YYYYMM (this month when empty); a 422 naming the parameter otherwise."""
    if not text:
        return periods.current_month()
    try:
        return periods.parse_period(text)
    except ValueError as exc:
        raise DomainError(f"period: {exc}", 422) from None


@router.get("")
def rules(viewer: CurrentViewer, db: Db, period: Month = None) -> RulesOut:
    """The assignment rules in force in a month, and every rule ever made."""
    return views.rules_view(db, viewer.actor, month_of(period))


@router.get("/units/{unit_code}")
def unit(viewer: CurrentViewer, db: Db, unit_code: str, period: Month = None, lang: Lang = "zh") -> UnitAssignmentOut:
    """What a unit reports in a month (and the derived indicators computable from it), with the rules reaching it."""
    return views.unit_view(db, viewer.actor, unit_code, month_of(period), lang)


@router.post("", status_code=201)
def add(body: RuleIn, viewer: CurrentViewer, db: Db) -> RuleOut:
    """Add a rule (HQ: set_targets over the group for a kind or tag, over the unit for a unit)."""
    item = service.AssignmentIn(
        body.set_code,
        body.indicator_code,
        body.kind,
        body.tag,
        body.unit_code,
        body.exclude,
        body.from_period,
        body.to_period,
        body.reason,
    )
    rule = service.assign(db, viewer.actor, item, "rule")
    return _one(db, viewer, rule.id)


@router.post("/{rule_id}/close")
def close(rule_id: RowId, body: CloseIn, viewer: CurrentViewer, db: Db) -> RuleOut:
    """Close a rule from a month: it no longer applies from then and stays in the history."""
    service.close(db, viewer.actor, rule_id, body.from_period, body.reason)
    return _one(db, viewer, rule_id)


def _one(db: Db, viewer: CurrentViewer, rule_id: int) -> RuleOut:
    return next(views.rule_out(r) for r in service.assignment_history(db, viewer.actor) if r.id == rule_id)
