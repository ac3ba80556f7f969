"""The indicator library's pages: the list with its filters, one indicator with its history and
where it is used, HQ's forms to create, edit and retire indicators, and the units of measure
and categories. The same services as the API; bad input is shown beside its field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import may_configure, require_configure
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.indicators import editing, views
from pacer.indicators.schemas import CategoryModel, IndicatorIn, RetireIn, UnitOfMeasure
from pacer.indicators.specs import DIRECTIONS, KINDS, REPORTINGS
from pacer.web.deps import Db
from pacer.web.i18n import translate
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/indicators", include_in_schema=False)
Protected = [Depends(protect)]
Choice = Annotated[str, Query(max_length=100)]
_FLAGS = ("eliminated", "never_negative", "additive", "percent", "display")


async def _form(request: Request) -> dict[str, Any]:
    """The posted form as plain values: ticked boxes true, the others false, empty texts None."""
    form = await request.form()
    values: dict[str, Any] = {k: str(v).strip()[:4000] for k, v in form.items() if k != "csrf_token"}
    for flag in _FLAGS:
        values[flag] = flag in form
    return {k: (None if v == "" else v) for k, v in values.items()}


def _choices(db: Db, viewer: CurrentViewer, lang: str) -> dict[str, Any]:
    categories, units = views.categories(db), views.units(db)
    zh = lang == "zh"
    return {
        "categories": categories,
        "units": units,
        "kinds": KINDS,
        "category_options": [(c.code, c.name_zh if zh else c.name_en) for c in categories],
        "unit_options": [(u.code, u.name_zh if zh else u.name_en) for u in units],
        "kind_options": [(k, translate(lang, f"kind.{k}")) for k in KINDS],
        "reporting_options": [(r, translate(lang, f"reporting.{r}")) for r in REPORTINGS],
        "direction_options": [(d, translate(lang, f"direction.{d}")) for d in DIRECTIONS],
        "may_configure": may_configure(db, viewer.actor),
        "this_year": date.today().year,
    }


@router.get("")
def library(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    q: Choice = "",
    category: Choice = "",
    kind: Choice = "",
    origin: Choice = "",
    retired: Choice = "",
) -> Response:
    lang = lang_of(request)
    filters = views.Filters(q, category, kind, origin, retired)
    context = {"rows": views.indicator_rows(db, lang, filters), "filters": filters, **_choices(db, viewer, lang)}
    return render(request, "indicators/library.html", context)


def _edit_page(
    request: Request, viewer: CurrentViewer, db: Db, code: str | None, values: dict[str, Any], exc: DomainError | None
) -> Response:
    problems = exc.problems if isinstance(exc, ValidationFailed) else ([Problem(exc.message)] if exc else [])
    fields, general = editing.by_field(problems)
    context = {"code": code, "values": values, "field_errors": fields, "errors": general}
    return render(
        request, "indicators/edit.html", context | _choices(db, viewer, lang_of(request)), 422 if exc else 200
    )


def _submit(db: Db, action: Callable[[], object]) -> DomainError | None:
    """Run a change; the refusal or bad input to show on the form (after rolling back), if any."""
    try:
        action()
    except ValidationError as exc:
        db.rollback()
        return ValidationFailed([Problem(e["msg"], field=str(e["loc"][-1])) for e in exc.errors()], "form")
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.rollback()
        return exc
    return None


@router.get("/new")
def new(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    require_configure(db, viewer.actor)
    values = {"scale": 2, "from_year": date.today().year, "kind": "flow", "reporting": "ytd", "direction": "higher"}
    return _edit_page(request, viewer, db, None, values, None)


@router.post("/new", dependencies=Protected)
async def create(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    values = await _form(request)
    error = _submit(db, lambda: editing.save_indicator(db, viewer.actor, IndicatorIn.model_validate(values)))
    if error is not None:
        return _edit_page(request, viewer, db, None, values, error)
    return RedirectResponse(f"/indicators/{values.get('code')}", status_code=303)


@router.get("/units")
def units(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    return _vocabulary(request, viewer, db, "indicators/units.html", {}, None)


@router.post("/units", dependencies=Protected)
async def save_unit(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    values = await _form(request)
    values = {k: ("" if v is None and k.startswith("symbol") else v) for k, v in values.items()}
    error = _submit(db, lambda: editing.save_unit(db, viewer.actor, UnitOfMeasure.model_validate(values)))
    if error is not None:
        return _vocabulary(request, viewer, db, "indicators/units.html", values, error)
    return RedirectResponse("/indicators/units", status_code=303)


@router.get("/categories")
def categories(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    return _vocabulary(request, viewer, db, "indicators/categories.html", {}, None)


@router.post("/categories", dependencies=Protected)
async def save_category(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    values = await _form(request)
    error = _submit(db, lambda: editing.save_category(db, viewer.actor, CategoryModel.model_validate(values)))
    if error is not None:
        return _vocabulary(request, viewer, db, "indicators/categories.html", values, error)
    return RedirectResponse("/indicators/categories", status_code=303)


def _vocabulary(
    request: Request, viewer: CurrentViewer, db: Db, template: str, values: dict[str, Any], exc: DomainError | None
) -> Response:
    problems = exc.problems if isinstance(exc, ValidationFailed) else ([Problem(exc.message)] if exc else [])
    fields, general = editing.by_field(problems)
    context = {"values": values, "field_errors": fields, "errors": general}
    return render(request, template, context | _choices(db, viewer, lang_of(request)), 422 if exc else 200)


@router.get("/{code}")
def indicator(request: Request, viewer: CurrentViewer, db: Db, code: str) -> Response:
    return _detail(request, viewer, db, code, [])


def _detail(
    request: Request, viewer: CurrentViewer, db: Db, code: str, errors: list[str], status: int = 200
) -> Response:
    detail = views.indicator_detail(db, code, lang_of(request))
    context = {"item": detail, "errors": errors, **_choices(db, viewer, lang_of(request))}
    return render(request, "indicators/indicator.html", context, status)


@router.get("/{code}/edit")
def edit_form(request: Request, viewer: CurrentViewer, db: Db, code: str) -> Response:
    require_configure(db, viewer.actor)
    detail = views.indicator_detail(db, code, lang_of(request))
    latest = detail.versions[-1]
    values = detail.model_dump() | latest.model_dump() | {"from_year": date.today().year}
    return _edit_page(request, viewer, db, code, values, None)


@router.post("/{code}/edit", dependencies=Protected)
async def edit(request: Request, viewer: CurrentViewer, db: Db, code: str) -> Response:
    values = await _form(request) | {"code": code}
    error = _submit(db, lambda: editing.save_indicator(db, viewer.actor, IndicatorIn.model_validate(values), code))
    if error is not None:
        return _edit_page(request, viewer, db, code, values, error)
    return RedirectResponse(f"/indicators/{code}", status_code=303)


@router.post("/{code}/retire", dependencies=Protected)
async def retire(request: Request, viewer: CurrentViewer, db: Db, code: str) -> Response:
    values = await _form(request)
    error = _submit(db, lambda: editing.retire_indicator(db, viewer.actor, code, RetireIn.model_validate(values)))
    if error is not None:
        problems = error.problems if isinstance(error, ValidationFailed) else [Problem(error.message)]
        return _detail(request, viewer, db, code, [str(p) for p in problems], 422)
    return RedirectResponse(f"/indicators/{code}", status_code=303)
