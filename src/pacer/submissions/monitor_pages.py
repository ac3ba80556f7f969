"""The reporting monitor's page: counts by status and level, the tree with each unit's status,
drill-down, filters, and HQ's one action on it, reminding the late units."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.kit import periods
from pacer.submissions import monitor
from pacer.submissions.monitor_calc import STATUSES
from pacer.web.deps import Db
from pacer.web.templating import render

router = APIRouter(prefix="/submissions/monitor", include_in_schema=False)
SHOWN = 300  # units on one page; a larger subtree shows its upper levels, and each unit opens its own
Count = Annotated[int | None, Query(ge=0, le=1_000_000)]


@router.get("")
def monitor_page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    period: Annotated[str | None, Query(max_length=10)] = None,
    node: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    reminded: Count = None,
    people: Count = None,
    already: Count = None,
    unreachable: Count = None,
) -> Response:
    month = monitor.month_of(period)
    board = monitor.monitor(db, viewer.actor, month, node or None)
    context = {
        "board": board,
        "month": periods.format_period(month),
        "cut": monitor.at_most(monitor.shown(board, status or None), SHOWN, bool(status)),
        "status": status or "",
        "statuses": STATUSES,
        "path": monitor.path_to(board),
        "may_remind": monitor.may_remind(db, viewer.actor, board),
        "result": None if reminded is None else (reminded, people or 0, already or 0, unreachable or 0),
    }
    return render(request, "submissions/monitor.html", context)


@router.post("/remind", dependencies=[Depends(protect)])
def remind(
    viewer: CurrentViewer,
    db: Db,
    period: Annotated[str, Form(max_length=10)],
    node: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    month = monitor.month_of(period)
    done = monitor.remind_late(db, viewer.actor, month, node or None)
    query: dict[str, str | int] = {"period": periods.format_period(month), **({"node": node} if node else {})}
    query |= {"reminded": len(done.reminded), "people": done.people, "already": len(done.already)}
    query |= {"unreachable": len(done.unreachable)}
    return RedirectResponse(f"/submissions/monitor?{urlencode(query)}", status_code=303)
