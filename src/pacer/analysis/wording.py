"""How a measure reads to a person, in Chinese or English (terminal, pages and reports)."""

from __future__ import annotations


from pacer.analysis.display import DisplayUnit, to_display
from pacer.analysis.results import Change, ChangeKind, Status, Value

STATUS_WORDS = {
    Status.ON_TRACK: ("正常", "on track"),
    Status.WATCH: ("关注", "watch"),
    Status.OFF_TRACK: ("滞后", "off track"),
}


def money(value: Value | None, unit: DisplayUnit = DisplayUnit.YI_YUAN, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return f"{to_display(value.scaled, value.scale, unit, decimals):,.{decimals}f}"


def percent(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{value:.{decimals}f}%"


def change(c: Change, language: str, unit: DisplayUnit = DisplayUnit.YI_YUAN, scale: int = 2) -> str:
    """Year-on-year wording: a percent, pp for ratios, and words where a percent would mislead."""
    zh = language == "zh"
    kind = c.kind
    if kind is ChangeKind.PERCENT and c.percent is not None:
        return f"{c.percent:+.1f}%"
    if kind is ChangeKind.PP and c.change is not None:
        return f"{c.change:+.2f}pp"
    if kind is ChangeKind.NEW:
        return "新增" if zh else "new"
    if kind is ChangeKind.TURNED_PROFITABLE:
        return "扭亏为盈" if zh else "turned profitable"
    if kind is ChangeKind.TURNED_LOSS:
        return "由盈转亏" if zh else "turned to a loss"
    if kind in (ChangeKind.LOSS_NARROWED, ChangeKind.LOSS_WIDENED) and c.change_scaled is not None:
        amount = to_display(abs(c.change_scaled), scale, unit, 2)
        narrowed = kind is ChangeKind.LOSS_NARROWED
        if zh:
            return f"{'减亏' if narrowed else '增亏'}{amount}{unit.label}"
        return f"loss {'narrowed' if narrowed else 'widened'} by {amount} {unit.label}"
    if kind is ChangeKind.LOSS_UNCHANGED:
        return "亏损持平" if zh else "loss unchanged"
    return "—"


# the bridge's lines that are not a child unit
BRIDGE_LINE_WORDS = {
    "own": ("本级", "Own figures"),
    "eliminations": ("内部抵销", "Intra-group eliminations"),
}


def bridge_line(kind: str, language: str) -> str:
    """The name of a bridge line that is not a child: the unit's own figures or its eliminations."""
    zh, en = BRIDGE_LINE_WORDS[kind]
    return zh if language == "zh" else en


def status(s: Status | None, language: str) -> str:
    if s is None:
        return ""
    zh, en = STATUS_WORDS[s]
    return zh if language == "zh" else en


def gap(pp: float | None) -> str:
    return "" if pp is None else f"{pp:+.1f}pp"
