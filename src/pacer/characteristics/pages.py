"""The characteristics' pages: a unit's quality dashboard (its subtree's characteristics, those
out of control first) and a characteristic's page (its chart with limits and signals, capability
with confidence intervals, the points excluded and why, and the forms that upload measurements,
freeze the limits and exclude a point). The same service as the API; a refused change shows the
page again with its problems in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from pacer.analysis import Analysis
from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import READ
from pacer.auth.repository import display_names
from pacer.characteristics import chart, form, service, shown, signals
from pacer.characteristics.schemas import CharacteristicEdit, CharacteristicIn
from pacer.cockpit import service as cockpit
from pacer.cockpit.scope import open_scope
from pacer.errors import DomainError, NotFound, Problem, ValidationFailed
from pacer.files import responses
from pacer.kit import periods
from pacer.models import SPC_CHARTS, SPC_RULE_SETS, Characteristic, Unit
from pacer.web import charts
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/spc", include_in_schema=False)
Protected = [Depends(protect)]
CharacteristicId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Subgroup = Annotated[int, Path(ge=1, le=10**7)]


async def posted(request: Request) -> dict[str, str]:
    found = await request.form()
    return {k: str(v)[:4000] for k, v in found.items() if isinstance(v, str) and k != "csrf_token"}


async def uploaded(request: Request) -> UploadFile | None:
    found = (await request.form()).get("file")
    return found if isinstance(found, UploadFile) else None


Posted = Annotated[dict[str, str], Depends(posted)]


@router.get("")
def home(viewer: CurrentViewer, db: Db) -> Response:
    """The dashboard of the viewer's first granted unit."""
    roots = viewer.actor.roots_for(READ)
    if not roots:
        raise NotFound("no unit in view")
    return RedirectResponse(f"/spc/units/{db.get_one(Unit, roots[0]).code}", status_code=303)


@router.get("/units/{unit_code}")
def dashboard(request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, unit_code: str) -> Response:
    unit, lines = service.dashboard(db, viewer.actor, unit_code)
    out = sum(1 for line in lines if line.out_of_control)
    counts = signals.counts(db, viewer.actor, unit.id)
    context = {"unit": unit, "lines": lines, "out": out, "counts": counts,
               "may_define": service.may_define(db, viewer.actor, unit)}  # fmt: skip
    return render(request, "characteristics/dashboard.html", context | _indicators(request, viewer, db, analysis, unit))


def _indicators(request: Request, viewer: CurrentViewer, db: Db, analysis: Analysis, unit: Unit) -> dict[str, Any]:
    """The unit's quality indicators against their targets at the latest month, as the cockpit
    shows them (none before there are figures)."""
    try:
        scope = open_scope(db, viewer.actor, analysis, unit.code, None, lang_of(request))
    except NotFound:
        return {"quality": [], "view": None}
    view = {"unit": scope.unit(scope.node), "period": periods.format_period(scope.period)}
    return {"quality": cockpit.quality_tiles(scope), "view": view}


def _page(request: Request, viewer: CurrentViewer, db: Db, characteristic_id: int, problems: list[Problem]) -> Response:
    c, lang = service.get(db, viewer.actor, characteristic_id), lang_of(request)
    trouble = ""
    try:
        found = service.result(db, c)
    except DomainError as exc:
        found, trouble = None, exc.message
    context = {
        "c": c, "out": shown.chart_out(db, c, found, lang, signals.linked(db, viewer.actor, c)), "trouble": trouble,
        "may_change": service.may_change(db, viewer.actor, c), "problems": [p.said(lang) for p in problems],
        "done": request.query_params.get("stored", ""),
        "names": display_names(db, [e.excluded_by for e in service.exclusions(db, c)]),
    }  # fmt: skip
    return render(request, "characteristics/characteristic.html", context, 422 if problems else 200)


@router.get("/characteristics/{characteristic_id}")
def characteristic(request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId) -> Response:
    return _page(request, viewer, db, characteristic_id, [])


@router.get("/characteristics/{characteristic_id}/chart.svg")
def chart_image(request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId) -> Response:
    c = service.get(db, viewer.actor, characteristic_id)
    try:
        found = service.result(db, c)
    except DomainError:
        found = None
    links = {p: signals.problem_link(i) for p, i in signals.linked(db, viewer.actor, c).items()}
    body = charts.to_svg({**chart.spec(c, found, lang_of(request), links), "width": 640})
    return Response(body, media_type="image/svg+xml", headers={"Cache-Control": "private, no-store"})


def _change(
    request: Request, viewer: CurrentViewer, db: Db, characteristic_id: int, action: Callable[[], Any], anchor: str
) -> Response:
    """Run a change; back to the page (at ``anchor``), or the page with the problems."""
    try:
        done = action()
    except ValidationFailed as exc:
        db.rollback()
        return _page(request, viewer, db, characteristic_id, exc.problems)
    query = f"?stored={done[1]}-{done[2]}" if isinstance(done, tuple) else ""
    return RedirectResponse(f"/spc/characteristics/{characteristic_id}{query}#{anchor}", status_code=303)


def _number(values: dict[str, str], name: str, zh: str) -> int:
    text = values.get(name, "").strip()
    if not text.isdigit():
        raise ValidationFailed([Problem(f"give a whole number, not '{text}'", field=name, zh=f"{zh}须为整数")])
    return int(text)


@router.post("/characteristics/{characteristic_id}/measurements", dependencies=[Depends(uploaded), *Protected])
def upload(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    characteristic_id: CharacteristicId,
    file: Annotated[UploadFile | None, Depends(uploaded)],
) -> Response:
    def store() -> tuple[int, int, int]:
        if file is None or not file.filename:
            raise ValidationFailed([Problem("choose a file to upload", field="file", zh="请选择要上传的文件")])
        service.for_change(db, viewer.actor, characteristic_id)
        return service.upload(db, viewer.actor, characteristic_id, *responses.upload_bytes(file))

    return _change(request, viewer, db, characteristic_id, store, "chart")


@router.post("/characteristics/{characteristic_id}/freeze", dependencies=Protected)
def freeze(
    request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, values: Posted
) -> Response:
    def act() -> object:
        last = _number(values, "phase1_last", "第一阶段末子组") if values.get("phase1_last") else None
        return service.freeze(db, viewer.actor, characteristic_id, last)

    return _change(request, viewer, db, characteristic_id, act, "limits")


@router.post("/characteristics/{characteristic_id}/thaw", dependencies=Protected)
def thaw(request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId) -> Response:
    return _change(
        request, viewer, db, characteristic_id, lambda: service.thaw(db, viewer.actor, characteristic_id), "limits"
    )


@router.post("/characteristics/{characteristic_id}/exclusions", dependencies=Protected)
def exclude(
    request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, values: Posted
) -> Response:
    def act() -> object:
        reason = values.get("reason", "").strip()
        if len(reason) < 3:
            raise ValidationFailed(
                [Problem("say what the assignable cause was", field="reason", zh="请说明可查明的原因")]
            )
        subgroup, reason_en = _number(values, "subgroup", "子组"), values.get("reason_en", "").strip()[:2000]
        return service.exclude(db, viewer.actor, characteristic_id, subgroup, reason, reason_en)

    return _change(request, viewer, db, characteristic_id, act, "exclusions")


@router.post("/characteristics/{characteristic_id}/exclusions/{subgroup}/restore", dependencies=Protected)
def restore(
    request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, subgroup: Subgroup
) -> Response:
    action = lambda: service.restore(db, viewer.actor, characteristic_id, subgroup)  # noqa: E731  (read once)
    return _change(request, viewer, db, characteristic_id, action, "exclusions")


@router.post("/characteristics/{characteristic_id}/signals/{subgroup}/problem", dependencies=Protected)
def open_problem(
    request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, subgroup: Subgroup
) -> Response:
    lang = lang_of(request)
    action = lambda: signals.open_from_signal(db, viewer.actor, characteristic_id, subgroup, lang)  # noqa: E731  (read once)
    return _change(request, viewer, db, characteristic_id, action, "signals")


def _form_page(
    request: Request, viewer: CurrentViewer, db: Db, unit: Unit, c: Characteristic | None, values: dict[str, Any],
    problems: list[Problem],
) -> Response:  # fmt: skip
    lang = lang_of(request)
    context = {
        "unit": unit, "c": c, "form": values | {"rule_counts_text": values.get("rule_counts_text", "")},
        "action": f"/spc/characteristics/{c.id}/edit" if c else f"/spc/units/{unit.code}/new",
        "charts": SPC_CHARTS, "rule_sets": SPC_RULE_SETS, "problems": [p.said(lang) for p in problems],
        "locked": c is not None and service.subgroups_stored(db, c) > 0,
    }  # fmt: skip
    return render(request, "characteristics/form.html", context, 422 if problems else 200)


def _refusal(exc: DomainError | ValidationError) -> list[Problem]:
    if isinstance(exc, ValidationError):
        return form.pydantic_problems(exc)
    if isinstance(exc, ValidationFailed):
        return exc.problems
    if exc.status in (403, 404):
        raise exc
    return [Problem(exc.message)]


@router.get("/units/{unit_code}/new")
def new_characteristic(request: Request, viewer: CurrentViewer, db: Db, unit_code: str) -> Response:
    unit = service.unit_for_change(db, viewer.actor, unit_code)
    values = {"chart": "xbar-r", "rules": "we", "subgroup_size": 5}
    return _form_page(request, viewer, db, unit, None, values, [])


@router.post("/units/{unit_code}/new", dependencies=Protected)
def create_characteristic(request: Request, viewer: CurrentViewer, db: Db, unit_code: str, values: Posted) -> Response:
    unit = service.unit_for_change(db, viewer.actor, unit_code)
    fields, problems = form.fields(values, editing=False)
    try:
        if problems:
            raise ValidationFailed(problems, "characteristic")
        c = service.create(db, viewer.actor, CharacteristicIn.model_validate(fields | {"unit_code": unit.code}))
    except (DomainError, ValidationError) as exc:
        db.rollback()
        shown_values = fields | {"rule_counts_text": values.get("rule_counts", "")}
        return _form_page(request, viewer, db, unit, None, shown_values, _refusal(exc))
    return RedirectResponse(f"/spc/characteristics/{c.id}?lang={lang_of(request)}", status_code=303)


@router.get("/characteristics/{characteristic_id}/edit")
def edit_form(request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId) -> Response:
    c = service.for_change(db, viewer.actor, characteristic_id)
    values = {k: getattr(c, k) for k in (*form.TEXTS, *form.NUMBERS, *form.WHOLE)}
    values["rule_counts_text"] = form.shown(c.rule_counts)
    return _form_page(request, viewer, db, service.unit_of(db, c), c, values, [])


@router.post("/characteristics/{characteristic_id}/edit", dependencies=Protected)
def edit_characteristic(
    request: Request, viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, values: Posted
) -> Response:
    c = service.for_change(db, viewer.actor, characteristic_id)
    fields, problems = form.fields(values, editing=True)
    try:
        if problems:
            raise ValidationFailed(problems, "characteristic")
        changes = CharacteristicEdit.model_validate(fields).model_dump(exclude_unset=True)
        service.edit(db, viewer.actor, characteristic_id, changes)
    except (DomainError, ValidationError) as exc:
        db.rollback()
        c = service.for_change(db, viewer.actor, characteristic_id)
        shown_values = fields | {"rule_counts_text": values.get("rule_counts", ""), "chart": c.chart}
        return _form_page(request, viewer, db, service.unit_of(db, c), c, shown_values, _refusal(exc))
    return RedirectResponse(f"/spc/characteristics/{characteristic_id}?lang={lang_of(request)}", status_code=303)
