"""One org tree, prepared for level-by-level rollup, and the timeline of trees over the months."""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from pacer.analysis.core.inputs import BoolArray, Int32Array, Int64Array, TreeHistory, TreeSegment


@dataclass(frozen=True, eq=False)
class RollupStep:
    """One level of the rollup: ``children`` grouped by parent (``starts`` opens each group) are
    summed into ``parents``."""

    children: Int64Array
    starts: Int64Array
    parents: Int64Array


class Tree:
    """An org tree over all ``n`` units; inactive units are isolated and carry depth -1."""

    def __init__(self, parent: Int32Array, active: BoolArray) -> None:
        active = np.asarray(active, dtype=bool)
        links = np.where(active, np.asarray(parent), -1).astype(np.int64)
        n = len(links)
        if np.any((links < -1) | (links >= n)):
            raise ValueError("tree: parent index out of range")
        attached = links >= 0
        if np.any(~active[links[attached]]):
            raise ValueError("tree: an active unit has an inactive parent")
        self.parent: Int64Array = links
        self.active: BoolArray = active
        self.depth: Int64Array = self._depths()
        order: Int64Array = np.argsort(links, kind="stable").astype(np.int64)
        order = order[links[order] >= 0]
        # children of p are child_idx[child_ptr[p]:child_ptr[p + 1]], in unit order
        self.child_idx: Int64Array = order
        self.child_ptr: Int64Array = np.searchsorted(links[order], np.arange(n + 1))
        self.steps: tuple[RollupStep, ...] = self._rollup_steps()

    @property
    def n(self) -> int:
        return len(self.parent)

    def children(self, node: int) -> Int64Array:
        return self.child_idx[self.child_ptr[node] : self.child_ptr[node + 1]]

    def path_to_root(self, unit: int) -> list[int]:
        """``unit`` and all its ancestors, nearest first; empty for an inactive unit."""
        if not self.active[unit]:
            return []
        path = [unit]
        while (p := int(self.parent[path[-1]])) >= 0:
            path.append(p)
        return path

    def descendants(self, node: int) -> Int64Array:
        """``node`` and every unit below it."""
        found = [np.array([node], dtype=np.int64)]
        frontier = found[0]
        while frontier.size:
            frontier = np.concatenate([self.children(int(u)) for u in frontier])
            found.append(frontier)
        return np.concatenate(found)

    def _depths(self) -> Int64Array:
        n = len(self.parent)
        depth = np.full(n, -1, dtype=np.int64)
        level = np.flatnonzero(self.active & (self.parent < 0))
        d = 0
        while level.size:
            depth[level] = d
            level = np.flatnonzero(np.isin(self.parent, level))
            d += 1
            if d > n:
                break
        if np.any(self.active & (depth < 0)):
            raise ValueError("tree: the parent links contain a cycle")
        return depth

    def _rollup_steps(self) -> tuple[RollupStep, ...]:
        steps = []
        for d in range(int(self.depth.max(initial=0)), 0, -1):
            nodes = np.flatnonzero(self.depth == d)
            nodes = nodes[np.argsort(self.parent[nodes], kind="stable")]
            p = self.parent[nodes]
            starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
            steps.append(RollupStep(nodes, starts, p[starts]))
        return tuple(steps)


class TreeTimeline:
    """Which tree applies to which month: the history as it was, or today's tree for all months."""

    def __init__(self, history: TreeHistory, n_months: int, restate: bool = False) -> None:
        segments: tuple[TreeSegment, ...] = history.segments
        self.segment_starts: list[int] = [s.first_month for s in segments]
        if restate:
            last = segments[-1]
            segments = (TreeSegment(0, last.parent, last.active),)
        self.n_months = n_months
        self.starts: list[int] = [s.first_month for s in segments]
        self.trees: list[Tree] = [Tree(s.parent, s.active) for s in segments]
        self.restated = restate

    @property
    def latest(self) -> Tree:
        return self.trees[-1]

    def resized(self, history: TreeHistory, n_months: int) -> TreeTimeline:
        """The timeline of ``history`` over ``n_months`` months, reusing this one's trees when
        ``history`` cuts the months into the same segments as the history it was made from (as
        when months are added before the next change of the tree)."""
        if [s.first_month for s in history.segments] != self.segment_starts:
            return TreeTimeline(history, n_months, self.restated)
        timeline = copy.copy(self)
        timeline.n_months = n_months
        return timeline

    def index_at(self, month: int) -> int:
        return bisect.bisect_right(self.starts, month) - 1

    def tree_at(self, month: int) -> Tree:
        return self.trees[self.index_at(month)]

    def spans(self, first: int = 0, last: int | None = None) -> Iterator[tuple[int, int, Tree]]:
        """``(start, stop, tree)`` for each run of months in ``[first, last]`` under one tree."""
        last = self.n_months - 1 if last is None else last
        for k, tree in enumerate(self.trees):
            start = max(self.starts[k], first)
            stop = min(self.starts[k + 1] if k + 1 < len(self.starts) else self.n_months, last + 1)
            if start < stop:
                yield start, stop, tree
