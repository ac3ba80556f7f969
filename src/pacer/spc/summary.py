"""Two small analyses that go with control charts: the operating characteristic (and average run
length) of a Shewhart X̄ chart, and the Pareto table of causes.

OC: the chance β that a point stays within ±L sigma limits after the mean shifts by δ process
sigmas, β = Φ(L − δ√n) − Φ(−L − δ√n); ARL = 1/(1 − β).

Pareto: causes by count, descending (ties keep their input order), with cumulative counts and
percentages; the vital few are the shortest head whose cumulative share reaches the cut (≥).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special


def oc_beta(shift: float | np.ndarray, n: int | np.ndarray, nsigmas: float = 3.0) -> np.ndarray:
    root = np.sqrt(np.asarray(n, dtype=float))
    delta = np.asarray(shift, dtype=float) * root
    return np.asarray(special.ndtr(nsigmas - delta) - special.ndtr(-nsigmas - delta))


def arl(shift: float | np.ndarray, n: int | np.ndarray, nsigmas: float = 3.0) -> np.ndarray:
    return np.asarray(1.0 / (1.0 - oc_beta(shift, n, nsigmas)))


@dataclass(frozen=True)
class ParetoRow:
    cause: str
    count: float
    cumulative: float
    percent: float
    cumulative_percent: float


def pareto(causes: Sequence[str], counts: Sequence[float]) -> list[ParetoRow]:
    if len(causes) != len(counts) or not causes:
        raise ValueError("give one count for each cause")
    order = sorted(range(len(causes)), key=lambda i: -counts[i])
    total = float(sum(counts))
    if total <= 0:
        raise ValueError("the counts add up to nothing")
    rows, running = [], 0.0
    for i in order:
        running += counts[i]
        rows.append(ParetoRow(causes[i], counts[i], running, 100 * counts[i] / total, 100 * running / total))
    return rows


def vital_few(rows: Sequence[ParetoRow], cut: float = 80.0) -> list[str]:
    head = []
    for row in rows:
        head.append(row.cause)
        if row.cumulative_percent >= cut - 1e-9:
            break
    return head
