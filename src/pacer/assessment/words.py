"""Every word of the assessment a reader sees, in Chinese and English (no I/O)."""

from __future__ import annotations

RULES: dict[str, tuple[str, str]] = {
    "linear": ("线性计分（门槛值至力争目标，封顶）", "linear from the threshold to the strive target, capped"),
    "stepwise": ("分档计分", "stepwise (bands)"),
    "zero_defects": ("零缺陷（达成得满分，否则不得分）", "zero defects (pass or fail)"),
    "growth": ("按同比增长计分", "growth on last year"),
}

WORDS: dict[str, tuple[str, str]] = {
    # the working of a score
    "scored": ("按{rule}", "scored {rule}"),
    "capped": ("已达封顶分", "capped at the item's maximum"),
    "below_threshold": ("未达门槛值，不得分", "below the threshold: no points"),
    "no_data": ("无数据，不得分", "no data: no points"),
    "not_active": ("考核期内单位尚未设立，不得分", "the unit did not exist in the period: no points"),
    "prorated": (
        "单位年中设立，目标按 {months}/12 个月折算",
        "unit created mid-year: targets prorated to {months}/12 months",
    ),
    "no_base": (
        "上年数为零或无上年数，无法计算增长率，不得分",
        "last year is zero or missing: no growth rate, no points",
    ),
    "defects": ("出现 {count} 项缺陷，不得分", "{count} defect(s): no points"),
    "vetoed": ("触发否决项“{label}”，等级不高于 {grade}", "veto '{label}' triggered: grade at most {grade}"),
    # refusals
    "weights_sum": (
        "各考核项权重合计 {total} 分，应为 {expected} 分",
        "the items' weights add up to {total} points, not {expected}",
    ),
    "weight_positive": ("权重必须大于零", "the weight must be above zero"),
    "rule_unknown": ("未知的计分规则“{kind}”，可选：{allowed}", "unknown scoring rule '{kind}'; one of: {allowed}"),
    "adjust_kind": (
        "未知的加减分类别“{kind}”，可选：bonus, deduction",
        "unknown adjustment kind '{kind}'; one of: bonus, deduction",
    ),
    "code_twice": ("编码“{code}”重复", "code '{code}' is used twice"),
    "adjust_negative": ("每次分值和上限不能为负数", "points per event and the limit cannot be negative"),
    "grade_unknown": ("未知等级“{grade}”，可选：{allowed}", "unknown grade '{grade}'; one of: {allowed}"),
    "grades_order": (
        "等级分数线须从高到低排列，最后一档为兜底（0 分）",
        "grade bands must run from the highest minimum down, the last one at 0 points",
    ),
    "cap_range": ("封顶比例须在 100% 至 200% 之间", "the cap must lie between 100 % and 200 % of the weight"),
}

WHAT: dict[str, tuple[str, str]] = {
    "threshold": ("门槛值", "a threshold"),
    "target": ("力争目标", "a strive target"),
    "bands": ("至少一个分档", "at least one band"),
    "growth": ("门槛增长率和目标增长率", "a threshold growth and a target growth"),
}
DIRECTIONS: dict[str, tuple[str, str]] = {
    "above": ("高于", "above"),
    "below": ("低于", "below"),
    "down": ("门槛从高到低", "from the highest bound down"),
    "up": ("门槛从低到高", "from the lowest bound up"),
}


def say(lang: str, key: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def both(key: str, **values: object) -> tuple[str, str]:
    """(English, 中文) of a sentence, as a Problem takes them."""
    return say("en", key, **values), say("zh", key, **values)


def pick(table: dict[str, tuple[str, str]], code: str) -> tuple[str, str]:
    """(English, 中文) of a code's label."""
    zh, en = table[code]
    return en, zh
