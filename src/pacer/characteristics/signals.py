"""From a signal on a chart to a quality problem, in one action (assignable cause → problem →
zeroing), and back: the problems opened from a characteristic's points, which its chart links,
and a unit's problem counts for its quality dashboard. The problems are :mod:`pacer.quality`'s;
this module only asks its service and repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.characteristics import repository, service
from pacer.errors import Problem, ValidationFailed
from pacer.models import Characteristic, QualityProblem
from pacer.quality import repository as problems
from pacer.quality import service as quality
from pacer.quality.validation import ProblemPlan, SignalSource
from pacer.quality.workflow import DONE

FOUND_STAGE = "manufacturing"  # a control chart watches a process as it makes the product
SEVERITY = "minor"  # the engineer raises it on the problem's page once the cause is known


def problem_link(problem_id: int) -> str:
    return f"/quality/problems/{problem_id}"


def linked(session: Session, actor: Actor, c: Characteristic) -> dict[int, int]:
    """Point (subgroup) -> the problem the actor sees that was opened from it."""
    return {p.source_point: p.id for p in problems.signals(session, actor, [c.id]) if p.source_point is not None}


def rule_name(rule: str) -> str:
    """The core's rule name (``WE2``, ``N5``, ``xbar:WE1``) as quality problems name rules (``we2``,
    ``nelson5``); a limit-only chart's ``beyond`` names no rule."""
    name = rule.rpartition(":")[2]
    if name.startswith("WE"):
        return f"we{name[2:]}"
    if name.startswith("N") and name[1:].isdigit():
        return f"nelson{name[1:]}"
    return ""


def open_from_signal(session: Session, actor: Actor, characteristic_id: int, point: int, lang: str) -> QualityProblem:
    """Open a quality problem at the characteristic's unit from the signal at ``point``; refused
    when the point is no signal (or is excluded), and by the quality service when it already
    opened one (409, naming it)."""
    c = service.for_change(session, actor, characteristic_id)
    found = service.result(session, c)
    if found is None or point not in found.out_of_control:
        said = Problem(f"subgroup {point} is not a signal on this chart", field="subgroup",
                       zh=f"子组 {point} 不是本控制图上的判异点")  # fmt: skip
        raise ValidationFailed([said], "signal")
    rules = ", ".join(found.signals[point])
    unit = repository.unit_of(session, c)
    title = (
        f"{c.code} {c.name_zh}：子组 {point} 失控（{rules}）"
        if lang == "zh"
        else f"{c.code} {c.name_en}: out of control at subgroup {point} ({rules})"
    )
    description = (
        f"控制图 {c.chart} 在子组 {point} 判异：{rules}。"
        if lang == "zh"
        else f"The {c.chart} chart signals at subgroup {point}: {rules}."
    )
    plan = ProblemPlan(unit.code, title[:300], FOUND_STAGE, SEVERITY, date.today(), product=c.product,
                       description=description)  # fmt: skip
    source = SignalSource(c.id, point, rule_name(found.signals[point][0]))
    return quality.open_problem(session, actor, plan, source=source, lang=lang)


@dataclass(frozen=True)
class Counts:
    open: int
    closed: int
    from_charts: int
    signed: int = 0  # zeroing criteria signed off, of the open problems
    criteria: int = 0  # their zeroing criteria


def counts(session: Session, actor: Actor, unit_id: int) -> Counts:
    """The problems of the unit's subtree the actor sees: open, closed, opened from a chart, and
    the zeroing progress of the open ones (criteria signed off of all their criteria)."""
    rows = problems.all_rows(session, actor, problems.ProblemFilter(unit_id=unit_id))
    closed = sum(1 for _, _, item in rows if item.state in DONE)
    charted = sum(1 for p, _, _ in rows if p.source_characteristic_id is not None)
    signed, criteria = problems.signed_criteria(session, [p.id for p, _, item in rows if item.state not in DONE])
    return Counts(len(rows) - closed, closed, charted, signed, criteria)
