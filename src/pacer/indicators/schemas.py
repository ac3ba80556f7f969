"""What the indicator library's API takes and returns."""

from __future__ import annotations

from pydantic import BaseModel, Field


class VersionOut(BaseModel):
    from_year: int
    to_year: int | None
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str
    formula: str | None = None


class IndicatorOut(BaseModel):
    code: str
    name: str = Field(description="the name in force now, in the asked language")
    category: str
    category_name: str
    unit: str
    unit_symbol: str
    scale: int
    direction: str
    kind: str
    reporting: str | None
    eliminated: bool
    never_negative: bool
    origin: str = Field(description="builtin (Pacer's) or group (the group's own)")
    customized: bool = Field(description="a built-in indicator the group edited: upgrades leave it alone")
    retired_from: int | None
    band_low: str | None = Field(description="direction band's default range, in the indicator's unit")
    band_high: str | None


class IndicatorDetailOut(IndicatorOut):
    versions: list[VersionOut]
    sets: list[str] = Field(description="codes of the indicator sets it belongs to")
    used_by: list[str] = Field(description="codes of the derived indicators whose formulas refer to it")
    refers_to: list[str] = Field(description="codes its formulas refer to")


class IndicatorIn(BaseModel):
    """An indicator's fields. On an edit, the names, definitions and formula take effect from
    ``from_year``: the version in force that year is closed the year before."""

    code: str = Field(max_length=64)
    category: str = Field(max_length=32)
    unit: str = Field(max_length=32)
    scale: int = Field(ge=0, le=6)
    direction: str = Field(max_length=10)
    kind: str = Field(max_length=10)
    reporting: str | None = Field(default=None, max_length=10)
    eliminated: bool = False
    never_negative: bool = False
    band_low: str | None = Field(default=None, max_length=40)
    band_high: str | None = Field(default=None, max_length=40)
    from_year: int = Field(ge=1900, le=2999)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    definition_zh: str = Field(max_length=4000)
    definition_en: str = Field(max_length=4000)
    formula: str | None = Field(default=None, max_length=2000)


class RetireIn(BaseModel):
    year: int = Field(ge=1900, le=2999, description="the first year in which it is retired")
    reason: str = Field(min_length=1, max_length=2000)


class UnitOfMeasure(BaseModel):
    code: str = Field(max_length=32)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    symbol_zh: str = Field(default="", max_length=32)
    symbol_en: str = Field(default="", max_length=32)
    dimension: str = Field(max_length=32)
    factor: str = Field(max_length=40, description="how many of the dimension's base unit one is worth")
    additive: bool = True
    percent: bool = False
    display: bool = True
    origin: str = Field(default="group", description="builtin or group; set by Pacer")


class CategoryModel(BaseModel):
    code: str = Field(max_length=32)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    origin: str = Field(default="group", description="builtin or group; set by Pacer")


class ChangesOut(BaseModel):
    changes: list[str] = Field(description="what changed, as the import's dry run prints it")
