"""What the cockpit answers, as JSON and as the context of its pages.

Amounts are exact decimals in the indicator's unit of measure (``measure``: 元 for money, % for
ratios, a unit of the group's table such as t or tce); ``display`` says how pages show them (the
scale of the unit's dimension chosen by magnitude — 万元 or 亿元, t or kt — and the decimals).
Percentages are in percent, gaps and ratio changes in percentage points (pp).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

BASIS_TEXT = (
    "how time progress was counted: linear (months elapsed), phasing (the target's monthly phasing),"
    " history (the unit's shape in past years); null where it does not apply (a balance or a ratio)"
)


class UnitRef(BaseModel):
    code: str
    name: str


class Display(BaseModel):
    """How a column of this indicator is shown: value / divisor, with decimals and a unit label."""

    label: str = Field(description="the display unit's symbol in the request's language")
    divisor: float = Field(description="how many of the indicator's unit make one display unit")
    decimals: int
    unit: str = Field("", description="the display unit's code (wan_yuan, kt …)")
    symbol_zh: str = ""
    symbol_en: str = ""
    percent: bool = Field(False, description="values are percentages: their changes read in pp")


class MeasureOut(BaseModel):
    """The indicator's unit of measure, from the group's unit table."""

    code: str
    dimension: str = Field(description="money, mass, energy, ratio …: units of one dimension convert")
    symbol_zh: str
    symbol_en: str
    additive: bool = Field(description="sums over units and months mean something")
    percent: bool = Field(description="values are percentages")


class IndicatorRef(BaseModel):
    code: str
    name: str
    unit: str = Field(description="unit of measure: a code of the group's unit table (yuan, percent, t, tce …)")
    kind: str = Field(description="flow, stock or derived")
    direction: str = Field(description="higher, lower or band: which way is better")
    display: Display
    measure: MeasureOut | None = None


class ChangeOut(BaseModel):
    kind: str = Field(description="percent, pp, new, turned_profitable, loss_narrowed, … or no_data")
    percent: float | None = None
    change: Decimal | None = Field(
        default=None, description="current − previous, in the indicator's unit (pp for ratios)"
    )
    text: str = Field(description="the comparison in words, in the request's language")
    good: bool | None = Field(default=None, description="whether the move is in the better direction")


class Tile(BaseModel):
    indicator: IndicatorRef
    value: Decimal | None = Field(description="the month's own value")
    ytd: Decimal | None
    ytd_last_year: Decimal | None
    yoy: ChangeOut
    target_ensure: Decimal | None
    target_strive: Decimal | None
    completion_pct: float | None
    completion_strive_pct: float | None
    time_progress_pct: float | None
    time_basis: str | None = Field(description=BASIS_TEXT)
    gap_pp: float | None
    status: str | None = Field(description="on_track, watch, off_track, or null without a target")


class RankRow(BaseModel):
    rank: int | None
    unit: UnitRef
    ytd: Decimal | None
    yoy: ChangeOut
    completion_pct: float | None
    gap_pp: float | None
    status: str | None
    trend: list[float | None] = Field(description="the last twelve months' own values, oldest first")
    target_ensure: Decimal | None = None
    target_strive: Decimal | None = None
    time_progress_pct: float | None = None
    time_basis: str | None = Field(default=None, description=BASIS_TEXT)


class Ranking(BaseModel):
    indicator: IndicatorRef
    measure: str
    rows: list[RankRow]
    total: Decimal | None = Field(
        default=None, description="the unit's own YTD, which its children and the own line add up to (null for a ratio)"
    )
    own: Decimal | None = Field(
        default=None,
        description="total − Σ children: the unit's own figures less the eliminations booked on it (null for a ratio)",
    )


class OffTrackRow(BaseModel):
    unit: UnitRef
    indicator: IndicatorRef
    status: str
    gap_pp: float
    completion_pct: float | None
    ytd: Decimal | None
    target_ensure: Decimal | None


class BridgeLine(BaseModel):
    unit: UnitRef | None = Field(
        description="a child unit, or null for the unit's own figures, for its eliminations "
        "and for the units outside the caller's view"
    )
    current: Decimal | None = Field(
        description="what came through this line; for a ratio, the line's own ratio (null where it has none)"
    )
    previous: Decimal | None
    change: Decimal = Field(description="the line's part of the change (pp for a percent ratio)")
    share_pct: float | None
    contribution_pp: float | None
    line: Literal["child", "own", "eliminations", "outside"] = Field(
        "child",
        description="a child unit, the unit's own figures, the intra-group eliminations booked on "
        "the unit (negative: they reduce the total), or the children of the period that "
        "are now outside the caller's view (moved elsewhere or dissolved), together",
    )


class Bridge(BaseModel):
    indicator: IndicatorRef
    current: Decimal
    previous: Decimal
    change: Decimal
    yoy: ChangeOut
    lines: list[BridgeLine]
    method: Literal["sum", "linear", "ratio"] = Field(
        "sum",
        description="sum: a reported indicator; linear: a derived sum of reported ones; ratio: a derived "
        "ratio, each line's change its contribution to the ratio's change",
    )


class OutlookRow(BaseModel):
    indicator: IndicatorRef
    method: str
    ytd: float | None
    point: float | None
    low: float | None = Field(description="lower bound of the 80 % interval")
    high: float | None
    p_ensure: float | None = Field(description="probability of reaching the ensure tier, 0..1")
    p_strive: float | None
    target_ensure: float | None
    target_strive: float | None


class MissingIndicator(BaseModel):
    code: str
    name: str


class NotReported(BaseModel):
    unit: UnitRef
    period: str
    missing: list[MissingIndicator] = Field(
        default_factory=list,
        description="the indicators the unit is assigned this month and has no figure of "
        "(empty where the group assigns nothing: the unit has sent nothing)",
    )


class CockpitOut(BaseModel):
    unit: UnitRef
    breadcrumbs: list[UnitRef]
    children: list[UnitRef]
    period: str
    period_label: str
    ytd_label: str
    periods: list[str]
    time_basis: str = Field(description="the group's time-progress setting: linear or seasonal")
    tiles: list[Tile]
    ranking: Ranking | None
    off_track: list[OffTrackRow]
    bridge: Bridge | None
    outlook: list[OutlookRow]
    not_reported: list[NotReported]


class MonthRow(BaseModel):
    period: str
    value: Decimal | None
    ytd: Decimal | None
    ytd_last_year: Decimal | None
    yoy: ChangeOut


class IndicatorOut(BaseModel):
    unit: UnitRef
    breadcrumbs: list[UnitRef]
    period: str
    period_label: str
    periods: list[str]
    tile: Tile
    children: Ranking
    months: list[MonthRow] = Field(description="every month of the last five years, newest first")
