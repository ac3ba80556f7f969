"""A characteristic's control chart as one Vega-Lite specification, drawn in the page and as an
image: per panel the plotted statistic, its centre line and limits (per point: they step when
subgroup sizes vary), signals in red, excluded points hollow and grey, and a rule where phase II
begins. Each signal can carry a link (the quality problem it opened)."""

from __future__ import annotations

import math
from typing import Any

from pacer.characteristics import calc
from pacer.models import Characteristic
from pacer.web.charts import base_config, count_axis
from pacer.web.i18n import translate

COLORS = {"in": "#1f5fa8", "signal": "#c0392b", "excluded": "#6b7785", "limit": "#b03a2e", "center": "#2e7d4f"}
PANEL_NAMES = {"xbar": "X̄", "R": "R", "S": "S", "I": "I", "MR": "MR", "ewma": "EWMA", "upper": "C⁺", "lower": "C⁻",
               "p": "p", "np": "np", "c": "c", "u": "u"}  # fmt: skip


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _rows(found: calc.Result, index: int, lang: str, links: dict[int, str]) -> list[dict[str, Any]]:
    panel, chart = found.chart.panels[index], found.chart
    broke = {p for points in panel.violations.values() for p in points}
    names = {p: [r for r, pts in panel.violations.items() if p in pts] for p in broke}
    rows = []
    for i in range(panel.statistic.size):
        point = i + 1
        state = "excluded" if chart.excluded[i] else ("signal" if point in broke else "in")
        rows.append({
            "point": point, "statistic": _num(panel.statistic[i]), "center": _num(panel.center[i]),
            "lcl": _num(panel.lcl[i]), "ucl": _num(panel.ucl[i]), "state": translate(lang, f"spc.state.{state}"),
            "rules": ", ".join(names.get(point, [])), "link": links.get(point),
        })  # fmt: skip
    return rows


def _line(x: dict[str, Any], y: dict[str, Any], field: str, color: str, dash: list[int], shape: str = "step") -> Any:
    return {
        "mark": {"type": "line", "interpolate": shape, "color": color, "strokeDash": dash, "strokeWidth": 1.5},
        "encoding": {"x": x, "y": {"field": field, **y}},
    }


def _panel(found: calc.Result, index: int, lang: str, links: dict[int, str], phase1_last: int) -> dict[str, Any]:
    name = PANEL_NAMES.get(found.chart.panels[index].name, found.chart.panels[index].name)
    count = found.chart.panels[index].statistic.size
    last = max(count, 2)
    x = {"field": "point", "type": "quantitative", "title": translate(lang, "spc.point"),
         "axis": count_axis(last - 1, most=20), "scale": {"domain": [1, last], "nice": False}}  # fmt: skip
    y = {"type": "quantitative", "title": name, "scale": {"zero": False}}
    states = [translate(lang, f"spc.state.{s}") for s in ("in", "signal", "excluded")]
    layers: list[dict[str, Any]] = [
        _line(x, y, "ucl", COLORS["limit"], [6, 3]),
        _line(x, y, "lcl", COLORS["limit"], [6, 3]),
        _line(x, y, "center", COLORS["center"], []),
        _line(x, y, "statistic", "#3d4a57", [], "linear"),
        {"mark": {"type": "point", "filled": True, "size": 50},
         "encoding": {
             "x": x, "y": {"field": "statistic", **y}, "href": {"field": "link"},
             "color": {"field": "state", "type": "nominal", "title": None,
                       "scale": {"domain": states, "range": [COLORS["in"], COLORS["signal"], COLORS["excluded"]]}},
             "shape": {"field": "state", "type": "nominal", "title": None,
                       "scale": {"domain": states, "range": ["circle", "diamond", "square"]}},
             "tooltip": [{"field": "point", "title": translate(lang, "spc.point")},
                         {"field": "statistic", "title": name, "format": ".4g"},
                         {"field": "state", "title": translate(lang, "spc.status")},
                         {"field": "rules", "title": translate(lang, "spc.rule")}]}},
    ]  # fmt: skip
    layers.append({"transform": [{"filter": "datum.link != null"}],
                   "mark": {"type": "point", "size": 220, "filled": False, "strokeWidth": 2, "color": COLORS["signal"],
                            "aria": False},
                   "encoding": {"x": x, "y": {"field": "statistic", **y}, "href": {"field": "link"}}})  # fmt: skip
    if phase1_last < count:
        layers.append({"data": {"values": [{"at": phase1_last + 0.5}]},
                       "mark": {"type": "rule", "color": "#5c6b7a", "strokeDash": [2, 2]},
                       "encoding": {"x": {"field": "at", "type": "quantitative"}}})  # fmt: skip
    return {"data": {"values": _rows(found, index, lang, links)}, "layer": layers, "height": 200, "width": "container"}


def spec(
    c: Characteristic, found: calc.Result | None, lang: str, links: dict[int, str] | None = None
) -> dict[str, Any]:
    """The chart of ``found``; an empty frame saying there are no data yet when None."""
    title = translate(lang, "spc.chart_title", name=c.name(lang), chart=c.chart)
    out: dict[str, Any] = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "config": base_config()}
    if found is None:
        return out | {"title": title, "data": {"values": []}, "mark": "point", "width": "container"}
    last = calc.phase1(calc.Setup(c.chart, c.rules, c.lsl, c.usl, c.target, c.phase1_last, None), len(found.sizes))[1]
    panels = [_panel(found, i, lang, links or {}, last) for i in range(len(found.chart.panels))]
    subtitle = translate(lang, "spc.phase1_range", last=last)
    return out | {"title": {"text": title, "subtitle": subtitle}, "vconcat": panels,
                  "autosize": {"type": "fit-x", "contains": "padding"}}  # fmt: skip
