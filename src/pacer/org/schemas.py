"""What the org-administration API reads and answers."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from pacer.org.restructure import Restructuring


class UnitNodeOut(BaseModel):
    code: str
    name: str
    name_zh: str
    name_en: str
    level: int = Field(description="1 for the top of the whole tree")
    parent_code: str | None = Field(description="null for the top, or a parent outside the viewer's subtrees")
    kind: str
    tags: dict[str, str]
    line: str | None = Field(description="the military/civil line (the tag 'line')")
    created_on: date | None
    dissolved_on: date | None = Field(description="the last day in being (dissolved or merged)")
    merged_into: str | None = Field(description="the unit it was merged into (it stays under it)")
    main_leader: list[str]
    finance_head: list[str]


class RestructuringIn(BaseModel):
    kind: str = Field(description="create, rename, reclassify (kind and tags), move, merge or dissolve")
    code: str = Field(max_length=64, description="the unit (the new unit's code for create)")
    effective: date | None = Field(description="the first day the change holds")
    reason: str = Field(max_length=2000)
    parent_code: str = Field("", max_length=64, description="create, move: the unit it goes under")
    into_code: str = Field("", max_length=64, description="merge: the unit that absorbs it")
    name_zh: str = Field("", max_length=200, description="create, rename")
    name_en: str = Field("", max_length=200, description="create, rename")
    unit_kind: str = Field("", max_length=32, description="create, reclassify: the unit's kind")
    tags: dict[str, str] = Field(
        default_factory=dict, description="create, reclassify: key=value tags (reclassify: all of them)"
    )

    def change(self) -> Restructuring:
        return Restructuring(
            self.kind,
            self.code.strip(),
            self.effective,
            self.reason,
            self.parent_code.strip(),
            self.into_code.strip(),
            self.name_zh,
            self.name_en,
            self.unit_kind,
            dict(self.tags),
        )


class PreviewLineOut(BaseModel):
    basis: str = Field(description="as_was (the tree as it was that month) or restated (同口径, today's tree)")
    unit_code: str
    unit_name: str
    indicator_code: str
    indicator_name: str
    before: str | None = Field(description="the consolidated month value now (null: none)")
    after: str | None = Field(description="the value once the change is saved")
    change: str


class PreviewOut(BaseModel):
    period: str | None = Field(description="the month previewed (YYYY-MM); null when there are no figures")
    lines: list[PreviewLineOut]


class SpanOut(BaseModel):
    valid_from: date
    valid_to: date | None
    parent_code: str | None = Field(description="null for the top or a parent outside the viewer's subtrees")


class ChangeOut(BaseModel):
    at: str
    actor: str
    action: str
    reason: str
    after: dict[str, object]


class LeaderOut(BaseModel):
    id: int
    role: str
    person_id: int
    person: str
    portfolio: str
    valid_from: date | None
    valid_to: date | None


class UnitHistoryOut(BaseModel):
    unit: UnitNodeOut | None
    code: str
    spans: list[SpanOut]
    changes: list[ChangeOut]
    leaders: list[LeaderOut]


class LeaderIn(BaseModel):
    role: str = Field(max_length=32, description="main_leader, finance_head or in_charge")
    person_id: int = Field(ge=1, le=2**31 - 1)
    valid_from: date | None
    portfolio_zh: str = Field("", max_length=200)
    portfolio_en: str = Field("", max_length=200)


class LeaderEndIn(BaseModel):
    valid_to: date | None = Field(description="the first day the person no longer holds the role")


class PersonIn(BaseModel):
    name_zh: str = Field("", max_length=100)
    name_en: str = Field("", max_length=100)


class UserLinkIn(BaseModel):
    username: str = Field("", max_length=64, description="the user who is this person; empty: none")


class PersonOut(BaseModel):
    id: int
    name: str
    usernames: list[str]
    roles: list[str] = Field(description="role@unit code, for units the viewer sees")
