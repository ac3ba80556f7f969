"""Statements scored: mid-year (provisional, through June or the latest month with figures) and
at year end, from the analysis engine, the follow-up records and the quality records, item by
item with the working kept; HQ's adjustments, each with its written reason, audited.

Only statements signed by their unit are assessed; the issuing side (whoever sets targets at the
unit above) records results and adjusts them, everyone else reads them within their subtree.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from pacer.analysis import Analysis
from pacer.assessment import readings, repository
from pacer.assessment.plan import Context, to_statement
from pacer.assessment.rules import Grades, Span
from pacer.assessment.scoring import Assessment, Reading, assess
from pacer.assessment.service import content_of, problem, refused
from pacer.assessment.workflow import SIGNED_STATES
from pacer.audit.service import record, record_many
from pacer.auth.permissions import SET_TARGETS, Actor, require, visible_unit_ids
from pacer.models import (
    AssessmentAdjustment,
    AssessmentResult,
    Statement,
    StatementEvent,
    StatementItem,
    Unit,
    WorkflowItem,
)
from pacer.models.base import utcnow

STAGE_MONTH = {"midyear": 6, "yearend": 12}


@dataclass(frozen=True)
class Scored:
    statement: Statement
    unit: Unit
    item: WorkflowItem
    items: list[StatementItem]
    assessment: Assessment
    through: int  # the last month counted


def first_month(unit: Unit, year: int) -> int:
    """The first month of ``year`` the unit existed (13: not at all)."""
    if unit.created_on is None or unit.created_on.year < year:
        return 1
    return unit.created_on.month if unit.created_on.year == year else 13


def score(session: Session, actor: Actor, analysis: Analysis, rows: list[repository.Row], stage: str) -> list[Scored]:
    """Each statement of ``rows`` (one year) scored at ``stage``, reading everything at once."""
    if not rows:
        return []
    year = rows[0][0].year
    items = repository.items(session, [s.id for s, _, _ in rows])
    codes = repository.indicator_code_by_id(session)
    facts = repository.indicator_facts(session)
    wanted = sorted({codes[i.indicator_id] for rows_ in items.values() for i in rows_ if i.indicator_id})
    unit_ids = [u.id for _, u, _ in rows]
    basis = readings.time_basis(session)
    values = readings.indicator_values(analysis, unit_ids, wanted, year, STAGE_MONTH[stage], basis)
    through = values.month
    start, end = date(year, 1, 1), date(year, through, calendar.monthrange(year, through)[1])
    follow = readings.followup(session, actor, unit_ids, start, end)
    events = readings.recorded_events(session, [s.id for s, _, _ in rows], start, end)
    out = []
    for statement, unit, item in rows:
        mine = items[statement.id]
        context = Context(indicators=facts, reported=frozenset(facts), unit_code=unit.code)
        scoring = to_statement(content_of(mine, codes, statement.grades), context)
        found: dict[str, Reading] = {}
        counted: dict[str, int] = {}
        for row in mine:
            if row.kind == "quantitative" and row.indicator_id:
                found[row.code] = values.reading(unit.id, codes[row.indicator_id])
            elif row.kind == "qualitative":
                found[row.code] = Reading(getattr(follow, row.measure)[unit.id])
            elif row.measure == "critical_problems":
                counted[row.code] = follow.critical_problems[unit.id]
            else:
                counted[row.code] = events.get(statement.id, {}).get(row.code, 0)
        span = Span(through=through, first=first_month(unit, year))
        out.append(Scored(statement, unit, item, mine, assess(scoring, found, counted, span), through))
    return out


def working(scored: Scored, scales: dict[str, int]) -> dict[str, Any]:
    """The assessment as stored: every item's working with its names and scale."""
    names = {i.code: (i.name_zh, i.name_en) for i in scored.items}
    a = scored.assessment
    return {
        "items": [asdict(i) | {"name": names.get(i.code, ("", "")), "scale": scales.get(i.code, 2)} for i in a.items],
        "adjustments": [asdict(x) | {"name": names.get(x.code, ("", ""))} for x in a.adjustments],
        "vetoes": [list(v) for v in a.vetoes],
        "notes": [list(n) for n in a.notes],
        "grade_by_points": a.grade_by_points,
    }


def _scales(session: Session) -> dict[int, int]:
    """Indicator id -> the decimals its figures are stored with."""
    facts = repository.indicator_facts(session)
    return {i: facts[code].scale for i, code in repository.indicator_code_by_id(session).items() if code in facts}


def record_results(
    session: Session, actor: Actor, analysis: Analysis, year: int, domain: str, stage: str
) -> list[AssessmentResult]:
    """Score and keep every signed statement of the year and domain that the actor issues;
    HQ's adjustments made earlier stay and are added again."""
    if stage not in STAGE_MONTH:
        raise refused([problem("stage_unknown", "stage", stage=stage, allowed=", ".join(STAGE_MONTH))])
    issuing = visible_unit_ids(session, actor, SET_TARGETS)
    rows = [
        r
        for r in repository.statements(session, actor, year, domain)
        if r[2].state in SIGNED_STATES and (issuing is None or r[0].issuer_unit_id in issuing)
    ]
    scored = score(session, actor, analysis, rows, stage)
    kept = repository.results(session, [s.statement.id for s in scored], stage)
    audit, out, scales = [], [], _scales(session)
    for s in scored:
        result = kept.get(s.statement.id)
        if result is None:
            result = AssessmentResult(statement_id=s.statement.id, stage=stage, adjustment=0)
        result.through = s.statement.year * 100 + s.through
        result.statement_version = s.statement.version
        result.base, result.total = s.assessment.base, s.assessment.total
        result.working = working(s, {i.code: scales.get(i.indicator_id or 0, 2) for i in s.items})
        result.final = result.total + (result.adjustment or 0)
        result.grade = final_grade(s.statement.grades, result.working, result.final)
        result.computed_by, result.computed_at = actor.username, utcnow()
        key = f"{s.unit.code}/{year}/{domain}/{stage}"
        after = {"total": result.total, "final": result.final, "grade": result.grade}
        audit.append(
            {
                "actor": actor.username,
                "action": "assessment.compute",
                "entity": "assessment",
                "entity_key": key,
                "after": after,
            }
        )
        session.add(result)
        out.append(result)
    record_many(session, audit)
    session.flush()
    return out


def final_grade(bands: list[Any], stored: dict[str, Any], points: int) -> str:
    """The grade of ``points`` by the statement's bands, capped by every veto triggered."""
    return capped(bands, stored, Grades(tuple((str(g), int(m)) for g, m in bands)).of(points))


def capped(bands: list[Any], stored: dict[str, Any], grade: str) -> str:
    """``grade`` capped by every veto the stored working says was triggered."""
    grades = Grades(tuple((str(g), int(m)) for g, m in bands))
    for _, cap in stored.get("vetoes", []):
        grade = grades.worst(grade, cap)
    return grade


def adjust(
    session: Session, actor: Actor, result_id: int, points: int, reason: str, lang: str = "en"
) -> AssessmentResult:
    """HQ's change of a score by ``points`` (hundredths, signed), only with a written reason."""
    result = session.get(AssessmentResult, result_id)
    if result is None:
        raise refused([problem("result_unknown", "result", id=result_id)], lang)
    statement, unit, _ = repository.statement(session, actor, result.statement_id)
    require(session, actor, SET_TARGETS, statement.issuer_unit_id)
    if not reason.strip():
        raise refused([problem("adjust_reason", "reason")], lang)
    before = {"adjustment": result.adjustment, "final": result.final, "grade": result.grade}
    session.add(AssessmentAdjustment(result_id=result.id, points=points, reason=reason.strip(), made_by=actor.username))
    result.adjustment += points
    result.final = result.total + result.adjustment
    result.grade = final_grade(statement.grades, result.working, result.final)
    after = {"adjustment": result.adjustment, "final": result.final, "grade": result.grade}
    key = f"{unit.code}/{statement.year}/{statement.domain}/{result.stage}"
    record(
        session, actor.username, "assessment.adjust", "assessment", key, before, after, reason.strip(), unit_id=unit.id
    )
    session.flush()
    return result


def record_event(
    session: Session, actor: Actor, statement_id: int, code: str, occurred_on: date, note: str, lang: str = "en"
) -> StatementEvent:
    """Something a bonus, deduction or veto of the statement counts (recorded by the issuing side)."""
    statement, unit, _ = repository.statement(session, actor, statement_id)
    require(session, actor, SET_TARGETS, statement.issuer_unit_id)
    items = repository.items(session, [statement.id])[statement.id]
    counted = {i.code for i in items if i.kind in ("bonus", "deduction", "veto") and i.measure == "events"}
    if code not in counted:
        raise refused([problem("event_item", "code", code=code, allowed=", ".join(sorted(counted)) or "—")], lang)
    if not note.strip() or occurred_on.year != statement.year:
        raise refused([problem("event_note", "note", year=statement.year)], lang)
    event = StatementEvent(
        statement_id=statement.id, code=code, occurred_on=occurred_on, note=note.strip(), recorded_by=actor.username
    )
    session.add(event)
    after = {"code": code, "occurred_on": occurred_on.isoformat(), "note": note.strip()}
    key = f"{unit.code}/{statement.year}/{statement.domain}"
    record(session, actor.username, "statement.event", "statement", key, None, after, unit_id=unit.id)
    session.flush()
    return event
