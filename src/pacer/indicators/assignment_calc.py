"""Who reports what, resolved: pure, no database.

Rules assign or exclude an indicator set (or one indicator) for the units they select: every unit
of a kind, every unit with a tag (``line=military``), or one unit. For a unit and a month:

- only rules in force that month count (``from_period`` <= month <= ``to_period``), and a set
  counts with its members of that month's year;
- precedence is by how specific the selector is: the unit's own rules over tag rules over kind
  rules; at the same level an exclusion wins over an assignment;
- an indicator no rule of the unit names is reported only when no rule assigns the unit
  anything: a unit without rules reports every reported indicator (a group that configures
  nothing keeps reporting the whole express report), and a unit with only exclusions reports
  everything else;
- a derived indicator that a rule assigns stands for the reported indicators it is computed
  from; exclusions name reported indicators only (a derived one is not available where an input
  is missing, see :func:`available_derived`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pacer.indicators.specs import SetMember as Member  # the library's own dated membership

LEVELS = ("unit", "tag", "kind")  # most specific first


@dataclass(frozen=True)
class Rule:
    """One assignment rule: ``selector`` is ``kind``, ``tag`` or ``unit``; it names a set or one
    indicator; ``to_period`` is the last month in force (None: open)."""

    id: int
    selector: str
    effect: str
    from_period: int
    to_period: int | None = None
    set_code: str | None = None
    indicator: str | None = None
    kind: str | None = None
    tag: tuple[str, str] | None = None
    unit_id: int | None = None

    def in_force(self, period: int) -> bool:
        return self.from_period <= period and (self.to_period is None or period <= self.to_period)


@dataclass(frozen=True)
class UnitInfo:
    id: int
    kind: str
    tags: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    """What the resolver knows of the indicators in one year: the reported ones in order, each
    derived one's references (reported or derived), and every set's members."""

    reported: tuple[str, ...]
    references: Mapping[str, frozenset[str]] = field(default_factory=dict)
    sets: Mapping[str, Sequence[Member]] = field(default_factory=dict)
    # each code's inputs once worked out (a catalogue is kept between requests, and every
    # decision asks for the inputs of every indicator its rules name)
    _inputs: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def inputs(self, code: str) -> frozenset[str]:
        """The reported indicators ``code`` stands for: itself, or what a derived one is
        computed from, through other derived ones."""
        found = self._inputs.get(code)
        if found is None:
            found = self._inputs[code] = self._worked_out(code)
        return found

    def _worked_out(self, code: str) -> frozenset[str]:
        if code not in self.references:
            return frozenset({code})
        out: set[str] = set()
        stack, seen = [code], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in self.references:
                stack.extend(self.references[current])
            else:
                out.add(current)
        return frozenset(out)


def level(rule: Rule) -> int:
    return LEVELS.index(rule.selector)


def named(rule: Rule, catalogue: Catalogue, year: int) -> frozenset[str]:
    """The reported indicators ``rule`` names in ``year``."""
    codes = (
        [rule.indicator]
        if rule.indicator
        else [m.code for m in catalogue.sets.get(rule.set_code or "", ()) if m.covers(year)]
    )
    if rule.effect == "exclude":
        return frozenset(c for c in codes if c not in catalogue.references)
    return frozenset().union(*(catalogue.inputs(c) for c in codes))


def applies(rule: Rule, unit: UnitInfo) -> bool:
    if rule.selector == "unit":
        return rule.unit_id == unit.id
    if rule.selector == "kind":
        return rule.kind == unit.kind
    if rule.tag is None:
        return False
    key, value = rule.tag
    return key in unit.tags and str(unit.tags[key]) == value


def decide(rules: Iterable[Rule], catalogue: Catalogue, year: int) -> frozenset[str]:
    """The reported indicators of a unit to which exactly ``rules`` apply (all in force)."""
    by_level: list[tuple[set[str], set[str]]] = [(set(), set()) for _ in LEVELS]
    assigns = False
    for rule in rules:
        assigned, excluded = by_level[level(rule)]
        (excluded if rule.effect == "exclude" else assigned).update(named(rule, catalogue, year))
        assigns |= rule.effect == "assign"
    decided: dict[str, bool] = {}
    for assigned, excluded in by_level:  # most specific first: the first decision stands
        for code in excluded:
            decided.setdefault(code, False)
        for code in assigned:
            decided.setdefault(code, True)
    return frozenset(c for c in catalogue.reported if decided.get(c, not assigns))


def resolve(
    rules: Iterable[Rule], units: Iterable[UnitInfo], catalogue: Catalogue, period: int
) -> dict[int, frozenset[str]]:
    """Unit id -> the reported indicators it reports in ``period`` (YYYYMM).

    Units to which the same rules apply share one answer, so a thousand units of a few kinds
    cost a few decisions."""
    year = period // 100
    live = [r for r in rules if r.in_force(period)]
    by_kind: dict[str | None, list[Rule]] = {}
    by_unit: dict[int | None, list[Rule]] = {}
    tagged = [r for r in live if r.selector == "tag"]
    for rule in live:
        if rule.selector == "kind":
            by_kind.setdefault(rule.kind, []).append(rule)
        elif rule.selector == "unit":
            by_unit.setdefault(rule.unit_id, []).append(rule)
    answers: dict[tuple[int, ...], frozenset[str]] = {}
    out: dict[int, frozenset[str]] = {}
    for unit in units:
        own = [*by_unit.get(unit.id, ()), *(r for r in tagged if applies(r, unit)), *by_kind.get(unit.kind, ())]
        key = tuple(sorted(r.id for r in own))
        if key not in answers:
            answers[key] = decide(own, catalogue, year)
        out[unit.id] = answers[key]
    return out


def available_derived(reported: Iterable[str], references: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """Derived indicators available where ``reported`` are: those whose every reference is
    reported there or itself available."""
    have = set(reported)
    available: set[str] = set()
    changed = True
    while changed:
        changed = False
        for code, refs in references.items():
            if code not in available and refs <= (have | available):
                available.add(code)
                changed = True
    return frozenset(available)


def breakpoints(rules: Iterable[Rule], first: int, last: int) -> list[int]:
    """The months (YYYYMM, from ``first`` on) from which the answer may change: ``first``, every
    January up to ``last`` (set members are dated by year) and every rule's first and
    after-last month, later ones too (a month after the figures may still be asked about)."""
    points = {first}
    for rule in rules:
        points.add(rule.from_period)
        if rule.to_period is not None:
            year, month = divmod(rule.to_period, 100)
            points.add(rule.to_period + 1 if month < 12 else (year + 1) * 100 + 1)
    end = max(last, *points)
    points.update(y * 100 + 1 for y in range(first // 100 + 1, end // 100 + 1))
    return sorted(p for p in points if first <= p)
