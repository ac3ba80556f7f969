"""Charts for measured characteristics: X̄-R, X̄-S and individuals with moving ranges (I-MR).

Sigma within subgroups is estimated on the calibration points by one of five estimators:
``rbar`` mean of Rᵢ/d2(nᵢ); ``sbar`` mean of Sᵢ/c4(nᵢ); ``pooled`` the pooled SD over c4 of its
degrees of freedom + 1 (Minitab's default); ``mr`` mean moving range over d2(2) (individuals);
``sd`` the overall sample SD over c4(N). With unequal subgroup sizes the R and S centre lines move
with each nᵢ (``center_line="per-n"``, Montgomery and Minitab) or stay at the size-weighted mean
(``"constant"``, qcc).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from pacer.spc.constants import Constants, c4, table
from pacer.spc.model import Chart, Panel, Standard, Subgroups, calibration_mask, full
from pacer.spc.rules import Rule

SigmaMethod = Literal["rbar", "sbar", "pooled", "mr", "sd"]
CenterLine = Literal["per-n", "constant"]
SIGMA_METHODS = ("rbar", "sbar", "pooled", "mr", "sd")


def _moving_ranges(mean: np.ndarray) -> np.ndarray:
    return np.abs(np.diff(mean, prepend=np.nan))


def overall_sd(g: Subgroups, use: np.ndarray) -> tuple[float, int]:
    """Sample SD (n − 1) of every value in the used subgroups, from their statistics."""
    n, mean, sd = g.n[use], g.mean[use], np.nan_to_num(g.sd[use])
    total = int(n.sum())
    grand = float(np.sum(n * mean) / total)
    ss = float(np.sum((n - 1) * sd * sd) + np.sum(n * (mean - grand) ** 2))
    return (ss / (total - 1)) ** 0.5 if total > 1 else float("nan"), total


def sigma_within(g: Subgroups, use: np.ndarray, method: SigmaMethod, constants: Constants = "exact") -> float:
    """Estimate the process sigma from the calibration points ``use`` (boolean per subgroup)."""
    if method == "mr":
        pairs = use & np.roll(use, 1)
        pairs[0] = False
        mr = _moving_ranges(g.mean)[pairs]
        if mr.size == 0:
            raise ValueError("the moving-range sigma needs two consecutive calibration points")
        return float(np.mean(mr) / table(np.array([2]), "d2", constants)[0])
    if method == "sd":
        sd, total = overall_sd(g, use)
        if total < 2:
            raise ValueError("the overall SD needs at least two values")
        return sd / c4(total)
    n = g.n[use]
    if np.any(n < 2):
        raise ValueError(f"sigma by {method} needs subgroups of at least 2 values")
    if method == "rbar":
        return float(np.mean(g.range[use] / table(n, "d2", constants)))
    if method == "sbar":
        return float(np.mean(g.sd[use] / table(n, "c4")))
    if method == "pooled":
        df = int(np.sum(n - 1))
        return float(np.sqrt(np.sum((n - 1) * g.sd[use] ** 2) / df) / c4(df + 1))
    raise ValueError(f"unknown sigma method {method!r}: use one of {', '.join(SIGMA_METHODS)}")


def _standard(g: Subgroups, use: np.ndarray, method: SigmaMethod, constants: Constants) -> Standard:
    center = float(np.sum(g.n[use] * g.mean[use]) / np.sum(g.n[use]))
    return Standard(center=center, sigma=sigma_within(g, use, method, constants))


def _shewhart(name: str, stat: np.ndarray, center: np.ndarray, sigma: np.ndarray, nsig: float, floor: bool) -> Panel:
    lcl = center - nsig * sigma
    return Panel(name, stat, center, np.maximum(lcl, 0.0) if floor else lcl, center + nsig * sigma, sigma)


def _spread_panel(
    kind: str, g: Subgroups, use: np.ndarray, std: Standard, line: CenterLine, nsig: float, constants: Constants
) -> Panel:
    if kind == "R":
        stat, factor, spread = g.range, table(g.n, "d2", constants), table(g.n, "d3", constants)
    else:
        cc4 = table(g.n, "c4")
        stat, factor, spread = g.sd, cc4, np.sqrt(1.0 - cc4 * cc4)
    center = factor * std.sigma
    if line == "constant":
        center = full(np.sum(g.n[use] * stat[use]) / np.sum(g.n[use]), len(g))
    return _shewhart(kind, stat, center, spread * std.sigma, nsig, floor=True)


def xbar_chart(
    g: Subgroups,
    spread: Literal["R", "S"] = "R",
    *,
    phase1: tuple[int, int] | None = None,
    exclude: tuple[int, ...] = (),
    sigma: SigmaMethod | None = None,
    standard: Standard | None = None,
    rules: tuple[Rule, ...] = (),
    nsigmas: float = 3.0,
    constants: Constants = "exact",
    center_line: CenterLine = "per-n",
) -> Chart:
    """X̄ chart with its R (``spread="R"``) or S panel; limits per point when sizes vary."""
    if np.any(g.n < 2):
        raise ValueError(f"subgroup {int(np.flatnonzero(g.n < 2)[0]) + 1} has fewer than 2 values")
    method: SigmaMethod = sigma or ("rbar" if spread == "R" else "sbar")
    phase, excluded = calibration_mask(len(g), phase1, exclude)
    use = phase & ~excluded
    std = standard or _standard(g, use, method, constants)
    root = np.sqrt(g.n)
    xbar = _shewhart("xbar", g.mean, full(std.center, len(g)), std.sigma / root, nsigmas, floor=False)
    second = _spread_panel(spread, g, use, std, center_line, nsigmas, constants)
    panels = [p.judge(rules) for p in (xbar, second)]
    return Chart(f"xbar-{spread.lower()}", std, panels, phase, excluded, method)


def imr_chart(
    values: np.ndarray,
    *,
    phase1: tuple[int, int] | None = None,
    exclude: tuple[int, ...] = (),
    sigma: SigmaMethod = "mr",
    standard: Standard | None = None,
    rules: tuple[Rule, ...] = (),
    nsigmas: float = 3.0,
    constants: Constants = "exact",
) -> Chart:
    """Individuals chart and moving-range chart (MR of consecutive points)."""
    if sigma not in ("mr", "sd"):
        raise ValueError("the individuals chart estimates sigma by mr or sd")
    g = Subgroups.individuals(values)
    phase, excluded = calibration_mask(len(g), phase1, exclude)
    use = phase & ~excluded
    std = standard or _standard(g, use, sigma, constants)
    count = len(g)
    ind = _shewhart("I", g.mean, full(std.center, count), full(std.sigma, count), nsigmas, floor=False)
    d2_2, d3_2 = table(np.array([2]), "d2", constants)[0], table(np.array([2]), "d3", constants)[0]
    mr = _shewhart("MR", _moving_ranges(g.mean), full(d2_2 * std.sigma, count), full(d3_2 * std.sigma, count),
                   nsigmas, floor=True)  # fmt: skip
    panels = [p.judge(rules) for p in (ind, mr)]
    return Chart("imr", std, panels, phase, excluded, sigma)
