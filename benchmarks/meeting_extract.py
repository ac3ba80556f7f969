"""Extracting requirements from a 20,000-character meeting article: goal ≤ 200 ms.

`python benchmarks/meeting_extract.py` (also run by `make benchmark`) writes, from a fixed seed,
articles of 20,000 characters (and 100,000 to see how time grows): a Chinese one in simplified
and in traditional script, and an English one. Each has prose full of words that look like
ordinals but start no list ("第一季度", "坚持质量第一，", "the first half of the year"), and
four speakers each with a list of eight requirements in a different numbering style, one inline.
It extracts each article once (the first call; the very first also loads the script conversion
tables), then 30 times more, and checks that each extraction found the four lists. Results go
to benchmarks/results/meeting_extract.md.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import RESULTS

GOAL_MS = 200.0
RUNS = 30
ZH_NUMERALS = "一二三四五六七八"
ZH_PROSE = (
    "第一季度集团营业收入同比增长百分之六，上半年利润总额完成年度预算的四成以上。",
    "各单位坚持质量第一，统一思想，第一时间部署落实各项工作。",
    "一、二季度两金占用有所上升，应收账款回收压力较大，需引起高度重视。",
    "会议听取了财务部门关于经济运行情况的汇报，分析了存在的问题和面临的形势。",
)
ZH_ITEM = "要加强{0}管理，推进{1}工作，确保{0}目标按期完成"
ZH_TOPICS = ("市场", "质量", "创新", "改革", "风险", "数字化", "人才", "成本", "安全", "合规")
ZH_STYLES = (
    lambda i: f"{ZH_NUMERALS[i]}是",
    lambda i: f"第{ZH_NUMERALS[i]}，",
    lambda i: f"（{ZH_NUMERALS[i]}）",
    lambda i: f"{i + 1}.",
)
EN_PROSE = (
    "In the first half of the year revenue grew by six percent and the first quarter set a record. ",
    "The meeting reviewed the Second, Third and Fourth plenary documents and the work of the past year. ",
    "Units reported on their progress, the risks they face and the measures they have taken so far. ",
)
EN_ITEM = "strengthen {0} management, push forward the {1} work and meet the {0} targets on time"
EN_TOPICS = ("market", "quality", "innovation", "reform", "risk", "digital", "talent", "cost", "safety")
EN_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth")
EN_STYLES = (
    lambda i: f"{EN_ORDINALS[i]}, ",
    lambda i: f"{EN_ORDINALS[i]}ly, ",
    lambda i: f"({i + 1}) ",
    lambda i: f"{i + 1}. ",
)
ZH_SPEAKERS = ("董事长张建国", "总经理李华", "总会计师王立新", "副总经理陈志远")
EN_SPEAKERS = ("Zhang Jianguo", "Li Hua", "Wang Lixin", "Chen Zhiyuan")


@dataclass(frozen=True)
class Language:
    head: str
    speakers: tuple[str, ...]
    styles: tuple[Callable[[int], str], ...]
    prose: tuple[str, ...]
    item: str
    topics: tuple[str, ...]
    lead: str  # after the speaker's name, before the list
    inline: str  # between the items of the inline list
    end: str  # after an item


ZH = Language(
    "集团公司召开经济运行分析会\n\n2024年7月18日，集团公司在北京召开经济运行分析会。\n\n",
    ZH_SPEAKERS,
    ZH_STYLES,
    ZH_PROSE,
    ZH_ITEM,
    ZH_TOPICS,
    "在讲话中提出八点要求：",
    "；",
    "。",
)
EN = Language(
    "Group Holds Economic Operation Analysis Meeting\n\nOn July 18, 2024, the Group held its meeting.\n\n",
    EN_SPEAKERS,
    EN_STYLES,
    EN_PROSE,
    EN_ITEM,
    EN_TOPICS,
    " stressed eight requirements: ",
    "; ",
    ".",
)


def article(language: Language, size: int, rng: random.Random) -> str:
    """Prose, and each speaker's list of eight (the first inline) at an even spacing."""
    parts = [language.head]
    for n, (who, style) in enumerate(zip(language.speakers, language.styles, strict=True), start=1):
        while sum(map(len, parts)) < size * n // 5:
            parts.append("".join(rng.choice(language.prose) for _ in range(5)) + "\n\n")
        items = [style(i) + language.item.format(*rng.sample(language.topics, 2)) for i in range(8)]
        joiner = language.inline if n == 1 else language.end + "\n\n"
        parts.append(who + language.lead + joiner.join(items) + language.end + "\n\n")
    while sum(map(len, parts)) < size:
        parts.append(rng.choice(language.prose))
    return "".join(parts)[:size]


def measure(text: str) -> dict[str, float]:
    from pacer.meetings.extract import extract

    started = time.perf_counter()
    result = extract(text)
    first = (time.perf_counter() - started) * 1000
    assert len(result.requirements) == 32, f"found {len(result.requirements)} requirements, not 32"
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        extract(text)
        times.append((time.perf_counter() - started) * 1000)
    return {"first": first, "median": statistics.median(times), "max": max(times)}


def articles() -> dict[str, str]:
    import opencc

    rng = random.Random(12)
    zh = {size: article(ZH, size, rng) for size in (20_000, 100_000)}
    en = {size: article(EN, size, rng) for size in (20_000, 100_000)}
    traditional = opencc.OpenCC("s2t")
    found: dict[str, str] = {}
    for size in (20_000, 100_000):
        found[f"Chinese, simplified, {size:,} characters"] = zh[size]
        found[f"Chinese, traditional, {size:,} characters"] = traditional.convert(zh[size])
        found[f"English, {size:,} characters"] = en[size]
    return found


def main() -> None:
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    for name, text in articles().items():
        figures = measure(text)
        met = "—" if "100,000" in name else "yes" if figures["median"] <= GOAL_MS else "**no**"
        goal = f"<= {GOAL_MS:.0f} ms" if "20,000" in name else "(growth)"
        rows.append(
            f"| {name} | {goal} | {figures['median']:.1f} ms (slowest of {RUNS}: {figures['max']:.1f} ms; "
            f"first call {figures['first']:.1f} ms) | {met} |"
        )
        print(rows[-1], flush=True)
    at = f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
    section = "\n".join(
        [
            "## Meeting article to requirements",
            "",
            f"Command: `python benchmarks/meeting_extract.py`. Run {at}; load average {load} at the start.",
            "Each article has four speakers with eight requirements each (one list inline, three one item a "
            "paragraph; 一是 / 第一， / （一） / 1. in Chinese, First, / Firstly, / (1) / 1. in English) amid "
            "prose full of ordinal-like words; every run found all 32. Median of 30 runs after the first call; "
            "the first call of the first article includes loading the script conversion tables.",
            "",
            "| article | goal | measured | met? |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "meeting_extract.md").write_text(section, encoding="utf-8")
    print(f"wrote {RESULTS / 'meeting_extract.md'}")


if __name__ == "__main__":
    main()
