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
        "按考核期内 {months} 个月，目标按 {months}/12 折算",
        "{months} months in the period: targets prorated to {months}/12",
    ),
    "progress": (
        "目标按截至 {through} 月的时间进度 {progress} 折算",
        "targets held to the time progress through month {through}, {progress}",
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
    "code_missing": ("考核项缺少编码", "an item has no code"),
    "kind_unknown": ("未知的考核项类别“{kind}”，可选：{allowed}", "unknown item kind '{kind}'; one of: {allowed}"),
    "indicator_unknown": ("未知指标“{indicator}”", "unknown indicator '{indicator}'"),
    "not_reported": (
        "单位 {unit} 不填报指标“{indicator}”，不能作为考核项",
        "unit {unit} does not report indicator '{indicator}', so it cannot be assessed on it",
    ),
    "measure_unknown": ("未知的考核口径“{measure}”，可选：{allowed}", "unknown measure '{measure}'; one of: {allowed}"),
    "numbers": ("考核项中的数值须为整数", "the items' numbers must be whole numbers"),
    "cascade_sum": (
        "单位 {unit}：所属单位的{what}合计 {total}，应等于上级责任书的 {expected}",
        "unit {unit}: its units' {what} add up to {total}, not the parent statement's {expected}",
    ),
    "cascade_missing": ("缺少单位 {unit} 的分解目标", "no cascaded targets for unit {unit}"),
    "cascade_not_child": ("单位 {unit} 不是 {parent} 的下级单位", "unit {unit} is not a unit of {parent}"),
    "no_issuer": (
        "单位 {unit} 没有上级单位，无法向其下达责任书",
        "unit {unit} has no unit above it to issue its statement",
    ),
    "unit_unknown": ("未知单位“{code}”", "unknown unit '{code}'"),
    "domain_unknown": ("未知的责任书领域“{domain}”，可选：{allowed}", "unknown domain '{domain}'; one of: {allowed}"),
    "statement_exists": (
        "单位 {unit} {year} 年该领域已有责任书（编号 {id}），请修改该责任书",
        "unit {unit} already has this domain's statement for {year} (no. {id}); change that one",
    ),
    "no_template": (
        "没有“{domain}”领域、单位类型 {kind} 的责任书模板",
        "no '{domain}' template for units of kind {kind}",
    ),
    "cascade_unsigned": ("责任书须经单位签订后方可分解", "a statement is cascaded once its unit has signed it"),
    "cascade_exists": (
        "单位 {unit} {year} 年该领域已有责任书",
        "unit {unit} already has this domain's statement for {year}",
    ),
    "stage_unknown": (
        "未知的考核阶段“{stage}”，可选：{allowed}",
        "unknown assessment stage '{stage}'; one of: {allowed}",
    ),
    "result_unknown": ("没有编号为 {id} 的考核结果", "no assessment result {id}"),
    "event_item": (
        "“{code}”不是按事件计的加减分或否决项，可选：{allowed}",
        "'{code}' is no item counting events; one of: {allowed}",
    ),
    "event_note": ("事件须写明经过，且发生在 {year} 年内", "an event needs what happened, on a day of {year}"),
    "reason_needed": ("已下达或签订的责任书变更须说明原因", "a change to a statement issued or signed needs a reason"),
    "adjust_reason": ("调整考核得分须书面说明原因", "an adjustment of a score needs a written reason"),
}

MEASURES: dict[str, tuple[str, str]] = {
    "task_completion": ("督办事项完成率", "task completion rate"),
    "task_on_time": ("督办事项按期完成率", "tasks closed on time"),
    "zeroing": ("质量问题归零率", "quality zeroing rate"),
    "critical_problems": ("重大质量问题（项）", "critical quality problems"),
    "events": ("集团记录的事件", "events recorded by HQ"),
}
PEERS: dict[str, tuple[str, str]] = {
    "military": ("军品", "military"),
    "civil": ("民品", "civil"),
    "dual": ("军民两用", "dual-use"),
    "large": ("大型", "large"),
    "medium": ("中型", "medium"),
    "small": ("小型", "small"),
}
WHAT: dict[str, tuple[str, str]] = {
    "threshold": ("门槛值", "a threshold"),
    "target": ("力争目标", "a strive target"),
    "bands": ("至少一个分档", "at least one band"),
    "growth": ("门槛增长率和目标增长率", "a threshold growth and a target growth"),
    "threshold_total": ("门槛值", "thresholds"),
    "target_total": ("力争目标", "strive targets"),
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
