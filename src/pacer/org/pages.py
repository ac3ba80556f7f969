"""Pages of the org tree: the tree on any date, a unit's history and leaders, restructurings with
their preview, and the people directory."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from pacer.assessment import repository as statements
from pacer.assessment.service import domain_title
from pacer.assessment.workflow import STATEMENT
from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import Actor
from pacer.commendations import repository as commendations
from pacer.errors import Forbidden, NotFound, Problem, ValidationFailed
from pacer.models import LEADER_ROLES, UNIT_KINDS
from pacer.org import directory, people, restructure
from pacer.org.directory import Filters
from pacer.org.preview import BASES, preview
from pacer.org.restructure import KINDS, Restructuring
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.params import RowId
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/admin", include_in_schema=False)
Protected = [Depends(protect)]
FIELDS = ("kind", "code", "effective", "reason", "parent_code", "into_code", "name_zh", "name_en", "unit_kind", "tags")


def _date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            [
                Problem(
                    f"'{text[:20]}' is not a date (YYYY-MM-DD)", field=field, zh=f"“{text[:20]}”不是日期（YYYY-MM-DD）"
                )
            ]
        ) from None


def may_change(db: Db, actor: Actor) -> bool:
    return restructure.may_restructure(db, actor, set()) or bool(actor.roots_for("administer"))


@router.get("/org")
def tree(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    on: str = "",
    q: str = "",
    kind: str = "",
    tag: str = "",
    line: str = "",
    level: str = "",
) -> Response:
    problems: list[Problem] = []
    try:
        day = _date(on, "on") or date.today()
    except ValidationFailed as exc:
        day, problems = date.today(), exc.problems
    filters = Filters(q[:100], kind if kind in UNIT_KINDS else "", tag[:100], line[:32],
                      int(level) if level.isdigit() and 0 < int(level) < 100 else None)  # fmt: skip
    nodes = directory.tree(db, viewer.actor, day, filters, lang_of(request))
    context: dict[str, Any] = {
        "nodes": nodes,
        "filters": filters,
        "on": day,
        "kinds": UNIT_KINDS,
        "today": date.today(),
    }
    context |= {"may_change": may_change(db, viewer.actor), "problems": [p.said(lang_of(request)) for p in problems]}
    return render(request, "org/tree.html", context, 422 if problems else 200)


def _form(request: Request, viewer: CurrentViewer, db: Db, values: dict[str, str], **more: Any) -> Response:
    if not may_change(db, viewer.actor):
        raise Forbidden("only group administrators and HQ analysts change the org tree")
    lang = lang_of(request)
    problems: list[Problem] = more.pop("problems", [])
    context: dict[str, Any] = {"values": values, "kinds": KINDS, "unit_kinds": UNIT_KINDS, "bases": BASES, "lang": lang}
    context |= {"problems": [p.said(lang) for p in problems], "preview": None, **more}
    return render(request, "org/restructure.html", context, 422 if problems else 200)


@router.get("/org/restructure")
def restructure_form(request: Request, viewer: CurrentViewer, db: Db, kind: str = "move", code: str = "") -> Response:
    values = {"kind": kind if kind in KINDS else "move", "code": code[:64], "effective": date.today().isoformat()}
    if values["kind"] == "reclassify" and code:  # the unit's kind and tags as they are, to edit
        with suppress(NotFound):  # a unit out of sight: an empty form, as for an unknown code
            current = directory.visible_unit(db, viewer.actor, code[:64])
            values |= {"unit_kind": current.kind, "tags": "; ".join(f"{k}={v}" for k, v in current.tags.items())}
    return _form(request, viewer, db, values)


def _change(values: dict[str, str]) -> Restructuring:
    return Restructuring(
        values.get("kind", ""),
        values.get("code", "").strip(),
        _date(values.get("effective"), "effective"),
        values.get("reason", ""),
        values.get("parent_code", "").strip(),
        values.get("into_code", "").strip(),
        values.get("name_zh", ""),
        values.get("name_en", ""),
        values.get("unit_kind", ""),
        restructure.parse_tags(values.get("tags", "")),
    )


@router.post("/org/restructure", dependencies=Protected)
async def restructure_post(request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis) -> Response:
    """``action=preview`` shows what the change does to the figures; ``action=save`` stores it."""
    form = await request.form()
    values = {k: str(form.get(k, ""))[:2000] for k in FIELDS}
    try:
        change = _change(values)
        if form.get("action") == "save":
            unit = restructure.apply(db, viewer.actor, change)
            return RedirectResponse(f"/admin/org/{unit.code}?saved=1", status_code=303)
        result = preview(db, viewer.actor, change, analysis)
    except ValidationFailed as exc:
        db.rollback()
        return _form(request, viewer, db, values, problems=exc.problems)
    return _form(request, viewer, db, values, preview=result)


@router.get("/org/{unit_code}")
def unit(request: Request, viewer: CurrentViewer, db: Db, unit_code: str, saved: str = "") -> Response:
    return _unit_page(request, viewer, db, unit_code, saved=saved == "1")


def _unit_page(request: Request, viewer: CurrentViewer, db: Db, unit_code: str, **more: Any) -> Response:
    lang = lang_of(request)
    h = directory.history(db, viewer.actor, unit_code)
    seen = directory.visible_codes(db, viewer.actor)
    problems: list[Problem] = more.pop("problems", [])
    context: dict[str, Any] = {"h": h, "seen": seen, "roles": LEADER_ROLES, "may_change": may_change(db, viewer.actor)}
    context |= {"people": people.directory(db, viewer.actor) if context["may_change"] else []}
    context |= {"problems": [p.said(lang) for p in problems], "today": date.today(), **more}
    context["fields"] = directory.change_fields
    context["commendations"] = commendations.of_unit(db, viewer.actor, h.unit.id)
    context["statements"] = statements.of_unit(db, viewer.actor, h.unit.id)
    context |= {"statement_flow": STATEMENT, "domain_title": domain_title}
    return render(request, "org/unit.html", context, 422 if problems else 200)


@router.post("/org/{unit_code}/leaders", dependencies=Protected)
def set_leader(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    unit_code: str,
    role: Annotated[str, Form(max_length=32)] = "",
    person_id: Annotated[str, Form(max_length=12)] = "",
    valid_from: Annotated[str, Form(max_length=20)] = "",
    portfolio_zh: Annotated[str, Form(max_length=200)] = "",
    portfolio_en: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        if not person_id.isdigit() or not 0 < int(person_id) < 2**31:
            raise ValidationFailed([Problem("choose a person", field="person_id", zh="请选择人员")])
        start = _date(valid_from, "valid_from")
        people.set_leader(db, viewer.actor, unit_code, role, int(person_id), start, portfolio_zh, portfolio_en)
    except ValidationFailed as exc:
        db.rollback()
        return _unit_page(request, viewer, db, unit_code, problems=exc.problems)
    return RedirectResponse(f"/admin/org/{unit_code}", status_code=303)


@router.post("/org/{unit_code}/leaders/{leader_id}/end", dependencies=Protected)
def end_leader(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    unit_code: str,
    leader_id: RowId,
    valid_to: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        people.end_leader(db, viewer.actor, unit_code, leader_id, _date(valid_to, "valid_to"))
    except ValidationFailed as exc:
        db.rollback()
        return _unit_page(request, viewer, db, unit_code, problems=exc.problems)
    return RedirectResponse(f"/admin/org/{unit_code}?saved=1", status_code=303)


@router.get("/people")
def people_page(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    return _people_page(request, viewer, db)


def _people_page(request: Request, viewer: CurrentViewer, db: Db, problems: list[Problem] | None = None) -> Response:
    lang = lang_of(request)
    context: dict[str, Any] = {"rows": people.directory(db, viewer.actor), "may_change": may_change(db, viewer.actor)}
    context["problems"] = [p.said(lang) for p in problems or []]
    return render(request, "org/people.html", context, 422 if problems else 200)


@router.post("/people", dependencies=Protected)
def add_person(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    name_zh: Annotated[str, Form(max_length=100)] = "",
    name_en: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        people.create_person(db, viewer.actor, name_zh, name_en)
    except ValidationFailed as exc:
        db.rollback()
        return _people_page(request, viewer, db, exc.problems)
    return RedirectResponse("/admin/people", status_code=303)


@router.post("/people/{person_id}/user", dependencies=Protected)
def link_user(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    person_id: RowId,
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        people.link_user(db, viewer.actor, person_id, username)
    except ValidationFailed as exc:
        db.rollback()
        return _people_page(request, viewer, db, exc.problems)
    return RedirectResponse("/admin/people", status_code=303)
