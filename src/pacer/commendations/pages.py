"""The commendation register's page, ``/commendations``: filtered by year, award and unit, its
Excel download, and HQ's forms to record a commendation or a new award (a refusal is shown on
the page, nothing stored)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.commendations import export, repository, service
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.files.kinds import content_disposition
from pacer.kit.xlsx import XLSX
from pacer.models import AWARD_CATEGORIES, RECIPIENTS
from pacer.org import people
from pacer.web.deps import Db
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/commendations", include_in_schema=False)
Protected = [Depends(protect)]
Year = Annotated[str, Query(max_length=4)]
Code = Annotated[str, Query(max_length=32)]
Text = Annotated[str, Form(max_length=4000)]


def _ask(db: Db, viewer: CurrentViewer, year: str, award: str, unit: str) -> repository.Filter:
    chosen = int(year) if year.isdigit() else None
    return repository.Filter(chosen, award or None, service.unit_filter(db, viewer.actor, unit))


@router.get("")
def register_page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    year: Year = "",
    award: Code = "",
    unit: Code = "",
    saved: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    return _page(request, viewer, db, {"year": year, "award": award, "unit": unit}, saved=saved == "1")


def _page(request: Request, viewer: CurrentViewer, db: Db, shown: dict[str, str], **more: Any) -> Response:
    ask = _ask(db, viewer, shown["year"], shown["award"], shown["unit"])
    hq = service.may_record(db, viewer.actor)
    context = {
        "rows": repository.register(db, viewer.actor, ask),
        "awards": repository.awards(db),
        "years": repository.years(db, viewer.actor),
        "shown": shown,
        "query": "&".join(f"{k}={v}" for k, v in shown.items() if v),
        "hq": hq,
        "people": people.directory(db, viewer.actor) if hq else [],
        "categories": AWARD_CATEGORIES,
        "recipients": RECIPIENTS,
        "problems": [],
        "form": {},
        "saved": False,
    } | more
    return render(request, "commendations/register.html", context, 422 if context["problems"] else 200)


@router.get(".xlsx")
def register_export(
    request: Request, viewer: CurrentViewer, db: Db, year: Year = "", award: Code = "", unit: Code = ""
) -> Response:
    rows = repository.register(db, viewer.actor, _ask(db, viewer, year, award, unit))
    body = export.xlsx_bytes(rows, lang_of(request))
    return Response(body, media_type=XLSX, headers={"Content-Disposition": content_disposition("commendations.xlsx")})


def _refused(request: Request, viewer: CurrentViewer, db: Db, exc: DomainError, form: dict[str, str]) -> Response:
    if exc.status in (403, 404):
        raise exc
    db.rollback()
    lang = lang_of(request)
    problems = [p.said(lang) for p in exc.problems] if isinstance(exc, ValidationFailed) else [exc.message]
    return _page(request, viewer, db, {"year": "", "award": "", "unit": ""}, problems=problems, form=form)


def _number(text: str, field: str, zh: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or len(text.strip()) > 9:
        raise ValidationFailed([Problem(f"{text!r} is not a number", field=field, zh=f"{zh}须为数字")], "commendation")
    return int(text.strip())


@router.post("", dependencies=Protected)
def add(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    award: Annotated[str, Form(max_length=32)] = "",
    year: Annotated[str, Form(max_length=12)] = "",
    unit_code: Annotated[str, Form(max_length=32)] = "",
    person_id: Annotated[str, Form(max_length=12)] = "",
    distinction_zh: Text = "",
    distinction_en: Text = "",
    citation_zh: Text = "",
    citation_en: Text = "",
) -> Response:
    form = {"award": award, "year": year, "unit_code": unit_code, "person_id": person_id}
    form |= {"distinction_zh": distinction_zh, "distinction_en": distinction_en}
    form |= {"citation_zh": citation_zh, "citation_en": citation_en}
    try:
        numbers = {"year": _number(year, "year", "年度"), "person_id": _number(person_id, "person_id", "人员")}
        entry = service.Entry(**(form | numbers))  # type: ignore[arg-type]  # the numbers replace their text
        row = service.add(db, viewer.actor, entry)
    except DomainError as exc:
        return _refused(request, viewer, db, exc, form)
    return RedirectResponse(f"/commendations?year={row.year}&saved=1#c{row.id}", status_code=303)


@router.post("/awards", dependencies=Protected)
def add_award(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    code: Annotated[str, Form(max_length=32)] = "",
    name_zh: Annotated[str, Form(max_length=200)] = "",
    name_en: Annotated[str, Form(max_length=200)] = "",
    category: Annotated[str, Form(max_length=16)] = "",
    recipients: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    try:
        service.add_award(db, viewer.actor, code, name_zh, name_en, category, recipients)
    except DomainError as exc:
        return _refused(request, viewer, db, exc, {"code": code, "name_zh": name_zh, "name_en": name_en})
    return RedirectResponse("/commendations?saved=1", status_code=303)
