"""What the targets API takes and returns. Amounts are exact decimal strings in the indicator's
unit ("18900.00"), growth and phasing in percent."""

from __future__ import annotations

from pydantic import BaseModel, Field

from pacer.kit.numbers import format_scaled
from pacer.models import TARGET_TIERS, Target
from pacer.targets import calc
from pacer.targets.grid import Grid, Line


class TierOut(BaseModel):
    value: str
    basis: str
    growth_pct: str | None
    phasing_pct: list[str] | None
    revision: int
    reason: str


class GapOut(BaseModel):
    tier: str
    parent: str | None
    children_sum: str
    difference: str | None = Field(description="parent − the children's sum")
    missing: list[str] = Field(description="children without a target")


class MismatchOut(GapOut):
    unit_code: str
    indicator_code: str


class LineOut(BaseModel):
    unit_code: str
    unit_name: str
    level: int = Field(description="0: the node, 1: its children, …")
    editable: bool
    indicator_code: str
    last_year: str | None
    last_year_profile_pct: list[str] = Field(description="last year's monthly shares (linear where it has none)")
    ensure: TierOut | None
    strive: TierOut | None
    gaps: list[GapOut]


class IndicatorOut(BaseModel):
    code: str
    name: str
    kind: str
    unit: str
    scale: int


class GridOut(BaseModel):
    year: int
    unit_code: str
    unit_name: str
    set: str | None
    editable: bool
    indicators: list[IndicatorOut]
    lines: list[LineOut]


class TargetIn(BaseModel):
    unit_code: str = Field(max_length=64)
    indicator_code: str = Field(max_length=64)
    tier: str = Field(max_length=10, description="ensure or strive")
    basis: str | None = Field(None, max_length=10, description="absolute or growth (default: what is given)")
    value: str | None = Field(None, max_length=40)
    growth_pct: str | None = Field(None, max_length=40)
    phasing: str | None = Field(
        None, max_length=200, description="12 percentages separated by ';', linear or last_year"
    )
    reason: str | None = Field(None, max_length=1000, description="needed to change an existing target")


class TargetsIn(BaseModel):
    rows: list[TargetIn] = Field(max_length=20_000)


class SavedOut(BaseModel):
    created: int
    revised: int
    unchanged: int
    warnings: list[str]


def _pct(bp: int) -> str:
    return format_scaled(bp, 2)


def _tier(t: Target | None, scale: int) -> TierOut | None:
    if t is None:
        return None
    return TierOut(
        value=format_scaled(t.value, scale),
        basis=t.basis,
        growth_pct=None if t.growth_bp is None else _pct(t.growth_bp),
        phasing_pct=None if not t.phasing_bp else [_pct(s) for s in t.phasing_bp],
        revision=t.revision,
        reason=t.reason,
    )


def gap_out(tier: str, gap: calc.Gap, scale: int) -> GapOut:
    return GapOut(
        tier=tier,
        parent=None if gap.parent is None else format_scaled(gap.parent, scale),
        children_sum=format_scaled(gap.children_sum, scale),
        difference=None if gap.difference is None else format_scaled(gap.difference, scale),
        missing=list(gap.missing),
    )


def line_out(line: Line, lang: str) -> LineOut:
    scale = line.indicator.scale
    return LineOut(
        unit_code=line.place.unit.code,
        unit_name=line.place.unit.name(lang),
        level=line.place.level,
        editable=line.place.editable,
        indicator_code=line.indicator.code,
        last_year=None if line.last_year is None else format_scaled(line.last_year, scale),
        last_year_profile_pct=[_pct(s) for s in line.profile().shares],
        ensure=_tier(line.targets.get("ensure"), scale),
        strive=_tier(line.targets.get("strive"), scale),
        gaps=[gap_out(t, line.gaps[t], scale) for t in TARGET_TIERS if t in line.gaps],
    )


def grid_out(grid: Grid, lang: str) -> GridOut:
    return GridOut(
        year=grid.year,
        unit_code=grid.node.code,
        unit_name=grid.node.name(lang),
        set=grid.set_code,
        editable=grid.editable,
        indicators=[
            IndicatorOut(
                code=r.code, name=r.name_zh if lang == "zh" else r.name_en, kind=r.kind, unit=r.unit, scale=r.scale
            )
            for r in grid.indicators
        ],
        lines=[line_out(line, lang) for line in grid.lines.values()],
    )
