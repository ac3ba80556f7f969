"""The commendation register's rules: HQ records awards and commendations; a commendation in a
year before its unit existed or after it ended, of an unknown person, of a person for an award
given to units (or none for one given to people), or given twice is refused whole, in Chinese and
English, and nothing is stored; every addition is audited; readers see their subtrees only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.auth.permissions import load_actor
from pacer.commendations import repository, service
from pacer.errors import Forbidden, NotFound, ValidationFailed
from pacer.models import AuditEntry, Commendation, Person
from tests.factories import create_unit

TODAY = date(2026, 12, 6)


@pytest.fixture
def awards(session, org):
    hq = load_actor(session, "grace")
    service.add_award(session, hq, "two_one", "两优一先", "Two Excellences and One Advance", "honour", "both")
    service.add_award(session, hq, "technologist", "优秀科技工作者", "Outstanding Technologists", "honour", "people")
    service.add_award(session, hq, "cloud", "云应用大赛", "Cloud Application Competition", "competition", "units")
    return hq


def entry(**changes) -> service.Entry:
    values = {"award": "two_one", "year": 2025, "unit_code": "A1", "citation_zh": "按期完成", "citation_en": "On time"}
    return service.Entry(**(values | changes))


def refused(session, actor, e: service.Entry) -> list:
    before = session.scalar(select(func.count()).select_from(Commendation))
    with pytest.raises(ValidationFailed) as caught:
        service.add(session, actor, e, TODAY)
    assert session.scalar(select(func.count()).select_from(Commendation)) == before
    return caught.value.problems


def test_hq_records_a_collective_and_a_person_and_each_is_audited(session, org, awards):
    person = Person(name_zh="李文博", name_en="Li Wenbo")
    session.add(person)
    session.flush()
    service.add(session, awards, entry(), TODAY)
    service.add(session, awards, entry(person_id=person.id), TODAY)
    rows = repository.register(session, awards, repository.Filter(year=2025))
    assert [(r.unit.code, r.person.name_en if r.person else None) for r in rows] == [("A1", None), ("A1", "Li Wenbo")]
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "commendation.create")).all()
    assert [(a.unit_id, a.after["award"], a.after["person_id"]) for a in audited] == [
        (org.A1.id, "two_one", None),
        (org.A1.id, "two_one", person.id),
    ]


def test_a_year_before_the_unit_existed_is_refused_in_both_languages(session, org, awards):
    create_unit(session, "A3", org.A, created_on=date(2024, 3, 1), name_zh="新研究所", name_en="New Institute")
    (problem,) = refused(session, awards, entry(unit_code="A3", year=2023))
    assert problem.field == "year"
    assert problem.message == "New Institute was created in 2024, after 2023"
    assert problem.said("zh") == "year：新研究所成立于 2024 年，2023 年时尚不存在"
    service.add(session, awards, entry(unit_code="A3", year=2024), TODAY)


def test_a_year_after_the_unit_was_dissolved_or_in_the_future_is_refused(session, org, awards):
    create_unit(session, "A4", org.A, dissolved_on=date(2022, 6, 30))
    assert refused(session, awards, entry(unit_code="A4", year=2023))[0].message.endswith(
        "dissolved in 2022, before 2023"
    )
    assert refused(session, awards, entry(year=2027))[0].field == "year"
    assert refused(session, awards, entry(year=None))[0].field == "year"


def test_an_unknown_person_award_or_unit_is_named(session, org, awards):
    problems = refused(session, awards, entry(award="nobel", unit_code="ZZ", person_id=999_999))
    assert {(p.field, p.text("zh")) for p in problems} == {
        ("award", "没有奖项“nobel”"),
        ("unit_code", "没有单位“ZZ”"),
        ("person_id", "没有编号为 999999 的人员"),
    }


def test_whom_an_award_is_given_to_is_kept(session, org, awards):
    assert refused(session, awards, entry(award="technologist"))[0].message == (
        "Outstanding Technologists is given to people: name the person"
    )
    person = Person(name_zh="赵明远", name_en="Zhao Mingyuan")
    session.add(person)
    session.flush()
    assert refused(session, awards, entry(award="cloud", person_id=person.id))[0].text("zh") == (
        "“云应用大赛”授予单位（集体），不授予个人"
    )


def test_the_same_award_twice_in_a_year_is_a_duplicate(session, org, awards):
    service.add(session, awards, entry(), TODAY)
    (problem,) = refused(session, awards, entry(citation_zh="又一次"))
    assert problem.text("zh") == "该单位的 2025 年度“两优一先”已有记录"
    assert problem.message == "Two Excellences and One Advance 2025 is recorded already for this unit"
    service.add(session, awards, entry(year=2024), TODAY)  # another year is another commendation


def test_only_hq_at_the_group_records_commendations_and_awards(session, org, awards):
    for username in ("victor", "alice", "oscar"):
        with pytest.raises(Forbidden):
            service.add(session, load_actor(session, username), entry(), TODAY)
        with pytest.raises(Forbidden):
            service.add_award(session, load_actor(session, username), "x", "某奖", "An award", "honour", "units")
    assert session.scalar(select(func.count()).select_from(Commendation)) == 0


def test_a_bad_award_is_refused_naming_each_field(session, org, awards):
    with pytest.raises(ValidationFailed) as caught:
        service.add_award(session, awards, "two_one", "", "x" * 201, "medal", "everyone")
    assert [p.field for p in caught.value.problems] == ["code", "name_zh", "name_en", "category", "recipients"]
    assert caught.value.problems[0].text("zh") == "奖项代码“two_one”已存在"


def test_readers_see_only_their_subtrees_and_filter_by_unit(session, org, awards):
    for code in ("A1", "A2", "B1"):
        service.add(session, awards, entry(unit_code=code), TODAY)
    service.add(session, awards, entry(unit_code="A1", year=2024), TODAY)
    victor, bob = load_actor(session, "victor"), load_actor(session, "bob")
    assert {r.unit.code for r in repository.register(session, victor, repository.Filter())} == {"A1", "A2"}
    assert {r.unit.code for r in repository.register(session, bob, repository.Filter())} == {"B1"}
    assert repository.register(session, load_actor(session, "oscar"), repository.Filter()) == []
    only_a1 = repository.Filter(year=2025, award="two_one", unit_id=org.A1.id)
    assert [r.unit.code for r in repository.register(session, victor, only_a1)] == ["A1"]
    assert [r.commendation.year for r in repository.of_unit(session, victor, org.A1.id)] == [2025, 2024]
    assert repository.of_unit(session, victor, org.B1.id) == []
    with pytest.raises(NotFound):
        service.unit_filter(session, victor, "B")  # outside: as if it did not exist
    assert repository.years(session, bob) == [2025]
