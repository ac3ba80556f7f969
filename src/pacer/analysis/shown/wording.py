"""How a measure reads to a person, in Chinese or English: the one place for the words and the
number formats that the pages, the exports and the terminal share.

- A number is rounded half away from zero (四舍五入) from its exact decimal value, and a figure
  that rounds to zero is shown without a sign: never ``-0.0``.
- One word per status (正常 / 关注 / 滞后); a unit of measure reads as its symbol in the group's
  unit table, on the display scale chosen for its column (:func:`pacer.analysis.shown.display.choose`).
- Where a total and the lines it is made of are shown, the lines add up on screen:
  :func:`pacer.analysis.shown.display.breakdown`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pacer.analysis.answers.results import Change, ChangeKind, Status, Value
from pacer.analysis.shown.display import DisplayUnit, Shown, to_display

DASH = "—"

STATUS_WORDS = {
    Status.ON_TRACK: ("正常", "on track"),
    Status.WATCH: ("关注", "watch"),
    Status.OFF_TRACK: ("滞后", "off track"),
}


def exact(x: float | Decimal | int) -> Decimal:
    # a float's shortest repr is the decimal a person wrote, not its binary expansion
    return x if isinstance(x, Decimal) else Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def number(x: float | Decimal | int | None, decimals: int = 2, signed: bool = False, grouped: bool = True) -> str:
    """``x`` rounded half away from zero to ``decimals`` places, with thousands separators; a
    figure that rounds to zero reads ``0.00`` (no sign), a signed positive one ``+1.00``."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return DASH
    try:
        shown = exact(x).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return DASH
    if shown == 0:
        shown = abs(shown)  # Decimal('-0.0') -> '0.0'
        sign = ""
    else:
        sign = "+" if signed and shown > 0 else ""
    return sign + (f"{shown:,.{decimals}f}" if grouped else f"{shown:.{decimals}f}")


def is_zero(x: float | Decimal | int | None, decimals: int) -> bool:
    """Whether ``x`` is shown as zero at ``decimals`` places (a change that reads neither good nor bad)."""
    return x is not None and number(x, decimals, grouped=False) == number(0, decimals, grouped=False)


def percent(x: float | Decimal | None, decimals: int = 1, signed: bool = False) -> str:
    return DASH if x is None else number(x, decimals, signed) + "%"


def pp(x: float | Decimal | None, language: str, decimals: int = 1, compact: bool = False) -> str:
    """Percentage points: ``+1.2个百分点`` / ``+1.2 pp`` (compact, for the terminal: ``+1.2pp``)."""
    if x is None:
        return DASH
    text = number(x, decimals, signed=True)
    if compact:
        return text + "pp"
    return text + ("个百分点" if language == "zh" else " pp")


def money(value: Value | None, unit: Shown = DisplayUnit.YI_YUAN, decimals: int = 2) -> str:
    if value is None:
        return DASH
    return number(to_display(value.scaled, value.scale, unit, decimals), decimals)


PP_WORDS = ("个百分点", "pp")


def unit_label(shown: Shown, language: str) -> str:
    """The label of a display scale in one language: 亿元 / RMB 100m, 千吨 / kt, % / %."""
    return shown.label_in(language)


def change(c: Change, language: str, unit: Shown = DisplayUnit.YI_YUAN, scale: int = 2) -> str:
    """Year-on-year wording: a percent, pp for ratios, and words where a percent would mislead."""
    zh = language == "zh"
    kind = c.kind
    if kind is ChangeKind.PERCENT and c.percent is not None:
        return percent(c.percent, 1, signed=True)
    if kind is ChangeKind.PP and c.change is not None:
        return pp(c.change, language, 2, compact=True)
    if kind is ChangeKind.NEW:
        return "新增" if zh else "new"
    if kind is ChangeKind.TURNED_PROFITABLE:
        return "扭亏为盈" if zh else "turned profitable"
    if kind is ChangeKind.TURNED_LOSS:
        return "由盈转亏" if zh else "turned to a loss"
    if kind in (ChangeKind.LOSS_NARROWED, ChangeKind.LOSS_WIDENED) and c.change_scaled is not None:
        amount = number(to_display(abs(c.change_scaled), scale, unit, 2), 2)
        narrowed = kind is ChangeKind.LOSS_NARROWED
        if zh:
            return f"{'减亏' if narrowed else '增亏'}{amount}{unit.label}"
        return f"loss {'narrowed' if narrowed else 'widened'} by {amount} {unit.label_in('en')}"
    if kind is ChangeKind.LOSS_UNCHANGED:
        return "亏损持平" if zh else "loss unchanged"
    return DASH


# the bridge's lines that are not a child unit
BRIDGE_LINE_WORDS = {
    "own": ("本级", "Own figures"),
    "eliminations": ("内部抵销", "Intra-group eliminations"),
    "own_and_eliminations": ("本级及抵销", "Own and eliminations"),
    "outside": ("现不在您权限范围内的单位", "Units now outside your view"),
}


def bridge_line(kind: str, language: str) -> str:
    """The name of a line that is not a child: the unit's own figures, its eliminations, both, or
    the children of the period now outside the reader's view."""
    zh, en = BRIDGE_LINE_WORDS[kind]
    return zh if language == "zh" else en


def status(s: Status | str | None, language: str) -> str:
    if s is None:
        return ""
    zh, en = STATUS_WORDS[Status(s)]
    return zh if language == "zh" else en


def gap(pp_: float | None) -> str:
    return "" if pp_ is None else pp(pp_, "en", 1, compact=True)


def still_reported(period: str, reported: int, expected: int, language: str) -> str:
    """The notice that a month is still being reported (its figures are incomplete)."""
    if language == "zh":
        return f"{period} 仍在报送中：应报送的 {expected} 家单位中已有 {reported} 家报送，数据尚不完整。"
    return (
        f"{period} is still being reported: {reported} of the {expected} units that should report it "
        "have; the figures are incomplete."
    )
