"""The Pareto and trend charts as one Vega-Lite specification each, drawn in the page and as
images by the shared chart helper (:mod:`pacer.web.charts`)."""

from __future__ import annotations

import json
import math
from typing import Any

import altair as alt

from pacer.quality.pareto import Pareto, Trend
from pacer.web.charts import base_config, count_axis
from pacer.web.i18n import translate

BAR, LINE = "#3b6ea5", "#c0392b"


def _finish(chart: Any, title: str, subtitle: str | list[str]) -> dict[str, Any]:
    out: dict[str, Any] = chart.properties(title={"text": title, "subtitle": subtitle}, height=260).to_dict()
    out["config"] = {**base_config(), **out.get("config", {})}
    out["width"], out["autosize"] = "container", {"type": "fit", "contains": "padding"}
    return out


# the narrowest plot a Pareto chart gets (a third of a laptop's page), in pixels, and the width of
# a character at the labels' size: a Latin letter's on average, a Chinese one's
PLOT_WIDTH, LABEL_SIZE, LATIN, CJK = 250, 10, 5.8, 10.0
ANGLE, TURNED_LIMIT = 35, 120  # turned labels: their angle (degrees) and longest length (pixels)


def _width(text: str) -> float:
    return sum(LATIN if c.isascii() else CJK for c in text)


def _pieces(label: str) -> list[str]:
    """Where a label may break: between words, and between any two Chinese characters."""
    out: list[str] = []
    for word in label.split(" "):
        run = ""
        for c in word:
            if c.isascii():
                run += c
            else:
                out += [run] if run else []
                out.append(c)
                run = ""
        out += [run] if run else []
        out.append(" ")
    return out[:-1]


def _lines(label: str, room: float) -> list[str]:
    """``label`` broken into lines no wider than ``room`` where it may break."""
    lines, line = [], ""
    for piece in _pieces(label):
        if piece == " ":
            line += " "
            continue
        if line.strip() and _width(line + piece) > room:
            lines.append(line.strip())
            line = ""
        line += piece
    return [*lines, line.strip()] if line.strip() else lines


def label_axis(labels: list[str]) -> dict[str, Any]:
    """The bars' label axis: level labels broken into lines that fit under their bar; when a
    word is wider than a bar (environment under one of seven), every label turned instead."""
    room = PLOT_WIDTH / max(len(labels), 1) - 4
    words = [p for label in labels for p in _pieces(label) if p != " "]
    if any(_width(w) > room for w in words):
        return {"labelAngle": -ANGLE, "labelAlign": "right", "labelBaseline": "top", "labelLimit": TURNED_LIMIT,
                "labelFontSize": LABEL_SIZE}  # fmt: skip
    wrapped = {label: _lines(label, room) for label in labels}
    out: dict[str, Any] = {"labelAngle": 0, "labelLimit": 0, "labelFontSize": LABEL_SIZE}
    if any(len(lines) > 1 for lines in wrapped.values()):
        out |= {"labelExpr": f"{json.dumps(wrapped, ensure_ascii=False)}[datum.label]", "labelLineHeight": 12}
    return out


def left_room(labels: list[str], axis: dict[str, Any]) -> int:
    """The padding a turned first label needs on the left, beyond the count axis beside it
    (about 40 pixels), so that it is not cut off at the chart's edge."""
    if not labels or not axis.get("labelAngle"):
        return 5
    reach = min(_width(labels[0]), TURNED_LIMIT) * math.cos(math.radians(ANGLE))
    return max(5, round(reach - PLOT_WIDTH / len(labels) / 2 - 40))


def pareto_spec(found: Pareto, lang: str) -> dict[str, Any]:
    """Bars of problems by the grouping, largest first, and the cumulative share as a line."""
    count, share = translate(lang, "quality.count"), translate(lang, "quality.share")
    values = [{"label": b.label, "count": b.count, "share": b.cumulative_share} for b in found.bars]
    order = [b.label for b in found.bars]
    base: Any = alt.Chart(alt.Data(values=values))  # type: ignore[no-untyped-call]  # altair's Data is untyped
    turned = label_axis(order)
    axis = alt.Axis(**turned)
    x = alt.X("label:N", sort=order, title=None, axis=axis)
    top = max((b.count for b in found.bars), default=0)
    y = alt.Y("count:Q", title=count, axis=alt.Axis(**count_axis(top)))
    bars = base.mark_bar(color=BAR).encode(x=x, y=y, tooltip=["label:N", "count:Q"])
    line = base.mark_line(point=True, color=LINE).encode(
        x=x,
        y=alt.Y("share:Q", title=share, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=["label:N", alt.Tooltip("share:Q", format=".1%")],
    )
    chart = alt.layer(bars, line).resolve_scale(y="independent")
    by = translate(lang, f"quality.by.{found.by}")
    where = f"{found.unit.name(lang)} · {found.year}"
    subtitle: str | list[str] = where
    if found.unattributed:  # a line of its own: a third of the page is too narrow for both
        subtitle = [where, translate(lang, "quality.no_supplier", n=found.unattributed)]
    out = _finish(chart, translate(lang, "quality.chart", by=by), subtitle)
    out["padding"] = {"left": left_room(order, turned), "top": 5, "right": 5, "bottom": 5}
    return out


def trend_spec(found: Trend, lang: str) -> dict[str, Any]:
    """Problems found per month, one line per unit."""
    values = [
        {"month": m, "unit": s.unit.name(lang), "count": n}
        for s in found.series
        for m, n in enumerate(s.counts, start=1)
    ]
    top = max((n for s in found.series for n in s.counts), default=0)
    base: Any = alt.Chart(alt.Data(values=values))  # type: ignore[no-untyped-call]  # altair's Data is untyped
    # every month labelled; the units listed under the chart, two a row, so no name is cut off
    legend = alt.Legend(orient="bottom", columns=2, labelLimit=320, symbolType="stroke")
    chart = base.mark_line(point=True).encode(
        x=alt.X("month:O", title=translate(lang, "quality.month"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=translate(lang, "quality.count"), axis=alt.Axis(**count_axis(top))),
        color=alt.Color("unit:N", title=None, legend=legend),
        tooltip=["unit:N", alt.Tooltip("month:O", title=translate(lang, "quality.month")), "count:Q"],
    )
    return _finish(chart, translate(lang, "quality.trend"), f"{found.unit.name(lang)} · {found.year}")
