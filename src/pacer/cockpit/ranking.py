"""The cockpit's comparison of a node's children: the ranking on one indicator (with each child's
last twelve months and targets) and the off-track list."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from pacer.analysis import BASES, Window, evaluate_windows, off_track_rows
from pacer.cockpit import format as fmt
from pacer.cockpit import schemas
from pacer.cockpit.cache import cached
from pacer.cockpit.scope import Scope
from pacer.errors import NotFound
from pacer.kit import periods
from pacer.kit.numbers import to_decimal

TREND_MONTHS = 12


def ranking(scope: Scope, code: str | None = None) -> schemas.Ranking | None:
    """The children on one indicator, best first, each with its last twelve months."""
    code = code or (scope.key_codes[0] if scope.key_codes else None)
    if code is None or not scope.children:
        return None
    if code not in scope.engine.catalog.index:
        raise NotFound(f"no indicator '{code}'")
    return cached(scope.analysis, scope.key("ranking", code), lambda: _ranking(scope, code))


def _ranking(scope: Scope, code: str) -> schemas.Ranking:
    ranked = scope.engine.rank(
        code, scope.year, scope.month, nodes=scope.children, measure="completion", time_basis=scope.time_basis
    )
    if all(r.measure is None for r in ranked.rows):
        ranked = scope.engine.rank(code, scope.year, scope.month, nodes=scope.children, measure="ytd")
    biggest = max((abs(r.ytd.number) for r in ranked.rows if r.ytd), default=None)
    ref = scope.indicator(code, biggest)
    trends = _trends(scope, code, scope.children)
    targets, total, progress = _targets_and_total(scope, code)
    rows = [
        schemas.RankRow(
            rank=r.rank,
            unit=scope.unit(r.node),
            ytd=fmt.decimal(r.ytd),
            yoy=fmt.change(r.yoy, ref.display, scope.lang, ref.direction, scope.scale_of(code)),
            completion_pct=r.completion_pct,
            gap_pp=r.gap_pp,
            status=r.status.value if r.status else None,
            trend=trends[r.node],
            target_ensure=targets[r.node][0],
            target_strive=targets[r.node][1],
            time_progress_pct=progress[r.node][0],
            time_basis=progress[r.node][1],
        )
        for r in ranked.rows
    ]
    # the lines add up to the unit's total: the children and the unit's own line (its own figures
    # less its eliminations), for amounts only, and only where every child is shown
    own = None
    additive = scope.additive(code)
    every_child = len(scope.children) == len(scope.engine.children(scope.node, scope.year, scope.month))
    if not (additive and every_child and total is not None and all(r.ytd is not None for r in rows)):
        total = None
    else:
        own = total - sum((r.ytd for r in rows if r.ytd is not None), Decimal(0))
    return schemas.Ranking(indicator=ref, measure=ranked.measure, rows=rows, total=total, own=own)


Tiers = dict[int, tuple[Decimal | None, Decimal | None]]
Progress = dict[int, tuple[float | None, str | None]]


def _targets_and_total(scope: Scope, code: str) -> tuple[Tiers, Decimal | None, Progress]:
    """The children's ensure and strive targets, the unit's own YTD, and each child's time
    progress with the basis it was counted on, from one measure table."""
    nodes = [*scope.children, scope.node]
    pm = scope.engine.measures(nodes, scope.year, scope.month, [code], time_basis=scope.time_basis)
    col, scale = pm.column(scope.engine.catalog.index[code]), scope.scale_of(code)

    def tier(i: int, k: int) -> Decimal | None:
        return to_decimal(int(pm.target_scaled[i, col, k]), scale) if pm.target_present[i, col, k] else None

    def progress(i: int) -> tuple[float | None, str | None]:
        share = float(pm.progress[i, col])
        return (None, None) if share != share else (share * 100.0, BASES[int(pm.basis[i, col])])

    targets = {n: (tier(i, 0), tier(i, 1)) for i, n in enumerate(scope.children)}
    last = len(nodes) - 1
    total = to_decimal(int(pm.ytd.scaled[last, col]), scale) if pm.ytd.present[last, col] else None
    return targets, total, {n: progress(i) for i, n in enumerate(scope.children)}


def empty_ranking(scope: Scope, code: str | None = None) -> schemas.Ranking:
    """A ranking with no rows (a unit without children), for exports that keep their shape."""
    code = code or (scope.key_codes[0] if scope.key_codes else "revenue")
    return schemas.Ranking(indicator=scope.indicator(code, None), measure="ytd", rows=[])


def _trends(scope: Scope, code: str, nodes: list[int]) -> dict[int, list[float | None]]:
    """The last twelve months' own values of ``nodes`` (months before the first year left out),
    in one engine call: a window per month, each month read on that month's tree."""
    engine, first_year = scope.engine, scope.analysis.data.first_year
    first = periods.add_months(scope.period, -(TREND_MONTHS - 1))
    months = [p for p in periods.periods_between(first, scope.period) if p // 100 >= first_year]
    windows = [Window.of(p // 100 - first_year, p % 100, p % 100) for p in months]
    columns = engine.catalog.closure(engine.catalog.indices([code]))
    per_month = evaluate_windows(engine.cube(), engine.catalog, np.asarray(nodes, dtype=np.int64), columns, windows)
    col = int(np.searchsorted(columns, engine.catalog.index[code]))
    # the month of the scope is never before the first year, so there is at least one window
    numbers = np.stack([v.number[:, col] for v in per_month], axis=1).tolist()
    present = np.stack([v.present[:, col] for v in per_month], axis=1).tolist()
    return {n: [x if ok else None for x, ok in zip(numbers[i], present[i], strict=True)] for i, n in enumerate(nodes)}


def off_track(scope: Scope) -> list[schemas.OffTrackRow]:
    # every child is kept with its node, and the list is cut to the visible ones per request
    def make() -> list[tuple[int, schemas.OffTrackRow]]:
        # the unit itself first (its tiles and this list must agree), then its children
        engine, codes = scope.engine, scope.key_codes
        own = off_track_rows(
            engine.measures([scope.node], scope.year, scope.month, codes, time_basis=scope.time_basis),
            engine.catalog,
            engine.catalog.indices(codes),
            np.arange(1),
        )
        rows = [*own, *engine.off_track(scope.node, scope.year, scope.month, codes, time_basis=scope.time_basis)]
        return [
            (
                r.node,
                schemas.OffTrackRow(
                    unit=scope.unit(r.node),
                    indicator=scope.indicator(r.code, r.ytd.number if r.ytd else None),
                    status=r.status.value,
                    gap_pp=r.gap_pp,
                    completion_pct=r.completion_pct,
                    ytd=fmt.decimal(r.ytd),
                    target_ensure=fmt.decimal(r.target_ensure),
                ),
            )
            for r in rows
        ]

    return [row for node, row in cached(scope.analysis, scope.key("off_track"), make) if scope.sees(node)]
