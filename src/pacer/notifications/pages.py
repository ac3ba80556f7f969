"""The inbox page: the viewer's notifications and the items awaiting them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.notifications import service
from pacer.notifications.queue import waiting_for
from pacer.web.deps import Db
from pacer.web.params import Offset, RowId
from pacer.web.templating import render

router = APIRouter(prefix="/inbox", include_in_schema=False)
PER_PAGE = 30
QUEUE_SHOWN = 20


@router.get("")
def inbox(request: Request, viewer: CurrentViewer, db: Db, offset: Offset = 0) -> Response:
    total, rows = service.inbox(db, viewer.user.id, PER_PAGE, offset)
    queued, waiting = waiting_for(db, viewer.actor, QUEUE_SHOWN, 0)
    context = {"rows": rows, "total": total, "offset": offset, "per_page": PER_PAGE, "queue": waiting}
    return render(request, "notifications/inbox.html", context | {"queued": queued})


def _inside(link: str) -> bool:
    """Only a path of Pacer's own is followed after marking read (never another site)."""
    return link.startswith("/") and not link.startswith("//") and "\\" not in link


@router.post("/{notification_id}/read", dependencies=[Depends(protect)])
def mark_read(
    viewer: CurrentViewer, db: Db, notification_id: RowId, open_link: Annotated[str, Form(alias="open")] = ""
) -> Response:
    row = service.mark_read(db, viewer.user.id, notification_id)
    target = row.link if open_link == "1" and _inside(row.link) else "/inbox"
    return RedirectResponse(target, status_code=303)


@router.post("/read-all", dependencies=[Depends(protect)])
def mark_all_read(viewer: CurrentViewer, db: Db) -> Response:
    service.mark_all_read(db, viewer.user.id)
    return RedirectResponse("/inbox", status_code=303)
