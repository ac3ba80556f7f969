"""The cockpit pages: a unit at a month, one indicator across units and years, exports, chart images."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from pacer.analysis import incomplete
from pacer.auth.deps import CurrentViewer
from pacer.auth.permissions import AUDIT, SUPERVISE, visible_unit_ids
from pacer.cockpit import charts, export, schemas, service
from pacer.cockpit import format as fmt
from pacer.cockpit import ranking as ranks
from pacer.cockpit.cache import cached
from pacer.cockpit.scope import Scope, open_scope, top_roots
from pacer.eliminations import board as eliminations_board
from pacer.kit.xlsx import XLSX
from pacer.web import i18n
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.templating import lang_of, render, render_fragment

router = APIRouter(prefix="/cockpit", include_in_schema=False)
Period = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; default: the latest month")]
Code = Annotated[str | None, Query(max_length=64)]
Before = Annotated[
    Literal["before"] | None, Query(description="'before': also the consolidated figures before eliminations")
]


@router.get("")
def home(request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis) -> Response:
    roots = top_roots(db, viewer.actor, analysis)
    if not roots:
        return render(request, "cockpit/no_units.html")
    code = analysis.data.units.codes[roots[0]]
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/cockpit/{code}{query}", status_code=303)


@router.get("/{unit_code}")
def cockpit(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    period: Period = None,
    rank: Code = None,
    bridge: Code = None,
    eliminations: Before = None,
) -> Response:
    scope = open_scope(db, viewer.actor, analysis, unit_code, period, lang_of(request))
    view = service.cockpit(scope, rank, bridge)
    roots = [scope.unit(n) for n in top_roots(db, viewer.actor, analysis)]
    key = [scope.indicator(c, None) for c in scope.key_codes]
    ranking_html, bridge_html = tables_html(scope, view)
    can_assign = visible_unit_ids(db, viewer.actor, SUPERVISE) != set()
    return render(
        request,
        "cockpit/cockpit.html",
        {
            "view": view,
            "roots": roots,
            "key": key,
            "ranking_html": ranking_html,
            "bridge_html": bridge_html,
            **parts_html(scope, view, can_assign),
            "incomplete": incomplete(analysis, scope.period),
            "is_parent": bool(scope.children),
            "before": before_eliminations(scope) if eliminations and scope.children else None,
        },
    )


def before_eliminations(scope: Scope) -> list[tuple[schemas.IndicatorRef, eliminations_board.Consolidated]]:
    """The node's consolidated figures before and after the eliminations booked on it and below,
    from the engine as the eliminations page reads them: (indicator, figures)."""
    codes = [code for code, _, _ in eliminations_board.eliminated_indicators(scope.db)]
    rows = eliminations_board.consolidated(scope.analysis, scope.analysis.unit_id(scope.node), scope.period, codes)
    return [(scope.indicator(row.code, None), row) for row in rows]


def tables_html(scope: Scope, view: schemas.CockpitOut) -> tuple[Markup | None, Markup | None]:
    """The ranking and bridge tables of the cockpit page, rendered. They are the same for everyone
    with the same key as their data (the scope's key: node, month, language, the units hidden from
    the viewer): kept rendered."""
    ranking, bridge = view.ranking, view.bridge
    ranking_html = bridge_html = None
    if ranking is not None:
        ranking_html = cached(
            scope.analysis,
            scope.key("ranking.html", ranking.indicator.code),
            lambda: render_fragment(
                "cockpit/_ranking.html",
                scope.lang,
                {"ranking": ranking, "view": view, "shown": fmt.ranking_shown(ranking), "unit_name": view.unit.name},
            ),
        )
    if bridge is not None:
        bridge_html = cached(
            scope.analysis,
            scope.key("bridge.html", bridge.indicator.code),
            lambda: render_fragment("cockpit/_bridge.html", scope.lang, {"view": view}),
        )
    return ranking_html, bridge_html


def parts_html(scope: Scope, view: schemas.CockpitOut, can_assign: bool) -> dict[str, Markup]:
    """The tiles, the off-track list and the outlook of the cockpit page, rendered and kept like
    the tables (:func:`tables_html`); the off-track list also by whether the viewer may assign a
    task from it. What is the viewer's own (the CSRF token, the navigation, the units not
    reported, which asks the database) stays out of them."""
    lang = scope.lang

    def tiles() -> Markup:
        quality = service.quality_tiles(scope)
        return render_fragment("cockpit/_tiles.html", lang, {"view": view, "quality": quality})

    def off_track() -> Markup:
        displays = fmt.common_displays(view.off_track, scope.measures, scope.scale_of, lang, scope.money_scale)
        context = {"view": view, "off_track_displays": displays, "can_assign": can_assign}
        return render_fragment("cockpit/_off_track.html", lang, context)

    return {
        "tiles_html": cached(scope.analysis, scope.key("tiles.html"), tiles),
        "off_track_html": cached(scope.analysis, scope.key("off_track.html", can_assign), off_track),
        "outlook_html": cached(
            scope.analysis,
            scope.key("outlook.html"),
            lambda: render_fragment("cockpit/_outlook.html", lang, {"view": view}),
        ),
    }


@router.get("/{unit_code}/ranking.xlsx")
def ranking_export(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    period: Period = None,
    rank: Code = None,
) -> Response:
    scope = open_scope(db, viewer.actor, analysis, unit_code, period, lang_of(request))

    def workbook() -> tuple[bytes, str]:
        ranking = ranks.ranking(scope, rank) or ranks.empty_ranking(scope, rank)
        month = f"{scope.year}-{scope.month:02d}"
        return export.ranking_workbook(scope.unit(scope.node), month, ranking, scope.lang), ranking.indicator.code

    # made from the ranking alone, so kept with it (see ``tables_html``)
    body, code = cached(analysis, scope.key("ranking.xlsx", rank), workbook)
    return _download(body, f"{unit_code}-{code}-{scope.year}{scope.month:02d}.xlsx")


@router.get("/{unit_code}/indicators/{code}")
def indicator(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    code: str,
    period: Period = None,
) -> Response:
    scope = open_scope(db, viewer.actor, analysis, unit_code, period, lang_of(request))
    view = service.indicator_page(scope, code)
    # the months link to the audit trail for those who may read it
    audit_reader = bool(viewer.actor.roots_for(AUDIT))

    def body() -> Markup:
        context = {
            "view": view,
            "shown": fmt.ranking_shown(view.children),
            "unit_name": view.unit.name,
            "ytd_label": i18n.ytd_label(scope.year, scope.month, scope.lang),
            "audit_reader": audit_reader,
        }
        return render_fragment("cockpit/_indicator.html", scope.lang, context)

    # kept like the cockpit page's parts (:func:`tables_html`); the crumbs above it are the viewer's
    body_html = cached(analysis, scope.key("indicator.html", code, audit_reader), body)
    return render(request, "cockpit/indicator.html", {"view": view, "body_html": body_html})


@router.get("/{unit_code}/indicators/{code}/export.xlsx")
def indicator_export(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    code: str,
    period: Period = None,
) -> Response:
    scope = open_scope(db, viewer.actor, analysis, unit_code, period, lang_of(request))
    body = cached(
        analysis,
        scope.key("indicator.xlsx", code),
        lambda: export.indicator_workbook(service.indicator_page(scope, code), scope.lang),
    )
    return _download(body, f"{unit_code}-{code}-{scope.year}{scope.month:02d}.xlsx")


@router.get("/{unit_code}/charts/{name}.{fmt}")
def chart_image(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    analysis: CurrentAnalysis,
    unit_code: str,
    name: str,
    fmt: Literal["svg", "png"],
    period: Period = None,
    indicator: Code = None,
) -> Response:
    scope = open_scope(db, viewer.actor, analysis, unit_code, period, lang_of(request))
    body = charts.image(scope, name, indicator, fmt)
    return Response(body, media_type="image/svg+xml" if fmt == "svg" else "image/png")


def _download(body: bytes, filename: str) -> Response:
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
