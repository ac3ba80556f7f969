"""Generated enumerations round-trip: whatever the numbering style, the layout (inline or one
item a paragraph), the number of items, the script and the stated count, the extractor gives
back the items in order, numbered from 1, without their markers, with their speaker, and warns
exactly when the stated count disagrees."""

from __future__ import annotations

import opencc
from hypothesis import given
from hypothesis import strategies as st

from pacer.meetings.extract import extract
from pacer.meetings.extract.markers import EN_ORDINALS

TO_TRADITIONAL = opencc.OpenCC("s2t")
ZH_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
ZH_WORDS = [
    "加强",
    "管理",
    "推进",
    "改革",
    "提升",
    "质量",
    "市场",
    "开拓",
    "创新",
    "人才",
    "队伍",
    "建设",
    "风险",
    "防控",
    "数字化",
    "转型",
    "安全",
    "生产",
    "效益",
    "成本",
]
EN_WORDS = [
    "strengthen",
    "management",
    "improve",
    "quality",
    "expand",
    "markets",
    "deepen",
    "reform",
    "talent",
    "risks",
    "control",
    "costs",
]
ZH_STYLES = {
    "shi": lambda i, n: f"{ZH_NUMERALS[i]}是",
    "yao": lambda i, n: f"{ZH_NUMERALS[i]}要",
    "di": lambda i, n: f"第{ZH_NUMERALS[i]}，",
    "paren": lambda i, n: f"（{ZH_NUMERALS[i]}）",
    "digit": lambda i, n: f"{i + 1}.",
    "digit_dun": lambda i, n: f"{i + 1}、",
    "sequence": lambda i, n: "最后，" if i == n - 1 else ("首先，", "其次，", "再次，")[i],
}
EN_STYLES = {
    "ordinal": lambda i, n: f"{EN_ORDINALS[i].capitalize()}, ",
    "ly": lambda i, n: f"{EN_ORDINALS[i].capitalize()}ly, ",
    "digit": lambda i, n: f"{i + 1}. ",
    "paren": lambda i, n: f"({i + 1}) ",
}


def zh_item() -> st.SearchStrategy[str]:
    phrase = st.lists(st.sampled_from(ZH_WORDS), min_size=2, max_size=5).map("".join)
    return st.lists(phrase, min_size=1, max_size=3).map("，".join)


def en_item() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(EN_WORDS), min_size=2, max_size=8).map(" ".join)


@st.composite
def zh_articles(draw: st.DrawFn) -> tuple[str, list[str], int]:
    style = draw(st.sampled_from(sorted(ZH_STYLES)))
    n = draw(st.integers(2, 4 if style == "sequence" else 12))
    items = draw(st.lists(zh_item(), min_size=n, max_size=n))
    stated = draw(st.integers(2, 12))
    inline = draw(st.booleans()) and style not in ("digit", "digit_dun")
    marker = ZH_STYLES[style]
    if style == "sequence" and n < 4:  # 首先, 其次 … 最后
        marker = lambda i, n: "最后，" if i == n - 1 else ("首先，", "其次，")[i]  # noqa: E731 - one style's variant
    if inline:
        body = "；".join(marker(i, n) + item for i, item in enumerate(items)) + "。"
    else:
        body = "\n".join(marker(i, n) + item + "。" for i, item in enumerate(items))
    lead = f"公司董事长张建国在讲话中提出{ZH_NUMERALS[stated - 1]}点要求："
    article = f"公司召开经营工作会\n\n{lead}\n{body}\n\n会议还表彰了先进单位。\n"
    return article, items, stated


@st.composite
def en_articles(draw: st.DrawFn) -> tuple[str, list[str], int]:
    style = draw(st.sampled_from(sorted(EN_STYLES)))
    n = draw(st.integers(2, 12))
    items = draw(st.lists(en_item(), min_size=n, max_size=n))
    stated = draw(st.integers(2, 12))
    separator = draw(st.sampled_from(["\n\n", " "]))
    body = separator.join(EN_STYLES[style](i, n) + item + "." for i, item in enumerate(items))
    article = (
        f"Company Holds Work Conference\n\nLiu Ming stressed {stated} requirements.\n\n{body}\n\nThe meeting ended.\n"
    )
    return article, items, stated


def assert_round_trip(case: tuple[str, list[str], int], speaker: str) -> None:
    article, items, stated = case
    result = extract(article)
    assert [r.text for r in result.requirements] == items
    assert [r.number for r in result.requirements] == list(range(1, len(items) + 1))
    assert {r.speaker for r in result.requirements} == {speaker}
    assert len(result.warnings) == (stated != len(items))


@given(zh_articles())
def test_generated_chinese_enumerations_round_trip(case):
    assert_round_trip(case, "张建国")


@given(en_articles())
def test_generated_english_enumerations_round_trip(case):
    assert_round_trip(case, "Liu Ming")


@given(zh_articles())
def test_the_same_enumerations_in_traditional_script_round_trip_in_that_script(case):
    article, items, _ = case
    result = extract(TO_TRADITIONAL.convert(article))
    assert [r.text for r in result.requirements] == [TO_TRADITIONAL.convert(item) for item in items]
    assert {r.speaker for r in result.requirements} == {TO_TRADITIONAL.convert("张建国")}


@given(st.lists(zh_item(), min_size=3, max_size=6), st.integers(1, 4))
def test_a_list_with_a_gap_in_its_numbering_stops_before_the_gap_and_says_so(items, skipped):
    numbers = [1, 2] + [3 + skipped + k for k in range(len(items) - 2)]
    body = "".join(f"{ZH_NUMERALS[n - 1]}是{item}。" for n, item in zip(numbers, items, strict=True))
    result = extract(f"会议纪要\n\n董事长王强强调，{body}\n")
    assert [r.text for r in result.requirements] == items[:2]
    assert [r.number for r in result.requirements] == [1, 2]
    assert [w.key for w in result.warnings] == ["numbering_gap"]
    assert (
        result.warnings[0].text("en")
        == f"王强's numbering breaks after 2 (the next number is {3 + skipped}); only the first 2 were taken"
    )
