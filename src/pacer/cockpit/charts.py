"""The cockpit's charts as Vega-Lite specifications (built with Altair), one per question.

The same specification is embedded interactively and converted to SVG/PNG, so the page, the
no-JavaScript fallback and printed reports agree.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from pacer.cockpit import service
from pacer.cockpit.cache import cached
from pacer.cockpit.service import Scope
from pacer.errors import DomainError, NotFound
from pacer.web import charts as render_charts
from pacer.web.charts import base_config
from pacer.web.i18n import translate

CHARTS = ("trend", "cumulative", "bridge", "outlook", "history")
COLORS = {"this": "#b3261e", "last": "#8a98a8", "ensure": "#1b7f3b", "strive": "#0b5cad"}


def spec(scope: Scope, name: str, code: str | None) -> dict[str, Any]:
    """The chart's specification, kept per engine version (the bridge lists the visible children,
    so they are part of the key). Callers must not modify it."""
    if name not in CHARTS:
        raise NotFound(f"no chart '{name}'")
    return cached(scope.analysis, scope.key("chart", name, code, tuple(scope.children)),
                  lambda: _spec(scope, name, code))


def image(scope: Scope, name: str, code: str | None, fmt: str) -> bytes:
    """The chart as SVG or PNG; converting takes hundreds of milliseconds, so it is kept too."""
    def make() -> bytes:
        fixed = for_image(spec(scope, name, code))
        return render_charts.to_svg(fixed).encode() if fmt == "svg" else render_charts.to_png(fixed)

    return cached(scope.analysis, scope.key("chart." + fmt, name, code, tuple(scope.children)), make)


def _spec(scope: Scope, name: str, code: str | None) -> dict[str, Any]:
    builders = {"trend": _trend, "cumulative": _cumulative, "bridge": _bridge, "outlook": _outlook,
                "history": _history}
    if name not in builders:
        raise NotFound(f"no chart '{name}'")
    chart = builders[name](scope, code or _default_code(scope))
    out = chart.to_dict()
    out["config"] = {**base_config(), **out.get("config", {})}
    out["width"], out["autosize"] = "container", {"type": "fit", "contains": "padding"}
    return out


def for_image(spec_: dict[str, Any], width: int = 640) -> dict[str, Any]:
    """A fixed width: an image has no container to fit."""
    return {**spec_, "width": width}


def _default_code(scope: Scope) -> str:
    if not scope.key_codes:
        raise NotFound("no key indicators")
    return scope.key_codes[0]


def _t(scope: Scope, key: str, **kw: object) -> str:
    return translate(scope.lang, key, **kw)


def _ref(scope: Scope, code: str, magnitude: float | None):  # type: ignore[no-untyped-def]
    return scope.indicator(code, magnitude)


def _trend(scope: Scope, code: str) -> alt.Chart:
    """This year's months against last year's."""
    hist = scope.engine.history(scope.node, code)
    t0 = 12 * (scope.year - scope.analysis.data.first_year)
    numbers, present = hist.value.number.tolist(), hist.value.present.tolist()
    ref = _ref(scope, code, max((abs(x) for x in numbers[max(t0 - 12, 0):t0 + 12]), default=None))
    rows = []
    for label, start, last in ((str(scope.year), t0, t0 + scope.month - 1), (str(scope.year - 1), t0 - 12, t0 - 1)):
        for m in range(12):
            t = start + m
            if 0 <= t <= last and t < len(numbers) and present[t]:
                rows.append({"month": m + 1, "year": label, "value": numbers[t] / ref.display.divisor})
    return alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("month:O", title=_t(scope, "chart.month")),
        y=alt.Y("value:Q", title=f"{ref.name}（{ref.display.label}）" if scope.lang == "zh" else f"{ref.name} ({ref.display.label})"),
        color=alt.Color("year:N", title=None, scale=alt.Scale(range=[COLORS["last"], COLORS["this"]])),
        tooltip=[alt.Tooltip("year:N"), alt.Tooltip("month:O"), alt.Tooltip("value:Q", format=",.2f")],
    ).properties(title=_t(scope, "chart.trend", name=ref.name), height=220)


def _cumulative(scope: Scope, code: str) -> alt.Chart:
    """Year to date against the targets spread over the year, and last year's path."""
    path = service.cumulative_path(scope, code)
    ref = _ref(scope, code, max((abs(x) for x in path.get("ensure", []) + path["ytd"] if x is not None), default=None))
    names = {"ytd": _t(scope, "chart.actual"), "ytd_last_year": _t(scope, "chart.last_year"),
             "ensure": _t(scope, "tier.ensure"), "strive": _t(scope, "tier.strive")}
    rows = [{"month": m + 1, "series": names[k], "value": v / ref.display.divisor}
            for k, values in path.items() for m, v in enumerate(values) if v is not None]
    domain = [names[k] for k in ("ytd", "ytd_last_year", "ensure", "strive")]
    colors = [COLORS["this"], COLORS["last"], COLORS["ensure"], COLORS["strive"]]
    return alt.Chart(alt.Data(values=rows)).mark_line(point=alt.OverlayMarkDef(size=25)).encode(
        x=alt.X("month:O", title=_t(scope, "chart.month")),
        y=alt.Y("value:Q", title=ref.display.label),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=colors)),
        strokeDash=alt.condition(f"datum.series == '{names['ensure']}' || datum.series == '{names['strive']}'",
                                 alt.value([5, 3]), alt.value([1, 0])),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("month:O"), alt.Tooltip("value:Q", format=",.2f")],
    ).properties(title=_t(scope, "chart.cumulative", name=ref.name), height=220)


def _bridge(scope: Scope, code: str) -> alt.LayerChart:
    """A waterfall from last year's figure to this year's, one step per child."""
    cat = scope.engine.catalog
    wanted = code if cat.is_flow[cat.index[code]] or cat.is_derived[cat.index[code]] else None
    try:
        b = service.bridge(scope, wanted)
    except DomainError:  # a derived indicator whose change cannot be split here
        b = None
    if b is None:
        return alt.Chart(alt.Data(values=[])).mark_text().properties(title=_t(scope, "chart.no_bridge"))
    d = b.indicator.display.divisor
    rows, level = [], float(b.previous) / d
    rows.append({"label": _t(scope, "chart.last_year"), "start": 0.0, "end": level, "kind": "total", "order": 0})
    lines = sorted(b.lines, key=lambda x: -abs(float(x.change)))
    # coloured like the tiles: a change for the better green, for the worse red
    lower_is_better = bool(scope.engine.catalog.is_lower[scope.engine.catalog.index[code]])
    for i, line in enumerate(lines, 1):
        step = float(line.change) / d
        label = line.unit.name if line.unit else _t(scope, f"bridge.{line.line}")
        rows.append({"label": label, "start": level, "end": level + step,
                     "kind": "better" if (step >= 0) != lower_is_better else "worse", "order": i})
        level += step
    rows.append({"label": _t(scope, "chart.this_year"), "start": 0.0, "end": float(b.current) / d, "kind": "total",
                 "order": len(lines) + 1})
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("label:N", sort=alt.EncodingSortField("order"), title=None, axis=alt.Axis(labelAngle=-40, labelLimit=110)))
    bars = base.mark_bar().encode(
        y=alt.Y("start:Q", title=b.indicator.display.label), y2="end:Q",
        color=alt.Color("kind:N", legend=None, scale=alt.Scale(domain=["total", "better", "worse"],
                                                              range=["#5b7fa6", "#3f9a5c", "#d0584e"])),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("start:Q", format=",.2f"), alt.Tooltip("end:Q", format=",.2f")])
    return alt.layer(bars).properties(title=_t(scope, "chart.bridge", name=b.indicator.name), height=240)


def _outlook(scope: Scope, code: str) -> alt.LayerChart:
    """Each indicator's year-end forecast and 80 % interval as a share of its ensure target."""
    rows = []
    for r in service.outlook(scope):
        if r.target_ensure and r.point is not None:
            base = r.target_ensure
            rows.append({"name": r.indicator.name, "point": 100 * r.point / base,
                         "low": 100 * (r.low if r.low is not None else r.point) / base,
                         "high": 100 * (r.high if r.high is not None else r.point) / base,
                         "strive": 100 * r.target_strive / base if r.target_strive else None})
    base_chart = alt.Chart(alt.Data(values=rows)).encode(y=alt.Y("name:N", title=None, sort=None))
    interval = base_chart.mark_rule(strokeWidth=3, color="#8a98a8").encode(
        x=alt.X("low:Q", title=_t(scope, "chart.outlook_axis"), scale=alt.Scale(zero=False)), x2="high:Q")
    point = base_chart.mark_point(filled=True, size=70, color=COLORS["this"]).encode(
        x="point:Q", tooltip=[alt.Tooltip("name:N"), alt.Tooltip("point:Q", format=".1f"),
                              alt.Tooltip("low:Q", format=".1f"), alt.Tooltip("high:Q", format=".1f")])
    strive = base_chart.mark_tick(color=COLORS["strive"], thickness=2).encode(x="strive:Q")
    ensure = alt.Chart(alt.Data(values=[{"x": 100}])).mark_rule(color=COLORS["ensure"], strokeDash=[4, 3]).encode(x="x:Q")
    return alt.layer(interval, point, strive, ensure).properties(
        title=_t(scope, "chart.outlook"), height=max(60, 34 * len(rows)))


def _history(scope: Scope, code: str) -> alt.Chart:
    """Five years of monthly values, one line per year."""
    hist = scope.engine.history(scope.node, code)
    first = scope.analysis.data.first_year
    numbers, present = hist.value.number.tolist(), hist.value.present.tolist()
    ref = _ref(scope, code, max((abs(x) for x in numbers[-24:]), default=None))
    rows = [{"month": t % 12 + 1, "year": str(first + t // 12), "value": numbers[t] / ref.display.divisor}
            for t in range(len(numbers)) if present[t] and scope.year - 4 <= first + t // 12 <= scope.year
            and (first + t // 12) * 100 + t % 12 + 1 <= scope.period]
    return alt.Chart(alt.Data(values=rows)).mark_line(point=alt.OverlayMarkDef(size=20)).encode(
        x=alt.X("month:O", title=_t(scope, "chart.month")), y=alt.Y("value:Q", title=ref.display.label),
        color=alt.Color("year:N", title=None, scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("year:N"), alt.Tooltip("month:O"), alt.Tooltip("value:Q", format=",.2f")],
    ).properties(title=_t(scope, "chart.history", name=ref.name), height=240)
