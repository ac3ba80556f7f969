"""Chinese and English: interface strings, numbers, periods and units of measure.

Money is shown in 万元 or 亿元 (RMB 10k / RMB 100m); one scale is chosen per table so that
figures in a column compare at a glance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pacer.web.messages import MESSAGES

LANGUAGES = ("zh", "en")
DASH = "—"


def translate(lang: str, key: str, **values: object) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Scale:
    """How an indicator's values are displayed: divide by ``divisor``, show ``decimals``."""

    divisor: float
    decimals: int
    label_zh: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


YI = Scale(1e8, 2, "亿元", "RMB 100m")
WAN = Scale(1e4, 1, "万元", "RMB 10k")
PERCENT = Scale(1, 2, "%", "%")
_PLAIN = {
    "person": Scale(1, 0, "人", "persons"),
    "count": Scale(1, 0, "个", ""),
    "yuan_per_person": Scale(1e4, 2, "万元/人", "RMB 10k/person"),
    "percent": PERCENT,
}


def scale_for(unit: str, magnitude: float | None) -> Scale:
    """亿元 for amounts of a hundred million and more, else 万元; other units as they are."""
    if unit == "yuan":
        return YI if magnitude is not None and abs(magnitude) >= 1e8 else WAN
    return _PLAIN.get(unit, Scale(1, 2, "", ""))


def number(x: float | None, decimals: int = 2, signed: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return DASH
    text = f"{x:+,.{decimals}f}" if signed else f"{x:,.{decimals}f}"
    return "0" if text.strip("+-0.,") == "" and not signed else text


def scaled(x: float | None, scale: Scale, signed: bool = False) -> str:
    return number(None if x is None else x / scale.divisor, scale.decimals, signed)


def percent(x: float | None, decimals: int = 1, signed: bool = False) -> str:
    return DASH if x is None else number(x, decimals, signed) + "%"


def pp(x: float | None, lang: str, decimals: int = 1) -> str:
    if x is None:
        return DASH
    return number(x, decimals, signed=True) + ("个百分点" if lang == "zh" else " pp")


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period(year: int, month: int, lang: str) -> str:
    return f"{year}年{month}月" if lang == "zh" else f"{MONTHS_EN[month - 1]} {year}"


def ytd_label(year: int, month: int, lang: str) -> str:
    return f"{year}年1–{month}月" if lang == "zh" else f"Jan–{MONTHS_EN[month - 1]} {year}"
