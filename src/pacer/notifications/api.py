"""The viewer's inbox and queue as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from pacer.auth.deps import CurrentViewer, protect
from pacer.models import Notification
from pacer.notifications import service
from pacer.notifications.queue import waiting_for
from pacer.notifications.schemas import InboxOut, MarkedOut, NotificationOut, QueueItemOut
from pacer.web.deps import Db
from pacer.web.pagination import Page, Paging
from pacer.web.params import RowId

router = APIRouter(prefix="/api/inbox", tags=["inbox"], dependencies=[Depends(protect)])


def _out(row: Notification, lang: str) -> NotificationOut:
    return NotificationOut(
        id=row.id,
        kind=row.kind,
        title=row.title(lang),
        body=row.body(lang),
        link=row.link,
        created_at=row.created_at,
        read_at=row.read_at,
    )


@router.get("")
def inbox(viewer: CurrentViewer, db: Db, paging: Paging) -> InboxOut:
    """The viewer's notifications, newest first, with how many are unread."""
    total, rows = service.inbox(db, viewer.user.id, paging.limit, paging.offset)
    lang = viewer.user.language
    return InboxOut(
        items=[_out(r, lang) for r in rows],
        total=total,
        unread=service.unread_count(db, viewer.user.id),
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("/{notification_id}/read")
def mark_read(notification_id: RowId, viewer: CurrentViewer, db: Db) -> NotificationOut:
    """Mark one of the viewer's notifications as read."""
    return _out(service.mark_read(db, viewer.user.id, notification_id), viewer.user.language)


@router.post("/read-all")
def mark_all_read(viewer: CurrentViewer, db: Db) -> MarkedOut:
    """Mark every unread notification of the viewer as read."""
    return MarkedOut(marked=service.mark_all_read(db, viewer.user.id))


@router.get("/queue")
def queue(viewer: CurrentViewer, db: Db, paging: Paging) -> Page[QueueItemOut]:
    """Items of every workflow awaiting a verb the viewer may take, soonest due first."""
    total, rows = waiting_for(db, viewer.actor, paging.limit, paging.offset)
    lang = viewer.user.language
    items = [
        QueueItemOut(
            id=w.item.id,
            workflow=w.item.workflow,
            title=w.item.title(lang),
            state=w.state(lang),
            unit_code=w.unit_code,
            link=w.item.link,
            due_at=w.item.due_at,
            escalation_level=w.item.escalation_level,
        )
        for w in rows
    ]
    return Page.of(items, total, paging)
