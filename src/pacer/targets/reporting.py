"""Which indicators each unit of a grid has targets for: those its subtree reports in the year
(the group's assignment of indicator sets to units, in January or in December) and the derived
ones computable from them. A group without assignment rules: every unit, every indicator."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from pacer.indicators import assignment_repository
from pacer.indicators.assignment_calc import available_derived
from pacer.indicators.assignment_service import assignment_matrix
from pacer.targets import repository


def subtree_indicators(
    session: Session, kids: dict[int, list[int]], units: Iterable[int], year: int
) -> dict[int, frozenset[str]] | None:
    """Unit id -> codes its subtree reports or can derive in ``year``; None: no rules (all)."""
    if not assignment_repository.has_rules(session):
        return None
    wanted = list(units)
    members = {u: repository.descendants(kids, u) for u in wanted}
    every = sorted({m for ms in members.values() for m in ms})
    known = assignment_repository.codes(session)
    catalogue = assignment_repository.catalogue(session, year, known)
    reported: dict[int, set[int]] = {u: set() for u in every}
    for month in (1, 12):
        for unit_id, ids in assignment_matrix(session, year * 100 + month, every).items():
            reported.setdefault(unit_id, set()).update(ids)
    code_of = known.code_of
    out: dict[int, frozenset[str]] = {}
    for unit_id, ms in members.items():
        codes = {code_of[i] for m in ms for i in reported.get(m, ()) if i in code_of}
        out[unit_id] = frozenset(codes) | available_derived(codes, catalogue.references)
    return out
