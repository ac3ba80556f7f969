"""What the commendation register's API takes and returns."""

from __future__ import annotations

from pydantic import BaseModel, Field

from pacer.commendations.repository import Row
from pacer.models import Award


class AwardOut(BaseModel):
    code: str
    name: str
    name_zh: str
    name_en: str
    category: str = Field(description="honour (a title conferred) or competition (a place won)")
    recipients: str = Field(description="units, people or both")


class AwardIn(BaseModel):
    code: str = Field(max_length=32, description="lower-case letters, digits, - and _")
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    category: str = Field(max_length=16, description="honour or competition")
    recipients: str = Field(max_length=16, description="units, people or both")


class CommendationOut(BaseModel):
    id: int
    year: int
    award: AwardOut
    unit_code: str
    unit: str
    person_id: int | None = Field(description="null: the unit itself is commended (a collective)")
    person: str | None
    distinction: str
    citation: str


class CommendationIn(BaseModel):
    award: str = Field(max_length=32, description="the award's code")
    year: int = Field(ge=0, le=9999)
    unit_code: str = Field(max_length=32)
    person_id: int | None = Field(None, ge=1, le=2**31 - 1, description="omit for the unit itself")
    distinction_zh: str = Field("", max_length=200)
    distinction_en: str = Field("", max_length=200)
    citation_zh: str = Field("", max_length=4000)
    citation_en: str = Field("", max_length=4000)


def award_out(award: Award, lang: str) -> AwardOut:
    return AwardOut(
        code=award.code,
        name=award.name(lang),
        name_zh=award.name_zh,
        name_en=award.name_en,
        category=award.category,
        recipients=award.recipients,
    )


def commendation_out(row: Row, lang: str) -> CommendationOut:
    c, zh = row.commendation, lang == "zh"
    return CommendationOut(
        id=c.id,
        year=c.year,
        award=award_out(row.award, lang),
        unit_code=row.unit.code,
        unit=row.unit.name(lang),
        person_id=c.person_id,
        person=(row.person.name_zh if zh else row.person.name_en) if row.person else None,
        distinction=(c.distinction_zh or c.distinction_en) if zh else (c.distinction_en or c.distinction_zh),
        citation=(c.citation_zh or c.citation_en) if zh else (c.citation_en or c.citation_zh),
    )
