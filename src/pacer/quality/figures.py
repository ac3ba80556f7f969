"""The quality problem register's monthly figures as indicators: per unit and month the problems
registered (``quality_problems``), closed by zeroing (``quality_problems_closed``) and open at the
month's end (``quality_problems_open``); the library derives the zeroing completion rate from them
after aggregation, like any ratio. They land as facts through :mod:`pacer.facts.derived` (audited
as ``fact.derive``; a unit's reported figure and a closed period are left alone), so the cockpit,
targets, reports and assessment use them like any other indicator.

When the group's setting ``quality_figures`` is ``register``, the figures follow the register by
themselves: a problem registered, closed or withdrawn re-derives its unit's months from then on,
in the same transaction, and the workflow tick derives the current month (so a new month starts
with the problems still open). ``pacer quality figures`` derives any months on demand, whatever
the setting. Each derivation is idempotent: run again, it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import ACCEPT, SYSTEM, Actor
from pacer.errors import DomainError
from pacer.facts import derived
from pacer.facts.derived import DerivedFigure
from pacer.group_settings.service import current
from pacer.kit import periods
from pacer.models import Indicator
from pacer.quality import repository

FOUND, CLOSED, OPEN = "quality_problems", "quality_problems_closed", "quality_problems_open"
CODES = (FOUND, CLOSED, OPEN)
NOTE = "quality problem register"


@dataclass
class Derived:
    """What a derivation of some months did, summed over them."""

    written: int = 0
    unchanged: int = 0
    reported: int = 0
    locked: int = 0
    months: list[int] = field(default_factory=list)


def _indicators(session: Session) -> dict[str, Indicator]:
    found = {i.code: i for i in session.scalars(select(Indicator).where(Indicator.code.in_(CODES)))}
    missing = [code for code in CODES if code not in found]
    if missing:
        raise DomainError(f"the indicator library has no {', '.join(missing)}: run 'pacer db upgrade'", 409)
    return found


def derive(session: Session, actor: Actor, first: int, last: int, unit_ids: set[int] | None = None) -> Derived:
    """The register's figures of the months ``first``..``last`` (YYYYMM) for every unit the
    actor may accept figures of (only ``unit_ids`` when given)."""
    if first > last:
        raise DomainError(f"{periods.format_period(first)} is after {periods.format_period(last)}", 422)
    indicators = _indicators(session)
    out = Derived()
    for period in periods.periods_between(first, last):
        start = periods.first_day(period)
        end = periods.first_day(periods.add_months(period, 1)).toordinal() - 1
        month_end = date.fromordinal(end)
        units = repository.units_in_month(session, actor, start, month_end, ACCEPT)
        counts = repository.month_counts(session, actor, start, month_end, ACCEPT)
        figures = []
        for unit in units:
            if unit_ids is not None and unit.id not in unit_ids:
                continue
            c = counts.get(unit.id, repository.MonthCounts(0, 0, 0))
            for code, value in ((FOUND, c.found), (CLOSED, c.closed), (OPEN, c.open)):
                figures.append(DerivedFigure(unit, indicators[code], period, value))
        done = derived.store(session, figures, actor.username, NOTE)
        out.written += done.written
        out.unchanged += done.unchanged
        out.reported += done.reported
        out.locked += done.locked
        out.months.append(period)
    return out


def follows_register(session: Session) -> bool:
    return current(session).quality_figures == "register"


def follow(session: Session, unit_id: int, since: date, today: date | None = None) -> None:
    """After a change to a problem of ``unit_id`` dated ``since`` (found, closed, withdrawn): its
    unit's months from then to the current one again, when the register is the figures' source."""
    if not follows_register(session):
        return
    now = periods.current_month(today)
    start = min(since.year * 100 + since.month, now)
    derive(session, SYSTEM, start, now, {unit_id})


def tick(session: Session, today: date | None = None) -> list[int]:
    """The workflow tick's part: the current month, when the register is the figures' source;
    the months written (none once they are current)."""
    if not follows_register(session):
        return []
    now = periods.current_month(today)
    return [now] if derive(session, SYSTEM, now, now).written else []
