"""Counting problems for Pareto charts and trends (pure: no I/O)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    key: str  # "" for problems where it is not determined (no cause yet, no supplier)
    count: int
    cumulative: int  # problems in this bar and the larger ones before it

    def share(self, total: int) -> float:
        """The cumulative share of all problems, 0–1 (4 decimals)."""
        return round(self.cumulative / total, 4) if total else 0.0


def pareto(keys: Iterable[str]) -> list[Bar]:
    """Bars from the most frequent key down (ties by key), each with the running total; the
    undetermined key ("") always last, as it is no cause to act on."""
    counts = Counter(keys)
    order = sorted(counts.items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0]))
    bars, running = [], 0
    for key, count in order:
        running += count
        bars.append(Bar(key, count, running))
    return bars


def monthly(found: Iterable[tuple[str, date]], year: int) -> dict[str, list[int]]:
    """Problems found per key (a unit) and month of ``year``: twelve counts per key."""
    out: dict[str, list[int]] = {}
    for key, on in found:
        if on.year == year:
            out.setdefault(key, [0] * 12)[on.month - 1] += 1
    return out
