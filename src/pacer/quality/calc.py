"""Counting problems for Pareto charts and trends, and the rolled throughput yield of process
steps (pure: no I/O)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction


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


@dataclass(frozen=True)
class StepYield:
    """One process step of a product in a month: units entering it and those passing it the
    first time (no rework, repair or scrap)."""

    product: str
    step: int
    entered: int
    passed: int


def rolled_yield(steps: Iterable[StepYield]) -> Fraction:
    """A product's rolled throughput yield: the product of its steps' first-pass yields (exact)."""
    out = Fraction(1)
    for s in steps:
        out *= Fraction(s.passed, s.entered)
    return out


def throughput(steps: Iterable[StepYield]) -> tuple[int, Fraction]:
    """(units started, units through first time) over the products of ``steps``: a product's
    units started are those entering its first step, and its units through are those × its
    rolled throughput yield. Summed, their ratio is the yield weighted by the units started, so
    a unit's or a group's yield is a ratio of sums, like any derived indicator."""
    products: dict[str, list[StepYield]] = {}
    for s in steps:
        products.setdefault(s.product, []).append(s)
    started, through = 0, Fraction(0)
    for found in products.values():
        first = min(found, key=lambda s: s.step)
        started += first.entered
        through += first.entered * rolled_yield(found)
    return started, through
