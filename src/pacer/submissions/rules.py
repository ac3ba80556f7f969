"""The validation rules of one unit's month of figures: pure, no I/O, one set for every way in.

:func:`check` takes the month's figures (scaled integers by indicator code, in their stored form:
a flow's amount for the month, a stock's balance at its end) and a :class:`RuleContext` (the
indicators' definitions, last months' and last year's figures, what the unit must report, its
children's sums; :mod:`pacer.submissions.rule_context` builds it from the database) and returns
every :class:`Finding`. Errors block; a warning stands until an explanation is given for it.
Findings come sorted by rule and indicator, so the figures' order never matters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pacer.kit.numbers import FLOW_LIMIT, STOCK_LIMIT, format_scaled, to_decimal
from pacer.submissions.rule_config import DEFAULT, RuleConfig
from pacer.submissions.rule_derived import computed

ERROR, WARNING = "error", "warning"
# the rules in the order they are reported, with their names in both languages
RULES: dict[str, tuple[str, str]] = {
    "required": ("必报指标", "required indicators"),
    "numeric": ("数值与符号", "numeric and sign"),
    "ratio_bounds": ("比率范围", "ratio bounds"),
    "ytd_decrease": ("累计数不得减少", "year-to-date never decreasing"),
    "stock_continuity": ("期初余额衔接", "stock continuity"),
    "derived": ("派生指标一致性", "derived-indicator consistency"),
    "yoy_jump": ("同比异动", "year-on-year jump"),
    "consolidation": ("合并数与下级合计", "consolidated figures and children's sum"),
}


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    """What the rules need to know of an indicator (its version in force that year)."""

    code: str
    name_zh: str
    name_en: str
    kind: str  # flow | stock | derived
    scale: int
    reporting: str | None = None
    percent: bool = False
    additive: bool = True
    dimension: str = ""
    never_negative: bool = False
    direction: str = "higher"
    band_low: int | None = None
    band_high: int | None = None
    formula: str | None = None
    symbol_zh: str = ""
    symbol_en: str = ""


@dataclass(frozen=True)
class RuleContext:
    """Everything besides the month's own figures that the rules compare with.

    ``ytd_before``: a flow's months of the year before this one, summed; ``last_year``: the same
    month a year ago (a flow's year-to-date, a stock's balance); ``last_december``: a stock's
    closing balance of the previous year; ``children_sum``: for a unit that reports its own
    consolidated figures, the sum of its children's figures of the month (None otherwise).
    """

    unit_code: str
    period: int
    indicators: Mapping[str, IndicatorDef]
    required: frozenset[str] = frozenset()
    ytd_before: Mapping[str, int] = field(default_factory=dict)
    last_year: Mapping[str, int] = field(default_factory=dict)
    last_december: Mapping[str, int] = field(default_factory=dict)
    children_sum: Mapping[str, int] | None = None
    config: RuleConfig = DEFAULT


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # error | warning
    rule: str
    indicator: str
    cell: str  # the sheet cell or field the figure came from
    values: tuple[tuple[str, str], ...]  # (what, the value as shown)
    message_zh: str
    message_en: str

    @property
    def key(self) -> str:
        """What an explanation is given for: ``rule:indicator``."""
        return f"{self.rule}:{self.indicator}"

    def message(self, language: str) -> str:
        return self.message_zh if language == "zh" else self.message_en


@dataclass(frozen=True)
class _Say:
    """Words for the findings of one month: names the indicator, rule, cell and values."""

    context: RuleContext
    cells: Mapping[str, str]

    def value(self, code: str, scaled: int | Decimal, language: str) -> str:
        ind = self.context.indicators[code]
        text = format_scaled(scaled, ind.scale) if isinstance(scaled, int) else f"{scaled:.{ind.scale}f}"
        symbol = ind.symbol_zh if language == "zh" else ind.symbol_en
        return f"{text} {symbol}".rstrip()

    def __call__(self, severity: str, rule: str, code: str, values: dict[str, str], zh: str, en: str) -> Finding:
        ind = self.context.indicators.get(code)
        cell = self.cells.get(code, code)
        name_zh, name_en = (ind.name_zh, ind.name_en) if ind else (code, code)
        rule_zh, rule_en = RULES[rule]
        level_zh, level_en = ("错误", "error") if severity == ERROR else ("警告", "warning")
        return Finding(
            severity,
            rule,
            code,
            cell,
            tuple(values.items()),
            f"{level_zh}【{rule_zh}】{name_zh}{'' if cell == code else '（' + cell + '）'}：{zh}",
            f"{level_en} [{rule_en}] {code} ({name_en}){'' if cell == code else ', ' + cell}: {en}",
        )


def check(
    figures: Mapping[str, int],
    context: RuleContext,
    explanations: Mapping[str, str] | None = None,
    cells: Mapping[str, str] | None = None,
    openings: Mapping[str, int] | None = None,
) -> list[Finding]:
    """Every finding on one unit's month. ``explanations`` (by ``Finding.key`` or indicator code)
    clear the warnings they explain; ``cells`` name where each indicator's figure sits (default:
    its code); ``openings`` are opening balances the unit gave, checked against last December."""
    say = _Say(context, cells or {})
    found: list[Finding] = []
    for rule in (_required, _numeric, _ratio_bounds, _ytd_decrease, _yoy_jump, _consolidation):
        found.extend(rule(figures, context, say))
    found.extend(_stock_continuity(openings or {}, context, say))
    found.extend(_derived(figures, context, say))
    notes = explanations or {}
    kept = [
        f
        for f in found
        if f.severity == ERROR or not (notes.get(f.key, "").strip() or notes.get(f.indicator, "").strip())
    ]
    order = list(RULES)
    return sorted(kept, key=lambda f: (order.index(f.rule), f.indicator, f.severity))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == ERROR]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == WARNING]


# -- the rules -------------------------------------------------------------------------------------


def _known(figures: Mapping[str, int], context: RuleContext) -> Iterator[tuple[str, int, IndicatorDef]]:
    for code in sorted(figures):
        ind = context.indicators.get(code)
        if ind is not None and ind.kind != "derived":
            yield code, figures[code], ind


def _required(figures: Mapping[str, int], context: RuleContext, say: _Say) -> Iterator[Finding]:
    for code in sorted(context.required - set(figures)):
        yield say(ERROR, "required", code, {}, "必须填报，但没有数值。", "must be reported but has no figure.")


def _numeric(figures: Mapping[str, int], context: RuleContext, say: _Say) -> Iterator[Finding]:
    for code in sorted(set(figures) - set(context.indicators)):
        yield say(ERROR, "numeric", code, {}, "不是已知指标。", "is not a known indicator.")
    for code, value, ind in _known(figures, context):
        limit = STOCK_LIMIT if ind.kind == "stock" else FLOW_LIMIT
        if -limit <= value and (value >= 0 or not ind.never_negative) and value <= limit:
            continue  # the usual case: nothing to say, nothing to format
        shown = {"value": say.value(code, value, "en")}
        if abs(value) > limit:
            bound_zh, bound_en = say.value(code, limit, "zh"), say.value(code, limit, "en")
            yield say(
                ERROR,
                "numeric",
                code,
                shown,
                f"{say.value(code, value, 'zh')} 超出范围（绝对值至多 {bound_zh}）。",
                f"{shown['value']} is out of range (at most {bound_en} either way).",
            )
        elif value < 0 and ind.never_negative:
            yield say(
                ERROR,
                "numeric",
                code,
                shown,
                f"不能为负数，填报为 {say.value(code, value, 'zh')}。",
                f"cannot be negative; {shown['value']} was given.",
            )


def _ratio_bounds(figures: Mapping[str, int], context: RuleContext, say: _Say) -> Iterator[Finding]:
    for code, value, ind in _known(figures, context):
        if not ind.percent:
            continue
        low, high = context.config.bounds(code)
        number = to_decimal(value, ind.scale)
        if not low <= number <= high:
            shown = {"value": say.value(code, value, "en"), "low": str(low), "high": str(high)}
            yield say(
                ERROR,
                "ratio_bounds",
                code,
                shown,
                f"{say.value(code, value, 'zh')} 不在 {low}–{high} 之间。",
                f"{shown['value']} is outside {low}–{high}.",
            )


def _ytd_decrease(figures: Mapping[str, int], context: RuleContext, say: _Say) -> Iterator[Finding]:
    config = context.config
    for code, value, ind in _known(figures, context):
        forbidden = code in config.ytd_never_decreasing or ind.dimension in config.ytd_never_decreasing_dimensions
        if ind.kind != "flow" or ind.never_negative or value >= 0:
            continue  # a never-negative flow's negative month is the numeric rule's
        if not forbidden and code not in config.ytd_decrease_warning:
            continue
        before = context.ytd_before.get(code, 0)
        shown = {"ytd_before": say.value(code, before, "en"), "ytd": say.value(code, before + value, "en")}
        then_zh, then_en = (
            ("该指标累计数不得减少。", "this indicator's year-to-date may not decrease.")
            if forbidden
            else ("需要书面说明原因（如退货）。", "a written explanation is needed (returns, say).")
        )
        yield say(
            ERROR if forbidden else WARNING,
            "ytd_decrease",
            code,
            shown,
            f"本年累计数从上月的 {say.value(code, before, 'zh')} 减少到 {say.value(code, before + value, 'zh')}"
            f"（本月 {say.value(code, value, 'zh')}），{then_zh}",
            f"the year-to-date figure falls from last month's {shown['ytd_before']} to {shown['ytd']} "
            f"(the month: {say.value(code, value, 'en')}); {then_en}",
        )


def _stock_continuity(openings: Mapping[str, int], context: RuleContext, say: _Say) -> Iterator[Finding]:
    for code in sorted(openings):
        ind = context.indicators.get(code)
        closing = context.last_december.get(code)
        if ind is None or ind.kind != "stock" or closing is None or openings[code] == closing:
            continue
        shown = {"opening": say.value(code, openings[code], "en"), "last_december": say.value(code, closing, "en")}
        yield say(
            ERROR,
            "stock_continuity",
            code,
            shown,
            f"年初余额 {say.value(code, openings[code], 'zh')} "
            f"与上年12月末余额 {say.value(code, closing, 'zh')} 不一致。",
            f"the opening balance {shown['opening']} differs from last December's closing {shown['last_december']}.",
        )


def _jump(now: int, before: int, limit: Decimal) -> Decimal | None:
    """The relative change when it exceeds ``limit``; None otherwise or without a base."""
    if before == 0:
        return None
    # exactly within the limit, in integers (the usual case: no Decimal division for it)
    if limit.is_finite():
        num, den = limit.as_integer_ratio()
        if abs(now - before) * den <= num * abs(before):
            return None
    change = Decimal(now - before) / abs(Decimal(before))
    return change if abs(change) > limit else None


def _yoy_jump(figures: Mapping[str, int], context: RuleContext, say: _Say) -> Iterator[Finding]:
    for code, value, ind in _known(figures, context):
        before = context.last_year.get(code)
        if before is None or ind.percent:
            continue
        now = value + context.ytd_before.get(code, 0) if ind.kind == "flow" else value
        limit = context.config.yoy_limit(code)
        change = _jump(now, before, limit)
        if change is None:
            continue
        pct, lim = f"{change * 100:+.1f} %", f"{limit * 100:.0f} %"
        basis_zh, basis_en = ("本年累计", "year-to-date") if ind.kind == "flow" else ("期末余额", "balance")
        shown = {"value": say.value(code, now, "en"), "last_year": say.value(code, before, "en"), "change": pct}
        yield say(
            WARNING,
            "yoy_jump",
            code,
            shown,
            f"{basis_zh} {say.value(code, now, 'zh')}，上年同期 {say.value(code, before, 'zh')}，"
            f"变动 {pct}，超过 {lim} 的阈值：需要书面说明原因。",
            f"{basis_en} {shown['value']} against {shown['last_year']} a year ago ({pct}, beyond the {lim} "
            "threshold): a written explanation is needed.",
        )


def _consolidation(figures: Mapping[str, int], context: RuleContext, say: _Say) -> Iterator[Finding]:
    sums = context.children_sum
    if sums is None:
        return
    tolerance = context.config.consolidation_tolerance
    for code, value, ind in _known(figures, context):
        total = sums.get(code)
        if total is None or not ind.additive:
            continue
        if abs(Decimal(value - total)) <= tolerance * max(abs(value), abs(total)):
            continue
        shown = {"value": say.value(code, value, "en"), "children": say.value(code, total, "en")}
        yield say(
            ERROR,
            "consolidation",
            code,
            shown,
            f"合并数 {say.value(code, value, 'zh')} 与下级单位合计 {say.value(code, total, 'zh')} 不符"
            f"（允许差异 {tolerance * 100} %）。",
            f"the consolidated figure {shown['value']} disagrees with the children's sum {shown['children']} "
            f"(tolerance {tolerance * 100} %).",
        )


def _derived(figures: Mapping[str, int], context: RuleContext, say: _Say) -> Iterator[Finding]:
    for code, reported, value in computed(figures, context):
        ind = context.indicators[code]
        if reported is not None:
            tolerance = context.config.identity_tolerance
            gap = abs(to_decimal(reported, ind.scale) - value)
            if gap > max(tolerance * abs(value), Decimal(1).scaleb(-ind.scale)):
                shown = {"value": say.value(code, reported, "en"), "computed": say.value(code, value, "en")}
                yield say(
                    WARNING,
                    "derived",
                    code,
                    shown,
                    f"填报数 {say.value(code, reported, 'zh')} 与按公式计算的 {say.value(code, value, 'zh')} 不符。",
                    f"the figure given, {shown['value']}, differs from {shown['computed']} computed by its formula.",
                )
            continue
        bounds = context.config.derived_bounds.get(code)
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            shown = {"computed": say.value(code, value, "en"), "low": str(bounds[0]), "high": str(bounds[1])}
            yield say(
                WARNING,
                "derived",
                code,
                shown,
                f"按本月数据计算为 {say.value(code, value, 'zh')}，不在 {bounds[0]}–{bounds[1]} 之间。",
                f"the month's figures make it {shown['computed']}, outside {bounds[0]}–{bounds[1]}.",
            )
