"""The shapes every chart shares: subgroup statistics in, a chart of panels out.

A chart is computed in two steps. Calibration (phase I) takes the points marked for it, less the
ones removed for an assignable cause, and freezes a :class:`Standard` (centre and sigma). Every
point, phase I and phase II alike, is then plotted against limits derived from that standard, so a
standard computed once can monitor new data unchanged, and a revision is the same calibration with
more points removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pacer.spc.rules import Rule, evaluate, indices


@dataclass(frozen=True)
class Subgroups:
    """Per-subgroup statistics: size, mean, range, sample SD (n − 1; NaN when n = 1)."""

    n: np.ndarray
    mean: np.ndarray
    range: np.ndarray
    sd: np.ndarray

    @classmethod
    def from_matrix(cls, values: np.ndarray) -> Subgroups:
        """One row per subgroup, NaN where a subgroup has fewer values than the widest one."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        n = np.sum(~np.isnan(values), axis=1)
        if np.any(n == 0):
            raise ValueError(f"subgroup {int(np.flatnonzero(n == 0)[0]) + 1} has no value")
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(values, axis=1) / n
            dev = np.where(np.isnan(values), 0.0, values - mean[:, None])
            sd = np.where(n > 1, np.sqrt(np.sum(dev * dev, axis=1) / (n - 1)), np.nan)
        rng = np.nanmax(values, axis=1) - np.nanmin(values, axis=1)
        return cls(n=n.astype(np.int64), mean=mean, range=rng, sd=sd)

    @classmethod
    def individuals(cls, values: np.ndarray) -> Subgroups:
        return cls.from_matrix(np.asarray(values, dtype=float).reshape(-1, 1))

    def __len__(self) -> int:
        return int(self.n.size)


@dataclass(frozen=True)
class Standard:
    """What phase I freezes: the centre of the plotted characteristic and the process sigma."""

    center: float
    sigma: float


@dataclass
class Panel:
    """One plotted statistic with its centre line and limits per point and the rules it broke."""

    name: str
    statistic: np.ndarray
    center: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    sigma: np.ndarray  # sigma of the statistic at each point (the zones of the run rules)
    violations: dict[str, list[int]] = field(default_factory=dict)

    def judge(self, rules: tuple[Rule, ...]) -> Panel:
        if rules:
            self.violations = indices(evaluate(rules, self.statistic, self.center, self.sigma, self.lcl, self.ucl))
        else:
            beyond = (self.statistic > self.ucl) | (self.statistic < self.lcl)
            self.violations = {"beyond": (np.flatnonzero(beyond) + 1).tolist()}
        return self


@dataclass
class Chart:
    """A computed chart: its panels, the frozen standard and which points calibrated it."""

    kind: str
    standard: Standard
    panels: list[Panel]
    phase1: np.ndarray  # boolean per point
    excluded: np.ndarray  # boolean per point: phase I points left out of the calibration
    sigma_method: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def panel(self, name: str) -> Panel:
        return next(p for p in self.panels if p.name == name)


def calibration_mask(
    count: int, phase1: tuple[int, int] | None, exclude: tuple[int, ...] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """Phase I points (1-based inclusive range, all points when None) and the excluded ones."""
    phase = np.zeros(count, dtype=bool)
    first, last = phase1 if phase1 is not None else (1, count)
    if not 1 <= first <= last <= count:
        raise ValueError(f"phase I {first}-{last} is not within the {count} points")
    phase[first - 1 : last] = True
    excluded = np.zeros(count, dtype=bool)
    for index in exclude:
        if not 1 <= index <= count or not phase[index - 1]:
            raise ValueError(f"point {index} to exclude is not a phase I point")
        excluded[index - 1] = True
    if not np.any(phase & ~excluded):
        raise ValueError("no phase I point is left to calibrate the chart")
    return phase, excluded


def full(value: float | np.ndarray, count: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (count,)).copy()
