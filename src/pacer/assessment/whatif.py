"""What the rest of the year is worth: for each quantitative item of a statement, its value so
far, the year-end value it is heading for (a flow at its pace so far against the time progress,
a balance or ratio as it stands), the points that would earn, the most the item can earn, and
so the points still at stake; with the value still needed for the strive target (or that it is
met already). Offered only while the statement's year is being reported: a closed year has its
year-end score, and nothing is left to win."""

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
    needed: int | None  # what a flow still needs for the strive target (0: met), or None
    met: bool = False  # the strive target is reached already


def strive_gap(value: int | None, target: int | None, flow: bool, lower: bool) -> tuple[int | None, bool]:
    """What a flow still needs for its strive target and whether it is met: a higher-is-better
    flow needs ``target - value`` (never less than nothing: 0 and met once reached); a
    lower-is-better flow (a cost) is met while still under its target, nothing is 'needed'."""
    if not flow or target is None or value is None:
        return None, False
    if lower:
        return None, False
    return max(target - value, 0), value >= target


def what_if(session: Session, actor: Actor, analysis: Analysis, statement_id: int) -> list[WhatIf]:
    """Item by item, for a statement of the year being reported; nothing once the year is closed."""
    statement, unit, _ = repository.statement(session, actor, statement_id)
    month = readings.open_month(analysis, statement.year)
    if month is None:
        return []
    items = repository.items(session, [statement.id])[statement.id]
    codes = repository.indicator_code_by_id(session)
    facts = repository.indicator_facts(session)
    context = Context(indicators=facts, reported=frozenset(facts), unit_code=unit.code)
    content = content_of(items, codes, statement.grades)
    wanted = [codes[i.indicator_id] for i in items if i.kind == "quantitative" and i.indicator_id]
    basis = readings.time_basis(session)
    values = readings.indicator_values(analysis, [unit.id], wanted, statement.year, month, basis)
    out = []
    for raw in content.items:
        if raw["kind"] != "quantitative":
            continue
        item, indicator = scored_item(raw, context), str(raw["indicator"])
        now = values.reading(unit.id, indicator)
        flow = facts[indicator].kind == "flow"
        heading, previous = now.value, now.previous
        if flow and values.month:  # both years at the pace of their months so far
            share = now.progress or Fraction(values.month, MONTHS)
            heading = None if now.value is None else half_up(now.value / share)
            previous = None if now.previous is None else half_up(now.previous / share)
        points = score_item(item, Reading(heading, previous)).points
        most = half_up(Fraction(item.weight * item.rule.cap, BP))
        needed, met = strive_gap(now.value, item.rule.target, flow, item.rule.lower_is_better)
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
                met,
            )
        )
    return out
