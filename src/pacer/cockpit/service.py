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

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

import numpy as np
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, Engine, Window, default_period, evaluate_windows, off_track_rows
from pacer.auth.permissions import Actor, visible_unit_ids
from pacer.cockpit import format as fmt
from pacer.cockpit import repository, schemas
from pacer.cockpit.cache import cached
from pacer.errors import DomainError, NotFound
from pacer.indicators.service import IndicatorRow, list_indicators
from pacer.kit import periods
from pacer.web import i18n

KEY_SET = "key"
TREND_MONTHS = 12


@dataclass(frozen=True, eq=False)
class Scope:
    """One visible node at one month, in one language."""

    db: Session
    actor: Actor
    analysis: Analysis
    node: int
    year: int
    month: int
    lang: str
    visible: frozenset[int] | None  # node indices; None: everything

    @property
    def engine(self) -> Engine:
        return self.analysis.engine

    @property
    def period(self) -> int:
        return self.year * 100 + self.month

    def unit(self, node: int) -> schemas.UnitRef:
        row = self.analysis.data.unit_rows[node]
        return schemas.UnitRef(code=row.code, name=row.name_zh if self.lang == "zh" else row.name_en)

    def sees(self, node: int) -> bool:
        return self.visible is None or node in self.visible

    @cached_property
    def hidden(self) -> tuple[int, ...]:
        """The units ever below the node, in any month's tree, that the viewer does not see (units
        that have since moved out of the viewer's subtrees, or were dissolved); in node order."""
        visible = self.visible
        if visible is None:
            return ()
        return cached(
            self.analysis,
            ("hidden", self.node, visible),
            lambda: tuple(n for n in ever_below(self.analysis, self.node) if n not in visible),
        )

    def key(self, *parts: object) -> tuple[object, ...]:
        """A cache key for an answer about this node, month and language as this viewer may see it:
        every unit such an answer can name is ever below the node, so the hidden ones are part of it."""
        return (self.node, self.year, self.month, self.lang, self.hidden, *parts)

    @cached_property
    def indicators(self) -> dict[str, IndicatorRow]:
        # indicator definitions change only with an audited change, hence a new engine version
        return cached(
            self.analysis,
            ("indicators", self.year),
            lambda: {r.code: r for r in list_indicators(self.db, None, self.year)},
        )

    @cached_property
    def key_codes(self) -> list[str]:
        known = set(self.engine.catalog.codes)
        return cached(
            self.analysis,
            ("key_codes", self.year),
            lambda: [r.code for r in list_indicators(self.db, KEY_SET, self.year) if r.code in known],
        )

    def indicator(self, code: str, magnitude: float | None) -> schemas.IndicatorRef:
        row = self.indicators.get(code)
        if row is None or code not in self.engine.catalog.index:
            raise NotFound(f"no indicator '{code}'")
        return schemas.IndicatorRef(
            code=code,
            name=row.name_zh if self.lang == "zh" else row.name_en,
            unit=row.unit,
            kind=row.kind,
            direction=row.direction,
            display=fmt.display_for(row.unit, magnitude, self.lang),
        )

    def scale_of(self, code: str) -> int:
        return int(self.engine.catalog.scale[self.engine.catalog.index[code]])

    @cached_property
    def children(self) -> list[int]:
        return [k for k in self.engine.children(self.node, self.year, self.month) if self.sees(k)]

    def breadcrumbs(self) -> list[schemas.UnitRef]:
        path = self.engine.tree(self.year, self.month).path_to_root(self.node)
        return [self.unit(n) for n in reversed(path) if n != self.node and self.sees(n)]

    def period_choices(self) -> list[str]:
        last = self.analysis.data.last_period
        first = self.analysis.data.first_year * 100 + 1
        return [periods.format_period(p) for p in reversed(periods.periods_between(first, last))]


def open_scope(
    db: Session, actor: Actor, analysis: Analysis, unit_code: str | None, period: str | None, lang: str
) -> Scope:
    visible = visible_nodes(db, actor, analysis)
    node = _node(db, actor, analysis, unit_code, visible)
    year, month = _period(analysis, period)
    return Scope(db, actor, analysis, node, year, month, lang, visible)


def visible_nodes(db: Session, actor: Actor, analysis: Analysis) -> frozenset[int] | None:
    """The engine nodes of the units the actor may read (None: everything).

    The actor's grants are read from the database on every request; the subtrees they open
    depend only on the org tree (which changes only with a new engine version) and on today's
    date, so their expansion is kept per granted roots and day.
    """
    if actor.is_system:
        return None

    def expand() -> frozenset[int] | None:
        ids = visible_unit_ids(db, actor)
        return None if ids is None else frozenset(n for i in ids if (n := analysis.node(i)) is not None)

    return cached(analysis, ("visible", tuple(actor.roots_for("read")), date.today()), expand)


def ever_below(analysis: Analysis, node: int) -> tuple[int, ...]:
    """Every unit below ``node`` in the tree of any month, in node order."""

    def make() -> tuple[int, ...]:
        trees = analysis.engine.cube().timeline.trees
        below = set().union(*(tree.descendants(node).tolist() for tree in trees if tree.active[node]))
        below.discard(node)
        return tuple(sorted(below))

    return cached(analysis, ("ever_below", node), make)


def _node(db: Session, actor: Actor, analysis: Analysis, code: str | None, visible: frozenset[int] | None) -> int:
    if code is None:
        roots = top_roots(db, actor, analysis)
        if not roots:
            raise NotFound("no unit has been granted to you yet; ask an administrator")
        return roots[0]
    node = analysis.data.unit_index().get(code)
    if node is None or (visible is not None and node not in visible):
        raise NotFound(f"no unit '{code}'")  # same words whether it exists or not
    return node


def top_roots(db: Session, actor: Actor, analysis: Analysis) -> list[int]:
    """The viewer's granted units that are not inside another granted subtree, in tree order."""
    granted = [n for u in repository.visible_roots(db, actor) if (n := analysis.node(u.id)) is not None]
    if actor.is_system:
        granted = [0]
    tree = analysis.engine.cube().timeline.latest
    top = [n for n in granted if not any(a in granted for a in tree.path_to_root(n) if a != n)]
    return sorted(top)


def _period(analysis: Analysis, text: str | None) -> tuple[int, int]:
    last = analysis.data.last_period
    if text is None:
        return divmod(default_period(analysis), 100)
    try:
        period = periods.parse_period(text)
    except Exception:
        raise NotFound(f"no figures for '{text}'") from None
    if not analysis.data.first_year * 100 + 1 <= period <= last:
        raise NotFound(f"no figures for {periods.format_period(period)}")
    return divmod(period, 100)


# -- answers -------------------------------------------------------------------------------------


def tiles(scope: Scope, codes: list[str] | None = None) -> list[schemas.Tile]:
    codes = codes or scope.key_codes

    def make() -> list[schemas.Tile]:
        cockpit = scope.engine.cockpit(scope.node, scope.year, scope.month, codes)
        return [_tile(scope, row) for row in cockpit.rows]

    return cached(scope.analysis, scope.key("tiles", tuple(codes)), make)


def _tile(scope: Scope, row) -> schemas.Tile:  # type: ignore[no-untyped-def]
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


def ranking(scope: Scope, code: str | None = None) -> schemas.Ranking | None:
    """The children on one indicator, best first, each with its last twelve months."""
    code = code or (scope.key_codes[0] if scope.key_codes else None)
    if code is None or not scope.children:
        return None
    if code not in scope.engine.catalog.index:
        raise NotFound(f"no indicator '{code}'")
    return cached(scope.analysis, scope.key("ranking", code), lambda: _ranking(scope, code))


def _ranking(scope: Scope, code: str) -> schemas.Ranking:
    ranked = scope.engine.rank(code, scope.year, scope.month, nodes=scope.children, measure="completion")
    if all(r.measure is None for r in ranked.rows):
        ranked = scope.engine.rank(code, scope.year, scope.month, nodes=scope.children, measure="ytd")
    biggest = max((abs(r.ytd.number) for r in ranked.rows if r.ytd), default=None)
    ref = scope.indicator(code, biggest)
    trends = _trends(scope, code, scope.children)
    targets, total = _targets_and_total(scope, code)
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
        )
        for r in ranked.rows
    ]
    # the lines add up to the unit's total: the children and the unit's own line (its own figures
    # less its eliminations), for amounts only, and only where every child is shown
    own = None
    additive = ref.unit in ("yuan", "person", "count") and (ref.kind != "derived" or ref.unit == "yuan")
    every_child = len(scope.children) == len(scope.engine.children(scope.node, scope.year, scope.month))
    if not (additive and every_child and total is not None and all(r.ytd is not None for r in rows)):
        total = None
    else:
        own = total - sum((r.ytd for r in rows if r.ytd is not None), Decimal(0))
    return schemas.Ranking(indicator=ref, measure=ranked.measure, rows=rows, total=total, own=own)


def _targets_and_total(
    scope: Scope, code: str
) -> tuple[dict[int, tuple[Decimal | None, Decimal | None]], Decimal | None]:
    """The children's ensure and strive targets, and the unit's own YTD, from one measure table."""
    nodes = [*scope.children, scope.node]
    pm = scope.engine.measures(nodes, scope.year, scope.month, [code])
    col, scale = pm.column(scope.engine.catalog.index[code]), scope.scale_of(code)

    def tier(i: int, k: int) -> Decimal | None:
        return _dec(int(pm.target_scaled[i, col, k]), scale) if pm.target_present[i, col, k] else None

    targets = {n: (tier(i, 0), tier(i, 1)) for i, n in enumerate(scope.children)}
    last = len(nodes) - 1
    total = _dec(int(pm.ytd.scaled[last, col]), scale) if pm.ytd.present[last, col] else None
    return targets, total


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
            engine.measures([scope.node], scope.year, scope.month, codes),
            engine.catalog,
            engine.catalog.indices(codes),
            np.arange(1),
        )
        rows = [*own, *engine.off_track(scope.node, scope.year, scope.month, codes)]
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


def bridge(scope: Scope, code: str | None = None) -> schemas.Bridge | None:
    """How each child moved the indicator against the same months of last year."""
    code = code or _first_flow(scope)
    if code is None or scope.year - 1 < scope.analysis.data.first_year:
        return None
    if code not in scope.engine.catalog.index:
        raise NotFound(f"no indicator '{code}'")
    # lines of units the viewer does not see are folded into one line (see ``Scope.key``)
    try:
        return cached(scope.analysis, scope.key("bridge", code), lambda: _bridge(scope, code))
    except ValueError as exc:  # a derived indicator of another shape, or a ratio without a value
        raise DomainError(str(exc).removeprefix("bridge: "), 422) from None


def _bridge(scope: Scope, code: str) -> schemas.Bridge:
    b = scope.engine.bridge(scope.node, scope.year, scope.month, code)
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
                current=None if ratio else _dec(hidden[0], scale),
                previous=None if ratio else _dec(hidden[1], scale),
                change=_dec(hidden[2], scale),
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


def _dec(scaled: int, scale: int) -> Decimal:
    return Decimal(scaled).scaleb(-scale)


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
    """Units of the subtree with figures last month and none this month, that have not opened a
    submission for this month either (the engine holds every figure; submissions are asked)."""
    candidates = [
        n for n in cached(scope.analysis, ("silent", scope.node, scope.period), lambda: _silent(scope)) if scope.sees(n)
    ]
    if not candidates:
        return []
    submitted = repository.submitted(
        scope.db, scope.actor, [scope.analysis.unit_id(n) for n in candidates], scope.period
    )
    label = periods.format_period(scope.period)
    refs = sorted(
        (scope.unit(n) for n in candidates if scope.analysis.unit_id(n) not in submitted), key=lambda u: u.code
    )
    return [schemas.NotReported(unit=ref, period=label) for ref in refs]


def _silent(scope: Scope) -> list[int]:
    """Nodes of the subtree (the node included) with a figure last month and none this month."""
    t = scope.engine.month_index(scope.year, scope.month)
    if t == 0:
        return []
    nodes = np.array(
        sorted({scope.node, *scope.engine.tree(scope.year, scope.month).descendants(scope.node).tolist()}),
        dtype=np.int64,
    )
    present = scope.engine.facts.present
    had = present[nodes, :, t - 1].any(axis=1)
    has = present[nodes, :, t].any(axis=1)
    return nodes[had & ~has].tolist()


def cockpit(scope: Scope, rank_code: str | None = None, bridge_code: str | None = None) -> schemas.CockpitOut:
    return schemas.CockpitOut(
        unit=scope.unit(scope.node),
        breadcrumbs=scope.breadcrumbs(),
        children=[scope.unit(k) for k in scope.children],
        period=periods.format_period(scope.period),
        period_label=i18n.period(scope.year, scope.month, scope.lang),
        ytd_label=i18n.ytd_label(scope.year, scope.month, scope.lang),
        periods=scope.period_choices(),
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
        months=months(scope, code, tile.indicator),
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
