"""Comparisons in words: 扭亏为盈 rather than a meaningless percentage, pp for ratios."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import overload

from pacer.analysis import Change, ChangeKind, DisplayScale, UnitOfMeasure, Value, breakdown, choose, wording
from pacer.cockpit import schemas
from pacer.cockpit.schemas import ChangeOut, Display, MeasureOut
from pacer.web import i18n

_WORDS: dict[ChangeKind, tuple[str, str]] = {
    ChangeKind.NO_DATA: ("—", "—"),
    ChangeKind.NEW: ("新增", "new"),
    ChangeKind.BOTH_ZERO: ("持平", "unchanged"),
    ChangeKind.TURNED_PROFITABLE: ("扭亏为盈", "turned profitable"),
    ChangeKind.TURNED_LOSS: ("由盈转亏", "turned to a loss"),
    ChangeKind.LOSS_NARROWED: ("减亏 {amount}", "loss narrowed by {amount}"),
    ChangeKind.LOSS_WIDENED: ("增亏 {amount}", "loss widened by {amount}"),
    ChangeKind.LOSS_UNCHANGED: ("亏损持平", "loss unchanged"),
}


MONEY = "money"  # the dimension the group's money scale applies to
MONEY_CAPS = {"wan": Decimal(10_000)}  # 万元 at most; "yi": as large as the figures reach (亿元)


def display_for(
    unit: UnitOfMeasure, magnitude: float | Decimal | None, lang: str, scale: int = 2, money_scale: str = "yi"
) -> Display:
    """The scale of the unit's dimension for a column whose largest value is ``magnitude``; money
    no larger than the group's money scale allows."""
    cap = MONEY_CAPS.get(money_scale) if unit.dimension == MONEY else None
    if cap is not None and unit.ladder:
        unit = replace(unit, ladder=tuple(s for s in unit.ladder if s.factor <= cap) or unit.ladder[:1])
    d = choose(unit, magnitude, scale)
    return Display(
        label=d.label_in(lang),
        divisor=float(d.divisor),
        decimals=d.decimals,
        unit=d.code,
        symbol_zh=d.symbol_zh,
        symbol_en=d.symbol_en,
        percent=d.percent,
    )


def measure_out(unit: UnitOfMeasure) -> MeasureOut:
    return MeasureOut(
        code=unit.code,
        dimension=unit.dimension,
        symbol_zh=unit.symbol_zh,
        symbol_en=unit.symbol_en,
        additive=unit.additive,
        percent=unit.percent,
    )


@overload
def shown(x: float | Decimal, display: Display) -> Decimal: ...
@overload
def shown(x: None, display: Display) -> None: ...
@overload
def shown(x: float | Decimal | None, display: Display) -> Decimal | None: ...


def shown(x: float | Decimal | None, display: Display) -> Decimal | None:
    """``x`` on the display scale, exactly (no binary float between the stored value and the digits)."""
    return None if x is None else wording.exact(x) / wording.exact(display.divisor)


def amount(x: float | Decimal | None, display: Display, signed: bool = False) -> str:
    return i18n.number(shown(x, display), display.decimals, signed)


def change(c: Change, display: Display, lang: str, direction: str = "higher", scale: int = 2) -> ChangeOut:
    kind = c.kind
    if kind is ChangeKind.PERCENT:
        text = i18n.percent(c.percent, 1, signed=True)
    elif kind is ChangeKind.PP:
        text = i18n.pp(c.change, lang)
    else:
        zh, en = _WORDS[kind]
        size = amount(abs(c.change) if c.change is not None else None, display) + " " + display.label
        text = (zh if lang == "zh" else en).format(amount=size.strip())
    good = None
    # a change that reads as zero is neither good nor bad (no red "-0.0")
    zero = (
        c.change is None
        or c.change == 0
        or (kind is ChangeKind.PERCENT and i18n.is_zero(c.percent, 1))
        or (kind is ChangeKind.PP and i18n.is_zero(c.change, 1))
    )
    if not zero and c.change is not None and direction in ("higher", "lower"):
        good = (c.change > 0) == (direction == "higher")
    if kind is ChangeKind.TURNED_PROFITABLE or kind is ChangeKind.LOSS_NARROWED:
        good = True
    elif kind is ChangeKind.TURNED_LOSS or kind is ChangeKind.LOSS_WIDENED:
        good = False
    exact = Decimal(c.change_scaled).scaleb(-scale) if c.change_scaled is not None else None
    return ChangeOut(kind=kind.value, percent=c.percent, change=exact, text=text, good=good)


def decimal(v: Value | None) -> Decimal | None:
    return None if v is None else v.decimal


def _scaled(x: Decimal) -> tuple[int, int]:
    scale = max(0, -int(x.as_tuple().exponent))
    return int(x.scaleb(scale)), scale


def ranking_shown(ranking: schemas.Ranking) -> tuple[list[str], str | None, str | None]:
    """The ranking's YTD column as shown: ``(rows, own line, total)``. Where the ranking has a total,
    the rows and the own line are apportioned so that they add up to the total shown (the same
    rounding as the terminal's tables); otherwise each figure is rounded on its own."""
    d = ranking.indicator.display
    # the exact scale the divisor stands for (a decimal ratio of two decimal factors)
    unit = DisplayScale(d.unit, Fraction(wording.exact(d.divisor)), d.symbol_zh, d.symbol_en, d.decimals)
    if ranking.total is None or ranking.own is None:
        return [amount(r.ytd, d) for r in ranking.rows], None, None
    values = [r.ytd for r in ranking.rows if r.ytd is not None] + [ranking.own]
    exact = [_scaled(v) for v in values]
    scale = max(s for _, s in exact)
    parts = [v * 10 ** (scale - s) for v, s in exact]
    total, shown = breakdown(parts, scale, unit, d.decimals)
    text = [i18n.number(x, d.decimals) for x in shown]
    return text[:-1], text[-1], i18n.number(total, d.decimals)


def common_displays(
    rows: list[schemas.OffTrackRow],
    units: Mapping[str, UnitOfMeasure],
    scale_of: Callable[[str], int],
    lang: str,
    money_scale: str = "yi",
) -> list[Display]:
    """Each row's display in a list mixing indicators: one scale per unit of measure (and stored
    decimals), so a column never switches between 亿元 and 万元 (or t and kt) within a unit."""
    keys = [(r.indicator.unit, scale_of(r.indicator.code)) for r in rows]
    biggest: dict[tuple[str, int], Decimal] = {}
    for key, r in zip(keys, rows, strict=True):
        for x in (r.ytd, r.target_ensure):
            if x is not None:
                biggest[key] = max(biggest.get(key, Decimal(0)), abs(wording.exact(x)))
    shared = {
        (c, s): display_for(units[c], size, lang, s, money_scale) for (c, s), size in biggest.items() if c in units
    }
    return [shared.get(key, r.indicator.display) for key, r in zip(keys, rows, strict=True)]
