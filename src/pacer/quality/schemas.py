"""What the quality problems API takes and returns."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from pacer.models import StoredFile, Unit, WorkflowItem
from pacer.models.quality import QualityProblem, SisterCheck
from pacer.quality.service import ProblemView
from pacer.quality.validation import TEXT_LIMIT, TITLE_LIMIT, ProblemPlan, SignalSource
from pacer.quality.words import CAUSES, SEVERITIES, STAGES, TRACKS, criterion_name, label
from pacer.quality.workflow import CHECK, PROBLEM
from pacer.workflow.schemas import EventOut

MAX_ID = 2**31 - 1
ATTACHMENTS_MAX = 10  # files with one upload


class SourceIn(BaseModel):
    characteristic_id: int = Field(ge=1, le=MAX_ID, description="The stored SPC characteristic.")
    point: int = Field(ge=1, le=MAX_ID, description="The 1-based index of the point on its chart.")
    rule: str = Field(default="", max_length=32, description="The run rule that fired (we1 … nelson8).")


class ProblemIn(BaseModel):
    unit_code: str = Field(max_length=32, description="The unit where the problem was found.")
    title: str = Field(max_length=TITLE_LIMIT + 100)
    found_stage: str = Field(max_length=16, description=", ".join(STAGES))
    severity: str = Field(max_length=16, description=", ".join(SEVERITIES))
    found_on: date
    owner: str = Field(default="", max_length=64, description="Who drives its zeroing (default: you).")
    deadline: date | None = Field(default=None, description="The zeroing deadline (default: 30 days after found).")
    programme: str = Field(default="", max_length=200, description="The programme (型号).")
    product: str = Field(default="", max_length=300)
    origin_stage: str = Field(default="", max_length=16, description="Where it originated, once located.")
    cause: str = Field(default="", max_length=16, description=", ".join(CAUSES))
    description: str = Field(default="", max_length=TEXT_LIMIT + 1)
    supplier: str = Field(default="", max_length=300)
    source: SourceIn | None = Field(default=None, description="The control-chart signal it comes from.")

    def plan(self) -> ProblemPlan:
        return ProblemPlan(**self.model_dump(exclude={"source"}))

    def signal(self) -> SignalSource | None:
        return SignalSource(**self.source.model_dump()) if self.source else None


class EvidenceIn(BaseModel):
    text: str = Field(max_length=TEXT_LIMIT + 1)


class SignIn(BaseModel):
    note: str = Field(default="", max_length=TEXT_LIMIT + 1)


class VerbIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


class ChecksIn(BaseModel):
    units: list[str] | None = Field(
        default=None, max_length=200, description="Unit codes to check; default: every sister unit."
    )
    deadline: date | None = None


class AnswerIn(BaseModel):
    affected: bool = Field(description="Whether the same problem exists at the unit checked.")
    finding: str = Field(max_length=TEXT_LIMIT + 1)


class FileOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    url: str = Field(description="Where its bytes are downloaded.")


class ProblemSummaryOut(BaseModel):
    id: int
    title: str
    unit_code: str
    unit_name: str
    programme: str
    product: str
    found_stage: str
    origin_stage: str
    cause: str
    severity: str
    severity_label: str
    found_on: date
    deadline: date
    supplier: str
    owner: str
    state: str
    state_label: str
    closed_on: date | None
    source: SourceIn | None


class CriterionOut(BaseModel):
    code: str
    track: str
    track_label: str
    label: str
    evidence: str
    evidence_by: str
    evidence_at: datetime | None
    signed_by: str
    signed_at: datetime | None
    sign_note: str
    files: list[FileOut]


class CheckOut(BaseModel):
    id: int
    unit_code: str
    unit_name: str
    deadline: date
    state: str
    state_label: str
    affected: bool | None
    finding: str
    answered_by: str


class ProblemOut(ProblemSummaryOut):
    description: str
    criteria: list[CriterionOut]
    attachments: list[FileOut]
    checks: list[CheckOut]
    history: list[EventOut]
    verbs: list[str] = Field(description="What the viewer may do now.")


def summary_out(p: QualityProblem, unit: Unit, item: WorkflowItem, lang: str) -> ProblemSummaryOut:
    source = None
    if p.source_characteristic_id is not None and p.source_point is not None:
        source = SourceIn(characteristic_id=p.source_characteristic_id, point=p.source_point, rule=p.source_rule)
    return ProblemSummaryOut(
        id=p.id, title=p.title, unit_code=unit.code, unit_name=unit.name(lang), programme=p.programme,
        product=p.product, found_stage=p.found_stage, origin_stage=p.origin_stage, cause=p.cause,
        severity=p.severity, severity_label=label(SEVERITIES, p.severity, lang), found_on=p.found_on,
        deadline=p.deadline, supplier=p.supplier, owner=p.owner, state=item.state,
        state_label=PROBLEM.state_label(item.state, lang), closed_on=p.closed_on, source=source,
    )  # fmt: skip


def _file(f: StoredFile, url: str) -> FileOut:
    return FileOut(id=f.id, filename=f.filename, content_type=f.content_type, size=f.size, url=url)


def check_out(check: SisterCheck, unit: Unit, item: WorkflowItem, lang: str) -> CheckOut:
    return CheckOut(
        id=check.id, unit_code=unit.code, unit_name=unit.name(lang), deadline=check.deadline, state=item.state,
        state_label=CHECK.state_label(item.state, lang), affected=check.affected, finding=check.finding,
        answered_by=check.answered_by,
    )  # fmt: skip


def problem_out(view: ProblemView, lang: str) -> ProblemOut:
    p, base = view.problem, f"/api/quality/problems/{view.problem.id}/files"
    criteria = [
        CriterionOut(
            code=c.code,
            track=c.track,
            track_label=label(TRACKS, c.track, lang),
            label=criterion_name(c.code, lang),
            evidence=c.evidence,
            evidence_by=c.evidence_by,
            evidence_at=c.evidence_at,
            signed_by=c.signed_by,
            signed_at=c.signed_at,
            sign_note=c.sign_note,
            files=[_file(f, f"{base}/{f.id}") for f in view.evidence.get(c.id, [])],
        )
        for c in view.criteria
    ]
    return ProblemOut(
        **summary_out(p, view.unit, view.item, lang).model_dump(),
        description=p.description,
        criteria=criteria,
        attachments=[_file(f, f"{base}/{f.id}") for f in view.attachments],
        checks=[check_out(c, u, i, lang) for c, u, i in view.checks],
        history=[EventOut.model_validate(e, from_attributes=True) for e in view.history],
        verbs=[v.verb for v in view.verbs],
    )


class ParetoBarOut(BaseModel):
    key: str = Field(description="The cause, stage or supplier; empty when not determined.")
    label: str
    count: int
    cumulative_share: float = Field(description="Share of all problems in this bar and the ones before it, 0–1.")


class ParetoOut(BaseModel):
    unit_code: str
    year: int
    by: str
    total: int = Field(description="The problems counted in the bars.")
    bars: list[ParetoBarOut]
    unattributed: int = Field(0, description="By supplier: the problems with no supplier named, left out of the bars.")


class SeriesOut(BaseModel):
    unit_code: str
    unit_name: str
    counts: list[int] = Field(description="Problems found in January … December.")


class TrendOut(BaseModel):
    unit_code: str
    year: int
    series: list[SeriesOut]


class StepYieldIn(BaseModel):
    """One process step of a product at a unit in a month."""

    model_config = ConfigDict(extra="forbid")

    unit: str = Field(max_length=64, description="The unit's code.")
    month: str = Field(max_length=7, description="YYYY-MM.")
    product: str = Field(max_length=200)
    step: int = Field(description="The step's number in the product's route, from 1.")
    entered: int = Field(description="Units entering the step.")
    passed: int = Field(description="Units passing it the first time (no rework, repair or scrap).")


class StepYieldsIn(BaseModel):
    rows: list[StepYieldIn] = Field(max_length=100_000)


class YieldsOut(BaseModel):
    months: list[str] = Field(description="The unit-months stored, as UNIT/YYYY-MM.")
    written: int
    unchanged: int
    reported: int = Field(description="Figures left alone as the unit reported them itself.")
    locked: int = Field(description="Figures left alone in a closed month.")
