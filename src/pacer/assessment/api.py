"""Responsibility statements and assessments as JSON (``/api/statements``, ``/api/assessment``):
the same services as the pages, scoped to the statements of the units the caller sees."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from pacer.assessment import assess, cascade, document, league, repository, service, whatif
from pacer.assessment.schemas import (
    AdjustIn,
    CascadeIn,
    FromTemplatesIn,
    LeagueRowOut,
    ResultOut,
    ReviseIn,
    StatementIn,
    StatementOut,
    VerbIn,
    WhatIfOut,
    Year,
    league_out,
    result_out,
    statement_out,
    what_if_out,
)
from pacer.assessment.workflow import STATEMENT
from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import NotFound
from pacer.files.kinds import content_disposition
from pacer.kit.xlsx import XLSX
from pacer.reports.render import MEDIA_TYPES
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.params import RowId
from pacer.web.templating import lang_of

router = APIRouter(tags=["assessment"], dependencies=[Depends(protect)])
Verb = Annotated[str, Path(max_length=32, description=", ".join(t.verb for t in STATEMENT.transitions))]
Domain = Annotated[str, Query(max_length=32, description=", ".join(service.DOMAINS))]
Stage = Annotated[str, Query(max_length=10, description=", ".join(assess.STAGE_MONTH))]
Grading = Annotated[str, Query(max_length=10, description=", ".join(league.GRADINGS))]


def _out(db: Db, viewer: CurrentViewer, statement_id: int) -> StatementOut:
    return statement_out(service.view(db, viewer.actor, statement_id), repository.indicator_code_by_id(db))


@router.post("/api/statements", status_code=201)
def draft(body: StatementIn, request: Request, viewer: CurrentViewer, db: Db) -> StatementOut:
    """Draft a unit's statement for a year and domain (the issuing side: the unit above)."""
    made = service.draft(db, viewer.actor, body.unit_code, body.year, body.domain, body.content(), lang_of(request))
    return _out(db, viewer, made.id)


@router.post("/api/statements/from-templates", status_code=201)
def from_templates(body: FromTemplatesIn, request: Request, viewer: CurrentViewer, db: Db) -> list[StatementOut]:
    """Draft every statement missing below a unit, each from its kind's template."""
    made = cascade.draft_from_templates(db, viewer.actor, body.issuer, body.year, body.domain, lang_of(request))
    return [_out(db, viewer, s.id) for s in made]


@router.get("/api/statements/{statement_id}")
def get_statement(statement_id: RowId, viewer: CurrentViewer, db: Db) -> StatementOut:
    """A statement with its items, versions, signing history and the caller's verbs."""
    return _out(db, viewer, statement_id)


@router.put("/api/statements/{statement_id}")
def revise(statement_id: RowId, body: ReviseIn, request: Request, viewer: CurrentViewer, db: Db) -> StatementOut:
    """A new version of the statement; once issued, a reason is required and it is signed again."""
    service.revise(db, viewer.actor, statement_id, body.content(), body.reason, lang_of(request))
    return _out(db, viewer, statement_id)


@router.post("/api/statements/{statement_id}/verbs/{verb}")
def take_verb(statement_id: RowId, verb: Verb, body: VerbIn, viewer: CurrentViewer, db: Db) -> StatementOut:
    """Issue, sign, return, countersign or re-open the statement."""
    service.act(db, viewer.actor, statement_id, verb, body.reason)
    return _out(db, viewer, statement_id)


@router.post("/api/statements/{statement_id}/cascade", status_code=201)
def cascade_statement(
    statement_id: RowId, body: CascadeIn, request: Request, viewer: CurrentViewer, db: Db
) -> list[StatementOut]:
    """Cascade a signed statement to the unit's own units with each one's targets."""
    made = cascade.cascade(db, viewer.actor, statement_id, body.shares, lang_of(request))
    return [_out(db, viewer, s.id) for s in made]


class EventIn(BaseModel):
    code: Annotated[str, Field(max_length=64)]
    occurred_on: date
    note: Annotated[str, Field(max_length=2000)]


@router.post("/api/statements/{statement_id}/events", status_code=201)
def record_event(statement_id: RowId, body: EventIn, request: Request, viewer: CurrentViewer, db: Db) -> StatementOut:
    """Record an event a bonus, deduction or veto counts (a safety incident, an award)."""
    assess.record_event(db, viewer.actor, statement_id, body.code, body.occurred_on, body.note, lang_of(request))
    return _out(db, viewer, statement_id)


@router.get("/api/statements/{statement_id}/what-if")
def what_if(statement_id: RowId, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis) -> list[WhatIfOut]:
    """What the rest of the year is worth, item by item (empty once the year is closed)."""
    return [what_if_out(w) for w in whatif.what_if(db, viewer.actor, analysis, statement_id)]


@router.get("/api/statements/{statement_id}/results/{stage}")
def result(statement_id: RowId, stage: Annotated[str, Path(max_length=10)], viewer: CurrentViewer, db: Db) -> ResultOut:
    """The statement's assessment at a stage, with the working of every item."""
    statement, _, _ = repository.statement(db, viewer.actor, statement_id)
    found = repository.results(db, [statement.id], stage).get(statement.id)
    if found is None:
        raise NotFound(f"statement {statement_id} has no {stage[:10]} assessment yet")
    return result_out(found)


@router.get("/api/statements/{statement_id}/statement.docx")
def statement_docx(statement_id: RowId, request: Request, viewer: CurrentViewer, db: Db) -> Response:
    """The statement as a Word document in the house format."""
    body, name = document.document_of(db, viewer.actor, statement_id, lang_of(request))
    return Response(body, media_type=MEDIA_TYPES["docx"], headers={"Content-Disposition": content_disposition(name)})


class ComputeIn(BaseModel):
    year: Year
    domain: Annotated[str, Field(max_length=32)]
    stage: Annotated[str, Field(max_length=10)] = "yearend"


@router.post("/api/assessment/compute")
def compute(body: ComputeIn, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis) -> list[ResultOut]:
    """Score every signed statement of the year and domain the caller issues."""
    return [
        result_out(r) for r in assess.record_results(db, viewer.actor, analysis, body.year, body.domain, body.stage)
    ]


@router.post("/api/assessment/results/{result_id}/adjustments")
def adjust(result_id: RowId, body: AdjustIn, request: Request, viewer: CurrentViewer, db: Db) -> ResultOut:
    """HQ's adjustment of a score, with its written reason (audited)."""
    return result_out(assess.adjust(db, viewer.actor, result_id, body.points, body.reason, lang_of(request)))


@router.get("/api/assessment/league")
def league_table(
    viewer: CurrentViewer, db: Db, year: Annotated[int, Query(ge=2000, le=2100)], domain: Domain = "business",
    stage: Stage = "yearend", grading: Grading = "bands",
) -> list[LeagueRowOut]:  # fmt: skip
    """The league table: points, grade, rank within the peer group, movement on last year."""
    return [league_out(r) for r in league.league(db, viewer.actor, year, domain, stage, grading)]


@router.get("/api/assessment/league.xlsx")
def league_xlsx(
    request: Request, viewer: CurrentViewer, db: Db, year: Annotated[int, Query(ge=2000, le=2100)],
    domain: Domain = "business", stage: Stage = "yearend", grading: Grading = "bands",
) -> Response:  # fmt: skip
    """The league table as an Excel workbook."""
    rows = league.league(db, viewer.actor, year, domain, stage, grading)
    body = document.league_workbook(rows, lang_of(request), year, domain if domain in service.DOMAINS else "business")
    name = f"assessment-{year}-{domain}-{stage}.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": content_disposition(name)})
