"""Report records as JSON: the records of units you see (``/api/reports/records``), one record
with its narrative, state, verbs, history and approved versions, its narrative edited and its
verbs taken — the same service as the record's page, under the same visibility rule."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from pacer.auth.deps import CurrentViewer, protect
from pacer.models import ReportRecord, Unit
from pacer.reports import record
from pacer.reports.flow import REPORT_FLOW
from pacer.web.deps import Db
from pacer.web.params import RowId
from pacer.web.templating import lang_of

router = APIRouter(prefix="/api/reports/records", tags=["reports"], dependencies=[Depends(protect)])
Verb = Annotated[str, Path(max_length=32, description=", ".join(t.verb for t in REPORT_FLOW.transitions))]
Text = Annotated[str | None, Field(default=None, max_length=record.MAX_TEXT)]


class RecordOut(BaseModel):
    id: int
    unit_code: str
    kind: str
    period: str
    span: str
    title: str
    state: str
    state_label: str
    url: str


class EventOut(BaseModel):
    verb: str
    actor: str
    at: datetime
    reason: str


class VersionOut(BaseModel):
    version: int
    narrative: dict[str, str]
    figures_sha256: str
    approved_by: str
    approved_at: datetime


class RecordDetail(RecordOut):
    narrative: dict[str, str]
    editable: bool
    verbs: list[str]
    history: list[EventOut]
    versions: list[VersionOut]


class NarrativeIn(BaseModel):
    problems: Text = None
    countermeasures: Text = None
    plan: Text = None


class VerbIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


def _out(rec: ReportRecord, unit: Unit, state: str, lang: str) -> RecordOut:
    title = record.title(unit, rec.kind, rec.period, rec.span)
    return RecordOut(
        id=rec.id, unit_code=unit.code, kind=rec.kind, period=rec.period, span=rec.span,
        title=title[0] if lang == "zh" else title[1], state=state,
        state_label=REPORT_FLOW.state_label(state, lang), url=f"/reports/records/{rec.id}",
    )  # fmt: skip


def _detail(db: Db, viewer: CurrentViewer, record_id: int, lang: str) -> RecordDetail:
    s = record.shown(db, viewer.actor, record_id)
    return RecordDetail(
        **_out(s.record, s.unit, s.item.state, lang).model_dump(),
        narrative=record.narrative(s.record),
        editable=s.editable,
        verbs=[t.verb for t in s.verbs],
        history=[EventOut(verb=e.verb, actor=e.actor, at=e.at, reason=e.reason) for e in s.history],
        versions=[
            VersionOut(
                version=v.version,
                narrative=v.narrative,
                figures_sha256=v.figures_sha256,
                approved_by=v.approved_by,
                approved_at=v.approved_at,
            )
            for v in s.versions
        ],
    )


@router.get("", response_model=list[RecordOut])
def list_records(request: Request, viewer: CurrentViewer, db: Db) -> list[RecordOut]:
    """The report records of units you see, latest period first."""
    lang = lang_of(request)
    return [_out(rec, unit, item.state, lang) for rec, unit, item in record.listed(db, viewer.actor)]


@router.get("/{record_id}", response_model=RecordDetail)
def get_record(request: Request, viewer: CurrentViewer, db: Db, record_id: RowId) -> RecordDetail:
    """One record: its narrative, state, the verbs you may take, its history and approved versions."""
    return _detail(db, viewer, record_id, lang_of(request))


@router.put("/{record_id}/narrative", response_model=RecordDetail)
def edit_narrative(
    request: Request, viewer: CurrentViewer, db: Db, record_id: RowId, body: NarrativeIn
) -> RecordDetail:
    """New texts of the narrative blocks given (while the report is being written)."""
    texts = {k: v for k, v in body.model_dump().items() if v is not None}
    record.edit(db, viewer.actor, record_id, texts)
    return _detail(db, viewer, record_id, lang_of(request))


@router.post("/{record_id}/verbs/{verb}", response_model=RecordDetail)
def take_verb(
    request: Request, viewer: CurrentViewer, db: Db, record_id: RowId, verb: Verb, body: VerbIn
) -> RecordDetail:
    """Take a verb: submit (the author), approve or return with a reason (a reviewer), re-open
    with a reason."""
    record.act(db, viewer.actor, record_id, verb, body.reason)
    return _detail(db, viewer, record_id, lang_of(request))
