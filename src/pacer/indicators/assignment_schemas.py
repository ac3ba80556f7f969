"""What the assignment API takes and returns."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RuleOut(BaseModel):
    id: int
    effect: str = Field(description="assign or exclude")
    target: str = Field(description="the indicator set's code, or the one indicator's")
    target_is_set: bool
    selector: str = Field(description="kind, tag or unit")
    selects: str = Field(description="the unit kind, the tag as key=value, or the unit's code")
    from_period: str = Field(description="first month in force, YYYY-MM")
    to_period: str | None = Field(description="last month in force, YYYY-MM; null: open")
    reason: str
    created_by: str
    closed_reason: str | None
    closed_by: str | None


class RulesOut(BaseModel):
    period: str
    in_force: list[RuleOut] = Field(description="the rules in force in the month")
    history: list[RuleOut] = Field(description="every rule ever made, closed ones included, oldest first")
    may_assign: bool = Field(description="whether the caller may add and close rules")


class IndicatorOut(BaseModel):
    code: str
    name: str
    category: str
    category_name: str
    derived: bool


class UnitAssignmentOut(BaseModel):
    unit_code: str
    unit_name: str
    period: str
    indicators: list[IndicatorOut] = Field(
        description="what the unit reports in the month, and the derived indicators computable from it"
    )
    rules: list[RuleOut] = Field(description="the rules reaching the unit in the month")


class RuleIn(BaseModel):
    set_code: str = Field(default="", max_length=64)
    indicator_code: str = Field(default="", max_length=64)
    kind: str = Field(default="", max_length=32)
    tag: str = Field(default="", max_length=260, description="key=value")
    unit_code: str = Field(default="", max_length=32)
    exclude: bool = False
    from_period: str = Field(max_length=20, description="YYYY-MM")
    to_period: str = Field(default="", max_length=20, description="YYYY-MM; empty: open")
    reason: str = Field(max_length=2000)


class CloseIn(BaseModel):
    from_period: str = Field(max_length=20, description="first month the rule no longer applies, YYYY-MM")
    reason: str = Field(max_length=2000)
