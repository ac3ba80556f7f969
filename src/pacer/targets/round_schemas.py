"""What the target round's API takes and returns."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from pacer.kit.tabular import Row
from pacer.targets import round as target_round
from pacer.workflow.schemas import EventOut


class ProposalRowIn(BaseModel):
    unit_code: str = Field(max_length=32)
    indicator_code: str = Field(max_length=64)
    tier: str = Field(max_length=10)
    value: str = Field(default="", max_length=40)
    growth_pct: str = Field(default="", max_length=40)
    phasing: str = Field(default="", max_length=200)
    basis: str = Field(default="", max_length=10)


def rows_of(rows: list[ProposalRowIn]) -> list[Row]:
    """The rows numbered from 1, as the problems name them."""
    return [Row(number, row.model_dump()) for number, row in enumerate(rows, start=1)]


class RowsIn(BaseModel):
    rows: list[ProposalRowIn] = Field(min_length=1, max_length=10_000)


class ProposalIn(RowsIn):
    unit_code: str = Field(max_length=32)
    year: int = Field(ge=2000, le=2100)
    due: date | None = None
    submit: bool = False


class VerbIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


class ProposalRowOut(ProposalRowIn):
    line: int


class ProposalSummaryOut(BaseModel):
    id: int
    unit_code: str
    unit_name: str
    year: int
    state: str
    created_by: str
    due_at: datetime | None


class ProposalOut(ProposalSummaryOut):
    rows: list[ProposalRowOut]
    history: list[EventOut]
    verbs: list[str]  # what the viewer may do now


def proposal_out(found: target_round.Proposal, lang: str) -> ProposalOut:
    p, unit, item = found.proposal, found.unit, found.item
    return ProposalOut(
        id=p.id,
        unit_code=unit.code,
        unit_name=unit.name(lang),
        year=p.year,
        state=item.state,
        created_by=p.created_by,
        due_at=item.due_at,
        rows=[ProposalRowOut(line=r.line, **{c: getattr(r, c) for c in target_round.CELLS}) for r in found.rows],
        history=[
            EventOut(verb=e.verb, from_state=e.from_state, to_state=e.to_state, actor=e.actor, at=e.at, reason=e.reason)
            for e in found.history
        ],
        verbs=[t.verb for t in found.verbs],
    )
