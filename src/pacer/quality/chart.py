"""The Pareto and trend charts as one Vega-Lite specification each, drawn in the page and as
images by the shared chart helper (:mod:`pacer.web.charts`)."""

from __future__ import annotations

from typing import Any

import altair as alt

from pacer.quality.pareto import Pareto, Trend
from pacer.web.charts import base_config
from pacer.web.i18n import translate

BAR, LINE = "#3b6ea5", "#c0392b"


def _finish(chart: Any, title: str, subtitle: str) -> dict[str, Any]:
    out: dict[str, Any] = chart.properties(title={"text": title, "subtitle": subtitle}, height=260).to_dict()
    out["config"] = {**base_config(), **out.get("config", {})}
    out["width"], out["autosize"] = "container", {"type": "fit", "contains": "padding"}
    return out


def pareto_spec(found: Pareto, lang: str) -> dict[str, Any]:
    """Bars of problems by the grouping, largest first, and the cumulative share as a line."""
    count, share = translate(lang, "quality.count"), translate(lang, "quality.share")
    values = [{"label": b.label, "count": b.count, "share": b.cumulative_share} for b in found.bars]
    order = [b.label for b in found.bars]
    base: Any = alt.Chart(alt.Data(values=values))  # type: ignore[no-untyped-call]  # altair's Data is untyped
    # labels stay level under their bars; when they would run into each other, a word a line
    crowded = sum(len(label) * (1 if label.isascii() else 2) for label in order) > 40
    wrap: dict[str, Any] = {"labelExpr": "split(datum.label, ' ')", "labelLineHeight": 11} if crowded else {}
    axis = alt.Axis(labelAngle=0, labelLimit=120, labelFontSize=9 if crowded else 10, **wrap)
    x = alt.X("label:N", sort=order, title=None, axis=axis)
    bars = base.mark_bar(color=BAR).encode(x=x, y=alt.Y("count:Q", title=count), tooltip=["label:N", "count:Q"])
    line = base.mark_line(point=True, color=LINE).encode(
        x=x,
        y=alt.Y("share:Q", title=share, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=["label:N", alt.Tooltip("share:Q", format=".1%")],
    )
    chart = alt.layer(bars, line).resolve_scale(y="independent")
    by = translate(lang, f"quality.by.{found.by}")
    subtitle = f"{found.unit.name(lang)} · {found.year}"
    if found.unattributed:
        subtitle += " · " + translate(lang, "quality.no_supplier", n=found.unattributed)
    return _finish(chart, translate(lang, "quality.chart", by=by), subtitle)


def trend_spec(found: Trend, lang: str) -> dict[str, Any]:
    """Problems found per month, one line per unit."""
    values = [
        {"month": m, "unit": s.unit.name(lang), "count": n}
        for s in found.series
        for m, n in enumerate(s.counts, start=1)
    ]
    base: Any = alt.Chart(alt.Data(values=values))  # type: ignore[no-untyped-call]  # altair's Data is untyped
    # every month labelled; the units listed under the chart, two a row, so no name is cut off
    legend = alt.Legend(orient="bottom", columns=2, labelLimit=320, symbolType="stroke")
    chart = base.mark_line(point=True).encode(
        x=alt.X("month:O", title=translate(lang, "quality.month"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=translate(lang, "quality.count"), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("unit:N", title=None, legend=legend),
        tooltip=["unit:N", alt.Tooltip("month:O", title=translate(lang, "quality.month")), "count:Q"],
    )
    return _finish(chart, translate(lang, "quality.trend"), f"{found.unit.name(lang)} · {found.year}")
