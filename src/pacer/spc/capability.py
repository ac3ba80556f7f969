"""Process capability and performance with confidence intervals, and the share out of specification.

Cp, Cpl, Cpu, Cpk and Cpm use sigma within subgroups (from the chart's estimator); Pp, Ppl, Ppu,
Ppk and Ppm the overall sample SD (n − 1). The intervals (level 1 − α, n = number of values) are
those of the R package qcc: Cp and Pp by the chi-square distribution with n − 1 degrees of
freedom; one-sided indices by the normal approximation with z = Φ⁻¹(1 − α); Cpk and Ppk with
z = Φ⁻¹(1 − α/2); Cpm and Ppm by the chi-square with n(1 + d²)/(1 + 2d²) degrees of freedom,
d = (centre − target)/sigma. The expected share out of specification is the normal tail with sigma
within; the observed share counts the values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from scipy import stats

Interval = tuple[float, float, float]


@dataclass(frozen=True)
class Capability:
    n: int
    center: float
    sigma_within: float
    sigma_overall: float
    lsl: float | None
    usl: float | None
    target: float | None
    level: float
    indices: dict[str, Interval | None] = field(default_factory=dict)
    expected_pct: tuple[float | None, float | None] = (None, None)
    observed_pct: tuple[float | None, float | None] = (None, None)


def _chi_interval(value: float, df: float, alpha: float) -> Interval:
    low = value * math.sqrt(stats.chi2.ppf(alpha / 2, df) / df)
    high = value * math.sqrt(stats.chi2.ppf(1 - alpha / 2, df) / df)
    return (value, low, high)


def _normal_interval(value: float, n: int, z: float) -> Interval:
    half = z * math.sqrt(1.0 / (9.0 * n * value * value) + 1.0 / (2.0 * (n - 1)))
    return (value, value * (1.0 - half), value * (1.0 + half))


def _family(prefix: str, center: float, sigma: float, spec: tuple[float | None, float | None, float | None],
            n: int, alpha: float) -> dict[str, Interval | None]:  # fmt: skip
    lsl, usl, target = spec
    one, two = stats.norm.ppf(1 - alpha), stats.norm.ppf(1 - alpha / 2)
    lower = (center - lsl) / (3 * sigma) if lsl is not None else None
    upper = (usl - center) / (3 * sigma) if usl is not None else None
    names = (prefix, f"{prefix}l", f"{prefix}u", f"{prefix}k", f"{prefix}m")
    out: dict[str, Interval | None] = dict.fromkeys(names)
    if lower is not None:
        out[f"{prefix}l"] = _normal_interval(lower, n, one)
    if upper is not None:
        out[f"{prefix}u"] = _normal_interval(upper, n, one)
    worst = min(v for v in (lower, upper) if v is not None)
    out[f"{prefix}k"] = _normal_interval(worst, n, two)
    if lsl is not None and usl is not None:
        whole = (usl - lsl) / (6 * sigma)
        out[prefix] = _chi_interval(whole, n - 1, alpha)
        if target is not None:
            d = (center - target) / sigma
            out[f"{prefix}m"] = _chi_interval(whole / math.sqrt(1 + d * d), n * (1 + d * d) / (1 + 2 * d * d), alpha)
    return out


def capability(
    *,
    n: int,
    center: float,
    sigma_within: float,
    sigma_overall: float,
    lsl: float | None,
    usl: float | None,
    target: float | None = None,
    below: int | None = None,
    above: int | None = None,
    level: float = 0.95,
) -> Capability:
    """Indices for ``n`` values with mean ``center``; ``below``/``above`` count values out of spec."""
    if lsl is None and usl is None:
        raise ValueError("give at least one specification limit")
    if lsl is not None and usl is not None and lsl >= usl:
        raise ValueError(f"the lower specification limit {lsl} is not below the upper {usl}")
    if n < 2 or not sigma_within > 0 or not sigma_overall > 0:
        raise ValueError("capability needs at least two values that vary")
    if not 0 < level < 1:
        raise ValueError(f"confidence level {level} must be between 0 and 1")
    if target is None and lsl is not None and usl is not None:
        target = (lsl + usl) / 2
    alpha = 1 - level
    spec = (lsl, usl, target)
    indices = _family("Cp", center, sigma_within, spec, n, alpha) | _family("Pp", center, sigma_overall, spec, n, alpha)
    expected = (
        100 * float(stats.norm.cdf((lsl - center) / sigma_within)) if lsl is not None else None,
        100 * float(stats.norm.sf((usl - center) / sigma_within)) if usl is not None else None,
    )
    observed = (
        100 * below / n if lsl is not None and below is not None else None,
        100 * above / n if usl is not None and above is not None else None,
    )
    return Capability(n, center, sigma_within, sigma_overall, lsl, usl, target, level, indices, expected, observed)
