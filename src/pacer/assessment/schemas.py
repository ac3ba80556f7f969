"""What the assessment API takes and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from pacer.assessment.league import LeagueRow
from pacer.assessment.plan import Content
from pacer.assessment.service import StatementView
from pacer.assessment.whatif import WhatIf
from pacer.models import AssessmentResult
from pacer.workflow.schemas import EventOut

Code = Annotated[str, Field(max_length=64)]
Points = Annotated[int, Field(ge=-1_000_000, le=1_000_000, description="hundredths of a point")]
Figure = Annotated[int, Field(ge=-(10**17), le=10**17, description="scaled at the indicator's decimals")]
Reason = Annotated[str, Field(max_length=2000)]
Year = Annotated[int, Field(ge=2000, le=2100)]


class ItemIn(BaseModel):
    """One item; see the README for which fields each kind takes."""

    code: Code
    kind: Annotated[str, Field(max_length=16, description="quantitative, qualitative, bonus, deduction, veto")]
    name_zh: Annotated[str, Field(max_length=200)] = ""
    name_en: Annotated[str, Field(max_length=200)] = ""
    weight: Points = 0
    indicator: Code | None = None
    measure: Annotated[str, Field(max_length=32)] = ""
    rule: Annotated[str, Field(max_length=16)] = ""
    threshold: Figure | None = None
    target: Figure | None = None
    bands: Annotated[list[tuple[Figure, Points]], Field(max_length=20)] = []
    lower_is_better: bool | None = None
    cap: Annotated[int, Field(ge=0, le=100_000, description="basis points of the weight")] = 10_000
    per_event: Points = 0
    limit: Points = 0
    grade: Annotated[str, Field(max_length=8)] = ""


class ContentIn(BaseModel):
    items: Annotated[list[ItemIn], Field(max_length=100)]
    grades: Annotated[list[tuple[Annotated[str, Field(max_length=8)], Points]], Field(max_length=10)] | None = None

    def content(self) -> Content:
        raw: dict[str, Any] = {"items": [i.model_dump(exclude_none=True) for i in self.items]}
        if self.grades:
            raw["grades"] = [list(g) for g in self.grades]
        return Content.of(raw)


class StatementIn(ContentIn):
    unit_code: Annotated[str, Field(max_length=32)]
    year: Year
    domain: Annotated[str, Field(max_length=32)]


class ReviseIn(ContentIn):
    reason: Reason = ""


class VerbIn(BaseModel):
    reason: Reason = ""


class FromTemplatesIn(BaseModel):
    issuer: Annotated[str, Field(max_length=32, description="the unit whose units get statements")]
    year: Year
    domain: Annotated[str, Field(max_length=32)]


class CascadeIn(BaseModel):
    shares: Annotated[
        dict[Annotated[str, Field(max_length=32)], dict[Code, dict[Annotated[str, Field(max_length=16)], Figure]]],
        Field(description="unit code -> item code -> {threshold, target}", max_length=500),
    ]


class AdjustIn(BaseModel):
    points: Points
    reason: Reason


class ItemOut(ItemIn):
    position: int


class VersionOut(BaseModel):
    version: int
    state: str
    reason: str
    changed_by: str
    changed_at: datetime
    content: dict[str, Any]


class StatementOut(BaseModel):
    id: int
    unit_code: str
    year: int
    domain: str
    state: str
    version: int
    parent_id: int | None
    issuer_unit_id: int
    items: list[ItemOut]
    grades: list[Any]
    versions: list[VersionOut]
    history: list[EventOut]
    verbs: list[str]


class ResultOut(BaseModel):
    id: int
    statement_id: int
    stage: str
    through: int
    base: int
    total: int
    adjustment: int
    final: int
    grade: str
    working: dict[str, Any]


class LeagueRowOut(BaseModel):
    statement_id: int
    unit_code: str
    peer: str
    state: str
    final: int | None
    grade: str | None
    rank: int | None
    of: int | None
    last_final: int | None
    last_rank: int | None
    move: int | None


class WhatIfOut(BaseModel):
    code: str
    indicator: str
    scale: int
    weight: int
    value: int | None
    month: int
    heading: int | None
    points: int
    most: int
    at_stake: int
    needed: int | None = Field(description="what a flow still needs for its strive target (0 once met)")
    met: bool = Field(description="the strive target is reached already")


def statement_out(v: StatementView, codes: dict[int, str]) -> StatementOut:
    items = []
    for i in v.items:
        raw = {c: getattr(i, c) for c in ItemIn.model_fields if c != "indicator"}
        items.append(ItemOut(**raw, indicator=codes.get(i.indicator_id or 0), position=i.position))
    s = v.statement
    return StatementOut(
        id=s.id, unit_code=v.unit.code, year=s.year, domain=s.domain, state=v.item.state, version=s.version,
        parent_id=s.parent_id, issuer_unit_id=s.issuer_unit_id, items=items, grades=s.grades,
        versions=[VersionOut.model_validate(x, from_attributes=True) for x in v.versions],
        history=[EventOut.model_validate(e, from_attributes=True) for e in v.history],
        verbs=[t.verb for t in v.verbs],
    )  # fmt: skip


def result_out(r: AssessmentResult) -> ResultOut:
    return ResultOut.model_validate(r, from_attributes=True)


def league_out(r: LeagueRow) -> LeagueRowOut:
    final = r.result.final if r.result else None
    return LeagueRowOut(
        statement_id=r.statement.id, unit_code=r.unit.code, peer=r.peer, state=r.state, final=final, grade=r.grade,
        rank=r.rank, of=r.of, last_final=r.last_final, last_rank=r.last_rank, move=r.move,
    )  # fmt: skip


def what_if_out(w: WhatIf) -> WhatIfOut:
    return WhatIfOut.model_validate(w, from_attributes=True)
