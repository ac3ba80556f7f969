"""Charts for counted characteristics: p (fraction nonconforming), np (number nonconforming),
c (nonconformities per sample) and u (nonconformities per unit, sizes may vary and be fractional).

Limits are centre ± k·sigma of the statistic at each point's own size; lower limits are floored at
0 and the p chart's upper limit capped at 1 (np's at n). The standard frozen by phase I is the
mean rate (p̄, c̄ or ū) with its sigma for one unit.
"""

from __future__ import annotations

import numpy as np

from pacer.spc.model import Chart, Panel, Standard, calibration_mask, full
from pacer.spc.rules import Rule

ATTRIBUTE_CHARTS = ("p", "np", "c", "u")


def _check(counts: np.ndarray, sizes: np.ndarray, kind: str) -> None:
    if counts.shape != sizes.shape:
        raise ValueError("counts and sizes differ in length")
    if np.any(np.isnan(counts)) or np.any(counts < 0):
        raise ValueError(f"point {int(np.flatnonzero(np.isnan(counts) | (counts < 0))[0]) + 1}: a count must be ≥ 0")
    if np.any(~(sizes > 0)):
        raise ValueError(f"point {int(np.flatnonzero(~(sizes > 0))[0]) + 1}: the size must be > 0")
    if kind in ("p", "np") and np.any(counts > sizes):
        raise ValueError(f"point {int(np.flatnonzero(counts > sizes)[0]) + 1}: more nonconforming than inspected")


def attribute_chart(
    kind: str,
    counts: np.ndarray,
    sizes: np.ndarray | None = None,
    *,
    phase1: tuple[int, int] | None = None,
    exclude: tuple[int, ...] = (),
    standard: Standard | None = None,
    rules: tuple[Rule, ...] = (),
    nsigmas: float = 3.0,
) -> Chart:
    """A p, np, c or u chart of ``counts`` out of ``sizes`` (units inspected; 1 when omitted)."""
    if kind not in ATTRIBUTE_CHARTS:
        raise ValueError(f"unknown attribute chart {kind!r}")
    counts = np.asarray(counts, dtype=float)
    sizes = np.ones_like(counts) if sizes is None else np.asarray(sizes, dtype=float)
    _check(counts, sizes, kind)
    phase, excluded = calibration_mask(counts.size, phase1, exclude)
    use = phase & ~excluded
    if standard is None:
        rate = float(counts[use].sum() / (sizes[use].sum() if kind != "c" else use.sum()))
        unit = np.sqrt(rate * (1.0 - rate)) if kind in ("p", "np") else np.sqrt(rate)
        standard = Standard(center=rate, sigma=float(unit))
    rate, unit = standard.center, standard.sigma
    if kind == "p":
        stat, center, sigma, cap = counts / sizes, full(rate, counts.size), unit / np.sqrt(sizes), np.ones_like(sizes)
    elif kind == "np":
        stat, center, sigma, cap = counts, rate * sizes, unit * np.sqrt(sizes), sizes
    elif kind == "c":
        stat, center, sigma, cap = counts, full(rate, counts.size), full(unit, counts.size), full(np.inf, counts.size)
    else:
        stat, center, sigma, cap = (
            counts / sizes,
            full(rate, counts.size),
            unit / np.sqrt(sizes),
            full(np.inf, counts.size),
        )
    lcl = np.maximum(center - nsigmas * sigma, 0.0)
    ucl = np.minimum(center + nsigmas * sigma, cap)
    panel = Panel(kind, stat, center, lcl, ucl, sigma).judge(rules)
    return Chart(kind, standard, [panel], phase, excluded, "binomial" if kind in ("p", "np") else "poisson")
