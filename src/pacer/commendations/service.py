"""The commendation register's operations. HQ (a group administrator or an HQ analyst granted at
the group) records awards and commendations; everyone reads those of the units they see. A bad
entry is refused whole, each problem named by its field in Chinese and English, and nothing is
stored; every addition is audited. Flushes, never commits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import Actor, may_configure, visible_unit_ids
from pacer.commendations import repository
from pacer.errors import Forbidden, NotFound, Problem, ValidationFailed
from pacer.models import AWARD_CATEGORIES, RECIPIENTS, Award, Commendation, Person, Unit
from pacer.org.repository import units_by_code

FIRST_YEAR = 1949
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
NAME_LIMIT, DISTINCTION_LIMIT, CITATION_LIMIT = 200, 100, 2000


@dataclass(frozen=True)
class Entry:
    """A commendation as a form or the API gives it: the award's code, the year, the unit's
    code, the person (None: the unit itself), the distinction and the citation."""

    award: str
    year: int | None
    unit_code: str
    person_id: int | None = None
    distinction_zh: str = ""
    distinction_en: str = ""
    citation_zh: str = ""
    citation_en: str = ""


def _problem(field: str, en: str, zh: str) -> Problem:
    return Problem(en, field=field, zh=zh)


def require_hq(session: Session, actor: Actor) -> None:
    if not may_configure(session, actor):
        raise Forbidden("only HQ (a group administrator or an HQ analyst granted at the group) records commendations")


def may_record(session: Session, actor: Actor) -> bool:
    return may_configure(session, actor)


def unit_filter(session: Session, actor: Actor, code: str) -> int | None:
    """The id of the unit a register is narrowed to (None: no unit given); a unit the actor does
    not see answers like one that does not exist."""
    if not code.strip():
        return None
    unit = units_by_code(session, [code.strip()]).get(code.strip())
    seen = visible_unit_ids(session, actor)
    if unit is None or (seen is not None and unit.id not in seen):
        raise NotFound(f"no unit '{code.strip()}'")
    return unit.id


def add_award(
    session: Session, actor: Actor, code: str, name_zh: str, name_en: str, category: str, recipients: str
) -> Award:
    """A named award the register can give, e.g. ``two_one`` 两优一先 for units and people."""
    require_hq(session, actor)
    code, name_zh, name_en = code.strip(), name_zh.strip(), name_en.strip()
    problems = []
    if not CODE.match(code):
        problems.append(
            _problem("code", "a code of lower-case letters, digits, - or _", "代码须为小写字母、数字、- 或 _")
        )
    elif repository.award_by_code(session, code) is not None:
        problems.append(_problem("code", f"an award '{code}' exists already", f"奖项代码“{code}”已存在"))
    for field, name in (("name_zh", name_zh), ("name_en", name_en)):
        if not name or len(name) > NAME_LIMIT:
            problems.append(
                _problem(field, f"a name of 1 to {NAME_LIMIT} characters", f"名称须为 1 到 {NAME_LIMIT} 个字符")
            )
    if category not in AWARD_CATEGORIES:
        problems.append(_problem("category", "honour or competition", "须为荣誉称号（honour）或竞赛（competition）"))
    if recipients not in RECIPIENTS:
        problems.append(_problem("recipients", "units, people or both", "须为单位、个人或两者（units、people、both）"))
    if problems:
        raise ValidationFailed(problems, "award")
    award = Award(code=code, name_zh=name_zh, name_en=name_en, category=category, recipients=recipients)
    session.add(award)
    session.flush()
    after = {"name_zh": name_zh, "name_en": name_en, "category": category, "recipients": recipients}
    record(session, actor.username, "commendation_award.create", "commendation_award", code, None, after)
    return award


def add(session: Session, actor: Actor, entry: Entry, today: date | None = None) -> Commendation:
    """Record one commendation; refused whole, naming each bad field, when it cannot stand."""
    require_hq(session, actor)
    award, unit, problems = _check(session, actor, entry, today or date.today())
    if problems or award is None or unit is None or entry.year is None:
        raise ValidationFailed(problems, "commendation")
    row = Commendation(
        award_id=award.id,
        year=entry.year,
        unit_id=unit.id,
        person_id=entry.person_id,
        distinction_zh=entry.distinction_zh.strip(),
        distinction_en=entry.distinction_en.strip(),
        citation_zh=entry.citation_zh.strip(),
        citation_en=entry.citation_en.strip(),
        created_by=actor.username,
    )
    session.add(row)
    session.flush()
    after = {"award": award.code, "year": entry.year, "unit": unit.code, "person_id": entry.person_id}
    after |= {"distinction_zh": row.distinction_zh, "citation_zh": row.citation_zh}
    record(session, actor.username, "commendation.create", "commendation", str(row.id), None, after, unit_id=unit.id)
    return row


def _check(
    session: Session, actor: Actor, entry: Entry, today: date
) -> tuple[Award | None, Unit | None, list[Problem]]:
    problems: list[Problem] = []
    award = repository.award_by_code(session, entry.award.strip())
    if award is None:
        problems.append(_problem("award", f"no award '{entry.award}'", f"没有奖项“{entry.award}”"))
    year = entry.year
    if year is None or not FIRST_YEAR <= year <= today.year:
        problems.append(
            _problem("year", f"a year from {FIRST_YEAR} to {today.year}", f"年度须在 {FIRST_YEAR} 到 {today.year} 之间")
        )
        year = None
    unit = units_by_code(session, [entry.unit_code.strip()]).get(entry.unit_code.strip())
    seen = visible_unit_ids(session, actor)
    if unit is None or (seen is not None and unit.id not in seen):
        problems.append(_problem("unit_code", f"no unit '{entry.unit_code}'", f"没有单位“{entry.unit_code}”"))
        unit = None
    elif year is not None:
        problems += lifetime_problems(unit, year)
    problems += _recipient(session, award, entry.person_id)
    problems += _lengths(entry)
    if not problems and award is not None and unit is not None and year is not None:
        problems += _repeated(session, award, year, unit, entry.person_id)
    return award, unit, problems


def _repeated(session: Session, award: Award, year: int, unit: Unit, person_id: int | None) -> list[Problem]:
    if not repository.duplicate(session, award.id, year, unit.id, person_id):
        return []
    who_en, who_zh = ("person", "人员") if person_id else ("unit", "单位")
    return [
        _problem(
            "award",
            f"{award.name_en} {year} is recorded already for this {who_en}",
            f"该{who_zh}的 {year} 年度“{award.name_zh}”已有记录",
        )
    ]


def lifetime_problems(unit: Unit, year: int) -> list[Problem]:
    """What is wrong with commending ``unit`` in ``year``: it did not exist yet, or no longer."""
    if unit.created_on and year < unit.created_on.year:
        return [
            _problem(
                "year",
                f"{unit.name_en} was created in {unit.created_on.year}, after {year}",
                f"{unit.name_zh}成立于 {unit.created_on.year} 年，{year} 年时尚不存在",
            )
        ]
    if unit.dissolved_on and year > unit.dissolved_on.year:
        return [
            _problem(
                "year",
                f"{unit.name_en} was dissolved in {unit.dissolved_on.year}, before {year}",
                f"{unit.name_zh}已于 {unit.dissolved_on.year} 年撤销，{year} 年时已不存在",
            )
        ]
    return []


def _recipient(session: Session, award: Award | None, person_id: int | None) -> list[Problem]:
    if person_id is not None and session.get(Person, person_id) is None:
        return [_problem("person_id", f"no person #{person_id}", f"没有编号为 {person_id} 的人员")]
    if award is not None and award.recipients == "people" and person_id is None:
        return [
            _problem(
                "person_id",
                f"{award.name_en} is given to people: name the person",
                f"“{award.name_zh}”授予个人，请选择人员",
            )
        ]
    if award is not None and award.recipients == "units" and person_id is not None:
        return [
            _problem(
                "person_id",
                f"{award.name_en} is given to units, not to people",
                f"“{award.name_zh}”授予单位（集体），不授予个人",
            )
        ]
    return []


def _lengths(entry: Entry) -> list[Problem]:
    problems = []
    for field, text, limit in (
        ("distinction_zh", entry.distinction_zh, DISTINCTION_LIMIT),
        ("distinction_en", entry.distinction_en, DISTINCTION_LIMIT),
        ("citation_zh", entry.citation_zh, CITATION_LIMIT),
        ("citation_en", entry.citation_en, CITATION_LIMIT),
    ):
        if len(text.strip()) > limit:
            problems.append(_problem(field, f"at most {limit} characters", f"最多 {limit} 个字符"))
    return problems
