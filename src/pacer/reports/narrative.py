"""Drafted sentences about figures, in Chinese or English (pure: no I/O).

One sentence per indicator says what it reached, how it compares with the same period last year
and how far along its annual target it is against time progress, for example
"营业收入完成 172.30 亿元，同比增长 6.2%，完成年度确保目标的 45.3%，低于时间进度 4.7 个百分点。"

Every case is worded, not computed as a meaningless percentage: growth, decline and flat
(a change that rounds to zero), a ratio's change in percentage points, a loss turned into a
profit (扭亏为盈) and back, a smaller or larger loss (减亏, 增亏), nothing last year, no
comparable figure, and indicators where lower is better (costs, the two funds, debt ratios),
whose target is a cap. How a negative value reads depends on the indicator: a profit is a loss,
a cash flow a net outflow, anything else a negative figure.

Numbers go through the one shared formatter (:mod:`pacer.analysis.wording`): rounded half away
from zero, never "-0.0". Callers hand in values already on their display scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pacer.analysis import Change, ChangeKind, wording

Sign = Literal["profit", "cash", "plain"]
Direction = Literal["higher", "lower", "band"]
CHANGE_DECIMALS = 1  # a YoY percentage, a completion and a gap: one decimal
RATIO_DECIMALS = 2  # a ratio's change in percentage points: as many decimals as the ratio shows


@dataclass(frozen=True)
class Figure:
    """What one sentence is about. ``value``, ``target`` and ``change_shown`` are on the display
    scale whose label is ``unit`` (亿元, %, kt …) with ``decimals`` shown; ``change`` is the
    engine's comparison with last year. ``running``: a running total judged against time
    progress (a flow), else a level judged against the target itself (a balance, a ratio)."""

    name: str
    value: Decimal | None
    unit: str
    change: Change
    change_shown: Decimal | None = None
    decimals: int = 2
    direction: Direction = "higher"
    running: bool = True
    percent: bool = False
    sign: Sign = "plain"
    target: Decimal | None = None
    completion: float | None = None
    completion_strive: float | None = None
    time_progress: float | None = None
    in_range: bool | None = None  # a band indicator: whether the value lies in its range


def _zh(lang: str) -> bool:
    return lang == "zh"


def inline(name: str, lang: str) -> str:
    """An indicator's name as it reads mid-sentence: in English its capitalised words lower-cased
    ("Operating revenue" -> "operating revenue"), acronyms kept ("R&D expense", "EBITDA")."""
    if _zh(lang):
        return name
    return " ".join(
        w[0].lower() + w[1:] if len(w) > 1 and w[0].isupper() and w[1:].islower() else w for w in name.split(" ")
    )


def listed(names: list[str], lang: str) -> str:
    """Indicators' names as a sentence lists them: 两金、应收账款、存货 / "Two funds, accounts
    receivable and inventory" (the first as it starts the sentence, the rest mid-sentence)."""
    if _zh(lang):
        return "、".join(names)
    shown = names[:1] + [inline(n, lang) for n in names[1:]]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def num(x: Decimal | float | None, decimals: int) -> str:
    return wording.number(x, decimals)


def _abs(x: float | Decimal | None) -> Decimal | None:
    return None if x is None else abs(wording.exact(x))


def pct(x: float | Decimal | None, decimals: int = CHANGE_DECIMALS) -> str:
    """A size in percent, without sign (the words say which way)."""
    return wording.percent(_abs(x), decimals)


def pp(x: float | Decimal | None, lang: str, decimals: int = CHANGE_DECIMALS) -> str:
    """A size in percentage points, without sign."""
    size = num(_abs(x), decimals)
    return f"{size} 个百分点" if _zh(lang) else f"{size} pp"


def amount(x: Decimal | None, f: Figure, lang: str) -> str:
    """A figure with its unit: "172.30 亿元", "3.20%", "172.30 RMB 100m"."""
    text = num(x, f.decimals)
    if f.percent:
        return text + "%"
    return f"{text} {f.unit}".rstrip() if _zh(lang) or f.unit else text


def rounds_to_zero(x: float | Decimal | None, decimals: int) -> bool:
    return x is None or wording.is_zero(x, decimals)


# -- the value ---------------------------------------------------------------------------------


def value_phrase(f: Figure, lang: str) -> str:
    """What the indicator reached: "营业收入完成 172.30 亿元", "利润总额亏损 3.20 亿元"."""
    v = f.value
    negative = v is not None and v < 0 and not rounds_to_zero(v, f.decimals)
    if _zh(lang):
        if negative and f.sign == "profit":
            return f"{f.name}亏损 {amount(abs(v), f, lang)}" if v is not None else f.name
        if negative and f.sign == "cash":
            return f"{f.name}为净流出 {amount(abs(v), f, lang)}" if v is not None else f.name
        verb = "完成" if f.running and f.direction == "higher" and f.sign != "cash" and "完成" not in f.name else "为"
        return f"{f.name}{verb} {amount(v, f, lang)}"
    if negative and f.sign == "profit":
        return f"{f.name} was a loss of {amount(abs(v), f, lang)}" if v is not None else f.name
    if negative and f.sign == "cash":
        return f"{f.name} was a net outflow of {amount(abs(v), f, lang)}" if v is not None else f.name
    verb = "reached" if f.running and f.direction == "higher" and f.sign != "cash" else "stood at"
    return f"{f.name} {verb} {amount(v, f, lang)}"


# -- the comparison with last year -------------------------------------------------------------


def yoy_phrase(f: Figure, lang: str) -> str:
    """How the value compares with the same period last year, in words."""
    kind = f.change.kind
    if kind is ChangeKind.PERCENT:
        return _moved(f.change.percent, pct(f.change.percent), f, lang)
    if kind is ChangeKind.PP:
        return _moved(f.change.change, pp(f.change.change, lang, RATIO_DECIMALS), f, lang, RATIO_DECIMALS)
    if kind in _SIGN_CASES:
        return _sign_case(kind, f, lang)
    zh, en = _PLAIN_CASES[kind]
    return zh if _zh(lang) else en


def _moved(x: float | None, size: str, f: Figure, lang: str, decimals: int = CHANGE_DECIMALS) -> str:
    if rounds_to_zero(x, decimals):
        return "与上年同期持平" if _zh(lang) else "flat year on year"
    up = x is not None and x > 0
    lower = f.direction == "lower"
    if _zh(lang):
        if lower:
            return f"同比上升 {size}，需加以控制" if up else f"同比压降 {size}"
        return f"同比{'增长' if up and not f.percent else '提高' if up else '下降'} {size}"
    text = f"{'up' if up else 'down'} {size} year on year"
    if lower:
        text += ", which needs containing" if up else ", an improvement"
    return text


_PLAIN_CASES: dict[ChangeKind, tuple[str, str]] = {
    ChangeKind.NO_DATA: ("上年同期无可比数据", "no comparable figure for the same period last year"),
    ChangeKind.NEW: ("上年同期为零", "against nothing in the same period last year"),
    ChangeKind.BOTH_ZERO: ("与上年同期均为零", "nil, as in the same period last year"),
}

_SIGN_CASES: dict[ChangeKind, dict[Sign, tuple[str, str]]] = {
    ChangeKind.TURNED_PROFITABLE: {
        "profit": ("同比扭亏为盈", "turning last year's loss into a profit"),
        "cash": ("由上年同期的净流出转为净流入", "turning last year's net outflow into a net inflow"),
        "plain": ("由上年同期的负值转为正值", "up from a negative figure last year"),
    },
    ChangeKind.TURNED_LOSS: {
        "profit": ("同比由盈转亏", "turning last year's profit into a loss"),
        "cash": ("由上年同期的净流入转为净流出", "turning last year's net inflow into a net outflow"),
        "plain": ("由上年同期的正值转为负值", "down from a positive figure last year"),
    },
    ChangeKind.LOSS_NARROWED: {
        "profit": ("同比减亏 {amount}", "the loss {amount} smaller than last year"),
        "cash": ("净流出同比减少 {amount}", "the net outflow {amount} smaller than last year"),
        "plain": ("同比增加 {amount}", "up {amount} year on year"),
    },
    ChangeKind.LOSS_WIDENED: {
        "profit": ("同比增亏 {amount}", "the loss {amount} larger than last year"),
        "cash": ("净流出同比增加 {amount}", "the net outflow {amount} larger than last year"),
        "plain": ("同比减少 {amount}", "down {amount} year on year"),
    },
    ChangeKind.LOSS_UNCHANGED: {
        "profit": ("亏损额与上年同期持平", "the same loss as last year"),
        "cash": ("净流出与上年同期持平", "the same net outflow as last year"),
        "plain": ("与上年同期持平", "flat year on year"),
    },
}


def _sign_case(kind: ChangeKind, f: Figure, lang: str) -> str:
    zh, en = _SIGN_CASES[kind][f.sign]
    size = amount(abs(f.change_shown), f, lang) if f.change_shown is not None else wording.DASH
    return (zh if _zh(lang) else en).format(amount=size)


# -- the target and time progress --------------------------------------------------------------


def target_phrase(f: Figure, lang: str) -> str:
    """How far along the annual target: "完成年度确保目标的 45.3%，低于时间进度 4.7 个百分点"; empty
    without a target."""
    if f.direction == "band":
        return _band(f, lang)
    if f.running:
        return _running(f, lang)
    return _level(f, lang)


def _band(f: Figure, lang: str) -> str:
    if f.in_range is None:
        return ""
    if _zh(lang):
        return "处于目标区间内" if f.in_range else "超出目标区间"
    return "within its target range" if f.in_range else "outside its target range"


def _running(f: Figure, lang: str) -> str:
    if f.completion is None:
        return ""
    lower, zh = f.direction == "lower", _zh(lang)
    if zh:
        done = f"占年度控制目标的 {pct(f.completion)}" if lower else f"完成年度确保目标的 {pct(f.completion)}"
        if f.completion_strive is not None and not lower:
            done += f"、力争目标的 {pct(f.completion_strive)}"
    else:
        done = f"{pct(f.completion)} of the annual cap" if lower else f"{pct(f.completion)} of the annual ensure target"
        if f.completion_strive is not None and not lower:
            done += f" ({pct(f.completion_strive)} of the strive target)"
    progress = progress_phrase(f.completion, f.time_progress, lower, lang)
    return f"{done}，{progress}" if zh and progress else f"{done}, {progress}" if progress else done


def progress_phrase(completion: float | None, time_progress: float | None, lower: bool, lang: str) -> str:
    """Completion against time progress: ahead, behind or in line (for a cap, below is within pace)."""
    if completion is None or time_progress is None:
        return ""
    diff = completion - time_progress
    zh = _zh(lang)
    if rounds_to_zero(diff, CHANGE_DECIMALS):
        return "与时间进度持平" if zh else "in line with time progress"
    size = pp(diff, lang)
    if zh:
        if lower:
            return f"低于时间进度 {size}，控制在进度以内" if diff < 0 else f"高于时间进度 {size}，超出控制进度"
        return f"{'高于' if diff > 0 else '低于'}时间进度 {size}"
    if lower:
        return (
            f"{size} below time progress, within the cap"
            if diff < 0
            else f"{size} above time progress, over the cap's pace"
        )
    return f"{size} {'ahead of' if diff > 0 else 'behind'} time progress"


def _level(f: Figure, lang: str) -> str:
    if f.target is None or f.value is None:
        return ""
    zh, lower = _zh(lang), f.direction == "lower"
    target = (
        ("年度控制目标" if lower else "年度确保目标")
        if zh
        else ("the annual cap" if lower else "the annual ensure target")
    )
    delta = f.value - f.target
    if f.percent:
        if rounds_to_zero(delta, RATIO_DECIMALS):
            return f"与{target}持平" if zh else f"level with {target}"
        size = pp(delta, lang, RATIO_DECIMALS)
        if zh:
            return f"{'高于' if delta > 0 else '低于'}{target} {size}"
        return f"{size} {'above' if delta > 0 else 'below'} {target}"
    if f.completion is None:
        return ""
    share = pct(f.completion)
    if lower:
        within = f.value <= f.target
        if zh:
            return f"为{target}的 {share}，{'控制在目标以内' if within else '超出控制目标'}"
        return f"{share} of {target}, {'within' if within else 'over'} the cap"
    return f"为{target}的 {share}" if zh else f"{share} of {target}"


# -- the sentence --------------------------------------------------------------------------------


def sentence(f: Figure, lang: str) -> str:
    """The indicator's sentence: value, comparison with last year, target against time progress."""
    parts = [value_phrase(f, lang), yoy_phrase(f, lang), target_phrase(f, lang)]
    joined = ("，" if _zh(lang) else ", ").join(p for p in parts if p)
    return joined + ("。" if _zh(lang) else ".")


def span_clause(f: Figure, lang: str) -> str:
    """The report's span appended to the year-to-date sentence: "；其中本月完成 12.30 亿元，同比增长
    3.2%。" / "; in the month, 12.30 RMB 100m, up 3.2% year on year." (``f.name`` is the span)."""
    if _zh(lang):
        return f"；其中{value_phrase(f, lang)}，{yoy_phrase(f, lang)}。"
    v = f.value
    if v is not None and v < 0 and f.sign in ("profit", "cash") and not rounds_to_zero(v, f.decimals):
        what = ("a loss of " if f.sign == "profit" else "a net outflow of ") + amount(abs(v), f, lang)
    else:
        what = amount(v, f, lang)
    return f"; in the {f.name.lower()}, {what}, {yoy_phrase(f, lang)}."
