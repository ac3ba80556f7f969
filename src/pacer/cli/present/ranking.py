"""A unit's children, or every unit at a level, ranked on one indicator (``pacer analyze rank``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
from rich.table import Table

from pacer.analysis import Measure, TimeBasis
from pacer.cli.present.documents import ParentOut, Quantity, RankReport, RankRowOut
from pacer.cli.present.scope import Scope, change_out, status_out, stored_scale
from pacer.cli.present.text import (
    DASH,
    WORDS,
    Screen,
    amount,
    figures_label,
    new_table,
    pct,
    pp,
    shown_breakdown,
)
from pacer.errors import NotFound


def rank_report(
    scope: Scope,
    code: str,
    measure: Measure = "ytd",
    level: int | None = None,
    restate: bool = False,
    time_basis: TimeBasis = "linear",
) -> RankReport:
    """Children of the scope's node, or every visible unit at ``level`` (the group is level 1)."""
    ref = scope.indicator(code)
    nodes = _ranked_nodes(scope, level, restate)
    ranking = scope.analysis.engine.rank(
        code, scope.year, scope.month, nodes=nodes, measure=measure, restate=restate, time_basis=time_basis
    )
    parent_node = None if level is not None else scope.node
    everyone = nodes if parent_node is None else [parent_node, *nodes]
    figures = _month_and_ytd(scope, code, ref["unit"], everyone, restate, time_basis)
    scale = stored_scale(scope, code)
    rows: list[RankRowOut] = []
    for r in ranking.rows:
        status, status_text = status_out(r.status, scope)
        value, ytd = figures[r.node]
        rows.append(
            {
                "rank": r.rank,
                "unit": scope.unit(r.node),
                "value": value,
                "ytd": ytd,
                "yoy": change_out(r.yoy, ref, scale, scope),
                "completion_pct": r.completion_pct,
                "gap_pp": r.gap_pp,
                "status": status,
                "status_text": status_text,
            }
        )
    parent: ParentOut | None = (
        None
        if parent_node is None
        else {"unit": scope.unit(parent_node), "value": figures[parent_node][0], "ytd": figures[parent_node][1]}
    )
    d = ranking.dispersion
    cv = None if d.n_values == 0 or d.cv != d.cv else float(d.cv)
    return {
        "command": "rank",
        "language": scope.language,
        "indicator": ref,
        "period": scope.period,
        "measure": measure,
        "descending": ranking.descending,
        "parent": parent,
        "level": level,
        "restated": restate,
        "time_basis": time_basis,
        "rows": rows,
        "dispersion": {"n_values": d.n_values, "cv": cv},
    }


def _ranked_nodes(scope: Scope, level: int | None, restate: bool) -> list[int]:
    """The scope node's children, or every unit the actor sees at ``level``."""
    engine = scope.analysis.engine
    if level is None:
        return engine.children(scope.node, scope.year, scope.month, restate)
    tree = engine.tree(scope.year, scope.month, restate)
    nodes = [int(n) for n in np.flatnonzero(tree.active & (tree.depth == level - 1)) if scope.sees(int(n))]
    if not nodes:
        raise NotFound(f"no unit at level {level}")
    return nodes


def _month_and_ytd(
    scope: Scope, code: str, unit: str, nodes: list[int], restate: bool, time_basis: TimeBasis
) -> dict[int, tuple[Quantity | None, Quantity | None]]:
    """Each node's month value and YTD of ``code``, exact."""
    engine = scope.analysis.engine
    pm = engine.measures(nodes, scope.year, scope.month, [code], restate=restate, time_basis=time_basis)
    col, scale = pm.column(engine.catalog.index[code]), stored_scale(scope, code)

    def exact(present: bool, scaled: int) -> Quantity | None:
        return {"value": str(Decimal(scaled).scaleb(-scale)), "unit": unit} if present else None

    return {
        int(n): (
            exact(bool(pm.value.present[i, col]), int(pm.value.scaled[i, col])),
            exact(bool(pm.ytd.present[i, col]), int(pm.ytd.scaled[i, col])),
        )
        for i, n in enumerate(pm.nodes.tolist())
    }


def rank_table(doc: RankReport, screen: Screen) -> Table:
    w = WORDS[doc["language"]]
    parent = doc["parent"]
    scope = (
        w["children"].format(unit=parent["unit"]["name"])
        if parent is not None
        else w["level"].format(level=doc["level"])
    )
    ind = doc["indicator"]
    amounts = figures_label(ind["unit"], screen, w)
    table = new_table(
        w["rank_title"].format(
            indicator=ind["name"], period=doc["period"], measure=w[f"{doc['measure']}_m"], scope=scope, amounts=amounts
        ),
        [w["rank"], w["unit"], w["month"], w["ytd"], w["yoy"], w["completion"], w["gap"], w["status"]],
        2,
    )
    rows = doc["rows"]
    columns: dict[str, list[str]] = {}
    totals: dict[str, tuple[str, str | None]] = {}
    for field in ("value", "ytd"):
        whole = parent[field] if parent is not None else _sum([r[field] for r in rows], screen)
        split = shown_breakdown(whole, [r[field] for r in rows], screen)
        if split is None:
            columns[field] = [amount(r[field], screen) for r in rows]
            totals[field] = (amount(whole, screen), None)
        else:
            columns[field], totals[field] = split[1], (split[0], split[2])
    head = parent["unit"]["name"] if parent is not None else w["total"]
    table.add_row("", f"[bold]{head}[/]", totals["value"][0], totals["ytd"][0], "", "", "", "")
    for i, r in enumerate(rows):
        table.add_row(
            DASH if r["rank"] is None else str(r["rank"]),
            "  " + r["unit"]["name"],
            columns["value"][i],
            columns["ytd"][i],
            r["yoy"]["text"],
            pct(r["completion_pct"]),
            pp(r["gap_pp"]),
            r["status_text"] or DASH,
        )
    if parent is not None and (totals["value"][1] is not None or totals["ytd"][1] is not None):
        table.add_row("", "  " + w["own"], totals["value"][1] or "", totals["ytd"][1] or "", "", "", "", "")
    return table


def _sum(parts: Sequence[Quantity | None], screen: Screen) -> Quantity | None:
    if not parts or any(p is None for p in parts) or parts[0] is None or not screen.additive(parts[0]["unit"]):
        return None
    return {"value": str(sum(Decimal(p["value"]) for p in parts if p is not None)), "unit": parts[0]["unit"]}
