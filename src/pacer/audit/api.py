"""The audit trail as JSON: ``/api/audit`` (searched, newest first, keyset-paged) and one figure's
history, ``/api/audit/figure/<unit>/<indicator>/<YYYY-MM>``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from pacer.audit import trail
from pacer.audit.query import KINDS, parse_ask
from pacer.audit.subject import month_of
from pacer.auth.deps import CurrentViewer
from pacer.errors import Problem, ValidationFailed
from pacer.kit import periods
from pacer.web.deps import Db
from pacer.web.params import MAX_ID

router = APIRouter(prefix="/api/audit", tags=["audit"])
Text = Annotated[str | None, Query(max_length=64)]


class EntryOut(BaseModel):
    id: int
    at: datetime
    person: str
    action: str
    kind: str = Field(description="The kind of record changed: " + ", ".join(KINDS) + ".")
    key: str
    unit_code: str | None
    indicator: str | None
    period: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str


class TrailOut(BaseModel):
    items: list[EntryOut]
    next_before: int | None = Field(description="Pass as ``before`` for the next (older) page; null: none.")


def entry_out(line: trail.Line) -> EntryOut:
    e = line.entry
    return EntryOut(
        id=e.id,
        at=e.at,
        person=e.actor,
        action=e.action,
        kind=e.entity,
        key=e.entity_key,
        unit_code=line.unit.code if line.unit else None,
        indicator=e.indicator,
        period=periods.format_period(e.period) if e.period else None,
        before=e.before,
        after=e.after,
        note=e.note,
    )


@router.get("")
def search(
    viewer: CurrentViewer,
    db: Db,
    unit: Annotated[str | None, Query(max_length=32, description="A unit code: it and the units below.")] = None,
    indicator: Text = None,
    period: Annotated[str | None, Query(max_length=7, description="YYYY-MM")] = None,
    person: Text = None,
    kind: Text = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="The cursor: changes older than this id.")] = None,
    limit: Annotated[int, Query(ge=1, le=trail.MAX_PAGE)] = 50,
) -> TrailOut:
    """The changes the caller may read (HQ: the group; a unit's approver: their subtree), newest first."""
    ask = parse_ask(
        unit, indicator, period, person, kind, start.isoformat() if start else None, to.isoformat() if to else None
    )
    page = trail.search(db, viewer.actor, replace(ask, before=before), limit)
    return TrailOut(items=[entry_out(line) for line in page.lines], next_before=page.next_before)


class StepOut(BaseModel):
    entry: EntryOut
    value_before: str | None
    value_after: str | None
    source: str = Field(description="The submission or the file the change came from.")
    reason: str = Field(description="A verb's reason or the explanation given for the figure.")


class HistoryOut(BaseModel):
    unit_code: str
    indicator: str
    period: str
    value: str | None = Field(description="The figure of record (null: none yet).")
    submission_id: int | None
    submission_source: str | None
    steps: list[StepOut]


def month_path(period: str) -> int:
    month = month_of(period)
    if month is None:
        raise ValidationFailed([Problem(f"{period!r} is not a month (YYYY-MM)", field="period")], "history")
    return month


@router.get("/figure/{unit_code}/{indicator_code}/{period}")
def figure_history(
    viewer: CurrentViewer,
    db: Db,
    unit_code: Annotated[str, Path(max_length=32)],
    indicator_code: Annotated[str, Path(max_length=64)],
    period: Annotated[str, Path(max_length=7, description="YYYY-MM")],
) -> HistoryOut:
    """Every value one figure had, who gave it, when, from which submission or file, and why."""
    h = trail.figure_history(db, viewer.actor, unit_code, indicator_code, month_path(period))
    return HistoryOut(
        unit_code=h.unit.code,
        indicator=h.indicator.code,
        period=periods.format_period(h.period),
        value=h.current,
        submission_id=h.submission.id if h.submission else None,
        submission_source=h.submission.source if h.submission else None,
        steps=[
            StepOut(
                entry=entry_out(trail.Line(s.entry, h.unit)),
                value_before=s.before,
                value_after=s.after,
                source=s.source,
                reason=s.reason,
            )
            for s in h.steps
        ],
    )
