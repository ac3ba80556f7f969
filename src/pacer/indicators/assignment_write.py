"""Adding and closing assignment rules: checked all at once, HQ only, audited, never deleted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import SET_TARGETS, Actor, visible_unit_ids
from pacer.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from pacer.indicators import assignment_repository as repo
from pacer.kit import periods
from pacer.models import UNIT_KINDS, IndicatorAssignment, Unit
from pacer.models.base import utcnow

ENTITY = "indicator_assignment"
Say = Callable[[str, str], None]  # reports a problem: (message, field)
MAX_REASON = 2000


@dataclass(frozen=True)
class AssignmentIn:
    """A rule as asked for, in the words of the CLI, the form and the API: exactly one of
    ``set_code`` and ``indicator_code``; exactly one of ``kind``, ``tag`` (``key=value``) and
    ``unit_code``; months as ``YYYY-MM``; ``to`` is the last month in force."""

    set_code: str = ""
    indicator_code: str = ""
    kind: str = ""
    tag: str = ""
    unit_code: str = ""
    exclude: bool = False
    from_month: str = ""
    to_month: str = ""
    reason: str = ""


@dataclass
class _Checked:
    row: IndicatorAssignment
    problems: list[Problem]


def check(session: Session, actor: Actor, item: AssignmentIn, row: int | None = None) -> _Checked:
    """The rule ``item`` asks for, and every problem with it (each naming its field)."""
    problems: list[Problem] = []

    def problem(message: str, field: str) -> None:
        problems.append(Problem(message, row, field))

    rule = IndicatorAssignment(effect="exclude" if item.exclude else "assign", reason=item.reason.strip())
    _target(session, item, rule, problem)
    _selector(session, actor, item, rule, problem)
    rule.from_period = _month(item.from_month, "from", problem, required=True) or 0
    rule.to_period = _month(item.to_month, "to", problem, required=False)
    if rule.to_period is not None and rule.from_period and rule.to_period < rule.from_period:
        problem(f"{item.to_month} is before the first month {item.from_month}", "to")
    if not rule.reason:
        problem("a reason is required", "reason")
    elif len(rule.reason) > MAX_REASON:
        problem(f"at most {MAX_REASON} characters", "reason")
    return _Checked(rule, problems)


def _target(session: Session, item: AssignmentIn, rule: IndicatorAssignment, problem: Say) -> None:
    if bool(item.set_code) == bool(item.indicator_code):
        problem("name either an indicator set or one indicator", "set" if not item.set_code else "indicator")
        return
    if item.set_code:
        rule.set_id = repo.set_id(session, item.set_code)
        if rule.set_id is None:
            problem(f"unknown indicator set '{item.set_code}'", "set")
        return
    indicator = repo.indicator(session, item.indicator_code)
    if indicator is None:
        problem(f"unknown indicator '{item.indicator_code}'", "indicator")
    elif indicator.kind == "derived" and item.exclude:
        problem(
            f"'{indicator.code}' is derived: exclude the indicators it is computed from instead",
            "indicator",
        )
    else:
        rule.indicator_id = indicator.id


def _selector(session: Session, actor: Actor, item: AssignmentIn, rule: IndicatorAssignment, problem: Say) -> None:
    given = [name for name in ("kind", "tag", "unit_code") if getattr(item, name)]
    if len(given) != 1:
        problem("name exactly one of a unit kind, a tag (key=value) or a unit", "selector")
        return
    if item.unit_code:
        rule.selector = "unit"
        unit = repo.unit_by_code(session, item.unit_code)
        allowed = visible_unit_ids(session, actor, SET_TARGETS)
        if unit is None or (allowed is not None and unit.id not in allowed):
            # an invisible unit reads as unknown, so the rules cannot probe the tree
            problem(f"unknown unit '{item.unit_code}'", "unit")
        else:
            rule.unit_id = unit.id
        return
    if item.kind:
        rule.selector, rule.unit_kind = "kind", item.kind
        if item.kind not in UNIT_KINDS:
            problem(f"'{item.kind}' is not a unit kind; expected one of {', '.join(UNIT_KINDS)}", "kind")
    else:
        key, sep, value = item.tag.partition("=")
        rule.selector, rule.tag_key, rule.tag_value = "tag", key.strip(), value.strip()
        if not sep or not key.strip() or not value.strip():
            problem(f"'{item.tag}' is not key=value", "tag")


def _month(text: str, field: str, problem: Say, required: bool) -> int | None:
    if not text.strip():
        if required:
            problem("a month (YYYY-MM) is required", field)
        return None
    try:
        return periods.parse_period(text.strip())
    except ValueError as exc:
        problem(str(exc), field)
        return None


def may_write_group_rules(session: Session, actor: Actor) -> bool:
    """Whether ``actor`` may set rules that reach the whole group (by kind or tag)."""
    allowed = visible_unit_ids(session, actor, SET_TARGETS)
    if allowed is None:
        return True
    return bool(allowed) and allowed >= set(session.scalars(select(Unit.id)))


def require_hq(session: Session, actor: Actor) -> None:
    """Refuse an actor without ``set_targets`` anywhere (every unit role)."""
    allowed = visible_unit_ids(session, actor, SET_TARGETS)
    if allowed is not None and not allowed:
        raise Forbidden("only HQ (set_targets) may assign indicators to units")


def authorise(session: Session, actor: Actor, rule: IndicatorAssignment) -> None:
    """Refuse a rule the actor may not set: a rule by kind or tag without ``set_targets`` over
    the whole group (it reaches every unit of that kind or tag); a unit's rule outside the
    units where the actor sets targets."""
    require_hq(session, actor)
    allowed = visible_unit_ids(session, actor, SET_TARGETS)
    if rule.selector == "unit" and allowed is not None and rule.unit_id not in allowed:
        raise Forbidden("not allowed to set_targets for this unit")
    if rule.selector != "unit" and not may_write_group_rules(session, actor):
        raise Forbidden("a rule by unit kind or tag reaches the whole group: it needs set_targets over the group")


def assign(session: Session, actor: Actor, item: AssignmentIn, source: str = "assignment") -> IndicatorAssignment:
    """Add one rule; every problem at once, nothing stored on any."""
    require_hq(session, actor)
    checked = check(session, actor, item)
    if checked.problems:
        raise ValidationFailed(checked.problems, source)
    authorise(session, actor, checked.row)
    return store(session, actor, checked.row)


def store(session: Session, actor: Actor, rule: IndicatorAssignment) -> IndicatorAssignment:
    rule.created_by, rule.created_at = actor.username, utcnow()
    session.add(rule)
    session.flush()
    record(session, actor.username, "indicator_assignment.add", ENTITY, str(rule.id), None, _state(rule))
    return rule


def _state(rule: IndicatorAssignment) -> dict[str, object]:
    keys = ("set_id", "indicator_id", "selector", "unit_kind", "tag_key", "tag_value", "unit_id", "effect")
    return {
        **{k: getattr(rule, k) for k in keys},
        "from": periods.format_period(rule.from_period),
        "to": periods.format_period(rule.to_period) if rule.to_period else None,
        "reason": rule.reason,
    }


def close(session: Session, actor: Actor, rule_id: int, from_month: str, reason: str) -> IndicatorAssignment:
    """End rule ``rule_id`` from ``from_month`` (its last month in force becomes the month
    before); the rule stays, with who closed it and why."""
    rule = repo.get_rule(session, rule_id)
    if rule is None or (rule.unit_id is not None and not _may_see(session, actor, rule.unit_id)):
        raise NotFound(f"no assignment rule {rule_id}")
    problems: list[Problem] = []
    start = _month(from_month, "from", lambda m, f: problems.append(Problem(m, None, f)), required=True)
    if not reason.strip():
        problems.append(Problem("a reason is required", None, "reason"))
    if problems or start is None:
        raise ValidationFailed(problems, f"closing rule {rule_id}")
    authorise(session, actor, rule)
    last = periods.add_months(start, -1)
    if start < rule.from_period:
        raise Conflict(
            f"rule {rule_id} starts in {periods.format_period(rule.from_period)}: close it from then or later"
        )
    if rule.to_period is not None and rule.to_period <= last:
        raise Conflict(f"rule {rule_id} already ends with {periods.format_period(rule.to_period)}")
    before = {"to": periods.format_period(rule.to_period) if rule.to_period else None}
    rule.to_period, rule.closed_reason, rule.closed_by, rule.closed_at = last, reason.strip(), actor.username, utcnow()
    session.flush()
    after = {"to": periods.format_period(last), "reason": rule.closed_reason}
    record(session, actor.username, "indicator_assignment.close", ENTITY, str(rule.id), before, after)
    return rule


def _may_see(session: Session, actor: Actor, unit_id: int) -> bool:
    allowed = visible_unit_ids(session, actor)
    return allowed is None or unit_id in allowed
