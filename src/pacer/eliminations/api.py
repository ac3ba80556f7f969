"""Elimination entries as JSON: a month's entries within the viewer's subtrees, and rows to store
per pair of units or per consolidating unit, checked like ``pacer eliminations import``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from pacer.auth.deps import CurrentViewer, protect
from pacer.eliminations import board
from pacer.errors import DomainError
from pacer.kit import periods
from pacer.kit.tabular import Row
from pacer.web.deps import Db

router = APIRouter(prefix="/api/admin", tags=["eliminations"], dependencies=[Depends(protect)])


class EntryOut(BaseModel):
    unit_code: str
    indicator_code: str
    period: str
    counterparty: str
    value: str
    description: str
    updated_by: str


class EntryIn(BaseModel):
    indicator_code: str = Field(max_length=64)
    period: str = Field(max_length=10, description="YYYY-MM")
    value: str = Field(max_length=40, description="the amount removed, at the indicator's precision")
    seller_code: str = Field("", max_length=64, description="a pair of units: booked at their nearest common parent")
    buyer_code: str = Field("", max_length=64)
    unit_code: str = Field("", max_length=64, description="or the consolidating unit, as the CLI takes it")
    counterparty: str = Field("", max_length=200)
    description: str = Field("", max_length=1000)


class EntriesIn(BaseModel):
    rows: list[EntryIn] = Field(max_length=5000)


@router.get("/eliminations")
def list_entries(
    viewer: CurrentViewer, db: Db, period: Annotated[str, Query(max_length=10, description="YYYY-MM")]
) -> list[EntryOut]:
    """A month's elimination entries on units the viewer sees."""
    try:
        month = periods.parse_period(period)
    except ValueError as exc:
        raise DomainError(str(exc), status=422) from None
    return [
        EntryOut(unit_code=r.unit.code, indicator_code=r.indicator.code, period=periods.format_period(month),
                 counterparty=r.entry.counterparty, value=r.value, description=r.entry.description,
                 updated_by=r.entry.updated_by)
        for r in board.entries(db, viewer.actor, month)
    ]  # fmt: skip


@router.post("/eliminations")
def save_entries(body: EntriesIn, viewer: CurrentViewer, db: Db) -> dict[str, int]:
    """Store rows, all or nothing (the same key again replaces its entry); the counts."""
    rows = [Row(n, {k: v for k, v in r.model_dump().items() if v}) for n, r in enumerate(body.rows, start=1)]
    return board.save_rows(db, viewer.actor, rows, "eliminations")
