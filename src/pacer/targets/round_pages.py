"""Pages of the bottom-up target round: the proposals, one proposal with its verbs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import DomainError, ValidationFailed
from pacer.targets import round as target_round
from pacer.targets.round_flow import TARGET_ROUND
from pacer.web.deps import Db
from pacer.web.params import Offset, RowId
from pacer.web.templating import render

router = APIRouter(prefix="/target-proposals", include_in_schema=False)
Protected = [Depends(protect)]
PER_PAGE = 50
TEXT_LIMIT = 1_000_000  # characters of pasted rows


def _problems(exc: DomainError) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [str(p) for p in exc.problems] + ([f"… +{exc.more}"] if exc.more else [])
    return [exc.message]


def _refused(exc: DomainError) -> bool:
    """Refusals to show on the page (bad rows, a wrong state, a missing reason); not allowed
    and not found stay the error pages they are."""
    return exc.status not in (401, 403, 404)


@router.get("")
def proposals(
    request: Request, viewer: CurrentViewer, db: Db, offset: Offset = 0, form: dict[str, Any] | None = None
) -> Response:
    total, rows = target_round.proposals(db, viewer.actor, PER_PAGE, offset)
    context = {
        "rows": rows,
        "total": total,
        "offset": offset,
        "per_page": PER_PAGE,
        "flow": TARGET_ROUND,
        "units": target_round.proposable_units(db, viewer.actor),
        "form": form or {"year": date.today().year + 1},
    }
    return render(request, "targets/round_list.html", context)


@router.post("", dependencies=Protected)
def create(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    unit_code: Annotated[str, Form(max_length=32)],
    year: Annotated[int, Form(ge=2000, le=2100)],
    rows: Annotated[str, Form(max_length=TEXT_LIMIT)],
    due: Annotated[date | None, Form()] = None,
) -> Response:
    try:
        parsed, problems = target_round.rows_from_text(rows)
        proposal = target_round.propose(db, viewer.actor, unit_code, year, parsed, problems, due)
    except DomainError as exc:
        if not _refused(exc):
            raise
        db.rollback()
        form = {"unit_code": unit_code, "year": year, "rows": rows, "due": due, "problems": _problems(exc)}
        total, listed = target_round.proposals(db, viewer.actor, PER_PAGE, 0)
        context = {"rows": listed, "total": total, "offset": 0, "per_page": PER_PAGE, "flow": TARGET_ROUND}
        context |= {"units": target_round.proposable_units(db, viewer.actor), "form": form}
        return render(request, "targets/round_list.html", context, status_code=exc.status)
    return RedirectResponse(f"/target-proposals/{proposal.id}", status_code=303)


def _page(request: Request, viewer: CurrentViewer, db: Db, proposal_id: int, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    found = target_round.get(db, viewer.actor, proposal_id)
    context = {"p": found, "flow": TARGET_ROUND, "problems": [], "rows_text": ""} | extra
    return render(request, "targets/round_proposal.html", context, status_code=status)


@router.get("/{proposal_id}")
def proposal(request: Request, viewer: CurrentViewer, db: Db, proposal_id: RowId) -> Response:
    return _page(request, viewer, db, proposal_id)


@router.post("/{proposal_id}/rows", dependencies=Protected)
def replace_rows(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    proposal_id: RowId,
    rows: Annotated[str, Form(max_length=TEXT_LIMIT)],
) -> Response:
    try:
        parsed, problems = target_round.rows_from_text(rows)
        target_round.replace_rows(db, viewer.actor, proposal_id, parsed, problems)
    except DomainError as exc:
        if not _refused(exc):
            raise
        db.rollback()
        return _page(request, viewer, db, proposal_id, problems=_problems(exc), rows_text=rows, status=exc.status)
    return RedirectResponse(f"/target-proposals/{proposal_id}", status_code=303)


@router.post("/{proposal_id}/verbs/{verb}", dependencies=Protected)
def take_verb(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    proposal_id: RowId,
    verb: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        target_round.act(db, viewer.actor, proposal_id, verb, reason)
    except DomainError as exc:
        if not _refused(exc):
            raise
        db.rollback()
        return _page(request, viewer, db, proposal_id, problems=_problems(exc), status=exc.status)
    return RedirectResponse(f"/target-proposals/{proposal_id}", status_code=303)
