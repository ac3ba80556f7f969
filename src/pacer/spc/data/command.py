"""What ``pacer spc chart`` and ``pacer spc capability`` do with a file, apart from printing it.

Options are checked first (one sentence each), the file is read as a stream into subgroup
statistics or counts, and the core computes the chart; the core's own refusals (a phase I range
outside the points, a subgroup too small for its chart) come back as the same one-line errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np

from pacer.errors import DomainError
from pacer.spc import (
    Capability,
    Chart,
    attribute_chart,
    capability,
    cusum_chart,
    ewma_chart,
    imr_chart,
    overall_sd,
    rule_set,
    sigma_within,
    xbar_chart,
)
from pacer.spc.data.files import BadFile
from pacer.spc.data.measurements import read_counts, read_subgroups


@dataclass(frozen=True)
class ChartRequest:
    kind: str
    value: str
    subgroup: str | None = None
    size: str | None = None
    phase1: str | None = None
    exclude: str | None = None
    sigma: str | None = None
    rules: str = "we"
    rule_counts: tuple[str, ...] = ()
    lam: float = 0.2
    nsigmas: float = 3.0
    k: float = 0.5
    h: float = 5.0
    constants: str = "exact"


def _phase(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text)
    if not match or int(match[1]) < 1 or int(match[1]) > int(match[2]):
        raise BadFile(f"--phase1 {text!r}: give the first and last phase I points as A-B, e.g. 1-25")
    return int(match[1]), int(match[2])


def _points(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    try:
        return tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise BadFile(f"--exclude {text!r}: give point numbers separated by commas, e.g. 15,23") from None


def _counts(items: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for item in items:
        match = re.fullmatch(r"\s*([A-Za-z]+\d)\s*=\s*(\d+)\s*", item)
        if not match:
            raise BadFile(f"--rule-count {item!r}: write RULE=COUNT, e.g. N2=8")
        out[match[1].upper()] = int(match[2])
    return out


def _size(text: str | None) -> int | str | None:
    if text is None:
        return None
    return int(text) if text.strip().isdigit() else text


def run_chart(path: Path, req: ChartRequest) -> tuple[Chart, list[str], np.ndarray | None]:
    """The chart of a file, with each point's label and size."""
    if req.subgroup and req.size and req.kind not in ("p", "np", "u"):
        raise BadFile("give either --subgroup or --size, not both")
    phase, exclude = _phase(req.phase1), _points(req.exclude)
    try:
        rules = rule_set(req.rules, _counts(req.rule_counts))
        common: dict[str, Any] = {"phase1": phase, "exclude": exclude}
        if req.kind in ("p", "np", "c", "u"):
            return _attribute(path, req, rules, common)
        return _variables(path, req, rules, common)
    except ValueError as exc:
        raise DomainError(f"{path.name}: {exc}", 422) from None


def _attribute(path: Path, req: ChartRequest, rules: Any, common: dict[str, Any]) -> tuple[Chart, list[str], Any]:
    size = _size(req.size)
    if req.kind != "c" and size is None:
        raise BadFile(f"the {req.kind} chart needs --size N or --size COLUMN (units inspected per sample)")
    counts = read_counts(path, req.value, size=size, label=req.subgroup)
    chart = attribute_chart(req.kind, counts.counts, counts.sizes, rules=rules, nsigmas=req.nsigmas, **common)
    return chart, counts.labels, counts.sizes


def _variables(path: Path, req: ChartRequest, rules: Any, common: dict[str, Any]) -> tuple[Chart, list[str], Any]:
    size = _size(req.size)
    if isinstance(size, str):
        raise BadFile(f"--size {size!r}: for the {req.kind} chart give a number of consecutive rows")
    folded = read_subgroups(path, req.value, subgroup=req.subgroup, size=size)
    groups, constants = folded.groups, cast(Any, req.constants)
    sigma = cast(Any, req.sigma)
    if req.kind in ("xbar-r", "xbar-s"):
        small = np.flatnonzero(groups.n < 2)
        if small.size:
            i = int(small[0])
            raise BadFile(f"{path.name}: row {folded.rows[i]}: subgroup {folded.labels[i]} has 1 value; "
                          f"the {req.kind} chart needs at least 2 per subgroup")  # fmt: skip
        spread: Literal["R", "S"] = "R" if req.kind == "xbar-r" else "S"
        chart = xbar_chart(groups, spread, sigma=sigma, rules=rules, nsigmas=req.nsigmas, constants=constants, **common)
    elif req.kind == "imr":
        if np.any(groups.n != 1):
            raise BadFile(f"the imr chart plots single values: leave out --subgroup and --size ({path.name})")
        chart = imr_chart(groups.mean, sigma=sigma or "mr", rules=rules, nsigmas=req.nsigmas, constants=constants,
                          **common)  # fmt: skip
    elif req.kind == "ewma":
        chart = ewma_chart(groups, req.lam, req.nsigmas, sigma=sigma, constants=constants, **common)
    else:
        chart = cusum_chart(groups, req.k, req.h, sigma=sigma, constants=constants, **common)
    return chart, folded.labels, groups.n


def run_capability(
    path: Path,
    value: str,
    *,
    spec: tuple[float | None, float | None, float | None],
    subgroup: str | None = None,
    size: int | None = None,
    sigma: str | None = None,
    level: float = 0.95,
    constants: str = "exact",
    phase1: str | None = None,
) -> tuple[Capability, Capability | None, str]:
    """Capability of the file's values, sigma within from their subgroups (moving ranges when the
    values are single). With ``phase1`` (points A-B), the capability of phase I and that of the
    later points (phase II, None when there are none): phase II's C-indices take its centre and
    phase I's sigma within, as under frozen limits; its P-indices its own overall sigma."""
    lsl, usl, target = spec
    if lsl is None and usl is None:
        raise BadFile("give --lsl, --usl or both")
    if subgroup and size:
        raise BadFile("give either --subgroup or --size, not both")
    span = _phase(phase1)
    folded = read_subgroups(path, value, subgroup=subgroup, size=size, spec=(lsl, usl))
    groups = folded.groups
    method = sigma or ("mr" if np.all(groups.n == 1) else "rbar")
    first = np.ones(len(groups), dtype=bool)
    try:
        if span is not None:
            if span[1] > len(groups):
                raise ValueError(f"phase I {span[0]}-{span[1]} is not within the {len(groups)} points")
            first[:] = False
            first[span[0] - 1 : span[1]] = True
        within = sigma_within(groups, first, cast(Any, method), cast(Any, constants))
        study = _Study(folded, (lsl, usl, target), within, level)
        one = study.of(first, None)
        later = ~first
        two = study.of(later, one.n) if span is not None and later.any() else None
    except ValueError as exc:
        raise DomainError(f"{path.name}: {exc}", 422) from None
    return one, two, method


@dataclass(frozen=True)
class _Study:
    """The values of a file and what every phase's capability shares."""

    folded: Any  # measurements.Folded
    spec: tuple[float | None, float | None, float | None]
    within: float
    level: float

    def of(self, use: np.ndarray, n_within: int | None) -> Capability:
        """Capability of the subgroups ``use``; ``n_within``: the values sigma within came from
        (None: these)."""
        groups, (lsl, usl, target) = self.folded.groups, self.spec
        overall, n = overall_sd(groups, use)
        center = float(np.sum(groups.n[use] * groups.mean[use]) / n)
        below = int(self.folded.below_by[use].sum()) if self.folded.below_by is not None else None
        above = int(self.folded.above_by[use].sum()) if self.folded.above_by is not None else None
        return capability(n=n, center=center, sigma_within=self.within, sigma_overall=overall, lsl=lsl, usl=usl,
                          target=target, below=below, above=above, level=self.level, n_within=n_within)  # fmt: skip
