"""The SPC commands' terminal tables of the JSON documents (:mod:`pacer.spc.documents`)."""

from __future__ import annotations

from typing import Any

from rich.table import Table


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


def capability_table(doc: dict[str, Any], title: str = "") -> Table:
    level = f"{doc['confidence']:.0%}"
    within = f"{doc['sigma_method']}" + (f", of {doc['n_within']} values" if doc["n_within"] != doc["n"] else "")
    head = f"{title} · " if title else ""
    table = Table(title=f"{head}n = {doc['n']} · centre {_fmt(doc['center'])} · sigma within "
                  f"{_fmt(doc['sigma_within'])} ({within}) · overall {_fmt(doc['sigma_overall'])}")  # fmt: skip
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
