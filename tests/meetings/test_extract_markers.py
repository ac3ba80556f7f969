"""What is an ordinal marker and what is not: a marker begins a sentence or a clause."""

from __future__ import annotations

import pytest

from pacer.meetings.extract import ArticleError, extract
from pacer.meetings.extract.markers import find_markers, zh_number
from pacer.meetings.extract.text import read


@pytest.mark.parametrize(
    "text",
    [
        "第一季度收入增长，第二季度利润回升。",
        "坚持质量第一，第二名的差距在缩小。",
        "团结统一是前提，唯一是底线，万一要出问题，就追责。",
        "最后一公里要打通，最后期限不变。",
        "一、二季度两金上升。",
        "In the first half of the year and the second quarter, sales rose.",
        "the Second, Third, Fourth and Fifth Plenary Sessions",
        "Revenue rose 1.5 times; version 2.0 ships.",
    ],
)
def test_words_that_look_like_ordinals_are_no_markers(text):
    assert find_markers(read(text).norm) == []


@pytest.mark.parametrize(
    ("text", "families", "numbers"),
    [
        ("会议要求：一是抓市场；二是抓质量。", ["zh_shi", "zh_shi"], [1, 2]),
        ("他强调，一要稳增长，二要防风险。", ["zh_yao", "zh_yao"], [1, 2]),
        ("第一，抓市场。第二，抓质量。", ["zh_di", "zh_di"], [1, 2]),
        ("（一）抓市场；（二）抓质量", ["zh_paren", "zh_paren"], [1, 2]),
        ("首先，抓市场。其次，抓质量。最后，抓改革。", ["zh_sequence"] * 3, [1, 2, 0]),
        ("Firstly, sell. Second: build.", ["en", "en"], [1, 2]),
        ("①抓市场②抓质量", ["circled", "circled"], [1, 2]),
    ],
)
def test_each_style_is_a_family_with_its_numbers(text, families, numbers):
    found = find_markers(read(text).norm)
    assert [m.family for m in found] == families
    assert [m.number for m in found] == numbers


def test_chinese_numerals_read_as_numbers():
    assert [zh_number(n) for n in ("一", "九", "十", "十一", "十九", "二十", "二十三")] == [1, 9, 10, 11, 19, 20, 23]
    assert zh_number("一一") is None
    assert zh_number("十十") is None


def test_a_lone_first_is_no_list():
    with pytest.raises(ArticleError):
        extract("Report\n\nFirst, the group met its targets. Then it planned the next year.\n")


def test_a_list_without_a_recognisable_speaker_is_kept_with_a_warning():
    result = extract("会议纪要\n\n会议要求：一是抓市场；二是抓质量。\n")
    assert [r.speaker for r in result.requirements] == [None, None]
    assert [w.text("zh") for w in result.warnings] == ["第1组要求未能识别讲话人"]
    assert result.as_dict("en")["warnings"] == ["the speaker of list 1 was not recognised"]
