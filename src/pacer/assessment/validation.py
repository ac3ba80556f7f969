"""A statement checked before it is scored or stored (no I/O): every problem named by where it
is, in both languages, and the whole refused with :class:`ValidationFailed`."""

from __future__ import annotations

from itertools import pairwise

from pacer.assessment.rules import BP, KINDS, MAX_CAP, POINTS_SCALE, Item, Rule, Statement
from pacer.assessment.words import DIRECTIONS, RULES, WHAT, both, pick
from pacer.errors import Problem, ValidationFailed
from pacer.kit.numbers import format_scaled


def _problem(key: str, field: str, **values: object) -> Problem:
    en, zh = both(key, **values)
    return Problem(en, field=field, zh=zh)


def _needs(rule: Rule, what: str, field: str) -> Problem:
    """'the linear rule needs a threshold', with each part in its language."""
    rule_zh = RULES[rule.kind][0]
    what_en, what_zh = pick(WHAT, what)
    return Problem(f"the {rule.kind} rule needs {what_en}", field=field, zh=f"{rule_zh}需要{what_zh}")


def _direction(rule: Rule, item: Item, field: str) -> list[Problem]:
    assert rule.threshold is not None  # checked by the caller
    assert rule.target is not None
    if rule.target != rule.threshold and (rule.target < rule.threshold) == rule.lower_is_better:
        return []
    scale = 0 if rule.kind == "growth" else item.scale
    en_dir, zh_dir = pick(DIRECTIONS, "below" if rule.lower_is_better else "above")
    target, threshold = format_scaled(rule.target, scale), format_scaled(rule.threshold, scale)
    return [
        Problem(
            f"the strive target {target} must be {en_dir} the threshold {threshold}",
            field=field,
            zh=f"力争目标 {target} 应{zh_dir}门槛值 {threshold}",
        )
    ]


def _bands(rule: Rule, field: str) -> list[Problem]:
    if not rule.bands:
        return [_needs(rule, "bands", field)]
    bounds = [b.bound for b in rule.bands]
    shares = [b.share for b in rule.bands]
    step = -1 if rule.lower_is_better else 1  # best band first
    ordered = all(step * (a - b) > 0 for a, b in pairwise(bounds))
    falling = all(a >= b for a, b in pairwise(shares))
    if ordered and falling and min(shares) >= 0 and max(shares) <= rule.cap:
        return []
    en_dir, zh_dir = pick(DIRECTIONS, "up" if rule.lower_is_better else "down")
    return [
        Problem(
            f"bands must run {en_dir}, best first, shares falling and at most the cap",
            field=field,
            zh=f"分档须按{zh_dir}排列（最好的一档在前），得分比例递减且不超过封顶",
        )
    ]


def rule_problems(item: Item, field: str) -> list[Problem]:
    """What keeps ``item``'s rule from scoring: an unknown kind, a missing target or threshold,
    a target on the wrong side of its threshold, bands out of order, a cap out of range."""
    rule = item.rule
    if rule.kind not in KINDS:
        return [_problem("rule_unknown", field, kind=rule.kind, allowed=", ".join(KINDS))]
    problems = [] if BP <= rule.cap <= MAX_CAP else [_problem("cap_range", field)]
    if rule.kind in ("linear", "growth"):
        missing = [w for w, v in (("threshold", rule.threshold), ("target", rule.target)) if v is None]
        problems += [_needs(rule, "growth" if rule.kind == "growth" else w, field) for w in missing[:1]]
        if not missing:
            problems += _direction(rule, item, field)
    elif rule.kind == "stepwise":
        problems += _bands(rule, field)
    return problems


def statement_problems(statement: Statement) -> list[Problem]:
    """Every problem of ``statement``, each naming its item, adjustment or veto."""
    problems: list[Problem] = []
    seen: set[str] = set()
    codes = [i.code for i in statement.items] + [a.code for a in statement.adjustments]
    for code in [*codes, *(v.code for v in statement.vetoes)]:
        if code in seen:
            problems.append(_problem("code_twice", code, code=code))
        seen.add(code)
    for item in statement.items:
        if item.weight <= 0:
            problems.append(_problem("weight_positive", item.code))
        problems += rule_problems(item, item.code)
    total = sum(i.weight for i in statement.items)
    if total != statement.total_weight:
        shown = {
            "total": format_scaled(total, POINTS_SCALE),
            "expected": format_scaled(statement.total_weight, POINTS_SCALE),
        }
        problems.append(_problem("weights_sum", "weight", **shown))
    for adjustment in statement.adjustments:
        if adjustment.kind not in ("bonus", "deduction"):
            problems.append(_problem("adjust_kind", adjustment.code, kind=adjustment.kind))
        if adjustment.per_event < 0 or adjustment.limit < 0:
            problems.append(_problem("adjust_negative", adjustment.code))
    problems += _grade_problems(statement)
    return problems


def _grade_problems(statement: Statement) -> list[Problem]:
    grades = statement.grades
    minimums = [m for _, m in grades.bands]
    problems: list[Problem] = []
    names = grades.names
    if not minimums or minimums[-1] != 0 or any(a <= b for a, b in pairwise(minimums)) or len(set(names)) != len(names):
        problems.append(_problem("grades_order", "grades"))
    for veto in statement.vetoes:
        if veto.grade not in names:
            problems.append(_problem("grade_unknown", veto.code, grade=veto.grade, allowed=", ".join(names)))
    return problems


def check_statement(statement: Statement, source: str = "responsibility statement") -> None:
    """Raise :class:`ValidationFailed` listing every problem of ``statement``, if any."""
    problems = statement_problems(statement)
    if problems:
        raise ValidationFailed(problems, source)
