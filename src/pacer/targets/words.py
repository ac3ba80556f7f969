"""The import's problems in Chinese for the targets page (the import speaks English, as the
terminal does); a problem without a translation is shown as it is."""

from __future__ import annotations

import re

_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"^changing an existing target needs a reason$", "修改已有目标须填写调整原因"),
        (r"^the strive tier must be at least as demanding", "力争目标不得低于确保目标的要求"),
        (
            r"^growth needs (\S+)'s actual for (\d{4}), which has no figures$",
            r"按增长率设定需要 \1 的 \2 年实际数，但该年没有数据",
        ),
        (r"^give exactly one of value and growth_pct$", "目标值与增长率须填且只填一个"),
        (r"^a derived indicator's target must be a value$", "派生指标的目标须填目标值"),
        (r"^'(.*)' is below -100 %$", r"增长率“\1”低于 -100%"),
        (r"^'(\S+)' cannot be negative$", "该指标不能为负数"),
        (r"^(.*) is not a number", r"\1 不是有效数字（半角数字，可带负号、小数点和千位逗号）"),
        (r"^(.*) has more than (\d+) decimal place", r"\1 的小数位数超过 \2 位"),
        (r"^(.*) is out of range", r"\1 超出允许范围"),
        (r"^a number is needed$", "请填写数字"),
        (r"^phasing", "月度分解须为 12 个非负百分比（以分号分隔），合计 100"),
        (r"^last year's seasonality is for flows only$", "按上年季节性分解只适用于流量指标"),
        (r"^unknown unit", "单位不存在或您无权设定其目标"),
        (r"^unknown indicator", "指标不存在"),
        (r"^basis must be", "填报口径须为目标值或增长率"),
        (r"^the target this growth gives", "按此增长率算出的目标超出允许范围"),
        (r"linear phasing used$", "上年没有完整且为正的月度数据，已按均衡分解"),
    )
)


def problem_text(message: str, lang: str) -> str:
    if lang != "zh":
        return message
    for pattern, zh in _ZH:
        found = pattern.search(message)
        if found:
            return found.expand(zh)
    return message
