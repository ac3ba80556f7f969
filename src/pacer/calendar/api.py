"""The reporting calendar as JSON: ``/api/periods`` (a year's months), lock, reopen, deadline."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from pacer.audit.api import month_path
from pacer.auth.deps import CurrentViewer, protect
from pacer.calendar import service
from pacer.web.deps import Db

router = APIRouter(prefix="/api/periods", tags=["reporting calendar"], dependencies=[Depends(protect)])
Month = Annotated[str, Path(max_length=7, description="YYYY-MM")]


class MonthOut(BaseModel):
    period: str
    status: str = Field(description="open, locked or reopened")
    locked_by: str | None
    locked_at: datetime | None
    reopened_by: str | None
    reopen_reason: str | None
    due_on: date = Field(description="The reporting deadline (reports of the month are due by its end, UTC).")
    moved: bool = Field(description="The deadline was moved by hand from the default.")


def month_out(m: service.Month) -> MonthOut:
    return MonthOut(
        period=m.label,
        status=m.status,
        locked_by=m.lock.locked_by if m.lock else None,
        locked_at=m.lock.locked_at if m.lock else None,
        reopened_by=m.reopened.actor if m.reopened else None,
        reopen_reason=m.reopened.note if m.reopened else None,
        due_on=m.due_on,
        moved=m.moved,
    )


class ReasonIn(BaseModel):
    reason: str = Field("", max_length=2000)


class DeadlineIn(BaseModel):
    due_on: date


@router.get("")
def calendar(db: Db, viewer: CurrentViewer, year: Annotated[int, Query(ge=1900, le=2999)] = 0) -> list[MonthOut]:
    """The year's months (default: this year): open, locked or reopened, and their deadlines."""
    service.require_hq(db, viewer.actor)
    return [month_out(m) for m in service.year(db, year or date.today().year)]


def _one(db: Db, period: int) -> MonthOut:
    return month_out(next(m for m in service.year(db, period // 100) if m.period == period))


@router.post("/{month}/lock")
def lock(db: Db, viewer: CurrentViewer, month: Month) -> MonthOut:
    """Lock the month: no figure of it may change until it is reopened."""
    period = month_path(month)
    service.lock(db, viewer.actor, period)
    return _one(db, period)


@router.post("/{month}/reopen")
def reopen(db: Db, viewer: CurrentViewer, month: Month, body: ReasonIn) -> MonthOut:
    """Reopen a locked month; the reason is required and kept in the audit trail."""
    period = month_path(month)
    service.reopen(db, viewer.actor, period, body.reason)
    return _one(db, period)


@router.put("/{month}/deadline")
def deadline(db: Db, viewer: CurrentViewer, month: Month, body: DeadlineIn) -> MonthOut:
    """Move the month's reporting deadline (a day of the month that follows it)."""
    period = month_path(month)
    service.set_deadline(db, viewer.actor, period, body.due_on)
    return _one(db, period)
