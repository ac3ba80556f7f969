"""The analysis as documents: what ``pacer analyze`` prints as JSON, and renders as tables or CSV.

Each command's answer is one plain dict whose shape is a TypedDict below (the README's "JSON
output" section documents every field, and a test holds the two together). Exact amounts are
decimal strings at the indicator's stored precision; only ratios, percentages and
probabilities are floats. A unit the actor may not see reads exactly like a unit that does not
exist.
"""

from __future__ import annotations

from typing import Literal, TypedDict

# -- the documented shape ------------------------------------------------------------------------


class Quantity(TypedDict):
    value: str
    unit: str


class UnitRef(TypedDict):
    code: str
    name: str


class IndicatorRef(TypedDict):
    code: str
    name: str
    unit: str
    kind: str
    direction: str


class ChangeOut(TypedDict):
    kind: str
    percent: float | None
    change: Quantity | None
    text: str


class NeedOut(TypedDict):
    tier: str
    remaining: Quantity
    monthly_average: Quantity | None
    implied_growth: ChangeOut


class CockpitRowOut(TypedDict):
    indicator: IndicatorRef
    value: Quantity | None
    ytd: Quantity | None
    ytd_last_year: Quantity | None
    yoy: ChangeOut
    target_ensure: Quantity | None
    target_strive: Quantity | None
    completion_pct: float | None
    completion_strive_pct: float | None
    time_progress_pct: float | None
    time_basis: str | None
    gap_pp: float | None
    status: str | None
    status_text: str
    needs: list[NeedOut]


class CockpitReport(TypedDict):
    command: str
    language: str
    unit: UnitRef
    period: str
    set: str
    restated: bool
    time_basis: str
    rows: list[CockpitRowOut]


class RankRowOut(TypedDict):
    rank: int | None
    unit: UnitRef
    value: Quantity | None
    ytd: Quantity | None
    yoy: ChangeOut
    completion_pct: float | None
    gap_pp: float | None
    status: str | None
    status_text: str


class ParentOut(TypedDict):
    unit: UnitRef
    value: Quantity | None
    ytd: Quantity | None


class Spread(TypedDict):
    n_values: int
    cv: float | None


class RankReport(TypedDict):
    command: str
    language: str
    indicator: IndicatorRef
    period: str
    measure: str
    descending: bool
    parent: ParentOut | None
    level: int | None
    restated: bool
    time_basis: str
    rows: list[RankRowOut]
    dispersion: Spread


class BridgeLineOut(TypedDict):
    unit: UnitRef | None
    current: Quantity | None
    previous: Quantity | None
    change: Quantity
    share_pct: float | None
    contribution_pp: float | None
    line: str


class BridgeReport(TypedDict):
    command: str
    language: str
    unit: UnitRef
    indicator: IndicatorRef
    period: str
    span: str
    restated: bool
    method: str
    current: Quantity
    previous: Quantity
    change: Quantity
    yoy: ChangeOut
    lines: list[BridgeLineOut]


class OutlookRowOut(TypedDict):
    indicator: IndicatorRef
    method: str
    ytd: Quantity | None
    run_rate: Quantity | None
    seasonal: Quantity | None
    statistical: Quantity | None
    point: Quantity | None
    low: Quantity | None
    high: Quantity | None
    p_ensure: float | None
    p_strive: float | None
    target_ensure: Quantity | None
    target_strive: Quantity | None


class OutlookReport(TypedDict):
    command: str
    language: str
    unit: UnitRef
    period: str
    set: str
    restated: bool
    rows: list[OutlookRowOut]


class HistoryRowOut(TypedDict):
    period: str
    value: Quantity | None
    ytd: Quantity | None
    ytd_last_year: Quantity | None
    yoy: ChangeOut
    mom: ChangeOut


class HistoryReport(TypedDict):
    command: str
    language: str
    unit: UnitRef
    indicator: IndicatorRef
    restated: bool
    rows: list[HistoryRowOut]


REPORTS: dict[str, type] = {
    "cockpit": CockpitReport,
    "rank": RankReport,
    "bridge": BridgeReport,
    "outlook": OutlookReport,
    "history": HistoryReport,
}


Format = Literal["table", "json", "csv"]
