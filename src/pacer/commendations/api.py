"""The commendation register as JSON: ``/api/commendations`` (filtered by year, award and unit),
one commendation added by HQ, the awards and a new award."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pacer.auth.deps import CurrentViewer, protect
from pacer.commendations import repository, service
from pacer.commendations.schemas import (
    AwardIn,
    AwardOut,
    CommendationIn,
    CommendationOut,
    award_out,
    commendation_out,
)
from pacer.web.deps import Db

router = APIRouter(prefix="/api/commendations", tags=["commendations"], dependencies=[Depends(protect)])
Code = Annotated[str, Query(max_length=32)]


@router.get("")
def register(
    db: Db,
    viewer: CurrentViewer,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
    award: Code = "",
    unit: Annotated[str, Query(max_length=32, description="a unit's code: it and the units below it")] = "",
) -> list[CommendationOut]:
    """The commendations of the units the viewer sees, newest year first."""
    ask = repository.Filter(year, award or None, service.unit_filter(db, viewer.actor, unit))
    lang = viewer.user.language
    return [commendation_out(r, lang) for r in repository.register(db, viewer.actor, ask)]


@router.post("", status_code=201)
def add(body: CommendationIn, db: Db, viewer: CurrentViewer) -> CommendationOut:
    """Record a commendation (HQ); a bad one is refused naming each field, and nothing is stored."""
    row = service.add(db, viewer.actor, service.Entry(**body.model_dump()))
    found = next(r for r in repository.of_unit(db, viewer.actor, row.unit_id) if r.commendation.id == row.id)
    return commendation_out(found, viewer.user.language)


@router.get("/awards")
def awards(db: Db, viewer: CurrentViewer) -> list[AwardOut]:
    """The named awards the register gives."""
    return [award_out(a, viewer.user.language) for a in repository.awards(db)]


@router.post("/awards", status_code=201)
def add_award(body: AwardIn, db: Db, viewer: CurrentViewer) -> AwardOut:
    """Add a named award (HQ)."""
    award = service.add_award(db, viewer.actor, **body.model_dump())
    return award_out(award, viewer.user.language)
