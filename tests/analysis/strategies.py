"""Hypothesis strategies for random org histories and figures, and a naive reference
consolidation to check the vectorised one against."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pacer.analysis import Facts, TreeHistory, TreeSegment

AMOUNT = 10**12


@dataclass
class World:
    """A random group: effective-dated trees and reported figures (r = 0.. flows, then stocks)."""

    history: TreeHistory
    values: np.ndarray
    present: np.ndarray
    is_flow: np.ndarray

    @property
    def n_units(self) -> int:
        return self.values.shape[0]

    @property
    def n_months(self) -> int:
        return self.values.shape[2]

    def facts(self) -> Facts:
        return Facts(self.values.copy(), self.present.copy())


@st.composite
def trees(draw: st.DrawFn, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A random forest over ``n`` units, some of them inactive."""
    order = draw(st.permutations(range(n)))
    active = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    active[order[0]] = True
    parent = np.full(n, -1, np.int32)
    for k, u in enumerate(order):
        if k and active[u]:
            j = draw(st.integers(-1, k - 1))
            if j >= 0 and active[order[j]]:
                parent[u] = order[j]
    return parent, active


@st.composite
def worlds(
    draw: st.DrawFn, max_units: int = 7, min_months: int = 1, max_months: int = 30, max_segments: int = 3
) -> World:
    n = draw(st.integers(1, max_units))
    n_months = draw(st.integers(min_months, max_months))
    starts = (
        sorted(draw(st.sets(st.integers(1, max(1, n_months - 1)), max_size=max_segments - 1))) if n_months > 1 else []
    )
    segments = tuple(TreeSegment(s, *draw(trees(n))) for s in [0, *starts])
    n_flows = draw(st.integers(0, 2))
    n_stocks = draw(st.integers(0 if n_flows else 1, 2))
    shape = (n, n_flows + n_stocks, n_months)
    values = draw(hnp.arrays(np.int64, shape, elements=st.integers(-AMOUNT, AMOUNT)))
    present = draw(hnp.arrays(np.bool_, shape))
    is_flow = np.array([True] * n_flows + [False] * n_stocks)
    return World(TreeHistory(segments), values, present, is_flow)


def segment_at(history: TreeHistory, month: int) -> TreeSegment:
    return [s for s in history.segments if s.first_month <= month][-1]


def naive_monthly(world: World, restate: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Consolidated monthly values and reporting counts by walking every unit up its tree."""
    total = np.zeros(world.values.shape, dtype=object)  # Python ints: no overflow to hide
    count = np.zeros(world.values.shape, dtype=np.int64)
    for t in range(world.n_months):
        seg = world.history.segments[-1] if restate else segment_at(world.history, t)
        for u in range(world.n_units):
            if not seg.active[u]:
                continue
            node = u
            while node >= 0:
                for r in range(world.values.shape[1]):
                    if world.present[u, r, t]:
                        total[node, r, t] += int(world.values[u, r, t])
                        count[node, r, t] += 1
                node = int(seg.parent[node])
    return total, count
