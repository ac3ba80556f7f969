"""Import elimination entries: intra-group amounts removed when a unit consolidates its subtree.

The whole file is one transaction: any problem stores nothing. An entry is booked on a unit that
has children in the tree of its month, for an indicator the library configures for eliminations
(``eliminated: true``). A flow's value is the amount for the month, a stock's the balance at its
end, scaled like the facts; the value is what the consolidation removes (signed). Entries are
keyed by unit, indicator, month and counterparty: importing the same key again replaces it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.audit.service import record_many
from pacer.auth.permissions import ELIMINATE, SYSTEM, Actor, visible_unit_ids
from pacer.eliminations import repository
from pacer.eliminations.pairs import pair_problems
from pacer.eliminations.repository import Placements
from pacer.errors import Problem, ValidationFailed
from pacer.facts.rows import lock_problems, parse_figure, past_period, visible_unit
from pacer.kit import periods
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Problems, ProblemSink, Row, read_csv
from pacer.models import EliminationEntry, Indicator, Unit
from pacer.models.base import utcnow

ELIMINATION_COLUMNS = ("unit_code", "indicator_code", "period", "value")
ELIMINATION_OPTIONAL = ("counterparty", "description")
COUNTERPARTY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class EntryRow:
    row: int
    unit: Unit
    indicator: Indicator
    period: int
    value: int
    counterparty: str
    description: str


def import_eliminations_file(
    session: Session, path: Path, actor: Actor = SYSTEM, today: date | None = None
) -> dict[str, int]:
    problems = Problems()
    rows = read_csv(path, ELIMINATION_COLUMNS, ELIMINATION_OPTIONAL, problems)
    return import_eliminations(session, rows, actor, today, str(path), problems)


def import_eliminations(
    session: Session,
    rows: Iterable[Row],
    actor: Actor = SYSTEM,
    today: date | None = None,
    source: str = "eliminations",
    problems: Problems | None = None,
) -> dict[str, int]:
    problems = Problems() if problems is None else problems
    parsed = _parse(session, rows, actor, today, problems)
    if problems:
        raise problems.failure(source)
    if not parsed:
        raise ValidationFailed([Problem("no rows: nothing to import")], source)
    return _store(session, parsed, actor)


def _parse(
    session: Session, rows: Iterable[Row], actor: Actor, today: date | None, problems: Problems
) -> list[EntryRow]:
    units = {u.code: u for u in session.scalars(select(Unit))}
    indicators = {i.code: i for i in session.scalars(select(Indicator))}
    allowed = visible_unit_ids(session, actor, ELIMINATE)
    placements = Placements(session)
    now = periods.current_month(today)
    parsed: list[EntryRow] = []
    seen: dict[tuple[str, str, int, str], int] = {}
    for row in rows:
        before = len(problems)
        unit = visible_unit(row, units, allowed, problems)
        indicator = _indicator(row, indicators, problems)
        period = _period(row, now, unit, placements, problems)
        value = None if indicator is None else parse_figure(row, "value", indicator, problems)
        counterparty = row.get("counterparty")
        if len(counterparty) > COUNTERPARTY_LENGTH:
            problems.append(Problem(f"longer than {COUNTERPARTY_LENGTH} characters", row.number, "counterparty"))
        elif 0 < period <= now:
            problems += pair_problems(row.number, counterparty, period, units, placements)
        if len(problems) > before or unit is None or indicator is None or value is None:
            continue
        key = (unit.code, indicator.code, period, counterparty)
        if key in seen:
            problems.append(
                Problem(f"the same unit, indicator, period and counterparty as row {seen[key]}", row.number, "period")
            )
            continue
        seen[key] = row.number
        parsed.append(EntryRow(row.number, unit, indicator, period, value, counterparty, row.get("description")))
    problems += lock_problems(session, parsed)
    return parsed


def _indicator(row: Row, indicators: dict[str, Indicator], problems: ProblemSink) -> Indicator | None:
    indicator = indicators.get(row.get("indicator_code"))
    if indicator is None:
        problems.append(Problem(f"unknown indicator '{row.get('indicator_code')}'", row.number, "indicator_code"))
    elif indicator.kind == "derived":
        problems.append(
            Problem(
                f"'{indicator.code}' is derived from other indicators; eliminate the indicators it is computed from",
                row.number,
                "indicator_code",
            )
        )
    elif not indicator.eliminated:
        problems.append(
            Problem(
                f"'{indicator.code}' is not configured for eliminations (the indicator "
                "library marks those with 'eliminated: true')",
                row.number,
                "indicator_code",
            )
        )
    else:
        return indicator
    return None


def _period(row: Row, now: int, unit: Unit | None, placements: Placements, problems: ProblemSink) -> int:
    period = past_period(row, now, problems)
    if 0 < period <= now and unit is not None:
        # the tree of a month is the tree on its first day, as the analysis consolidates it
        day = periods.first_day(period)
        if not placements.in_tree(unit.id, day):
            problems.append(
                Problem(
                    f"unit '{unit.code}' is not in the org tree in {periods.format_period(period)}",
                    row.number,
                    "period",
                )
            )
        elif not placements.has_children(unit.id, day):
            problems.append(
                Problem(
                    f"unit '{unit.code}' has no units under it in {periods.format_period(period)}: "
                    "only a consolidating unit takes eliminations",
                    row.number,
                    "unit_code",
                )
            )
    return period


def _store(session: Session, parsed: list[EntryRow], actor: Actor) -> dict[str, int]:
    existing = repository.entries_for(session, [(e.unit.id, e.indicator.id, e.period, e.counterparty) for e in parsed])
    counts: Counter[str] = Counter()
    audit = []
    now = utcnow()
    for e in parsed:
        entry = existing.get((e.unit.id, e.indicator.id, e.period, e.counterparty))
        if entry is not None and entry.value == e.value and entry.description == e.description:
            counts["unchanged"] += 1
            continue
        before = None if entry is None else _shown(entry.value, entry.counterparty, entry.description, e.indicator)
        if entry is None:
            counts["created"] += 1
            session.add(
                EliminationEntry(
                    unit_id=e.unit.id,
                    indicator_id=e.indicator.id,
                    period=e.period,
                    counterparty=e.counterparty,
                    value=e.value,
                    description=e.description,
                    created_at=now,
                    created_by=actor.username,
                    updated_at=now,
                    updated_by=actor.username,
                )
            )
        else:
            counts["updated"] += 1
            entry.value, entry.description = e.value, e.description
            entry.updated_at, entry.updated_by = now, actor.username
        audit.append(
            {
                "actor": actor.username,
                "action": "elimination.set",
                "entity": "elimination",
                # the same key shape as a fact's: the analysis replays it unit-month by unit-month
                "entity_key": f"{e.unit.code}/{e.indicator.code}/{periods.format_period(e.period)}",
                "before": before,
                "after": _shown(e.value, e.counterparty, e.description, e.indicator),
            }
        )
    session.flush()
    record_many(session, audit)
    session.flush()
    return {"rows": len(parsed), **counts}


def _shown(value: int, counterparty: str, description: str, indicator: Indicator) -> dict[str, str]:
    return {"value": format_scaled(value, indicator.scale), "counterparty": counterparty, "description": description}
