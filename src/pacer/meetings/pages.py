"""The meeting register's pages: the register with its filters, one meeting with its agenda,
attendees, documents and numbered requirements, and the form that registers or edits one (also
the form an article's proposal is confirmed in). The same service as the API; a refused record
is shown again with each problem beside its field, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import SUPERVISE, visible_unit_ids
from pacer.errors import Problem, ValidationFailed
from pacer.files import responses
from pacer.meetings import article, form, service
from pacer.meetings.extract.tags import TOPICS, label
from pacer.meetings.repository import Filters
from pacer.meetings.schemas import AgendaIn, MeetingIn, RequirementIn
from pacer.models import Unit
from pacer.models.followup import AGENDA_KINDS, MEETING_KINDS, MEETING_MODES
from pacer.web.deps import Db
from pacer.web.i18n import translate
from pacer.web.templating import lang_of, render

router = APIRouter(prefix="/meetings", include_in_schema=False)
Protected = [Depends(protect)]
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FileId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PER_PAGE = 50


async def posted(request: Request) -> dict[str, str]:
    found = await request.form()
    return {k: str(v)[:200_000] for k, v in found.items() if isinstance(v, str) and k != "csrf_token"}


Posted = Annotated[dict[str, str], Depends(posted)]


async def uploaded(request: Request) -> UploadFile | None:
    found = (await request.form()).get("file")
    return found if isinstance(found, UploadFile) else None


@router.get("")
def register(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    kind: Annotated[str, Query(max_length=32)] = "",
    year: Annotated[str, Query(max_length=4)] = "",
    unit: Annotated[str, Query(max_length=32)] = "",
    offset: Annotated[int, Query(ge=0, le=10**7)] = 0,
) -> Response:
    unit_id = service.unit_for_filter(db, viewer.actor, unit) if unit else None
    chosen = Filters(kind if kind in MEETING_KINDS else "", int(year) if year.isdigit() else None, unit_id)
    total, rows = service.register(db, viewer.actor, chosen, PER_PAGE, offset)
    context = {"rows": rows, "total": total, "offset": offset, "per_page": PER_PAGE, "kinds": MEETING_KINDS}
    context |= {"kind": kind, "year": year, "unit": unit, "may_edit": service.may_edit(db, viewer.actor)}
    return render(request, "meetings/register.html", context)


def _form_page(
    request: Request, viewer: CurrentViewer, db: Db, data: MeetingIn | None, meeting_id: int | None, **more: Any
) -> Response:
    """The form, filled with ``data``; ``more``: problems, warnings, whether it is a proposal."""
    problems: list[Problem] = more.pop("problems", [])
    lang = lang_of(request)
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field or "", []).append(p.zh if lang == "zh" and p.zh else p.message)
    values = form.values(data) if data else {"mode": "on_site", "kind": "economic_analysis"}
    values["unit_code"] = values.get("unit_code") or service.home_unit(db, viewer.actor).code
    extra = int(more.pop("extra", 1))
    context = {
        "values": values,
        "meeting_id": meeting_id,
        "field_errors": fields,
        "problems": [p.said(lang) for p in problems],
        "unit_options": [(u.code, u.name(lang)) for u in _supervised(db, viewer)],
        "kind_options": [(k, translate(lang, f"meetings.kind.{k}")) for k in MEETING_KINDS],
        "mode_options": [(m, translate(lang, f"meetings.mode.{m}")) for m in MEETING_MODES],
        "agenda_kinds": AGENDA_KINDS,
        "blank_agenda": form.BLANK_AGENDA * extra,
        "blank_requirements": form.BLANK_REQUIREMENTS * extra,
        "extra": extra,
        **more,
    }
    return render(request, "meetings/form.html", context, 422 if problems else 200)


def _supervised(db: Db, viewer: CurrentViewer) -> list[Unit]:
    return service.units_among(db, visible_unit_ids(db, viewer.actor, SUPERVISE))


def _save(db: Db, action: Callable[[], Any]) -> tuple[Any, list[Problem]]:
    """Run a change; what it returned, or the problems to show (after rolling back)."""
    try:
        return action(), []
    except ValidationError as exc:
        db.rollback()
        return None, [Problem(e["msg"], field=".".join(str(x) for x in e["loc"])) for e in exc.errors()]
    except ValidationFailed as exc:
        db.rollback()
        return None, exc.problems


@router.get("/new")
def new(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    service.require_registrar(db, viewer.actor)
    return _form_page(request, viewer, db, None, None)


@router.post("/new", dependencies=Protected)
def create(request: Request, viewer: CurrentViewer, db: Db, values: Posted) -> Response:
    service.require_registrar(db, viewer.actor)
    data, problems = _save(db, lambda: form.record(values))
    proposal = values.get("proposal") == "1"
    if data is not None and "more" in values:
        return _form_page(request, viewer, db, data, None, extra=int(values.get("extra", "1")) + 1, proposal=proposal)
    if data is not None:
        meeting, problems = _save(db, lambda: service.create(db, viewer.actor, data))
        if meeting is not None:
            return RedirectResponse(f"/meetings/{meeting.id}", status_code=303)
    return _form_page(request, viewer, db, data, None, problems=problems, proposal=proposal)


def _article_page(
    request: Request, viewer: CurrentViewer, db: Db, text: str, unit_code: str, problems: list[Problem]
) -> Response:
    lang = lang_of(request)
    context = {
        "text": text,
        "unit_code": unit_code or service.home_unit(db, viewer.actor).code,
        "unit_options": [(u.code, u.name(lang)) for u in _supervised(db, viewer)],
        "problems": [p.said(lang) for p in problems],
    }
    return render(request, "meetings/article.html", context, 422 if problems else 200)


@router.get("/from-article")
def article_form(request: Request, viewer: CurrentViewer, db: Db) -> Response:
    service.require_registrar(db, viewer.actor)
    return _article_page(request, viewer, db, "", "", [])


@router.post("/from-article", dependencies=[Depends(uploaded), *Protected])
def propose(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    values: Posted,
    file: Annotated[UploadFile | None, Depends(uploaded)],
) -> Response:
    """The article's proposal in the meeting form, to be checked, edited and confirmed."""
    service.require_registrar(db, viewer.actor)
    text, unit_code = values.get("text", ""), values.get("unit_code", "")[:32]

    def proposed() -> article.Proposal:
        upload = responses.upload_bytes(file) if file is not None and file.filename else None
        return article.propose(db, viewer.actor, article.article_of(text, upload), lang_of(request), unit_code)

    proposal, problems = _save(db, proposed)
    if proposal is None:
        return _article_page(request, viewer, db, text, unit_code, problems)
    return _form_page(request, viewer, db, proposal.record, None, proposal=True, warnings=proposal.warnings)


@router.get("/{meeting_id}")
def meeting(request: Request, viewer: CurrentViewer, db: Db, meeting_id: MeetingId) -> Response:
    return _meeting_page(request, viewer, db, meeting_id, [])


def _meeting_page(
    request: Request, viewer: CurrentViewer, db: Db, meeting_id: int, problems: list[Problem]
) -> Response:
    detail, lang = service.detail(db, viewer.actor, meeting_id), lang_of(request)
    context = {"d": detail, "problems": [p.said(lang) for p in problems], "topic": partial(topic, lang=lang)}
    return render(request, "meetings/meeting.html", context, 422 if problems else 200)


def topic(tag: str, lang: str) -> str:
    """A topic tag in the reader's language (a tag of the person's own stays as typed)."""
    return label(tag, lang) if tag in TOPICS else tag


def record_of(detail: service.Detail) -> MeetingIn:
    m = detail.meeting
    return MeetingIn(
        unit_code=detail.unit.code,
        kind=m.kind,
        title=m.title,
        held_on=m.held_on.isoformat(),
        place=m.place,
        mode=m.mode,
        chair=m.chair,
        summary=m.summary,
        attendees=detail.attendees,
        attendee_units=[u.code for u in detail.attendee_units],
        reporting_units=[u.code for u in detail.reporting_units],
        agenda=[AgendaIn(kind=a.kind, speaker=a.speaker, title=a.title) for a in detail.agenda],
        requirements=[
            RequirementIn(id=r.id, number=r.number, issuer=r.issuer, text=r.text, tags=r.tags)
            for r in detail.requirements
        ],
    )


@router.get("/{meeting_id}/edit")
def edit(request: Request, viewer: CurrentViewer, db: Db, meeting_id: MeetingId) -> Response:
    detail = service.detail(db, viewer.actor, meeting_id)
    service.require_registrar(db, viewer.actor, detail.meeting.unit_id)
    return _form_page(request, viewer, db, record_of(detail), meeting_id)


@router.post("/{meeting_id}/edit", dependencies=Protected)
def save(request: Request, viewer: CurrentViewer, db: Db, meeting_id: MeetingId, values: Posted) -> Response:
    detail = service.detail(db, viewer.actor, meeting_id)
    service.require_registrar(db, viewer.actor, detail.meeting.unit_id)
    data, problems = _save(db, lambda: form.record(values))
    if data is not None and "more" in values:
        return _form_page(request, viewer, db, data, meeting_id, extra=int(values.get("extra", "1")) + 1)
    if data is not None:
        done, problems = _save(db, lambda: service.update(db, viewer.actor, meeting_id, data))
        if done is not None:
            return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)
    return _form_page(request, viewer, db, data, meeting_id, problems=problems)


@router.post("/{meeting_id}/documents", dependencies=[Depends(uploaded), *Protected])
def upload(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    meeting_id: MeetingId,
    file: Annotated[UploadFile | None, Depends(uploaded)],
) -> Response:
    def store() -> object:
        if file is None or not file.filename:
            raise ValidationFailed([Problem("choose a file to upload", field="file", zh="请选择要上传的文件")])
        return service.add_document(db, viewer.actor, meeting_id, *responses.upload_bytes(file))

    _, problems = _save(db, store)
    if not problems:
        return RedirectResponse(f"/meetings/{meeting_id}#documents", status_code=303)
    return _meeting_page(request, viewer, db, meeting_id, problems)


@router.get("/{meeting_id}/documents/{file_id}")
def download(viewer: CurrentViewer, db: Db, meeting_id: MeetingId, file_id: FileId) -> Response:
    stored, content = service.document(db, viewer.actor, meeting_id, file_id)
    return responses.download(stored, content)


@router.post("/{meeting_id}/documents/{file_id}/delete", dependencies=Protected)
def remove(viewer: CurrentViewer, db: Db, meeting_id: MeetingId, file_id: FileId) -> Response:
    service.remove_document(db, viewer.actor, meeting_id, file_id)
    return RedirectResponse(f"/meetings/{meeting_id}#documents", status_code=303)
