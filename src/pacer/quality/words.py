"""Every word of the quality feature a reader sees, in Chinese and English (no I/O)."""

from __future__ import annotations

STAGES: dict[str, tuple[str, str]] = {
    "design": ("设计", "design"),
    "process": ("工艺", "process"),
    "procurement": ("采购/供方", "procurement / supplier"),
    "manufacturing": ("生产制造", "manufacturing"),
    "test": ("试验", "test"),
    "use": ("使用", "use"),
}
SEVERITIES: dict[str, tuple[str, str]] = {
    "critical": ("重大", "critical"),
    "major": ("严重", "major"),
    "minor": ("一般", "minor"),
}
CAUSES: dict[str, tuple[str, str]] = {
    "man": ("人", "people"),
    "machine": ("机", "machine"),
    "material": ("料", "material"),
    "method": ("法", "method"),
    "environment": ("环", "environment"),
    "measurement": ("测", "measurement"),
}
TRACKS: dict[str, tuple[str, str]] = {
    "technical": ("技术归零", "Technical zeroing"),
    "management": ("管理归零", "Management zeroing"),
}
# (track, code, 中文, English, what the evidence shows)
CRITERIA: tuple[tuple[str, str, str, str, str], ...] = (
    ("technical", "locate", "定位准确", "Located precisely", "where exactly the problem arises"),
    ("technical", "mechanism", "机理清楚", "Mechanism understood", "why it arises, by analysis or test"),
    ("technical", "reproduce", "问题复现", "Reproduced", "the problem made to happen again on purpose"),
    ("technical", "measures", "措施有效", "Measures effective", "the corrective action verified to work"),
    ("technical", "spread", "举一反三", "Lessons applied elsewhere", "sister products and units checked"),
    ("management", "process", "过程清楚", "Process clear", "how the problem came about, step by step"),
    ("management", "responsibility", "责任明确", "Responsibility clear", "who was responsible for what"),
    ("management", "implemented", "措施落实", "Measures implemented", "the management measures in place"),
    ("management", "handled", "严肃处理", "Dealt with seriously", "what the people responsible were held to"),
    ("management", "rules", "完善规章", "Rules improved", "the rules and procedures changed"),
)
CRITERION_CODES = tuple(c[1] for c in CRITERIA)

WORDS: dict[str, tuple[str, str]] = {
    "title_missing": ("请填写问题名称", "a title is needed"),
    "too_long": ("不能超过 {limit} 个字", "longer than {limit} characters"),
    "stage_unknown": ("未知的阶段“{value}”，可选：{allowed}", "unknown stage '{value}'; one of: {allowed}"),
    "severity_unknown": ("未知的严重程度“{value}”，可选：{allowed}", "unknown severity '{value}'; one of: {allowed}"),
    "cause_unknown": ("未知的原因类别“{value}”，可选：{allowed}", "unknown cause '{value}'; one of: {allowed}"),
    "found_in_future": ("发现日期 {found} 晚于今天", "the date found, {found}, is in the future"),
    "deadline_before_found": (
        "归零期限 {deadline} 早于发现日期 {found}",
        "the zeroing deadline {deadline} is before the date found {found}",
    ),
    "supplier_needed": (
        "源于采购/供方的问题须写明供方",
        "a problem that originates at procurement names its supplier",
    ),
    "unit_unknown": ("没有单位“{code}”", "no unit '{code}'"),
    "not_quality": ("您没有单位 {code} 的质量管理权限", "you may not manage quality at unit {code}"),
    "owner_unknown": ("没有在用的用户“{owner}”", "no active user '{owner}'"),
    "owner_no_access": (
        "责任人 {owner} 没有单位 {code} 的质量管理权限",
        "the owner {owner} may not manage quality at unit {code}",
    ),
    "source_bad": (
        "来源信号应为控制图特性编号（≥1）和点序号（从 1 起）",
        "a signal source is a characteristic id (≥ 1) and a 1-based point index",
    ),
    "source_taken": (
        "该信号已登记为质量问题 #{id}",
        "this signal already opened quality problem #{id}",
    ),
    "criterion_unknown": ("没有归零要素“{code}”", "no zeroing criterion '{code}'"),
    "evidence_missing": ("请填写证据或上传文件", "write the evidence or attach a file"),
    "evidence_state": (
        "问题处于「{state}」，只有归零中或退回时可以填写证据",
        "the problem is {state}: evidence is written while it is being zeroed or after a return",
    ),
    "evidence_signed": (
        "「{criterion}」已签认，不能再修改",
        "'{criterion}' is signed off: its evidence no longer changes",
    ),
    "not_owner": ("只有责任人 {owner} 可以办理此操作", "only the owner {owner} may do this"),
    "owner_signs_off": (
        "责任人不能对自己的问题执行「{verb}」",
        "the owner of a problem may not {verb} it: that is a reviewer's",
    ),
    "sign_own": (
        "不能签认自己负责或自己填写证据的归零要素",
        "nobody signs off a criterion of a problem they own or whose evidence they wrote",
    ),
    "sign_state": ("只有审查中的问题可以签认", "criteria are signed off while the problem is under review"),
    "sign_no_evidence": ("「{criterion}」还没有证据", "'{criterion}' has no evidence yet"),
    "submit_incomplete": (
        "以下归零要素还没有证据：{missing}",
        "these criteria have no evidence yet: {missing}",
    ),
    "close_unsigned": ("以下归零要素尚未签认：{missing}", "these criteria are not signed off yet: {missing}"),
    "close_checks_open": (
        "举一反三检查尚未全部确认：{units}",
        "the sister checks are not all confirmed yet: {units}",
    ),
    "no_sisters": (
        "没有可以举一反三的兄弟单位（或您看不到它们），请指定单位",
        "no sister unit you can reach; name the units to check",
    ),
    "sister_is_self": ("单位 {code} 就是问题所在单位", "unit {code} is the problem's own unit"),
    "sister_twice": ("单位 {code} 已有举一反三检查", "unit {code} already has a check for this problem"),
    "spread_state": ("问题已关闭，不能再举一反三", "the problem is closed: no more checks are spawned"),
    "deadline_past": ("检查期限 {deadline} 已过", "the check's deadline {deadline} has passed"),
    "answer_needed": ("请说明检查结果", "say what the check found"),
    "answer_state": ("该检查处于「{state}」，不能作答", "the check is {state}: it takes no answer now"),
}


def say(lang: str, key: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def both(key: str, **values: object) -> tuple[str, str]:
    """(English, 中文) of a refusal, as a Problem takes them."""
    return say("en", key, **values), say("zh", key, **values)


def label(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    pair = table.get(code)
    return (pair[0] if lang == "zh" else pair[1]) if pair else code


def heading(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    """The label as it heads a table's row or cell or a chart's bar: "Critical", "Procurement /
    supplier" (mid-sentence the label stays as :func:`label` gives it)."""
    text = label(table, code, lang)
    return text[:1].upper() + text[1:]


def criterion_name(code: str, lang: str) -> str:
    for _, c, zh, en, _ in CRITERIA:
        if c == code:
            return zh if lang == "zh" else en
    return code
