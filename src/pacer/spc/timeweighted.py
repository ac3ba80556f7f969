"""Time-weighted charts on subgroup means (or individuals): EWMA and the tabular CUSUM.

EWMA: z₀ = centre, zᵢ = λx̄ᵢ + (1 − λ)zᵢ₋₁, with the exact variance of zᵢ carried by its own
recursion (λ²σ²/nᵢ + (1 − λ)² Var zᵢ₋₁), which is λ/(2 − λ)(1 − (1 − λ)²ⁱ)σ²/n when sizes are
equal; a signal is a point outside centre ± L·sd(zᵢ).

CUSUM (standardised, two-sided): zᵢ = (x̄ᵢ − centre)/(σ/√nᵢ), C⁺ᵢ = max(0, C⁺ᵢ₋₁ + zᵢ − k),
C⁻ᵢ = max(0, C⁻ᵢ₋₁ − zᵢ − k), C₀ = 0; a signal is C > h (strictly). In data units K = k·σ/√n
and H = h·σ/√n.
"""

from __future__ import annotations

import numpy as np

from pacer.spc.constants import Constants
from pacer.spc.model import Chart, Panel, Standard, Subgroups, calibration_mask, full
from pacer.spc.variables import SigmaMethod, _standard


def _calibrate(
    g: Subgroups,
    phase1: tuple[int, int] | None,
    exclude: tuple[int, ...],
    sigma: SigmaMethod | None,
    standard: Standard | None,
    constants: Constants,
) -> tuple[Standard, np.ndarray, np.ndarray, str]:
    phase, excluded = calibration_mask(len(g), phase1, exclude)
    method: SigmaMethod = sigma or ("mr" if np.all(g.n == 1) else "rbar")
    std = standard or _standard(g, phase & ~excluded, method, constants)
    return std, phase, excluded, method


def ewma_chart(
    g: Subgroups,
    lam: float = 0.2,
    nsigmas: float = 3.0,
    *,
    phase1: tuple[int, int] | None = None,
    exclude: tuple[int, ...] = (),
    sigma: SigmaMethod | None = None,
    standard: Standard | None = None,
    constants: Constants = "exact",
) -> Chart:
    if not 0.0 < lam <= 1.0:
        raise ValueError(f"lambda {lam} must be in (0, 1]")
    std, phase, excluded, method = _calibrate(g, phase1, exclude, sigma, standard, constants)
    count = len(g)
    z, var = np.empty(count), np.empty(count)
    prev_z, prev_var = std.center, 0.0
    unit_var = std.sigma**2 / g.n
    for i in range(count):
        prev_z = lam * g.mean[i] + (1.0 - lam) * prev_z
        prev_var = lam * lam * unit_var[i] + (1.0 - lam) ** 2 * prev_var
        z[i], var[i] = prev_z, prev_var
    sd = np.sqrt(var)
    center = full(std.center, count)
    panel = Panel("ewma", z, center, center - nsigmas * sd, center + nsigmas * sd, sd).judge(())
    chart = Chart("ewma", std, [panel], phase, excluded, method)
    chart.extra.update(lam=lam, nsigmas=nsigmas, means=g.mean)
    return chart


def cusum_chart(
    g: Subgroups,
    k: float = 0.5,
    h: float = 5.0,
    *,
    phase1: tuple[int, int] | None = None,
    exclude: tuple[int, ...] = (),
    sigma: SigmaMethod | None = None,
    standard: Standard | None = None,
    constants: Constants = "exact",
) -> Chart:
    if k < 0 or h <= 0:
        raise ValueError("CUSUM needs k ≥ 0 and h > 0")
    std, phase, excluded, method = _calibrate(g, phase1, exclude, sigma, standard, constants)
    count = len(g)
    z = (g.mean - std.center) / (std.sigma / np.sqrt(g.n))
    upper, lower = np.empty(count), np.empty(count)
    hi = lo = 0.0
    for i in range(count):
        hi = max(0.0, hi + z[i] - k)
        lo = max(0.0, lo - z[i] - k)
        upper[i], lower[i] = hi, lo
    zero, limit = full(0.0, count), full(h, count)
    panels = [
        Panel("upper", upper, zero, full(-np.inf, count), limit, full(1.0, count)).judge(()),
        Panel("lower", -lower, zero, -limit, full(np.inf, count), full(1.0, count)).judge(()),
    ]
    chart = Chart("cusum", std, panels, phase, excluded, method)
    chart.extra.update(k=k, h=h, means=g.mean)
    return chart
