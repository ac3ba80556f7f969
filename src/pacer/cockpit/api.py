"""The cockpit as JSON: the same answers as the pages, from the same services."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from pacer.auth.deps import CurrentViewer
from pacer.cockpit import charts, schemas, service
from pacer.cockpit import ranking as ranks
from pacer.cockpit.scope import Scope, open_scope
from pacer.errors import NotFound
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.pagination import Page, Paging
from pacer.web.templating import lang_of

router = APIRouter(prefix="/api", tags=["cockpit"])
Period = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; default: the latest month")]
Indicator = Annotated[str | None, Query(max_length=64, description="indicator code; default: the first key indicator")]


def _scope(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, unit_code: str, period: str | None
) -> Scope:
    return open_scope(db, viewer.actor, analysis, unit_code, period, lang_of(request))


@router.get("/units")
def units(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=100, description="part of a code or name")] = None,
) -> Page[schemas.UnitRef]:
    """Units the caller may see, in tree order."""
    try:
        scope = open_scope(db, viewer.actor, analysis, None, None, lang_of(request))
    except NotFound:  # nothing granted: an empty list, not an error
        return Page.of([], 0, paging)
    nodes = sorted(scope.visible) if scope.visible is not None else range(len(analysis.data.units))
    refs = [scope.unit(n) for n in nodes]
    if q:
        refs = [r for r in refs if q.lower() in r.code.lower() or q.lower() in r.name.lower()]
    return Page.of(paging.slice(refs), len(refs), paging)


@router.get("/cockpit/{unit_code}")
def cockpit(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    period: Period = None,
    rank: Indicator = None,
    bridge: Indicator = None,
) -> schemas.CockpitOut:
    """Everything the cockpit page shows for a unit and month."""
    return service.cockpit(_scope(request, viewer, db, analysis, unit_code, period), rank, bridge)


@router.get("/cockpit/{unit_code}/tiles")
def tiles(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, unit_code: str, period: Period = None
) -> list[schemas.Tile]:
    """The key indicators: YTD, year on year, against target and time."""
    return service.tiles(_scope(request, viewer, db, analysis, unit_code, period))


@router.get("/cockpit/{unit_code}/ranking")
def ranking(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    paging: Paging,
    period: Period = None,
    indicator: Indicator = None,
    status: Literal["on_track", "watch", "off_track"] | None = None,
) -> Page[schemas.RankRow]:
    """The unit's children ranked on one indicator, best first."""
    result = ranks.ranking(_scope(request, viewer, db, analysis, unit_code, period), indicator)
    rows = [r for r in (result.rows if result else []) if status is None or r.status == status]
    return Page.of(paging.slice(rows), len(rows), paging)


@router.get("/cockpit/{unit_code}/off-track")
def off_track(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    paging: Paging,
    period: Period = None,
    indicator: Indicator = None,
    status: Literal["watch", "off_track"] | None = None,
) -> Page[schemas.OffTrackRow]:
    """Children x key indicators that are off track or on watch, worst first."""
    rows = [
        r
        for r in ranks.off_track(_scope(request, viewer, db, analysis, unit_code, period))
        if (status is None or r.status == status) and (indicator is None or r.indicator.code == indicator)
    ]
    return Page.of(paging.slice(rows), len(rows), paging)


@router.get("/cockpit/{unit_code}/bridge")
def bridge(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    period: Period = None,
    indicator: Indicator = None,
) -> schemas.Bridge:
    """How each child moved an indicator against the same months of last year."""
    result = service.bridge(_scope(request, viewer, db, analysis, unit_code, period), indicator)
    if result is None:
        raise NotFound("no figures of last year to compare with")
    return result


@router.get("/cockpit/{unit_code}/outlook")
def outlook(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, unit_code: str, period: Period = None
) -> list[schemas.OutlookRow]:
    """Year-end forecasts with their interval and the chance of reaching each tier."""
    return service.outlook(_scope(request, viewer, db, analysis, unit_code, period))


@router.get("/cockpit/{unit_code}/not-reported")
def not_reported(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    paging: Paging,
    period: Period = None,
) -> Page[schemas.NotReported]:
    """Units of the subtree with figures last month and nothing yet for this one."""
    rows = service.not_reported(_scope(request, viewer, db, analysis, unit_code, period))
    return Page.of(paging.slice(rows), len(rows), paging)


@router.get("/cockpit/{unit_code}/charts/{name}")
def chart(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    name: Literal["trend", "cumulative", "bridge", "outlook", "history"],
    period: Period = None,
    indicator: Indicator = None,
) -> dict[str, Any]:
    """A chart's Vega-Lite specification with its data inline."""
    return charts.spec(_scope(request, viewer, db, analysis, unit_code, period), name, indicator)


@router.get("/cockpit/{unit_code}/indicators/{code}")
def indicator_detail(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    code: str,
    period: Period = None,
) -> schemas.IndicatorOut:
    """One indicator of a unit: its tile, the children, and five years of months."""
    return service.indicator_page(_scope(request, viewer, db, analysis, unit_code, period), code)
