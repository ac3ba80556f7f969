"""Grades by forced distribution, ranks within peer groups and movement on last year (no I/O).

Points are hundredths of a point; shares are basis points of the units graded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import TypeVar

from pacer.assessment.rules import BP

# the default forced distribution: 20 % A, 30 % B, 40 % C, the rest D
K = TypeVar("K", bound=Hashable)
QUOTAS: tuple[tuple[str, int], ...] = (("A", 2_000), ("B", 3_000), ("C", 4_000), ("D", 0))


def forced(points: Sequence[tuple[K, int]], quotas: Sequence[tuple[str, int]] = QUOTAS) -> dict[K, str]:
    """Each unit's grade when at most a quota's share of the units (rounded half up, counted
    from the best) may take each grade, the last grade taking the rest. Units on the same points
    take the same grade: the better one, so a tie at a boundary lets that grade run over."""
    ranked = sorted(points, key=lambda p: -p[1])
    n, out = len(ranked), dict[K, str]()
    bounds, running = [], 0
    for _, share in quotas[:-1]:
        running += share
        bounds.append((n * running * 2 + BP) // (2 * BP))
    for position, (key, value) in enumerate(ranked):
        if position and value == ranked[position - 1][1]:
            out[key] = out[ranked[position - 1][0]]
            continue
        index = next((i for i, bound in enumerate(bounds) if position < bound), len(quotas) - 1)
        out[key] = quotas[index][0]
    return out


def peer_ranks(rows: Sequence[tuple[K, Hashable, int]]) -> dict[K, tuple[int, int]]:
    """Each unit's rank among its peer group (1 = most points; equal points share a rank, the
    next rank skipping them) and the size of the group: (key, peer group, points) in."""
    groups: dict[Hashable, list[tuple[K, int]]] = defaultdict(list)
    for key, peer, value in rows:
        groups[peer].append((key, value))
    out: dict[K, tuple[int, int]] = {}
    for members in groups.values():
        ranked = sorted(members, key=lambda m: -m[1])
        for position, (key, value) in enumerate(ranked):
            same = position and value == ranked[position - 1][1]
            out[key] = (out[ranked[position - 1][0]][0] if same else position + 1, len(ranked))
    return out


def movement(rank: int | None, last_rank: int | None) -> int | None:
    """Places gained since last year (negative: lost); None without both ranks."""
    return None if rank is None or last_rank is None else last_rank - rank
