"""A unit scored against its responsibility statement (no I/O), with the working of every item.

Each quantitative item earns ``weight x share`` where the share (0 to the rule's cap) comes from
its rule; the points are rounded half up to a hundredth of a point once, per item, so the total
is the sum of the points shown. What the rules do where a plain formula would not:

- **missing data**: an item without a value earns nothing, with the reason "no data" (HQ may
  adjust the score with a written reason; the rule never guesses a value);
- **the provisional mid-year score** (``Span.through`` < 12): a prorated item's threshold,
  target and bands are held to the time progress at the month assessed (the reading's
  ``progress``: the target's monthly phasing or the group's time basis, as the cockpit judges
  completion against elapsed time; months / 12 when the reading has none);
- **a unit created mid-year** (``Span.first`` > 1): a prorated item is held to months / 12 of
  the annual figure (exactly, then shown at the item's scale); other items keep theirs. A unit
  that did not exist in the period earns nothing on any item;
- **growth without a base**: last year zero or missing (e.g. the unit is new) gives no growth
  rate, so the item earns nothing, with that reason;
- **vetoes** cap the grade, whatever the points; bonuses and deductions are added after the
  items, each limited to its own maximum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from pacer.assessment.rules import BP, MONTHS, Band, Item, Rule, Span, Statement
from pacer.assessment.validation import check_statement
from pacer.assessment.words import RULES, both, pick, say

WHOLE_YEAR = Span()


@dataclass(frozen=True)
class Reading:
    """An item's figure for the period (scaled, at the item's scale; None: not reported), for
    growth rules last year's figure for the same months and, for a flow, the time progress at
    the month assessed (the share of the year's target due by then; None: months / 12)."""

    value: int | None
    previous: int | None = None
    progress: Fraction | None = None


@dataclass(frozen=True)
class ItemScore:
    """The working of one item, for display: what was measured, what it was held to, what it
    earned and why. ``threshold`` and ``target`` are those applied (prorated when so), at the
    item's scale; for a growth rule ``measure`` is the growth rate in basis points."""

    code: str
    rule: str
    weight: int
    value: int | None
    measure: int | None
    threshold: int | None
    target: int | None
    points: int
    status: str  # scored | capped | below_threshold | no_data | no_base | not_active | defects
    note: tuple[str, str]  # (English, 中文)


@dataclass(frozen=True)
class AdjustmentScore:
    code: str
    kind: str
    events: int
    points: int  # signed: deductions are negative


@dataclass(frozen=True)
class Assessment:
    items: tuple[ItemScore, ...]
    adjustments: tuple[AdjustmentScore, ...]
    base: int  # the items' points
    total: int  # base plus bonuses less deductions
    grade_by_points: str
    grade: str  # after vetoes
    vetoes: tuple[tuple[str, str], ...]  # (veto code, the grade it caps at) of those triggered
    notes: tuple[tuple[str, str], ...]  # (English, 中文) of each veto applied


def half_up(x: Fraction) -> int:
    """``x`` rounded to the nearest integer, halves away from zero."""
    magnitude = (abs(x.numerator) * 2 + x.denominator) // (2 * x.denominator)
    return magnitude if x >= 0 else -magnitude


def _share_between(x: Fraction, threshold: Fraction, target: Fraction, cap: int) -> Fraction:
    """The linear share of the weight: 0 at the threshold, 1 at the target (either direction),
    kept within [0, cap]."""
    share = (x - threshold) / (target - threshold)
    return min(max(share, Fraction(0)), Fraction(cap, BP))


def _band_share(x: Fraction, bands: tuple[tuple[Fraction, int], ...], lower: bool) -> Fraction:
    for bound, share in bands:  # best band first
        if (x <= bound) if lower else (x >= bound):
            return Fraction(share, BP)
    return Fraction(0)


def _factor(item: Item, span: Span, reading: Reading) -> Fraction:
    if not item.prorate:
        return Fraction(1)
    if span.first == 1 and span.through < MONTHS and reading.progress is not None:
        return reading.progress
    return Fraction(span.months, MONTHS)


def _by_progress(item: Item, span: Span, reading: Reading) -> bool:
    """Whether the item's targets were held to the reading's time progress (not months / 12)."""
    return item.prorate and span.first == 1 and span.through < MONTHS and reading.progress is not None


def _result(item: Item, reading: Reading, share: Fraction, held: tuple[Fraction | None, Fraction | None]) -> ItemScore:
    rule = item.rule
    points = half_up(item.weight * share)
    linear = rule.kind in ("linear", "growth")
    status = "capped" if linear and share >= Fraction(rule.cap, BP) else "below_threshold" if share == 0 else "scored"
    note = both(status) if status != "scored" else _scored_by(rule)
    shown = [None if h is None else half_up(h) for h in held]
    return ItemScore(item.code, rule.kind, item.weight, reading.value, None, shown[0], shown[1], points, status, note)


def _scored_by(rule: Rule) -> tuple[str, str]:
    en, zh = pick(RULES, rule.kind)
    return say("en", "scored", rule=en), say("zh", "scored", rule=zh)


def _nothing(item: Item, reading: Reading, status: str, **values: object) -> ItemScore:
    return ItemScore(
        item.code, item.rule.kind, item.weight, reading.value, None, None, None, 0, status, both(status, **values)
    )


def score_item(item: Item, reading: Reading, span: Span = WHOLE_YEAR) -> ItemScore:
    """``item``'s points for ``reading`` over ``span``, with the working."""
    score = _score(item, reading, span)
    if item.prorate and span.months not in (0, MONTHS) and score.threshold is not None:
        if _by_progress(item, span, reading) and reading.progress is not None:
            shown = f"{float(reading.progress * 100):.1f}%"  # as the cockpit shows time progress
            en, zh = both("progress", through=span.through, progress=shown)
        else:
            en, zh = both("prorated", months=span.months)
        return replace(score, note=(f"{score.note[0]}; {en}", f"{score.note[1]}；{zh}"))
    return score


def _score(item: Item, reading: Reading, span: Span) -> ItemScore:
    rule, factor = item.rule, _factor(item, span, reading)
    if span.months == 0:
        return _nothing(item, reading, "not_active")
    if reading.value is None:
        return _nothing(item, reading, "no_data")
    value = Fraction(reading.value)
    if rule.kind == "zero_defects":
        if reading.value == 0:
            return _result(item, reading, Fraction(1), (None, Fraction(0)))
        scored = _result(item, reading, Fraction(0), (None, Fraction(0)))
        return replace(scored, status="defects", note=both("defects", count=reading.value))
    if rule.kind == "stepwise":
        bands = tuple((b.bound * factor, b.share) for b in rule.bands)
        best: Band = rule.bands[0]
        held = (bands[-1][0], best.bound * factor)
        return _result(item, reading, _band_share(value, bands, rule.lower_is_better), held)
    assert rule.threshold is not None  # validated
    assert rule.target is not None
    if rule.kind == "growth":
        return _growth(item, reading, value)
    threshold, target = rule.threshold * factor, rule.target * factor
    return _result(item, reading, _share_between(value, threshold, target, rule.cap), (threshold, target))


def _growth(item: Item, reading: Reading, value: Fraction) -> ItemScore:
    rule = item.rule
    assert rule.threshold is not None  # validated
    assert rule.target is not None
    if not reading.previous:
        return _nothing(item, reading, "no_base")
    rate = (value - reading.previous) / abs(reading.previous) * BP
    share = _share_between(rate, Fraction(rule.threshold), Fraction(rule.target), rule.cap)
    scored = _result(item, reading, share, (Fraction(rule.threshold), Fraction(rule.target)))
    return replace(scored, measure=half_up(rate))


def assess(
    statement: Statement,
    readings: Mapping[str, Reading],
    events: Mapping[str, int] | None = None,
    span: Span = WHOLE_YEAR,
) -> Assessment:
    """The unit's assessment: every item scored from ``readings`` (by item code; an item absent
    from it has no data), each adjustment applied ``events[code]`` times within its limit, each
    veto with ``events[code]`` > 0 capping the grade. The statement is validated first."""
    check_statement(statement)
    events = events or {}
    items = tuple(score_item(item, readings.get(item.code, Reading(None)), span) for item in statement.items)
    adjustments = []
    for adj in statement.adjustments:
        count = max(events.get(adj.code, 0), 0)
        points = min(count * adj.per_event, adj.limit)
        adjustments.append(AdjustmentScore(adj.code, adj.kind, count, points if adj.kind == "bonus" else -points))
    base = sum(i.points for i in items)
    total = base + sum(a.points for a in adjustments)
    by_points = grade = statement.grades.of(total)
    vetoes, notes = [], []
    for veto in statement.vetoes:
        if events.get(veto.code, 0) > 0:
            grade = statement.grades.worst(grade, veto.grade)
            vetoes.append((veto.code, veto.grade))
            zh_name, en_name = veto.name
            en = say("en", "vetoed", label=en_name or veto.code, grade=veto.grade)
            notes.append((en, say("zh", "vetoed", label=zh_name or veto.code, grade=veto.grade)))
    return Assessment(items, tuple(adjustments), base, total, by_points, grade, tuple(vetoes), tuple(notes))
