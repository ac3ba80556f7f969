"""The extractor on every seed article (the shared seeds beside the checkout): the speakers'
lists, item by item, and the meeting each proposes, as read from the articles by hand."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from pacer.meetings.extract import ArticleError, Extraction, extract


def seeds_dir() -> Path:
    """PACER_SEEDS_DIR, else the nearest shared/seeds above the checkout."""
    if os.environ.get("PACER_SEEDS_DIR"):
        return Path(os.environ["PACER_SEEDS_DIR"])
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "seeds").is_dir():
            return parent / "shared" / "seeds"
    raise AssertionError("the seed articles (shared/seeds) are not beside this checkout; set PACER_SEEDS_DIR")


SEEDS = seeds_dir()
# seed file: the number of requirements of each speaker, in the order the lists appear
COUNTS: dict[str, list[tuple[str, int]]] = {
    "000_7d137ef9c19469f9.txt": [("Yuan Jie", 10)],
    "001_4946104d0c29f997.txt": [("Yuan Jie", 9)],
    "002_7c63794446c9e804.txt": [],
    "003_921ce8f69a2cad7d.txt": [("Lian Jun", 6), ("Yang Zhenyu", 6)],
    "004_d211a32258dd057e.txt": [("Yuan Jie", 3)],
}
MEETINGS = {
    "000_7d137ef9c19469f9.txt": {
        "date": "2020-07-16",
        "kind": "economic_analysis",
        "mode": "both",
        "chair": "Liu Shiquan",
        "place": None,
        "speakers": ["Yuan Jie", "Liu Shiquan", "Liu Chuandong"],
    },
    "001_4946104d0c29f997.txt": {
        "date": "2020-07-31",
        "kind": "special_conference",
        "mode": "both",
        "chair": "Liu Shiquan",
        "place": None,
        "speakers": ["Yuan Jie", "Liu Shiquan", "Wei Yiyin", "Chen Guoying"],
    },
    "003_921ce8f69a2cad7d.txt": {
        "date": "2023-08-05",
        "kind": "semiannual_conference",
        "mode": None,
        "chair": "Lian Jun",
        "place": "Hangzhou",
        "speakers": ["Lian Jun", "Yang Zhenyu"],
    },
    "004_d211a32258dd057e.txt": {
        "date": "2021-05-26",
        "kind": "special_conference",
        "mode": "video",
        "chair": "Liu Shiquan",
        "place": None,
        "speakers": ["Wei Yiyin", "Yuan Jie", "Liu Shiquan"],
    },
}


def of(name: str) -> Extraction:
    return extract((SEEDS / name).read_text(encoding="utf-8"))


def texts(name: str, speaker: str) -> list[str]:
    return [r.text for r in of(name).requirements if r.speaker == speaker]


def lists_of(result: Extraction) -> list[tuple[str | None, int]]:
    """(speaker, count) per list, in order: a list starts where the numbering starts again at 1."""
    runs: list[tuple[str | None, int]] = []
    for requirement in result.requirements:
        if requirement.number == 1:
            runs.append((requirement.speaker, 0))
        speaker, count = runs[-1]
        runs[-1] = (speaker, count + 1)
    return runs


def test_every_seed_has_its_expectations():
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == sorted(COUNTS)


@pytest.mark.parametrize("name", [n for n, lists in COUNTS.items() if lists])
def test_each_speakers_list_is_found_whole_and_numbered_from_one(name):
    result = of(name)
    assert lists_of(result) == COUNTS[name]
    numbers = [r.number for r in result.requirements]
    expected = [n for _, count in COUNTS[name] for n in range(1, count + 1)]
    assert numbers == expected
    assert result.warnings == ()  # every stated count agrees with what was found


@pytest.mark.parametrize("name", list(MEETINGS))
def test_the_meeting_record_is_proposed(name):
    meeting = of(name).meeting
    first_line = (SEEDS / name).read_text(encoding="utf-8").strip().splitlines()[0]
    assert meeting.title == first_line.strip()
    assert meeting.language == "en"
    got = {key: getattr(meeting, key) for key in MEETINGS[name]}
    got["speakers"] = list(meeting.speakers)
    assert got == MEETINGS[name]


def test_an_article_without_numbered_requirements_is_refused_by_name():
    # "the Second, Third, Fourth and Fifth Plenary Sessions" and "the Tenth Conference" are no list
    with pytest.raises(ArticleError) as refused:
        of("002_7c63794446c9e804.txt")
    assert refused.value.key == "no_requirements"
    assert refused.value.in_language("en") == "no numbered requirements found"
    assert refused.value.in_language("zh") == "未找到编号的要求"


def test_the_economic_operation_meetings_ten_requirements_read_without_their_ordinals():
    items = texts("000_7d137ef9c19469f9.txt", "Yuan Jie")
    assert items[2] == (
        "we should intensify the research on key and core technologies, and grasp the core technology of each industry"
    )
    assert items[5] == 'we should do a good job in the demonstration of the "14th Five-Year Plan"'
    assert items[9].startswith("we should strengthen the work style construction of leading cadres. In particular,")
    assert items[9].endswith("want to act, are not afraid to act, and are able to act and deliver")
    assert not any(t.lower().startswith(("first", "second", "tenth")) for t in items)


def test_the_aerospace_defence_conference_lists_one_requirement_a_paragraph():
    items = texts("001_4946104d0c29f997.txt", "Yuan Jie")
    assert items[6] == (
        "we should earnestly improve the capability of independent innovation and optimize the supply chain "
        "management system"
    )
    assert items[8] == (
        "we should build a secure defense line and ensure regular epidemic prevention and control, so as to escort "
        "the implementation of various research and production tasks"
    )
    assert items[0].endswith(
        "earnestly accomplish all the research and production tasks assigned by the Party and State to CASIC"
    )
    # the closing remarks after the list belong to no item
    assert not any("Yuan stressed" in t for t in items)


def test_the_semi_annual_conference_has_two_lists_of_six_with_their_own_speakers():
    lian, yang = texts("003_921ce8f69a2cad7d.txt", "Lian Jun"), texts("003_921ce8f69a2cad7d.txt", "Yang Zhenyu")
    assert lian[0].startswith("intensify marketing efforts by establishing a strategic marketing system")
    assert lian[0].endswith("so as to promote the rapid and sound development of the company")
    assert yang[0] == "ensure steady market expansion, and fully complete the annual business goals"
    assert (
        yang[3]
        == "guarantee compliance and prevent risks, and continue to improve the efficiency of operation and management"
    )
    assert (
        yang[5]
        == "strengthen party building, create new achievements, and drive new changes in the electromechanical industry"
    )
    assert "The conference also included" not in yang[5]


def test_the_digital_space_conference_mixes_first_secondly_third():
    items = texts("004_d211a32258dd057e.txt", "Yuan Jie")
    assert items[0] == (
        "to further enhance the awareness of the importance of the digital space strategy, and effectively enhance "
        "the sense of mission, responsibility and urgency to accelerate the construction of digital space"
    )
    assert items[2].startswith("to unify its thought, focus on implementation")
    assert items[2].endswith("adhere to the talent-oriented development, to enhance cultural construction")


def test_seed_requirements_are_tagged_by_topic():
    by_number = {r.number: r.tags for r in of("000_7d137ef9c19469f9.txt").requirements}
    assert "innovation" in by_number[3]  # key and core technologies
    assert "quality" in by_number[4]  # quality first, zero defects
    assert "reform" in by_number[8]  # deepen the reform comprehensively
    assert "party_building" in by_number[9]
    digital = {r.number: r.tags for r in of("004_d211a32258dd057e.txt").requirements}
    assert all("digital" in t for t in digital.values())
    assert Counter(tag for r in of("003_921ce8f69a2cad7d.txt").requirements for tag in r.tags)["market"] >= 2
