"""Quality problems and their double zeroing as JSON (``/api/quality``): the same services as the
pages, scoped to the problems of the units the caller sees."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from starlette.responses import Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import NotFound, Problem, ValidationFailed
from pacer.files import service as stored_files
from pacer.files.responses import download, upload_bytes
from pacer.kit import periods
from pacer.quality import chart, pareto, repository, service, sisters, yields, zeroing
from pacer.quality.repository import ProblemFilter
from pacer.quality.schemas import (
    ATTACHMENTS_MAX,
    AnswerIn,
    CheckOut,
    ChecksIn,
    EvidenceIn,
    ParetoBarOut,
    ParetoOut,
    ProblemIn,
    ProblemOut,
    ProblemSummaryOut,
    SeriesOut,
    SignIn,
    StepYieldsIn,
    TrendOut,
    VerbIn,
    YieldsOut,
    check_out,
    problem_out,
    summary_out,
)
from pacer.quality.validation import TEXT_LIMIT
from pacer.quality.words import CRITERION_CODES
from pacer.quality.workflow import PROBLEM
from pacer.web.deps import Db
from pacer.web.pagination import Page, Paging
from pacer.web.params import MAX_ID, RowId
from pacer.web.templating import lang_of

router = APIRouter(prefix="/api/quality", tags=["quality"], dependencies=[Depends(protect)])
Verb = Annotated[str, Path(max_length=32, description=", ".join(t.verb for t in PROBLEM.transitions))]
Criterion = Annotated[str, Path(max_length=32, description=", ".join(CRITERION_CODES))]
Text = Annotated[str | None, Query(max_length=200)]
Files = Annotated[
    list[UploadFile], File(description=f"Up to {ATTACHMENTS_MAX} files, each within PACER_UPLOAD_MAX_BYTES.")
]


def _unit_id(db: Db, viewer: CurrentViewer, code: str | None) -> int | None:
    if code is None:
        return None
    found = repository.unit_by_code(db, viewer.actor, code)
    if found is None:
        raise NotFound(f"no unit '{code}'")
    return found.id


@router.get("/problems")
def list_problems(
    viewer: CurrentViewer,
    db: Db,
    paging: Paging,
    unit: Annotated[
        str | None, Query(max_length=32, description="A unit's code: its problems and those below.")
    ] = None,
    state: Annotated[list[str] | None, Query(max_length=20)] = None,
    severity: Text = None,
    found_stage: Text = None,
    origin_stage: Text = None,
    programme: Text = None,
    supplier: Text = None,
    characteristic_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    found_from: date | None = None,
    found_to: date | None = None,
) -> Page[ProblemSummaryOut]:
    """The quality problems of the units the viewer sees: open first, most severe, latest found."""
    f = ProblemFilter(
        unit_id=_unit_id(db, viewer, unit), states=tuple(state or ()), severity=severity, found_stage=found_stage,
        origin_stage=origin_stage, programme=programme, supplier=supplier, characteristic_id=characteristic_id,
        found_from=found_from, found_to=found_to,
    )  # fmt: skip
    total, rows = repository.problems(db, viewer.actor, f, paging.limit, paging.offset)
    lang = viewer.user.language
    return Page.of([summary_out(p, u, i, lang) for p, u, i in rows], total, paging)


@router.post("/problems", status_code=201)
def open_problem(body: ProblemIn, viewer: CurrentViewer, db: Db) -> ProblemOut:
    """Open a quality problem at a unit where you manage quality, optionally from a chart's signal."""
    lang = viewer.user.language
    problem = service.open_problem(db, viewer.actor, body.plan(), body.signal(), lang=lang)
    return problem_out(service.get(db, viewer.actor, problem.id), lang)


@router.get("/problems/{problem_id}")
def get_problem(problem_id: RowId, viewer: CurrentViewer, db: Db) -> ProblemOut:
    """One problem: its ten criteria with evidence and sign-off, checks, timeline and your verbs."""
    return problem_out(service.get(db, viewer.actor, problem_id), viewer.user.language)


@router.post("/problems/{problem_id}/attachments", status_code=201)
def attach(problem_id: RowId, viewer: CurrentViewer, db: Db, files: Files) -> ProblemOut:
    """Attach files to a problem (``multipart/form-data``, field ``files``): all stored or none."""
    given = _files(files, "files")
    service.attach(db, viewer.actor, problem_id, given)
    return get_problem(problem_id, viewer, db)


@router.put("/problems/{problem_id}/criteria/{criterion}")
def write_evidence(
    problem_id: RowId, criterion: Criterion, body: EvidenceIn, viewer: CurrentViewer, db: Db
) -> ProblemOut:
    """The owner's evidence for one zeroing criterion (while the problem is worked on)."""
    zeroing.write_evidence(db, viewer.actor, problem_id, criterion, body.text, lang=viewer.user.language)
    return get_problem(problem_id, viewer, db)


@router.post("/problems/{problem_id}/criteria/{criterion}/evidence")
def write_evidence_with_files(
    problem_id: RowId,
    criterion: Criterion,
    viewer: CurrentViewer,
    db: Db,
    text: Annotated[str, Form(max_length=TEXT_LIMIT + 1)] = "",
    evidence: Files = [],  # noqa: B006  (FastAPI's default for no file)
) -> ProblemOut:
    """The owner's evidence with its files, as ``multipart/form-data`` (``text``, ``evidence``)."""
    given = _files(evidence, "evidence")
    zeroing.write_evidence(db, viewer.actor, problem_id, criterion, text, given, viewer.user.language)
    return get_problem(problem_id, viewer, db)


@router.post("/problems/{problem_id}/criteria/{criterion}/sign-off")
def sign_off(problem_id: RowId, criterion: Criterion, body: SignIn, viewer: CurrentViewer, db: Db) -> ProblemOut:
    """A reviewer's sign-off of one criterion (never the owner's or the evidence author's)."""
    zeroing.sign_off(db, viewer.actor, problem_id, criterion, body.note, viewer.user.language)
    return get_problem(problem_id, viewer, db)


@router.post("/problems/{problem_id}/verbs/{verb}")
def take_verb(problem_id: RowId, verb: Verb, body: VerbIn, viewer: CurrentViewer, db: Db) -> ProblemOut:
    """Take a verb: the owner's submit, or a reviewer's close, return (with a reason) or cancel."""
    zeroing.act(db, viewer.actor, problem_id, verb, body.reason, viewer.user.language)
    return get_problem(problem_id, viewer, db)


@router.post("/problems/{problem_id}/checks", status_code=201)
def spawn_checks(problem_id: RowId, body: ChecksIn, viewer: CurrentViewer, db: Db) -> ProblemOut:
    """举一反三: a check at each unit named, or at every sister unit, each a tracked item."""
    sisters.spawn_checks(db, viewer.actor, problem_id, body.units, body.deadline, viewer.user.language)
    return get_problem(problem_id, viewer, db)


@router.post("/checks/{check_id}/answer")
def answer_check(check_id: RowId, body: AnswerIn, viewer: CurrentViewer, db: Db) -> CheckOut:
    """The checked unit's answer: is the same problem there, and what was found."""
    sisters.answer(db, viewer.actor, check_id, body.affected, body.finding, viewer.user.language)
    return check_out(*repository.check(db, viewer.actor, check_id), viewer.user.language)


@router.post("/checks/{check_id}/verbs/{verb}")
def decide_check(
    check_id: RowId, verb: Annotated[str, Path(max_length=32, description="confirm, reopen")], body: VerbIn,
    viewer: CurrentViewer, db: Db,
) -> CheckOut:  # fmt: skip
    """A unit above the one checked confirms its answer, or reopens the check with a reason."""
    sisters.decide(db, viewer.actor, check_id, verb, body.reason, viewer.user.language)
    return check_out(*repository.check(db, viewer.actor, check_id), viewer.user.language)


@router.get("/problems/{problem_id}/files/{file_id}")
def problem_file(problem_id: RowId, file_id: RowId, viewer: CurrentViewer, db: Db) -> Response:
    """An attachment or evidence file of the problem, as an attachment, to whoever sees it."""
    owner = service.file_owner(db, viewer.actor, problem_id, file_id)
    found = stored_files.found(db, viewer.actor, file_id, owner)
    return download(found, stored_files.content(db, found))


Year = Annotated[int | None, Query(ge=2000, le=2100, description="Default: this year.")]
UnitCode = Annotated[str | None, Query(max_length=32, description="A unit's code (default: the highest you see).")]
By = Annotated[str, Query(max_length=16, description=", ".join(pareto.BY))]


@router.get("/pareto")
def pareto_of(viewer: CurrentViewer, db: Db, unit: UnitCode = None, by: By = "cause", year: Year = None) -> ParetoOut:
    """The unit subtree's problems found in the year, by cause, stage or supplier, largest first."""
    found = pareto.pareto_of(db, viewer.actor, unit, by, year or date.today().year, viewer.user.language)
    bars = [ParetoBarOut.model_validate(b, from_attributes=True) for b in found.bars]
    return ParetoOut(
        unit_code=found.unit.code, year=found.year, by=found.by, total=found.total, bars=bars,
        unattributed=found.unattributed,
    )  # fmt: skip


@router.get("/pareto/chart")
def pareto_chart(
    viewer: CurrentViewer, db: Db, request: Request, unit: UnitCode = None, by: By = "cause", year: Year = None
) -> dict[str, Any]:
    """The Pareto chart as a Vega-Lite specification."""
    lang = lang_of(request)
    return chart.pareto_spec(pareto.pareto_of(db, viewer.actor, unit, by, year or date.today().year, lang), lang)


@router.get("/trend")
def trend_of(viewer: CurrentViewer, db: Db, unit: UnitCode = None, year: Year = None) -> TrendOut:
    """Problems found per month at each unit directly below the unit (and at the unit itself)."""
    found = pareto.trend_of(db, viewer.actor, unit, year or date.today().year)
    lang = viewer.user.language
    series = [SeriesOut(unit_code=s.unit.code, unit_name=s.unit.name(lang), counts=s.counts) for s in found.series]
    return TrendOut(unit_code=found.unit.code, year=found.year, series=series)


@router.get("/trend/chart")
def trend_chart(
    viewer: CurrentViewer, db: Db, request: Request, unit: UnitCode = None, year: Year = None
) -> dict[str, Any]:
    """The trend chart as a Vega-Lite specification."""
    return chart.trend_spec(pareto.trend_of(db, viewer.actor, unit, year or date.today().year), lang_of(request))


def _files(uploads: list[UploadFile], field: str) -> list[tuple[str, bytes]]:
    given = [f for f in uploads if f.filename]
    if len(given) > ATTACHMENTS_MAX:
        zh = f"一次最多上传 {ATTACHMENTS_MAX} 个文件"
        raise ValidationFailed([Problem(f"at most {ATTACHMENTS_MAX} files at once", field=field, zh=zh)])
    return [upload_bytes(f, f"{field}[{n}]") for n, f in enumerate(given, start=1)]


@router.post("/yields")
def record_yields(body: StepYieldsIn, viewer: CurrentViewer, db: Db) -> YieldsOut:
    """Process step yields per unit, month and product: the rolled throughput yield's figures."""
    rows = [
        yields.StepRow(i, r.unit, r.month, r.product, r.step, r.entered, r.passed)
        for i, r in enumerate(body.rows, start=1)
    ]
    done = yields.record(db, viewer.actor, rows)
    s = done.stored
    months = [f"{code}/{periods.format_period(m)}" for code, m in done.months]
    return YieldsOut(months=months, written=s.written, unchanged=s.unchanged, reported=s.reported, locked=s.locked)
