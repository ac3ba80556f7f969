"""The quality problems' pages: the list of a unit's problems, a new problem, and one problem with
its two zeroing checklists, attachments, sister checks, verbs and timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import BaseModel, Field, field_validator
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import QUALITY, visible_unit_ids
from pacer.errors import DomainError, NotFound, ValidationFailed
from pacer.files import service as stored_files
from pacer.files.responses import FormUploads, chosen_uploads, download
from pacer.models.quality import CAUSES, SEVERITIES, STAGES
from pacer.quality import chart, pareto, repository, service, sisters, words, zeroing
from pacer.quality.repository import ProblemFilter
from pacer.quality.schemas import ATTACHMENTS_MAX
from pacer.quality.validation import TEXT_LIMIT, TITLE_LIMIT, ProblemPlan
from pacer.quality.workflow import CHECK, PROBLEM, WORKING
from pacer.web import charts
from pacer.web.deps import Db
from pacer.web.params import Offset, RowId
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/quality", include_in_schema=False)
Protected = [Depends(protect)]
PER_PAGE = 50
TABLES = {"stage": words.STAGES, "severity": words.SEVERITIES, "cause": words.CAUSES, "track": words.TRACKS}


def labels(lang: str) -> dict[str, Callable[..., str]]:
    """The helpers pages name codes with: ``lab('stage', 'design')``, ``crit('locate')``."""
    return {
        "lab": lambda table, code: words.label(TABLES[table], code, lang),
        "crit": lambda code: words.criterion_name(code, lang),
    }


def _manages_quality(db: Db, viewer: CurrentViewer) -> bool:
    units = visible_unit_ids(db, viewer.actor, QUALITY)
    return units is None or bool(units)


def problems_of(exc: DomainError, lang: str) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [p.said(lang) for p in exc.problems]
    return [exc.message]


@router.get("/problems")
def problems(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    unit: Annotated[str | None, Query(max_length=32)] = None,
    state: Annotated[str | None, Query(max_length=32)] = None,
    severity: Annotated[str | None, Query(max_length=16)] = None,
    offset: Offset = 0,
) -> Response:
    found = repository.unit_by_code(db, viewer.actor, unit) if unit else None
    if unit and found is None:
        raise NotFound(f"no unit '{unit}'")
    f = ProblemFilter(
        unit_id=found.id if found else None,
        states=(state,) if state in PROBLEM.states else (),
        severity=severity if severity in SEVERITIES else None,
    )
    total, rows = repository.problems(db, viewer.actor, f, PER_PAGE, offset)
    context = {"rows": rows, "total": total, "offset": offset, "per_page": PER_PAGE, "flow": PROBLEM, "unit": found}
    context |= {"filters": {"unit": unit or "", "state": state or "", "severity": severity or ""}}
    context |= {"today": date.today(), "can_create": _manages_quality(db, viewer), "severities": SEVERITIES}
    return render(request, "quality/problems.html", context | labels(lang_of(request)))


def _form_page(request: Request, form: dict[str, Any], problems: list[str], status: int = 200) -> Response:
    context = {"form": form, "problems": problems, "stages": STAGES, "causes": CAUSES, "severities": SEVERITIES}
    return render(request, "quality/new.html", context | labels(lang_of(request)), status_code=status)


@router.get("/problems/new")
def new(request: Request, viewer: CurrentViewer, unit: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    return _form_page(request, {"unit_code": unit or "", "found_on": date.today().isoformat()}, [])


class ProblemForm(BaseModel):
    unit_code: str = Field(max_length=32)
    title: str = Field(max_length=TITLE_LIMIT + 100)
    found_stage: str = Field(max_length=16)
    severity: str = Field(max_length=16)
    found_on: date
    owner: str = Field(default="", max_length=64)
    deadline: date | None = None
    programme: str = Field(default="", max_length=200)
    product: str = Field(default="", max_length=300)
    origin_stage: str = Field(default="", max_length=16)
    cause: str = Field(default="", max_length=16)
    description: str = Field(default="", max_length=TEXT_LIMIT + 1)
    supplier: str = Field(default="", max_length=300)

    @field_validator("deadline", mode="before")
    @classmethod
    def _no_date(cls, value: object) -> object:
        return value or None  # a date field left empty sends ""


@router.post("/problems", dependencies=Protected)
def create(
    request: Request, viewer: CurrentViewer, db: Db, form: Annotated[ProblemForm, Form()], files: FormUploads = []  # noqa: B006
) -> Response:  # fmt: skip
    lang = lang_of(request)
    try:
        plan = ProblemPlan(**form.model_dump())
        problem = service.open_problem(
            db, viewer.actor, plan, attachments=chosen_uploads(files, ATTACHMENTS_MAX, "files"), lang=lang
        )
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        db.rollback()
        return _form_page(request, form.model_dump(), problems_of(exc, lang), exc.status)
    return RedirectResponse(f"/quality/problems/{problem.id}", status_code=303)


def _page(request: Request, viewer: CurrentViewer, db: Db, problem_id: int, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    view = service.get(db, viewer.actor, problem_id)
    manages = service.manages(db, viewer.actor, view.problem.unit_id)
    owner = viewer.user.username == view.problem.owner
    context = {
        "v": view,
        "flow": PROBLEM,
        "check_flow": CHECK,
        "may_write": owner and manages and view.item.state in WORKING,
        "may_sign": not owner and manages and view.item.state == "review",
        "can_attach": manages and view.item.state not in PROBLEM.terminal,
        "can_spawn": manages and view.item.state not in PROBLEM.terminal,
        "problems": [],
    }
    return render(request, "quality/problem.html", context | labels(lang_of(request)) | extra, status_code=status)


@router.get("/problems/{problem_id}")
def problem(request: Request, viewer: CurrentViewer, db: Db, problem_id: RowId) -> Response:
    return _page(request, viewer, db, problem_id)


def _done(request: Request, viewer: CurrentViewer, db: Db, problem_id: int, work: Callable[[str], object]) -> Response:
    """Do ``work`` in the reader's language; a refusal shows the page again with its reasons."""
    try:
        work(lang_of(request))
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        db.rollback()
        return _page(request, viewer, db, problem_id, problems=problems_of(exc, lang_of(request)), status=exc.status)
    return RedirectResponse(f"/quality/problems/{problem_id}", status_code=303)


@router.post("/problems/{problem_id}/criteria/{criterion}", dependencies=Protected)
def write_evidence(
    request: Request, viewer: CurrentViewer, db: Db, problem_id: RowId, criterion: str,
    text: Annotated[str, Form(max_length=TEXT_LIMIT + 1)] = "", evidence: FormUploads = [],  # noqa: B006
) -> Response:  # fmt: skip
    def work(lang: str) -> None:
        given = chosen_uploads(evidence, ATTACHMENTS_MAX, "evidence")
        zeroing.write_evidence(db, viewer.actor, problem_id, criterion[:32], text, given, lang)

    return _done(request, viewer, db, problem_id, work)


@router.post("/problems/{problem_id}/criteria/{criterion}/sign-off", dependencies=Protected)
def sign_off(
    request: Request, viewer: CurrentViewer, db: Db, problem_id: RowId, criterion: str,
    note: Annotated[str, Form(max_length=TEXT_LIMIT + 1)] = "",
) -> Response:  # fmt: skip
    work = lambda lang: zeroing.sign_off(db, viewer.actor, problem_id, criterion[:32], note, lang)  # noqa: E731
    return _done(request, viewer, db, problem_id, work)


@router.post("/problems/{problem_id}/verbs/{verb}", dependencies=Protected)
def take_verb(
    request: Request, viewer: CurrentViewer, db: Db, problem_id: RowId, verb: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    work = lambda lang: zeroing.act(db, viewer.actor, problem_id, verb[:32], reason, lang)  # noqa: E731
    return _done(request, viewer, db, problem_id, work)


@router.post("/problems/{problem_id}/attachments", dependencies=Protected)
def attach(request: Request, viewer: CurrentViewer, db: Db, problem_id: RowId, files: FormUploads = []) -> Response:  # noqa: B006
    def work(lang: str) -> None:
        service.attach(db, viewer.actor, problem_id, chosen_uploads(files, ATTACHMENTS_MAX, "files"))

    return _done(request, viewer, db, problem_id, work)


@router.post("/problems/{problem_id}/checks", dependencies=Protected)
def spawn_checks(
    request: Request, viewer: CurrentViewer, db: Db, problem_id: RowId,
    units: Annotated[str, Form(max_length=2000)] = "", deadline: Annotated[date | None, Form()] = None,
) -> Response:  # fmt: skip
    codes = [c for c in units.replace("，", ",").replace(" ", ",").split(",") if c.strip()] or None
    work = lambda lang: sisters.spawn_checks(db, viewer.actor, problem_id, codes, deadline, lang)  # noqa: E731
    return _done(request, viewer, db, problem_id, work)


@router.post("/checks/{check_id}/answer", dependencies=Protected)
def answer_check(
    request: Request, viewer: CurrentViewer, db: Db, check_id: RowId,
    finding: Annotated[str, Form(max_length=TEXT_LIMIT + 1)] = "", affected: Annotated[bool, Form()] = False,
) -> Response:  # fmt: skip
    check, _, _ = repository.check(db, viewer.actor, check_id)
    work = lambda lang: sisters.answer(db, viewer.actor, check_id, affected, finding, lang)  # noqa: E731
    return _done(request, viewer, db, check.problem_id, work)


@router.post("/checks/{check_id}/verbs/{verb}", dependencies=Protected)
def decide_check(
    request: Request, viewer: CurrentViewer, db: Db, check_id: RowId, verb: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    check, _, _ = repository.check(db, viewer.actor, check_id)
    work = lambda lang: sisters.decide(db, viewer.actor, check_id, verb[:32], reason, lang)  # noqa: E731
    return _done(request, viewer, db, check.problem_id, work)


@router.get("/problems/{problem_id}/files/{file_id}")
def problem_file(viewer: CurrentViewer, db: Db, problem_id: RowId, file_id: RowId) -> Response:
    """An attachment or evidence file of the problem, as a download, to whoever sees it."""
    owner = service.file_owner(db, viewer.actor, problem_id, file_id)
    found = stored_files.found(db, viewer.actor, file_id, owner)
    return download(found, stored_files.content(db, found))


Year = Annotated[int | None, Query(ge=2000, le=2100)]
UnitCode = Annotated[str | None, Query(max_length=32)]


@router.get("/pareto")
def pareto_page(request: Request, viewer: CurrentViewer, db: Db, unit: UnitCode = None, year: Year = None) -> Response:
    lang, year = lang_of(request), year or date.today().year
    paretos = [pareto.pareto_of(db, viewer.actor, unit, by, year, lang) for by in ("cause", "origin_stage", "supplier")]
    trend = pareto.trend_of(db, viewer.actor, unit, year)
    context = {"paretos": paretos, "trend": trend, "unit": trend.unit, "year": year}
    return render(request, "quality/pareto.html", context)


@router.get("/charts/pareto.svg")
def pareto_image(
    request: Request, viewer: CurrentViewer, db: Db, unit: UnitCode = None, year: Year = None,
    by: Annotated[str, Query(max_length=16)] = "cause",
) -> Response:  # fmt: skip
    lang = lang_of(request)
    found = pareto.pareto_of(db, viewer.actor, unit, by, year or date.today().year, lang)
    return Response(charts.to_svg({**chart.pareto_spec(found, lang), "width": 640}), media_type="image/svg+xml")


@router.get("/charts/trend.svg")
def trend_image(request: Request, viewer: CurrentViewer, db: Db, unit: UnitCode = None, year: Year = None) -> Response:
    found = pareto.trend_of(db, viewer.actor, unit, year or date.today().year)
    spec = chart.trend_spec(found, lang_of(request))
    return Response(charts.to_svg({**spec, "width": 640}), media_type="image/svg+xml")
