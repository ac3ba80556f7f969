"""One chart specification (Vega-Lite), rendered in the page by vega-embed or offline by vl-convert.

vl-convert draws text with the fonts registered with it. A directory with a CJK font is
registered explicitly before the first image (``PACER_CHART_FONT_DIR``, else the first usual
system directory holding one), and the specification names that font first, so Chinese labels
never depend on which fonts a machine happens to have.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import vl_convert

from pacer.config import get_settings

FONT = (
    "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"
)
# where Debian, Fedora, Arch, macOS and Windows keep their CJK fonts
FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/wqy-microhei",
    "/System/Library/Fonts",
    "C:\\Windows\\Fonts",
)
CJK_FILE_HINTS = ("cjk", "wqy", "sourcehansans", "msyh", "pingfang", "notosanssc")
_lock = threading.Lock()
_fonts: list[str] | None = None
log = logging.getLogger(__name__)


def cjk_font_dir() -> Path | None:
    """The configured font directory, or the first usual one that holds a CJK font."""
    configured = get_settings().chart_font_dir
    if configured:
        return Path(configured)
    for d in map(Path, FONT_DIRS):
        if d.is_dir() and any(any(h in f.name.lower().replace("-", "") for h in CJK_FILE_HINTS) for f in d.iterdir()):
            return d
    return None


def _register_fonts() -> list[str]:
    """Registered once per process (the caller holds the lock)."""
    global _fonts
    if _fonts is None:
        found = cjk_font_dir()
        if found is None or not found.is_dir():
            log.warning(
                "no CJK font directory found: Chinese in chart images may show as boxes; "
                "install fonts-noto-cjk or set PACER_CHART_FONT_DIR"
            )
            _fonts = []
        else:
            vl_convert.register_font_directory(str(found.resolve()))
            _fonts = [str(found)]
    return _fonts


def base_config() -> dict[str, Any]:
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": 11,
            "titleFontSize": 12,
            "gridColor": "#e5e9ef",
            "labelColor": "#3d4a57",
            "titleColor": "#3d4a57",
        },
        "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "labelColor": "#3d4a57"},
        "title": {"fontSize": 14, "anchor": "start", "subtitleFontSize": 11, "subtitleColor": "#5c6b7a", "offset": 8},
    }


def count_axis(span: float, grouped: bool = False, most: int = 5) -> dict[str, Any]:
    """An axis of whole numbers (problems, people) over a domain ``span`` wide: whole-number
    ticks only. Vega's ``tickMinStep`` alone still gives 0.5 steps on a short domain (it caps
    the tick count at span + 1, and three ticks over 0-2 step by 0.5), so the count asked for is
    at most the span as well (and at most ``most``)."""
    return {"tickMinStep": 1, "tickCount": max(1, min(most, int(span))), "format": ",d" if grouped else "d"}


def to_svg(spec: dict[str, Any]) -> str:
    # The converter's JavaScript runtime is not reentrant; concurrent requests take turns.
    with _lock:
        _register_fonts()
        return vl_convert.vegalite_to_svg(spec)


def to_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    with _lock:
        _register_fonts()
        return vl_convert.vegalite_to_png(spec, scale=scale)
