"""What the rest of the year is worth: for each quantitative item of a statement, its value so
far, the year-end value it is heading for (a flow at its run rate, a balance or ratio as it
stands), the points that would earn, the most the item can earn, and so the points still at
stake; with the value still needed for full marks."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy.orm import Session

from pacer.analysis import Analysis
from pacer.assessment import readings, repository
from pacer.assessment.plan import Context, scored_item
from pacer.assessment.rules import BP, MONTHS
from pacer.assessment.scoring import Reading, half_up, score_item
from pacer.assessment.service import content_of
from pacer.auth.permissions import Actor


@dataclass(frozen=True)
class WhatIf:
    code: str
    name: tuple[str, str]
    indicator: str
    scale: int
    weight: int
    value: int | None  # so far
    month: int  # the month ``value`` runs through
    heading: int | None  # the year-end value at the present pace
    points: int  # what ``heading`` would earn
    most: int  # the item's weight times its cap
    at_stake: int  # most - points
    needed: int | None  # the strive target less the value so far (a flow), or None


def what_if(session: Session, actor: Actor, analysis: Analysis, statement_id: int) -> list[WhatIf]:
    statement, unit, _ = repository.statement(session, actor, statement_id)
    items = repository.items(session, [statement.id])[statement.id]
    codes = repository.indicator_code_by_id(session)
    facts = repository.indicator_facts(session)
    context = Context(indicators=facts, reported=frozenset(facts), unit_code=unit.code)
    content = content_of(items, codes, statement.grades)
    wanted = [codes[i.indicator_id] for i in items if i.kind == "quantitative" and i.indicator_id]
    values = readings.indicator_values(analysis, [unit.id], wanted, statement.year, MONTHS)
    out = []
    for raw in content.items:
        if raw["kind"] != "quantitative":
            continue
        item, indicator = scored_item(raw, context), str(raw["indicator"])
        now = values.reading(unit.id, indicator)
        flow = facts[indicator].kind == "flow"
        heading, previous = now.value, now.previous
        if flow and values.month:  # both years at the pace of their months so far
            heading = None if now.value is None else half_up(Fraction(now.value * MONTHS, values.month))
            previous = None if now.previous is None else half_up(Fraction(now.previous * MONTHS, values.month))
        points = score_item(item, Reading(heading, previous)).points
        most = half_up(Fraction(item.weight * item.rule.cap, BP))
        target = item.rule.target
        needed = target - now.value if flow and target is not None and now.value is not None else None
        names = (item.name[0], item.name[1])
        out.append(
            WhatIf(
                item.code,
                names,
                indicator,
                item.scale,
                item.weight,
                now.value,
                values.month,
                heading,
                points,
                most,
                most - points,
                needed,
            )
        )
    return out
