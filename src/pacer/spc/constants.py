"""Control-chart constants computed from their definitions, not read from a rounded table.

``d2(n)`` is the mean range of ``n`` independent standard normal values, ``d3(n)`` its standard
deviation and ``c4(n)`` the mean of the sample standard deviation over ``sigma``. The first two are
integrals over the real line, evaluated by the trapezoidal rule on a fine grid: for smooth
integrands that vanish at both ends faster than any power the rule converges geometrically, so the
values hold to about 1e-12. ``c4`` is a ratio of gamma functions. Every other factor (A2, A3, B3…B6,
D1…D4, E2) is derived from these three.

``QCC_D2``/``QCC_D3`` are the rounded tables of the R package qcc, offered as an option so that
results can be reproduced against that tool; the exact values are the default.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import pairwise
from typing import Literal

import numpy as np
from scipy import special

Constants = Literal["exact", "qcc"]

_STEP = 1.0 / 8
_X = np.arange(-12.0, 12.0 + _STEP / 2, _STEP)
_PHI = special.ndtr(_X)
_TAIL = special.ndtr(-_X)
_DENSITY = np.exp(-0.5 * _X * _X) / math.sqrt(2 * math.pi)

QCC_D2 = (1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078, 3.173, 3.258, 3.336, 3.407,
          3.472, 3.532, 3.588, 3.640, 3.689, 3.735, 3.778, 3.819, 3.858, 3.895, 3.931)  # fmt: skip
QCC_D3 = (0.8525033, 0.8883697, 0.8798108, 0.8640855, 0.8480442, 0.8332108, 0.8198378, 0.8078413,
          0.7970584, 0.7873230, 0.7784873, 0.7704257, 0.7630330, 0.7562217, 0.7499188, 0.7440627,
          0.7386021, 0.7334929, 0.7286980, 0.7241851, 0.7199267, 0.7158987, 0.7120802, 0.7084528)  # fmt: skip


def _check(n: int) -> None:
    if n < 2:
        raise ValueError(f"subgroup size {n}: the constants need at least 2 values")


@lru_cache(maxsize=256)
def d2(n: int) -> float:
    """E[range of n iid N(0,1)] = ∫ 1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ dx."""
    _check(n)
    integrand = 1.0 - _PHI**n - _TAIL**n
    return float(np.sum(integrand) * _STEP)


def _range_survival(n: int, w: np.ndarray) -> np.ndarray:
    """P(range > w) = 1 − n ∫ φ(x) (Φ(x + w) − Φ(x))ⁿ⁻¹ dx, for each w (columns)."""
    upper = special.ndtr(_X[:, None] + w[None, :])
    inside = np.clip(upper - _PHI[:, None], 0.0, 1.0) ** (n - 1)
    return np.asarray(1.0 - n * (_DENSITY @ inside) * _STEP)


@lru_cache(maxsize=256)
def d3(n: int) -> float:
    """Standard deviation of that range: E[W²] = 2 ∫₀^∞ w P(W > w) dw, minus d2²."""
    _check(n)
    nodes, weights = np.polynomial.legendre.leggauss(16)
    total = 0.0
    for a, b in pairwise(float(e) for e in range(15)):
        w = 0.5 * (b - a) * nodes + 0.5 * (a + b)
        total += 0.5 * (b - a) * float(np.sum(weights * w * _range_survival(n, w)))
    return math.sqrt(2.0 * total - d2(n) ** 2)


@lru_cache(maxsize=4096)
def c4(n: int) -> float:
    """E[s]/sigma for a sample of n: sqrt(2/(n−1)) Γ(n/2)/Γ((n−1)/2)."""
    _check(n)
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


def d2_of(n: int, constants: Constants = "exact") -> float:
    """d2 for the chosen convention (qcc's table holds n = 2..25)."""
    if constants == "qcc" and 2 <= n <= 25:
        return QCC_D2[n - 2]
    return d2(n)


def d3_of(n: int, constants: Constants = "exact") -> float:
    if constants == "qcc" and 2 <= n <= 25:
        return QCC_D3[n - 2]
    return d3(n)


def factors(n: int, constants: Constants = "exact") -> dict[str, float]:
    """Every tabulated factor for subgroup size n, derived from d2, d3 and c4."""
    dd2, dd3, cc4 = d2_of(n, constants), d3_of(n, constants), c4(n)
    root = math.sqrt(n)
    spread = math.sqrt(1.0 - cc4 * cc4)
    return {
        "d2": dd2, "d3": dd3, "c4": cc4,
        "A": 3.0 / root, "A2": 3.0 / (dd2 * root), "A3": 3.0 / (cc4 * root),
        "B3": max(0.0, 1.0 - 3.0 * spread / cc4), "B4": 1.0 + 3.0 * spread / cc4,
        "B5": max(0.0, cc4 - 3.0 * spread), "B6": cc4 + 3.0 * spread,
        "D1": max(0.0, dd2 - 3.0 * dd3), "D2": dd2 + 3.0 * dd3,
        "D3": max(0.0, 1.0 - 3.0 * dd3 / dd2), "D4": 1.0 + 3.0 * dd3 / dd2,
        "E2": 3.0 / dd2,
    }  # fmt: skip


def table(sizes: np.ndarray, name: Literal["d2", "d3", "c4"], constants: Constants = "exact") -> np.ndarray:
    """One constant for each entry of an integer array of subgroup sizes (NaN where n < 2), by a
    lookup table indexed by size, so the cost is linear in the number of entries."""
    sizes = np.asarray(sizes, dtype=np.int64)
    if sizes.size == 0:
        return np.empty(sizes.shape)
    largest = int(sizes.max())
    lookup = np.full(largest + 1, np.nan)
    for n in np.flatnonzero(np.bincount(np.clip(sizes, 0, None), minlength=largest + 1)):
        if n >= 2:
            lookup[n] = (
                d2_of(int(n), constants) if name == "d2" else d3_of(int(n), constants) if name == "d3" else c4(int(n))
            )
    return np.asarray(lookup[np.clip(sizes, 0, None)])
