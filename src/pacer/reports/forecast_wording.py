"""Drafted sentences of the outlook, in Chinese or English (pure: no I/O): the year-end forecast
against the ensure target with its interval and chance, and what the rest of the year needs.
Worded with :mod:`pacer.reports.narrative`'s phrases and the one shared number formatter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pacer.analysis import Change, ChangeKind, wording
from pacer.reports.narrative import Figure, amount, inline, num, pct, rounds_to_zero


@dataclass(frozen=True)
class Forecast:
    """A year-end forecast on the display scale: the point, its 80 % interval, the ensure
    target and the chance of reaching it (percent)."""

    name: str
    unit: str
    point: Decimal
    low: Decimal | None
    high: Decimal | None
    target: Decimal | None
    share: float | None  # point as % of the ensure target
    chance: float | None
    decimals: int = 2
    percent: bool = False


def forecast_sentence(f: Forecast, lang: str, first: bool = True) -> str:
    """ "按目前趋势，预计全年营业收入 380.00 亿元（80% 区间 370.00–390.00 亿元），为确保目标的 94.4%，
    达成确保目标的可能性约 12%。" The sentences after the ``first`` of a paragraph leave out
    "按目前趋势" / "On current trends": said once, it holds for them all."""
    zh = lang == "zh"
    fig = Figure(
        f.name, f.point, f.unit, Change(ChangeKind.NO_DATA, None, None, None), percent=f.percent, decimals=f.decimals
    )
    point = amount(f.point, fig, lang)
    band = ""
    if f.low is not None and f.high is not None:
        low, high = num(f.low, f.decimals), amount(f.high, fig, lang)
        band = f"（80% 区间 {low}–{high}）" if zh else f" (80% interval {low}–{high})"
    if zh:
        out = f"{'按目前趋势，' if first else ''}预计全年{f.name} {point}{band}"
    else:
        who = f"On current trends, {inline(f.name, lang)}" if first else f.name[:1].upper() + f.name[1:]
        out = f"{who} should close the year at {point}{band}"
    if f.share is not None:
        out += f"，为确保目标的 {pct(f.share)}" if zh else f", {pct(f.share)} of the ensure target"
    if f.chance is not None:
        phrase = chance_phrase(f.chance, lang)
        out += f"，达成确保目标的可能性{phrase}" if zh else f"; the chance of reaching it is {phrase}"
    return out + ("。" if zh else ".")


def chance_phrase(chance: float, lang: str) -> str:
    """A chance in percent as it reads in a sentence: "about 47%", but "under 1%" and "over 99%"
    where the rounded figure would read as impossible or certain."""
    zh = lang == "zh"
    if chance < 0.5:
        return "不足 1%" if zh else "under 1%"
    if chance >= 99.5:
        return "超过 99%" if zh else "over 99%"
    return f"约 {wording.percent(chance, 0)}" if zh else f"about {wording.percent(chance, 0)}"


def chance_cell_text(chance: float | None) -> str:
    """A chance in percent in a table: "<1%" and ">99%" at the ends (see :func:`chance_phrase`)."""
    if chance is None:
        return wording.DASH
    if chance < 0.5:
        return "<1%"
    if chance >= 99.5:
        return ">99%"
    return wording.percent(chance, 0)


def need_sentence(
    name: str, unit: str, remaining: Decimal, monthly: Decimal | None, months_left: int, growth: Change, lang: str
) -> str:
    """What the rest of the year needs to reach the ensure target (values on the display scale)."""
    zh = lang == "zh"
    fig = Figure(name, remaining, unit, growth)
    if remaining <= 0 or rounds_to_zero(remaining, 2):
        return f"{name}已完成全年确保目标。" if zh else f"{name} has already reached its ensure target for the year."
    rest = amount(remaining, fig, lang)
    if monthly is None or months_left <= 0:
        return (
            f"{name}距全年确保目标尚差 {rest}。" if zh else f"{name} ends the year {rest} short of its ensure target."
        )
    each = amount(monthly, fig, lang)
    if zh:
        text = f"{name}完成全年确保目标尚需 {rest}，后 {months_left} 个月月均需完成 {each}"
    else:
        what = inline(name, lang)
        text = (
            f"To reach its ensure target, {what} needs {rest} more: {each} a month over the last {months_left} months"
        )
    if growth.kind is ChangeKind.PERCENT and growth.percent is not None:
        more = growth.percent >= 0
        size = pct(growth.percent)
        text += (
            f"，较上年同期{'增长' if more else '下降'} {size}"
            if zh
            else f", {size} {'more' if more else 'less'} than the same months last year"
        )
    return text + ("。" if zh else ".")
