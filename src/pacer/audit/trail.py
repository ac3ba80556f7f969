"""The audit trail as read: a search page by page (newest first, a keyset cursor), and one
figure's history (every value it had, who gave it, when, from which submission or file, and
why). Reads only; the trail is written by :mod:`pacer.audit.service`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.audit import repository
from pacer.audit.query import AuditAsk
from pacer.auth.permissions import AUDIT, Actor
from pacer.errors import Forbidden, NotFound
from pacer.kit.numbers import format_scaled
from pacer.models import AuditEntry, Fact, Indicator, Submission, Unit

MAX_PAGE = 200
REMINDERS = "submission.remind"  # the monitor's reminders: who was told, not a change


@dataclass(frozen=True)
class Line:
    entry: AuditEntry
    unit: Unit | None


@dataclass(frozen=True)
class TrailPage:
    lines: list[Line]
    next_before: int | None  # the cursor of the next (older) page; None: this is the last


def require_reader(actor: Actor) -> None:
    if not actor.is_system and not actor.roots_for(AUDIT):
        raise Forbidden("the audit trail is read by HQ and by a unit's approvers")


def search(session: Session, actor: Actor, ask: AuditAsk, limit: int = 50) -> TrailPage:
    require_reader(actor)
    unit_id = None
    if ask.unit:
        unit = repository.unit_by_code(session, actor, ask.unit)
        if unit is None:
            return TrailPage([], None)  # unknown or out of sight: nothing, alike
        unit_id = unit.id
    rows = repository.search(session, actor, ask, unit_id, min(limit, MAX_PAGE) + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    units = repository.unit_codes(session, [r.unit_id for r in rows if r.unit_id is not None])
    lines = [Line(r, units.get(r.unit_id) if r.unit_id is not None else None) for r in rows]
    return TrailPage(lines, rows[-1].id if more and rows else None)


def every_line(session: Session, actor: Actor, ask: AuditAsk, cap: int) -> list[Line]:
    """The search's rows page after page, at most ``cap`` (an export)."""
    lines: list[Line] = []
    while len(lines) < cap:
        page = search(session, actor, ask, min(MAX_PAGE, cap - len(lines)))
        lines += page.lines
        if page.next_before is None:
            break
        ask = replace(ask, before=page.next_before)
    return lines


@dataclass(frozen=True)
class Step:
    """One thing that happened to the figure or to its unit's report of the month."""

    entry: AuditEntry
    before: str | None  # the figure's value before and after, when this step changed it
    after: str | None
    source: str  # the submission or the file it came from
    reason: str  # a verb's reason, or the explanation given for the figure


@dataclass(frozen=True)
class FigureHistory:
    unit: Unit
    indicator: Indicator
    period: int
    current: str | None  # the figure of record (None: none yet)
    submission: Submission | None  # the submission it came with
    steps: list[Step]


def figure_history(session: Session, actor: Actor, unit_code: str, indicator_code: str, period: int) -> FigureHistory:
    unit = repository.unit_by_code(session, actor, unit_code)
    if unit is None:  # unknown, out of sight, or the actor reads no trail: the same answer
        raise NotFound("no such unit among those whose trail you may read")
    indicator = session.scalar(select(Indicator).where(Indicator.code == indicator_code))
    if indicator is None:
        raise NotFound(f"no indicator '{indicator_code}'")
    fact = session.get(Fact, {"unit_id": unit.id, "indicator_id": indicator.id, "period": period})
    submission = session.get(Submission, fact.submission_id) if fact and fact.submission_id else None
    current = format_scaled(fact.value, indicator.scale) if fact else None
    rows = repository.about_figure(session, actor, unit.id, indicator.code, period)
    steps = [s for r in rows if (s := _step(r, indicator.code)) is not None]
    return FigureHistory(unit, indicator, period, current, submission, steps)


def _step(row: AuditEntry, code: str) -> Step | None:
    before, after = row.before or {}, row.after or {}
    if row.entity in ("fact", "elimination"):
        return Step(row, _text(before.get("value")), _text(after.get("value")), row.note, "")
    if row.entity == "submission" and row.action != REMINDERS:
        old, new = _of(before, "figures", code), _of(after, "figures", code)
        said_before, said = _explained(before, code), _explained(after, code)
        if old == new and said_before == said:
            return None
        return Step(row, old, new, row.entity_key, said if said != said_before else "")
    if row.entity == "workflow_item":
        return Step(row, None, None, row.entity_key, row.note)
    return None


def _of(snapshot: dict[str, Any], part: str, code: str) -> str | None:
    values = snapshot.get(part)
    return _text(values.get(code)) if isinstance(values, dict) else None


def _explained(snapshot: dict[str, Any], code: str) -> str:
    notes = snapshot.get("explanations")
    if not isinstance(notes, dict):
        return ""
    return "; ".join(str(text) for key, text in sorted(notes.items()) if str(key).endswith(f":{code}"))


def _text(value: object) -> str | None:
    return None if value is None else str(value)
