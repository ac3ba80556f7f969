"""Figures a feature derives from its own records (the quality problem register's counts), stored
as facts like any reported figure so that the cockpit, targets, reports and assessment read them
the same way, and audited like them (entity ``fact``: the analysis engine catches up by itself).

Three rules keep the derivation honest and repeatable:

- a figure that came with a unit's submission (its ``submission_id`` is set) is the unit's word:
  it is never overwritten, and is left out of what is derived;
- a closed period (a period lock) never changes: its figures are left as they are;
- a figure already equal to the derived one is not written again, so a second run writes nothing
  and adds nothing to the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from pacer.audit.service import record_many
from pacer.facts import repository
from pacer.kit import periods
from pacer.kit.numbers import format_scaled
from pacer.models import Indicator, Unit


@dataclass(frozen=True)
class DerivedFigure:
    unit: Unit
    indicator: Indicator
    period: int  # YYYYMM
    value: int  # scaled like the indicator's figures: a flow's month, a stock's month-end balance


@dataclass
class Stored:
    """What a derivation did: figures written, unchanged, left to a submission, or in a closed period."""

    written: int = 0
    unchanged: int = 0
    reported: int = 0
    locked: int = 0
    periods: set[int] = field(default_factory=set)


def store(session: Session, figures: Sequence[DerivedFigure], actor: str, note: str) -> Stored:
    """Store ``figures`` (flushes; the caller's transaction commits)."""
    done = Stored()
    if not figures:
        return done
    wanted = {(f.unit.id, f.indicator.id, f.period): f for f in figures}
    first, last = min(f.period for f in figures), max(f.period for f in figures)
    locked = repository.locked_periods(session, {f.period for f in figures})
    stored = repository.fact_rows(session, {k[0] for k in wanted}, {k[1] for k in wanted}, first, last)
    writes: list[tuple[int, int, int, int, int | None]] = []
    audit = []
    for key, f in wanted.items():
        old = stored.get(key)
        if f.period in locked:
            done.locked += 1
        elif old is not None and old[1] is not None:
            done.reported += 1
        elif old is not None and old[0] == f.value:
            done.unchanged += 1
        else:
            done.written += 1
            done.periods.add(f.period)
            writes.append((*key, f.value, None))
            audit.append(_audit(f, old, actor, note))
    repository.upsert_facts(session, writes)
    record_many(session, audit)
    session.flush()
    return done


def _audit(f: DerivedFigure, old: tuple[int, int | None] | None, actor: str, note: str) -> dict[str, object]:
    scale = f.indicator.scale
    return {
        "actor": actor,
        "action": "fact.derive",
        "entity": "fact",
        "entity_key": f"{f.unit.code}/{f.indicator.code}/{periods.format_period(f.period)}",
        "before": None if old is None else {"value": format_scaled(old[0], scale)},
        "after": {"value": format_scaled(f.value, scale)},
        "note": note,
    }
