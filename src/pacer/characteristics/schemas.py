"""What the characteristics' API takes and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

Name = Field(min_length=1, max_length=200)


class CharacteristicIn(BaseModel):
    unit_code: str = Field(min_length=1, max_length=32, description="The unit the characteristic belongs to.")
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    name_zh: str = Name
    name_en: str = Name
    product: str = Field(min_length=1, max_length=200, description="The product (or part) measured, in Chinese.")
    product_en: str = Field(default="", max_length=200, description="Its name in English (English pages show it).")
    measure_unit: str = Field(default="", max_length=32, description="Unit of measure of the values, e.g. mm.")
    lsl: float | None = Field(default=None, description="Lower specification limit.")
    usl: float | None = Field(default=None, description="Upper specification limit.")
    target: float | None = Field(default=None, description="Target (nominal) value.")
    subgroup_size: int = Field(
        ge=1, le=10**6, description="Values per subgroup (at most 100); a counted chart's default sample size."
    )
    chart: str = Field(max_length=16, description="xbar-r, xbar-s, imr, p, np, c, u, ewma or cusum.")
    rules: str = Field(default="we", max_length=16, description="Run rules: we, nelson or none.")
    rule_counts: dict[str, int] | None = Field(
        default=None, description="A rule's count changed from its set's, e.g. {\"N2\": 8}."
    )
    phase1_last: int | None = Field(default=None, ge=2, le=10**6, description="Subgroups 1..N calibrate the limits.")


class CharacteristicEdit(BaseModel):
    """What may change of a characteristic (fields left out stay); its chart and subgroup size only
    while it has no measurements."""

    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    product: str | None = Field(default=None, min_length=1, max_length=200)
    product_en: str | None = Field(default=None, max_length=200)
    measure_unit: str | None = Field(default=None, max_length=32)
    lsl: float | None = None
    usl: float | None = None
    target: float | None = None
    subgroup_size: int | None = Field(default=None, ge=1, le=10**6)
    chart: str | None = Field(default=None, max_length=16)
    rules: str | None = Field(default=None, max_length=16)
    rule_counts: dict[str, int] | None = None
    phase1_last: int | None = Field(default=None, ge=2, le=10**6)


class UnitOut(BaseModel):
    code: str
    name: str


class FrozenOut(BaseModel):
    center: float
    sigma: float
    at: datetime | None


class CharacteristicOut(BaseModel):
    id: int
    unit: UnitOut
    code: str
    name: str
    name_zh: str
    name_en: str
    product: str
    product_en: str
    measure_unit: str
    lsl: float | None
    usl: float | None
    target: float | None
    subgroup_size: int
    chart: str
    rules: str
    rule_counts: dict[str, int] | None
    phase1_last: int | None
    frozen: FrozenOut | None
    subgroups: int


class SubgroupIn(BaseModel):
    subgroup: int | None = Field(default=None, ge=1, le=10**7, description="Its number; default: the next one.")
    values: list[float] = Field(default_factory=list, max_length=100, description="A measured characteristic's.")
    count: float | None = Field(default=None, description="A counted (p, np, c, u) characteristic's count.")
    size: float | None = Field(default=None, description="A counted characteristic's sample size; default: its own.")
    measured_at: datetime | None = Field(default=None, description="When the subgroup was measured.")
    batch: str = Field(default="", max_length=64, description="The batch (lot) it comes from.")


class MeasurementsIn(BaseModel):
    subgroups: list[SubgroupIn] = Field(min_length=1, max_length=100_000)


class StoredOut(BaseModel):
    added: int = Field(description="Subgroups stored.")
    first: int
    last: int


class ExclusionIn(BaseModel):
    subgroup: int = Field(ge=1, le=10**7)
    reason: str = Field(min_length=3, max_length=2000, description="The assignable cause found, as written.")
    reason_en: str = Field(default="", max_length=2000, description="The same in English (English pages show it).")


class ExclusionOut(BaseModel):
    subgroup: int
    reason: str
    reason_en: str
    excluded_by: str
    excluded_at: datetime

    def reason_in(self, lang: str) -> str:
        """Why the point was excluded, in ``lang``: in English where that has been given."""
        return self.reason_en if lang == "en" and self.reason_en else self.reason


class FreezeIn(BaseModel):
    phase1_last: int | None = Field(default=None, ge=2, le=10**6, description="Default: the characteristic's.")


class ChartOut(BaseModel):
    characteristic: CharacteristicOut
    chart: dict[str, Any] | None = Field(description="Centre, limits per point, statistics, violations.")
    capability: dict[str, Any] | None = Field(
        description="Per phase ('phase1', 'phase2'; null where there is none): indices with confidence intervals, "
        "% out of spec; phase II's C-indices use phase I's sigma within."
    )
    signals: dict[str, list[str]] = Field(description="Point (subgroup) -> rules it broke.")
    out_of_control: list[int] = Field(description="Signalled subgroups that are not excluded.")
    exclusions: list[ExclusionOut]
    problems: dict[str, int] = Field(description="Point (subgroup) -> the quality problem opened from it.")


class ProblemOpenedOut(BaseModel):
    problem_id: int
    link: str
