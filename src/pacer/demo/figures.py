"""Monthly figures of the reporting units, vectorised over units × months.

Every indicator is an (L, M) array of leaves × months, computed as floats in yuan and rounded to
scaled integers once; identities (assets = liabilities + equity, net < total profit, civil <=
revenue, passed <= inspected) are then formed on the integers so they hold exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pacer.demo.calendar import MonthGrid, festival_factor, monthly_profile, shock_factor
from pacer.demo.calibrate import follow_macro, pin_margins, revenue_scale
from pacer.demo.config import DemoConfig
from pacer.demo.frame import (
    FEN,
    WAN_FEN,
    YI,
    Bools,
    Floats,
    Frame,
    Ints,
    fen,
    lognormal,
    yearly_sum,
)
from pacer.demo.org import OrgTree


@dataclass(frozen=True)
class Figures:
    """Scaled integer figures of every leaf and month (zero where a leaf does not report)."""

    values: dict[str, Ints]
    active: Bools
    log_trend: Floats  # log of each leaf's deseasonalised monthly revenue, yuan
    season: Floats  # each leaf's monthly revenue factor: profile, festival, shocks


def leaf_params(config: DemoConfig, org: OrgTree, rng: np.random.Generator) -> dict[str, Floats]:
    """Model parameters per leaf: profile values with unit-to-unit spread."""
    count = len(org.profiles)
    params: dict[str, Floats] = {}
    for key in config.defaults:
        values = np.array([profile[key] for profile in org.profiles])
        if key in config.jitter_add:
            values = values + config.jitter_add[key] * rng.standard_normal(count)
        if key in config.jitter_mul:
            sigma = config.jitter_mul[key]
            values = values * np.exp(sigma * rng.standard_normal(count) - sigma * sigma / 2)
        params[key] = values
    params["civil_share"] = np.clip(params["civil_share"], 0.0, 1.0)
    params["first_pass"] = np.clip(params["first_pass"], 0.5, 0.995)
    params["debt_ratio"] = np.clip(params["debt_ratio"], 0.2, 0.85)
    return params


def active_mask(org: OrgTree, grid: MonthGrid) -> Bools:
    """Whether each leaf reports in each month: created by the month's end, not dissolved
    before its start."""
    starts, ends = np.array(grid.month_starts()), np.array(grid.month_ends())
    mask = np.ones((len(org.leaves), grid.size), dtype=bool)
    for row, leaf in enumerate(org.leaves):
        unit = org.units[int(leaf)]
        if unit.created_on is not None:
            mask[row] &= ends >= unit.created_on
        if unit.dissolved_on is not None:
            mask[row] &= starts <= unit.dissolved_on
    return mask


def generate_figures(config: DemoConfig, org: OrgTree, grid: MonthGrid, rng: np.random.Generator) -> Figures:
    params = leaf_params(config, org, rng)
    codes = tuple(org.units[int(leaf)].code for leaf in org.leaves)
    frame = Frame(config, grid, active_mask(org, grid), params, rng, codes)
    growth = _growth(frame)
    log_trend = np.log(org.share)[:, None] + np.cumsum(np.log1p(frame.by_month(growth)) / 12, 1)
    season, shock = _season(frame), shock_factor(grid, config)[None, :]
    log_trend = follow_macro(frame, log_trend, season)
    revenue = np.exp(log_trend) * season * shock * frame.lognoise("revenue") * frame.active
    scale = revenue_scale(frame, revenue)
    revenue *= scale
    log_trend += np.log(scale)
    trend = np.exp(log_trend)
    values = _income(frame, revenue, trend)
    values.update(_operations(frame, revenue, trend, growth))
    values.update(_balances(frame, trend, values["net_profit"]))
    masked = {code: np.where(frame.active, array, 0) for code, array in values.items()}
    return Figures(masked, frame.active, log_trend, season * shock)


def _growth(frame: Frame) -> Floats:
    """Yearly revenue growth per leaf: the macro path, the unit's own pace and a yearly shock."""
    years = np.array(list(frame.grid.year_range))
    macro = np.array([frame.config.macro(int(y)) for y in years])
    shock = frame.config.noise["unit_year_growth"] * frame.rng.standard_normal((frame.shape[0], years.size))
    return macro[None, :] + frame.col("growth") + shock


def _season(frame: Frame) -> Floats:
    """Revenue seasonality per leaf: the profile at the unit's strength and the festival."""
    profile = monthly_profile(frame.grid, frame.config, "revenue", normalise=True)
    festival = festival_factor(frame.grid, frame.config)
    return (1.0 + frame.col("seasonality") * (profile[None, :] - 1.0)) * festival[None, :]


def _margins(frame: Frame) -> Floats:
    """Profit margin per leaf and year; story paths count years from the last full year."""
    years = list(frame.grid.year_range)
    margin = np.repeat(frame.params["margin"][:, None], len(years), axis=1)
    anchor = frame.grid.end[0] - 1
    for code, path in frame.config.story.margin_paths.items():
        row = frame.row(code)
        if row is None:
            continue
        offsets = sorted(path)
        for column, year in enumerate(years):
            known = [o for o in offsets if o <= year - anchor] or offsets[:1]
            margin[row, column] = path[known[-1]]
    return margin


def _profit(frame: Frame, revenue: Floats, trend: Floats) -> Floats:
    """Total profit: margin on revenue, fixed costs that make thin months thinner, noise."""
    leverage, running = frame.col("leverage"), trend * frame.active
    noise = frame.config.noise["profit"] * frame.rng.standard_normal(frame.shape)
    profit = (frame.by_month(_margins(frame)) + leverage) * revenue - leverage * running
    return pin_margins(frame, profit + noise * running, revenue)


def _income(frame: Frame, revenue: Floats, trend: Floats) -> dict[str, Ints]:
    """The income statement: operating cost is what revenue leaves after profit and expenses."""
    income = fen(revenue)
    profit = fen(_profit(frame, revenue, trend))
    rd = fen(frame.col("rd_intensity") * (0.5 * trend * frame.active + 0.5 * revenue) * frame.lognoise("rd_expense"))
    expenses = fen(frame.col("expense_ratio") * revenue)
    tax = np.where(profit > 0, np.ceil(profit * frame.col("tax_rate")), 0).astype(np.int64)
    civil_share = np.clip(frame.col("civil_share") * frame.lognoise("civil_share"), 0.0, 1.0)
    return {
        "revenue": income,
        "operating_cost": np.maximum(income - profit - rd - expenses, 0),
        "total_profit": profit,
        "net_profit": profit - tax,
        "rd_expense": rd,
        "value_added": fen(frame.col("value_added") * revenue * frame.lognoise("value_added")),
        "civil_revenue": np.floor(income * civil_share).astype(np.int64),
    }


def _operations(frame: Frame, revenue: Floats, trend: Floats, growth: Floats) -> dict[str, Ints]:
    """Cash, investment, quality and people."""
    ratio = frame.col("collection") * frame.profile("cash_from_sales")
    cash = fen(revenue * np.clip(ratio * frame.lognoise("cash_from_sales"), 0.6, 1.5))
    # Some payments follow the year's collections evenly (wages, bonuses paid in
    # January, settlements), the rest the month's business: early months run negative.
    months = np.maximum(yearly_sum(frame.active.astype(np.int64), frame.grid), 1)
    steady = frame.by_month(yearly_sum(cash, frame.grid) / months / FEN)
    steady = steady * frame.profile("payments", normalise=True)
    payments = fen(
        (1 - frame.col("ocf_margin")) * (0.2 * steady + 0.8 * cash / FEN) * frame.lognoise("payments") * frame.active
    )
    return {
        "operating_cash_flow": cash - payments,
        "cash_from_sales": cash,
        **_investment(frame, trend, growth),
        **_quality(frame, revenue, trend),
        "headcount": _headcount(frame, trend),
    }


def _investment(frame: Frame, trend: Floats, growth: Floats) -> dict[str, Ints]:
    """The year's plan in whole 万元, fixed in January; spending comes late in the year."""
    grid, shape = frame.grid, growth.shape
    january = trend[:, [grid.index(y, 1) for y in grid.year_range]]
    noise = lognormal(frame, frame.config.noise["investment_plan"], shape)
    plan = frame.col("investment") * 12 * january * (1 + growth / 2) * noise
    plan_fen = np.rint(plan * FEN / WAN_FEN).astype(np.int64) * WAN_FEN
    completion = frame.col("investment_completion") * lognormal(frame, 0.06, shape)
    spend = frame.by_month(plan_fen / FEN * completion) / 12
    spend *= frame.profile("investment", normalise=True) * frame.lognoise("investment")
    return {"investment_actual": fen(spend), "investment_plan": frame.by_month(plan_fen)}


def _quality(frame: Frame, revenue: Floats, trend: Floats) -> dict[str, Ints]:
    """Lots inspected follow the month's output; problems follow size and become rarer (drawn so
    that the figures drawn after them stay as they were: the loader sets them to the problem
    register's counts, :mod:`pacer.demo.quality_figures`)."""
    rng, age = frame.rng, (frame.grid.years - frame.grid.start_year)[None, :]
    lots = rng.poisson(frame.col("lots_per_100m") * revenue / YI)
    pass_rate = np.clip(frame.col("first_pass") * frame.lognoise("first_pass"), 0.5, 0.999)
    decline = (1 - frame.col("problems_decline")) ** age
    problems = frame.col("problems_per_100m") * trend * frame.active / YI * decline
    found = rng.poisson(problems).astype(np.int64)
    closed, still_open = _zeroing(found, frame.active)
    return {
        "quality_problems": found,
        "quality_problems_closed": closed,
        "inspected_lots": lots.astype(np.int64),
        "passed_first_time_lots": rng.binomial(lots, pass_rate).astype(np.int64),
        "quality_problems_open": still_open,
        **_throughput(frame, lots),
    }


UNITS_PER_LOT, STEPS = 12, 5  # units of product in a lot; process steps of a product's route


def _throughput(frame: Frame, lots: Ints) -> dict[str, Ints]:
    """Units started and those through every process step the first time: each step lets a
    unit through at about the unit's first-pass rate, so the rolled yield is near its power.
    Drawn from a generator of their own, so the figures drawn before stay as they were."""
    rng = np.random.default_rng(np.asarray(lots, dtype=np.int64).ravel() + 1)
    started = rng.poisson(lots * UNITS_PER_LOT).astype(np.int64)
    through = started
    for _ in range(STEPS):
        escape = (1 - frame.col("first_pass")) * rng.lognormal(-0.045, 0.3, started.shape)
        through = rng.binomial(through, np.clip(1 - escape, 0.5, 1.0)).astype(np.int64)
    return {"rty_units_started": started, "rty_units_through": through * 100}  # two decimals


def _zeroing(found: Ints, active: np.ndarray, share: float = 0.4) -> tuple[Ints, Ints]:
    """Problems closed each month (about ``share`` of those open) and open at its end. Drawn
    from a generator seeded by the problems found, so the figures drawn before stay as they were."""
    rng = np.random.default_rng(found.ravel())
    closed, still_open = np.zeros_like(found), np.zeros_like(found)
    carried = np.zeros(found.shape[0], dtype=np.int64)
    for t in range(found.shape[1]):
        due = carried + found[:, t]
        closed[:, t] = rng.binomial(due, share)
        carried = np.where(active[:, t], due - closed[:, t], 0)
        still_open[:, t] = carried
    return closed, still_open


def _headcount(frame: Frame, trend: Floats) -> Ints:
    """People needed for the trend revenue at a productivity that rises every year."""
    elapsed = np.arange(frame.grid.size)[None, :] / 12
    growth = (1 + frame.col("productivity_growth")) ** elapsed
    productivity = frame.col("productivity") * 1e4 * growth
    heads = 12 * trend / productivity * frame.profile("headcount")
    counted: Ints = np.maximum(np.rint(heads), 1).astype(np.int64)
    return counted


def _two_funds_factor(frame: Frame) -> Floats:
    """Extra growth of receivables and inventory for the story's units."""
    factor = np.ones(frame.shape)
    anchor = frame.grid.end[0] - 1
    for code, (extra, offset) in frame.config.story.two_funds.items():
        row = frame.row(code)
        if row is not None:
            start = frame.grid.index(anchor + offset, 1)
            elapsed = np.maximum(np.arange(frame.grid.size) - start + 1, 0)
            factor[row] = (1 + extra) ** (elapsed / 12)
    return factor


def _balances(frame: Frame, trend: Floats, net_profit: Ints) -> dict[str, Ints]:
    """Balance sheet on integers: liabilities are what assets need beyond equity."""
    annual, funds = 12 * trend, _two_funds_factor(frame)
    receivables = fen(
        annual * frame.col("ar_ratio") * funds * frame.profile("accounts_receivable") * frame.lognoise("balance")
    )
    inventory = fen(
        annual * frame.col("inventory_ratio") * funds * frame.profile("inventory") * frame.lognoise("balance")
    )
    other = fen(annual * frame.col("other_assets_ratio") * frame.lognoise("balance"))
    assets = other + receivables + inventory
    equity = _equity(frame, assets, net_profit, trend)
    liabilities = np.maximum(assets - equity, np.rint(0.2 * assets).astype(np.int64))
    return {
        "total_assets": liabilities + equity,
        "total_liabilities": liabilities,
        "owners_equity": equity,
        "accounts_receivable": receivables,
        "inventory": inventory,
    }


def _equity(frame: Frame, assets: Ints, net_profit: Ints, trend: Floats) -> Ints:
    """Opening equity plus net profit, July dividends and small other movements.

    A unit whose losses would eat most of its equity gets that capital up front, so equity
    stays above 15 % of assets.
    """
    grid, active = frame.grid, frame.active
    first = np.argmax(active, axis=1)
    opening = np.rint(assets[np.arange(active.shape[0]), first] * (1 - frame.params["debt_ratio"]))
    yearly = yearly_sum(net_profit * active, grid)
    dividends = np.zeros(frame.shape, dtype=np.int64)
    for column, year in enumerate(grid.year_range):
        july = grid.index(year, 7)
        if column > 0 and july < grid.size:
            payout = frame.params["payout"] * np.maximum(yearly[:, column - 1], 0)
            dividends[:, july] = -np.rint(payout).astype(np.int64)
    noise = frame.config.noise["other_equity"] * frame.rng.standard_normal(frame.shape)
    other = fen(noise * 12 * trend)
    movements = np.where(active, net_profit + dividends + other, 0)
    equity = opening.astype(np.int64)[:, None] + np.cumsum(movements, axis=1)
    short = np.where(active, np.rint(0.15 * assets).astype(np.int64) - equity, 0).max(axis=1)
    topped: Ints = equity + np.maximum(short, 0)[:, None]
    return topped
