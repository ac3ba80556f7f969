"""One chart specification (Vega-Lite), rendered in the page by vega-embed or offline by vl-convert.

vl-convert draws text with the fonts it finds on the machine; the same CJK-first font stack as
the stylesheet keeps Chinese labels legible in SVG and PNG.
"""

from __future__ import annotations

import threading
from typing import Any

import vl_convert

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
_lock = threading.Lock()


def base_config() -> dict[str, Any]:
    return {
        "font": FONT, "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e5e9ef"},
        "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
        "title": {"fontSize": 14, "anchor": "start"},
    }


def to_svg(spec: dict[str, Any]) -> str:
    # The converter's JavaScript runtime is not reentrant; concurrent requests take turns.
    with _lock:
        return vl_convert.vegalite_to_svg(spec)  # type: ignore[no-any-return]


def to_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    with _lock:
        return vl_convert.vegalite_to_png(spec, scale=scale)  # type: ignore[no-any-return]
