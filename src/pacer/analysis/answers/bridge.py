"""The bridge: each child's contribution to a node's change between two windows.

A node's aggregate in a month is its own figures plus the aggregates of the units that were its
children in that month's tree. Attributing every month to the child it came through, the
children's amounts, the node's own line (its own figures) and its eliminations line (the
elimination entries booked on it, negative) add up to the node's value exactly, in scaled
integers, even when units moved in or out between the two windows: a child that left shows a
negative line, one that arrived a positive one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from pacer.analysis.answers.results import BridgeLine, Change, Value
from pacer.analysis.answers.views import change_of
from pacer.analysis.core.calc import classify_change
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.inputs import Int64Array
from pacer.analysis.core.windows import Window


@dataclass(frozen=True, eq=False)
class Attribution:
    """One window of a node split by where it came from;
    ``own + children.sum() - eliminated == total``."""

    children: Int64Array  # per unit index (zero for units that are not children)
    own: int
    total: int
    present: bool
    eliminated: int = 0  # the elimination entries booked on the node itself


def attribute(cube: Cube, node: int, r: int, window: Window, is_flow: bool) -> Attribution:
    """Split reported indicator ``r`` of ``node`` over ``window`` (inside one year) by child:
    flows sum the window's months, stocks take its last month."""
    n = cube.facts.shape[0]
    children = np.zeros(n, dtype=np.int64)
    if window.first < 0 or window.last >= cube.n_months:
        return Attribution(children, 0, 0, False)
    first = window.first if is_flow else window.last
    own = eliminated = 0
    for start, stop, tree in cube.timeline.spans(first, window.last):
        kids = tree.children(node)
        if kids.size:
            children[kids] += _span_amount(cube, kids, r, start, stop, is_flow)
        if tree.active[node]:
            own += int(cube.facts.take(np.array([node]), np.array([r]), slice(start, stop)).sum())
            eliminated += cube.eliminations.amount(node, r, start, stop)
    node_ix = np.array([node])
    total, seen = (int(a[0]) for a in _span_amounts(cube, node_ix, r, first, window.last + 1, is_flow))
    return Attribution(children, own, total, bool(seen > 0), eliminated)


def _span_amount(cube: Cube, nodes: Int64Array, r: int, start: int, stop: int, is_flow: bool) -> Int64Array:
    """Flow: the months ``start..stop-1`` (one year) of ``nodes``; stock: the last month."""
    return _span_amounts(cube, nodes, r, start, stop, is_flow)[0]


def _span_amounts(
    cube: Cube, nodes: Int64Array, r: int, start: int, stop: int, is_flow: bool
) -> tuple[Int64Array, Int64Array]:
    """:func:`_span_amount` and the matching count of reporting units."""
    before = is_flow and start % 12
    ytd, seen = cube.points(nodes, np.array([r]), np.array([stop - 1, start - 1] if before else [stop - 1]))
    amount, count = ytd[:, 0].astype(np.int64), seen[:, 0].astype(np.int64)
    if before:
        return amount[:, 0] - amount[:, 1], count[:, 0] - count[:, 1]
    return amount[:, 0], count[:, 0]


def was_child(cube: Cube, node: int, window: Window) -> np.ndarray:
    """Units that were a child of ``node`` in any month of ``window``."""
    mask = np.zeros(cube.facts.shape[0], dtype=bool)
    if window.first >= 0 and window.last < cube.n_months:
        for _, _, tree in cube.timeline.spans(window.first, window.last):
            mask[tree.children(node)] = True
    return mask


@dataclass(frozen=True)
class Bridge:
    """``current`` - ``previous`` of ``node`` explained by ``lines`` (children, then the node's
    own line); the lines' changes add up to ``change`` exactly.

    ``method`` says how: ``sum`` for a reported indicator, ``linear`` for a derived sum of
    reported ones, ``ratio`` for a derived ratio, whose lines' ``current`` and ``previous`` are
    each line's own ratio and do not add up (see :mod:`pacer.analysis.answers.bridge_derived`)."""

    node: int
    code: str
    current: Value
    previous: Value
    change: Value
    yoy: Change
    lines: tuple[BridgeLine, ...]
    method: Literal["sum", "linear", "ratio"] = "sum"


def build_bridge(
    cube: Cube, catalog: IndicatorCatalog, node: int, indicator: int, current: Window, previous: Window
) -> Bridge:
    """Bridge of reported ``indicator`` of ``node`` from the ``previous`` to the ``current``
    window."""
    r = int(catalog.reported_pos[indicator])
    if r < 0:
        raise ValueError(f"bridge: {catalog.codes[indicator]} is derived; bridge its components")
    flow, scale = bool(catalog.is_flow[indicator]), int(catalog.scale[indicator])
    now = attribute(cube, node, r, current, flow)
    before = attribute(cube, node, r, previous, flow)
    kids = np.flatnonzero(was_child(cube, node, current) | was_child(cube, node, previous))
    delta = now.children[kids] - before.children[kids]
    kids = kids[np.argsort(-delta, kind="stable")]  # biggest increase first
    total_change = now.total - before.total

    def value(x: int) -> Value:
        return Value(x, scale, True, x / 10**scale)

    def line(unit: int | None, cur: int, prev: int) -> BridgeLine:
        d = cur - prev
        share = d / total_change * 100.0 if total_change else None
        pp = d / abs(before.total) * 100.0 if before.total else None
        return BridgeLine(unit, value(cur), value(prev), value(d), share, pp, "child" if unit is not None else "own")

    lines = [line(int(u), int(now.children[u]), int(before.children[u])) for u in kids]
    lines.append(line(None, now.own, before.own))
    if now.eliminated or before.eliminated:
        # eliminations reduce the total: the line carries them negative
        lines.append(line(None, -now.eliminated, -before.eliminated)._replace(kind="eliminations"))
    ok = now.present and before.present
    code, change, pct = classify_change(
        np.array(now.total / 10**scale),
        np.array(before.total / 10**scale),
        np.array(ok),
        np.array(bool(catalog.is_percent[indicator])),
    )
    yoy = change_of(int(code), float(change), total_change, float(pct))
    return Bridge(
        node, catalog.codes[indicator], value(now.total), value(before.total), value(total_change), yoy, tuple(lines)
    )
