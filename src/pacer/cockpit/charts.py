"""The cockpit's charts as Vega-Lite specifications (built with Altair), one per question.

The same specification is embedded interactively and converted to SVG/PNG, so the page, the
no-JavaScript fallback and printed reports agree.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import altair as alt

from pacer.analysis import Span
from pacer.cockpit import schemas, service
from pacer.cockpit.cache import cached
from pacer.cockpit.scope import Scope
from pacer.errors import DomainError, NotFound
from pacer.web import charts as render_charts
from pacer.web.charts import base_config, count_axis
from pacer.web.i18n import translate

CHARTS = ("trend", "cumulative", "bridge", "outlook", "history")
COLORS = {"this": "#b3261e", "last": "#8a98a8", "ensure": "#1b7f3b", "strive": "#0b5cad"}


def spec(scope: Scope, name: str, code: str | None, span: Span = "ytd") -> dict[str, Any]:
    """The chart's specification, kept per engine version under the scope's key (which holds what
    the viewer may not see: the bridge names units). Callers must not modify it. ``span``: the
    months the bridge compares with the same months of last year (the other charts show months)."""
    if name not in CHARTS:
        raise NotFound(f"no chart '{name}'")
    if code is not None:
        scope.indicator(code, None)  # an unknown indicator is not found, whichever the chart
    span = span if name == "bridge" else "ytd"
    return cached(scope.analysis, scope.key("chart", name, code, span), lambda: _spec(scope, name, code, span))


def image(scope: Scope, name: str, code: str | None, fmt: str) -> bytes:
    """The chart as SVG or PNG; converting takes hundreds of milliseconds, so it is kept too."""

    def make() -> bytes:
        fixed = for_image(spec(scope, name, code))
        return render_charts.to_svg(fixed).encode() if fmt == "svg" else render_charts.to_png(fixed)

    return cached(scope.analysis, scope.key("chart." + fmt, name, code), make)


def _spec(scope: Scope, name: str, code: str | None, span: Span) -> dict[str, Any]:
    builders: dict[str, Callable[[Scope, str], Drawing]] = {
        "trend": _trend,
        "cumulative": _cumulative,
        "bridge": lambda s, c: _bridge(s, c, span),
        "outlook": _outlook,
        "history": _history,
    }
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


def _ref(scope: Scope, code: str, magnitude: float | None) -> schemas.IndicatorRef:
    return scope.indicator(code, magnitude)


# altair's Data takes untyped keyword arguments: this is its one typed entry
_DATA: Callable[..., alt.Data] = alt.Data


# what a chart builder returns: altair's mark methods are untyped, so their chains are given this type
Drawing = alt.Chart | alt.LayerChart | alt.FacetChart


def _drawn(chart: Any) -> alt.Chart:
    """A chart built by chaining altair's untyped mark methods, as the chart it is."""
    return cast(alt.Chart, chart)


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    """The rows a chart draws, inline in its specification."""
    return _DATA(values=rows)


def _title(scope: Scope, key: str, unit_label: str | None = None, **kw: object) -> dict[str, Any]:
    """The chart's title, with the unit of its values as a subtitle: a rotated axis title runs over
    a long title in English, so value axes carry no title."""
    out: dict[str, Any] = {"text": _t(scope, key, **kw)}
    if unit_label:
        out["subtitle"] = unit_label
    return out


def _value_axis(ref: schemas.IndicatorRef, rows: list[dict[str, Any]]) -> alt.Y:
    """A value axis without a title; a ratio's axis fits its values instead of starting at zero;
    the axis of whole numbers (problems, people) has whole-number ticks only."""
    scale = alt.Scale(zero=not ref.display.percent, nice=True)
    if _whole(ref):
        values = [r["value"] for r in rows] or [0]
        span = max(max(values), 0) - min(min(values), 0)
        return alt.Y("value:Q", title=None, scale=scale, axis=alt.Axis(**count_axis(span, grouped=True)))
    return alt.Y("value:Q", title=None, scale=scale)


def _whole(ref: schemas.IndicatorRef) -> bool:
    """Whether the indicator's values are shown as whole numbers of its own unit (counts)."""
    d = ref.display
    return d.decimals == 0 and d.divisor == 1 and not d.percent


def _trend(scope: Scope, code: str) -> Drawing:
    """This year's months against last year's."""
    hist = scope.engine.history(scope.node, code)
    t0 = 12 * (scope.year - scope.analysis.data.first_year)
    numbers, present = hist.value.number.tolist(), hist.value.present.tolist()
    ref = _ref(scope, code, max((abs(x) for x in numbers[max(t0 - 12, 0) : t0 + 12]), default=None))
    rows = []
    for label, start, last in ((str(scope.year), t0, t0 + scope.month - 1), (str(scope.year - 1), t0 - 12, t0 - 1)):
        for m in range(12):
            t = start + m
            if 0 <= t <= last and t < len(numbers) and present[t]:
                rows.append({"month": m + 1, "year": label, "value": numbers[t] / ref.display.divisor})
    return _drawn(
        alt.Chart(_data(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title=_t(scope, "chart.month"), axis=alt.Axis(labelAngle=0)),
            y=_value_axis(ref, rows),
            color=alt.Color(
                "year:N",
                title=None,
                scale=alt.Scale(domain=[str(scope.year - 1), str(scope.year)], range=[COLORS["last"], COLORS["this"]]),
            ),
            tooltip=[alt.Tooltip("year:N"), alt.Tooltip("month:O"), alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(title=_title(scope, "chart.trend", ref.display.label, name=ref.name), height=220)
    )


def _cumulative(scope: Scope, code: str) -> Drawing:
    """Year to date against the targets spread over the year, and last year's path."""
    path = service.cumulative_path(scope, code)
    ref = _ref(scope, code, max((abs(x) for x in path.get("ensure", []) + path["ytd"] if x is not None), default=None))
    names = {
        "ytd": _t(scope, "chart.actual"),
        "ytd_last_year": _t(scope, "chart.last_year"),
        "ensure": _t(scope, "tier.ensure"),
        "strive": _t(scope, "tier.strive"),
    }
    rows = [
        {"month": m + 1, "series": names[k], "value": v / ref.display.divisor}
        for k, values in path.items()
        for m, v in enumerate(values)
        if v is not None
    ]
    domain = [names[k] for k in ("ytd", "ytd_last_year", "ensure", "strive")]
    colors = [COLORS["this"], COLORS["last"], COLORS["ensure"], COLORS["strive"]]
    return _drawn(
        alt.Chart(_data(rows))
        .mark_line(point=alt.OverlayMarkDef(size=25))
        .encode(
            x=alt.X("month:O", title=_t(scope, "chart.month"), axis=alt.Axis(labelAngle=0)),
            y=_value_axis(ref, rows),
            color=alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=colors)),
            strokeDash=alt.condition(
                f"datum.series == '{names['ensure']}' || datum.series == '{names['strive']}'",
                alt.value([5, 3]),
                alt.value([1, 0]),
            ),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("month:O"), alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(title=_title(scope, "chart.cumulative", ref.display.label, name=ref.name), height=220)
    )


BRIDGE_STEPS = 10  # steps drawn one by one; the rest are one "other units" step


def _bridge(scope: Scope, code: str, span: Span = "ytd") -> Drawing:
    """A waterfall from last year's figure to this year's, one step per child.

    The value axis spans the levels the waterfall passes through (not zero to the total), so a
    change of 0.1 on a base of 320 is still a visible step; the two totals are drawn from the
    bottom of the axis, and each step carries its signed value."""
    cat = scope.engine.catalog
    wanted = code if cat.is_flow[cat.index[code]] or cat.is_derived[cat.index[code]] else None
    try:
        b = service.bridge(scope, wanted, span)
    except DomainError:  # a derived indicator whose change cannot be split here
        b = None
    if b is None:
        return _drawn(alt.Chart(_data([])).mark_text().properties(title=_t(scope, "chart.no_bridge")))
    rows = waterfall_rows(scope, b, bool(cat.is_lower[cat.index[b.indicator.code]]), span)
    levels = [r[k] for r in rows if r["kind"] != "total" for k in ("start", "end")]
    levels += [rows[0]["end"], rows[-1]["end"]]
    lo, hi = min(levels), max(levels)
    pad = (hi - lo) * 0.15 or max(abs(hi), 1.0) * 0.01
    floor = lo - pad
    for r in rows:
        if r["kind"] == "total":
            r["start"] = floor
    d = b.indicator.display
    axis_note = _t(scope, "chart.axis_cut")
    # horizontal: every unit's name reads in full, in either language
    base = alt.Chart(_data(rows)).encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField("order"), title=None, axis=alt.Axis(labelLimit=260))
    )
    scale = alt.Scale(domain=[floor, hi + 2 * pad], zero=False, nice=False, clamp=True)
    ticks: dict[str, Any] = {"tickCount": 5, "labelOverlap": True, "labelFlush": True}
    if _whole(b.indicator):
        ticks |= count_axis(hi + 2 * pad - floor, grouped=True)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("start:Q", title=None, scale=scale, axis=alt.Axis(**ticks)),
        x2="end:Q",
        color=alt.Color(
            "kind:N",
            legend=None,
            scale=alt.Scale(domain=["total", "better", "worse"], range=["#5b7fa6", "#2e7d46", "#c0392b"]),
        ),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("text:N", title=d.label)],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=10, color="#1d2733").encode(
        x=alt.X("top:Q", scale=scale), text="text:N"
    )
    return alt.layer(bars, labels).properties(
        title={"text": _t(scope, "chart.bridge", name=b.indicator.name), "subtitle": f"{d.label} · {axis_note}"},
        height=max(120, 24 * len(rows)),
    )


def waterfall_rows(scope: Scope, b: schemas.Bridge, lower_is_better: bool, span: Span = "ytd") -> list[dict[str, Any]]:
    """Start, one step per line (largest first, the smallest merged), end: each with its level
    before and after, on the display scale, and its value as shown. A span other than the year
    to date names its ends "same period last year" and "this period"."""
    ends = ("chart.last_year", "chart.this_year") if span == "ytd" else ("chart.span.last_year", "chart.span.this")
    from pacer.cockpit import format as fmt

    d = b.indicator.display

    def value(x: Decimal) -> float:
        return float(fmt.shown(x, d))

    lines = sorted(b.lines, key=lambda x: -abs(float(x.change)))
    steps = [
        (line.unit.name if line.unit else _t(scope, f"bridge.{line.line}"), line.change)
        for line in lines[:BRIDGE_STEPS]
    ]
    if len(lines) > BRIDGE_STEPS:
        rest = sum((line.change for line in lines[BRIDGE_STEPS:]), type(lines[0].change)(0))
        steps.append((_t(scope, "chart.other_units", count=len(lines) - BRIDGE_STEPS), rest))
    level = value(b.previous)
    rows = [
        {
            "label": _t(scope, ends[0]),
            "start": 0.0,
            "end": level,
            "top": level,
            "kind": "total",
            "order": 0,
            "text": fmt.amount(b.previous, d),
        }
    ]
    for i, (label, change) in enumerate(steps, 1):
        step = value(change)
        rows.append(
            {
                "label": label,
                "start": level,
                "end": level + step,
                "top": max(level, level + step),
                "kind": "better" if (step >= 0) != lower_is_better else "worse",
                "order": i,
                "text": fmt.amount(change, d, signed=True),
            }
        )
        level += step
    end = value(b.current)
    rows.append(
        {
            "label": _t(scope, ends[1]),
            "start": 0.0,
            "end": end,
            "top": end,
            "kind": "total",
            "order": len(steps) + 1,
            "text": fmt.amount(b.current, d),
        }
    )
    return rows


def _outlook(scope: Scope, code: str) -> Drawing:
    """Each indicator's year-end forecast and 80 % interval as a share of its ensure target."""
    rows = []
    for r in service.outlook(scope):
        if r.target_ensure and r.point is not None:
            base = r.target_ensure
            rows.append(
                {
                    "name": r.indicator.name,
                    "point": 100 * r.point / base,
                    "low": 100 * (r.low if r.low is not None else r.point) / base,
                    "high": 100 * (r.high if r.high is not None else r.point) / base,
                    "strive": 100 * r.target_strive / base if r.target_strive else None,
                }
            )
    base_chart = alt.Chart(_data(rows)).encode(y=alt.Y("name:N", title=None, sort=None, axis=alt.Axis(labelLimit=200)))
    interval = base_chart.mark_rule(strokeWidth=3, color="#8a98a8").encode(
        x=alt.X("low:Q", title=_t(scope, "chart.outlook_axis"), scale=alt.Scale(zero=False)), x2="high:Q"
    )
    point = base_chart.mark_point(filled=True, size=70, color=COLORS["this"]).encode(
        x="point:Q",
        tooltip=[
            alt.Tooltip("name:N"),
            alt.Tooltip("point:Q", format=".1f"),
            alt.Tooltip("low:Q", format=".1f"),
            alt.Tooltip("high:Q", format=".1f"),
        ],
    )
    strive = base_chart.mark_tick(color=COLORS["strive"], thickness=2).encode(x="strive:Q")
    ensure = alt.Chart(_data([{"x": 100}])).mark_rule(color=COLORS["ensure"], strokeDash=[4, 3]).encode(x="x:Q")
    return alt.layer(interval, point, strive, ensure).properties(
        title=_t(scope, "chart.outlook"), height=max(60, 34 * len(rows))
    )


# five years told apart by hue (colour-blind safe, Okabe-Ito), this year in the accent colour
YEAR_COLORS = ["#999999", "#e69f00", "#56b4e9", "#009e73", COLORS["this"]]


def _history(scope: Scope, code: str) -> Drawing:
    """Five years of monthly values, one line per year."""
    hist = scope.engine.history(scope.node, code)
    first = scope.analysis.data.first_year
    numbers, present = hist.value.number.tolist(), hist.value.present.tolist()
    ref = _ref(scope, code, max((abs(x) for x in numbers[-24:]), default=None))
    rows = [
        {"month": t % 12 + 1, "year": str(first + t // 12), "value": numbers[t] / ref.display.divisor}
        for t in range(len(numbers))
        if present[t]
        and scope.year - 4 <= first + t // 12 <= scope.year
        and (first + t // 12) * 100 + t % 12 + 1 <= scope.period
    ]
    years = [str(y) for y in range(max(first, scope.year - 4), scope.year + 1)]
    return _drawn(
        alt.Chart(_data(rows))
        .mark_line(point=alt.OverlayMarkDef(size=20))
        .encode(
            x=alt.X("month:O", title=_t(scope, "chart.month"), axis=alt.Axis(labelAngle=0)),
            y=_value_axis(ref, rows),
            color=alt.Color("year:N", title=None, scale=alt.Scale(domain=years, range=YEAR_COLORS[-len(years) :])),
            strokeWidth=alt.condition(f"datum.year == '{scope.year}'", alt.value(3), alt.value(1.5)),
            tooltip=[alt.Tooltip("year:N"), alt.Tooltip("month:O"), alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(title=_title(scope, "chart.history", ref.display.label, name=ref.name), height=240)
    )
