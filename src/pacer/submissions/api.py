"""Monthly submissions as JSON (``/api/submissions``): the same service as the terminal, scoped
to the units the caller (a signed-in user or an API token's user) sees.

The version is the submission's ETag; a ``PUT`` of figures must say which version it read
(``If-Match`` or ``version``) and is refused with 409 when it is no longer the stored one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel, Field

from pacer.auth.deps import CurrentViewer, Viewer, protect
from pacer.errors import DomainError
from pacer.kit import periods
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Row
from pacer.submissions import service
from pacer.submissions.said import in_language as _in  # in the caller's language
from pacer.web.deps import Db
from pacer.web.idempotency import Idempotency, Idempotent
from pacer.web.pagination import Page, Paging
from pacer.web.templating import lang_of
from pacer.workflow.schemas import EventOut

router = APIRouter(prefix="/api/submissions", tags=["submissions"], dependencies=[Depends(protect)])

UnitCode = Annotated[str, Path(max_length=32, description="The unit's code.")]
Month = Annotated[str, Path(max_length=7, description="The month, YYYY-MM.")]
IfMatch = Annotated[str | None, Header(description="The version read (the ETag of the GET).")]


class FigureIn(BaseModel):
    indicator_code: str = Field(max_length=64)
    value: str = Field(max_length=40)
    basis: str = Field(default="", max_length=10)


class Narrative(BaseModel):
    situation: str | None = Field(default=None, max_length=20_000)
    problems: str | None = Field(default=None, max_length=20_000)
    deviations: str | None = Field(default=None, max_length=20_000)
    measures: str | None = Field(default=None, max_length=20_000)


Explanations = dict[Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=4000)]]


class SaveIn(BaseModel):
    figures: list[FigureIn] | None = Field(default=None, max_length=10_000)
    narrative: Narrative = Field(default_factory=Narrative)
    # the written explanations of the warnings the figures raise, by rule:indicator (or indicator)
    explanations: Explanations = Field(default_factory=dict, max_length=10_000)
    version: int | None = Field(default=None, ge=0)


class ExplainIn(BaseModel):
    explanations: Explanations = Field(max_length=10_000)
    version: int | None = Field(default=None, ge=0)


class VerbIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, ge=0)


class FigureOut(FigureIn):
    pass


class SummaryOut(BaseModel):
    unit_code: str
    unit_name: str
    period: str
    state: str
    version: int
    source: str
    due_at: datetime | None


class CheckOut(BaseModel):
    """A rule's finding: an error blocks submitting; a warning needs a written explanation."""

    key: str  # rule:indicator, what an explanation is given for
    rule: str
    indicator: str
    severity: str
    cell: str
    message: str  # in the caller's language
    message_zh: str
    message_en: str
    values: dict[str, str]
    explanation: str
    explained_by: str | None
    explained_at: datetime | None


class SubmissionOut(SummaryOut):
    figures: list[FigureOut]
    checks: list[CheckOut]
    narrative: Narrative
    history: list[EventOut]
    verbs: list[str]  # what the caller may do now
    # earlier months of the year whose latest figures the checks used, not yet accepted (YYYY-MM)
    provisional_months: list[str]


def _month(text: str) -> int:
    try:
        return periods.parse_period(text)
    except ValueError as exc:
        raise DomainError(str(exc), status=422) from None


def _version(if_match: str | None, given: int | None) -> int | None:
    if given is not None or if_match is None:
        return given
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isascii() or not text.isdigit():
        raise DomainError(f"If-Match: '{if_match}' is not a version (the ETag of the GET)", status=422)
    return int(text)


def _required_version(if_match: str | None, given: int | None) -> int:
    version = _version(if_match, given)
    if version is None:
        raise DomainError("say which version you read: an If-Match header or 'version' (0 for a new one)", status=428)
    return version


def _out(found: service.Found, lang: str, response: Response) -> SubmissionOut:
    sub, item = found.submission, found.item
    response.headers["ETag"] = f'"{sub.version}"'
    return SubmissionOut(
        unit_code=found.unit.code,
        unit_name=found.unit.name(lang),
        period=periods.format_period(sub.period),
        state=found.state,
        version=sub.version,
        source=sub.source,
        due_at=item.due_at if item else None,
        figures=[
            FigureOut(indicator_code=i.code, value=format_scaled(f.value, i.scale), basis=f.basis)
            for i, f in found.figures
        ],
        checks=[
            CheckOut(
                key=c.key,
                rule=c.rule,
                indicator=c.indicator,
                severity=c.severity,
                cell=c.cell,
                message=c.message(lang),
                message_zh=c.message_zh,
                message_en=c.message_en,
                values={str(k): str(v) for k, v in (c.values or {}).items()},
                explanation=c.explanation,
                explained_by=c.explained_by,
                explained_at=c.explained_at,
            )
            for c in found.checks
        ],
        narrative=Narrative(**{f: getattr(sub, f) for f in service.NARRATIVE}),
        history=[
            EventOut(verb=e.verb, from_state=e.from_state, to_state=e.to_state, actor=e.actor, at=e.at, reason=e.reason)
            for e in found.history
        ],
        verbs=[t.verb for t in found.verbs],
        provisional_months=[periods.format_period(p) for p in found.provisional],
    )


@router.get("")
def list_submissions(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    paging: Paging,
    period: Annotated[str | None, Query(max_length=7, description="Only this month, YYYY-MM.")] = None,
    state: Annotated[str | None, Query(max_length=16, description="Only this state.")] = None,
) -> Page[SummaryOut]:
    """The submissions of the units the caller sees, newest month first."""
    lang = lang_of(request)
    with _in(lang):
        chosen = _month(period) if period else None
        total, rows = service.submissions(db, viewer.actor, chosen, state, paging.limit, paging.offset)
    items = [
        SummaryOut(
            unit_code=u.code,
            unit_name=u.name(lang),
            period=periods.format_period(s.period),
            state=s.state,
            version=s.version,
            source=s.source,
            due_at=i.due_at if i else None,
        )
        for s, u, i in rows
    ]
    return Page.of(items, total, paging)


@router.get("/{unit_code}/{month}")
def get_submission(
    request: Request, unit_code: UnitCode, month: Month, viewer: CurrentViewer, db: Db, response: Response
) -> SubmissionOut:
    """One unit-month: figures, narrative, state, version (also the ETag), history, the caller's verbs."""
    lang = lang_of(request)
    with _in(lang):
        return _out(service.get(db, viewer.actor, unit_code, _month(month)), lang, response)


def _once(
    request: Request,
    idem: Idempotency,
    db: Db,
    viewer: Viewer,
    response: Response,
    work: Callable[[str], service.Found],
) -> Response | SubmissionOut:
    """Make the call once: a retry with its ``Idempotency-Key`` gets the first response again."""
    replay = idem.replayed(db, viewer.user.id)
    if replay is not None:
        return replay
    lang = lang_of(request)
    with _in(lang):
        out = _out(work(lang), lang, response)
    idem.remember(db, viewer.user.id, out.model_dump(mode="json"), 200, response.headers.get("ETag"))
    return out


@router.put("/{unit_code}/{month}", response_model=SubmissionOut)
def save_submission(
    request: Request,
    unit_code: UnitCode,
    month: Month,
    body: SaveIn,
    viewer: CurrentViewer,
    db: Db,
    response: Response,
    idem: Idempotent,
    if_match: IfMatch = None,
) -> Response | SubmissionOut:
    """Save a draft's figures (all of them; omitted: kept), narrative and explanations of the
    warnings, as the unit's reporter. The version read is required (``If-Match`` or ``version``;
    0 for a month not yet saved). With an ``Idempotency-Key`` a retry stores nothing twice."""
    with _in(lang_of(request)):
        version, period = _required_version(if_match, body.version), _month(month)
    rows = None if body.figures is None else [Row(n, f.model_dump()) for n, f in enumerate(body.figures, start=1)]
    narrative = body.narrative.model_dump(exclude_none=True)
    notes = body.explanations
    return _once(
        request,
        idem,
        db,
        viewer,
        response,
        lambda lang: service.save_figures(
            db, viewer.actor, unit_code, period, rows, narrative, version, explanations=notes, language=lang
        ),
    )


@router.put("/{unit_code}/{month}/explanations", response_model=SubmissionOut)
def explain_warnings(
    request: Request,
    unit_code: UnitCode,
    month: Month,
    body: ExplainIn,
    viewer: CurrentViewer,
    db: Db,
    response: Response,
    idem: Idempotent,
    if_match: IfMatch = None,
) -> Response | SubmissionOut:
    """Give the written explanations of warnings by ``rule:indicator`` (or indicator code); an
    empty text withdraws one. The version read is required, as for a save."""
    with _in(lang_of(request)):
        version, period = _required_version(if_match, body.version), _month(month)
    return _once(
        request,
        idem,
        db,
        viewer,
        response,
        lambda lang: service.explain(db, viewer.actor, unit_code, period, body.explanations, version, lang),
    )


@router.post("/{unit_code}/{month}/verbs/{verb}", response_model=SubmissionOut)
def take_verb(
    request: Request,
    unit_code: UnitCode,
    month: Month,
    verb: Annotated[str, Path(max_length=32, description="submit, approve, accept, return or reopen")],
    body: VerbIn,
    viewer: CurrentViewer,
    db: Db,
    response: Response,
    idem: Idempotent,
    if_match: IfMatch = None,
) -> Response | SubmissionOut:
    """Take a verb; return and reopen need a reason; a version given (``If-Match`` or ``version``) must be current.
    With an ``Idempotency-Key`` a retry gets the first response and takes the verb once."""
    with _in(lang_of(request)):
        version, period = _version(if_match, body.version), _month(month)
    return _once(
        request,
        idem,
        db,
        viewer,
        response,
        lambda lang: service.act(db, viewer.actor, unit_code, period, verb, body.reason, version, lang),
    )
