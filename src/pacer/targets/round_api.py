"""The bottom-up target round as JSON: the same service as the pages and the terminal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from pacer.auth.deps import CurrentViewer, protect
from pacer.targets import round as target_round
from pacer.targets.round_schemas import (
    ProposalIn,
    ProposalOut,
    ProposalSummaryOut,
    RowsIn,
    VerbIn,
    proposal_out,
    rows_of,
)
from pacer.web.deps import Db
from pacer.web.pagination import Page, Paging
from pacer.web.params import RowId

router = APIRouter(prefix="/api/target-proposals", tags=["targets"], dependencies=[Depends(protect)])


@router.get("")
def list_proposals(viewer: CurrentViewer, db: Db, paging: Paging) -> Page[ProposalSummaryOut]:
    """The target proposals of the units the viewer sees, newest first."""
    total, rows = target_round.proposals(db, viewer.actor, paging.limit, paging.offset)
    lang = viewer.user.language
    items = [
        ProposalSummaryOut(
            id=p.id,
            unit_code=u.code,
            unit_name=u.name(lang),
            year=p.year,
            state=i.state,
            created_by=p.created_by,
            due_at=i.due_at,
        )
        for p, u, i in rows
    ]
    return Page.of(items, total, paging)


@router.post("", status_code=201)
def create_proposal(body: ProposalIn, viewer: CurrentViewer, db: Db) -> ProposalOut:
    """Propose targets for a unit's subtree (its approver); with ``submit``, submit them at once."""
    proposal = target_round.propose(db, viewer.actor, body.unit_code, body.year, rows_of(body.rows), due=body.due)
    if body.submit:
        target_round.act(db, viewer.actor, proposal.id, "submit")
    return proposal_out(target_round.get(db, viewer.actor, proposal.id), viewer.user.language)


@router.get("/{proposal_id}")
def get_proposal(proposal_id: RowId, viewer: CurrentViewer, db: Db) -> ProposalOut:
    """One proposal: its rows, its timeline and the verbs the viewer may take."""
    return proposal_out(target_round.get(db, viewer.actor, proposal_id), viewer.user.language)


@router.put("/{proposal_id}/rows")
def replace_rows(proposal_id: RowId, body: RowsIn, viewer: CurrentViewer, db: Db) -> ProposalOut:
    """Replace a draft's rows."""
    target_round.replace_rows(db, viewer.actor, proposal_id, rows_of(body.rows))
    return get_proposal(proposal_id, viewer, db)


@router.post("/{proposal_id}/verbs/{verb}")
def take_verb(
    proposal_id: RowId,
    verb: Annotated[str, Path(max_length=32, description="submit, accept, return (with a reason) or revise")],
    body: VerbIn,
    viewer: CurrentViewer,
    db: Db,
) -> ProposalOut:
    """Submit (rows checked first), accept (rows become the targets of record), return or revise."""
    found = target_round.act(db, viewer.actor, proposal_id, verb, body.reason)
    return proposal_out(found, viewer.user.language)
