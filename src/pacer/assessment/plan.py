"""A statement as written (plain values, no I/O): its items of every kind, the checks that need
what the database knows (the indicators the unit reports, their scales), and the scoring
statement (:class:`pacer.assessment.rules.Statement`) it becomes.

Items are dictionaries in one shape everywhere (the API's body, a template's content, a stored
version): ``code``, ``kind`` (quantitative | qualitative | bonus | deduction | veto), ``name_zh``,
``name_en``, then per kind:

- quantitative: ``indicator`` (code), ``weight``, ``rule`` and its ``threshold``, ``target``
  (scaled at the indicator's decimals; left out, the unit's ensure and strive targets of record
  are taken), ``bands`` ([[bound, share bp], ...]), ``lower_is_better``, ``cap`` (bp);
- qualitative: ``measure`` (task_completion | task_on_time | zeroing: a rate in hundredths of a
  percent), ``weight`` and a rule as above;
- bonus, deduction: ``measure`` (critical_problems | events), ``per_event``, ``limit``;
- veto: ``measure`` and ``grade``, the best grade left when it is triggered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pacer.assessment.rules import BP, Adjustment, Band, Grades, Item, Rule, Statement, Veto
from pacer.assessment.validation import statement_problems
from pacer.assessment.words import WHAT, both
from pacer.errors import Problem
from pacer.kit.numbers import format_scaled
from pacer.models.assessment import ITEM_KINDS

QUALITATIVE = ("task_completion", "task_on_time", "zeroing")
COUNTED = ("critical_problems", "events")
RATE_SCALE = 2  # a qualitative item's rate: 95.00 (%) is 9500
DEFAULT_GRADES: list[list[Any]] = [["A", 9_000], ["B", 8_000], ["C", 6_000], ["D", 0]]
SCORED = ("quantitative", "qualitative")


@dataclass(frozen=True)
class IndicatorFacts:
    """What the checks and the scoring need of an indicator."""

    code: str
    scale: int
    kind: str  # flow | stock | derived
    lower_is_better: bool
    additive: bool  # its targets add up over units (a flow or balance in an additive unit)


@dataclass(frozen=True)
class Content:
    """A statement's items and grade bands, as stored in a version."""

    items: tuple[dict[str, Any], ...]
    grades: tuple[tuple[str, int], ...] = (("A", 9_000), ("B", 8_000), ("C", 6_000), ("D", 0))

    def as_json(self) -> dict[str, Any]:
        return {"items": [dict(i) for i in self.items], "grades": [list(g) for g in self.grades]}

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Content:
        grades = data.get("grades") or DEFAULT_GRADES
        return cls(tuple(dict(i) for i in data.get("items", ())), tuple((str(g), int(m)) for g, m in grades))


@dataclass
class Context:
    """What the checks know of the unit: the indicators it reports in the year (with derived ones
    computable from them), by code."""

    indicators: dict[str, IndicatorFacts] = field(default_factory=dict)
    reported: frozenset[str] = frozenset()
    unit_code: str = ""


def _problem(key: str, where: str, **values: object) -> Problem:
    en, zh = both(key, **values)
    return Problem(en, field=where, zh=zh)


def item_problems(item: Mapping[str, Any], context: Context) -> list[Problem]:
    """What keeps one item from being stored, beyond its rule: an unknown kind or measure, an
    indicator unknown or not reported by the unit, a veto without a grade."""
    code, kind = str(item.get("code") or ""), item.get("kind")
    where = code or "code"
    if not code:
        return [_problem("code_missing", "code")]
    if kind not in ITEM_KINDS:
        return [_problem("kind_unknown", where, kind=kind, allowed=", ".join(ITEM_KINDS))]
    if kind == "quantitative":
        indicator = item.get("indicator")
        if not indicator or indicator not in context.indicators:
            return [_problem("indicator_unknown", where, indicator=indicator or "")]
        if indicator not in context.reported:
            return [_problem("not_reported", where, indicator=indicator, unit=context.unit_code)]
        return []
    allowed = QUALITATIVE if kind == "qualitative" else COUNTED
    if item.get("measure") not in allowed:
        return [_problem("measure_unknown", where, measure=item.get("measure"), allowed=", ".join(allowed))]
    return []


def _rule(item: Mapping[str, Any], lower_default: bool) -> Rule:
    lower = item.get("lower_is_better")
    return Rule(
        kind=str(item.get("rule") or ""),
        threshold=_int(item.get("threshold")),
        target=_int(item.get("target")),
        bands=tuple(Band(int(b), int(s)) for b, s in item.get("bands") or ()),
        lower_is_better=lower_default if lower is None else bool(lower),
        cap=int(item.get("cap") or BP),
    )


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _names(item: Mapping[str, Any]) -> tuple[str, str]:
    return (str(item.get("name_zh") or ""), str(item.get("name_en") or ""))


def scored_item(item: Mapping[str, Any], context: Context) -> Item:
    """A quantitative or qualitative item as the scoring takes it."""
    code, weight = str(item["code"]), int(item.get("weight") or 0)
    if item["kind"] == "qualitative":
        return Item(code, weight, _rule(item, False), scale=RATE_SCALE, name=_names(item))
    facts = context.indicators[str(item["indicator"])]
    rule = _rule(item, facts.lower_is_better)
    return Item(code, weight, rule, scale=facts.scale, prorate=facts.kind == "flow", name=_names(item))


def to_statement(content: Content, context: Context) -> Statement:
    """The scoring statement of ``content`` (its items already checked by :func:`item_problems`)."""
    items, adjustments, vetoes = [], [], []
    for item in content.items:
        kind = item["kind"]
        if kind in SCORED:
            items.append(scored_item(item, context))
        elif kind == "veto":
            vetoes.append(Veto(str(item["code"]), str(item.get("grade") or ""), _names(item)))
        else:
            per_event, limit = int(item.get("per_event") or 0), int(item.get("limit") or 0)
            adjustments.append(Adjustment(str(item["code"]), kind, per_event, limit, _names(item)))
    return Statement(tuple(items), tuple(adjustments), tuple(vetoes), Grades(content.grades))


def content_problems(content: Content, context: Context) -> list[Problem]:
    """Every problem of a statement's content, each naming its item: those of the items
    themselves, then (when every item could be read) those of the statement as scored: weights
    that do not add up to 100 points, a rule without its target, grades out of order."""
    problems = [p for item in content.items for p in item_problems(item, context)]
    if problems:
        return problems
    try:
        statement = to_statement(content, context)
    except (TypeError, ValueError):
        return [_problem("numbers", "items")]
    return statement_problems(statement)


def cascade_problems(parent: Content, children: Mapping[str, Content], context: Context) -> list[Problem]:
    """Where the units' thresholds or strive targets of a linear item on an additive indicator
    (a flow or a balance in an additive unit of measure) do not add up exactly to the parent
    statement's: one problem per item and tier, naming the parent's unit."""
    problems = []
    for item in parent.items:
        facts = context.indicators.get(str(item.get("indicator")))
        if item.get("kind") != "quantitative" or item.get("rule") != "linear" or facts is None or not facts.additive:
            continue
        for tier, what in (("threshold", "threshold_total"), ("target", "target_total")):
            values = [_value_of(child, str(item["code"]), tier) for child in children.values()]
            expected = item.get(tier)
            if expected is None or any(v is None for v in values):
                continue  # a missing one is refused as a rule without its target
            total = sum(v for v in values if v is not None)
            if total != int(expected):
                problems.append(_cascade_sum(str(item["code"]), what, total, int(expected), facts.scale, context))
    return problems


def _value_of(content: Content, code: str, tier: str) -> int | None:
    found = next((i for i in content.items if i.get("code") == code), None)
    return None if found is None else _int(found.get(tier))


def _cascade_sum(code: str, what: str, total: int, expected: int, scale: int, context: Context) -> Problem:
    zh_what, en_what = WHAT[what]
    shown = {
        "unit": context.unit_code,
        "total": format_scaled(total, scale),
        "expected": format_scaled(expected, scale),
    }
    en = both("cascade_sum", **shown, what=en_what)[0]
    return Problem(en, field=code, zh=both("cascade_sum", **shown, what=zh_what)[1])
