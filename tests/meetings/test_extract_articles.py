"""The extractor on articles written for these tests (tests/meetings/articles): every numbering
style in Chinese (simplified and traditional) and English, stated counts that agree and one
that does not, two speakers, and the words that look like ordinals but are none."""

from __future__ import annotations

from pathlib import Path

import pytest

from pacer.meetings.extract import ArticleError, Extraction, extract
from tests.meetings.test_extract_seeds import lists_of

ARTICLES = Path(__file__).parent / "articles"


def of(name: str) -> Extraction:
    return extract((ARTICLES / name).read_text(encoding="utf-8"))


# article: (speaker, count) per list; the meeting's kind, date, chair, place, mode
EXPECTED = {
    "zh_01_yishi.txt": ([("张建国", 4)], ("economic_analysis", "2024-07-18", "李华", "北京", "both")),
    "zh_02_diyi.txt": ([("王立新", 5)], ("semiannual_conference", "2023-08-03", "陈志远", "杭州", None)),
    "zh_03_paren.txt": ([("赵明远", 3)], ("annual_conference", "2025-01-16", "周海", "集团总部", "both")),
    "zh_04_shouxian.txt": ([("孙伟", 3)], ("special_conference", None, None, "西安", None)),
    "zh_05_traditional.txt": ([("劉明", 3)], ("special_conference", "2022-11-08", "黃志強", None, "video")),
    "zh_06_mismatch.txt": ([("郑强", 5)], ("economic_analysis", None, "吴刚", None, None)),
    "zh_07_two_speakers.txt": (
        [("何立峰", 3), ("马骏", 4)],
        ("semiannual_conference", "2024-07-25", "马骏", "成都", "both"),
    ),
    "zh_08_digits.txt": ([("冯涛", 3)], ("inspection_feedback", "2023-06-09", "钱卫东", None, None)),
    "zh_09_dun.txt": ([("杨帆", 3)], ("special_conference", None, None, "总部", None)),
    "en_01_inline.txt": ([("Chen Hui", 5)], ("annual_conference", "2024-01-12", "Zhou Ming", "Shenzhen", "both")),
    "en_02_numbered.txt": ([("Wang Lei", 4)], ("special_conference", None, None, None, "video")),
    "en_03_two_speakers.txt": (
        [("Li Na", 4), ("Gao Feng", 3)],
        ("semiannual_conference", "2023-07-20", "Gao Feng", "Wuhan", None),
    ),
}


def test_every_article_has_its_expectations():
    assert sorted(p.name for p in ARTICLES.glob("*.txt")) == sorted([*EXPECTED, "zh_10_no_list.txt"])


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_list_is_found_with_its_speaker(name):
    result = of(name)
    lists, _ = EXPECTED[name]
    assert lists_of(result) == lists
    assert [r.number for r in result.requirements] == [n for _, c in lists for n in range(1, c + 1)]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_meeting_is_proposed(name):
    meeting = of(name).meeting
    _, (kind, day, chair, place, mode) = EXPECTED[name]
    assert (meeting.kind, meeting.date, meeting.chair, meeting.place, meeting.mode) == (kind, day, chair, place, mode)
    assert meeting.title == (ARTICLES / name).read_text(encoding="utf-8").splitlines()[0]
    assert meeting.language == ("zh" if name.startswith("zh") else "en")


def texts(name: str) -> list[str]:
    return [r.text for r in of(name).requirements]


def test_an_inline_yishi_list_ends_at_its_sentence():
    items = texts("zh_01_yishi.txt")
    assert items[0] == "要紧盯全年目标任务，确保营业收入和利润总额稳定增长"
    assert items[3] == "要深化改革攻坚，完成国企改革深化提升行动年度任务"
    # 第一季度, 一、二季度, 坚持质量第一, 统一思想, 第一时间 start no list
    assert of("zh_01_yishi.txt").warnings == ()


def test_diyi_paragraphs_and_their_stated_count():
    items = texts("zh_02_diyi.txt")
    assert items[0] == "坚定信心、迎难而上，确保全年主要经营指标全面完成"
    assert items[4] == "加强干部人才队伍建设，营造干事创业的良好氛围"
    assert of("zh_02_diyi.txt").warnings == ()


def test_a_list_inside_a_section_stays_in_the_sections_text():
    items = texts("zh_03_paren.txt")
    assert items[0] == (
        "坚持稳字当头，全力以赴完成年度经营目标。"
        "一是抓收入，确保营业收入增长8%以上；二是抓利润，持续推进提质增效；三是抓现金流，严控两金规模"
    )
    assert items[2] == "坚持深化改革，完善中国特色现代企业制度。推进子企业董事会应建尽建，健全市场化经营机制"


def test_shouxian_qici_zuihou_closes_with_the_last():
    items = texts("zh_04_shouxian.txt")
    assert items == [
        "要压实质量责任，各单位主要负责人是质量第一责任人，要亲自抓、负总责",
        "要加强过程控制，严格执行工艺纪律，推进质量数据的采集和分析",
        "要严肃质量问题归零，对重复性问题实行责任追究",
    ]
    assert all("quality" in r.tags for r in of("zh_04_shouxian.txt").requirements)


def test_traditional_script_is_read_and_kept():
    result = of("zh_05_traditional.txt")
    assert [r.text for r in result.requirements] == [
        "加強頂層設計，制定數字化轉型規劃和路線圖",
        "推進數據治理，打通業務系統之間的數據壁壘",
        "築牢網絡安全防線，落實網絡安全責任制",
    ]
    assert all("digital" in r.tags for r in result.requirements)
    assert result.meeting.title == "集團公司召開數字化轉型推進會"
    assert result.warnings == ()  # 三點要求, three found


def test_a_stated_count_that_disagrees_is_a_warning_in_either_language():
    result = of("zh_06_mismatch.txt")
    assert len(result.requirements) == 5
    assert [w.text("zh") for w in result.warnings] == ["郑强提出6条要求，找到5条"]
    assert [w.text("en") for w in result.warnings] == ["郑强 states 6 requirements; 5 were found"]
    assert result.as_dict("en")["warnings"] == ["郑强 states 6 requirements; 5 were found"]
    assert result.requirements[4].text == "抓好安全生产，防止发生安全事故"
    assert result.requirements[4].tags == ("safety",)


def test_two_speakers_each_with_their_list_in_one_article():
    result = of("zh_07_two_speakers.txt")
    assert result.requirements[2].text == "坚持从严治党，持续改进工作作风"
    assert result.requirements[3].speaker == "马骏"
    assert result.requirements[3].text == "全力抢抓市场订单，扩大市场份额"
    assert result.meeting.speakers == ("何立峰", "马骏")
    assert result.warnings == ()


def test_digit_and_dun_lists():
    assert texts("zh_08_digits.txt")[1] == "逐项建立整改台账，明确责任人和完成时限"
    assert texts("zh_09_dun.txt")[2] == "健全人才激励机制，推行科技人员项目收益分红"


def test_an_article_with_words_like_ordinals_but_no_list_is_refused():
    with pytest.raises(ArticleError, match="no numbered requirements found"):
        of("zh_10_no_list.txt")


def test_english_inline_list_after_a_first_of_all():
    result = of("en_01_inline.txt")
    assert [r.text for r in result.requirements] == [
        "keep revenue growth above 8% and complete the annual profit target",
        "expand overseas markets and win new customers",
        "accelerate independent innovation in core technologies",
        "strengthen compliance management and prevent major risks",
        "build a strong team of young talents",
    ]
    assert [r.tags for r in result.requirements] == [
        ("performance",),
        ("market",),
        ("innovation",),
        ("risk_compliance",),
        ("talent",),
    ]


def test_english_numbered_lines_against_their_stated_count():
    result = of("en_02_numbered.txt")
    assert result.requirements[3].text == "Audit network security every quarter"
    assert [w.text("en") for w in result.warnings] == ["Wang Lei states 3 requirements; 4 were found"]


def test_english_firstly_and_parenthesised_lists_of_two_speakers():
    result = of("en_03_two_speakers.txt")
    assert [r.text for r in result.requirements if r.speaker == "Gao Feng"] == [
        "Control costs and cash flow strictly",
        "reduce receivables and inventory",
        "keep the debt ratio below 65%",
    ]
    assert result.requirements[3].text == "strengthen Party building"


def test_the_proposed_kinds_and_modes_are_those_a_meeting_record_takes():
    from pacer.meetings.extract.meeting import KINDS, MODES
    from pacer.models import MEETING_KINDS
    from pacer.models.followup import MEETING_MODES

    assert {kind for kind, _ in KINDS} <= set(MEETING_KINDS)
    assert {mode for mode, _ in MODES} == set(MEETING_MODES)
