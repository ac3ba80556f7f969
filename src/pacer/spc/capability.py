"""Process capability and performance with confidence intervals, and the share out of specification.

Cp, Cpl, Cpu, Cpk and Cpm use sigma within subgroups (from the chart's estimator); Pp, Ppl, Ppu,
Ppk and Ppm the overall sample SD (n − 1). The intervals (level 1 − α, n = number of values) are
those of the R package qcc: Cp and Pp by the chi-square distribution with n − 1 degrees of
freedom; one-sided indices by the normal approximation with z = Φ⁻¹(1 − α); Cpk and Ppk with
z = Φ⁻¹(1 − α/2); Cpm and Ppm by the chi-square with n(1 + d²)/(1 + 2d²) degrees of freedom,
d = (centre − target)/sigma. The expected share out of specification is the normal tail with sigma
within; the observed share counts the values.

Sigma within may come from other values than the ones studied: in phase II (monitoring under
frozen limits) the C-indices take the centre of the phase II values and the sigma frozen from
phase I, whose ``n_within`` values then set the degrees of freedom of the intervals' sigma term
(Cp and Cpm by chi-square with ``n_within − 1``; in the normal approximation of Cpl, Cpu and Cpk
the centre's term keeps ``n`` and the sigma's term takes ``n_within``). P-indices always use the
studied values alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from scipy import stats

Interval = tuple[float, float, float]


@dataclass(frozen=True)
class Capability:
    n: int  # values studied: their centre, overall sigma and shares out of specification
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
    n_within: int = 0  # values sigma within was estimated from (n when it is theirs)


def _chi_interval(value: float, df: float, alpha: float) -> Interval:
    low = value * math.sqrt(stats.chi2.ppf(alpha / 2, df) / df)
    high = value * math.sqrt(stats.chi2.ppf(1 - alpha / 2, df) / df)
    return (value, low, high)


def _normal_interval(value: float, n: int, z: float, n_sigma: int | None = None) -> Interval:
    n_sigma = n if n_sigma is None else n_sigma
    half = z * math.sqrt(1.0 / (9.0 * n * value * value) + 1.0 / (2.0 * (n_sigma - 1)))
    return (value, value * (1.0 - half), value * (1.0 + half))


def _family(prefix: str, center: float, sigma: float, spec: tuple[float | None, float | None, float | None],
            n: tuple[int, int], alpha: float) -> dict[str, Interval | None]:  # fmt: skip
    """One family of indices; ``n`` is (values of the centre, values of the sigma)."""
    lsl, usl, target = spec
    n_mean, n_sigma = n
    one, two = stats.norm.ppf(1 - alpha), stats.norm.ppf(1 - alpha / 2)
    lower = (center - lsl) / (3 * sigma) if lsl is not None else None
    upper = (usl - center) / (3 * sigma) if usl is not None else None
    names = (prefix, f"{prefix}l", f"{prefix}u", f"{prefix}k", f"{prefix}m")
    out: dict[str, Interval | None] = dict.fromkeys(names)
    if lower is not None:
        out[f"{prefix}l"] = _normal_interval(lower, n_mean, one, n_sigma)
    if upper is not None:
        out[f"{prefix}u"] = _normal_interval(upper, n_mean, one, n_sigma)
    worst = min(v for v in (lower, upper) if v is not None)
    out[f"{prefix}k"] = _normal_interval(worst, n_mean, two, n_sigma)
    if lsl is not None and usl is not None:
        whole = (usl - lsl) / (6 * sigma)
        out[prefix] = _chi_interval(whole, n_sigma - 1, alpha)
        if target is not None:
            d = (center - target) / sigma
            df = n_sigma * (1 + d * d) / (1 + 2 * d * d)
            out[f"{prefix}m"] = _chi_interval(whole / math.sqrt(1 + d * d), df, alpha)
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
    n_within: int | None = None,
) -> Capability:
    """Indices for ``n`` values with mean ``center``; ``below``/``above`` count values out of spec;
    ``n_within`` is the number of values ``sigma_within`` was estimated from, when not these
    (phase I's, for phase II under frozen limits)."""
    if lsl is None and usl is None:
        raise ValueError("give at least one specification limit")
    if lsl is not None and usl is not None and lsl >= usl:
        raise ValueError(f"the lower specification limit {lsl} is not below the upper {usl}")
    n_within = n if n_within is None else n_within
    if n < 2 or n_within < 2 or not sigma_within > 0 or not sigma_overall > 0:
        raise ValueError("capability needs at least two values that vary")
    if not 0 < level < 1:
        raise ValueError(f"confidence level {level} must be between 0 and 1")
    if target is None and lsl is not None and usl is not None:
        target = (lsl + usl) / 2
    alpha = 1 - level
    spec = (lsl, usl, target)
    within = _family("Cp", center, sigma_within, spec, (n, n_within), alpha)
    indices = within | _family("Pp", center, sigma_overall, spec, (n, n), alpha)
    expected = (
        100 * float(stats.norm.cdf((lsl - center) / sigma_within)) if lsl is not None else None,
        100 * float(stats.norm.sf((usl - center) / sigma_within)) if usl is not None else None,
    )
    observed = (
        100 * below / n if lsl is not None and below is not None else None,
        100 * above / n if usl is not None and above is not None else None,
    )
    return Capability(
        n, center, sigma_within, sigma_overall, lsl, usl, target, level, indices, expected, observed, n_within
    )
