"""The JSON documents of a control chart and of a capability study: one shape for
``pacer spc chart|capability --format json`` and for the stored characteristics' API (documented
in the README). Pure: core results in, plain dicts out."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from pacer.spc.capability import Capability
from pacer.spc.model import Chart


def _num(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


def _list(values: np.ndarray) -> list[float | None]:
    return [_num(v) for v in np.asarray(values, dtype=float).tolist()]


def chart_document(chart: Chart, labels: list[str], sizes: np.ndarray | None, rules: str) -> dict[str, Any]:
    phase = np.flatnonzero(chart.phase1) + 1
    return {
        "chart": chart.kind,
        "points": len(labels),
        "subgroups": labels,
        "sizes": None if sizes is None else [int(v) if float(v).is_integer() else float(v) for v in sizes.tolist()],
        "phase1": {"first": int(phase[0]), "last": int(phase[-1])},
        "excluded": (np.flatnonzero(chart.excluded) + 1).tolist(),
        "standard": {"center": _num(chart.standard.center), "sigma": _num(chart.standard.sigma)},
        "sigma_method": chart.sigma_method,
        "rules": rules,
        "parameters": {k: _num(float(v)) for k, v in chart.extra.items() if isinstance(v, int | float)},
        "panels": [
            {
                "name": p.name,
                "statistic": _list(p.statistic),
                "center": _list(p.center),
                "lcl": _list(p.lcl),
                "ucl": _list(p.ucl),
                "violations": p.violations,
            }
            for p in chart.panels
        ],
    }


def capability_document(cap: Capability, sigma_method: str) -> dict[str, Any]:
    def interval(triple: tuple[float, float, float] | None) -> dict[str, float | None] | None:
        return (
            None if triple is None else {"value": _num(triple[0]), "lower": _num(triple[1]), "upper": _num(triple[2])}
        )

    return {
        "n": cap.n,
        "center": _num(cap.center),
        "sigma_within": _num(cap.sigma_within),
        "sigma_method": sigma_method,
        "n_within": cap.n_within,
        "sigma_overall": _num(cap.sigma_overall),
        "lsl": cap.lsl,
        "usl": cap.usl,
        "target": cap.target,
        "confidence": cap.level,
        "indices": {name: interval(v) for name, v in cap.indices.items()},
        "percent_out": {
            "expected": {"below_lsl": cap.expected_pct[0], "above_usl": cap.expected_pct[1]},
            "observed": {"below_lsl": cap.observed_pct[0], "above_usl": cap.observed_pct[1]},
        },
    }


def phases_document(
    phase1: Capability | None, phase2: Capability | None, sigma_method: str
) -> dict[str, dict[str, Any] | None]:
    """Capability of phase I (calibration) and of phase II (monitoring): phase II's C-indices
    take its own centre and the sigma within frozen from phase I (``n_within`` its values), its
    P-indices its own overall sigma; a phase without values (or capability) is ``null``."""
    return {
        "phase1": capability_document(phase1, sigma_method) if phase1 is not None else None,
        "phase2": capability_document(phase2, sigma_method) if phase2 is not None else None,
    }
