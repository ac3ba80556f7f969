"""What the demo generator produces: plain records and numpy columns, no database types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

IndicatorKind = Literal["flow", "stock", "derived"]
LeaderRole = Literal["main_leader", "in_charge"]
Tier = Literal["ensure", "strive"]
ROLES: tuple[str, ...] = (
    "group_admin",
    "hq_analyst",
    "supervisor",
    "unit_reporter",
    "unit_approver",
    "quality_engineer",
    "viewer",
)


@dataclass(frozen=True, slots=True)
class BaseIndicator:
    """A reported indicator of the express report: its code, kind and stored decimal places."""

    code: str
    kind: IndicatorKind
    scale: int


# The express report's reported figures, in fact order. Names and definitions live in the
# indicator library; the demo only needs to know how each one behaves.
BASE_INDICATORS: tuple[BaseIndicator, ...] = (
    BaseIndicator("revenue", "flow", 2),
    BaseIndicator("operating_cost", "flow", 2),
    BaseIndicator("total_profit", "flow", 2),
    BaseIndicator("net_profit", "flow", 2),
    BaseIndicator("rd_expense", "flow", 2),
    BaseIndicator("operating_cash_flow", "flow", 2),
    BaseIndicator("cash_from_sales", "flow", 2),
    BaseIndicator("value_added", "flow", 2),
    BaseIndicator("investment_actual", "flow", 2),
    BaseIndicator("civil_revenue", "flow", 2),
    BaseIndicator("quality_problems", "flow", 0),
    BaseIndicator("quality_problems_closed", "flow", 0),
    BaseIndicator("inspected_lots", "flow", 0),
    BaseIndicator("passed_first_time_lots", "flow", 0),
    BaseIndicator("rty_units_started", "flow", 0),
    BaseIndicator("rty_units_through", "flow", 2),
    BaseIndicator("total_assets", "stock", 2),
    BaseIndicator("total_liabilities", "stock", 2),
    BaseIndicator("owners_equity", "stock", 2),
    BaseIndicator("accounts_receivable", "stock", 2),
    BaseIndicator("inventory", "stock", 2),
    BaseIndicator("investment_plan", "stock", 2),
    BaseIndicator("headcount", "stock", 0),
    BaseIndicator("quality_problems_open", "stock", 0),
)
BASE_CODES: tuple[str, ...] = tuple(i.code for i in BASE_INDICATORS)


@dataclass(frozen=True, slots=True)
class DemoUnit:
    """A node of the org tree.

    ``parent_code`` is the parent the unit was created under; later re-parenting is a
    :class:`UnitMove`. ``created_on`` is None for units older than the data.
    """

    code: str
    name_zh: str
    name_en: str
    kind: str
    parent_code: str | None
    tags: dict[str, str] = field(default_factory=dict)
    created_on: date | None = None
    dissolved_on: date | None = None


@dataclass(frozen=True, slots=True)
class UnitMove:
    """From ``effective`` on, ``unit_code`` hangs under ``new_parent_code``."""

    unit_code: str
    new_parent_code: str
    effective: date


@dataclass(frozen=True, slots=True)
class DemoLeader:
    unit_code: str
    name_zh: str
    name_en: str
    role: LeaderRole
    portfolio_zh: str
    portfolio_en: str


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    display_name_zh: str
    display_name_en: str
    role: str
    unit_code: str


@dataclass(frozen=True, slots=True)
class FillerIndicator:
    """A generated statistic that only adds volume (``stat_001`` …, or the group-defined
    ``grp_001`` … of a benchmark). A derived one has a ``formula`` and no facts."""

    code: str
    name_zh: str
    name_en: str
    kind: IndicatorKind
    unit: str = "yuan"
    scale: int = 2
    formula: str | None = None


@dataclass(frozen=True, slots=True)
class DemoTarget:
    """An annual target of one unit; ``value`` is scaled by 10**scale of the indicator.

    ``growth_bp`` is the growth over last year's actual when the target was set as growth;
    ``phasing_bp`` holds 12 monthly shares summing to 10000 for flows, None for caps.
    """

    unit_code: str
    indicator_code: str
    year: int
    tier: Tier
    value: int
    growth_bp: int | None
    phasing_bp: tuple[int, ...] | None


@dataclass(frozen=True)
class FactArrays:
    """Equal-length columns, one row per (unit, indicator, month) fact.

    ``unit`` indexes ``DemoGroup.units``, ``indicator`` indexes ``DemoGroup.indicators``,
    ``period`` is yyyymm and ``value`` the exact figure scaled by 10**scale.
    """

    unit: npt.NDArray[np.int32]
    indicator: npt.NDArray[np.int32]
    period: npt.NDArray[np.int32]
    value: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.value.shape[0])


@dataclass(frozen=True, slots=True)
class DemoElimination:
    """An elimination entry booked on ``unit_code`` (scaled like the indicator, signed)."""

    unit_code: str
    indicator_code: str
    period: int
    counterparty: str
    value: int


@dataclass(frozen=True)
class DemoGroup:
    """A complete demo group: org tree, people, indicators, monthly facts and targets."""

    units: list[DemoUnit]
    moves: list[UnitMove]
    leaders: list[DemoLeader]
    users: list[DemoUser]
    indicators: list[str]
    extra_indicators: list[FillerIndicator]
    facts: FactArrays
    targets: list[DemoTarget]
    as_of: tuple[int, int]
    first_year: int
    eliminations: list[DemoElimination] = field(default_factory=list)
    own_indicators: list[BaseIndicator] = field(default_factory=list)  # the group's own, reported

    def scale_of(self, indicator_code: str) -> int:
        """Decimal places of a reported indicator's stored values."""
        for spec in BASE_INDICATORS:
            if spec.code == indicator_code:
                return spec.scale
        for filler in self.extra_indicators:
            if filler.code == indicator_code:
                return filler.scale
        for own in self.own_indicators:
            if own.code == indicator_code:
                return own.scale
        raise KeyError(indicator_code)

    def parents_on(self, day: date) -> dict[str, str | None]:
        """Each unit's parent code on ``day``, after the moves effective by then."""
        parents = {unit.code: unit.parent_code for unit in self.units}
        for move in sorted(self.moves, key=lambda m: m.effective):
            if move.effective <= day:
                parents[move.unit_code] = move.new_parent_code
        return parents
