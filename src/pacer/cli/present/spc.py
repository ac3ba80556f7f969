"""The SPC commands' JSON documents and terminal tables (shape documented in the README)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from rich.table import Table

from pacer.spc import Capability, Chart


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


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def chart_table(doc: dict[str, Any]) -> list[Table]:
    tables = []
    for panel in doc["panels"]:
        flagged: dict[int, list[str]] = {}
        for rule, points in panel["violations"].items():
            for point in points:
                flagged.setdefault(point, []).append(rule)
        table = Table(title=f"{doc['chart']} · {panel['name']}")
        for column in ("#", "subgroup", "phase", panel["name"], "LCL", "CL", "UCL", "rules"):
            table.add_column(column, justify="left" if column in ("subgroup", "rules", "phase") else "right")
        first, last = doc["phase1"]["first"], doc["phase1"]["last"]
        for i, label in enumerate(doc["subgroups"]):
            phase = "I" if first <= i + 1 <= last else "II"
            phase += " (excluded)" if i + 1 in doc["excluded"] else ""
            row = (panel["statistic"][i], panel["lcl"][i], panel["center"][i], panel["ucl"][i])
            table.add_row(str(i + 1), label, phase, *(_fmt(v) for v in row), " ".join(flagged.get(i + 1, [])))
        tables.append(table)
    return tables


def capability_table(doc: dict[str, Any]) -> Table:
    level = f"{doc['confidence']:.0%}"
    table = Table(title=f"n = {doc['n']} · centre {_fmt(doc['center'])} · sigma within {_fmt(doc['sigma_within'])} "
                  f"({doc['sigma_method']}) · overall {_fmt(doc['sigma_overall'])}")  # fmt: skip
    for column in ("index", "value", f"{level} lower", f"{level} upper"):
        table.add_column(column, justify="left" if column == "index" else "right")
    for name, value in doc["indices"].items():
        if value is not None:
            table.add_row(name, _fmt(value["value"]), _fmt(value["lower"]), _fmt(value["upper"]))
    for kind in ("expected", "observed"):
        shares = doc["percent_out"][kind]
        table.add_row(f"% {kind} < LSL", _fmt(shares["below_lsl"]), "", "")
        table.add_row(f"% {kind} > USL", _fmt(shares["above_usl"]), "", "")
    return table
