"""Pareto of a unit subtree's problems by cause, stage or supplier, and the problems found per
unit and month: counted over the problems the actor sees, below the unit asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor
from pacer.errors import DomainError, NotFound
from pacer.models import Unit
from pacer.org.repository import tree_on
from pacer.quality import calc, repository, words
from pacer.quality.repository import ProblemFilter
from pacer.web.i18n import translate

BY = ("cause", "origin_stage", "found_stage", "supplier")
TABLES = {"cause": words.CAUSES, "origin_stage": words.STAGES, "found_stage": words.STAGES}


@dataclass(frozen=True)
class ParetoBar:
    key: str
    label: str
    count: int
    cumulative_share: float


@dataclass(frozen=True)
class Pareto:
    unit: Unit
    year: int
    by: str
    total: int
    bars: list[ParetoBar]
    unattributed: int = 0  # problems left out: by supplier, those with no supplier named


@dataclass(frozen=True)
class Series:
    unit: Unit
    counts: list[int]  # January … December


@dataclass(frozen=True)
class Trend:
    unit: Unit
    year: int
    series: list[Series]


def unit_of(session: Session, actor: Actor, code: str | None) -> Unit:
    """The unit asked for, else the highest the actor sees; one out of sight is not found."""
    if code:
        found = repository.unit_by_code(session, actor, code)
        if found is None:
            raise NotFound(f"no unit '{code}'")
        return found
    roots = actor.roots_for(READ)
    unit = session.get(Unit, roots[0]) if roots else None
    if unit is None:
        raise NotFound("no unit to count the problems of")
    return unit


def _rows(session: Session, actor: Actor, unit: Unit, year: int) -> list[repository.Row]:
    f = ProblemFilter(unit_id=unit.id, found_from=date(year, 1, 1), found_to=date(year, 12, 31))
    return repository.all_rows(session, actor, f)


def pareto_of(session: Session, actor: Actor, code: str | None, by: str, year: int, lang: str) -> Pareto:
    if by not in BY:
        raise DomainError(f"'{by}' is no grouping of problems; one of: {', '.join(BY)}", status=422)
    unit = unit_of(session, actor, code)
    keys = [getattr(p, by) for p, _, _ in _rows(session, actor, unit, year)]
    unattributed = 0
    if by == "supplier":  # a problem with no supplier is not a supplier's: it is no bar of theirs
        unattributed = keys.count("")
        keys = [k for k in keys if k]
    bars = calc.pareto(keys)
    total = len(keys)
    shown = [ParetoBar(b.key, _label(by, b.key, lang), b.count, b.share(total)) for b in bars]
    return Pareto(unit, year, by, total, shown, unattributed)


def _label(by: str, key: str, lang: str) -> str:
    if not key:
        return translate(lang, "quality.unknown")
    return words.label(TABLES[by], key, lang) if by in TABLES else key


def trend_of(session: Session, actor: Actor, code: str | None, year: int) -> Trend:
    """Problems found per month at each unit directly below the unit asked for (each with its
    subtree's problems), and at the unit itself for those recorded there."""
    unit = unit_of(session, actor, code)
    tree = tree_on(session, date.today())
    rows = _rows(session, actor, unit, year)
    units = {u.id: u for _, u, _ in rows}
    found = []
    for problem, at, _ in rows:
        top = branch_below(tree, at.id, unit.id)
        units.setdefault(top, session.get(Unit, top) or at)
        found.append((str(top), problem.found_on))
    counts = calc.monthly(found, year)
    series = [Series(units[int(k)], v) for k, v in counts.items()]
    return Trend(unit, year, sorted(series, key=lambda s: s.unit.code))


def branch_below(tree: dict[int, int | None], unit_id: int, top: int) -> int:
    """The unit directly below ``top`` whose subtree holds ``unit_id`` (``top`` itself for its own)."""
    at = unit_id
    while at != top and tree.get(at) not in (top, None):
        at = tree[at]  # type: ignore[assignment]  # not None: checked in the loop condition
    return at
