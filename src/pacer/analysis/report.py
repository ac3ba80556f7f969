"""The analysis as documents: what ``pacer analyze`` prints as JSON, and renders as tables or CSV.

Each command's answer is one plain dict whose shape is a TypedDict below (the README's "JSON
output" section documents every field, and a test holds the two together). Exact amounts are
decimal strings at the indicator's stored precision; only ratios, percentages and
probabilities are floats. A unit the actor may not see reads exactly like a unit that does not
exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, TypedDict

import numpy as np
from sqlalchemy.orm import Session

from pacer.analysis import wording
from pacer.analysis.bridge import Bridge
from pacer.analysis.completeness import default_period
from pacer.analysis.display import DisplayUnit
from pacer.analysis.measures import TimeBasis
from pacer.analysis.results import BridgeLine, Change, Status, Value
from pacer.analysis.service import Analysis
from pacer.analysis.views import Measure
from pacer.analysis.windows import Span
from pacer.auth.permissions import Actor, visible_unit_ids
from pacer.errors import DomainError, NotFound
from pacer.indicators.service import IndicatorRow, list_indicators, set_exists
from pacer.kit import periods

DEFAULT_SET = "key"


# -- the documented shape ------------------------------------------------------------------------


class Quantity(TypedDict):
    value: str
    unit: str


class UnitRef(TypedDict):
    code: str
    name: str


class IndicatorRef(TypedDict):
    code: str
    name: str
    unit: str
    kind: str
    direction: str


class ChangeOut(TypedDict):
    kind: str
    percent: float | None
    change: Quantity | None
    text: str


class NeedOut(TypedDict):
    tier: str
    remaining: Quantity
    monthly_average: Quantity | None
    implied_growth: ChangeOut


class CockpitRowOut(TypedDict):
    indicator: IndicatorRef
    value: Quantity | None
    ytd: Quantity | None
    ytd_last_year: Quantity | None
    yoy: ChangeOut
    target_ensure: Quantity | None
    target_strive: Quantity | None
    completion_pct: float | None
    completion_strive_pct: float | None
    time_progress_pct: float | None
    time_basis: str | None
    gap_pp: float | None
    status: str | None
    status_text: str
    needs: list[NeedOut]


class CockpitReport(TypedDict):
    command: str
    language: str
    unit: UnitRef
    period: str
    set: str
    restated: bool
    time_basis: str
    rows: list[CockpitRowOut]


class RankRowOut(TypedDict):
    rank: int | None
    unit: UnitRef
    value: Quantity | None
    ytd: Quantity | None
    yoy: ChangeOut
    completion_pct: float | None
    gap_pp: float | None
    status: str | None
    status_text: str


class ParentOut(TypedDict):
    unit: UnitRef
    value: Quantity | None
    ytd: Quantity | None


class Spread(TypedDict):
    n_values: int
    cv: float | None


class RankReport(TypedDict):
    command: str
    language: str
    indicator: IndicatorRef
    period: str
    measure: str
    descending: bool
    parent: ParentOut | None
    level: int | None
    restated: bool
    time_basis: str
    rows: list[RankRowOut]
    dispersion: Spread


class BridgeLineOut(TypedDict):
    unit: UnitRef | None
    current: Quantity | None
    previous: Quantity | None
    change: Quantity
    share_pct: float | None
    contribution_pp: float | None
    line: str


class BridgeReport(TypedDict):
    command: str
    language: str
    unit: UnitRef
    indicator: IndicatorRef
    period: str
    span: str
    restated: bool
    method: str
    current: Quantity
    previous: Quantity
    change: Quantity
    yoy: ChangeOut
    lines: list[BridgeLineOut]


class OutlookRowOut(TypedDict):
    indicator: IndicatorRef
    method: str
    ytd: Quantity | None
    run_rate: Quantity | None
    seasonal: Quantity | None
    statistical: Quantity | None
    point: Quantity | None
    low: Quantity | None
    high: Quantity | None
    p_ensure: float | None
    p_strive: float | None
    target_ensure: Quantity | None
    target_strive: Quantity | None


class OutlookReport(TypedDict):
    command: str
    language: str
    unit: UnitRef
    period: str
    set: str
    restated: bool
    rows: list[OutlookRowOut]


class HistoryRowOut(TypedDict):
    period: str
    value: Quantity | None
    ytd: Quantity | None
    ytd_last_year: Quantity | None
    yoy: ChangeOut
    mom: ChangeOut


class HistoryReport(TypedDict):
    command: str
    language: str
    unit: UnitRef
    indicator: IndicatorRef
    restated: bool
    rows: list[HistoryRowOut]


REPORTS: dict[str, type] = {
    "cockpit": CockpitReport,
    "rank": RankReport,
    "bridge": BridgeReport,
    "outlook": OutlookReport,
    "history": HistoryReport,
}


# -- scope: who asks about which node and month ----------------------------------------------------


@dataclass(frozen=True, eq=False)
class Scope:
    """A visible node at a month with figures, the language and the money display scale."""

    session: Session
    analysis: Analysis
    node: int
    year: int
    month: int
    language: str
    money: DisplayUnit
    visible: frozenset[int] | None  # node indices; None: everything

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def sees(self, node: int) -> bool:
        return self.visible is None or node in self.visible

    def unit(self, node: int) -> UnitRef:
        row = self.analysis.data.unit_rows[node]
        return {"code": row.code, "name": row.name_zh if self.language == "zh" else row.name_en}

    def indicators(self) -> dict[str, IndicatorRow]:
        return {r.code: r for r in list_indicators(self.session, None, self.year)}

    def indicator(self, code: str) -> IndicatorRef:
        row = self.indicators().get(code)
        if row is None or code not in self.analysis.engine.catalog.index:
            raise NotFound(f"unknown indicator '{code}' (see 'pacer indicators list')")
        return _indicator_ref(row, self.language)

    def set_members(self, set_code: str) -> list[IndicatorRef]:
        if not set_exists(self.session, set_code):
            raise NotFound(f"unknown indicator set '{set_code}' (see 'pacer indicators sets')")
        known = self.analysis.engine.catalog.index
        return [
            _indicator_ref(r, self.language)
            for r in list_indicators(self.session, set_code, self.year)
            if r.code in known
        ]


def _indicator_ref(row: IndicatorRow, language: str) -> IndicatorRef:
    return {
        "code": row.code,
        "name": row.name_zh if language == "zh" else row.name_en,
        "unit": row.unit,
        "kind": row.kind,
        "direction": row.direction,
    }


def open_scope(
    session: Session,
    actor: Actor,
    analysis: Analysis,
    unit_code: str | None,
    period: str | None,
    language: str,
    money: DisplayUnit = DisplayUnit.YI_YUAN,
) -> Scope:
    ids = visible_unit_ids(session, actor)
    visible = None if ids is None else frozenset(n for i in ids if (n := analysis.node(i)) is not None)
    year, month = divmod(resolve_period(analysis, period), 100)
    if unit_code is None:
        if visible is not None and not visible:
            raise NotFound("no unit has been granted to you yet; ask an administrator")
        node = 0 if visible is None else min(visible)  # units are in depth-first order of the tree
    else:
        found = analysis.data.unit_index().get(unit_code)
        if found is None or (visible is not None and found not in visible):
            raise NotFound(f"unknown unit '{unit_code}'")  # the same words whether it exists or not
        node = found
    return Scope(session, analysis, node, year, month, language, money, visible)


def resolve_period(analysis: Analysis, text: str | None) -> int:
    """The month asked for (YYYYMM), refused unless the figures cover it; by default the latest
    month complete enough to read (:func:`pacer.analysis.completeness.default_period`)."""
    last = analysis.data.last_period
    if text is None:
        return default_period(analysis)
    try:
        period = periods.parse_period(text)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    first = analysis.data.first_year * 100 + 1
    if not first <= period <= last:
        raise NotFound(
            f"no figures for {periods.format_period(period)} (figures run from "
            f"{periods.format_period(first)} to {periods.format_period(last)})"
        )
    return period


# -- values -------------------------------------------------------------------------------------


def quantity(v: Value | None, unit: str) -> Quantity | None:
    return None if v is None else {"value": str(v.decimal), "unit": unit}


def estimate(x: float | None, scale: int, unit: str) -> Quantity | None:
    """A float estimate (a forecast) at the indicator's stored precision."""
    if x is None:
        return None
    d = Decimal(repr(x)).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    return {"value": str(d), "unit": unit}


def change_out(c: Change, ref: IndicatorRef, scale: int, scope: Scope) -> ChangeOut:
    unit = "pp" if ref["unit"] == "percent" else ref["unit"]
    amount = (
        None
        if c.change_scaled is None or c.kind.value == "no_data"
        else {"value": str(Decimal(c.change_scaled).scaleb(-scale)), "unit": unit}
    )
    return {
        "kind": c.kind.value,
        "percent": c.percent,
        "change": amount,
        "text": wording.change(c, scope.language, scope.money, scale),
    }


def _status(s: Status | None, scope: Scope) -> tuple[str | None, str]:
    return (None if s is None else s.value), wording.status(s, scope.language)


def _scale(scope: Scope, code: str) -> int:
    catalog = scope.analysis.engine.catalog
    return int(catalog.scale[catalog.index[code]])


# -- the commands ---------------------------------------------------------------------------------


def cockpit_report(
    scope: Scope, set_code: str = DEFAULT_SET, time_basis: TimeBasis = "linear", restate: bool = False
) -> CockpitReport:
    refs = scope.set_members(set_code)
    cockpit = scope.analysis.engine.cockpit(
        scope.node, scope.year, scope.month, [r["code"] for r in refs], restate=restate, time_basis=time_basis
    )
    rows: list[CockpitRowOut] = []
    for ref, row in zip(refs, cockpit.rows, strict=True):
        unit, scale = ref["unit"], _scale(scope, ref["code"])
        status, status_text = _status(row.status, scope)
        rows.append(
            {
                "indicator": ref,
                "value": quantity(row.value, unit),
                "ytd": quantity(row.ytd, unit),
                "ytd_last_year": quantity(row.ytd_last_year, unit),
                "yoy": change_out(row.yoy, ref, scale, scope),
                "target_ensure": quantity(row.target_ensure, unit),
                "target_strive": quantity(row.target_strive, unit),
                "completion_pct": row.completion_pct,
                "completion_strive_pct": row.completion_strive_pct,
                "time_progress_pct": row.time_progress_pct,
                "time_basis": row.time_basis,
                "gap_pp": row.gap_pp,
                "status": status,
                "status_text": status_text,
                "needs": [
                    {
                        "tier": n.tier,
                        "remaining": {"value": str(n.remaining.decimal), "unit": unit},
                        "monthly_average": quantity(n.monthly_average, unit),
                        "implied_growth": change_out(n.implied_growth, ref, scale, scope),
                    }
                    for n in row.needs
                ],
            }
        )
    return {
        "command": "cockpit",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "period": scope.period,
        "set": set_code,
        "restated": restate,
        "time_basis": time_basis,
        "rows": rows,
    }


def rank_report(
    scope: Scope,
    code: str,
    measure: Measure = "ytd",
    level: int | None = None,
    restate: bool = False,
    time_basis: TimeBasis = "linear",
) -> RankReport:
    """Children of the scope's node, or every visible unit at ``level`` (the group is level 1)."""
    ref = scope.indicator(code)
    engine = scope.analysis.engine
    if level is not None:
        tree = engine.tree(scope.year, scope.month, restate)
        nodes = [int(n) for n in np.flatnonzero(tree.active & (tree.depth == level - 1)) if scope.sees(int(n))]
        if not nodes:
            raise NotFound(f"no unit at level {level}")
    else:
        nodes = engine.children(scope.node, scope.year, scope.month, restate)
    ranking = engine.rank(
        code, scope.year, scope.month, nodes=nodes, measure=measure, restate=restate, time_basis=time_basis
    )
    parent_node = None if level is not None else scope.node
    everyone = nodes if parent_node is None else [parent_node, *nodes]
    pm = engine.measures(everyone, scope.year, scope.month, [code], restate=restate, time_basis=time_basis)
    col, unit, scale = pm.column(engine.catalog.index[code]), ref["unit"], _scale(scope, code)
    row_of = {int(n): i for i, n in enumerate(pm.nodes.tolist())}

    def month_value(node: int) -> Quantity | None:
        i = row_of[node]
        if not pm.value.present[i, col]:
            return None
        return {"value": str(Decimal(int(pm.value.scaled[i, col])).scaleb(-scale)), "unit": unit}

    def ytd(node: int) -> Quantity | None:
        i = row_of[node]
        if not pm.ytd.present[i, col]:
            return None
        return {"value": str(Decimal(int(pm.ytd.scaled[i, col])).scaleb(-scale)), "unit": unit}

    rows: list[RankRowOut] = []
    for r in ranking.rows:
        status, status_text = _status(r.status, scope)
        rows.append(
            {
                "rank": r.rank,
                "unit": scope.unit(r.node),
                "value": month_value(r.node),
                "ytd": ytd(r.node),
                "yoy": change_out(r.yoy, ref, scale, scope),
                "completion_pct": r.completion_pct,
                "gap_pp": r.gap_pp,
                "status": status,
                "status_text": status_text,
            }
        )
    parent: ParentOut | None = (
        None
        if parent_node is None
        else {"unit": scope.unit(parent_node), "value": month_value(parent_node), "ytd": ytd(parent_node)}
    )
    d = ranking.dispersion
    cv = None if d.n_values == 0 or d.cv != d.cv else float(d.cv)
    return {
        "command": "rank",
        "language": scope.language,
        "indicator": ref,
        "period": scope.period,
        "measure": measure,
        "descending": ranking.descending,
        "parent": parent,
        "level": level,
        "restated": restate,
        "time_basis": time_basis,
        "rows": rows,
        "dispersion": {"n_values": d.n_values, "cv": cv},
    }


def bridge_report(scope: Scope, code: str, span: Span = "ytd", restate: bool = False) -> BridgeReport:
    ref = scope.indicator(code)
    try:
        bridge = scope.analysis.engine.bridge(scope.node, scope.year, scope.month, code, span, restate=restate)
    except ValueError as exc:  # a derived indicator of another shape, or a ratio without a value
        raise DomainError(str(exc).removeprefix("bridge: "), 422) from None
    if bridge.method == "ratio":
        return _ratio_bridge_report(scope, ref, bridge, span, restate)
    unit, scale = ref["unit"], _scale(scope, code)
    previous_total = bridge.previous.scaled
    total_change = bridge.change.scaled

    def q(x: int) -> Quantity:
        return {"value": str(Decimal(x).scaleb(-scale)), "unit": unit}

    def line(node: int | None, cur: int, prev: int, kind: str = "child") -> BridgeLineOut:
        d = cur - prev
        return {
            "unit": None if node is None else scope.unit(node),
            "current": q(cur),
            "previous": q(prev),
            "change": q(d),
            "share_pct": d / total_change * 100.0 if total_change else None,
            "contribution_pp": d / abs(previous_total) * 100.0 if previous_total else None,
            "line": kind,
        }

    # Children that have since moved out of the actor's view are one line that says so.
    lines: list[BridgeLineOut] = []
    eliminations: list[BridgeLineOut] = []
    own_cur = own_prev = outside_cur = outside_prev = 0
    outside = False
    for bl in bridge.lines:
        # a sum's lines (reported or derived) always have both amounts
        assert bl.current is not None
        assert bl.previous is not None
        if bl.kind == "eliminations":
            eliminations.append(line(None, bl.current.scaled, bl.previous.scaled, bl.kind))
        elif bl.node is None:
            own_cur += bl.current.scaled
            own_prev += bl.previous.scaled
        elif scope.sees(bl.node):
            lines.append(line(bl.node, bl.current.scaled, bl.previous.scaled))
        else:
            outside = True
            outside_cur += bl.current.scaled
            outside_prev += bl.previous.scaled
    if outside:
        lines.append(line(None, outside_cur, outside_prev, "outside"))
    lines.append(line(None, own_cur, own_prev, "own"))
    lines += eliminations
    return {
        "command": "bridge",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "indicator": ref,
        "period": scope.period,
        "span": span,
        "restated": restate,
        "method": bridge.method,
        "current": q(bridge.current.scaled),
        "previous": q(previous_total),
        "change": q(total_change),
        "yoy": change_out(bridge.yoy, ref, scale, scope),
        "lines": lines,
    }


def _ratio_bridge_report(scope: Scope, ref: IndicatorRef, bridge: Bridge, span: Span, restate: bool) -> BridgeReport:
    """A ratio's bridge: each line's contribution to the change (pp for a percent indicator),
    with the line's own ratio this year and last; children out of the actor's view are one line
    that says so, without a ratio of its own."""
    unit, scale = ref["unit"], _scale(scope, ref["code"])
    change_unit = "pp" if unit == "percent" else unit

    def amount(v: Value, as_unit: str) -> Quantity:
        return {"value": str(v.decimal), "unit": as_unit}

    def out(bl: BridgeLine, kind: str) -> BridgeLineOut:
        return {
            "unit": None if bl.node is None else scope.unit(bl.node),
            "current": None if bl.current is None else amount(bl.current, unit),
            "previous": None if bl.previous is None else amount(bl.previous, unit),
            "change": amount(bl.change, change_unit),
            "share_pct": bl.share_pct,
            "contribution_pp": bl.contribution_pp,
            "line": kind,
        }

    lines: list[BridgeLineOut] = []
    tail: list[BridgeLineOut] = []
    own: BridgeLine | None = None
    hidden: list[BridgeLine] = []
    for bl in bridge.lines:
        if bl.kind == "eliminations":
            tail.append(out(bl, bl.kind))
        elif bl.node is not None and scope.sees(bl.node):
            lines.append(out(bl, "child"))
        elif bl.node is None:
            own = bl
        else:
            hidden.append(bl)
    assert own is not None
    if hidden:
        change = sum(b.change.scaled for b in hidden)
        lines.append(
            out(
                hidden[0]._replace(
                    node=None,
                    current=None,
                    previous=None,
                    change=hidden[0].change._replace(scaled=change, number=change / 10**scale),
                    share_pct=_sum_or_none([b.share_pct for b in hidden]),
                    contribution_pp=_sum_or_none([b.contribution_pp for b in hidden]),
                ),
                "outside",
            )
        )
    lines += [out(own, "own"), *tail]
    return {
        "command": "bridge",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "indicator": ref,
        "period": scope.period,
        "span": span,
        "restated": restate,
        "method": bridge.method,
        "current": amount(bridge.current, unit),
        "previous": amount(bridge.previous, unit),
        "change": amount(bridge.change, change_unit),
        "yoy": change_out(bridge.yoy, ref, scale, scope),
        "lines": lines,
    }


def _sum_or_none(xs: list[float | None]) -> float | None:
    return None if any(x is None for x in xs) else sum(x for x in xs if x is not None)


def outlook_report(scope: Scope, set_code: str = DEFAULT_SET, restate: bool = False) -> OutlookReport:
    by_code = {r["code"]: r for r in scope.set_members(set_code)}
    outlook = scope.analysis.engine.outlook([scope.node], scope.year, scope.month, list(by_code), restate=restate)
    rows: list[OutlookRowOut] = []
    for o in outlook.rows():
        ref = by_code[o.code]
        unit, scale = ref["unit"], _scale(scope, o.code)
        rows.append(
            {
                "indicator": ref,
                "method": o.method,
                "ytd": estimate(o.ytd, scale, unit),
                "run_rate": estimate(o.run_rate, scale, unit),
                "seasonal": estimate(o.seasonal, scale, unit),
                "statistical": estimate(o.statistical, scale, unit),
                "point": estimate(o.point, scale, unit),
                "low": estimate(o.low, scale, unit),
                "high": estimate(o.high, scale, unit),
                "p_ensure": o.p_ensure,
                "p_strive": o.p_strive,
                "target_ensure": estimate(o.target_ensure, scale, unit),
                "target_strive": estimate(o.target_strive, scale, unit),
            }
        )
    return {
        "command": "outlook",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "period": scope.period,
        "set": set_code,
        "restated": restate,
        "rows": rows,
    }


def history_report(scope: Scope, code: str, months: int | None = None, restate: bool = False) -> HistoryReport:
    """Every month of ``code`` up to the scope's month (the last ``months`` of them when given)."""
    ref = scope.indicator(code)
    unit, scale = ref["unit"], _scale(scope, code)
    end = scope.year * 100 + scope.month
    chosen = [
        r
        for r in scope.analysis.engine.history(scope.node, code, restate=restate).rows()
        if r.year * 100 + r.month <= end
    ]
    if months is not None:
        chosen = chosen[-months:] if months > 0 else []
    rows: list[HistoryRowOut] = [
        {
            "period": f"{r.year:04d}-{r.month:02d}",
            "value": quantity(r.value, unit),
            "ytd": quantity(r.ytd, unit),
            "ytd_last_year": quantity(r.ytd_last_year, unit),
            "yoy": change_out(r.yoy, ref, scale, scope),
            "mom": change_out(r.mom, ref, scale, scope),
        }
        for r in chosen
    ]
    return {
        "command": "history",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "indicator": ref,
        "restated": restate,
        "rows": rows,
    }


Format = Literal["table", "json", "csv"]
