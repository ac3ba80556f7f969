"""Annual targets as JSON: the grid of a node and year, rows posted to the one import, the check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from pacer.auth.deps import CurrentViewer, protect
from pacer.targets import entry, schemas
from pacer.targets.checks import check_year
from pacer.targets.grid import build_grid
from pacer.web.deps import Db

router = APIRouter(prefix="/api/targets", tags=["targets"], dependencies=[Depends(protect)])
Year = Annotated[int, Path(ge=2000, le=2100, description="the targets' year")]
SetCode = Annotated[
    str | None, Query(alias="set", max_length=64, description="an indicator set (default: reported and key)")
]
Opened = Annotated[
    list[str] | None, Query(alias="open", max_length=200, description="units whose children are shown too")
]


@router.get("/{year}/{unit_code}")
def get_grid(
    year: Year,
    unit_code: str,
    viewer: CurrentViewer,
    db: Db,
    set_code: SetCode = None,
    opened: Opened = None,
) -> schemas.GridOut:
    """The targets of a unit and its children (and of the units opened) for a year, with last year's actual."""
    grid = build_grid(db, viewer.actor, year, unit_code, set_code, opened or ())
    return schemas.grid_out(grid, viewer.user.language)


@router.post("/{year}/{unit_code}")
def post_rows(year: Year, unit_code: str, body: schemas.TargetsIn, viewer: CurrentViewer, db: Db) -> schemas.SavedOut:
    """Set or revise targets of the unit's subtree: all rows or none (422 naming every problem by row and field)."""
    grid = build_grid(db, viewer.actor, year, unit_code)
    posted = entry.api_rows(db, viewer.actor, grid, [r.model_dump() for r in body.rows])
    report = entry.save(db, viewer.actor, grid, posted)
    return schemas.SavedOut(**report.counts, warnings=[str(w) for w in report.warnings])


@router.get("/{year}/{unit_code}/check")
def check(year: Year, unit_code: str, viewer: CurrentViewer, db: Db) -> list[schemas.MismatchOut]:
    """Parents in the unit's subtree whose children's targets do not add up to theirs (additive indicators)."""
    return [
        schemas.MismatchOut(
            unit_code=m.unit_code,
            indicator_code=m.indicator_code,
            **schemas.gap_out(m.tier, m.gap, m.scale).model_dump(),
        )
        for m in check_year(db, viewer.actor, year, unit_code)
    ]
