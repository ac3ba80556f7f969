"""Topic tags of a requirement, by keyword tables in Chinese (matched in simplified script, so
traditional text is tagged alike) and English (matched at the start of a word, any case)."""

from __future__ import annotations

import re

# tag: (its words 中文, English; Chinese keywords; English keyword stems)
TOPICS: dict[str, tuple[tuple[str, str], tuple[str, ...], tuple[str, ...]]] = {
    "performance": (
        ("经营业绩", "performance"),
        (
            "业绩",
            "效益",
            "利润",
            "营业收入",
            "营收",
            "经营目标",
            "目标任务",
            "提质增效",
            "降本",
            "成本",
            "两金",
            "现金流",
        ),
        (
            "performance",
            "profit",
            "revenue",
            "business goal",
            "business operation",
            "business objective",
            "annual objective",
            "efficiency",
            "cost",
            "cash flow",
            "two funds",
            "indicator",
        ),
    ),
    "market": (
        ("市场", "market"),
        ("市场", "营销", "客户", "订单", "销售", "品牌"),
        ("market", "customer", "sales", "brand"),
    ),
    "quality": (
        ("质量", "quality"),
        ("质量", "零缺陷", "品质", "可靠性"),
        ("quality", "zero defect", "reliability"),
    ),
    "innovation": (
        ("科技创新", "innovation"),
        ("创新", "科技", "研发", "核心技术", "关键技术", "技术攻关", "新兴产业"),
        ("innovat", "technolog", "r&d", "emerging industr"),
    ),
    "reform": (
        ("改革", "reform"),
        ("改革", "混合所有制", "体制", "机制", "治理", "布局优化", "结构调整"),
        ("reform", "restructur", "governance", "mechanism", "layout", "industrial structure"),
    ),
    "risk_compliance": (
        ("风险与合规", "risk and compliance"),
        ("风险", "合规", "内控", "审计", "法治", "依法", "廉洁", "纪律", "监督", "保密"),
        ("risk", "complian", "internal control", "audit", "rule of law", "discipline", "supervision", "integrity"),
    ),
    "digital": (
        ("数字化", "digital"),
        ("数字", "信息化", "智能", "网络安全", "数据", "工业互联网", "云平台", "上云"),
        ("digital", "informationi", "intelligen", "cyber", "network security", "data", "cloud", "internet"),
    ),
    "talent": (
        ("人才与干部", "talent"),
        ("人才", "干部", "队伍", "培训"),
        ("talent", "cadre", "team", "training", "personnel", "employee"),
    ),
    "party_building": (
        ("党建", "Party building"),
        ("党建", "党的领导", "党组织", "党风", "党员", "政治"),
        ("party building", "leadership of the communist party", "party member", "party organi", "political"),
    ),
    "work_style": (
        ("作风", "work style"),
        ("作风", "担当", "形式主义", "官僚主义"),
        ("work style", "formalism", "bureaucratism"),
    ),
    "planning": (
        ("规划", "planning"),
        ("规划", "十四五", "十五五", "战略"),
        ("five-year plan", "strateg", "planning", "blueprint"),
    ),
    "safety": (
        ("安全生产", "safety"),
        ("安全生产", "疫情", "防控", "应急"),
        ("safety", "epidemic", "pandemic", "emergenc"),
    ),
}
_PATTERNS = {
    tag: (
        re.compile("|".join(map(re.escape, zh))),
        re.compile(r"\b(?:" + "|".join(map(re.escape, en)) + ")", re.I),
    )
    for tag, (_, zh, en) in TOPICS.items()
}


# Slogans that name a topic without being about it ("high-quality development").
_SLOGANS = re.compile(r"高质量|high[\s-]quality", re.I)


def tags(norm_text: str) -> tuple[str, ...]:
    """The topics a requirement's (normalised) text speaks of, in the tables' order."""
    norm_text = _SLOGANS.sub(" ", norm_text)
    return tuple(tag for tag, (zh, en) in _PATTERNS.items() if zh.search(norm_text) or en.search(norm_text))


def label(tag: str, lang: str) -> str:
    zh, en = TOPICS[tag][0]
    return zh if lang == "zh" else en
