"""Who reports what: the indicators each unit reports in a month, and the rules that say so.

Reads resolve the rules (:mod:`pacer.indicators.assignment_calc`) for one unit, or for every unit
at once (:func:`assignment_matrix`, what the analysis engine, imports and the monitor use).
Writes are HQ's: adding or closing a rule needs ``set_targets`` (group administrators and HQ
analysts), over the whole group for a rule by kind or tag, over the unit for a unit's own rule;
every change is audited and closes rather than deletes, so the history stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, require, visible_unit_ids
from pacer.errors import NotFound, Problem
from pacer.indicators import assignment_repository as repo
from pacer.indicators.assignment_calc import Catalogue, Rule, UnitInfo, available_derived, breakpoints, resolve

# the write side lives in its own module; re-exported so callers use one service
from pacer.indicators.assignment_write import AssignmentIn, assign, close
from pacer.indicators.memo import Memo, current
from pacer.kit import periods
from pacer.models import IndicatorAssignment, Unit

__all__ = [
    "AssignmentIn",
    "RuleRow",
    "assign",
    "assignment_history",
    "assignment_matrix",
    "assignment_spans",
    "available_indicators",
    "close",
    "list_rules",
    "reported_indicators",
    "reported_indicators_of",
    "required_missing",
    "unassigned",
    "unassigned_problems",
]


def reported_indicators(session: Session, unit: Unit, period: int) -> list[str]:
    """Codes of the reported (non-derived) indicators ``unit`` reports in ``period``, in
    library order; every one when the group has no rule that reaches the unit."""
    return reported_indicators_of(session, [unit.id], period)[unit.id]


def reported_indicators_of(
    session: Session, unit_ids: Iterable[int], period: int, memo: Memo | None = None
) -> dict[int, list[str]]:
    """:func:`reported_indicators` of many units at once (unit id -> codes): the units read, the
    rules and library as kept in ``memo`` (read when they changed), one decision per distinct set
    of rules."""
    catalogue, resolved = _resolved(session, unit_ids, period, memo)
    in_order: dict[frozenset[str], list[str]] = {}
    out: dict[int, list[str]] = {}
    for unit_id, mine in resolved.items():
        if mine not in in_order:
            in_order[mine] = [c for c in catalogue.reported if c in mine]
        out[unit_id] = list(in_order[mine])
    return out


def known_codes(session: Session, memo: Memo | None = None) -> repo.Codes:
    """The indicators' ids and codes, as kept while the library stays as it is."""
    return (memo or current(session)).get(("codes",), lambda: repo.codes(session))


def catalogue_of(session: Session, year: int, memo: Memo | None = None) -> Catalogue:
    """The resolver's view of the library in ``year``, as kept while the library stays as it is."""
    memo = memo or current(session)
    return memo.get(("catalogue", year), lambda: repo.catalogue(session, year, known_codes(session, memo)))


def _resolved(
    session: Session, unit_ids: Iterable[int] | None, period: int, memo: Memo | None
) -> tuple[Catalogue, dict[int, frozenset[str]]]:
    memo = memo or current(session)
    catalogue = catalogue_of(session, period // 100, memo)
    rules: list[Rule] = memo.get(("rules", period), lambda: repo.rules(session, period))
    units: list[UnitInfo] = repo.units(session, unit_ids)  # kind and tags: read afresh
    return catalogue, resolve(rules, units, catalogue, period)


def available_indicators(session: Session, unit: Unit, period: int) -> list[str]:
    """The reported indicators of ``unit`` in ``period`` and the derived ones computable from them."""
    reported = reported_indicators(session, unit, period)
    catalogue = repo.catalogue(session, period // 100)
    derived = available_derived(reported, catalogue.references)
    return reported + sorted(derived)


def required_missing(session: Session, actor: Actor, unit: Unit, period: int) -> list[str]:
    """Codes of the indicators ``unit`` reports in ``period`` that have no figure yet (what the
    entry grid and the reporting monitor call missing). ``actor`` must see the unit."""
    require(session, actor, READ, unit.id)
    have = repo.present(session, actor, unit.id, period)
    known = repo.codes(session)
    return [c for c in reported_indicators(session, unit, period) if known.id_of[c] not in have]


def assignment_matrix(
    session: Session, period: int, unit_ids: Iterable[int] | None = None, memo: Memo | None = None
) -> dict[int, frozenset[int]]:
    """Unit id -> ids of the reported indicators it reports in ``period``, for every unit (or
    ``unit_ids``): the units read, the rules and library as kept in ``memo``, one decision per
    distinct set of rules (a thousand units of a few kinds cost a few)."""
    memo = memo or current(session)
    known = known_codes(session, memo)
    _, resolved = _resolved(session, unit_ids, period, memo)
    as_ids: dict[frozenset[str], frozenset[int]] = {}
    out: dict[int, frozenset[int]] = {}
    for unit_id, codes in resolved.items():
        if codes not in as_ids:
            as_ids[codes] = frozenset(known.id_of[c] for c in codes)
        out[unit_id] = as_ids[codes]
    return out


def unassigned(session: Session, wanted: Iterable[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
    """Of ``wanted`` (unit id, indicator id, period), those the unit is not assigned that month;
    none when the group has no rules (every unit reports everything)."""
    wanted = list(wanted)
    if not wanted or not repo.has_rules(session):
        return set()
    by_period: dict[int, set[int]] = {}
    for unit_id, _, period in wanted:
        by_period.setdefault(period, set()).add(unit_id)
    matrices = {p: assignment_matrix(session, p, ids) for p, ids in by_period.items()}
    return {(u, i, p) for u, i, p in wanted if i not in matrices[p].get(u, frozenset())}


def unassigned_problems(session: Session, figures: Iterable[tuple[int, int, str, str, int, int]]) -> list[Problem]:
    """A problem for each figure (file row, unit id, unit code, indicator code, indicator id,
    period) of an indicator its unit is not assigned that month, named at its row's ``indicator_code``."""
    figures = list(figures)
    outside = unassigned(session, [(unit_id, ind_id, period) for _, unit_id, _, _, ind_id, period in figures])
    return [
        Problem(
            f"unit '{unit_code}' does not report '{code}' in {periods.format_period(period)} "
            "(see 'pacer indicators assignments')",
            row,
            "indicator_code",
        )
        for row, unit_id, unit_code, code, ind_id, period in figures
        if (unit_id, ind_id, period) in outside
    ]


def assignment_spans(
    db: repo.Reader, unit_ids: Sequence[int], reported_ids: Sequence[int], first: int, last: int
) -> tuple[tuple[int, ...], tuple[np.ndarray, ...]] | None:
    """For the analysis engine: the months from ``first`` to ``last`` cut where the assignment
    may change, and for each span a units x reported-indicators mask in the given orders. None
    when the group has no rules (every unit reports everything)."""
    if not repo.has_rules(db):
        return None
    known = repo.codes(db)
    rules, units = repo.rules(db), repo.units(db)
    row = {u: k for k, u in enumerate(unit_ids)}
    column = {known.code_of[i]: k for k, i in enumerate(reported_ids)}
    starts: list[int] = []
    masks: list[np.ndarray] = []
    for start in breakpoints(rules, first, max(first, last)):
        resolved = resolve(rules, units, repo.catalogue(db, start // 100, known), start)
        mask = np.zeros((len(unit_ids), len(reported_ids)), dtype=np.bool_)
        rows_of: dict[frozenset[str], list[int]] = {}  # units sharing an answer are set at once
        for unit_id, codes in resolved.items():
            if unit_id in row:
                rows_of.setdefault(codes, []).append(row[unit_id])
        for codes, rows in rows_of.items():
            mask[np.ix_(rows, [column[c] for c in codes if c in column])] = True
        if masks and np.array_equal(masks[-1], mask):
            continue
        starts.append(start)
        masks.append(mask)
    return tuple(starts), tuple(masks)


@dataclass(frozen=True)
class RuleRow:
    """A rule as listed: what it assigns or excludes, to whom, when, why and by whom."""

    id: int
    target: str  # the set's code, or the indicator's
    target_is_set: bool
    selector: str
    selects: str  # the kind, "key=value", or the unit's code
    unit_name_zh: str
    unit_name_en: str
    effect: str
    from_period: int
    to_period: int | None
    reason: str
    created_by: str
    closed_reason: str | None
    closed_by: str | None

    def in_force(self, period: int) -> bool:
        return self.from_period <= period and (self.to_period is None or period <= self.to_period)


def _row(rule: IndicatorAssignment, set_code: str | None, code: str | None, unit: Unit | None) -> RuleRow:
    selects = {
        "kind": rule.unit_kind or "",
        "tag": f"{rule.tag_key}={rule.tag_value}",
        "unit": unit.code if unit else "",
    }
    return RuleRow(
        id=rule.id,
        target=set_code or code or "",
        target_is_set=set_code is not None,
        selector=rule.selector,
        selects=selects[rule.selector],
        unit_name_zh=unit.name_zh if unit else "",
        unit_name_en=unit.name_en if unit else "",
        effect=rule.effect,
        from_period=rule.from_period,
        to_period=rule.to_period,
        reason=rule.reason,
        created_by=rule.created_by,
        closed_reason=rule.closed_reason,
        closed_by=rule.closed_by,
    )


def list_rules(session: Session, actor: Actor, period: int | None = None, unit: Unit | None = None) -> list[RuleRow]:
    """Rules in force in ``period`` (all when None), those reaching ``unit`` when given."""
    if unit is not None:
        require(session, actor, READ, unit.id)
    rows = [_row(*r) for r in repo.rule_rows(session, actor, period, unit.id if unit else None)]
    if unit is not None:
        rows = [r for r in rows if _reaches(r, unit)]
    return rows


def assignment_history(session: Session, actor: Actor, unit: Unit | None = None) -> list[RuleRow]:
    """Every rule ever made (closed ones included), oldest first; those reaching ``unit`` when given."""
    if unit is not None:
        require(session, actor, READ, unit.id)
    rows = [_row(*r) for r in repo.rule_rows(session, actor, None, unit.id if unit else None, history=True)]
    return [r for r in rows if unit is None or _reaches(r, unit)]


def _reaches(row: RuleRow, unit: Unit) -> bool:
    if row.selector == "kind":
        return row.selects == unit.kind
    if row.selector == "tag":
        key, _, value = row.selects.partition("=")
        return key in unit.tags and str(unit.tags[key]) == value
    return row.selects == unit.code


def unit_for(session: Session, actor: Actor, code: str) -> Unit:
    """The unit ``code`` where ``actor`` may read it (the same answer whether it exists or not)."""
    unit = repo.unit_by_code(session, code)
    allowed = visible_unit_ids(session, actor, READ)
    if unit is None or (allowed is not None and unit.id not in allowed):
        raise NotFound(f"unknown unit '{code}'")
    return unit


def rules_of(session: Session, period: int) -> list[Rule]:
    return repo.rules(session, period)
