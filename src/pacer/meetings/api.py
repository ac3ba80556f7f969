"""The meeting register as JSON (``/api/meetings``): the same service as the pages and the
terminal, scoped to the meetings of the units the caller sees; registering and editing need
SUPERVISE on the meeting's unit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import Problem, ValidationFailed
from pacer.files import responses
from pacer.meetings import article, service
from pacer.meetings.repository import Filters
from pacer.meetings.schemas import (
    AgendaIn,
    ArticleIn,
    FileOut,
    MeetingIn,
    MeetingOut,
    MeetingSummaryOut,
    ProposalOut,
    RequirementOut,
    RequirementsIn,
    UnitOut,
)
from pacer.models import Unit
from pacer.web.deps import Db
from pacer.web.pagination import Page, Paging

router = APIRouter(prefix="/api/meetings", tags=["meetings"], dependencies=[Depends(protect)])
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The meeting's id.")]
FileId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The document's id.")]


def _unit(unit: Unit, lang: str) -> UnitOut:
    return UnitOut(code=unit.code, name=unit.name(lang))


def _out(detail: service.Detail, lang: str) -> MeetingOut:
    m = detail.meeting
    return MeetingOut(
        id=m.id,
        unit=_unit(detail.unit, lang),
        kind=m.kind,
        title=m.title,
        held_on=m.held_on,
        mode=m.mode,
        place=m.place,
        requirements=len(detail.requirements),
        chair=m.chair,
        summary=m.summary,
        attendees=detail.attendees,
        attendee_units=[_unit(u, lang) for u in detail.attendee_units],
        reporting_units=[_unit(u, lang) for u in detail.reporting_units],
        agenda=[AgendaIn(kind=a.kind, speaker=a.speaker, title=a.title) for a in detail.agenda],
        requirement_list=[
            RequirementOut(
                id=r.id,
                position=r.position,
                number=r.number,
                issuer=r.issuer,
                text=r.text,
                tags=r.tags,
                tasks=detail.tasks.get(r.id, 0),
            )
            for r in detail.requirements
        ],
        documents=[FileOut.model_validate(f, from_attributes=True) for f in detail.documents],
    )


@router.get("")
def list_meetings(
    viewer: CurrentViewer,
    db: Db,
    paging: Paging,
    kind: Annotated[str, Query(max_length=32, description="Only this kind.")] = "",
    year: Annotated[int | None, Query(ge=1900, le=2999, description="Only meetings held this year.")] = None,
    unit_code: Annotated[str, Query(max_length=32, description="Held, attended or reported by this unit.")] = "",
) -> Page[MeetingSummaryOut]:
    """The meetings of the units the caller sees, newest first."""
    unit_id = service.unit_for_filter(db, viewer.actor, unit_code) if unit_code else None
    total, rows = service.register(db, viewer.actor, Filters(kind, year, unit_id), paging.limit, paging.offset)
    lang = viewer.user.language
    items = [
        MeetingSummaryOut(
            id=m.id,
            unit=_unit(u, lang),
            kind=m.kind,
            title=m.title,
            held_on=m.held_on,
            mode=m.mode,
            place=m.place,
            requirements=n,
        )
        for m, u, n in rows
    ]
    return Page.of(items, total, paging)


@router.post("", status_code=201)
def create_meeting(viewer: CurrentViewer, db: Db, body: MeetingIn) -> MeetingOut:
    """Register a meeting with its agenda, attendance and numbered requirements."""
    meeting = service.create(db, viewer.actor, body)
    return _out(service.detail(db, viewer.actor, meeting.id), viewer.user.language)


@router.post("/proposals")
def propose_meeting(viewer: CurrentViewer, db: Db, body: ArticleIn) -> ProposalOut:
    """An article's proposed meeting record and numbered requirements, with the warnings to check;
    nothing is stored (send the record, edited, to POST /api/meetings)."""
    lang = viewer.user.language
    proposal = article.propose(db, viewer.actor, article.article_of(body.text, None), lang, body.unit_code)
    return ProposalOut(record=proposal.record, warnings=proposal.warnings)


@router.get("/{meeting_id}")
def get_meeting(viewer: CurrentViewer, db: Db, meeting_id: MeetingId) -> MeetingOut:
    """One meeting with its agenda, attendance, requirements (with their tasks) and documents."""
    return _out(service.detail(db, viewer.actor, meeting_id), viewer.user.language)


@router.put("/{meeting_id}")
def update_meeting(viewer: CurrentViewer, db: Db, meeting_id: MeetingId, body: MeetingIn) -> MeetingOut:
    """Replace a meeting's record; its requirements too when the body lists them."""
    service.update(db, viewer.actor, meeting_id, body)
    return _out(service.detail(db, viewer.actor, meeting_id), viewer.user.language)


@router.put("/{meeting_id}/requirements")
def set_requirements(viewer: CurrentViewer, db: Db, meeting_id: MeetingId, body: RequirementsIn) -> MeetingOut:
    """The meeting's requirements, in order: an existing one keeps its id, one left out is removed
    (refused when it has tasks)."""
    service.set_requirements(db, viewer.actor, meeting_id, body.requirements)
    return _out(service.detail(db, viewer.actor, meeting_id), viewer.user.language)


async def _file(request: Request) -> UploadFile | None:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return None
    found = (await request.form()).get("file")
    return found if isinstance(found, UploadFile) else None


@router.post("/{meeting_id}/documents", status_code=201)
def upload_document(
    viewer: CurrentViewer, db: Db, meeting_id: MeetingId, file: Annotated[UploadFile | None, Depends(_file)]
) -> FileOut:
    """Attach a document (multipart field ``file``): PDF, Word, Excel, PowerPoint, an image or
    text, within PACER_UPLOAD_MAX_BYTES, its type checked by its content."""
    if file is None or not file.filename:
        raise ValidationFailed([Problem("send the document as the multipart field 'file'", field="file")], "upload")
    stored = service.add_document(db, viewer.actor, meeting_id, *responses.upload_bytes(file))
    return FileOut.model_validate(stored, from_attributes=True)


@router.get("/{meeting_id}/documents/{file_id}")
def download_document(viewer: CurrentViewer, db: Db, meeting_id: MeetingId, file_id: FileId) -> Response:
    """A document's bytes, as an attachment."""
    stored, content = service.document(db, viewer.actor, meeting_id, file_id)
    return responses.download(stored, content)


@router.delete("/{meeting_id}/documents/{file_id}", status_code=204)
def delete_document(viewer: CurrentViewer, db: Db, meeting_id: MeetingId, file_id: FileId) -> Response:
    """Remove a document."""
    service.remove_document(db, viewer.actor, meeting_id, file_id)
    return Response(status_code=204)
