"""Warning checks HQ runs over its units each month, as vectorised functions over arrays of
nodes. Amounts are in the indicator's unit, NaN where missing; a check never fires on missing
data (its growth or ratio is NaN instead)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from pacer.analysis.answers.results import Value, opt
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.inputs import BoolArray, FloatArray
from pacer.analysis.core.measures import PeriodMeasures

RD_INTENSITY_LINE_PCT = 10.0


@dataclass(frozen=True)
class CheckCodes:
    """Indicator codes the checks read."""

    receivables: str = "accounts_receivable"
    inventory: str = "inventory"
    revenue: str = "revenue"
    rd_expense: str = "rd_expense"
    operating_cash_flow: str = "operating_cash_flow"

    def all(self) -> tuple[str, ...]:
        return (self.receivables, self.inventory, self.revenue, self.rd_expense, self.operating_cash_flow)


def growth_pct(current: FloatArray, previous: FloatArray) -> FloatArray:
    """(current - previous) / previous in %, only over a positive base."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(previous > 0, (current - previous) / previous * 100.0, np.nan)


def two_funds_outpacing_revenue(
    receivables: FloatArray,
    receivables_last_year: FloatArray,
    inventory: FloatArray,
    inventory_last_year: FloatArray,
    revenue_ytd: FloatArray,
    revenue_ytd_last_year: FloatArray,
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Two funds (receivables + inventory, balances against the same month last year) growing
    faster than revenue (YTD against YTD): ``(flag, two-funds growth %, revenue growth %)``."""
    two_funds = growth_pct(receivables + inventory, receivables_last_year + inventory_last_year)
    revenue = growth_pct(revenue_ytd, revenue_ytd_last_year)
    return two_funds > revenue, two_funds, revenue


def rd_intensity_below(
    rd_expense_ytd: FloatArray, revenue_ytd: FloatArray, line_pct: float = RD_INTENSITY_LINE_PCT
) -> tuple[BoolArray, FloatArray]:
    """R&D intensity = R&D expense / revenue in %, flagged under ``line_pct``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        intensity = np.where(revenue_ytd > 0, rd_expense_ytd / revenue_ytd * 100.0, np.nan)
    return intensity < line_pct, intensity


def negative_operating_cash_flow(operating_cash_flow_ytd: FloatArray) -> BoolArray:
    return np.asarray(operating_cash_flow_ytd) < 0


class CheckRow(NamedTuple):
    """The checks for one node; a flag is False where its inputs are missing."""

    node: int
    two_funds_growth_pct: float | None
    revenue_growth_pct: float | None
    two_funds_outpacing_revenue: bool
    rd_intensity_pct: float | None
    rd_intensity_below_line: bool
    operating_cash_flow_ytd: Value | None
    operating_cash_flow_negative: bool


def check_rows(
    pm: PeriodMeasures, catalog: IndicatorCatalog, kids: list[int], codes: CheckCodes, rd_line_pct: float
) -> tuple[CheckRow, ...]:
    """Every check for each of ``kids`` (``pm``'s nodes, in order) from their YTD measures."""
    col = {c: pm.column(catalog.index[c]) for c in codes.all()}

    def now(c: str) -> FloatArray:
        return pm.ytd.number[:, col[c]]

    def before(c: str) -> FloatArray:
        return pm.ytd_last_year.number[:, col[c]]

    tf_flag, tf_growth, rev_growth = two_funds_outpacing_revenue(
        now(codes.receivables),
        before(codes.receivables),
        now(codes.inventory),
        before(codes.inventory),
        now(codes.revenue),
        before(codes.revenue),
    )
    rd_flag, intensity = rd_intensity_below(now(codes.rd_expense), now(codes.revenue), rd_line_pct)
    ocf = now(codes.operating_cash_flow)
    cash_flag = negative_operating_cash_flow(ocf)
    scale = int(catalog.scale[catalog.index[codes.operating_cash_flow]])
    ocf_scaled = pm.ytd.scaled[:, col[codes.operating_cash_flow]]
    return tuple(
        CheckRow(
            kid,
            opt(float(tf_growth[i])),
            opt(float(rev_growth[i])),
            bool(tf_flag[i]),
            opt(float(intensity[i])),
            bool(rd_flag[i]),
            Value(int(ocf_scaled[i]), scale, True, float(ocf[i])) if not np.isnan(ocf[i]) else None,
            bool(cash_flag[i]),
        )
        for i, kid in enumerate(kids)
    )
