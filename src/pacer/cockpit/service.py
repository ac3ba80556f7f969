"""The cockpit's answers, built on the analysis engine and cut to what the viewer may see.

Pages and the JSON API both call these functions. A unit outside the viewer's subtrees answers
exactly like a unit that does not exist (404), whatever the route.

Answers are kept per engine version (``cache``), each under a key of everything that decides it:
the node, month and language, and the units ever below the node (in any month's tree) that the
viewer does not see (``Scope.hidden``). Children, bridge lines and off-track rows are drawn from
those units only, so two viewers with the same key get the same answer, and a viewer who sees the
node's whole history shares the answers computed ahead for everyone (``warm``). Lists that are
cut to the viewer on every request are said so where they are. Who sees what is decided on every
request from the viewer's current grants.
"""

from __future__ import annotations

import numpy as np

from pacer.analysis import CockpitRow, Missing, Span, missing_figures
from pacer.cockpit import format as fmt
from pacer.cockpit import repository, schemas
from pacer.cockpit.cache import cached
from pacer.cockpit.ranking import off_track, ranking
from pacer.cockpit.scope import Scope
from pacer.errors import DomainError, NotFound
from pacer.kit import periods
from pacer.kit.numbers import to_decimal
from pacer.web import i18n

# -- answers -------------------------------------------------------------------------------------


def tiles(scope: Scope, codes: list[str] | None = None) -> list[schemas.Tile]:
    codes = codes or scope.key_codes

    def make() -> list[schemas.Tile]:
        cockpit = scope.engine.cockpit(scope.node, scope.year, scope.month, codes, time_basis=scope.time_basis)
        return [_tile(scope, row) for row in cockpit.rows]

    return cached(scope.analysis, scope.key("tiles", tuple(codes)), make)


# the quality indicators a unit's cockpit and quality dashboard show, where the library has them
QUALITY_CODES = (
    "quality_problems",
    "quality_problems_closed",
    "quality_problems_open",
    "zeroing_rate",
    "first_pass_yield",
    "rolled_throughput_yield",
)


def quality_tiles(scope: Scope) -> list[schemas.Tile]:
    """The quality indicators as tiles against their targets (a zero target on problems is zero
    defects: off track at the first one)."""
    known = set(scope.engine.catalog.codes)
    codes = [c for c in QUALITY_CODES if c in known]
    return tiles(scope, codes) if codes else []


def _tile(scope: Scope, row: CockpitRow) -> schemas.Tile:
    ytd = row.ytd.number if row.ytd else None
    ref = scope.indicator(
        row.code, ytd if ytd is not None else (row.target_ensure.number if row.target_ensure else None)
    )
    return schemas.Tile(
        indicator=ref,
        value=fmt.decimal(row.value),
        ytd=fmt.decimal(row.ytd),
        ytd_last_year=fmt.decimal(row.ytd_last_year),
        yoy=fmt.change(row.yoy, ref.display, scope.lang, ref.direction, scope.scale_of(row.code)),
        target_ensure=fmt.decimal(row.target_ensure),
        target_strive=fmt.decimal(row.target_strive),
        completion_pct=row.completion_pct,
        completion_strive_pct=row.completion_strive_pct,
        time_progress_pct=row.time_progress_pct,
        time_basis=row.time_basis,
        gap_pp=row.gap_pp,
        status=row.status.value if row.status else None,
    )


def bridge(scope: Scope, code: str | None = None, span: Span = "ytd") -> schemas.Bridge | None:
    """How each child moved the indicator against the same months of last year (the year to
    date, or the month, quarter or half ending at the scope's month)."""
    code = code or _first_flow(scope)
    if code is None or scope.year - 1 < scope.analysis.data.first_year:
        return None
    if code not in scope.engine.catalog.index:
        raise NotFound(f"no indicator '{code}'")
    # lines of units the viewer does not see are folded into one line (see ``Scope.key``)
    try:
        return cached(scope.analysis, scope.key("bridge", code, span), lambda: _bridge(scope, code, span))
    except ValueError as exc:  # a derived indicator of another shape, or a ratio without a value
        raise DomainError(str(exc).removeprefix("bridge: "), 422) from None


def _bridge(scope: Scope, code: str, span: Span) -> schemas.Bridge:
    b = scope.engine.bridge(scope.node, scope.year, scope.month, code, span)
    ref = scope.indicator(code, b.current.number)
    lines, hidden = [], [0, 0, 0]
    ratio = b.method == "ratio"  # a ratio's lines carry their own ratios, which do not add up
    for line in b.lines:
        if line.node is not None and not scope.sees(line.node):
            # a unit no longer in the viewer's subtrees: folded into one line that says so
            hidden = [
                hidden[0] + (line.current.scaled if line.current else 0),
                hidden[1] + (line.previous.scaled if line.previous else 0),
                hidden[2] + line.change.scaled,
            ]
            continue
        lines.append(
            schemas.BridgeLine(
                unit=scope.unit(line.node) if line.node is not None else None,
                current=fmt.decimal(line.current),
                previous=fmt.decimal(line.previous),
                change=line.change.decimal,
                share_pct=line.share_pct,
                contribution_pp=line.contribution_pp,
                line=line.kind,
            )
        )
    if any(hidden):
        scale = scope.scale_of(code)
        lines.append(
            schemas.BridgeLine(
                unit=None,
                current=None if ratio else to_decimal(hidden[0], scale),
                previous=None if ratio else to_decimal(hidden[1], scale),
                change=to_decimal(hidden[2], scale),
                share_pct=None,
                contribution_pp=None,
                line="outside",
            )
        )
    return schemas.Bridge(
        indicator=ref,
        current=b.current.decimal,
        previous=b.previous.decimal,
        change=b.change.decimal,
        yoy=fmt.change(b.yoy, ref.display, scope.lang, ref.direction, scope.scale_of(code)),
        lines=lines,
        method=b.method,
    )


def _first_flow(scope: Scope) -> str | None:
    cat = scope.engine.catalog
    return next((c for c in scope.key_codes if cat.is_flow[cat.index[c]]), None)


def outlook(scope: Scope) -> list[schemas.OutlookRow]:
    def make() -> list[schemas.OutlookRow]:
        out = scope.engine.outlook([scope.node], scope.year, scope.month, scope.key_codes)
        return [
            schemas.OutlookRow(
                indicator=scope.indicator(r.code, r.point),
                method=r.method,
                ytd=r.ytd,
                point=r.point,
                low=r.low,
                high=r.high,
                p_ensure=r.p_ensure,
                p_strive=r.p_strive,
                target_ensure=r.target_ensure,
                target_strive=r.target_strive,
            )
            for r in out.rows()
        ]

    return cached(scope.analysis, scope.key("outlook"), make)


def not_reported(scope: Scope) -> list[schemas.NotReported]:
    """Units of the subtree expected this month (figures of what they are assigned last month or
    this one) that lack some of what they are assigned, with what they lack; a unit with none
    of it that has not opened a submission either (the engine holds every figure; submissions
    are asked). Without assignment rules, only the units with no figure this month."""
    rows = [
        m
        for m in cached(scope.analysis, ("missing", scope.node, scope.period), lambda: _missing(scope))
        if scope.sees(m.node)
    ]
    silent = [scope.analysis.unit_id(m.node) for m in rows if m.silent]
    submitted = repository.submitted(scope.db, scope.actor, silent, scope.period) if silent else set()
    label = periods.format_period(scope.period)
    reported = [d.code for d in scope.analysis.data.indicators if d.kind != "derived"]
    out = [
        schemas.NotReported(
            unit=scope.unit(m.node), period=label, missing=[_named(scope, reported[r]) for r in m.missing]
        )
        for m in rows
        if not (m.silent and scope.analysis.unit_id(m.node) in submitted)
    ]
    return sorted(out, key=lambda n: n.unit.code)


def without_figures(scope: Scope) -> list[schemas.UnitRef]:
    """Units of the subtree the viewer sees whose figures of the month are not all in the
    engine (not reported, or reported and not yet accepted), by code: what a report of the month
    leaves out."""
    rows = cached(scope.analysis, ("missing", scope.node, scope.period), lambda: _missing(scope))
    return sorted((scope.unit(m.node) for m in rows if scope.sees(m.node)), key=lambda u: u.code)


def _named(scope: Scope, code: str) -> schemas.MissingIndicator:
    row = scope.indicators.get(code)
    name = code if row is None else row.name_zh if scope.lang == "zh" else row.name_en
    return schemas.MissingIndicator(code=code, name=name)


def _missing(scope: Scope) -> list[Missing]:
    """Nodes of the subtree (the node included) expected this month that lack figures."""
    if scope.engine.month_index(scope.year, scope.month) == 0:
        return []
    nodes = np.array(
        sorted({scope.node, *scope.engine.tree(scope.year, scope.month).descendants(scope.node).tolist()}),
        dtype=np.int64,
    )
    return missing_figures(scope.analysis, nodes, scope.period)


def cockpit(scope: Scope, rank_code: str | None = None, bridge_code: str | None = None) -> schemas.CockpitOut:
    return schemas.CockpitOut(
        unit=scope.unit(scope.node),
        breadcrumbs=scope.breadcrumbs(),
        children=[scope.unit(k) for k in scope.children],
        period=periods.format_period(scope.period),
        period_label=i18n.period(scope.year, scope.month, scope.lang),
        ytd_label=i18n.ytd_label(scope.year, scope.month, scope.lang),
        periods=scope.period_choices(),
        time_basis=scope.time_basis,
        tiles=tiles(scope),
        ranking=ranking(scope, rank_code),
        off_track=off_track(scope),
        bridge=_bridge_or_none(scope, bridge_code),
        outlook=outlook(scope),
        not_reported=not_reported(scope),
    )


def _bridge_or_none(scope: Scope, code: str | None) -> schemas.Bridge | None:
    """The page's bridge; none for an indicator whose change cannot be split here."""
    try:
        return bridge(scope, code)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return None


# -- one indicator -------------------------------------------------------------------------------


def indicator_page(scope: Scope, code: str) -> schemas.IndicatorOut:
    if code not in scope.engine.catalog.index or code not in scope.indicators:
        raise NotFound(f"no indicator '{code}'")
    tile = tiles(scope, [code])[0]
    children = ranking(scope, code) or schemas.Ranking(indicator=tile.indicator, measure="ytd", rows=[])
    return schemas.IndicatorOut(
        unit=scope.unit(scope.node),
        breadcrumbs=scope.breadcrumbs(),
        period=periods.format_period(scope.period),
        period_label=i18n.period(scope.year, scope.month, scope.lang),
        periods=scope.period_choices(),
        tile=tile,
        children=children,
        months=cached(scope.analysis, scope.key("months", code), lambda: months(scope, code, tile.indicator)),
    )


def months(scope: Scope, code: str, ref: schemas.IndicatorRef, years: int = 5) -> list[schemas.MonthRow]:
    history = scope.engine.history(scope.node, code)
    first = (scope.year - years + 1) * 100 + 1
    rows = [r for r in history.rows() if first <= r.year * 100 + r.month <= scope.period]
    scale = scope.scale_of(code)
    return [
        schemas.MonthRow(
            period=f"{r.year}-{r.month:02d}",
            value=fmt.decimal(r.value),
            ytd=fmt.decimal(r.ytd),
            ytd_last_year=fmt.decimal(r.ytd_last_year),
            yoy=fmt.change(r.yoy, ref.display, scope.lang, ref.direction, scale),
        )
        for r in reversed(rows)
    ]


def cumulative_path(scope: Scope, code: str) -> dict[str, list[float | None]]:
    """This year's YTD by month against the ensure/strive targets spread over the year
    (by the target's phasing where it has one, else evenly)."""
    data, cat = scope.analysis.data, scope.engine.catalog
    i = cat.index[code]
    history = scope.engine.history(scope.node, code)
    t0 = 12 * (scope.year - data.first_year)
    ytd = [
        float(history.ytd.number[t])
        if t < len(history.ytd.number) and t <= t0 + scope.month - 1 and history.ytd.present[t]
        else None
        for t in range(t0, t0 + 12)
    ]
    last = [
        float(history.ytd.number[t - 12])
        if 0 <= t - 12 < len(history.ytd.number) and history.ytd.present[t - 12]
        else None
        for t in range(t0, t0 + 12)
    ]
    shares = np.arange(1, 13) / 12
    out: dict[str, list[float | None]] = {"ytd": ytd, "ytd_last_year": last}
    yi = scope.year - data.targets.first_year
    for tier, k in (("ensure", 0), ("strive", 1)):
        if 0 <= yi < data.targets.values.shape[2] and data.targets.present[scope.node, i, yi, k]:
            total = data.targets.values[scope.node, i, yi, k] / 10 ** int(cat.scale[i])
            bp = data.targets.phasing[scope.node, i, yi] if data.targets.phasing is not None else None
            path = np.cumsum(bp) / 10_000 if bp is not None and bp.sum() == 10_000 else shares
            out[tier] = [float(total * s) for s in path]
    return out
