"""Comparisons in words: 扭亏为盈 rather than a meaningless percentage, pp for ratios."""

from __future__ import annotations

from decimal import Decimal

from pacer.analysis import Change, ChangeKind, Value
from pacer.cockpit.schemas import ChangeOut, Display
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


def display_for(unit: str, magnitude: float | None, lang: str) -> Display:
    scale = i18n.scale_for(unit, magnitude)
    return Display(label=scale.label(lang), divisor=scale.divisor, decimals=scale.decimals)


def amount(x: float | Decimal | None, display: Display, signed: bool = False) -> str:
    return i18n.number(None if x is None else float(x) / display.divisor, display.decimals, signed)


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
    if c.change is not None and c.change != 0 and direction in ("higher", "lower"):
        good = (c.change > 0) == (direction == "higher")
    if kind is ChangeKind.TURNED_PROFITABLE or kind is ChangeKind.LOSS_NARROWED:
        good = True
    elif kind is ChangeKind.TURNED_LOSS or kind is ChangeKind.LOSS_WIDENED:
        good = False
    exact = Decimal(c.change_scaled).scaleb(-scale) if c.change_scaled is not None else None
    return ChangeOut(kind=kind.value, percent=c.percent, change=exact, text=text, good=good)


def decimal(v: Value | None) -> Decimal | None:
    return None if v is None else v.decimal
