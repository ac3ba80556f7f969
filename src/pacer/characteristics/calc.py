"""A stored characteristic's chart and capability from its values. Pure: arrays in, core out.

Subgroups are numbered from 1 without gaps (the service refuses anything else), so a subgroup's
number is its point's index on the chart. Capability is studied per phase: phase I (calibration)
counts the values of its subgroups not excluded, with the chart's sigma within (computed from
them, or frozen from them); phase II (monitoring) counts the later values, its C-indices with
their centre and phase I's sigma within (the process judged against its frozen standard), its
P-indices with their own overall sigma.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from pacer.spc import (
    ATTRIBUTE_CHARTS,
    Capability,
    Chart,
    Standard,
    Subgroups,
    attribute_chart,
    capability,
    cusum_chart,
    ewma_chart,
    imr_chart,
    overall_sd,
    rule_set,
    xbar_chart,
)

LAMBDA, K, H = 0.2, 0.5, 5.0  # EWMA weight and CUSUM reference and decision interval, in sigmas


@dataclass(frozen=True)
class Setup:
    """What of a characteristic decides its chart."""

    chart: str
    rules: str
    lsl: float | None
    usl: float | None
    target: float | None
    phase1_last: int | None
    frozen: Standard | None
    rule_counts: dict[str, int] | None = None  # a rule's count changed from its set's


@dataclass(frozen=True)
class Result:
    chart: Chart
    capability: Capability | None  # phase I's
    signals: dict[int, list[str]]  # point -> names of the rules it broke, over every panel
    out_of_control: list[int]  # signalled points that are not excluded
    sizes: np.ndarray  # values per subgroup; a counted characteristic's sample sizes
    capability_phase2: Capability | None = None  # None without phase II points

    @property
    def current(self) -> tuple[str, Capability | None]:
        """The capability of the process as it runs now: phase II's once there is one."""
        if self.capability_phase2 is not None:
            return "II", self.capability_phase2
        return "I", self.capability


def matrix(subgroup: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Values ordered by subgroup (from 1, no gaps) as one row per subgroup, NaN-padded."""
    count = int(subgroup.max()) if subgroup.size else 0
    sizes = np.bincount(subgroup - 1, minlength=count)
    out = np.full((count, int(sizes.max()) if count else 0), np.nan)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    position = np.arange(subgroup.size) - np.repeat(starts, sizes)
    out[subgroup - 1, position] = values
    return out


def phase1(setup: Setup, count: int) -> tuple[int, int]:
    return 1, min(setup.phase1_last or count, count)


def compute(
    setup: Setup, values: np.ndarray, excluded: tuple[int, ...] = (), sizes: np.ndarray | None = None
) -> Result:
    """The chart of ``values`` (one row per subgroup; a counted characteristic's one count, out
    of ``sizes``) and its capability; ValueError when the core refuses (too few points, no phase
    I point left)."""
    rules = rule_set(setup.rules, setup.rule_counts)
    if setup.chart in ATTRIBUTE_CHARTS:
        counts = values[:, 0]
        sizes = np.ones_like(counts) if sizes is None else sizes
        common = {"phase1": phase1(setup, counts.size), "exclude": excluded, "standard": setup.frozen}
        chart = attribute_chart(setup.chart, counts, sizes, rules=rules, **common)  # type: ignore[arg-type]  # keys match the signature
        signals = _signals(chart)
        return Result(chart, None, signals, sorted(p for p in signals if not chart.excluded[p - 1]), sizes)
    groups = Subgroups.from_matrix(values)
    common = {"phase1": phase1(setup, len(groups)), "exclude": excluded, "standard": setup.frozen}
    if setup.chart in ("xbar-r", "xbar-s"):
        spread: Literal["R", "S"] = "R" if setup.chart == "xbar-r" else "S"
        chart = xbar_chart(groups, spread, rules=rules, **common)  # type: ignore[arg-type]  # keys match the signature
    elif setup.chart == "imr":
        chart = imr_chart(groups.mean, rules=rules, **common)  # type: ignore[arg-type]  # keys match the signature
    elif setup.chart == "ewma":
        chart = ewma_chart(groups, LAMBDA, **common)  # type: ignore[arg-type]  # keys match the signature
    else:
        chart = cusum_chart(groups, K, H, **common)  # type: ignore[arg-type]  # keys match the signature
    signals = _signals(chart)
    out = sorted(p for p in signals if not chart.excluded[p - 1])
    one, two = _capabilities(setup, groups, values, chart)
    return Result(chart, one, signals, out, groups.n, two)


def _signals(chart: Chart) -> dict[int, list[str]]:
    """Point -> names of the rules it broke, over every panel (named by panel when several)."""
    signals: dict[int, list[str]] = {}
    for panel in chart.panels:
        for rule, points in panel.violations.items():
            for point in points:
                signals.setdefault(point, []).append(rule if len(chart.panels) == 1 else f"{panel.name}:{rule}")
    return signals


def _capabilities(
    setup: Setup, groups: Subgroups, values: np.ndarray, chart: Chart
) -> tuple[Capability | None, Capability | None]:
    """Phase I's and phase II's capability (None where unknown: no specification, too few
    values, none that vary, no phase II)."""
    if setup.lsl is None and setup.usl is None:
        return None, None
    first = _study(setup, groups, values, chart.phase1 & ~chart.excluded, chart.standard.sigma, None)
    later = ~chart.phase1
    if not later.any():
        return first, None
    n_within = int(groups.n[chart.phase1 & ~chart.excluded].sum())
    return first, _study(setup, groups, values, later, chart.standard.sigma, n_within)


def _study(
    setup: Setup, groups: Subgroups, values: np.ndarray, use: np.ndarray, sigma: float, n_within: int | None
) -> Capability | None:
    kept = values[use]
    kept = kept[~np.isnan(kept)]
    overall, n = overall_sd(groups, use)
    try:
        return capability(
            n=n, center=float(kept.mean()), sigma_within=sigma, sigma_overall=overall,
            lsl=setup.lsl, usl=setup.usl, target=setup.target, n_within=n_within,
            below=int(np.sum(kept < setup.lsl)) if setup.lsl is not None else None,
            above=int(np.sum(kept > setup.usl)) if setup.usl is not None else None,
        )  # fmt: skip
    except ValueError:
        return None  # too few values, or none that vary: the page says capability is not known yet
