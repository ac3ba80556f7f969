"""Figures and targets of the group's own indicators, only for the units that report them.

Launch services: launches are counted per month (more in the second half and at the year end),
their number following the unit's business; each brings a price set so that launch services
make their configured share of the unit's revenue, and never more than the month's revenue.
Energy: the output value runs ahead of revenue and is smoother (production evens out
deliveries); energy use is the output in 万元 times the unit's energy intensity, which falls a
little every year, with winter heating and summer cooling. Vectorised over leaves × months, in
exact integers, on a random stream of their own (the express report's figures stay as they are).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pacer.demo.calendar import MonthGrid
from pacer.demo.config import DemoConfig
from pacer.demo.figures import Figures
from pacer.demo.frame import FEN, WAN_FEN, Bools, Floats, Ints, yearly_sum
from pacer.demo.org import OrgTree
from pacer.demo.own_spec import OwnIndicators
from pacer.demo.records import DemoTarget, Tier
from pacer.demo.targets import flow_targets, rollup, year_context

# one launch: a whole launch, as the target quantum of the launch count
_QUANTA = {"launches": 1}


@dataclass(frozen=True)
class OwnFigures:
    """(L, M) scaled figures of each own reported indicator and which leaves report it."""

    values: dict[str, Ints]
    reports: dict[str, Bools]  # (L,) per indicator


def own_figures(
    config: DemoConfig, org: OrgTree, figures: Figures, grid: MonthGrid, rng: np.random.Generator
) -> OwnFigures:
    own = config.own
    if own is None:
        return OwnFigures({}, {})
    leaves = [org.units[int(leaf)] for leaf in org.leaves]
    reports = {spec.code: np.array(own.reporting(leaves, spec.code), dtype=bool) for spec in own.reported}
    params = {key: np.array([p[key] for p in org.profiles])[:, None] for key in _PARAMS}
    trend = np.exp(figures.log_trend) * figures.active
    revenue = figures.values["revenue"] / FEN
    values = {
        **_launches(config, grid, params, trend, revenue, rng),
        **_energy(config, grid, params, trend, revenue, rng),
    }
    masked = {
        code: np.where(figures.active & reports[code][:, None], values[code], 0).astype(np.int64)
        for code in reports
        if code in values
    }
    return OwnFigures(masked, {code: reports[code] for code in masked})


_PARAMS = ("launches_per_year", "launch_revenue_share", "output_ratio", "energy_intensity", "energy_saving")


def _profile(config: DemoConfig, grid: MonthGrid, name: str) -> Floats:
    profile = np.array(config.seasonality.profiles[name])
    shaped: Floats = (profile / profile.mean())[grid.months - 1][None, :]
    return shaped


def _launches(
    config: DemoConfig,
    grid: MonthGrid,
    params: dict[str, Floats],
    trend: Floats,
    revenue: Floats,
    rng: np.random.Generator,
) -> dict[str, Ints]:
    """Launches follow the unit's trend revenue, scaled to the configured count in the last
    full year; each is priced at the share of a year's revenue it stands for."""
    last = grid.of_year(grid.end[0] - 1)
    reference = np.maximum(trend[:, last].mean(axis=1, keepdims=True), 1.0)
    rate = params["launches_per_year"] / 12 * trend / reference * _profile(config, grid, "launches")
    launches = rng.poisson(np.maximum(rate, 0.0))
    price = params["launch_revenue_share"] * 12 * reference / np.maximum(params["launches_per_year"], 1e-9)
    noise = np.exp(0.08 * rng.standard_normal(trend.shape) - 0.0032)
    amount = np.minimum(launches * price * noise, 0.95 * np.maximum(revenue, 0.0))
    return {"launches": launches.astype(np.int64), "launch_service_revenue": np.rint(amount * FEN).astype(np.int64)}


def _energy(
    config: DemoConfig,
    grid: MonthGrid,
    params: dict[str, Floats],
    trend: Floats,
    revenue: Floats,
    rng: np.random.Generator,
) -> dict[str, Ints]:
    """Output value from revenue and its trend; energy from output at a falling intensity."""
    shape = trend.shape
    noise = np.exp(0.04 * rng.standard_normal(shape) - 0.0008)
    output = params["output_ratio"] * (0.6 * np.maximum(revenue, 0.0) + 0.4 * trend) * noise
    spread = np.exp(0.1 * rng.standard_normal((shape[0], 1)) - 0.005)  # unit-to-unit spread
    years = (grid.years - grid.start_year)[None, :]
    intensity = params["energy_intensity"] * spread * (1 - params["energy_saving"]) ** years
    wan = output / (WAN_FEN / FEN)
    energy = wan * intensity * _profile(config, grid, "energy") * np.exp(0.05 * rng.standard_normal(shape) - 0.00125)
    return {
        "output_value": np.rint(output * FEN).astype(np.int64),
        "energy_use": np.rint(energy * 100).astype(np.int64),
    }


def own_targets(
    config: DemoConfig, org: OrgTree, grid: MonthGrid, figures: Figures, own: OwnFigures, first_year: int
) -> list[DemoTarget]:
    """Ensure and strive targets of the own flows (rolled up, whole launches and 万元) and of the
    intensities (each node's last year less the configured cut)."""
    spec = config.own
    if spec is None:
        return []
    targets: list[DemoTarget] = []
    for code in spec.target_flows:
        if code not in own.values:
            continue
        theirs = replace(figures, values={code: own.values[code]}, active=figures.active & own.reports[code][:, None])
        targets += flow_targets(config, org, grid, theirs, first_year, code, _QUANTA.get(code))
    for code, cuts in spec.intensity_cuts.items():
        targets += _intensity_targets(spec, org, grid, figures, own, first_year, code, cuts)
    return targets


def _intensity_targets(
    spec: OwnIndicators,
    org: OrgTree,
    grid: MonthGrid,
    figures: Figures,
    own: OwnFigures,
    first_year: int,
    code: str,
    cuts: tuple[int, int],
) -> list[DemoTarget]:
    """energy / output × 10000 of each node's subtree last year, less the cut, at scale 4."""
    numerator, denominator = _ratio_terms(spec, code)
    if numerator not in own.values or denominator not in own.values:
        return []
    active = figures.active & own.reports[numerator][:, None]
    theirs = replace(figures, active=active)
    top = yearly_sum(own.values[numerator], grid).astype(np.float64) / 100  # tce
    bottom = yearly_sum(own.values[denominator], grid).astype(np.float64) / WAN_FEN  # 万元
    out: list[DemoTarget] = []
    tiers: tuple[tuple[Tier, int], ...] = (("ensure", cuts[0]), ("strive", cuts[1]))
    for year in range(first_year + 1, grid.end[0] + 1):
        context = year_context(org, grid, theirs, year)
        column = year - 1 - grid.start_year
        if column < 0:
            continue
        energy = rollup(np.where(context.present, top[:, column], 0.0), org, context)
        output = rollup(np.where(context.present, bottom[:, column], 0.0), org, context)
        for i in np.flatnonzero(output > 0):
            last = energy[i] / output[i]
            out += [
                DemoTarget(org.units[int(i)].code, code, year, tier, round(last * (1 - cut / 1e4) * 1e4), None, None)
                for tier, cut in tiers
            ]
    return out


def _ratio_terms(spec: OwnIndicators, code: str) -> tuple[str, str]:
    """The reported numerator and denominator of an intensity ``a / b * k``."""
    for item in spec.library.get("indicators") or ():
        if item.get("code") == code:
            formula = str(item["versions"][-1]["formula"])
            top, rest = formula.split("/", 1)
            return top.strip(), rest.split("*")[0].strip()
    raise KeyError(code)
