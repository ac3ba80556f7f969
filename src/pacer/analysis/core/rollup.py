"""Summing units into the nodes above them, for the nodes whose aggregates a cube stores.

A cube stores consolidated aggregates only for its *parents*: the units that have a child in
some month of its tree history. Every other unit (a leaf in every month, the great majority of a
deep group) is answered from its own facts when read. A parent's months under one tree are its
own facts plus its leaf children's facts (one gather and one ``reduceat`` over the leaves), plus
its parent children's sums, level by level, deepest first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pacer.analysis.core.inputs import BoolArray, Facts, Int64Array
from pacer.analysis.core.tree import Tree, TreeTimeline

# the leaves of a block are gathered in one copy: about this many cells at most
_BLOCK_CELLS = 8_000_000
_MAX_CHUNK = 16


def parents_of(timeline: TreeTimeline) -> Int64Array:
    """The units with a child in any tree of ``timeline``, in unit order."""
    has_children = np.zeros(timeline.latest.n, dtype=bool)
    for tree in timeline.trees:
        has_children |= np.diff(tree.child_ptr) > 0
    return np.flatnonzero(has_children).astype(np.int64)


@dataclass(frozen=True, eq=False)
class Level:
    """Parent rows summed into their parents' rows: ``children`` grouped by parent, ``starts``
    opening each group, ``parents`` one per group (rows of the stored arrays)."""

    children: Int64Array
    starts: Int64Array
    parents: Int64Array


@dataclass(frozen=True, eq=False)
class Plan:
    """How one tree sums into the stored rows (``row[unit]``: the unit's row, -1 for a leaf)."""

    own_rows: Int64Array  # stored units active in this tree ...
    own_units: Int64Array  # ... and their unit indices
    leaves: Level  # ``children`` here are unit indices of leaves (grouped by parent)
    levels: tuple[Level, ...]  # stored children into stored parents, deepest first

    @classmethod
    def of(cls, tree: Tree, row: Int64Array) -> Plan:
        stored = row >= 0
        own = np.flatnonzero(stored & tree.active)
        kids = tree.child_idx[~stored[tree.child_idx]]  # grouped by parent, in unit order
        levels = []
        for step in tree.steps:
            inner = step.children[stored[step.children]]
            if inner.size:
                levels.append(_level(inner, tree.parent[inner], row))
        return cls(row[own], own.astype(np.int64), _level(kids, tree.parent[kids], row, rows=False), tuple(levels))


def _level(children: Int64Array, parents: Int64Array, row: Int64Array, rows: bool = True) -> Level:
    starts = np.flatnonzero(np.r_[True, parents[1:] != parents[:-1]]) if children.size else np.zeros(0, np.int64)
    return Level(row[children] if rows else children, starts.astype(np.int64), row[parents[starts]])


def chunk_size(plans: list[Plan], months: int) -> int:
    """How many indicators to roll up at once, so that the leaves' gathered block stays small."""
    leaves = max((len(p.leaves.children) for p in plans), default=0)
    return int(np.clip(_BLOCK_CELLS // max(1, leaves * months), 1, _MAX_CHUNK))


def roll_up(ytd: np.ndarray, seen: np.ndarray, facts: Facts, plan: Plan, cols: slice, months: slice) -> None:
    """Write every stored row's monthly sums over its subtree into ``ytd[:, cols, months]`` and
    its counts of reporting units into ``seen[:, cols, months]``."""
    out_v, out_c = ytd[:, cols, months], seen[:, cols, months]
    out_v[...], out_c[...] = 0, 0
    if plan.own_rows.size:
        out_v[plan.own_rows] = facts.take(plan.own_units, cols, months)
        out_c[plan.own_rows] = facts.present[plan.own_units, cols, months]
    leaves = plan.leaves
    if leaves.children.size:
        out_v[leaves.parents] += facts.group_sums(leaves.children, leaves.starts, cols, months)
        p = facts.present[leaves.children, cols, months]
        out_c[leaves.parents] += np.add.reduceat(p, leaves.starts, axis=0, dtype=out_c.dtype)
    for level in plan.levels:
        out_v[level.parents] += np.add.reduceat(out_v[level.children], level.starts, axis=0)
        out_c[level.parents] += np.add.reduceat(out_c[level.children], level.starts, axis=0)


def accumulate_years(block: np.ndarray, flows: BoolArray, first: int = 0) -> None:
    """Turn the flow columns of ``[units, indicators, months]``, whose first month is month
    ``first``, into year-to-date sums (the block's first month is taken as complete)."""
    if not flows.any():
        return
    cols = slice(None) if flows.all() else np.flatnonzero(flows)
    for t in range(1, block.shape[2]):
        if (first + t) % 12:
            block[:, cols, t] += block[:, cols, t - 1]
