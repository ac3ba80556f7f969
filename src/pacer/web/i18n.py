"""Chinese and English: interface strings, numbers, periods and units of measure.

A unit of measure is shown on a scale of its dimension from the group's unit table (money in
万元 or 亿元, mass in t or kt …); one scale is chosen per table so that figures in a column compare
at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pacer.analysis import DisplayUnit, UnitOfMeasure, choose, wording
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


YI = Scale(1e8, 2, DisplayUnit.YI_YUAN.label_in("zh"), DisplayUnit.YI_YUAN.label_in("en"))
WAN = Scale(1e4, 2, DisplayUnit.WAN_YUAN.label_in("zh"), DisplayUnit.WAN_YUAN.label_in("en"))
PERCENT = Scale(1, 2, "%", "%")


def scale_for(unit: UnitOfMeasure, magnitude: float | Decimal | None, scale: int = 2) -> Scale:
    """The scale of the unit's dimension that the magnitude reaches (亿元 for amounts of a hundred
    million and more, else 万元; kt from a thousand tonnes …); see :func:`pacer.analysis.choose`."""
    shown = choose(unit, magnitude, scale)
    return Scale(float(shown.divisor), shown.decimals, shown.symbol_zh, shown.symbol_en)


# one formatter for pages, exports and the terminal (see pacer.analysis.shown.wording)
number = wording.number
percent = wording.percent
is_zero = wording.is_zero


def pp(x: float | Decimal | None, lang: str, decimals: int = 1) -> str:
    return wording.pp(x, lang, decimals)


def scaled(x: float | Decimal | None, scale: Scale, signed: bool = False) -> str:
    """A value in the indicator's unit shown on ``scale`` (exact: divided as a decimal)."""
    if x is None:
        return DASH
    return number(wording.exact(x) / wording.exact(scale.divisor), scale.decimals, signed)


def status(s: str | None, lang: str) -> str:
    return wording.status(s, lang)


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period(year: int, month: int, lang: str) -> str:
    return f"{year}年{month}月" if lang == "zh" else f"{MONTHS_EN[month - 1]} {year}"


def ytd_label(year: int, month: int, lang: str) -> str:
    return f"{year}年1–{month}月" if lang == "zh" else f"Jan–{MONTHS_EN[month - 1]} {year}"


def file_size(n: int) -> str:
    """A size limit as people read it: ``16 MiB``, ``512 KiB``; a size that is not a whole
    number of any of them in bytes (``1,000,001 B``); the same symbols in both languages."""
    for shift, symbol in ((30, "GiB"), (20, "MiB"), (10, "KiB")):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift:,} {symbol}"
    return f"{n:,} B"
